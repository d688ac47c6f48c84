/*
 * budget: the 10 ms per input rule. libFuzzer's -timeout counts whole seconds
 * (1 s is its floor), so each target also measures the CPU time its own thread
 * spent on an input and aborts past OLIC_FUZZ_BUDGET_US (default 10000). CPU
 * time, not wall time: the fuzz machines are shared, and a neighbour's load
 * must not turn into a finding. The first input of a process is exempt: it pays
 * for libsodium's start-up and the targets' one-time caches.
 */
#ifndef OLIC_FUZZ_BUDGET_H
#define OLIC_FUZZ_BUDGET_H

void budget_begin(void);
void budget_end(const char *target);

#endif
