/* What every measurement needs: the fixed test keys, signed licenses, RAM
   storage that counts its writes, and a provisioned device. Licenses are built
   with olic_encode_license (the library's own encoder) and signed with
   libsodium directly, as a regulator's tool would. */
#ifndef BENCH_FIXTURES_H
#define BENCH_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "olic.h"

/* A key pair derived from a fixed seed, so runs are reproducible. */
typedef struct bench_key {
  uint8_t public_key[OLIC_PUBLIC_KEY_SIZE];
  uint8_t secret_key[OLIC_SECRET_KEY_SIZE];
  uint8_t seed[32];
} bench_key;

/* Key number `index` of the bench (0 is the regulator key every license uses). */
void bench_key_make(bench_key *key, unsigned index);

/* A signed license blob. */
typedef struct bench_license {
  uint8_t bytes[OLIC_LICENSE_MAX_SIZE];
  size_t len;
} bench_license;

/* A license of exactly `total_size` bytes (136..1024): any room above the
   minimum is one non-critical extension of unknown type, which the device parses
   and skips, so a larger size costs parsing and hashing and nothing else.
   Returns 0 on success. */
int bench_license_make(bench_license *out, const bench_key *signer,
                       const uint8_t device_id[OLIC_DEVICE_ID_SIZE], uint64_t license_id,
                       uint64_t allowance, size_t total_size);

/* A v2 (threshold) license of the minimum size with n = `count` entries, each
   signed by one of `signers` over [0, body_end) and filed by olic_add_signature
   (which keeps them in key_id order). *body_end gets where the entries start.
   Returns 0 on success. */
int bench_license_v2_make(bench_license *out, const bench_key *const *signers, size_t count,
                          const uint8_t device_id[OLIC_DEVICE_ID_SIZE], uint64_t license_id,
                          size_t *body_end);

/* NVM in RAM: reads and writes are memcpy, and every write is counted. */
typedef struct bench_ram {
  uint8_t bytes[OLIC_STORAGE_MIN_SIZE];
  uint64_t writes;
  olic_storage storage;
} bench_ram;

void bench_ram_init(bench_ram *ram);

/* A provisioned device trusting keys 0..key_count-1, ordered so that the
   signing key (key 0) comes last: the key lookup then scans every entry.
   Returns 0 on success. */
typedef struct bench_device {
  bench_ram ram;
  olic_context ctx;
  uint8_t device_id[OLIC_DEVICE_ID_SIZE];
} bench_device;

int bench_device_make(bench_device *dev, size_t key_count);

/* The same with a signature threshold k (0 means 1). */
int bench_device_make_threshold(bench_device *dev, size_t key_count, uint32_t threshold);

/* The device id the bench devices have, and one they do not. */
void bench_device_id(uint8_t out[OLIC_DEVICE_ID_SIZE], unsigned which);

#endif
