/*
 * The bare-metal scenario: the life of one device, scripted, with every status
 * checked against the one docs/format.md requires, and the costs of the calls a
 * vendor budgets for measured in retired instructions and stack bytes.
 *
 *   1. erased NVM is not a device; provision (with a power cut at every byte),
 *      init, install a license;
 *   2. reserve until exhausted, then make a request;
 *   3. a replayed license, a tampered one, one for another device, one bound
 *      to a request not yet made and ones outside their validity window are
 *      refused, and refusals write nothing;
 *   4. a power cut at every byte of the NVM write of install, reserve and
 *      make_request, each followed by a reboot that must recover;
 *   5. the same on larger NVMs, where the state is a ring of slots: at the
 *      wrap from the last slot to the first, on 1000 bytes and 4 KiB (ring.c),
 *      and olic_init's cost at 256 B, 4 KiB and 64 KiB;
 *   6. a 2-of-3 device and threshold licenses (threshold.c).
 *
 * QEMU's exit status is 0 only if every expectation held.
 */
#include <string.h>

#include "blobs.h"
#include "expect.h"
#include "measure.h"
#include "nvm.h"
#include "olic.h"
#include "olic_sodium_min.h"
#include "platform.h"
#include "power_cut.h"
#include "ring.h"
#include "threshold.h"

#define FIRMWARE_VERSION 1u
#define RESERVE_CHUNK 300u /* compute units paid for before each burst of work */

static olic_context ctx;

static olic_config device_config(void) {
  olic_config config;
  memset(&config, 0, sizeof config);
  config.trusted_keys = blob_trusted_keys[0];
  config.trusted_key_count = sizeof blob_trusted_keys / sizeof blob_trusted_keys[0];
  memcpy(config.device_id, blob_device_id, sizeof config.device_id);
  config.firmware_version = FIRMWARE_VERSION;
  return config;
}

/* The operations the power-cut sweeps repeat. */
typedef struct install_args {
  const uint8_t *license;
  uint32_t len;
  uint64_t now;
} install_args;

static olic_status op_install(olic_context *c, const void *arg) {
  const install_args *a = arg;
  return olic_install(c, a->license, a->len, a->now);
}

static olic_status op_reserve(olic_context *c, const void *arg) {
  uint64_t granted;
  return olic_reserve(c, *(const uint64_t *)arg, &granted);
}

static olic_status op_make_request(olic_context *c, const void *arg) {
  uint8_t request[OLIC_REQUEST_SIZE];
  size_t len;
  return olic_make_request(c, arg, request, sizeof request, &len);
}

/* Step 1. Measures parse, verify, check and a cheap rejection on the way. */
static void provision_and_install(const olic_config *config) {
  olic_status st;
  olic_state_info state;
  cost c;

  nvm_erase(0x00);
  expect_status("olic_init on cleared NVM", olic_init(&ctx, config, &nvm_storage),
                OLIC_ERR_STATE);
  nvm_erase(0xff);
  expect_status("olic_init on erased NVM", olic_init(&ctx, config, &nvm_storage), OLIC_ERR_STATE);
  expect_status("olic_reserve on the failed context",
                olic_reserve(&ctx, 1, &(uint64_t){0}), OLIC_ERR_STATE);

  power_cut_sweep_provision(config);
  expect_status("olic_provision again", olic_provision(&nvm_storage), OLIC_ERR_PROVISIONED);

  MEASURE(c, st = olic_init(&ctx, config, &nvm_storage));
  expect_status("olic_init", st, OLIC_OK);
  metric_cost("init", c);

  const uint8_t *lic = blob_license_first;
  const uint32_t len = blob_license_first_len;
  MEASURE(c, st = olic_parse(lic, len, NULL));
  expect_status("olic_parse", st, OLIC_OK);
  metric_cost("parse", c);

  int verdict;
  MEASURE(c, verdict = crypto_sign_verify_detached(lic + len - OLIC_SIGNATURE_SIZE, lic,
                                                   len - OLIC_SIGNATURE_SIZE,
                                                   blob_trusted_keys[0]));
  expect_true("crypto_sign_verify_detached of the license", verdict == 0);
  metric_cost("verify", c);

  olic_license fields;
  MEASURE(c, st = olic_check(&ctx, lic, len, blob_now, &fields));
  expect_status("olic_check", st, OLIC_OK);
  expect_true("olic_check reports the license", fields.license_id == 1u &&
              fields.allowance == blob_license_first_allowance && fields.has_validity);
  metric_cost("check", c);

  MEASURE(c, st = olic_check(&ctx, blob_license_other_device, blob_license_other_device_len,
                             blob_now, NULL));
  expect_status("olic_check, license for another device", st, OLIC_ERR_DEVICE);
  metric_cost("reject", c);

  expect_status("olic_install without trusted time", olic_install(&ctx, lic, len, 0),
                OLIC_ERR_NO_TIME);
  expect_status("olic_check before not_before", olic_check(&ctx, lic, len, 1, NULL),
                OLIC_ERR_NOT_YET_VALID);
  expect_status("olic_check after not_after", olic_check(&ctx, lic, len, 4102444800u, NULL),
                OLIC_ERR_EXPIRED); /* 2100-01-01 */
  uint32_t writes = nvm_write_count();
  MEASURE(c, st = olic_install(&ctx, lic, len, blob_now));
  expect_status("olic_install", st, OLIC_OK);
  expect_true("olic_install is one NVM write", nvm_write_count() == writes + 1u);
  metric_cost("install", c);

  expect_status("license bound to a request not yet made",
                olic_install(&ctx, blob_license_bound, blob_license_bound_len, blob_now),
                OLIC_ERR_BINDING);
  expect_status("olic_state", olic_state(&ctx, &state), OLIC_OK);
  expect_true("state after install", state.last_license_id == 1u &&
              state.remaining == blob_license_first_allowance && state.consumed_total == 0u &&
              state.time_high_water == blob_now && state.firmware_version == FIRMWARE_VERSION);
}

/* Step 2. */
static void spend_and_request(void) {
  olic_status st;
  olic_state_info state;
  uint64_t granted, total = 0;
  cost c;

  MEASURE(c, st = olic_reserve(&ctx, RESERVE_CHUNK, &granted));
  expect_status("olic_reserve", st, OLIC_OK);
  metric_cost("reserve", c);
  total += granted;
  uint32_t chunks = 1;
  while ((st = olic_reserve(&ctx, RESERVE_CHUNK, &granted)) == OLIC_OK && chunks < 1000u) {
    total += granted;
    chunks++;
  }
  expect_status("olic_reserve until exhausted", st, OLIC_ERR_EXHAUSTED);
  expect_true("exhausted reserve grants 0", granted == 0u);
  expect_true("reserved exactly the allowance", total == blob_license_first_allowance);
  uint32_t writes = nvm_write_count();
  expect_status("olic_reserve when exhausted", olic_reserve(&ctx, 1, &granted), OLIC_ERR_EXHAUSTED);
  expect_true("an exhausted reserve writes nothing", nvm_write_count() == writes);

  uint8_t request[OLIC_REQUEST_SIZE];
  size_t request_len = 0;
  MEASURE(c, st = olic_make_request(&ctx, blob_device_secret_key, request, sizeof request,
                                    &request_len));
  expect_status("olic_make_request", st, OLIC_OK);
  expect_true("request is 184 bytes", request_len == OLIC_REQUEST_SIZE);
  metric_cost("make_request", c);

  olic_request parsed;
  MEASURE(c, st = olic_verify_request(request, request_len, &parsed));
  expect_status("olic_verify_request", st, OLIC_OK);
  metric_cost("verify_request", c);
  expect_true("request reports the device", parsed.request_sequence == 1u &&
              parsed.last_license_id == 1u && parsed.remaining == 0u &&
              parsed.consumed_total == blob_license_first_allowance &&
              memcmp(parsed.device_id, blob_device_id, sizeof parsed.device_id) == 0 &&
              memcmp(parsed.device_public_key, blob_device_secret_key + 32, 32) == 0);
  expect_status("olic_state", olic_state(&ctx, &state), OLIC_OK);
  expect_true("request_sequence is 1", state.request_sequence == 1u);
}

/* Step 3, with the bound license still unused. */
static void refusals(void) {
  uint8_t tampered[OLIC_LICENSE_MAX_SIZE];
  uint32_t writes = nvm_write_count();

  expect_status("replayed license", olic_install(&ctx, blob_license_first, blob_license_first_len,
                                                 blob_now), OLIC_ERR_REPLAY);
  /* The allowance field (offset 56) raised: structure intact, signature not. */
  memcpy(tampered, blob_license_bound, blob_license_bound_len);
  tampered[56 + 3] ^= 0x01u;
  expect_status("tampered license", olic_install(&ctx, tampered, blob_license_bound_len, blob_now),
                OLIC_ERR_SIGNATURE);
  expect_status("license for another device",
                olic_install(&ctx, blob_license_other_device, blob_license_other_device_len,
                             blob_now), OLIC_ERR_DEVICE);
  expect_true("refusals write nothing", nvm_write_count() == writes);
}

/* Step 4: each state change, cut at every byte. Ends with the bound license
   installed, one chunk reserved and a second request made. */
static void power_cuts(const olic_config *config) {
  install_args bound = {blob_license_bound, blob_license_bound_len, blob_now};
  uint64_t chunk = RESERVE_CHUNK;
  olic_state_info state;

  power_cut_sweep("olic_install", config, op_install, &bound);
  power_cut_sweep("olic_reserve", config, op_reserve, &chunk);
  power_cut_sweep("olic_make_request", config, op_make_request, blob_device_secret_key);

  expect_status("reboot after the power cuts", reboot(&ctx, config, &state), OLIC_OK);
  expect_true("final state", state.last_license_id == 2u &&
              state.remaining == blob_license_bound_allowance - RESERVE_CHUNK &&
              state.consumed_total == blob_license_first_allowance + RESERVE_CHUNK &&
              state.request_sequence == 2u);
}

int main(void) {
  console_puts("olic bare-metal scenario (RV64, QEMU virt)");
  console_newline();
  measure_calibrate();
  metric("instret_overhead", measure_overhead);

  const olic_config config = device_config();
  provision_and_install(&config);
  spend_and_request();
  refusals();
  power_cuts(&config);
  ring_power_cuts(&config);
  ring_boot_costs(&config);
  threshold_scenario(blob_now);
  metric_summary();

  uint32_t failures = expect_failures();
  console_puts(failures == 0u ? "scenario passed" : "scenario FAILED");
  console_newline();
  console_puts("expectations: ");
  console_put_u64(expect_passes());
  console_puts(" passed, ");
  console_put_u64(failures);
  console_puts(" failed");
  console_newline();
  return failures == 0u ? 0 : 1;
}
