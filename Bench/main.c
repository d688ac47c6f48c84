/* make bench: measures libolic.a as a vendor links it, writes build/bench.json,
   prints a table, and exits non-zero when a budget is missed.
   Usage: bench ARCHIVE TOOLS_ARCHIVE OLIC_CLI CROSS_SIZES_JSON WORKDIR OUT_JSON */
#define _GNU_SOURCE /* sched_setaffinity */
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "batch.h"
#include "ledger_batch.h"
#include "machine.h"
#include "report.h"
#include "ring.h"
#include "scaling.h"
#include "sizes.h"
#include "stack.h"
#include "timing.h"

/* Staying on one CPU keeps a migration (cold caches, another core's clock)
   from landing in the middle of a sample. Best effort; `saved` gets the mask
   to restore before starting `olic batch`, which would inherit the pin and
   lose the other cores it signs on. */
static void pin_to_current_cpu(cpu_set_t *saved) {
  CPU_ZERO(saved);
  bool have_saved = sched_getaffinity(0, sizeof *saved, saved) == 0;
  int cpu = sched_getcpu();
  if (cpu < 0 || !have_saved) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)sched_setaffinity(0, sizeof set, &set);
}

/* Where `olic batch` writes its thousands of files. The budget compares the
   CLI's own cost to signing; on a disk, creating a file costs more than a
   signature and varies tenfold between runs (docs/performance.md), so the
   default is memory-backed /dev/shm. BENCH_BATCH_DIR picks another place. */
static const char *batch_out_parent(const char *workdir) {
  const char *chosen = getenv("BENCH_BATCH_DIR");
  if (chosen && *chosen) return chosen;
  struct stat st;
  if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
    return "/dev/shm";
  return workdir;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s ARCHIVE TOOLS_ARCHIVE OLIC_CLI CROSS_SIZES_JSON WORKDIR OUT_JSON\n", argv[0]);
    return 2;
  }
  const char *archive = argv[1], *tools_archive = argv[2], *olic = argv[3], *cross = argv[4],
             *workdir = argv[5], *out_path = argv[6];
  if (sodium_init() < 0) {
    fprintf(stderr, "bench: sodium_init failed\n");
    return 2;
  }
  cpu_set_t all_cpus;
  pin_to_current_cpu(&all_cpus);

  machine_info machine;
  bench_machine(&machine);
  static bench_results r;
  fprintf(stderr, "bench: check, reject, parse, reserve...\n");
  if (bench_timing(&r.timing)) { fprintf(stderr, "bench: timing fixtures failed\n"); return 2; }
  fprintf(stderr, "bench: threshold (v2) check and reject...\n");
  if (bench_threshold(&r.threshold)) { fprintf(stderr, "bench: threshold fixtures failed\n"); return 2; }
  fprintf(stderr, "bench: scaling with license size and trusted keys...\n");
  if (bench_scaling(&r.scaling)) { fprintf(stderr, "bench: scaling fixtures failed\n"); return 2; }
  if (bench_ring(&r.ring)) { fprintf(stderr, "bench: ring fixtures failed\n"); return 2; }
  fprintf(stderr, "bench: stack high-water marks...\n");
  if (bench_stack(&r.stack)) { fprintf(stderr, "bench: stack fixtures failed\n"); return 2; }
  bench_text_bytes(archive, &r.sizes);
  bench_tools_text_bytes(tools_archive, &r.sizes);
  bench_hardening_bytes(archive, &r.sizes);
  bench_cross_sizes(cross, &r.sizes);
  if (CPU_COUNT(&all_cpus) > 0) (void)sched_setaffinity(0, sizeof all_cpus, &all_cpus);
  fprintf(stderr, "bench: olic batch against bare signing...\n");
  bench_batch(olic, workdir, batch_out_parent(workdir), &r.batch);
  fprintf(stderr, "bench: olic batch --ledger against olic batch --registry...\n");
  bench_ledger_batch(olic, workdir, batch_out_parent(workdir), &r.ledger_batch);

  bench_machine_load_end(&machine);

  /* Written beside and renamed, so a reader never sees half a file. */
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
  FILE *json = fopen(tmp, "w");
  if (!json) { perror(tmp); return 2; }
  bool ok = bench_report(&r, &machine, json, stdout);
  if (fclose(json) != 0 || rename(tmp, out_path) != 0) { perror(out_path); return 2; }
  printf("wrote %s\n", out_path);
  return ok ? 0 : 1;
}
