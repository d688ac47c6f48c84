/* Timing of threshold (v2) licenses: Bench/threshold.c. */
#ifndef BENCH_THRESHOLD_H
#define BENCH_THRESHOLD_H

typedef struct threshold_results {
  double check_ns, verify_ns;          /* v2, n = 2, 2-of-2 device; one bare verification */
  double reject_ns, reject_verify_ns;  /* v2 for another device: refused at step 8 */
} threshold_results;

int bench_threshold(threshold_results *out);

#endif
