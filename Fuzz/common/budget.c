#define _POSIX_C_SOURCE 200809L
#include "budget.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t limit_ns = -1;
static bool first = true;

static int64_t thread_cpu_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t limit(void) {
  if (limit_ns < 0) {
    const char *env = getenv("OLIC_FUZZ_BUDGET_US");
    long us = env ? strtol(env, NULL, 10) : 10000;
    limit_ns = us > 0 ? (int64_t)us * 1000 : INT64_MAX; /* 0 or junk: no budget */
  }
  return limit_ns;
}

static int64_t timed(budget_body body, const uint8_t *data, size_t size) {
  int64_t started = thread_cpu_ns();
  body(data, size);
  return thread_cpu_ns() - started;
}

void budget_run(const char *target, budget_body body, const uint8_t *data, size_t size) {
  int64_t spent = timed(body, data, size);
  if (first) {
    first = false;
    return;
  }
  if (spent <= limit()) return;
  int64_t again = timed(body, data, size);
  if (again <= limit()) return;
  fprintf(stderr, "olic fuzz budget: %s spent %lld us, then %lld us of CPU on one input (limit %lld us)\n",
          target, (long long)(spent / 1000), (long long)(again / 1000), (long long)(limit() / 1000));
  abort();
}
