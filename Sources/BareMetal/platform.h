/*
 * The few services of QEMU's virt machine that the firmware uses: console,
 * exit status, instruction counter. A port to a real security core replaces
 * uart.c and exit.c, and keeps the rest.
 */
#ifndef OLIC_BAREMETAL_PLATFORM_H
#define OLIC_BAREMETAL_PLATFORM_H

#include <stdint.h>

/* Console (uart.c). No printf: these four cover every line the firmware
   prints, without pulling picolibc's stdio into the image. */
void console_puts(const char *s);
void console_put_u64(uint64_t v);
void console_put_hex(const uint8_t *bytes, uint32_t len);
void console_newline(void);

/* Ends the simulation with `status` as QEMU's exit status (exit.c). */
__attribute__((noreturn)) void platform_exit(int status);

/* Called by start.S on any exception; reports it and exits with status 3. */
__attribute__((noreturn)) void platform_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval);

/* Instructions retired so far. Under QEMU's -icount shift=0 this is an exact,
   deterministic count; without -icount QEMU returns host time here. */
static inline uint64_t platform_instret(void) {
  uint64_t n;
  __asm__ volatile("rdinstret %0" : "=r"(n) : : "memory");
  return n;
}

#endif
