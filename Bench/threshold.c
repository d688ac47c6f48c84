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

/* The bare work of a passing n = 2 check: both entries' signatures verified
   over [0, body_end), each under its own key. Comparing against these very
   two (rather than twice one of them) keeps the variable-time verification of
   one signature out of the ratio. */
typedef struct entries_arg {
  const bench_license *license;
  size_t body_end;
  const uint8_t *keys[2]; /* in entry order */
} entries_arg;

static void op_verify_entries(void *p) {
  const entries_arg *a = p;
  for (size_t i = 0; i < 2; i++) {
    const uint8_t *sig = a->license->bytes + a->body_end + i * OLIC_SIGNATURE_ENTRY_SIZE + OLIC_KEY_ID_SIZE;
    int r = crypto_sign_verify_detached(sig, a->license->bytes, a->body_end, a->keys[i]);
    bench_sink += (uint64_t)(r + 1);
  }
}

int bench_threshold(threshold_results *out) {
  static bench_device dev;
  bench_key k0, k1;
  bench_key_make(&k0, 0);
  bench_key_make(&k1, 1);
  const bench_key *signers[2] = {&k0, &k1};
  if (bench_device_make_threshold(&dev, 2, 2)) return -1;

  uint8_t other_device[OLIC_DEVICE_ID_SIZE];
  bench_device_id(other_device, 1);
  static bench_license valid, wrong_device, v1_same_size;
  size_t body_end = 0;
  if (bench_license_v2_make(&valid, signers, 2, dev.device_id, 1000000, &body_end) ||
      bench_license_v2_make(&wrong_device, signers, 2, other_device, 1000000, NULL))
    return -1;
  if (olic_check(&dev.ctx, valid.bytes, valid.len, 0, NULL) != OLIC_OK ||
      olic_check(&dev.ctx, wrong_device.bytes, wrong_device.len, 0, NULL) != OLIC_ERR_DEVICE) {
    fprintf(stderr, "bench: v2 fixtures do not give OLIC_OK / OLIC_ERR_DEVICE\n");
    return -1;
  }
  /* The bare verification: one signature over the same body_end bytes, as
     bench_op_verify computes it over a v1 blob of that signed length. */
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

  entries_arg both = {&valid, body_end, {k0.public_key, k1.public_key}};
  if (entry != body_end) {
    both.keys[0] = k1.public_key;
    both.keys[1] = k0.public_key;
  }

  memset(out, 0, sizeof *out);
  check_arg check_valid = {&dev.ctx, &valid};
  check_arg check_reject = {&dev.ctx, &wrong_device};
  verify_arg verify = {&v1_same_size, k0.public_key};
  double two_ns = 0;
  bench_pair_alternating(op_check, &check_valid, op_verify_entries, &both, BENCH_SAMPLES, SAMPLE_NS,
                         &out->check_ns, &two_ns, NULL);
  out->verify_ns = two_ns / 2;
  bench_pair(op_check, &check_reject, bench_op_verify, &verify, BENCH_SAMPLES, SAMPLE_NS,
             &out->reject_ns, &out->reject_verify_ns, NULL);
  return 0;
}
