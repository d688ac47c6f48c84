/* olic_make_request copies the device secret key to its stack and promises to
   wipe it. This test holds it to that: the call runs on a stack region the test
   owns (ucontext, as Bench/stack.c measures depth), painted beforehand; after
   the call the region is scanned for the seed, for the 64-byte secret key, and
   for the secret scalar and nonce key that Ed25519 derives from the seed. The
   test's own copies live in static storage, never on the region. */
#define _GNU_SOURCE /* makecontext and friends are XSI, hidden by -std=c11 */
#include "olic.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ram_storage.h"
#include <ucontext.h>

enum { REGION_BYTES = 64 * 1024, WINDOW = 8 };

static _Alignas(64) unsigned char region[REGION_BYTES];
static ucontext_t caller, callee;

/* Everything the call needs is static: nothing secret is on the region before it runs. */
static uint8_t seed[32], public_key[32], secret_key[64], derived[64];
static olic_storage storage;
static olic_context ctx;
static uint8_t request[OLIC_REQUEST_SIZE];
static size_t request_len;
static olic_status status;
static int failures;


static void call_make_request(void) {
  status = olic_make_request(&ctx, secret_key, request, sizeof request, &request_len);
}
static void call_bad_capacity(void) {
  status = olic_make_request(&ctx, secret_key, request, OLIC_REQUEST_SIZE - 1, &request_len);
}
static void call_mismatched_key(void) {
  static uint8_t mismatched[64];
  memcpy(mismatched, secret_key, 64);
  mismatched[40] ^= 1;
  status = olic_make_request(&ctx, mismatched, request, sizeof request, &request_len);
}

/* Runs fn on the painted region; returns how many bytes of it the call used. */
static size_t run_painted(void (*fn)(void)) {
  memset(region, 0xA5, sizeof region);
  if (getcontext(&callee)) return 0;
  callee.uc_stack.ss_sp = region;
  callee.uc_stack.ss_size = sizeof region;
  callee.uc_link = &caller;
  makecontext(&callee, fn, 0);
  if (swapcontext(&caller, &callee)) return 0;
  size_t untouched = 0;
  while (untouched < sizeof region && region[untouched] == 0xA5) untouched++;
  return sizeof region - untouched;
}

/* Offset of the first WINDOW-byte run of secret[0, n) found anywhere on the
   region, or -1: a partial copy (one word of a seed) counts as a copy. */
static long find_any_window(const uint8_t *secret, size_t n) {
  for (size_t i = 0; i + WINDOW <= n; i++) {
    for (size_t at = 0; at + WINDOW <= sizeof region; at++) {
      if (region[at] == secret[i] && memcmp(region + at, secret + i, WINDOW) == 0) return (long)at;
    }
  }
  return -1;
}

static void expect_clean(const char *what, void (*fn)(void), olic_status want, size_t min_used) {
  size_t used = run_painted(fn);
  if (status != want) {
    fprintf(stderr, "FAIL %s: status %s, wanted %s\n", what, olic_status_name(status),
            olic_status_name(want));
    failures++;
  }
  if (used < min_used) {
    fprintf(stderr, "FAIL %s: the call used %zu bytes of the region: not run there\n", what, used);
    failures++;
  }
  const struct {
    const char *name;
    const uint8_t *bytes;
    size_t n;
  } secrets[] = {{"seed", seed, 32}, {"secret scalar", derived, 32}, {"nonce key", derived + 32, 32}};
  for (size_t s = 0; s < sizeof secrets / sizeof secrets[0]; s++) {
    long at = find_any_window(secrets[s].bytes, secrets[s].n);
    if (at >= 0) {
      fprintf(stderr, "FAIL %s: %d bytes of the %s remain on the stack at offset %ld of %zu used\n",
              what, WINDOW, secrets[s].name, (long)REGION_BYTES - at, used);
      failures++;
    }
  }
}

int main(void) {
  if (sodium_init() < 0) return 1;
  /* A seed with no repeated byte and none equal to the paint. */
  for (size_t i = 0; i < sizeof seed; i++) seed[i] = (uint8_t)(0x3B + 7 * i);
  crypto_sign_seed_keypair(public_key, secret_key, seed);
  crypto_hash_sha512(derived, seed, sizeof seed);
  derived[0] &= 248; /* the scalar as Ed25519 clamps it */
  derived[31] &= 127;
  derived[31] |= 64;

  static const uint8_t trusted[32] = {7};
  storage = (olic_storage){NULL, sizeof ram, ram_read, ram_write};
  olic_config config = {trusted, 1, {0}, 1, 1};
  if (olic_provision(&storage) != OLIC_OK || olic_init(&ctx, &config, &storage) != OLIC_OK) {
    fprintf(stderr, "stack_wipe: setup failed\n");
    return 1;
  }
  /* The scan must be able to see a secret: the unwiped key is found. */
  memset(region, 0xA5, sizeof region);
  memcpy(region + 1000, seed + 5, WINDOW);
  if (find_any_window(seed, sizeof seed) != 1000) {
    fprintf(stderr, "FAIL: the scan does not find a planted seed word\n");
    failures++;
  }

  /* Signing takes kilobytes of stack: a call that used less did not run there. */
  expect_clean("olic_make_request", call_make_request, OLIC_OK, 1024);
  expect_clean("olic_make_request again", call_make_request, OLIC_OK, 1024);
  expect_clean("capacity too small", call_bad_capacity, OLIC_ERR_BUFFER, 1);
  expect_clean("key pair mismatch", call_mismatched_key, OLIC_ERR_ARGUMENT, 1024);
  olic_request r;
  if (olic_verify_request(request, OLIC_REQUEST_SIZE, &r) != OLIC_OK || r.request_sequence != 2) {
    fprintf(stderr, "FAIL: the requests made on the painted stack are not sound\n");
    failures++;
  }
  if (failures) {
    fprintf(stderr, "stack_wipe: %d failed\n", failures);
    return 1;
  }
  printf("stack_wipe: no copy of the device seed or its derived keys on the stack\n");
  return 0;
}
