/* The fault-hardening ABI as a vendor sees it: OLIC_ERR_FAULT in the table, a
   firmware that defines the optional olic_platform_fault hook (a strong
   definition over libolic.a's weak reference) links, the hook is never called
   on a chip that runs correctly, and a context left unusable by a detected fault
   (ready_ poisoned, as the core leaves it) refuses every call with
   OLIC_ERR_STATE after its NULL checks until olic_init succeeds again. */
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

static unsigned hook_calls;
void olic_platform_fault(void) { hook_calls++; }


/* "OLIC_FLT" as a little-endian u64: what the core writes over ready_ when it
   detects a fault (contextPoisonedMagic, Sources/OfflineLicensing/Hardening.swift). */
static const uint64_t poisoned = 0x544C465F43494C4FULL;

int main(void) {
  CHECK(OLIC_ERR_FAULT == 20);
  CHECK(strcmp(olic_status_name(OLIC_ERR_FAULT), "OLIC_ERR_FAULT") == 0);

  CHECK(sodium_init() >= 0);
  uint8_t pk[32], sk[64];
  crypto_sign_keypair(pk, sk);
  olic_storage storage = {NULL, sizeof ram, ram_read, ram_write};
  olic_config config = {pk, 1, {0}, 1, 1};
  crypto_generichash(config.device_id, 32, sk + 32, 32, NULL, 0);
  CHECK(olic_provision(&storage) == OLIC_OK);
  olic_context ctx;
  CHECK(olic_init(&ctx, &config, &storage) == OLIC_OK);

  /* A correct core never reports a fault. */
  uint64_t granted = 7;
  CHECK(olic_reserve(&ctx, 1, &granted) == OLIC_ERR_EXHAUSTED && granted == 0);
  uint8_t request[OLIC_REQUEST_SIZE];
  size_t len = 0;
  CHECK(olic_make_request(&ctx, sk, request, sizeof request, &len) == OLIC_OK && len == OLIC_REQUEST_SIZE);
  CHECK(hook_calls == 0);

  /* The context as a detected fault leaves it. */
  unsigned before = writes;
  ctx.ready_ = poisoned;
  olic_state_info info;
  CHECK(olic_state(&ctx, &info) == OLIC_ERR_STATE);
  CHECK(olic_state(&ctx, NULL) == OLIC_ERR_ARGUMENT);
  CHECK(olic_reserve(&ctx, 1, &granted) == OLIC_ERR_STATE && granted == 0);
  CHECK(olic_reserve(&ctx, 1, NULL) == OLIC_ERR_ARGUMENT);
  CHECK(olic_install(&ctx, request, sizeof request, 0) == OLIC_ERR_STATE);
  CHECK(olic_install(&ctx, NULL, 0, 0) == OLIC_ERR_ARGUMENT);
  CHECK(olic_check(&ctx, request, sizeof request, 0, NULL) == OLIC_ERR_STATE);
  CHECK(olic_make_request(&ctx, sk, request, sizeof request, &len) == OLIC_ERR_STATE && len == 0);
  CHECK(writes == before);
  CHECK(hook_calls == 0);

  /* olic_init makes it usable again, with the committed state. */
  CHECK(olic_init(&ctx, &config, &storage) == OLIC_OK);
  CHECK(olic_state(&ctx, &info) == OLIC_OK && info.request_sequence == 1);

  if (failures) {
    fprintf(stderr, "fault_abi_test: %d failed\n", failures);
    return 1;
  }
  printf("fault_abi_test: all checks passed\n");
  return 0;
}
