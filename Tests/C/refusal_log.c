/* docs/integration.md, "Logging a refusal": the lines between the DOC markers are
   the doc's example exactly (make test-docs-c compares them). The harness below
   installs a good license, then a replay, a forged one and a truncated one, and
   checks the log lines word for word. */
#define _POSIX_C_SOURCE 200809L /* fmemopen, for the harness */
#include <sodium.h>
#include <stdlib.h>

/* DOC:BEGIN */
#include <inttypes.h>
#include <stdio.h>

#include "olic.h"

/* Installs one license; on a refusal, logs which license it was and why.
   olic_install and olic_check zero their output on refusal, so the fields come
   from olic_parse, which needs no key and no state. They are what the blob
   claims, not verified facts: log them, never act on them. */
static olic_status install_and_log(olic_context *ctx, const uint8_t *blob, size_t len,
                                   uint64_t now, FILE *log) {
  olic_status status = olic_install(ctx, blob, len, now);
  if (status == OLIC_OK) return status;
  olic_license claimed;
  if (olic_parse(blob, len, &claimed) == OLIC_OK) {
    fprintf(log, "refused license_id=%" PRIu64 " allowance=%" PRIu64 " key_id=", claimed.license_id,
            claimed.allowance);
    for (size_t i = 0; i < sizeof claimed.key_id; i++) fprintf(log, "%02x", claimed.key_id[i]);
    fprintf(log, ": %s\n", olic_status_name(status));
  } else {
    fprintf(log, "refused a %zu-byte blob that is not a readable license: %s\n", len,
            olic_status_name(status));
  }
  return status;
}
/* DOC:END */

#include <string.h>

static uint8_t nvm[OLIC_STORAGE_MIN_SIZE];
static int nvm_read(void *c, uint32_t off, void *buf, uint32_t len) {
  (void)c;
  if (off > sizeof nvm || len > sizeof nvm - off) return -1;
  memcpy(buf, nvm + off, len);
  return 0;
}
static int nvm_write(void *c, uint32_t off, const void *buf, uint32_t len) {
  (void)c;
  if (off > sizeof nvm || len > sizeof nvm - off) return -1;
  memcpy(nvm + off, buf, len);
  return 0;
}

static size_t make_license(const uint8_t *pk, const uint8_t *sk, const uint8_t *device_id,
                           uint64_t id, uint64_t allowance, uint8_t *out) {
  olic_license f;
  memset(&f, 0, sizeof f);
  if (olic_key_id(pk, f.key_id) != OLIC_OK) exit(1);
  memcpy(f.device_id, device_id, 32);
  f.license_id = id;
  f.allowance = allowance;
  size_t len = 0;
  if (olic_encode_license(&f, NULL, 0, out, OLIC_LICENSE_MAX_SIZE, &len) != OLIC_OK) exit(1);
  crypto_sign_detached(out + len - 64, NULL, out, len - 64, sk);
  return len;
}

int main(void) {
  if (sodium_init() < 0) return 1;
  uint8_t pk[32], sk[64], seed[32], device_id[32];
  memset(seed, 0x22, sizeof seed);
  memset(device_id, 0xD2, sizeof device_id);
  crypto_sign_seed_keypair(pk, sk, seed);
  olic_storage storage = {NULL, sizeof nvm, nvm_read, nvm_write};
  if (olic_provision(&storage) != OLIC_OK) return 1;
  olic_config config = {pk, 1, {0}, 100, 1};
  memcpy(config.device_id, device_id, 32);
  olic_context ctx;
  if (olic_init(&ctx, &config, &storage) != OLIC_OK) return 1;

  uint8_t good[OLIC_LICENSE_MAX_SIZE], forged[OLIC_LICENSE_MAX_SIZE];
  size_t good_len = make_license(pk, sk, device_id, 7, 500, good);
  size_t forged_len = make_license(pk, sk, device_id, 8, 900, forged);
  forged[56] ^= 0x01; /* allowance edited after signing */

  char text[1024];
  FILE *log = fmemopen(text, sizeof text, "w");
  if (log == NULL) return 1;
  olic_status s1 = install_and_log(&ctx, good, good_len, 0, log);
  olic_status s2 = install_and_log(&ctx, good, good_len, 0, log);
  olic_status s3 = install_and_log(&ctx, forged, forged_len, 0, log);
  olic_status s4 = install_and_log(&ctx, good, 100, 0, log);
  fclose(log);
  const char *want =
      "refused license_id=7 allowance=500 key_id=%s: OLIC_ERR_REPLAY\n"
      "refused license_id=8 allowance=901 key_id=%s: OLIC_ERR_SIGNATURE\n"
      "refused a 100-byte blob that is not a readable license: OLIC_ERR_MALFORMED\n";
  uint8_t kid[8];
  char kid_hex[17], expected[1024];
  if (olic_key_id(pk, kid) != OLIC_OK) return 1;
  for (int i = 0; i < 8; i++) snprintf(kid_hex + 2 * i, 3, "%02x", kid[i]);
  snprintf(expected, sizeof expected, want, kid_hex, kid_hex);
  if (s1 != OLIC_OK || s2 != OLIC_ERR_REPLAY || s3 != OLIC_ERR_SIGNATURE || s4 != OLIC_ERR_MALFORMED ||
      strcmp(text, expected) != 0) {
    fprintf(stderr, "FAIL refusal_log: statuses %d %d %d %d, log:\n%s--- expected:\n%s", s1, s2, s3, s4, text,
            expected);
    return 1;
  }
  printf("refusal_log: a replay, a forgery and a truncated blob logged by olic_parse\n");
  return 0;
}
