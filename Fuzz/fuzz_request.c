/*
 * fuzz_request: olic_verify_request, the regulator's side of the exchange,
 * where the bytes come from a device the regulator does not control.
 * The raw input is checked against the order docs/format.md gives ("Check order"), and a
 * 184-byte input is checked a second time re-signed by the test device key, so
 * that mutated field values reach OLIC_OK and their decoding is compared too.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "common/budget.h"
#include "common/oracle.h"
#include "common/ref_model.h"
#include "common/test_keys.h"
#include "olic.h"

/* olic_verify_request's order, read from docs/format.md only. */
static olic_status ref_verify(const uint8_t *b, size_t len) {
  if (len < OLIC_HEADER_SIZE || memcmp(b, "OLIC", 4) != 0) return OLIC_ERR_MALFORMED;
  if (b[4] != OLIC_VERSION) return OLIC_ERR_VERSION;
  if (b[5] != OLIC_TYPE_REQUEST || ref_le16(b + 6) != OLIC_REQUEST_SIZE || len != OLIC_REQUEST_SIZE ||
      ref_le32(b + 108) != 0 || ref_le64(b + 96) == 0)
    return OLIC_ERR_MALFORMED;
  if (crypto_sign_verify_detached(b + OLIC_REQUEST_SIGNED_SIZE, b, OLIC_REQUEST_SIGNED_SIZE, b + 40) != 0)
    return OLIC_ERR_SIGNATURE;
  return OLIC_OK;
}

static void check_one(const uint8_t *b, size_t len) {
  olic_request got;
  memset(&got, 0xA5, sizeof got);
  olic_status s = olic_verify_request(b, len, &got);
  olic_status expected = ref_verify(b, len);
  ORACLE(s == expected, "olic_verify_request says %s, the spec says %s", olic_status_name(s),
         olic_status_name(expected));
  ORACLE(olic_verify_request(b, len, NULL) == s, "out = NULL changed the verdict");
  if (s != OLIC_OK) {
    static const olic_request zero;
    ORACLE(memcmp(&got, &zero, sizeof got) == 0, "*out not zeroed on %s", olic_status_name(s));
    return;
  }
  olic_request want;
  memset(&want, 0, sizeof want);
  memcpy(want.device_id, b + 8, 32);
  memcpy(want.device_public_key, b + 40, 32);
  want.last_license_id = ref_le64(b + 72);
  want.remaining = ref_le64(b + 80);
  want.consumed_total = ref_le64(b + 88);
  want.request_sequence = ref_le64(b + 96);
  want.firmware_version = ref_le32(b + 104);
  want.time_high_water = ref_le64(b + 112);
  memcpy(want.signature, b + 120, 64);
  ORACLE(memcmp(&got, &want, sizeof got) == 0, "request fields decoded wrongly");
}

static void one_input(const uint8_t *data, size_t size) {
  check_one(data, size);
  if (size == OLIC_REQUEST_SIZE) {
    const test_keys *k = test_keys_get();
    uint8_t copy[OLIC_REQUEST_SIZE];
    memcpy(copy, data, sizeof copy);
    memcpy(copy + 40, k->device_pk, 32);
    test_sign(copy, sizeof copy, k->device_sk);
    check_one(copy, sizeof copy);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  budget_run("fuzz_request", one_input, data, size);
  return 0;
}
