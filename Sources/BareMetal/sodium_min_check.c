/*
 * Compile-only check (never linked): the minimal libsodium header used by the
 * cross builds, Sources/CSodium/bare/olic_sodium_min.h, declares exactly what
 * libsodium 1.0.18 declares. A function whose parameter types drifted is a
 * "conflicting types" error here; a constant that drifted fails a static assert.
 */
#include "olic_sodium_min.h"

/* Keep our constants' values, then let sodium.h define its own macros. */
enum {
  MIN_SIGN_BYTES = crypto_sign_BYTES,
  MIN_SIGN_PUBLICKEYBYTES = crypto_sign_PUBLICKEYBYTES,
  MIN_SIGN_SECRETKEYBYTES = crypto_sign_SECRETKEYBYTES,
  MIN_SIGN_SEEDBYTES = crypto_sign_SEEDBYTES,
  MIN_GENERICHASH_BYTES = crypto_generichash_BYTES,
};
#undef crypto_sign_BYTES
#undef crypto_sign_PUBLICKEYBYTES
#undef crypto_sign_SECRETKEYBYTES
#undef crypto_sign_SEEDBYTES
#undef crypto_generichash_BYTES

#include <sodium.h>

_Static_assert(MIN_SIGN_BYTES == crypto_sign_BYTES, "crypto_sign_BYTES");
_Static_assert(MIN_SIGN_PUBLICKEYBYTES == crypto_sign_PUBLICKEYBYTES, "crypto_sign_PUBLICKEYBYTES");
_Static_assert(MIN_SIGN_SECRETKEYBYTES == crypto_sign_SECRETKEYBYTES, "crypto_sign_SECRETKEYBYTES");
_Static_assert(MIN_SIGN_SEEDBYTES == crypto_sign_SEEDBYTES, "crypto_sign_SEEDBYTES");
_Static_assert(MIN_GENERICHASH_BYTES == crypto_generichash_BYTES, "crypto_generichash_BYTES");
