/* The ring of record slots through libolic.a as a vendor links it (the Swift
   tests run the host build): where each commit lands on several storage sizes,
   that no access leaves [0, min(size, 64 KiB)), a cut at every byte of the wrap,
   and the previous release's NVM images (Tests/fixtures/nvm-v1, run from the
   repository root) booting with their exact state. */
#include "olic.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);        \
      failures++;                                                            \
    }                                                                        \
  } while (0)

enum { CAPACITY = 70000, RECORD = OLIC_STATE_RECORD_SIZE, STRIDE = OLIC_STATE_SLOT_STRIDE };

static struct {
  uint8_t bytes[CAPACITY];
  uint32_t size;
  uint32_t writes, last_offset, last_len, highest_end;
  int cut_keep;          /* >= 0: the next write lands this many bytes and fails */
} nvm;

static void note(uint32_t o, uint32_t n) {
  if (o + n > nvm.highest_end) nvm.highest_end = o + n;
}
static int ram_read(void *c, uint32_t o, void *b, uint32_t n) {
  (void)c;
  if (o > nvm.size || n > nvm.size - o) return -1;
  note(o, n);
  memcpy(b, nvm.bytes + o, n);
  return 0;
}
static int ram_write(void *c, uint32_t o, const void *b, uint32_t n) {
  (void)c;
  if (o > nvm.size || n > nvm.size - o) return -1;
  note(o, n);
  nvm.writes++;
  nvm.last_offset = o;
  nvm.last_len = n;
  if (nvm.cut_keep >= 0) {
    memcpy(nvm.bytes + o, b, (size_t)nvm.cut_keep < n ? (size_t)nvm.cut_keep : n);
    nvm.cut_keep = -1;
    return -1;
  }
  memcpy(nvm.bytes + o, b, n);
  return 0;
}

static uint8_t regulator_pk[32], device_pk[32], device_sk[64];
static olic_config config;
static olic_storage storage;
static olic_context ctx;

static uint32_t slots(uint32_t size) {
  uint32_t n = (size - RECORD) / STRIDE + 1;
  return n < OLIC_STATE_MAX_SLOTS ? n : OLIC_STATE_MAX_SLOTS;
}

static void blank(uint32_t size, uint8_t fill) {
  memset(nvm.bytes, fill, sizeof nvm.bytes);
  nvm.size = size;
  nvm.writes = nvm.highest_end = 0;
  nvm.cut_keep = -1;
  storage = (olic_storage){NULL, size, ram_read, ram_write};
}

static olic_status request(void) {
  uint8_t out[OLIC_REQUEST_SIZE];
  size_t len = 0;
  return olic_make_request(&ctx, device_sk, out, sizeof out, &len);
}

static uint64_t sequence_after_boot(void) {
  olic_state_info s;
  memset(&s, 0, sizeof s);
  if (olic_init(&ctx, &config, &storage) != OLIC_OK || olic_state(&ctx, &s) != OLIC_OK) return UINT64_MAX;
  return s.request_sequence;
}

/* Commits go round the ring: commit k (provisioning is 0) writes slot k mod N. */
static void round_the_ring(uint32_t size) {
  uint32_t n = slots(size);
  blank(size, 0xff);
  CHECK(olic_provision(&storage) == OLIC_OK);
  CHECK(nvm.last_offset == 0 && nvm.last_len == RECORD);
  CHECK(olic_init(&ctx, &config, &storage) == OLIC_OK);
  uint32_t commits = n < 40 ? 2 * n + 3 : n + 3;
  for (uint32_t k = 1; k <= commits; k++) {
    uint32_t writes = nvm.writes;
    CHECK(request() == OLIC_OK);
    CHECK(nvm.writes == writes + 1);
    CHECK(nvm.last_offset == (k % n) * STRIDE && nvm.last_len == RECORD);
    if (k % 7 == 0 || k % n == 0) CHECK(sequence_after_boot() == k);
  }
  uint32_t limit = size < 65536 ? size : 65536;
  CHECK(nvm.highest_end <= limit);
  CHECK(nvm.highest_end == (n - 1) * STRIDE + RECORD);
}

/* The commit from the last slot to slot 0, torn after every byte count. */
static void cut_the_wrap(uint32_t size) {
  uint32_t n = slots(size);
  static uint8_t before[CAPACITY];
  blank(size, 0x00);
  CHECK(olic_provision(&storage) == OLIC_OK);
  CHECK(olic_init(&ctx, &config, &storage) == OLIC_OK);
  for (uint32_t k = 1; k < 2 * n; k++) CHECK(request() == OLIC_OK); /* current: slot n - 1 */
  uint64_t seq = 2 * n - 1;
  memcpy(before, nvm.bytes, size);
  for (int keep = 0; keep <= RECORD; keep++) {
    memcpy(nvm.bytes, before, size);
    CHECK(sequence_after_boot() == seq);
    nvm.cut_keep = keep;
    CHECK(request() == OLIC_ERR_STORAGE);
    CHECK(nvm.last_offset == 0);
    CHECK(sequence_after_boot() == (keep == RECORD ? seq + 1 : seq));
    CHECK(request() == OLIC_OK); /* and it goes on */
    CHECK(sequence_after_boot() == (keep == RECORD ? seq + 2 : seq + 1));
  }
}

static void field_images(void) {
  FILE *m = fopen("Tests/fixtures/nvm-v1/manifest.txt", "r");
  CHECK(m != NULL);
  if (!m) return;
  char line[512], name[128];
  unsigned images = 0;
  olic_config v1 = config;
  uint8_t v1_regulator[32], seed[32], pk[32], sk[64];
  memset(seed, 0x11, 32);
  crypto_sign_seed_keypair(v1_regulator, sk, seed);
  memset(seed, 0x22, 32);
  crypto_sign_seed_keypair(pk, sk, seed);
  crypto_generichash(v1.device_id, 32, pk, 32, NULL, 0);
  v1.trusted_keys = v1_regulator;
  v1.firmware_version = 3;
  while (fgets(line, sizeof line, m)) {
    if (line[0] == '#') continue;
    unsigned long long v[10];
    if (sscanf(line, "%127s %llu %llu %llu %llu %llu %llu %llu %llu %llu", name, &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5], &v[6], &v[7], &v[8]) != 10) {
      CHECK(!"manifest line");
      continue;
    }
    char path[256];
    snprintf(path, sizeof path, "Tests/fixtures/nvm-v1/%s.nvm", name);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f) continue;
    blank((uint32_t)v[0], 0xee);
    CHECK(fread(nvm.bytes, 1, nvm.size, f) == nvm.size);
    fclose(f);
    olic_state_info s;
    CHECK(olic_init(&ctx, &v1, &storage) == OLIC_OK);
    CHECK(olic_state(&ctx, &s) == OLIC_OK);
    CHECK(s.last_license_id == v[3] && s.remaining == v[4] && s.consumed_total == v[5] &&
          s.request_sequence == v[6] && s.time_high_water == v[7] && s.firmware_version == v[8]);
    CHECK(nvm.writes == 0);
    /* The next commit is the slot after the one the old release left current. */
    uint8_t out[OLIC_REQUEST_SIZE];
    size_t len = 0;
    CHECK(olic_make_request(&ctx, sk, out, sizeof out, &len) == OLIC_OK);
    CHECK(nvm.last_offset == ((uint32_t)v[2] + 1) % slots(nvm.size) * STRIDE);
    images++;
  }
  fclose(m);
  CHECK(images == 16);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  uint8_t seed[32];
  memset(seed, 0x44, 32);
  crypto_sign_seed_keypair(regulator_pk, device_sk, seed);
  memset(seed, 0x55, 32);
  crypto_sign_seed_keypair(device_pk, device_sk, seed);
  config.trusted_keys = regulator_pk;
  config.trusted_key_count = 1;
  config.firmware_version = 9;
  crypto_generichash(config.device_id, 32, device_pk, 32, NULL, 0);

  CHECK(OLIC_STATE_MAX_SLOTS * OLIC_STATE_SLOT_STRIDE == 65536);
  CHECK(slots(OLIC_STORAGE_MIN_SIZE) == 2);
  static const uint32_t sizes[] = {256, 352, 1000, 4096, 65536, CAPACITY};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) round_the_ring(sizes[i]);
  static const uint32_t cut_sizes[] = {256, 1000, 4096};
  for (size_t i = 0; i < sizeof cut_sizes / sizeof cut_sizes[0]; i++) cut_the_wrap(cut_sizes[i]);
  field_images();
  if (failures) {
    fprintf(stderr, "ring_test: %d failures\n", failures);
    return 1;
  }
  printf("ring_test: all checks passed\n");
  return 0;
}
