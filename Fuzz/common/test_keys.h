/*
 * test_keys: the fixed keys every fuzz target, the corpus generator and the
 * canonical test agree on, derived from fixed seeds so that a seed corpus
 * generated today still passes the signature check tomorrow. Test-only keys:
 * nothing here is a secret.
 */
#ifndef OLIC_FUZZ_TEST_KEYS_H
#define OLIC_FUZZ_TEST_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "olic.h"

typedef struct test_keys {
  uint8_t regulator_pk[OLIC_PUBLIC_KEY_SIZE];   /* the trusted key */
  uint8_t regulator_sk[OLIC_SECRET_KEY_SIZE];
  uint8_t regulator_key_id[OLIC_KEY_ID_SIZE];
  uint8_t stranger_pk[OLIC_PUBLIC_KEY_SIZE];    /* a key the device does not trust */
  uint8_t stranger_sk[OLIC_SECRET_KEY_SIZE];
  uint8_t device_pk[OLIC_PUBLIC_KEY_SIZE];      /* the device's own request key */
  uint8_t device_sk[OLIC_SECRET_KEY_SIZE];
  uint8_t device_id[OLIC_DEVICE_ID_SIZE];       /* BLAKE2b-256(device_pk), the reference derivation */
} test_keys;

/* The keys, derived on first use; aborts if libsodium cannot start. */
const test_keys *test_keys_get(void);

/* The config of the test device: the regulator key trusted, the device's id. */
olic_config test_config(uint32_t firmware_version);

/* Signs blob[0, len - 64) with `secret_key` into blob[len - 64, len). len >= 64. */
void test_sign(uint8_t *blob, size_t len, const uint8_t secret_key[OLIC_SECRET_KEY_SIZE]);

/* olic_encode_license, then a regulator signature: a license the device trusts.
   Returns the encoder's status; *len is the blob's length on OLIC_OK. */
olic_status test_issue(const olic_license *fields, const olic_extension *extra, size_t extra_count,
                       uint8_t *out, size_t capacity, size_t *len);

/* Fields of a plain license for the test device: key id, device id, the given id
   and allowance, no extension. */
olic_license test_fields(uint64_t license_id, uint64_t allowance);

#endif
