/* The ring of record slots (docs/format.md, "State in secure NVM") at 256 B,
   4 KiB and 64 KiB: wear per byte offset over a million reservations, counted
   through the storage callbacks, and olic_init's time on a healthy ring. */
#ifndef BENCH_RING_H
#define BENCH_RING_H

#include "results.h"

/* Returns 0 on success; a fixture or call that fails is -1. */
int bench_ring(ring_results *out);

#endif
