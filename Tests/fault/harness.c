/*
 * The fault simulator's bare-metal harness (docs/fault-injection.md). One image
 * holds every scenario; the simulator (Tests/fault/faultsim.py) writes the
 * scenario's number into fault_scenario before _start runs. main then
 *   1. sets a device up through the public API (provision, init, install);
 *   2. calls fault_attack_begin, the simulator's snapshot point;
 *   3. makes the ONE attacked call, which must be refused;
 *   4. hands its status to fault_attack_end, where the simulator stops and
 *      compares NVM, the context and the call's output with the golden run.
 * Only step 3 is faulted. The scenario table below is the one list of
 * scenarios: the simulator reads names and expected statuses from the image.
 */
#include <stdbool.h>
#include <string.h>

#include "fault_blobs.h"
#include "nvm.h"
#include "olic.h"
#include "platform.h"

#define FIRMWARE_VERSION 1u
#define WANT 1000u /* units a reserve asks for */

typedef enum scenario {
  BAD_SIGNATURE,
  FORGED_KEY_ID,
  REPLAY,
  OTHER_DEVICE,
  FIRMWARE_TOO_OLD,
  EXPIRED,
  WRONG_BINDING,
  RESERVE_EXHAUSTED,
  INIT_FAILED_INSTALL,
  INIT_FAILED_RESERVE,
  INIT_FAILED_MAKE_REQUEST,
  REQUEST_SMALL_BUFFER,
  REQUEST_BAD_KEY,
  V2_SECOND_BAD,
  V2_ONE_SIGNER,
  V2_UNTRUSTED_ENTRY,
  CANARY,
  SCENARIO_COUNT
} scenario;

/* Read by the simulator: names and the status the unfaulted call returns. */
const char *const fault_scenario_names[SCENARIO_COUNT] = {
    [BAD_SIGNATURE] = "bad_signature",
    [FORGED_KEY_ID] = "forged_key_id",
    [REPLAY] = "replay",
    [OTHER_DEVICE] = "other_device",
    [FIRMWARE_TOO_OLD] = "firmware_too_old",
    [EXPIRED] = "expired",
    [WRONG_BINDING] = "wrong_binding",
    [RESERVE_EXHAUSTED] = "reserve_exhausted",
    [INIT_FAILED_INSTALL] = "init_failed_install",
    [INIT_FAILED_RESERVE] = "init_failed_reserve",
    [INIT_FAILED_MAKE_REQUEST] = "init_failed_make_request",
    [REQUEST_SMALL_BUFFER] = "request_small_buffer",
    [REQUEST_BAD_KEY] = "request_bad_key",
    [V2_SECOND_BAD] = "v2_k2_second_signature_bad",
    [V2_ONE_SIGNER] = "v2_k2_one_signer",
    [V2_UNTRUSTED_ENTRY] = "v2_untrusted_entry",
    [CANARY] = "canary",
};
const uint32_t fault_scenario_expected[SCENARIO_COUNT] = {
    [BAD_SIGNATURE] = OLIC_ERR_SIGNATURE,
    [FORGED_KEY_ID] = OLIC_ERR_SIGNATURE,
    [REPLAY] = OLIC_ERR_REPLAY,
    [OTHER_DEVICE] = OLIC_ERR_DEVICE,
    [FIRMWARE_TOO_OLD] = OLIC_ERR_FIRMWARE,
    [EXPIRED] = OLIC_ERR_EXPIRED,
    [WRONG_BINDING] = OLIC_ERR_BINDING,
    [RESERVE_EXHAUSTED] = OLIC_ERR_EXHAUSTED,
    [INIT_FAILED_INSTALL] = OLIC_ERR_STATE,
    [INIT_FAILED_RESERVE] = OLIC_ERR_STATE,
    [INIT_FAILED_MAKE_REQUEST] = OLIC_ERR_STATE,
    [REQUEST_SMALL_BUFFER] = OLIC_ERR_BUFFER,
    [REQUEST_BAD_KEY] = OLIC_ERR_ARGUMENT,
    [V2_SECOND_BAD] = OLIC_ERR_SIGNATURE,
    [V2_ONE_SIGNER] = OLIC_ERR_THRESHOLD,
    [V2_UNTRUSTED_ENTRY] = OLIC_ERR_UNKNOWN_KEY,
    [CANARY] = OLIC_ERR_SIGNATURE,
};

/* In .data, so that it has bytes in the loaded image for the simulator to set. */
volatile uint32_t fault_scenario = 0xffffffffu;

/* What the simulator compares after the attacked call: the context, and the
   call's output (*granted of a reserve, *out_len of a make_request), 256 bytes
   apart. A fault that corrupts the output pointer by a few bytes would
   otherwise write into whatever the linker put next to it, and a wild write
   into the context is not a change olic made to its state. */
olic_context fault_ctx;
struct fault_output_area {
  uint8_t guard_before[256]; /* the simulator reads value at offset 256 */
  uint64_t value;
  uint8_t guard_after[256];
} fault_output_area;
#define fault_output (fault_output_area.value)
static uint8_t request[OLIC_REQUEST_SIZE];

/* Markers: the simulator runs to their entry. noinline and an empty asm keep
   each a real call at a fixed address. The end marker's other arguments keep
   this scenario's table entries in the image (the link drops unreferenced data). */
__attribute__((noinline)) void fault_attack_begin(void) { __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) void fault_attack_end(uint32_t status, uint32_t expected,
                                                const char *name) {
  __asm__ volatile("" : : "r"(status), "r"(expected), "r"(name) : "memory");
}

/* The simulator's self-test: a check written the way olic's was before
   hardening (one OR-reduce, one branch, success = 0). The simulator faults it
   like olic's own code and requires that single faults DO get through it:
   otherwise the injection itself is broken and a clean olic report means
   nothing. */
__attribute__((noinline)) olic_status fault_canary(const uint8_t *a, const uint8_t *b, size_t n) {
  uint8_t d = 0;
  for (size_t i = 0; i < n; i++) {
    d |= (uint8_t)(a[i] ^ b[i]);
  }
  return d == 0 ? OLIC_OK : OLIC_ERR_SIGNATURE;
}

/* A setup step that goes wrong ends the run with a distinctive exit status
   (exit.c), which the simulator reports as a broken harness, not a fault. */
static void must(olic_status got, olic_status want, int step) {
  if (got != want) {
    platform_exit(100 + step);
  }
}

static olic_config device_config(uint32_t which);

static bool is_v2(uint32_t which) {
  return which == V2_SECOND_BAD || which == V2_ONE_SIGNER || which == V2_UNTRUSTED_ENTRY;
}

/* v1 scenarios: one trusted key. v2 ones: a 2-of-3 device. */
static olic_config device_config(uint32_t which) {
  olic_config config;
  memset(&config, 0, sizeof config);
  config.trusted_keys = blob_trusted_keys;
  config.trusted_key_count = is_v2(which) ? 3 : 1;
  config.signature_threshold = is_v2(which) ? 2 : 1;
  memcpy(config.device_id, blob_device_id, sizeof config.device_id);
  config.firmware_version = FIRMWARE_VERSION;
  return config;
}

/* A provisioned device with license 1 (1000 units) installed; the 2-of-3
   device (v2 scenarios) has no v1 license to install, so it starts empty. */
static void working_device(const olic_config *config) {
  nvm_erase(0xff);
  must(olic_provision(&nvm_storage), OLIC_OK, 1);
  must(olic_init(&fault_ctx, config, &nvm_storage), OLIC_OK, 2);
  if (config->signature_threshold >= 2) return;
  must(olic_install(&fault_ctx, blob_first, blob_first_len, blob_now), OLIC_OK, 3);
}

static olic_status install(const uint8_t *license, uint32_t len) {
  return olic_install(&fault_ctx, license, len, blob_now);
}

static olic_status reserve(void) { return olic_reserve(&fault_ctx, WANT, &fault_output); }

static olic_status make_request(const uint8_t *key, size_t capacity) {
  size_t len = 0;
  olic_status st = olic_make_request(&fault_ctx, key, request, capacity, &len);
  fault_output = len;
  return st;
}

int main(void) {
  const uint32_t which = fault_scenario;
  if (which >= SCENARIO_COUNT) {
    platform_exit(99);
  }
  const olic_config config = device_config(which);
  if (which == INIT_FAILED_INSTALL || which == INIT_FAILED_RESERVE ||
      which == INIT_FAILED_MAKE_REQUEST) {
    /* Erased NVM is no device: init fails and leaves a context to be refused. */
    nvm_erase(0xff);
    must(olic_init(&fault_ctx, &config, &nvm_storage), OLIC_ERR_STATE, 4);
  } else {
    working_device(&config);
  }
  if (which == RESERVE_EXHAUSTED) {
    must(olic_reserve(&fault_ctx, WANT, &fault_output), OLIC_OK, 5);
    must(olic_reserve(&fault_ctx, 1, &fault_output), OLIC_ERR_EXHAUSTED, 6);
  }
  fault_output = 0;

  fault_attack_begin();
  olic_status st = OLIC_ERR_ARGUMENT;
  switch ((scenario)which) {
  case BAD_SIGNATURE: st = install(blob_bad_signature, blob_bad_signature_len); break;
  case FORGED_KEY_ID: st = install(blob_forged_key_id, blob_forged_key_id_len); break;
  case REPLAY: st = install(blob_first, blob_first_len); break;
  case OTHER_DEVICE: st = install(blob_other_device, blob_other_device_len); break;
  case FIRMWARE_TOO_OLD: st = install(blob_firmware_too_old, blob_firmware_too_old_len); break;
  case EXPIRED: st = install(blob_expired, blob_expired_len); break;
  case WRONG_BINDING: st = install(blob_wrong_binding, blob_wrong_binding_len); break;
  case RESERVE_EXHAUSTED: st = reserve(); break;
  case INIT_FAILED_INSTALL: st = install(blob_valid, blob_valid_len); break;
  case INIT_FAILED_RESERVE: st = reserve(); break;
  case INIT_FAILED_MAKE_REQUEST: st = make_request(blob_device_secret_key, sizeof request); break;
  case REQUEST_SMALL_BUFFER: st = make_request(blob_device_secret_key, sizeof request - 1); break;
  case REQUEST_BAD_KEY: st = make_request(blob_device_bad_secret_key, sizeof request); break;
  case V2_SECOND_BAD: st = install(blob_v2_second_bad, blob_v2_second_bad_len); break;
  case V2_ONE_SIGNER: st = install(blob_v2_one_signer, blob_v2_one_signer_len); break;
  case V2_UNTRUSTED_ENTRY: st = install(blob_v2_untrusted_entry, blob_v2_untrusted_entry_len); break;
  case CANARY: st = fault_canary(blob_device_secret_key, blob_device_bad_secret_key, 64); break;
  case SCENARIO_COUNT: break;
  }
  fault_attack_end((uint32_t)st, fault_scenario_expected[which], fault_scenario_names[which]);
  return 0;
}
