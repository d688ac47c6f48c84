/* Timing primitives shared by every measurement: a monotonic clock, a median,
   and an interleaved sampler, so that each figure is taken the same way. */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* One operation under test; called `iters` times back to back per sample. */
typedef void (*bench_op)(void *arg);

enum {
  /* Many short samples rather than a few long ones: on a shared or
     frequency-scaling machine the speed drifts within a second, and pairs taken
     ~1 ms apart see the same machine. The median drops preempted samples. */
  BENCH_SAMPLES = 201,         /* the issue asks for >= 15 */
  BENCH_MAX_SAMPLES = 256
};

uint64_t bench_now_ns(void);

/* Median of v[0, n); sorts v in place. */
double bench_median(double *v, size_t n);

/* Iterations so that one sample of `op` lasts at least `target_ns`. */
uint64_t bench_calibrate(bench_op op, void *arg, uint64_t target_ns);

/* Nanoseconds per call of one sample of `iters` calls. */
double bench_sample(bench_op op, void *arg, uint64_t iters);

/* Median ns per call of op a and op b, measured interleaved: sample i of a and
   sample i of b are taken back to back, and their order alternates, so that a
   change in clock speed or a noisy neighbour hits both sides alike.
   median_ratio (may be NULL) gets the median of the per-pair ratios a_i / b_i,
   a cross-check that is insensitive to drift between pairs. */
void bench_pair(bench_op a, void *arg_a, bench_op b, void *arg_b, size_t samples,
                uint64_t target_ns, double *median_a, double *median_b, double *median_ratio);

/* Like bench_pair, for two operations of similar cost that are long next to a
   clock read (tens of microseconds): within each sample the calls alternate
   a, b, a, b... and each call is timed on its own, so both sides of every
   sample see the same machine, call for call. A sample is still `iters` calls
   of each, ~target_ns long. Each call's time includes one clock read (~20 ns),
   on both sides alike. */
void bench_pair_alternating(bench_op a, void *arg_a, bench_op b, void *arg_b, size_t samples,
                            uint64_t target_ns, double *median_a, double *median_b,
                            double *median_ratio);

/* Median ns per call of one operation. */
double bench_single(bench_op op, void *arg, size_t samples, uint64_t target_ns);

/* Keeps results alive so the compiler cannot drop the calls that made them. */
extern volatile uint64_t bench_sink;

#endif
