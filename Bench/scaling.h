/* How the cost of a check grows with license size (136 -> 1024 bytes) and with
   the number of trusted keys (1 -> 8). Reported, not budgeted. */
#ifndef BENCH_SCALING_H
#define BENCH_SCALING_H

#include "results.h"

int bench_scaling(scaling_results *out);

#endif
