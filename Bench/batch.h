/* batch_over_sign: `olic batch` licenses per second against a bare libsodium
   crypto_sign_detached loop over the very messages the CLI signed. */
#ifndef BENCH_BATCH_H
#define BENCH_BATCH_H

#include "results.h"

/* `olic` is the CLI binary (build/olic); `workdir` a scratch directory the bench
   owns. A missing binary is a note, not a failure; a binary that fails is. */
void bench_batch(const char *olic, const char *workdir, batch_results *out);

#endif
