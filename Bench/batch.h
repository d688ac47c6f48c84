/* batch_over_sign: `olic batch` licenses per second against a bare libsodium
   crypto_sign_detached loop over the very messages the CLI signed. */
#ifndef BENCH_BATCH_H
#define BENCH_BATCH_H

#include "results.h"

/* `olic` is the CLI binary (build/olic); `workdir` a directory the bench owns,
   for the key, the CSV and the CLI's log; the licenses go to a fresh directory
   under `out_parent`, removed afterwards. A missing binary is a note, not a
   failure; a binary that fails is. */
void bench_batch(const char *olic, const char *workdir, const char *out_parent,
                 batch_results *out);

#endif
