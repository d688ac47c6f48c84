/* Code size: text_bytes of the Swift core in libolic.a (from `size`), and the
   per-target sizes that `make cross` leaves in build/cross/sizes.json. */
#ifndef BENCH_SIZES_H
#define BENCH_SIZES_H

#include "results.h"

/* Sums the `text` column of `size` over the members of `archive`. libolic.a
   holds only the Swift core (libsodium is linked separately, never counted). */
void bench_text_bytes(const char *archive, size_results *out);

/* tools_text_bytes: the same sum over libolic-tools.a, the exports only tools
   call (report only: a device does not link it). */
void bench_tools_text_bytes(const char *archive, size_results *out);

/* hardening_text_bytes: the bytes of the fault-hardening functions of the core
   in `archive` (the twins, faultDetected and their helpers), from `nm -S`. What
   the hardening inlines into the exports is not in it; docs/performance.md has
   the core's text before and after. */
void bench_hardening_bytes(const char *archive, size_results *out);

/* Reads `path`, a flat JSON object of target -> bytes. Absent: a note, not a
   failure (make cross is another target). */
void bench_cross_sizes(const char *path, size_results *out);

#endif
