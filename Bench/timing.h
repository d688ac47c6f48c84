/* The headline timings: check and reject against bare verification, parse,
   reserve, and the storage writes per state change. */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include "results.h"

/* Returns 0 on success; non-zero if a fixture could not be built or a call
   gave an unexpected status (then no figure would mean anything). */
int bench_timing(timing_results *out);

#endif
