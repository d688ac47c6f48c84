#include "test_keys.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static test_keys keys;
static bool ready;

/* Seeds are fixed patterns: a regenerated corpus must verify under the same key. */
static void keypair(uint8_t first_byte, uint8_t pk[32], uint8_t sk[64]) {
  uint8_t seed[crypto_sign_SEEDBYTES];
  for (size_t i = 0; i < sizeof seed; i++) seed[i] = (uint8_t)(first_byte + i);
  if (crypto_sign_seed_keypair(pk, sk, seed) != 0) abort();
}

const test_keys *test_keys_get(void) {
  if (ready) return &keys;
  if (sodium_init() < 0) {
    fprintf(stderr, "test_keys: sodium_init failed\n");
    abort();
  }
  keypair(0x10, keys.regulator_pk, keys.regulator_sk);
  keypair(0x50, keys.stranger_pk, keys.stranger_sk);
  keypair(0x90, keys.device_pk, keys.device_sk);
  if (olic_key_id(keys.regulator_pk, keys.regulator_key_id) != OLIC_OK) abort();
  crypto_generichash(keys.device_id, sizeof keys.device_id, keys.device_pk, sizeof keys.device_pk,
                     NULL, 0);
  ready = true;
  return &keys;
}

olic_config test_config(uint32_t firmware_version) {
  const test_keys *k = test_keys_get();
  olic_config c;
  memset(&c, 0, sizeof c);
  c.trusted_keys = k->regulator_pk;
  c.trusted_key_count = 1;
  memcpy(c.device_id, k->device_id, sizeof c.device_id);
  c.firmware_version = firmware_version;
  return c;
}

void test_sign(uint8_t *blob, size_t len, const uint8_t secret_key[OLIC_SECRET_KEY_SIZE]) {
  if (len < OLIC_SIGNATURE_SIZE) abort();
  size_t signed_len = len - OLIC_SIGNATURE_SIZE;
  if (crypto_sign_detached(blob + signed_len, NULL, blob, signed_len, secret_key) != 0) abort();
}

olic_status test_issue(const olic_license *fields, const olic_extension *extra, size_t extra_count,
                       uint8_t *out, size_t capacity, size_t *len) {
  olic_status s = olic_encode_license(fields, extra, extra_count, out, capacity, len);
  if (s == OLIC_OK) test_sign(out, *len, test_keys_get()->regulator_sk);
  return s;
}

olic_license test_fields(uint64_t license_id, uint64_t allowance) {
  const test_keys *k = test_keys_get();
  olic_license f;
  memset(&f, 0, sizeof f);
  memcpy(f.key_id, k->regulator_key_id, sizeof f.key_id);
  memcpy(f.device_id, k->device_id, sizeof f.device_id);
  f.license_id = license_id;
  f.allowance = allowance;
  return f;
}
