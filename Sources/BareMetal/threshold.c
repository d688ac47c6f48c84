/*
 * The threshold part of the bare-metal scenario: a fresh 2-of-3 device accepts
 * a license signed by two of its three keys, and refuses one signature
 * (OLIC_ERR_THRESHOLD), a forged second signature (OLIC_ERR_SIGNATURE), an
 * untrusted signer (OLIC_ERR_UNKNOWN_KEY) and another device's license
 * (OLIC_ERR_DEVICE, before any verification). Refusals write nothing. It runs
 * last: it erases the NVM and provisions its own device.
 */
#include <string.h>

#include "expect.h"
#include "measure.h"
#include "nvm.h"
#include "olic.h"
#include "olic_sodium_min.h"
#include "threshold.h"
#include "threshold_blobs.h"

static olic_context ctx;

static olic_config config(uint32_t k) {
  olic_config c;
  memset(&c, 0, sizeof c);
  c.trusted_keys = threshold_trusted_keys;
  c.trusted_key_count = 3;
  c.signature_threshold = k;
  memcpy(c.device_id, threshold_device_id, sizeof c.device_id);
  c.firmware_version = 1;
  return c;
}

void threshold_scenario(uint64_t now) {
  olic_config c = config(4);
  expect_status("2-of-3: olic_init with k = 4 > 3 keys", olic_init(&ctx, &c, &nvm_storage),
                OLIC_ERR_ARGUMENT);
  nvm_erase(0xff);
  expect_status("2-of-3: olic_provision", olic_provision(&nvm_storage), OLIC_OK);
  c = config(2);
  expect_status("2-of-3: olic_init", olic_init(&ctx, &c, &nvm_storage), OLIC_OK);

  cost m;
  olic_status st;
  MEASURE(m, st = olic_check(&ctx, threshold_two_of_three, threshold_two_of_three_len, now, NULL));
  expect_status("2-of-3: check, two of three keys", st, OLIC_OK);
  metric_cost("check_v2_n2", m);
  /* The bare work of that check: its two entries' signatures, each under the
     key its key_id names. Ed25519 verification time depends on the signature,
     so the check is compared with these two, not with another license's. */
  const uint8_t *keys[2] = {NULL, NULL};
  size_t body_end = threshold_two_of_three_len - 2 * OLIC_SIGNATURE_ENTRY_SIZE;
  for (int e = 0; e < 2; e++)
    for (int k = 0; k < 3; k++) {
      uint8_t id[OLIC_KEY_ID_SIZE];
      if (olic_key_id(threshold_trusted_keys + 32 * k, id) == OLIC_OK &&
          memcmp(id, threshold_two_of_three + body_end + e * OLIC_SIGNATURE_ENTRY_SIZE, sizeof id) == 0)
        keys[e] = threshold_trusted_keys + 32 * k;
    }
  expect_true("2-of-3: both entries name a trusted key", keys[0] && keys[1]);
  int bare = -1;
  if (keys[0] && keys[1]) {
    const uint8_t *sig = threshold_two_of_three + body_end + OLIC_KEY_ID_SIZE;
    MEASURE(m, bare = crypto_sign_verify_detached(sig, threshold_two_of_three, body_end, keys[0]) |
                      crypto_sign_verify_detached(sig + OLIC_SIGNATURE_ENTRY_SIZE, threshold_two_of_three,
                                                  body_end, keys[1]));
  }
  expect_true("2-of-3: both entries verify bare", bare == 0);
  metric_cost("verify_v2_entries", m);
  MEASURE(m, st = olic_check(&ctx, threshold_other_device, threshold_other_device_len, now, NULL));
  expect_status("2-of-3: another device's license", st, OLIC_ERR_DEVICE);
  metric_cost("reject_v2", m);
  expect_status("2-of-3: install, two of three keys",
                olic_install(&ctx, threshold_two_of_three, threshold_two_of_three_len, now), OLIC_OK);
  uint32_t writes = nvm_write_count();
  expect_status("2-of-3: one signature",
                olic_install(&ctx, threshold_one_signature, threshold_one_signature_len, now),
                OLIC_ERR_THRESHOLD);
  expect_status("2-of-3: a forged second signature",
                olic_install(&ctx, threshold_forged_second, threshold_forged_second_len, now),
                OLIC_ERR_SIGNATURE);
  expect_status("2-of-3: an untrusted signer",
                olic_install(&ctx, threshold_untrusted_signer, threshold_untrusted_signer_len, now),
                OLIC_ERR_UNKNOWN_KEY);
  expect_status("2-of-3: the installed license again",
                olic_install(&ctx, threshold_two_of_three, threshold_two_of_three_len, now),
                OLIC_ERR_REPLAY);
  expect_true("2-of-3: refusals wrote nothing", nvm_write_count() == writes);
  olic_state_info s;
  expect_status("2-of-3: olic_state", olic_state(&ctx, &s), OLIC_OK);
  expect_true("2-of-3: license 1 with 2000 units", s.last_license_id == 1 && s.remaining == 2000);
}
