/* Metric lines; see measure.h. */
#include "measure.h"

uint64_t measure_overhead;
static uint32_t peak_stack;

void measure_calibrate(void) {
  cost c;
  measure_overhead = 0;
  MEASURE(c, (void)0);
  measure_overhead = c.instructions;
}

static void metric_suffixed(const char *name, const char *suffix, uint64_t value) {
  console_puts("metric ");
  console_puts(name);
  console_puts(suffix);
  console_puts(" ");
  console_put_u64(value);
  console_newline();
}

void metric(const char *key, uint64_t value) { metric_suffixed(key, "", value); }

void metric_cost(const char *name, cost c) {
  metric_suffixed(name, "_instructions", c.instructions);
  metric_suffixed(name, "_stack_bytes", c.stack_bytes);
  if (c.stack_bytes > peak_stack) {
    peak_stack = c.stack_bytes;
  }
}

void metric_summary(void) { metric("stack_bytes", peak_stack); }
