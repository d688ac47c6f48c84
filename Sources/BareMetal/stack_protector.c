/*
 * Support for the stack protector that swiftc enables by default: the olic
 * object references __stack_chk_guard and __stack_chk_fail. Defined here rather
 * than taken from picolibc, whose guard stays 0 unless its crt0 seeds it.
 *
 * The canary is a fixed value: this image has no entropy source (randombytes.c).
 * Its low byte is 0 so that a string copy cannot reproduce it. A port with a
 * TRNG writes a random value here at reset, before calling any olic function.
 */
#include <stdint.h>

#include "platform.h"

uintptr_t __stack_chk_guard = 0x6f6c69635f736400u; /* "olic_sd" + NUL */

__attribute__((noreturn)) void __stack_chk_fail(void) {
  console_puts("FATAL stack smashing detected");
  console_newline();
  platform_exit(5);
}
