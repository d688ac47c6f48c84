/*
 * Instruction counts and peak stack of one call, printed as "metric KEY VALUE"
 * lines that scripts/qemu-json.sh turns into build/qemu.json.
 */
#ifndef OLIC_BAREMETAL_MEASURE_H
#define OLIC_BAREMETAL_MEASURE_H

#include <stdint.h>

#include "platform.h"
#include "stack.h"

typedef struct cost {
  uint64_t instructions; /* retired by the call, counter overhead subtracted */
  uint32_t stack_bytes;  /* peak stack below the caller's frame */
} cost;

/* Instructions that MEASURE counts around an empty statement; set once by
   measure_calibrate and subtracted from every measurement. */
extern uint64_t measure_overhead;

/* Measures the statement `call` (usually `st = olic_...(...)`) into `out`. */
#define MEASURE(out, call)                                  \
  do {                                                      \
    stack_paint();                                          \
    uintptr_t measure_sp_ = stack_pointer();                \
    uint64_t measure_t0_ = platform_instret();              \
    call;                                                   \
    uint64_t measure_t1_ = platform_instret();              \
    (out).instructions = measure_t1_ - measure_t0_ - measure_overhead; \
    (out).stack_bytes = stack_used_below(measure_sp_);      \
  } while (0)

void measure_calibrate(void);

/* Prints "metric <name>_instructions N" and "metric <name>_stack_bytes N", and
   keeps the largest stack for metric_summary. */
void metric_cost(const char *name, cost c);
void metric(const char *key, uint64_t value);

/* Prints "metric stack_bytes N": the peak over every metric_cost. */
void metric_summary(void);

#endif
