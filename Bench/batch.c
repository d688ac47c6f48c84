/* Runs `olic batch` as a user would (a process, a key file, a CSV, files out)
   and a bare signing loop over the same messages, interleaved, and compares
   their medians. The CLI's process start is part of its cost, so the batch is
   large enough for that to be small next to the signing. */
#define _GNU_SOURCE /* statfs, mkdtemp */
#include "batch.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "clock.h"
#include "fixtures.h"
#include "scratch_files.h"

enum { LICENSES = 4096, BATCH_SAMPLES = 15 };

extern char **environ;

/* dir/name into path; false when it does not fit (then nothing is opened). */
static bool join(char *path, size_t cap, const char *dir, const char *name) {
  int n = snprintf(path, cap, "%s/%s", dir, name);
  return n >= 0 && (size_t)n < cap;
}

typedef struct message {
  uint8_t bytes[OLIC_LICENSE_MAX_SIZE];
  size_t len; /* the signed part: the license without its signature */
} message;

static int write_devices_csv(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fprintf(f, "device_id,license_id,allowance\n");
  for (uint32_t i = 0; i < LICENSES; i++) {
    uint8_t id[32], index[4] = {(uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), 0};
    crypto_generichash(id, sizeof id, index, sizeof index, NULL, 0);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, id, sizeof id);
    fprintf(f, "%s,%u,%u\n", hex, i + 1, 1000000u + i);
  }
  return fclose(f);
}

/* Seconds for one `olic batch` run into `out_dir`; negative if it failed. */
static double run_batch(const char *olic, const char *key, const char *csv, const char *out_dir,
                        const char *log, int *exit_code) {
  char *argv[] = {(char *)olic, "batch", "--key", (char *)key, "--devices", (char *)csv,
                  "--out-dir", (char *)out_dir, NULL};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  /* Not a terminal, so no progress bar; output kept for the failure note. */
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid;
  uint64_t start = bench_now_ns();
  int err = posix_spawn(&pid, olic, &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err) { *exit_code = -err; return -1; }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  uint64_t elapsed = bench_now_ns() - start;
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return *exit_code == 0 ? (double)elapsed / 1e9 : -1;
}

/* Reads every license the CLI wrote, checks each against the public key, and
   keeps the signed part: the messages the bare loop will sign. */
static int collect_messages(const char *dir, const uint8_t pk[32], message *msgs, size_t *count,
                            char *note, size_t note_cap) {
  DIR *d = opendir(dir);
  if (!d) { bench_say(note, note_cap, "cannot open %s", dir); return -1; }
  struct dirent *e;
  size_t n = 0;
  int rc = 0;
  while (rc == 0 && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == LICENSES) { bench_say(note, note_cap, "more than %d files in %s", LICENSES, dir); rc = -1; break; }
    char path[4096];
    FILE *f = join(path, sizeof path, dir, e->d_name) ? fopen(path, "rb") : NULL;
    uint8_t blob[OLIC_LICENSE_MAX_SIZE + 1];
    size_t len = f ? fread(blob, 1, sizeof blob, f) : 0;
    if (f) fclose(f);
    if (len < OLIC_LICENSE_MIN_SIZE || len > OLIC_LICENSE_MAX_SIZE ||
        olic_parse(blob, len, NULL) != OLIC_OK ||
        crypto_sign_verify_detached(blob + len - OLIC_SIGNATURE_SIZE, blob,
                                    len - OLIC_SIGNATURE_SIZE, pk) != 0) {
      bench_say(note, note_cap, "%s/%s is not a license signed by the bench key", dir, e->d_name);
      rc = -1;
      break;
    }
    msgs[n].len = len - OLIC_SIGNATURE_SIZE;
    memcpy(msgs[n].bytes, blob, msgs[n].len);
    n++;
  }
  closedir(d);
  if (rc == 0 && n != LICENSES) {
    bench_say(note, note_cap, "olic batch wrote %zu licenses for %d rows", n, LICENSES);
    rc = -1;
  }
  *count = n;
  return rc;
}

/* Visible files in `dir`, or -1 if it cannot be read. */
static long count_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  long n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static double sign_all(const message *msgs, size_t n, const uint8_t sk[64]) {
  uint8_t sig[OLIC_SIGNATURE_SIZE];
  uint64_t start = bench_now_ns();
  for (size_t i = 0; i < n; i++) {
    crypto_sign_detached(sig, NULL, msgs[i].bytes, msgs[i].len, sk);
    bench_sink += sig[0];
  }
  return (double)(bench_now_ns() - start) / 1e9;
}

/* A name for the filesystem under `dir`, for the record. */
static const char *filesystem_name(const char *dir) {
  struct statfs fs;
  if (statfs(dir, &fs) != 0) return "unknown";
  switch ((unsigned long)fs.f_type) {
  case 0x01021994ul: return "tmpfs";
  case 0xEF53ul: return "ext4";
  case 0x9123683Eul: return "btrfs";
  case 0x58465342ul: return "xfs";
  case 0x794C7630ul: return "overlayfs";
  default: return "other";
  }
}

void bench_batch(const char *olic, const char *workdir, const char *out_parent,
                 batch_results *out) {
  memset(out, 0, sizeof *out);
  out->licenses = LICENSES;
  out->samples = BATCH_SAMPLES;
  if (access(olic, X_OK) != 0) {
    bench_say(out->note, sizeof out->note,
        "%s not built yet (make build/olic): not measured", olic);
    return;
  }
  out->failed = true; /* until a full measurement succeeds */
  bench_key key;
  bench_key_make(&key, 0);
  char key_path[4096], csv_path[4096], log_path[4096], out_dir[4096];
  mkdir(workdir, 0755);
  if (!join(key_path, sizeof key_path, workdir, "bench-key.pem") ||
      !join(csv_path, sizeof csv_path, workdir, "devices.csv") ||
      !join(log_path, sizeof log_path, workdir, "batch.log") ||
      bench_write_key_pem(key_path, key.seed) || write_devices_csv(csv_path)) {
    bench_say(out->note, sizeof out->note, "cannot write inputs under %s", workdir);
    return;
  }
  char scratch[4096];
  if (!join(scratch, sizeof scratch, out_parent, "olic-bench-XXXXXX") || !mkdtemp(scratch) ||
      !join(out_dir, sizeof out_dir, scratch, "out")) {
    bench_say(out->note, sizeof out->note, "cannot make a scratch directory under %s", out_parent);
    return;
  }
  snprintf(out->out_fs, sizeof out->out_fs, "%s", filesystem_name(scratch));
  bench_say(out->out_parent, sizeof out->out_parent, "%s", out_parent);

  message *msgs = calloc(LICENSES, sizeof *msgs);
  if (!msgs) { bench_say(out->note, sizeof out->note, "out of memory"); return; }
  double batch_s[BATCH_SAMPLES], sign_s[BATCH_SAMPLES];
  size_t n = 0;
  for (size_t s = 0; s < BATCH_SAMPLES; s++) {
    /* Absent, as in a first run: the CLI creates it (the CLI accepts either). */
    bench_remove_tree(out_dir);
    int exit_code;
    batch_s[s] = run_batch(olic, key_path, csv_path, out_dir, log_path, &exit_code);
    if (batch_s[s] < 0) {
      bench_say(out->note, sizeof out->note, "olic batch exited with %d (see %s)", exit_code, log_path);
      goto done;
    }
    /* The first run's licenses are read back and checked one by one, and are
       the messages the bare loop signs; later runs must write as many. */
    if (s == 0 && collect_messages(out_dir, key.public_key, msgs, &n, out->note, sizeof out->note))
      goto done;
    if (count_files(out_dir) != LICENSES) {
      bench_say(out->note, sizeof out->note, "olic batch run %zu wrote %ld files for %d rows", s + 1,
          count_files(out_dir), LICENSES);
      goto done;
    }
    sign_s[s] = sign_all(msgs, n, key.secret_key);
  }
  out->batch_s = bench_median(batch_s, BATCH_SAMPLES);
  out->sign_s = bench_median(sign_s, BATCH_SAMPLES);
  out->batch_per_s = LICENSES / out->batch_s;
  out->sign_per_s = LICENSES / out->sign_s;
  out->ratio = out->batch_per_s / out->sign_per_s;
  out->measured = true;
  out->failed = false;
done:
  bench_remove_tree(scratch);
  free(msgs);
}
