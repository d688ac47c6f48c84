/*
 * fuzz_check: olic_check with the fixed test regulator key trusted, on a
 * provisioned RAM storage. The first CHECK_HEADER bytes of the input choose the
 * clock and the device's state; the rest is the license:
 *
 *   [0, 8)   now (u64 LE)              [8, 16)  last_license_id to install first (0: none)
 *   [16, 24) now of that install       [24, 28) firmware_version
 *   [28]     bits 0-1: requests made before the check (request_sequence)
 *            bit 2: re-sign the license with the test regulator key, so that
 *            mutated licenses reach the checks past step 13's gate and OLIC_OK
 *            bit 3: pass out = NULL
 *            bit 4: a 2-of-2 device trusting the regulator and the stranger key
 *            (else the regulator alone, k = 1). Re-signing a v2 license signs
 *            each entry whose key_id names one of those two keys, over
 *            [0, body_end), so threshold licenses reach OLIC_OK too.
 *
 * The verdict must be ref_model's, a check must write nothing, and an accepted
 * license must install with exactly the state change olic.h describes, then
 * be refused as a replay.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "common/budget.h"
#include "common/oracle.h"
#include "common/ram_storage.h"
#include "common/ref_model.h"
#include "common/test_keys.h"
#include "olic.h"

enum { CHECK_HEADER = 29, RESIGN_MAX = 2 * OLIC_LICENSE_MAX_SIZE };

typedef struct device_setup {
  uint64_t last_license_id, install_now;
  unsigned requests;
} device_setup;

static ram_storage image;       /* storage after the setup, reused while the setup repeats */
static device_setup image_setup;
static int image_valid;

/* Builds the device state through the public API only: provision, one install,
   some requests. The result is cached because mutations mostly keep the header. */
static void prepare_image(const device_setup *want) {
  if (image_valid && memcmp(want, &image_setup, sizeof *want) == 0) return;
  const test_keys *k = test_keys_get();
  ram_storage_reset(&image, 0xFF);
  olic_storage st = ram_storage_api(&image);
  ORACLE(olic_provision(&st) == OLIC_OK, "provision of erased storage failed");
  olic_config config = test_config(0);
  olic_context ctx;
  ORACLE(olic_init(&ctx, &config, &st) == OLIC_OK, "init after provision failed");
  if (want->last_license_id != 0) {
    uint8_t lic[OLIC_LICENSE_MAX_SIZE];
    size_t len;
    olic_license f = test_fields(want->last_license_id, 1);
    ORACLE(test_issue(&f, NULL, 0, lic, sizeof lic, &len) == OLIC_OK, "issue failed");
    olic_status s = olic_install(&ctx, lic, len, want->install_now);
    ORACLE(s == OLIC_OK, "setup install of id %llu failed: %s",
           (unsigned long long)want->last_license_id, olic_status_name(s));
  }
  for (unsigned i = 0; i < want->requests; i++) {
    uint8_t req[OLIC_REQUEST_SIZE];
    size_t n;
    ORACLE(olic_make_request(&ctx, k->device_sk, req, sizeof req, &n) == OLIC_OK, "request failed");
  }
  image_setup = *want;
  image_valid = 1;
}

/* Re-signs every v2 entry whose key_id is the regulator's or the stranger's. */
static void resign_v2(uint8_t *b, size_t len) {
  const test_keys *k = test_keys_get();
  size_t n = b[8];
  if (n < 1 || n > 8 || len < 72 + 72 * n) return;
  size_t body_end = len - 72 * n;
  uint8_t stranger_id[8];
  if (olic_key_id(k->stranger_pk, stranger_id) != OLIC_OK) return;
  for (size_t i = 0; i < n; i++) {
    uint8_t *entry = b + body_end + 72 * i;
    const uint8_t *sk = memcmp(entry, k->regulator_key_id, 8) == 0 ? k->regulator_sk
                        : memcmp(entry, stranger_id, 8) == 0      ? k->stranger_sk
                                                                  : NULL;
    if (sk) crypto_sign_detached(entry + 8, NULL, b, body_end, sk);
  }
}

static void one_input(const uint8_t *data, size_t size) {
  static uint8_t resigned[RESIGN_MAX];
  static ram_storage nvm;
  if (size < CHECK_HEADER) return;
  const test_keys *k = test_keys_get();

  uint64_t now = ref_le64(data);
  device_setup setup = {ref_le64(data + 8), ref_le64(data + 16), data[28] & 3u};
  uint32_t firmware = ref_le32(data + 24);
  int resign = data[28] & 4, null_out = data[28] & 8, two_of_two = data[28] & 16;
  const uint8_t *lic = data + CHECK_HEADER;
  size_t len = size - CHECK_HEADER;
  if (resign && len >= OLIC_SIGNATURE_SIZE && len <= RESIGN_MAX) {
    memcpy(resigned, lic, len);
    if (len > 8 && resigned[4] == 2) {
      resign_v2(resigned, len);
    } else {
      test_sign(resigned, len, k->regulator_sk);
    }
    lic = resigned;
  }

  prepare_image(&setup);
  nvm = image;
  olic_storage st = ram_storage_api(&nvm);
  olic_config config = test_config(firmware);
  static uint8_t pair[64];
  if (two_of_two) {
    memcpy(pair, k->regulator_pk, 32);
    memcpy(pair + 32, k->stranger_pk, 32);
    config.trusted_keys = pair;
    config.trusted_key_count = 2;
    config.signature_threshold = 2;
  }
  olic_context ctx;
  ORACLE(olic_init(&ctx, &config, &st) == OLIC_OK, "init of the prepared image failed");
  olic_state_info before;
  ORACLE(olic_state(&ctx, &before) == OLIC_OK, "olic_state failed");
  ORACLE(before.last_license_id == setup.last_license_id && before.request_sequence == setup.requests &&
             before.time_high_water == (setup.last_license_id ? setup.install_now : 0) &&
             before.firmware_version == firmware && before.remaining == (setup.last_license_id ? 1 : 0),
         "state after setup is not what the setup did");

  ref_device model = {.trusted_keys = config.trusted_keys, .key_count = config.trusted_key_count,
                      .state = before, .threshold = config.signature_threshold};
  memcpy(model.device_id, k->device_id, sizeof model.device_id);
  olic_status expected = ref_check(&model, lic, len, now);

  olic_license out;
  memset(&out, 0xA5, sizeof out);
  uint32_t writes = nvm.writes;
  olic_status s = olic_check(&ctx, lic, len, now, null_out ? NULL : &out);
  ORACLE(s == expected, "olic_check says %s, the spec says %s", olic_status_name(s),
         olic_status_name(expected));
  ORACLE(nvm.writes == writes, "olic_check wrote to storage");

  if (s != OLIC_OK) {
    if (!null_out) {
      static const olic_license zero;
      ORACLE(memcmp(&out, &zero, sizeof out) == 0, "*out not zeroed on %s", olic_status_name(s));
    }
    ORACLE(olic_install(&ctx, lic, len, now) == s, "install and check disagree");
    ORACLE(nvm.writes == writes, "a refused install wrote to storage");
  } else {
    olic_license parsed;
    ORACLE(olic_parse(lic, len, &parsed) == OLIC_OK, "checked but does not parse");
    ORACLE(null_out || memcmp(&out, &parsed, sizeof out) == 0, "check and parse report different fields");
    ORACLE(olic_install(&ctx, lic, len, now) == OLIC_OK, "checked license failed to install");
    ORACLE(nvm.writes == writes + 1, "install took %u writes", nvm.writes - writes);
    olic_state_info after;
    ORACLE(olic_state(&ctx, &after) == OLIC_OK, "olic_state failed");
    uint64_t sum = before.remaining + parsed.allowance;
    if (sum < before.remaining) sum = UINT64_MAX;
    ORACLE(after.last_license_id == parsed.license_id && after.remaining == sum &&
               after.consumed_total == before.consumed_total &&
               after.request_sequence == before.request_sequence &&
               after.time_high_water == (now > before.time_high_water ? now : before.time_high_water),
           "install did not make the state change olic.h describes");
    ORACLE(olic_check(&ctx, lic, len, now, NULL) == OLIC_ERR_REPLAY, "an installed license is not a replay");
    olic_context again;
    ORACLE(olic_init(&again, &config, &st) == OLIC_OK, "reboot after install failed");
    olic_state_info rebooted;
    ORACLE(olic_state(&again, &rebooted) == OLIC_OK && memcmp(&rebooted, &after, sizeof after) == 0,
           "the installed state did not survive a reboot");
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  budget_run("fuzz_check", one_input, data, size);
  return 0;
}
