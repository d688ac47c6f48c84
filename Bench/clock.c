/* Monotonic timing and medians. CLOCK_MONOTONIC is never stepped by NTP, so a
   sample cannot come out negative or be stretched by a clock correction. */
#define _POSIX_C_SOURCE 200809L
#include "clock.h"

#include <stdlib.h>
#include <time.h>

volatile uint64_t bench_sink;

uint64_t bench_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double bench_median(double *v, size_t n) {
  if (n == 0) return 0;
  qsort(v, n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_sample(bench_op op, void *arg, uint64_t iters) {
  uint64_t start = bench_now_ns();
  for (uint64_t i = 0; i < iters; i++) op(arg);
  uint64_t elapsed = bench_now_ns() - start;
  return (double)elapsed / (double)iters;
}

uint64_t bench_calibrate(bench_op op, void *arg, uint64_t target_ns) {
  /* Also warms caches and branch predictors before anything is recorded. */
  uint64_t iters = 1;
  for (;;) {
    uint64_t start = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) op(arg);
    uint64_t elapsed = bench_now_ns() - start;
    if (elapsed >= target_ns || iters >= (UINT64_C(1) << 40)) break;
    /* Jump close to the target rather than doubling many times. */
    uint64_t guess = elapsed ? iters * target_ns / elapsed + 1 : iters * 16;
    iters = guess > iters * 16 ? iters * 16 : (guess > iters ? guess : iters * 2);
  }
  return iters;
}

void bench_pair(bench_op a, void *arg_a, bench_op b, void *arg_b, size_t samples,
                uint64_t target_ns, double *median_a, double *median_b, double *median_ratio) {
  if (samples > BENCH_MAX_SAMPLES) samples = BENCH_MAX_SAMPLES;
  double va[BENCH_MAX_SAMPLES], vb[BENCH_MAX_SAMPLES], ratio[BENCH_MAX_SAMPLES];
  uint64_t ia = bench_calibrate(a, arg_a, target_ns);
  uint64_t ib = bench_calibrate(b, arg_b, target_ns);
  for (size_t i = 0; i < samples; i++) {
    if (i % 2 == 0) {
      va[i] = bench_sample(a, arg_a, ia);
      vb[i] = bench_sample(b, arg_b, ib);
    } else {
      vb[i] = bench_sample(b, arg_b, ib);
      va[i] = bench_sample(a, arg_a, ia);
    }
    ratio[i] = va[i] / vb[i];
  }
  if (median_ratio) *median_ratio = bench_median(ratio, samples);
  *median_a = bench_median(va, samples);
  *median_b = bench_median(vb, samples);
}

void bench_pair_alternating(bench_op a, void *arg_a, bench_op b, void *arg_b, size_t samples,
                            uint64_t target_ns, double *median_a, double *median_b,
                            double *median_ratio) {
  if (samples > BENCH_MAX_SAMPLES) samples = BENCH_MAX_SAMPLES;
  double va[BENCH_MAX_SAMPLES], vb[BENCH_MAX_SAMPLES], ratio[BENCH_MAX_SAMPLES];
  uint64_t ia = bench_calibrate(a, arg_a, target_ns);
  uint64_t ib = bench_calibrate(b, arg_b, target_ns);
  uint64_t iters = ia > ib ? ia : ib;
  for (size_t i = 0; i < samples; i++) {
    uint64_t sum_a = 0, sum_b = 0;
    for (uint64_t j = 0; j < iters; j++) {
      /* Which goes first alternates too, so neither always runs on the
         caches the other just warmed. */
      uint64_t t0 = bench_now_ns();
      if (j % 2) a(arg_a); else b(arg_b);
      uint64_t t1 = bench_now_ns();
      if (j % 2) b(arg_b); else a(arg_a);
      uint64_t t2 = bench_now_ns();
      sum_a += j % 2 ? t1 - t0 : t2 - t1;
      sum_b += j % 2 ? t2 - t1 : t1 - t0;
    }
    va[i] = (double)sum_a / (double)iters;
    vb[i] = (double)sum_b / (double)iters;
    ratio[i] = va[i] / vb[i];
  }
  if (median_ratio) *median_ratio = bench_median(ratio, samples);
  *median_a = bench_median(va, samples);
  *median_b = bench_median(vb, samples);
}

double bench_single(bench_op op, void *arg, size_t samples, uint64_t target_ns) {
  if (samples > BENCH_MAX_SAMPLES) samples = BENCH_MAX_SAMPLES;
  double v[BENCH_MAX_SAMPLES];
  uint64_t iters = bench_calibrate(op, arg, target_ns);
  for (size_t i = 0; i < samples; i++) v[i] = bench_sample(op, arg, iters);
  return bench_median(v, samples);
}
