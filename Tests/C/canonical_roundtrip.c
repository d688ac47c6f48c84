/* Canonical encoding: whatever olic_parse accepts, olic_encode_license (fed the
   parsed fields and the unknown extensions olic_license_extension enumerates)
   re-encodes to the identical bytes, with the signature left zero. So a license
   has exactly one encoding, and nothing can ride in a second one.
   Checked on hand-written licenses (bytes laid out here from the spec's table)
   and on encoder-made ones, with exact bytes. fuzz_parse asserts the same on
   every input it finds. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "olic.h"

static int checks;
#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    checks++;                                                              \
    if (!(cond)) {                                                         \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);      \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

static uint8_t regulator_pk[32], regulator_sk[64], key_id[8], device_id[32];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static void sign(uint8_t *blob, size_t len) {
  CHECK(crypto_sign_detached(blob + len - 64, NULL, blob, len - 64, regulator_sk) == 0, "sign");
}

/* A license laid out by hand from docs/format.md's table: header and fixed fields;
   the caller appends TLVs at 72 and calls finish(). */
static size_t begin(uint8_t *b, uint64_t license_id, uint64_t allowance, uint32_t min_fw) {
  memset(b, 0, OLIC_LICENSE_MAX_SIZE);
  memcpy(b, "OLIC", 4);
  b[4] = 1;
  b[5] = 1;
  memcpy(b + 8, key_id, 8);
  memcpy(b + 16, device_id, 32);
  put64(b + 48, license_id);
  put64(b + 56, allowance);
  put32(b + 64, min_fw);
  put32(b + 68, 0);
  return 72;
}
static size_t tlv(uint8_t *b, size_t at, uint16_t type, uint16_t length, const uint8_t *value) {
  put16(b + at, type);
  put16(b + at + 2, length);
  if (length) memcpy(b + at + 4, value, length);
  return at + 4 + length;
}
static size_t finish(uint8_t *b, size_t at) {
  size_t len = at + 64;
  put16(b + 6, (uint16_t)len);
  sign(b, len);
  return len;
}

/* The round trip itself; returns the parsed fields for further checks. */
static olic_license roundtrip(const char *name, const uint8_t *blob, size_t len) {
  olic_license f;
  olic_status s = olic_parse(blob, len, &f);
  CHECK(s == OLIC_OK, "%s: olic_parse says %s", name, olic_status_name(s));
  static olic_extension extra[(OLIC_LICENSE_MAX_SIZE - OLIC_LICENSE_MIN_SIZE) / 4];
  size_t n = 0;
  for (size_t i = 0; i < f.extension_count; i++) {
    olic_extension e;
    CHECK(olic_license_extension(blob, len, i, &e) == OLIC_OK, "%s: extension %zu", name, i);
    if (e.type == OLIC_EXTENSION_VALIDITY || e.type == OLIC_EXTENSION_BIND_REQUEST) continue;
    e.value = blob + e.offset;
    extra[n++] = e;
  }
  uint8_t out[OLIC_LICENSE_MAX_SIZE];
  size_t out_len = 0;
  s = olic_encode_license(&f, n ? extra : NULL, n, out, sizeof out, &out_len);
  CHECK(s == OLIC_OK, "%s: re-encoding says %s", name, olic_status_name(s));
  CHECK(out_len == len, "%s: %zu bytes re-encoded, %zu given", name, out_len, len);
  for (size_t i = 0; i < len - 64; i++)
    CHECK(out[i] == blob[i], "%s: byte %zu is %#x re-encoded, %#x given", name, i, out[i], blob[i]);
  for (size_t i = len - 64; i < len; i++) CHECK(out[i] == 0, "%s: signature byte %zu not zero", name, i);
  CHECK(memcmp(f.signature, blob + len - 64, 64) == 0, "%s: parsed signature", name);
  return f;
}

static void hand_written(void) {
  static uint8_t b[OLIC_LICENSE_MAX_SIZE], filler[OLIC_LICENSE_MAX_SIZE];
  for (size_t i = 0; i < sizeof filler; i++) filler[i] = (uint8_t)(i * 7 + 1);

  /* The smallest license: 136 bytes, no extension. */
  size_t len = finish(b, begin(b, 1, 1, 0));
  CHECK(len == 136, "min size");
  olic_license f = roundtrip("hand-min", b, len);
  CHECK(f.license_id == 1 && f.allowance == 1 && f.extension_count == 0 && f.total_length == 136, "min fields");

  /* Both known extensions and two unknown optional ones, one of them empty. */
  uint8_t validity[16], bind[8];
  put64(validity, 1700000000);
  put64(validity + 8, 1800000000);
  put64(bind, 42);
  size_t at = begin(b, 0x0102030405060708ull, 0xfffffffffffffffeull, 9);
  at = tlv(b, at, 0x0000, 0, NULL);
  at = tlv(b, at, 0x0007, 3, filler);
  at = tlv(b, at, OLIC_EXTENSION_VALIDITY, 16, validity);
  at = tlv(b, at, OLIC_EXTENSION_BIND_REQUEST, 8, bind);
  len = finish(b, at);
  CHECK(len == 136 + 4 + 7 + 20 + 12, "mixed size");
  f = roundtrip("hand-mixed", b, len);
  CHECK(f.extension_count == 4 && f.has_validity && f.not_before == 1700000000 && f.not_after == 1800000000 &&
            f.has_bind_request && f.bind_request == 42 && f.min_firmware_version == 9,
        "mixed fields");

  /* The largest license: 1024 bytes, one optional TLV filling the room. */
  at = tlv(b, begin(b, UINT64_MAX, UINT64_MAX, UINT32_MAX), 0x7fff, 1024 - 136 - 4, filler);
  len = finish(b, at);
  CHECK(len == 1024, "max size");
  roundtrip("hand-max", b, len);

  /* 222 empty TLVs, the most a license can hold. */
  at = begin(b, 5, 5, 0);
  for (uint16_t t = 0; t < 222; t++) at = tlv(b, at, t, 0, NULL);
  len = finish(b, at);
  CHECK(len == 1024, "many size");
  f = roundtrip("hand-222-empty", b, len);
  CHECK(f.extension_count == 222, "222 extensions, got %u", f.extension_count);

  /* The only other ways to lay the same TLVs out are refused, so the encoding is unique. */
  at = begin(b, 1, 1, 0);
  at = tlv(b, at, 0x0007, 3, filler);
  at = tlv(b, at, 0x0000, 0, NULL);
  len = finish(b, at);
  CHECK(olic_parse(b, len, NULL) == OLIC_ERR_MALFORMED, "descending types accepted");
  at = begin(b, 1, 1, 0);
  at = tlv(b, at, 0x0007, 0, NULL);
  at = tlv(b, at, 0x0007, 0, NULL);
  len = finish(b, at);
  CHECK(olic_parse(b, len, NULL) == OLIC_ERR_MALFORMED, "a repeated type accepted");
}

/* The encoder's own output, from fields, parses and re-encodes to itself, and
   equals the same license laid out by hand byte for byte. */
static void encoder_made(void) {
  static uint8_t filler[900], hand[OLIC_LICENSE_MAX_SIZE];
  for (size_t i = 0; i < sizeof filler; i++) filler[i] = (uint8_t)(255 - i);
  olic_license f;
  memset(&f, 0, sizeof f);
  memcpy(f.key_id, key_id, 8);
  memcpy(f.device_id, device_id, 32);
  f.license_id = 77;
  f.allowance = 1000000;
  f.min_firmware_version = 3;
  f.has_validity = true;
  f.not_before = 10;
  f.not_after = 10;
  f.has_bind_request = true;
  f.bind_request = 1;
  /* Given out of order: the encoder sorts, VALIDITY and BIND_REQUEST included. */
  olic_extension extra[3] = {{.type = 0x1000, .length = 2, .value = filler},
                             {.type = 0x0001, .length = 0, .value = NULL},
                             {.type = 0x8003, .length = 1, .value = filler}};
  uint8_t out[OLIC_LICENSE_MAX_SIZE];
  size_t len = 0;
  CHECK(olic_encode_license(&f, extra, 3, out, sizeof out, &len) == OLIC_OK, "encode");
  /* 0x8003 is an unknown critical type: encoded as asked, refused by the parser. */
  CHECK(olic_parse(out, len, NULL) == OLIC_ERR_UNSUPPORTED_EXTENSION, "critical refused");
  CHECK(olic_encode_license(&f, extra, 2, out, sizeof out, &len) == OLIC_OK, "encode");
  sign(out, len);

  uint8_t validity[16], bind[8];
  put64(validity, 10);
  put64(validity + 8, 10);
  put64(bind, 1);
  size_t at = begin(hand, 77, 1000000, 3);
  at = tlv(hand, at, 0x0001, 0, NULL);
  at = tlv(hand, at, 0x1000, 2, filler);
  at = tlv(hand, at, OLIC_EXTENSION_VALIDITY, 16, validity);
  at = tlv(hand, at, OLIC_EXTENSION_BIND_REQUEST, 8, bind);
  size_t hand_len = finish(hand, at);
  CHECK(len == hand_len && memcmp(out, hand, len) == 0, "encoder and hand layout differ");
  roundtrip("encoder-mixed", out, len);

  /* Sizes from the smallest to the largest, every one a fixed point. */
  memset(&f, 0, sizeof f);
  memcpy(f.key_id, key_id, 8);
  memcpy(f.device_id, device_id, 32);
  f.license_id = 1;
  f.allowance = 1;
  for (size_t size = 0; size <= OLIC_LICENSE_MAX_SIZE - OLIC_LICENSE_MIN_SIZE - 4; size += 37) {
    olic_extension e = {.type = 0x0100, .length = (uint16_t)size, .value = size ? filler : NULL};
    CHECK(olic_encode_license(&f, &e, 1, out, sizeof out, &len) == OLIC_OK, "encode %zu", size);
    CHECK(len == OLIC_LICENSE_MIN_SIZE + 4 + size, "length %zu", len);
    sign(out, len);
    roundtrip("encoder-sized", out, len);
  }
  olic_extension e = {.type = 0x0100, .length = 1024 - 136 - 4, .value = filler};
  CHECK(olic_encode_license(&f, &e, 1, out, sizeof out, &len) == OLIC_OK && len == 1024, "encode 1024");
  sign(out, len);
  roundtrip("encoder-1024", out, len);
  e.length++;
  CHECK(olic_encode_license(&f, &e, 1, out, sizeof out, &len) == OLIC_ERR_MALFORMED && len == 0,
        "1025 bytes encoded");
}

int main(void) {
  if (sodium_init() < 0) return 1;
  uint8_t seed[32];
  for (size_t i = 0; i < sizeof seed; i++) seed[i] = (uint8_t)(0x10 + i);
  crypto_sign_seed_keypair(regulator_pk, regulator_sk, seed);
  CHECK(olic_key_id(regulator_pk, key_id) == OLIC_OK, "key id");
  for (size_t i = 0; i < sizeof device_id; i++) device_id[i] = (uint8_t)(0xd0 ^ i);
  hand_written();
  encoder_made();
  printf("canonical_roundtrip: %d checks passed\n", checks);
  return 0;
}
