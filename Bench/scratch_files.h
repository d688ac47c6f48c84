/* What the CLI benches (batch.c, ledger_batch.c) need around the runs they time:
   notes for bench.json, the regulator key file olic reads, and removing a
   scratch tree. */
#ifndef BENCH_SCRATCH_FILES_H
#define BENCH_SCRATCH_FILES_H

#include <stddef.h>
#include <stdint.h>

/* Notes are one line in bench.json: cutting a long path short is fine. */
void bench_say(char *note, size_t cap, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* RFC 8410 PKCS#8 for an Ed25519 seed, as `openssl genpkey` writes it, mode
   0600 (olic refuses a plaintext private key that others may read). */
int bench_write_key_pem(const char *path, const uint8_t seed[32]);

/* Removes `dir` and everything in it, staging directories a failed run may
   have left included; never follows a symlink out of it. */
void bench_remove_tree(const char *dir);

#endif
