/*
 * The platform's randombytes for libsodium, replacing randombytes/sysrandom and
 * randombytes/internal, which read an operating system's entropy.
 *
 * Policy: this firmware never needs randomness. Verifying a license is
 * deterministic, the device's Ed25519 request signatures are deterministic
 * (RFC 8032), and sodium_init, which would stir a generator, is skipped on bare
 * metal (OLIC_BARE_METAL). So randomness is never produced here: any call means
 * the image started using a primitive that needs it, and the firmware stops
 * (exit status 4) instead of handing out predictable bytes. A port whose core has
 * a TRNG and needs randomness replaces this file with one that reads it.
 *
 * Today nothing in the image calls any of these (the linker drops them).
 * libsodium's own dispatcher, randombytes/randombytes.c, is in its archive but
 * is never linked: these definitions come first on the link line.
 */
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

__attribute__((noreturn)) static void no_entropy(const char *who) {
  console_puts("FATAL ");
  console_puts(who);
  console_puts(": this firmware has no entropy source");
  console_newline();
  platform_exit(4);
}

void randombytes_buf(void *const buf, const size_t size) {
  (void)buf;
  (void)size;
  no_entropy("randombytes_buf");
}

uint32_t randombytes_random(void) { no_entropy("randombytes_random"); }

uint32_t randombytes_uniform(const uint32_t upper_bound) {
  (void)upper_bound;
  no_entropy("randombytes_uniform");
}

void randombytes_stir(void) { no_entropy("randombytes_stir"); }

int randombytes_close(void) { no_entropy("randombytes_close"); }
