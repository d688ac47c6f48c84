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
  if (b[4] != 1 && b[4] != 2) return OLIC_ERR_VERSION;
  const int v2 = b[4] == 2;
  /* Step 4: every rule is MALFORMED, so their order does not matter. */
  if (b[5] != OLIC_TYPE_LICENSE || ref_le16(b + 6) != len) return OLIC_ERR_MALFORMED;
  if (len < (v2 ? 144u : 136u) || len > 1024) return OLIC_ERR_MALFORMED;
  olic_license *l = &out->license;
  size_t n = 1, end = len - 64;
  if (v2) {
    n = b[8];
    if (n < 1 || n > 8) return OLIC_ERR_MALFORMED;
    for (int i = 9; i < 16; i++)
      if (b[i] != 0) return OLIC_ERR_MALFORMED;
    if (len < 72 + 72 * n) return OLIC_ERR_MALFORMED; /* body_end < 72 */
    end = len - 72 * n;
  }
  l->version = v2 ? 2 : 1;
  l->signature_count = (uint32_t)n;
  memcpy(l->key_id, v2 ? b + end : b + 8, 8);
  for (size_t i = 0; i < n; i++) memcpy(l->key_ids[i], v2 ? b + end + 72 * i : b + 8, 8);
  for (size_t i = 1; i < n; i++)
    if (memcmp(l->key_ids[i - 1], l->key_ids[i], 8) >= 0) goto malformed;
  memcpy(l->device_id, b + 16, 32);
  l->license_id = ref_le64(b + 48);
  l->allowance = ref_le64(b + 56);
  l->min_firmware_version = ref_le32(b + 64);
  l->flags = ref_le32(b + 68);
  l->total_length = (uint32_t)len;
  if (l->flags != 0 || l->license_id == 0 || l->allowance == 0) goto malformed;

  size_t at = 72;
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
  memcpy(l->signature, b + end + (v2 ? 8 : 0), 64);
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

  /* Step 6: every entry names a trusted key. */
  const uint8_t *key[8] = {0};
  for (size_t e = 0; e < l->signature_count; e++) {
    for (size_t i = 0; i < d->key_count && key[e] == NULL; i++) {
      uint8_t hash[32];
      crypto_generichash(hash, sizeof hash, d->trusted_keys + 32 * i, 32, NULL, 0);
      if (memcmp(hash, l->key_ids[e], OLIC_KEY_ID_SIZE) == 0) key[e] = d->trusted_keys + 32 * i;
    }
    if (key[e] == NULL) return OLIC_ERR_UNKNOWN_KEY;
  }
  /* Step 7: the threshold (0 read as 1). */
  uint32_t k = d->threshold ? d->threshold : 1;
  if (l->signature_count < k) return OLIC_ERR_THRESHOLD;
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
  /* Step 14: every entry over [0, body_end). */
  const int v2 = l->version == 2;
  size_t n = l->signature_count, signed_len = len - (v2 ? 72 * n : 64);
  if (signature >= 0) return signature ? OLIC_OK : OLIC_ERR_SIGNATURE;
  for (size_t e = 0; e < n; e++) {
    const uint8_t *sig = b + signed_len + (v2 ? 72 * e + 8 : 0);
    if (crypto_sign_verify_detached(sig, b, signed_len, key[e]) != 0) return OLIC_ERR_SIGNATURE;
  }
  return OLIC_OK;
}

olic_status ref_check(const ref_device *d, const uint8_t *b, size_t len, uint64_t now) {
  return check(d, b, len, now, -1);
}

olic_status ref_check_signed(const ref_device *d, const uint8_t *b, size_t len, uint64_t now,
                             bool signature_valid) {
  return check(d, b, len, now, signature_valid ? 1 : 0);
}
