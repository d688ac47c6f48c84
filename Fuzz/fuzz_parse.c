/*
 * fuzz_parse: olic_parse on the raw input, the device's first contact with
 * hostile bytes. Beyond "no crash", each input is held to three oracles:
 * - ref_model's independent reading of steps 2-5 gives the same status and fields;
 * - olic_license_extension reports the same TLVs the walk found;
 * - canonical encoding: olic_encode_license, fed the parsed fields and the unknown
 *   extensions, gives back exactly the accepted bytes (signature left zero), so a
 *   license has one encoding and nothing can hide in a second one.
 */
#include <stdint.h>
#include <string.h>

#include "common/budget.h"
#include "common/oracle.h"
#include "common/ref_model.h"
#include "olic.h"

static int is_zero(const void *p, size_t n) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i]) return 0;
  return 1;
}

/* Re-encodes an accepted license and demands the same bytes. */
static void check_canonical(const uint8_t *data, size_t size, const olic_license *fields,
                            const ref_parsed *want) {
  static olic_extension extra[REF_MAX_EXTENSIONS];
  size_t n = 0;
  for (size_t i = 0; i < want->count; i++) {
    olic_extension e;
    ORACLE(olic_license_extension(data, size, i, &e) == OLIC_OK, "extension %zu not reported", i);
    ORACLE(e.type == want->ext[i].type && e.length == want->ext[i].length &&
               e.offset == want->ext[i].offset && e.value == NULL,
           "extension %zu: core says type %#x length %u offset %u, spec walk %#x %u %u", i, e.type,
           e.length, e.offset, want->ext[i].type, want->ext[i].length, want->ext[i].offset);
    if (e.type == OLIC_EXTENSION_VALIDITY || e.type == OLIC_EXTENSION_BIND_REQUEST) continue;
    e.value = data + e.offset;
    extra[n++] = e;
  }
  olic_extension past;
  ORACLE(olic_license_extension(data, size, want->count, &past) == OLIC_ERR_ARGUMENT,
         "index %zu past the last extension was not refused", want->count);

  uint8_t out[OLIC_LICENSE_MAX_SIZE];
  size_t out_len = 0;
  olic_status s = olic_encode_license(fields, n ? extra : NULL, n, out, sizeof out, &out_len);
  ORACLE(s == OLIC_OK, "encoder refused an accepted license: %s", olic_status_name(s));
  ORACLE(out_len == size, "re-encoded to %zu bytes, accepted %zu", out_len, size);
  /* v2: the signed bytes end at body_end, and the encoder leaves n empty entries. */
  const int v2 = fields->version == OLIC_VERSION_THRESHOLD;
  size_t tail = v2 ? (size_t)OLIC_SIGNATURE_ENTRY_SIZE * fields->signature_count : OLIC_SIGNATURE_SIZE;
  size_t body = size - tail;
  ORACLE(memcmp(out, data, body) == 0, "re-encoding differs in the signed bytes: not canonical");
  ORACLE(is_zero(out + body, tail), "encoder left signature bytes non-zero");
  ORACLE(memcmp(fields->signature, data + body + (v2 ? OLIC_KEY_ID_SIZE : 0), OLIC_SIGNATURE_SIZE) == 0,
         "parsed signature differs from the first entry's");
  /* The tools' decoder agrees with the device's on a complete license. */
  olic_proposal p;
  ORACLE(olic_parse_proposal(data, size, &p) == OLIC_OK, "proposal decoder refused an accepted license");
  ORACLE(memcmp(&p.license, fields, sizeof *fields) == 0 && p.body_end == body &&
             p.signed_count == fields->signature_count,
         "proposal decoder reports other fields");
}

static void one_input(const uint8_t *data, size_t size) {
  static ref_parsed want;
  olic_license got;
  memset(&got, 0xA5, sizeof got); /* a failure must zero it, whatever was there */
  olic_status s = olic_parse(data, size, &got);
  olic_status expected = ref_parse(data, size, &want);
  ORACLE(s == expected, "olic_parse says %s, the spec says %s", olic_status_name(s),
         olic_status_name(expected));
  ORACLE(olic_parse(data, size, NULL) == s, "out = NULL changed the verdict");

  if (s != OLIC_OK) {
    ORACLE(is_zero(&got, sizeof got), "*out not zeroed on %s", olic_status_name(s));
    olic_extension e;
    olic_status es = olic_license_extension(data, size, 0, &e);
    ORACLE(es == s, "olic_license_extension says %s where olic_parse says %s",
           olic_status_name(es), olic_status_name(s));
  } else {
    ORACLE(memcmp(&got, &want.license, sizeof got) == 0, "parsed fields differ from the spec walk");
    check_canonical(data, size, &got, &want);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  budget_run("fuzz_parse", one_input, data, size);
  return 0;
}
