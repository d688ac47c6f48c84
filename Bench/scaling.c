/* Scaling figures for docs/performance.md. Fewer samples than the headline
   figures because there are twenty of them; every check is paired with a bare
   verification so that the ratio, not the machine's speed of the moment, is
   what the table compares. */
#include "scaling.h"

#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "fixtures.h"
#include "ops.h"

enum { SCALE_SAMPLES = 101, SCALE_SAMPLE_NS = 1000 * 1000 };

static void op_check(void *p) {
  const check_arg *a = p;
  olic_status s = olic_check(a->ctx, a->license->bytes, a->license->len, 0, NULL);
  bench_sink += (uint64_t)s;
}

static void op_parse(void *p) {
  const bench_license *l = p;
  bench_sink += (uint64_t)olic_parse(l->bytes, l->len, NULL);
}

static const size_t license_sizes[SCALE_SIZES] = {136, 256, 512, 1024};

int bench_scaling(scaling_results *out) {
  static bench_device dev;
  static bench_license license;
  bench_key signer, stranger;
  bench_key_make(&signer, 0);
  bench_key_make(&stranger, 100); /* never in any trusted table */
  memset(out, 0, sizeof *out);

  if (bench_device_make(&dev, 1)) return -1;
  for (size_t i = 0; i < SCALE_SIZES; i++) {
    out->sizes[i] = license_sizes[i];
    if (bench_license_make(&license, &signer, dev.device_id, 7, 1000, license_sizes[i]) ||
        olic_check(&dev.ctx, license.bytes, license.len, 0, NULL) != OLIC_OK)
      return -1;
    check_arg c = {&dev.ctx, &license};
    verify_arg v = {&license, signer.public_key};
    bench_pair_alternating(op_check, &c, bench_op_verify, &v, SCALE_SAMPLES, SCALE_SAMPLE_NS,
               &out->size_check_ns[i], &out->size_verify_ns[i], NULL);
    out->size_parse_ns[i] = bench_single(op_parse, &license, SCALE_SAMPLES, SCALE_SAMPLE_NS);
  }

  static bench_license unknown;
  for (size_t k = 1; k <= SCALE_KEYS; k++) {
    if (bench_device_make(&dev, k) ||
        bench_license_make(&license, &signer, dev.device_id, 7, 1000, OLIC_LICENSE_MIN_SIZE) ||
        bench_license_make(&unknown, &stranger, dev.device_id, 7, 1000, OLIC_LICENSE_MIN_SIZE) ||
        olic_check(&dev.ctx, license.bytes, license.len, 0, NULL) != OLIC_OK ||
        olic_check(&dev.ctx, unknown.bytes, unknown.len, 0, NULL) != OLIC_ERR_UNKNOWN_KEY)
      return -1;
    check_arg valid = {&dev.ctx, &license}, refused = {&dev.ctx, &unknown};
    verify_arg v = {&license, signer.public_key};
    bench_pair_alternating(op_check, &valid, bench_op_verify, &v, SCALE_SAMPLES, SCALE_SAMPLE_NS,
               &out->key_check_ns[k - 1], &out->key_verify_ns[k - 1], NULL);
    out->key_unknown_ns[k - 1] = bench_single(op_check, &refused, SCALE_SAMPLES, SCALE_SAMPLE_NS);
  }
  return 0;
}
