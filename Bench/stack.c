/* Stack high-water marks. The call runs on a region we own (ucontext), painted
   beforehand; whatever the call touched is no longer paint. Measuring on the
   real thread stack would need guessing where its used part ends. */
#define _GNU_SOURCE /* makecontext and friends are XSI, hidden by -std=c11 */
#include "stack.h"

#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#include <sodium.h>

#include "fixtures.h"

/* Far above the 8 KiB budget, so an overrun is measured rather than a crash. */
enum { REGION_BYTES = 256 * 1024 };

static _Alignas(64) unsigned char region[REGION_BYTES];
static ucontext_t caller, callee;
static void (*run_fn)(void *);
static void *run_arg;

static void trampoline(void) { run_fn(run_arg); }

/* Bytes at the deep end of the region that the call overwrote. */
static size_t run_painted(void (*fn)(void *), void *arg, unsigned char paint) {
  memset(region, paint, sizeof region);
  run_fn = fn;
  run_arg = arg;
  if (getcontext(&callee)) return SIZE_MAX;
  callee.uc_stack.ss_sp = region;
  callee.uc_stack.ss_size = sizeof region;
  callee.uc_link = &caller;
  makecontext(&callee, trampoline, 0);
  if (swapcontext(&caller, &callee)) return SIZE_MAX;
  size_t untouched = 0;
  while (untouched < sizeof region && region[untouched] == paint) untouched++;
  return sizeof region - untouched;
}

/* Two different paints: a call that happens to store the paint byte at its
   deepest point cannot hide it in both runs. */
static size_t high_water(void (*fn)(void *), void *arg) {
  size_t a = run_painted(fn, arg, 0xA5), b = run_painted(fn, arg, 0x5A);
  return a > b ? a : b;
}

static void op_nothing(void *p) { (void)p; }

typedef struct call_arg {
  olic_context *ctx;
  const bench_license *license;
  olic_status status;
} call_arg;

static void op_check(void *p) {
  call_arg *a = p;
  olic_license out;
  a->status = olic_check(a->ctx, a->license->bytes, a->license->len, 0, &out);
}

static void op_install(void *p) {
  call_arg *a = p;
  a->status = olic_install(a->ctx, a->license->bytes, a->license->len, 0);
}

static void op_reserve(void *p) {
  call_arg *a = p;
  uint64_t granted;
  a->status = olic_reserve(a->ctx, 1, &granted);
}

/* libsodium alone, for the breakdown: what olic adds on top of it. */
static const uint8_t *verify_key;

static void op_verify(void *p) {
  call_arg *a = p;
  size_t signed_len = a->license->len - OLIC_SIGNATURE_SIZE;
  int r = crypto_sign_verify_detached(a->license->bytes + signed_len, a->license->bytes,
                                      signed_len, verify_key);
  a->status = r == 0 ? OLIC_OK : OLIC_ERR_SIGNATURE;
}

static size_t net(size_t gross, size_t harness) { return gross > harness ? gross - harness : 0; }

/* Runs `fn` painted and requires `expected`, so we measure the path we name. */
static int measure(void (*fn)(void *), call_arg *arg, olic_status expected, size_t harness,
                   size_t *out) {
  *out = net(high_water(fn, arg), harness);
  if (arg->status != expected) {
    fprintf(stderr, "bench: stack run returned %s, wanted %s\n", olic_status_name(arg->status),
            olic_status_name(expected));
    return -1;
  }
  return 0;
}

int bench_stack(stack_results *out) {
  static bench_device dev;
  static bench_license small, large, install_a, install_b;
  bench_key signer;
  bench_key_make(&signer, 0);
  if (bench_device_make(&dev, OLIC_MAX_TRUSTED_KEYS) ||
      bench_license_make(&small, &signer, dev.device_id, 10, 1000, OLIC_LICENSE_MIN_SIZE) ||
      bench_license_make(&large, &signer, dev.device_id, 10, 1000, OLIC_LICENSE_MAX_SIZE) ||
      bench_license_make(&install_a, &signer, dev.device_id, 20, 1000, OLIC_LICENSE_MAX_SIZE) ||
      bench_license_make(&install_b, &signer, dev.device_id, 21, 1000, OLIC_LICENSE_MAX_SIZE))
    return -1;

  memset(out, 0, sizeof *out);
  out->region_bytes = REGION_BYTES;
  out->harness_bytes = high_water(op_nothing, NULL);

  /* Each painted function runs twice (two paints): installs use two ids. */
  call_arg check_small = {&dev.ctx, &small, 0}, check_large = {&dev.ctx, &large, 0};
  call_arg reserve = {&dev.ctx, NULL, 0};
  verify_key = signer.public_key;
  call_arg verify = {&dev.ctx, &large, 0};
  if (measure(op_verify, &verify, OLIC_OK, out->harness_bytes, &out->verify_only) ||
      measure(op_check, &check_small, OLIC_OK, out->harness_bytes, &out->check_min) ||
      measure(op_check, &check_large, OLIC_OK, out->harness_bytes, &out->check_max))
    return -1;

  size_t first, second;
  call_arg install = {&dev.ctx, &install_a, 0};
  first = net(run_painted(op_install, &install, 0xA5), out->harness_bytes);
  if (install.status != OLIC_OK) return -1;
  install.license = &install_b;
  second = net(run_painted(op_install, &install, 0x5A), out->harness_bytes);
  if (install.status != OLIC_OK) return -1;
  out->install = first > second ? first : second;

  if (measure(op_reserve, &reserve, OLIC_OK, out->harness_bytes, &out->reserve)) return -1;

  size_t peak = out->check_max;
  if (out->install > peak) peak = out->install;
  if (out->reserve > peak) peak = out->reserve;
  out->overflow = peak + out->harness_bytes >= REGION_BYTES;
  return 0;
}
