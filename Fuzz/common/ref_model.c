#include "ref_model.h"

#include <sodium.h>
#include <string.h>

uint16_t ref_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
uint32_t ref_le32(const uint8_t *p) { return (uint32_t)ref_le16(p) | (uint32_t)ref_le16(p + 2) << 16; }
uint64_t ref_le64(const uint8_t *p) { return (uint64_t)ref_le32(p) | (uint64_t)ref_le32(p + 4) << 32; }

olic_status ref_parse(const uint8_t *b, size_t len, ref_parsed *out) {
  memset(out, 0, sizeof *out);
  /* Step 2 and 3. */
  if (len < OLIC_HEADER_SIZE || memcmp(b, "OLIC", 4) != 0) return OLIC_ERR_MALFORMED;
  if (b[4] != OLIC_VERSION) return OLIC_ERR_VERSION;
  /* Step 4: every rule is MALFORMED, so their order does not matter. */
  if (b[5] != OLIC_TYPE_LICENSE || ref_le16(b + 6) != len) return OLIC_ERR_MALFORMED;
  if (len < OLIC_LICENSE_MIN_SIZE || len > OLIC_LICENSE_MAX_SIZE) return OLIC_ERR_MALFORMED;
  olic_license *l = &out->license;
  memcpy(l->key_id, b + 8, 8);
  memcpy(l->device_id, b + 16, 32);
  l->license_id = ref_le64(b + 48);
  l->allowance = ref_le64(b + 56);
  l->min_firmware_version = ref_le32(b + 64);
  l->flags = ref_le32(b + 68);
  l->total_length = (uint32_t)len;
  if (l->flags != 0 || l->license_id == 0 || l->allowance == 0) goto malformed;

  size_t end = len - OLIC_SIGNATURE_SIZE, at = OLIC_LICENSE_FIXED_SIZE;
  long previous = -1;
  int unknown_critical = 0;
  while (at < end) {
    if (end - at < OLIC_EXTENSION_HEADER_SIZE) goto malformed;
    uint16_t type = ref_le16(b + at), length = ref_le16(b + at + 2);
    size_t value = at + OLIC_EXTENSION_HEADER_SIZE;
    if ((long)type <= previous || length > end - value) goto malformed;
    if (type == OLIC_EXTENSION_VALIDITY) {
      if (length != OLIC_EXTENSION_VALIDITY_SIZE) goto malformed;
      l->has_validity = true;
      l->not_before = ref_le64(b + value);
      l->not_after = ref_le64(b + value + 8);
      if (l->not_before > l->not_after) goto malformed;
    } else if (type == OLIC_EXTENSION_BIND_REQUEST) {
      if (length != OLIC_EXTENSION_BIND_REQUEST_SIZE) goto malformed;
      l->has_bind_request = true;
      l->bind_request = ref_le64(b + value);
      if (l->bind_request == 0) goto malformed;
    } else if (type & OLIC_EXTENSION_CRITICAL) {
      unknown_critical = 1; /* step 5, after every layout rule */
    }
    if (out->count >= REF_MAX_EXTENSIONS) goto malformed; /* cannot happen: 4 bytes each */
    out->ext[out->count].type = type;
    out->ext[out->count].length = length;
    out->ext[out->count].offset = (uint32_t)value;
    out->count++;
    previous = type;
    at = value + length;
  }
  l->extension_count = (uint32_t)out->count;
  memcpy(l->signature, b + end, OLIC_SIGNATURE_SIZE);
  if (unknown_critical) {
    memset(out, 0, sizeof *out);
    return OLIC_ERR_UNSUPPORTED_EXTENSION;
  }
  return OLIC_OK;

malformed:
  memset(out, 0, sizeof *out);
  return OLIC_ERR_MALFORMED;
}

/* signature: 1 valid, 0 invalid, -1 verify here. */
static olic_status check(const ref_device *d, const uint8_t *b, size_t len, uint64_t now, int signature) {
  static ref_parsed p; /* large; one at a time is all the targets need */
  olic_status s = ref_parse(b, len, &p);
  if (s != OLIC_OK) return s;
  const olic_license *l = &p.license;

  /* Step 6: the first trusted key whose key_id matches. */
  const uint8_t *key = NULL;
  for (size_t i = 0; i < d->key_count && key == NULL; i++) {
    uint8_t hash[32];
    crypto_generichash(hash, sizeof hash, d->trusted_keys + 32 * i, 32, NULL, 0);
    if (memcmp(hash, l->key_id, OLIC_KEY_ID_SIZE) == 0) key = d->trusted_keys + 32 * i;
  }
  if (key == NULL) return OLIC_ERR_UNKNOWN_KEY;
  if (memcmp(l->device_id, d->device_id, OLIC_DEVICE_ID_SIZE) != 0) return OLIC_ERR_DEVICE;
  if (l->license_id <= d->state.last_license_id) return OLIC_ERR_REPLAY;
  if (l->has_bind_request && l->bind_request != d->state.request_sequence) return OLIC_ERR_BINDING;
  if (l->min_firmware_version > d->state.firmware_version) return OLIC_ERR_FIRMWARE;
  if (l->has_validity) {
    if (now == 0) return OLIC_ERR_NO_TIME;
    uint64_t t = now > d->state.time_high_water ? now : d->state.time_high_water;
    if (t < l->not_before) return OLIC_ERR_NOT_YET_VALID;
    if (t > l->not_after) return OLIC_ERR_EXPIRED;
  }
  size_t signed_len = len - OLIC_SIGNATURE_SIZE;
  if (signature < 0) signature = crypto_sign_verify_detached(b + signed_len, b, signed_len, key) == 0;
  return signature ? OLIC_OK : OLIC_ERR_SIGNATURE;
}

olic_status ref_check(const ref_device *d, const uint8_t *b, size_t len, uint64_t now) {
  return check(d, b, len, now, -1);
}

olic_status ref_check_signed(const ref_device *d, const uint8_t *b, size_t len, uint64_t now,
                             bool signature_valid) {
  return check(d, b, len, now, signature_valid ? 1 : 0);
}
