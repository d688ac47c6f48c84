/* check_over_verify, reject_over_verify, parse_ns, reserve_ns, and the write
   counts. Each ratio divides two medians taken interleaved (clock.h). */
#include "timing.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "fixtures.h"
#include "ops.h"

/* ~1 ms per sample: 20-odd verifications, so clock reads and loop overhead are
   far below 0.1 %, while a pair of samples is short enough to see one machine
   speed. 201 pairs take about half a second. */
enum { SAMPLE_NS = 1000 * 1000 };

static void op_check(void *p) {
  const check_arg *a = p;
  olic_license out;
  olic_status s = olic_check(a->ctx, a->license->bytes, a->license->len, 0, &out);
  bench_sink += (uint64_t)s + out.license_id;
}

static void op_parse(void *p) {
  const bench_license *l = p;
  olic_license out;
  olic_status s = olic_parse(l->bytes, l->len, &out);
  bench_sink += (uint64_t)s + out.total_length;
}

static void op_reserve(void *p) {
  olic_context *ctx = p;
  uint64_t granted = 0;
  olic_status s = olic_reserve(ctx, 1, &granted);
  bench_sink += (uint64_t)s + granted;
}

/* Writes per call over `n` successful installs of fresh license ids. */
static int count_install_writes(bench_device *dev, const bench_key *signer, uint64_t first_id,
                                unsigned n, double *per_call) {
  uint64_t before = dev->ram.writes;
  for (unsigned i = 0; i < n; i++) {
    bench_license l;
    if (bench_license_make(&l, signer, dev->device_id, first_id + i, 1000, OLIC_LICENSE_MIN_SIZE))
      return -1;
    if (olic_install(&dev->ctx, l.bytes, l.len, 0) != OLIC_OK) return -1;
  }
  *per_call = (double)(dev->ram.writes - before) / n;
  return 0;
}

int bench_timing(timing_results *out) {
  static bench_device dev;
  bench_key signer;
  bench_key_make(&signer, 0);
  if (bench_device_make(&dev, 1)) return -1;

  uint8_t other_device[OLIC_DEVICE_ID_SIZE];
  bench_device_id(other_device, 1);
  static bench_license valid, wrong_device;
  if (bench_license_make(&valid, &signer, dev.device_id, 1000000, UINT64_C(1) << 62,
                         OLIC_LICENSE_MIN_SIZE) ||
      bench_license_make(&wrong_device, &signer, other_device, 1000000, UINT64_C(1) << 62,
                         OLIC_LICENSE_MIN_SIZE))
    return -1;

  /* The figures are only meaningful for the paths they claim to measure. */
  if (olic_check(&dev.ctx, valid.bytes, valid.len, 0, NULL) != OLIC_OK ||
      olic_check(&dev.ctx, wrong_device.bytes, wrong_device.len, 0, NULL) != OLIC_ERR_DEVICE) {
    fprintf(stderr, "bench: fixture licenses do not give OLIC_OK / OLIC_ERR_DEVICE\n");
    return -1;
  }

  memset(out, 0, sizeof *out);
  out->samples = BENCH_SAMPLES;
  check_arg check_valid = {&dev.ctx, &valid};
  check_arg check_reject = {&dev.ctx, &wrong_device};
  verify_arg verify = {&valid, signer.public_key};
  /* Check and verify cost the same to within a percent, and the budget leaves
     two: they alternate call by call. A rejection is 500 times cheaper than a
     verify, so it is timed in blocks, where a clock read per call would not
     be lost in the noise. */
  bench_pair_alternating(op_check, &check_valid, bench_op_verify, &verify, BENCH_SAMPLES, SAMPLE_NS,
                         &out->check_ns, &out->verify_ns, &out->check_pair_ratio);
  bench_pair(op_check, &check_reject, bench_op_verify, &verify, BENCH_SAMPLES, SAMPLE_NS,
             &out->reject_ns, &out->reject_verify_ns, NULL);
  out->parse_ns = bench_single(op_parse, &valid, BENCH_SAMPLES, SAMPLE_NS);

  /* Install the big allowance once, then time reserving one unit at a time. */
  if (olic_install(&dev.ctx, valid.bytes, valid.len, 0) != OLIC_OK) return -1;
  out->reserve_ns = bench_single(op_reserve, &dev.ctx, BENCH_SAMPLES, SAMPLE_NS);

  /* Write counts: successful installs and reserves, then a refused install. */
  if (count_install_writes(&dev, &signer, 2000000, 16, &out->install_writes)) return -1;
  uint64_t before = dev.ram.writes;
  enum { RESERVES = 1000 };
  for (unsigned i = 0; i < RESERVES; i++) {
    uint64_t granted;
    if (olic_reserve(&dev.ctx, 3, &granted) != OLIC_OK || granted != 3) return -1;
  }
  out->reserve_writes = (double)(dev.ram.writes - before) / RESERVES;
  before = dev.ram.writes;
  if (olic_install(&dev.ctx, valid.bytes, valid.len, 0) != OLIC_ERR_REPLAY) return -1;
  out->refused_install_writes = (double)(dev.ram.writes - before);
  return 0;
}
