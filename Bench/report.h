/* The budgets, the verdict per key, build/bench.json and the printed table. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "machine.h"
#include "results.h"

/* Writes the JSON to `json` and the table to `table`. Returns true when no
   budget is missed (a figure that could not be measured yet is not a miss). */
bool bench_report(const bench_results *r, const machine_info *m, FILE *json, FILE *table);

#endif
