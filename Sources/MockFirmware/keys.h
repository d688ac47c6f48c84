/* keys.h: the two key formats a vendor's provisioning line hands the firmware.
 *
 * Public keys (--trusted-key): PEM SPKI as `openssl pkey -pubout` writes it, or
 * 64 hex characters. Device keys (--device-key): PEM PKCS#8 as
 * `openssl genpkey -algorithm ed25519` writes it, or 128 hex characters of
 * libsodium's secret key (seed || public key).
 *
 * Only Ed25519 is accepted, and only in exactly these encodings: the DER is
 * compared byte for byte with the one fixed prefix each form has, so there is
 * no ASN.1 parser here to get wrong. On failure the functions return false and
 * fill `why` with a one-line reason (without the file name); nothing secret is
 * ever put in it. */
#ifndef MOCK_KEYS_H
#define MOCK_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { KEYS_WHY_SIZE = 160 };

bool keys_load_public(const char *path, uint8_t public_key[32], char why[KEYS_WHY_SIZE]);

/* Also checks that the public half belongs to the seed: signing with a
   mismatched pair can leak the key, and olic_make_request would refuse later. */
bool keys_load_secret(const char *path, uint8_t secret_key[64], char why[KEYS_WHY_SIZE]);

#endif
