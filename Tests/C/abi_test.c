/* C-side checks of the ABI as a vendor sees it: the status table, the sizes,
   NULL handling with C pointers, and a request verified by libsodium. */
#include "olic.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ram_storage.h"

static int failures;
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);        \
      failures++;                                                            \
    }                                                                        \
  } while (0)

/* One table: every name the X-macro spells is the name the library returns. */
#define CHECK_NAME(name, value)                                              \
  CHECK((int)(name) == (value));                                             \
  CHECK(strcmp(olic_status_name(name), #name) == 0);
static void status_names(void) {
  OLIC_STATUS_LIST(CHECK_NAME)
  CHECK(OLIC_ERR_FAULT == 20);
  CHECK(strcmp(olic_status_name(OLIC_ERR_FAULT), "OLIC_ERR_FAULT") == 0);
  CHECK(strcmp(olic_status_name((olic_status)21), "OLIC_ERR_THRESHOLD") == 0);
  CHECK(strcmp(olic_status_name((olic_status)22), "OLIC_STATUS_UNKNOWN") == 0);
  CHECK(strcmp(olic_status_name((olic_status)-1), "OLIC_STATUS_UNKNOWN") == 0);
}


static void request_round_trip(void) {
  uint8_t trusted[32], seed[32], pk[32], sk[64];
  memset(trusted, 7, sizeof trusted);
  memset(seed, 0x33, sizeof seed);
  crypto_sign_seed_keypair(pk, sk, seed);
  olic_storage storage = {NULL, sizeof ram, ram_read, ram_write};
  olic_config config = {trusted, 1, {0}, 42, 1};
  crypto_generichash(config.device_id, 32, pk, 32, NULL, 0); /* the reference derivation */
  olic_context ctx;
  CHECK(olic_init(&ctx, &config, &storage) == OLIC_ERR_STATE);
  CHECK(olic_provision(&storage) == OLIC_OK);
  CHECK(olic_init(&ctx, &config, &storage) == OLIC_OK);
  uint8_t out[OLIC_REQUEST_SIZE];
  size_t out_len = 0;
  CHECK(olic_make_request(&ctx, sk, out, sizeof out, &out_len) == OLIC_OK);
  CHECK(out_len == OLIC_REQUEST_SIZE);
  CHECK(writes == 2);
  CHECK(crypto_sign_verify_detached(out + OLIC_REQUEST_SIGNED_SIZE, out, OLIC_REQUEST_SIGNED_SIZE, pk) == 0);
  olic_request r;
  CHECK(olic_verify_request(out, out_len, &r) == OLIC_OK);
  CHECK(r.request_sequence == 1 && r.firmware_version == 42);
  CHECK(memcmp(r.device_id, config.device_id, 32) == 0);
  CHECK(memcmp(r.device_public_key, pk, 32) == 0);
  olic_state_info s;
  CHECK(olic_state(&ctx, &s) == OLIC_OK);
  CHECK(s.request_sequence == 1 && s.remaining == 0 && s.firmware_version == 42);
  CHECK(olic_check(&ctx, out, out_len, 0, NULL) == OLIC_ERR_MALFORMED); /* a request is no license */
  CHECK(olic_parse(NULL, 0, NULL) == OLIC_ERR_ARGUMENT);
  CHECK(olic_verify_request(out, SIZE_MAX, NULL) == OLIC_ERR_MALFORMED);
  /* A claimed length of SIZE_MAX makes the library read its full 1024-byte window. */
  uint8_t window[OLIC_LICENSE_MAX_SIZE] = {0};
  memcpy(window, out, sizeof out);
  CHECK(olic_parse(window, SIZE_MAX, NULL) == OLIC_ERR_MALFORMED);
}

static void sizes(void) {
  CHECK(OLIC_LICENSE_MIN_SIZE == OLIC_LICENSE_FIXED_SIZE + OLIC_SIGNATURE_SIZE);
  CHECK(OLIC_REQUEST_SIZE == OLIC_REQUEST_SIGNED_SIZE + OLIC_SIGNATURE_SIZE);
  CHECK(OLIC_STORAGE_MIN_SIZE >= OLIC_STATE_SLOT_STRIDE + OLIC_STATE_RECORD_SIZE);
  CHECK(OLIC_STATE_SLOT_STRIDE >= OLIC_STATE_RECORD_SIZE);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  status_names();
  sizes();
  request_round_trip();
  if (failures) {
    fprintf(stderr, "abi_test: %d failed\n", failures);
    return 1;
  }
  printf("abi_test: all checks passed\n");
  return 0;
}
