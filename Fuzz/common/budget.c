#define _POSIX_C_SOURCE 200809L
#include "budget.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t started_ns;
static int64_t limit_ns = -1;
static bool first = true;

static int64_t thread_cpu_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

void budget_begin(void) {
  if (limit_ns < 0) {
    const char *env = getenv("OLIC_FUZZ_BUDGET_US");
    long us = env ? strtol(env, NULL, 10) : 10000;
    limit_ns = us > 0 ? (int64_t)us * 1000 : INT64_MAX; /* 0 or junk: no budget */
  }
  started_ns = thread_cpu_ns();
}

void budget_end(const char *target) {
  int64_t spent = thread_cpu_ns() - started_ns;
  if (first) {
    first = false;
    return;
  }
  if (spent > limit_ns) {
    fprintf(stderr, "olic fuzz budget: %s spent %lld us of CPU on one input (limit %lld us)\n",
            target, (long long)(spent / 1000), (long long)(limit_ns / 1000));
    abort();
  }
}
