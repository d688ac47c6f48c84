/* ledger_batch_over_batch: `olic batch --ledger DB --requests DIR` requests per
   second against `olic batch --registry CSV --requests DIR` over the very same
   requests: the ledger's whole cost (recording, anomaly rules, the hash chain,
   the commits) next to the same batch without it. */
#ifndef BENCH_LEDGER_BATCH_H
#define BENCH_LEDGER_BATCH_H

#include "results.h"

void bench_ledger_batch(const char *olic, const char *workdir, const char *out_parent,
                        ledger_batch_results *out);

#endif
