/* Edges of the ABI as the Embedded build (libolic.a) answers them, each at the
   exact boundary of a rule: the Swift tests run the host build of the same
   sources, and these pin the firmware library itself. */
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

/* 8 bytes, right magic, version 3: the header is there, so the version decides
   (2 is the threshold format: an 8-byte one is MALFORMED). Requests stay v1. */
static void eight_byte_header(void) {
  const uint8_t v2[8] = {'O', 'L', 'I', 'C', 3, 1, 8, 0};
  olic_license out;
  memset(&out, 0xA5, sizeof out);
  CHECK(olic_parse(v2, 8, &out) == OLIC_ERR_VERSION);
  const uint8_t threshold8[8] = {'O', 'L', 'I', 'C', 2, 1, 8, 0};
  CHECK(olic_parse(threshold8, 8, NULL) == OLIC_ERR_MALFORMED);
  CHECK(out.license_id == 0 && out.total_length == 0);
  CHECK(olic_parse(v2, 7, NULL) == OLIC_ERR_MALFORMED);
  const uint8_t r2[8] = {'O', 'L', 'I', 'C', 2, 2, 8, 0};
  CHECK(olic_verify_request(r2, 8, NULL) == OLIC_ERR_VERSION);
}

/* An extension with a length but no value cannot be encoded. */
static void extension_without_value(void) {
  olic_license f;
  memset(&f, 0, sizeof f);
  f.license_id = 1;
  f.allowance = 1;
  uint8_t out[OLIC_LICENSE_MAX_SIZE];
  size_t len = 99;
  olic_extension e = {.type = 0x0042, .length = 8, .offset = 0, .value = NULL};
  CHECK(olic_encode_license(&f, &e, 1, out, sizeof out, &len) == OLIC_ERR_ARGUMENT);
  CHECK(len == 0);
  e.length = 1;
  CHECK(olic_encode_license(&f, &e, 1, out, sizeof out, &len) == OLIC_ERR_ARGUMENT);
  e.length = 0;
  CHECK(olic_encode_license(&f, &e, 1, out, sizeof out, &len) == OLIC_OK);
  CHECK(len == OLIC_LICENSE_MIN_SIZE + OLIC_EXTENSION_HEADER_SIZE);
  CHECK(olic_encode_license(&f, NULL, 1, out, sizeof out, &len) == OLIC_ERR_ARGUMENT);
  CHECK(olic_encode_license(&f, NULL, 0, out, sizeof out, &len) == OLIC_OK);
  CHECK(len == OLIC_LICENSE_MIN_SIZE);
}


/* A request that says it is 185 bytes long, signed as a request is, given as
   185 bytes: only the fixed size refuses it. */
static void request_of_185_bytes(void) {
  uint8_t seed[32], pk[32], sk[64], trusted[32] = {1};
  memset(seed, 0x61, sizeof seed);
  crypto_sign_seed_keypair(pk, sk, seed);
  olic_storage storage = {NULL, sizeof ram, ram_read, ram_write};
  olic_config config = {trusted, 1, {0}, 3, 1};
  olic_context ctx;
  CHECK(olic_provision(&storage) == OLIC_OK);
  CHECK(olic_init(&ctx, &config, &storage) == OLIC_OK);
  uint8_t req[OLIC_REQUEST_SIZE + 1] = {0};
  size_t n = 0;
  CHECK(olic_make_request(&ctx, sk, req, sizeof req, &n) == OLIC_OK && n == OLIC_REQUEST_SIZE);
  CHECK(olic_verify_request(req, n, NULL) == OLIC_OK);
  req[6] = 185;
  crypto_sign_detached(req + OLIC_REQUEST_SIGNED_SIZE, NULL, req, OLIC_REQUEST_SIGNED_SIZE, sk);
  olic_request out;
  memset(&out, 0xA5, sizeof out);
  CHECK(olic_verify_request(req, 185, &out) == OLIC_ERR_MALFORMED);
  CHECK(out.request_sequence == 0);
  CHECK(olic_verify_request(req, 184, NULL) == OLIC_ERR_MALFORMED);
  req[6] = 184;
  crypto_sign_detached(req + OLIC_REQUEST_SIGNED_SIZE, NULL, req, OLIC_REQUEST_SIGNED_SIZE, sk);
  CHECK(olic_verify_request(req, 184, &out) == OLIC_OK && out.request_sequence == 1);
}

/* The library initialises libsodium itself: this runs before anything else in
   the process has called sodium_init. */
static void first_call_initialises_sodium(void) {
  uint8_t pk[32], id[8], want[32];
  for (int i = 0; i < 32; i++) pk[i] = (uint8_t)(0x90 + i);
  CHECK(olic_key_id(pk, id) == OLIC_OK);
  crypto_generichash(want, 32, pk, 32, NULL, 0);
  CHECK(memcmp(id, want, 8) == 0);
  CHECK(sodium_init() == 1); /* olic's call was the first: now it is already initialised */
}

int main(void) {
  first_call_initialises_sodium();
  if (sodium_init() < 0) return 1;
  eight_byte_header();
  extension_without_value();
  request_of_185_bytes();
  if (failures) {
    fprintf(stderr, "abi_edges: %d failed\n", failures);
    return 1;
  }
  printf("abi_edges: all checks passed\n");
  return 0;
}
