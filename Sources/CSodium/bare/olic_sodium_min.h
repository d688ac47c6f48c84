/*
 * The part of libsodium 1.0.18's API that the olic core calls, for targets that
 * have no libsodium headers (make cross, make qemu).
 *
 * Each declaration is copied from libsodium's own header, parameter types
 * included: the bare-metal image links the real libsodium, so a declaration that
 * drifted would be an ABI bug. Sources/BareMetal/sodium_min_check.c includes this
 * file together with <sodium.h> so that the compiler rejects any mismatch.
 * When the core starts calling another libsodium function, add it here.
 */
#ifndef OLIC_SODIUM_MIN_H
#define OLIC_SODIUM_MIN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define crypto_sign_BYTES 64U
#define crypto_sign_PUBLICKEYBYTES 32U
#define crypto_sign_SECRETKEYBYTES (32U + 32U)
#define crypto_sign_SEEDBYTES 32U
#define crypto_generichash_BYTES 32U

/* sodium/core.h. Skipped on bare metal (OLIC_BARE_METAL), declared for the
   hosted code path that shares the source. */
int sodium_init(void) __attribute__((warn_unused_result));

/* sodium/utils.h */
void sodium_memzero(void * const pnt, const size_t len);

/* crypto_sign.h */
int crypto_sign_seed_keypair(unsigned char *pk, unsigned char *sk, const unsigned char *seed)
    __attribute__((nonnull));
int crypto_sign_detached(unsigned char *sig, unsigned long long *siglen_p,
                         const unsigned char *m, unsigned long long mlen,
                         const unsigned char *sk) __attribute__((nonnull(1, 5)));
int crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m,
                                unsigned long long mlen, const unsigned char *pk)
    __attribute__((warn_unused_result)) __attribute__((nonnull(1, 4)));

/* crypto_generichash.h */
int crypto_generichash(unsigned char *out, size_t outlen, const unsigned char *in,
                       unsigned long long inlen, const unsigned char *key, size_t keylen)
    __attribute__((nonnull(1)));

#ifdef __cplusplus
}
#endif
#endif /* OLIC_SODIUM_MIN_H */
