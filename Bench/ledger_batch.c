/* Runs `olic batch --requests` over 10,000 device requests twice per sample,
   once through a fresh ledger and once against a registry CSV, interleaved, and
   compares the medians. The requests are made by libolic.a itself (one RAM
   device each, olic_make_request), as real chips make them. Setting up each
   sample's ledger (init, import) is not timed: it is not part of answering. */
#define _GNU_SOURCE
#include "ledger_batch.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "clock.h"
#include "fixtures.h"
#include "scratch_files.h"

enum { REQUESTS = 10000, LEDGER_SAMPLES = 5 };

extern char **environ;

/* Seconds for one olic run (stdout and stderr to `log`); negative if it failed. */
static double run_olic(char *const argv[], const char *log, int *exit_code) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid;
  uint64_t start = bench_now_ns();
  int err = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err) { *exit_code = -err; return -1; }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  uint64_t elapsed = bench_now_ns() - start;
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return *exit_code == 0 ? (double)elapsed / 1e9 : -1;
}

/* REQUESTS devices, each provisioned in RAM and asked for its first request;
   the requests go to dir/NNNNN.olic and the registry rows to csv. */
static int make_requests(const char *dir, const char *csv, const bench_key *regulator, char *note, size_t cap) {
  mkdir(dir, 0755);
  FILE *registry = fopen(csv, "w");
  if (!registry) { bench_say(note, cap, "cannot write %s", csv); return -1; }
  fprintf(registry, "device_id,public_key\n");
  int rc = 0;
  for (uint32_t i = 0; i < REQUESTS && rc == 0; i++) {
    uint8_t seed[32], index[5] = {'d', (uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), 0};
    uint8_t pk[32], sk[64], id[32];
    crypto_generichash(seed, sizeof seed, index, sizeof index, NULL, 0);
    crypto_sign_seed_keypair(pk, sk, seed);
    crypto_generichash(id, sizeof id, pk, sizeof pk, NULL, 0);
    bench_ram ram;
    bench_ram_init(&ram);
    olic_config config = {.trusted_keys = regulator->public_key, .trusted_key_count = 1};
    memcpy(config.device_id, id, sizeof id);
    olic_context ctx;
    uint8_t req[OLIC_REQUEST_SIZE];
    size_t len = 0;
    if (olic_provision(&ram.storage) != OLIC_OK || olic_init(&ctx, &config, &ram.storage) != OLIC_OK ||
        olic_make_request(&ctx, sk, req, sizeof req, &len) != OLIC_OK) {
      bench_say(note, cap, "libolic.a could not make request %u", i);
      rc = -1;
      break;
    }
    char path[4096], idhex[65], pkhex[65];
    int n = snprintf(path, sizeof path, "%s/%05u.olic", dir, i);
    FILE *f = n > 0 && (size_t)n < sizeof path ? fopen(path, "wb") : NULL;
    if (!f || fwrite(req, 1, len, f) != len || fclose(f) != 0) { bench_say(note, cap, "cannot write %s", path); rc = -1; }
    sodium_bin2hex(idhex, sizeof idhex, id, sizeof id);
    sodium_bin2hex(pkhex, sizeof pkhex, pk, sizeof pk);
    fprintf(registry, "%s,%s\n", idhex, pkhex);
  }
  if (fclose(registry) != 0 && rc == 0) { bench_say(note, cap, "cannot write %s", csv); rc = -1; }
  return rc;
}

void bench_ledger_batch(const char *olic, const char *workdir, const char *out_parent,
                        ledger_batch_results *out) {
  memset(out, 0, sizeof *out);
  out->requests = REQUESTS;
  out->samples = LEDGER_SAMPLES;
  if (access(olic, X_OK) != 0) {
    bench_say(out->note, sizeof out->note, "%s not built yet (make build/olic): not measured", olic);
    return;
  }
  out->failed = true;
  bench_key regulator;
  bench_key_make(&regulator, 0);
  char key[4096], csv[4096], inbox[4096], log[4096], db[4096], scratch[4096], out_dir[4096];
  snprintf(key, sizeof key, "%s/ledger-key.pem", workdir);
  snprintf(csv, sizeof csv, "%s/ledger-registry.csv", workdir);
  snprintf(inbox, sizeof inbox, "%s/ledger-requests", workdir);
  snprintf(log, sizeof log, "%s/ledger-batch.log", workdir);
  mkdir(workdir, 0755);
  bench_remove_tree(inbox);
  if (bench_write_key_pem(key, regulator.seed) || make_requests(inbox, csv, &regulator, out->note, sizeof out->note)) {
    if (!out->note[0]) bench_say(out->note, sizeof out->note, "cannot write inputs under %s", workdir);
    return;
  }
  snprintf(scratch, sizeof scratch, "%s/olic-ledger-bench-XXXXXX", out_parent);
  if (!mkdtemp(scratch)) { bench_say(out->note, sizeof out->note, "cannot make a directory under %s", out_parent); return; }
  /* The ledger lives where the licenses go: both are the batch's own I/O. */
  int n1 = snprintf(out_dir, sizeof out_dir, "%s/out", scratch);
  int n2 = snprintf(db, sizeof db, "%s/ledger.db", scratch);
  if (n1 < 0 || (size_t)n1 >= sizeof out_dir || n2 < 0 || (size_t)n2 >= sizeof db) {
    bench_say(out->note, sizeof out->note, "path too long under %s", out_parent);
    bench_remove_tree(scratch);
    return;
  }

  double ledger_s[LEDGER_SAMPLES], plain_s[LEDGER_SAMPLES];
  for (size_t s = 0; s < LEDGER_SAMPLES; s++) {
    int code;
    remove(db);
    char wal[4200], shm[4200];
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    remove(wal);
    remove(shm);
    char *init[] = {(char *)olic, "ledger", "init", db, NULL};
    char *import[] = {(char *)olic, "ledger", "import", db, "--registry", csv, NULL};
    if (run_olic(init, log, &code) < 0 || run_olic(import, log, &code) < 0) {
      bench_say(out->note, sizeof out->note, "olic ledger init/import exited with %d (see %s)", code, log);
      goto done;
    }
    bench_remove_tree(out_dir);
    char *with_ledger[] = {(char *)olic, "batch", "--ledger", db, "--key", key, "--requests", inbox,
                           "--allowance", "1000", "--out-dir", out_dir, NULL};
    ledger_s[s] = run_olic(with_ledger, log, &code);
    if (ledger_s[s] < 0) {
      bench_say(out->note, sizeof out->note, "olic batch --ledger exited with %d (see %s)", code, log);
      goto done;
    }
    bench_remove_tree(out_dir);
    char *with_registry[] = {(char *)olic, "batch", "--registry", csv, "--key", key, "--requests", inbox,
                             "--allowance", "1000", "--out-dir", out_dir, NULL};
    plain_s[s] = run_olic(with_registry, log, &code);
    if (plain_s[s] < 0) {
      bench_say(out->note, sizeof out->note, "olic batch --registry exited with %d (see %s)", code, log);
      goto done;
    }
  }
  out->ledger_s = bench_median(ledger_s, LEDGER_SAMPLES);
  out->plain_s = bench_median(plain_s, LEDGER_SAMPLES);
  out->ledger_per_s = REQUESTS / out->ledger_s;
  out->plain_per_s = REQUESTS / out->plain_s;
  out->ratio = out->ledger_per_s / out->plain_per_s;
  out->measured = true;
  out->failed = false;
done:
  bench_remove_tree(scratch);
}
