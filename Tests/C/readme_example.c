/* The README's integration example, compiled and run by `make test` and
   `make run-example`. The lines between the README markers are the README's
   lines exactly (make test-readme compares them); the harness below them makes a
   regulator key and a license with libsodium, the way a regulator would. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* README:BEGIN */
#include <stdio.h>
#include <string.h>

#include "olic.h"

/* Secure NVM: a RAM array here; on a chip, a protected flash or RPMB region. */
static uint8_t nvm[OLIC_STORAGE_MIN_SIZE];
static int nvm_read(void *ctx, uint32_t off, void *buf, uint32_t len) {
  (void)ctx;
  if (off > sizeof nvm || len > sizeof nvm - off) return -1;
  memcpy(buf, nvm + off, len);
  return 0;
}
static int nvm_write(void *ctx, uint32_t off, const void *buf, uint32_t len) {
  (void)ctx;
  if (off > sizeof nvm || len > sizeof nvm - off) return -1;
  memcpy(nvm + off, buf, len);  /* a real port returns only once this is durable */
  return 0;
}

/* Boot, install a license from the mailbox, then pay for compute before running it. */
static uint64_t run_device(const uint8_t regulator_key[32], const uint8_t device_id[32],
                           const uint8_t *license, size_t len, uint64_t now) {
  olic_storage storage = {NULL, sizeof nvm, nvm_read, nvm_write};
  olic_config config = {regulator_key, 1, {0}, 100, 1};
  memcpy(config.device_id, device_id, sizeof config.device_id);
  olic_context ctx;
  if (olic_init(&ctx, &config, &storage) != OLIC_OK) return 0; /* fail closed */
  printf("install: %s\n", olic_status_name(olic_install(&ctx, license, len, now)));
  uint64_t granted, done = 0;
  while (olic_reserve(&ctx, 400, &granted) == OLIC_OK) done += granted; /* run `granted` units here */
  return done;
}
/* README:END */

int main(void) {
  if (sodium_init() < 0) return 1;
  uint8_t pk[32], sk[64], seed[32], device_id[32];
  memset(seed, 0x11, sizeof seed);
  memset(device_id, 0xD1, sizeof device_id);
  crypto_sign_seed_keypair(pk, sk, seed);

  olic_license fields;
  memset(&fields, 0, sizeof fields);
  if (olic_key_id(pk, fields.key_id) != OLIC_OK) return 1;
  memcpy(fields.device_id, device_id, 32);
  fields.license_id = 1;
  fields.allowance = 1000;
  uint8_t license[OLIC_LICENSE_MAX_SIZE];
  size_t len = 0;
  if (olic_encode_license(&fields, NULL, 0, license, sizeof license, &len) != OLIC_OK) return 1;
  crypto_sign_detached(license + len - 64, NULL, license, len - 64, sk);

  olic_storage factory = {NULL, sizeof nvm, nvm_read, nvm_write};
  if (olic_provision(&factory) != OLIC_OK) return 1;
  uint64_t done = run_device(pk, device_id, license, len, 1700000000);
  printf("compute units run: %llu\n", (unsigned long long)done);
  /* The same license again is a replay: nothing more to run. */
  uint64_t again = run_device(pk, device_id, license, len, 1700000000);
  if (done != 1000 || again != 0) {
    fprintf(stderr, "FAIL: expected 1000 then 0 units, got %llu then %llu\n",
            (unsigned long long)done, (unsigned long long)again);
    return 1;
  }
  return 0;
}
