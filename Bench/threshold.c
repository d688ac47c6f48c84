/* check_v2_n2_over_verify and reject_v2_over_verify: a 2-of-2 device checks a
   v2 license signed by both keys (budget: n x 1.01 = 2.02 bare verifications)
   and refuses one for another device before any verification (budget 1 %). */
#include "threshold.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "fixtures.h"
#include "ops.h"

enum { SAMPLE_NS = 1000 * 1000 };

static void op_check(void *p) {
  const check_arg *a = p;
  olic_license out;
  olic_status s = olic_check(a->ctx, a->license->bytes, a->license->len, 0, &out);
  bench_sink += (uint64_t)s + out.license_id;
}

/* The core's encoder with n = 2 empty entries, each signed by libsodium over
   [0, body_end) and filed by olic_add_signature. */
static int v2_license(bench_license *out, const bench_key *a, const bench_key *b,
                      const uint8_t device_id[OLIC_DEVICE_ID_SIZE]) {
  olic_license f;
  memset(&f, 0, sizeof f);
  f.version = OLIC_VERSION_THRESHOLD;
  f.signature_count = 2;
  memcpy(f.device_id, device_id, OLIC_DEVICE_ID_SIZE);
  f.license_id = 1000000;
  f.allowance = UINT64_C(1) << 62;
  if (olic_encode_license(&f, NULL, 0, out->bytes, sizeof out->bytes, &out->len) != OLIC_OK) return -1;
  size_t body_end = out->len - 2 * OLIC_SIGNATURE_ENTRY_SIZE;
  const bench_key *signers[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    uint8_t id[OLIC_KEY_ID_SIZE], sig[OLIC_SIGNATURE_SIZE];
    if (olic_key_id(signers[i]->public_key, id) != OLIC_OK) return -1;
    crypto_sign_detached(sig, NULL, out->bytes, body_end, signers[i]->secret_key);
    if (olic_add_signature(out->bytes, out->len, id, sig) != OLIC_OK) return -1;
  }
  return 0;
}

int bench_threshold(threshold_results *out) {
  static bench_device dev;
  bench_key k0, k1;
  bench_key_make(&k0, 0);
  bench_key_make(&k1, 1);
  uint8_t keys[2 * OLIC_PUBLIC_KEY_SIZE];
  memcpy(keys, k0.public_key, OLIC_PUBLIC_KEY_SIZE);
  memcpy(keys + OLIC_PUBLIC_KEY_SIZE, k1.public_key, OLIC_PUBLIC_KEY_SIZE);
  olic_config config;
  memset(&config, 0, sizeof config);
  config.trusted_keys = keys;
  config.trusted_key_count = 2;
  config.signature_threshold = 2;
  bench_device_id(config.device_id, 0);
  config.firmware_version = 1;
  memcpy(dev.device_id, config.device_id, sizeof dev.device_id);
  bench_ram_init(&dev.ram);
  if (olic_provision(&dev.ram.storage) != OLIC_OK) return -1;
  if (olic_init(&dev.ctx, &config, &dev.ram.storage) != OLIC_OK) return -1;

  uint8_t other_device[OLIC_DEVICE_ID_SIZE];
  bench_device_id(other_device, 1);
  static bench_license valid, wrong_device, v1_same_size;
  if (v2_license(&valid, &k0, &k1, dev.device_id) || v2_license(&wrong_device, &k0, &k1, other_device))
    return -1;
  if (olic_check(&dev.ctx, valid.bytes, valid.len, 0, NULL) != OLIC_OK ||
      olic_check(&dev.ctx, wrong_device.bytes, wrong_device.len, 0, NULL) != OLIC_ERR_DEVICE) {
    fprintf(stderr, "bench: v2 fixtures do not give OLIC_OK / OLIC_ERR_DEVICE\n");
    return -1;
  }
  /* The bare verification: one signature over the same body_end bytes, as
     bench_op_verify computes it over a v1 blob of that signed length. */
  size_t body_end = valid.len - 2 * OLIC_SIGNATURE_ENTRY_SIZE;
  uint8_t id0[OLIC_KEY_ID_SIZE];
  if (olic_key_id(k0.public_key, id0) != OLIC_OK) return -1;
  /* k0's entry: a passing verification, the cost each entry of the check has. */
  size_t entry = body_end + (memcmp(valid.bytes + body_end, id0, sizeof id0) == 0 ? 0 : OLIC_SIGNATURE_ENTRY_SIZE);
  memcpy(v1_same_size.bytes, valid.bytes, body_end);
  memcpy(v1_same_size.bytes + body_end, valid.bytes + entry + OLIC_KEY_ID_SIZE, OLIC_SIGNATURE_SIZE);
  v1_same_size.len = body_end + OLIC_SIGNATURE_SIZE;
  if (crypto_sign_verify_detached(v1_same_size.bytes + body_end, v1_same_size.bytes, body_end, k0.public_key) != 0) {
    fprintf(stderr, "bench: the bare v2 verification does not pass\n");
    return -1;
  }

  memset(out, 0, sizeof *out);
  check_arg check_valid = {&dev.ctx, &valid};
  check_arg check_reject = {&dev.ctx, &wrong_device};
  verify_arg verify = {&v1_same_size, k0.public_key};
  bench_pair_alternating(op_check, &check_valid, bench_op_verify, &verify, BENCH_SAMPLES, SAMPLE_NS,
                         &out->check_ns, &out->verify_ns, NULL);
  bench_pair(op_check, &check_reject, bench_op_verify, &verify, BENCH_SAMPLES, SAMPLE_NS,
             &out->reject_ns, &out->reject_verify_ns, NULL);
  return 0;
}
