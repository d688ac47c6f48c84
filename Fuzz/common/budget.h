/*
 * budget: the 10 ms per input rule. libFuzzer's -timeout counts whole seconds
 * (1 s is its floor), so each target also measures the CPU time its own thread
 * spent on an input and aborts when it is past OLIC_FUZZ_BUDGET_US (default
 * 10000) twice in a row. CPU time, not wall time, and a second run before
 * aborting: the fuzz machines are shared, and a neighbour's load must not turn
 * into a finding. The first input of a process is exempt: it pays for
 * libsodium's start-up and the targets' one-time caches.
 */
#ifndef OLIC_FUZZ_BUDGET_H
#define OLIC_FUZZ_BUDGET_H

#include <stddef.h>
#include <stdint.h>

/* One input of a target, without the budget. */
typedef void (*budget_body)(const uint8_t *data, size_t size);

/* Runs `body` on the input and aborts if it spent more than the budget twice in
   a row: a slow input is slow again, while a one-off spike (the kernel reclaiming
   pages for a neighbour, on this thread's clock) is not, and is not a finding. */
void budget_run(const char *target, budget_body body, const uint8_t *data, size_t size);

#endif
