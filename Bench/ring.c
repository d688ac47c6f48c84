/* max_writes_per_byte_per_million_commits and init_ns; see ring.h. */
#include "ring.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "fixtures.h"

enum { RING_CAPACITY = 65536, COMMITS = 1000000 };

/* NVM in RAM that counts, for every byte offset, the writes that covered it. */
static struct {
  uint8_t bytes[RING_CAPACITY];
  uint32_t writes_at[RING_CAPACITY];
  uint32_t size;
  uint32_t cut_after;   /* nonzero: the next write lands only this many bytes */
} nvm;

static int ring_read(void *ctx, uint32_t offset, void *buf, uint32_t len) {
  (void)ctx;
  if (offset > nvm.size || len > nvm.size - offset) return -1;
  memcpy(buf, nvm.bytes + offset, len);
  return 0;
}

static int ring_write(void *ctx, uint32_t offset, const void *buf, uint32_t len) {
  (void)ctx;
  if (offset > nvm.size || len > nvm.size - offset) return -1;
  uint32_t n = len;
  int status = 0;
  if (nvm.cut_after != 0) {
    n = nvm.cut_after < len ? nvm.cut_after : len;
    nvm.cut_after = 0;
    status = -1;
  }
  memcpy(nvm.bytes + offset, buf, n);
  for (uint32_t i = 0; i < n; i++) nvm.writes_at[offset + i]++;
  return status;
}

typedef struct init_arg {
  olic_context *ctx;
  const olic_config *config;
  const olic_storage *storage;
} init_arg;

static void op_init(void *p) {
  const init_arg *a = p;
  bench_sink += (uint64_t)olic_init(a->ctx, a->config, a->storage);
}

static uint32_t max_writes(void) {
  uint32_t m = 0;
  for (uint32_t i = 0; i < nvm.size; i++)
    if (nvm.writes_at[i] > m) m = nvm.writes_at[i];
  return m;
}

static int one_size(uint32_t size, ring_size_result *out) {
  static olic_context ctx;
  bench_key regulator;
  bench_key_make(&regulator, 0);
  olic_config config;
  memset(&config, 0, sizeof config);
  config.trusted_keys = regulator.public_key;
  config.trusted_key_count = 1;
  bench_device_id(config.device_id, 0);
  config.firmware_version = 1;

  memset(&nvm, 0xff, sizeof nvm.bytes);
  memset(nvm.writes_at, 0, sizeof nvm.writes_at);
  nvm.size = size;
  nvm.cut_after = 0;
  olic_storage storage = {.ctx = NULL, .size = size, .read = ring_read, .write = ring_write};
  bench_license license;
  if (olic_provision(&storage) != OLIC_OK || olic_init(&ctx, &config, &storage) != OLIC_OK ||
      bench_license_make(&license, &regulator, config.device_id, 1, UINT64_C(1) << 62,
                         OLIC_LICENSE_MIN_SIZE) ||
      olic_install(&ctx, license.bytes, license.len, 0) != OLIC_OK)
    return -1;

  /* Only the reservations count: provisioning and the install are not wear a
     device repeats. */
  memset(nvm.writes_at, 0, sizeof nvm.writes_at);
  for (uint32_t i = 0; i < COMMITS; i++) {
    uint64_t granted = 0;
    if (olic_reserve(&ctx, 1, &granted) != OLIC_OK || granted != 1) return -1;
  }
  out->storage_bytes = size;
  out->slots = (size - OLIC_STATE_RECORD_SIZE) / OLIC_STATE_SLOT_STRIDE + 1u;
  if (out->slots > OLIC_STATE_MAX_SLOTS) out->slots = OLIC_STATE_MAX_SLOTS;
  out->max_writes_per_byte = max_writes();
  out->ideal_writes_per_byte = (COMMITS + out->slots - 1u) / out->slots;

  /* The ring is now round many times: every slot holds an intact record, the
     case where hashing every slot would cost most. */
  init_arg arg = {&ctx, &config, &storage};
  out->init_ns = bench_single(op_init, &arg, BENCH_SAMPLES, 1000 * 1000);
  if (olic_init(&ctx, &config, &storage) != OLIC_OK) return -1;
  /* A commit torn after 40 bytes: its header claims the next generation. */
  nvm.cut_after = 40;
  uint64_t granted = 0;
  if (olic_reserve(&ctx, 1, &granted) != OLIC_ERR_STORAGE) return -1;
  out->init_torn_ns = bench_single(op_init, &arg, BENCH_SAMPLES, 1000 * 1000);
  return olic_init(&ctx, &config, &storage) == OLIC_OK ? 0 : -1;
}

int bench_ring(ring_results *out) {
  static const uint32_t sizes[RING_SIZES] = {256, 4096, 65536};
  memset(out, 0, sizeof *out);
  out->commits = COMMITS;
  for (int i = 0; i < RING_SIZES; i++) {
    fprintf(stderr, "bench: ring of %u bytes, %d reservations...\n", sizes[i], COMMITS);
    if (one_size(sizes[i], &out->size[i])) return -1;
  }
  return 0;
}
