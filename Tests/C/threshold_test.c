/* Threshold licenses (wire v2) through the C ABI: every worked case of the
   check order, every layout rule of v2 with its exact status, the init
   refusals, what olic_license reports, the proposal decoder, the entry writer
   and the digest. Licenses are made by the core's encoder and olic_add_signature,
   and signed here with libsodium over [0, body_end). The core's calls to
   crypto_sign_verify_detached are counted (this file defines the symbol, so
   libolic.a's reference binds here, and the real one is reached through
   RTLD_NEXT): a passing license costs exactly n, a cheap refusal none. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "olic.h"
#include <dlfcn.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);        \
      failures++;                                                            \
    }                                                                        \
  } while (0)
#define EXPECT(got, want)                                                    \
  do {                                                                       \
    olic_status g_ = (got);                                                  \
    if (g_ != (want)) {                                                      \
      fprintf(stderr, "FAIL %s:%d: %s = %s, want %s\n", __FILE__, __LINE__,  \
              #got, olic_status_name(g_), olic_status_name(want));           \
      failures++;                                                            \
    }                                                                        \
  } while (0)

enum { KEYS = 5 };
static uint8_t pk[KEYS][32], sk[KEYS][64], kid[KEYS][8];
static uint8_t device_pk[32], device_sk[64], device_id[32];

static unsigned verifications;
int crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m, unsigned long long mlen,
                                const unsigned char *key) {
  typedef int (*verify_fn)(const unsigned char *, const unsigned char *, unsigned long long,
                           const unsigned char *);
  static verify_fn real;
  if (!real) {
    void *f = dlsym(RTLD_NEXT, "crypto_sign_verify_detached");
    if (!f) {
      fprintf(stderr, "threshold_test: no crypto_sign_verify_detached after this one\n");
      exit(1);
    }
    memcpy(&real, &f, sizeof real);
  }
  verifications++;
  return real(sig, m, mlen, key);
}

#include "ram_storage.h"

static olic_storage storage = {NULL, sizeof ram, ram_read, ram_write};

typedef struct blob {
  uint8_t b[OLIC_LICENSE_MAX_SIZE + 8];
  size_t len;
} blob;

static olic_license fields(uint32_t version, uint32_t n, uint64_t id) {
  olic_license f;
  memset(&f, 0, sizeof f);
  f.version = version;
  f.signature_count = n;
  memcpy(f.device_id, device_id, 32);
  f.license_id = id;
  f.allowance = 1000;
  return f;
}

/* A v2 license with n entries, signed by the keys named in `signers` (a bit
   set of key indices), padded with one optional extension of `pad` bytes. */
static blob v2(uint32_t n, unsigned signers, uint64_t id, size_t pad) {
  blob x;
  memset(&x, 0, sizeof x);
  olic_license f = fields(2, n, id);
  static uint8_t zeros[1024];
  olic_extension e = {0x0100, (uint16_t)(pad >= 4 ? pad - 4 : 0), 0, zeros};
  olic_status s = olic_encode_license(&f, pad ? &e : NULL, pad ? 1 : 0, x.b, sizeof x.b, &x.len);
  if (s != OLIC_OK) {
    fprintf(stderr, "encode n=%u pad=%zu: %s\n", n, pad, olic_status_name(s));
    exit(1);
  }
  size_t body_end = x.len - 72u * n;
  for (int k = 0; k < KEYS; k++) {
    if (!(signers & (1u << k))) continue;
    uint8_t sig[64];
    crypto_sign_detached(sig, NULL, x.b, body_end, sk[k]);
    EXPECT(olic_add_signature(x.b, x.len, kid[k], sig), OLIC_OK);
  }
  return x;
}

static blob v1(uint64_t id) {
  blob x;
  memset(&x, 0, sizeof x);
  olic_license f = fields(1, 0, id);
  memcpy(f.key_id, kid[0], 8);
  EXPECT(olic_encode_license(&f, NULL, 0, x.b, sizeof x.b, &x.len), OLIC_OK);
  crypto_sign_detached(x.b + x.len - 64, NULL, x.b, x.len - 64, sk[0]);
  return x;
}

/* A fresh device trusting keys[0..count) with threshold k. */
static olic_status device(olic_context *ctx, size_t count, uint32_t k) {
  memset(ram, 0xFF, sizeof ram);
  if (olic_provision(&storage) != OLIC_OK) exit(1);
  static uint8_t table[KEYS * 32];
  for (size_t i = 0; i < count; i++) memcpy(table + 32 * i, pk[i], 32);
  olic_config c;
  memset(&c, 0, sizeof c);
  c.trusted_keys = table;
  c.trusted_key_count = count;
  memcpy(c.device_id, device_id, 32);
  c.firmware_version = 1;
  c.signature_threshold = k;
  return olic_init(ctx, &c, &storage);
}

static olic_status check(size_t count, uint32_t k, const blob *x) {
  olic_context ctx;
  if (device(&ctx, count, k) != OLIC_OK) return OLIC_ERR_STATE;
  return olic_check(&ctx, x->b, x->len, 0, NULL);
}

static size_t body_end(const blob *x) { return x->len - 72u * x->b[8]; }

static void worked_cases(void) {
  blob a = v1(1);
  EXPECT(check(3, 1, &a), OLIC_OK);
  EXPECT(check(3, 2, &a), OLIC_ERR_THRESHOLD);
  blob b = v2(1, 1u << 0, 1, 0);
  EXPECT(check(3, 1, &b), OLIC_OK);
  blob c = v2(2, 3u, 1, 0);
  EXPECT(check(3, 2, &c), OLIC_OK);
  EXPECT(check(3, 3, &c), OLIC_ERR_THRESHOLD);
  blob d = v2(3, 7u, 1, 0);
  EXPECT(check(3, 2, &d), OLIC_OK);
  /* key 3 is not in a 3-key table: UNKNOWN_KEY though k = 1 is met by key 0. */
  blob e = v2(2, (1u << 0) | (1u << 3), 1, 0);
  EXPECT(check(3, 1, &e), OLIC_ERR_UNKNOWN_KEY);
  /* second entry's signature bad (one bit) */
  blob f = c;
  f.b[body_end(&f) + 72 + 8 + 5] ^= 1;
  EXPECT(check(3, 2, &f), OLIC_ERR_SIGNATURE);
  /* first entry's signature bad too */
  blob f0 = c;
  f0.b[body_end(&f0) + 8] ^= 0x80;
  EXPECT(check(3, 2, &f0), OLIC_ERR_SIGNATURE);
  /* the same key_id twice (entry 0 copied over entry 1) */
  blob g = c;
  memcpy(g.b + body_end(&g) + 72, g.b + body_end(&g), 72);
  EXPECT(check(3, 1, &g), OLIC_ERR_MALFORMED);
  EXPECT(olic_parse(g.b, g.len, NULL), OLIC_ERR_MALFORMED);
  /* descending order: the two entries swapped */
  blob h = c;
  memcpy(h.b + body_end(&h), c.b + body_end(&c) + 72, 72);
  memcpy(h.b + body_end(&h) + 72, c.b + body_end(&c), 72);
  EXPECT(check(3, 1, &h), OLIC_ERR_MALFORMED);
  EXPECT(check(3, 2, &h), OLIC_ERR_MALFORMED);
  /* other device and a bad second signature: DEVICE, cheap checks first */
  olic_context ctx;
  CHECK(device(&ctx, 3, 2) == OLIC_OK);
  uint8_t other[32];
  memset(other, 0xAB, 32);
  olic_license fo = fields(2, 2, 1);
  memcpy(fo.device_id, other, 32);
  blob o;
  EXPECT(olic_encode_license(&fo, NULL, 0, o.b, sizeof o.b, &o.len), OLIC_OK);
  for (int k = 0; k < 2; k++) {
    uint8_t sig[64];
    crypto_sign_detached(sig, NULL, o.b, body_end(&o), sk[k]);
    EXPECT(olic_add_signature(o.b, o.len, kid[k], sig), OLIC_OK);
  }
  EXPECT(olic_check(&ctx, o.b, o.len, 0, NULL), OLIC_ERR_DEVICE);
  o.b[body_end(&o) + 72 + 9] ^= 1;
  EXPECT(olic_check(&ctx, o.b, o.len, 0, NULL), OLIC_ERR_DEVICE);
  /* version byte 3 */
  blob v3 = c;
  v3.b[4] = 3;
  EXPECT(check(3, 1, &v3), OLIC_ERR_VERSION);
  EXPECT(olic_parse(v3.b, v3.len, NULL), OLIC_ERR_VERSION);
  /* a request with version 2 */
  CHECK(device(&ctx, 3, 1) == OLIC_OK);
  uint8_t req[OLIC_REQUEST_SIZE];
  size_t req_len = 0;
  EXPECT(olic_make_request(&ctx, device_sk, req, sizeof req, &req_len), OLIC_OK);
  EXPECT(olic_verify_request(req, req_len, NULL), OLIC_OK);
  req[4] = 2;
  EXPECT(olic_verify_request(req, req_len, NULL), OLIC_ERR_VERSION);
  /* install: a 2-of-3 device takes a license signed by keys 1 and 2, once */
  CHECK(device(&ctx, 3, 2) == OLIC_OK);
  blob i = v2(2, (1u << 1) | (1u << 2), 7, 0);
  EXPECT(olic_install(&ctx, i.b, i.len, 0), OLIC_OK);
  olic_state_info st;
  EXPECT(olic_state(&ctx, &st), OLIC_OK);
  CHECK(st.last_license_id == 7 && st.remaining == 1000);
  EXPECT(olic_install(&ctx, i.b, i.len, 0), OLIC_ERR_REPLAY);
  /* a second assembly of the same license (other signers) is a replay too */
  blob i2 = v2(2, (1u << 0) | (1u << 1), 7, 0);
  CHECK(memcmp(i.b, i2.b, body_end(&i)) == 0 && memcmp(i.b, i2.b, i.len) != 0);
  EXPECT(olic_install(&ctx, i2.b, i2.len, 0), OLIC_ERR_REPLAY);
  /* one signature on a k = 2 device, installed: THRESHOLD, nothing written */
  blob one = v2(1, 1u << 1, 8, 0);
  EXPECT(olic_install(&ctx, one.b, one.len, 0), OLIC_ERR_THRESHOLD);
  EXPECT(olic_state(&ctx, &st), OLIC_OK);
  CHECK(st.last_license_id == 7);
}

/* Every v2 layout rule of step 4, at its boundary. */
static void layout_rules(void) {
  blob base = v2(2, 3u, 1, 0); /* 72 + 144 = 216 bytes */
  CHECK(base.len == 216);
  EXPECT(olic_parse(base.b, base.len, NULL), OLIC_OK);
  blob x;
  /* n = 0 and n = 9 */
  x = base; x.b[8] = 0;
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
  x = base; x.b[8] = 9;
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
  /* n = 3 on 216 bytes: body_end = 0 < 72 */
  x = base; x.b[8] = 3;
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
  /* n = 8 on a 600-byte blob: body_end = 24 < 72 */
  blob big = v2(1, 1u, 1, 456);
  CHECK(big.len == 600);
  big.b[8] = 8;
  EXPECT(olic_parse(big.b, big.len, NULL), OLIC_ERR_MALFORMED);
  /* each reserved byte */
  for (int r = 9; r < 16; r++) {
    x = base; x.b[r] = 1;
    EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
  }
  /* type, total_length, flags, ids */
  x = base; x.b[5] = 2;
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
  EXPECT(olic_parse(base.b, base.len - 1, NULL), OLIC_ERR_MALFORMED);
  x = base; x.b[68] = 1;
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
  /* 144: the smallest v2 license */
  blob min = v2(1, 1u, 1, 0);
  CHECK(min.len == 144);
  EXPECT(olic_parse(min.b, min.len, NULL), OLIC_OK);
  EXPECT(check(1, 1, &min), OLIC_OK);
  /* 143 bytes claiming v2 (a v1-sized blob with version 2) */
  x = min;
  x.b[6] = 143;
  EXPECT(olic_parse(x.b, 143, NULL), OLIC_ERR_MALFORMED);
  blob v1min = v1(1);
  CHECK(v1min.len == 136);
  v1min.b[4] = 2;
  EXPECT(olic_parse(v1min.b, v1min.len, NULL), OLIC_ERR_MALFORMED);
  /* 1024 and 1025 */
  blob max = v2(8, 0, 1, 1024 - 72 - 8 * 72);
  CHECK(max.len == 1024);
  olic_proposal p;
  EXPECT(olic_parse_proposal(max.b, max.len, &p), OLIC_OK);
  CHECK(p.signed_count == 0 && p.body_end == 1024 - 576);
  blob max1 = v2(1, 1u, 1, 1024 - 72 - 72);
  CHECK(max1.len == 1024);
  EXPECT(check(1, 1, &max1), OLIC_OK);
  x = max1;
  x.b[6] = 0x01; x.b[7] = 0x04; /* 1025 */
  EXPECT(olic_parse(x.b, 1025, NULL), OLIC_ERR_MALFORMED);
  olic_license f = fields(2, 1, 1);
  static uint8_t zeros[1024];
  olic_extension e = {0x0100, 1024 - 72 - 72 - 4 + 1, 0, zeros};
  size_t len = 99;
  EXPECT(olic_encode_license(&f, &e, 1, x.b, sizeof x.b, &len), OLIC_ERR_MALFORMED);
  CHECK(len == 0);
  /* extensions must end exactly at body_end: a TLV running into the entries */
  blob t = v2(2, 3u, 1, 8);
  x = t; x.b[72 + 2] = 5; /* length 4 -> 5 */
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
  /* an unknown critical extension: UNSUPPORTED, after the layout */
  x = t; x.b[73] = 0x81;
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_UNSUPPORTED_EXTENSION);
  /* ... but a descending entry pair is MALFORMED first */
  memcpy(x.b + body_end(&x), t.b + body_end(&t) + 72, 72);
  memcpy(x.b + body_end(&x) + 72, t.b + body_end(&t), 72);
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
  /* key_ids that differ only in their last byte, ascending: parses */
  x = base;
  memcpy(x.b + body_end(&x) + 72, x.b + body_end(&x), 8);
  x.b[body_end(&x) + 72 + 7] = (uint8_t)(x.b[body_end(&x) + 7] + 1);
  if (x.b[body_end(&x) + 7] != 0xFF) EXPECT(olic_parse(x.b, x.len, NULL), OLIC_OK);
  x.b[body_end(&x) + 72 + 7] = x.b[body_end(&x) + 7];
  EXPECT(olic_parse(x.b, x.len, NULL), OLIC_ERR_MALFORMED);
}

/* A partly signed license: not a license on the device. */
static void partly_signed(void) {
  blob one = v2(1, 0, 1, 0);
  EXPECT(olic_parse(one.b, one.len, NULL), OLIC_OK);
  EXPECT(check(3, 1, &one), OLIC_ERR_UNKNOWN_KEY);
  blob two = v2(2, 1u, 1, 0);
  EXPECT(olic_parse(two.b, two.len, NULL), OLIC_ERR_MALFORMED);
  EXPECT(check(3, 1, &two), OLIC_ERR_MALFORMED);
  blob three = v2(3, 3u, 1, 0);
  EXPECT(olic_parse(three.b, three.len, NULL), OLIC_ERR_MALFORMED);
  EXPECT(check(3, 2, &three), OLIC_ERR_MALFORMED);
  olic_proposal p;
  EXPECT(olic_parse_proposal(three.b, three.len, &p), OLIC_OK);
  CHECK(p.signed_count == 2 && p.license.signature_count == 3 && p.body_end == three.len - 216);
  uint8_t zero[8] = {0};
  CHECK(memcmp(p.license.key_ids[2], zero, 8) == 0 && memcmp(p.license.key_ids[1], zero, 8) != 0);
  /* completed by a third signer, it installs on a 3-of-3 device */
  uint8_t sig[64];
  crypto_sign_detached(sig, NULL, three.b, p.body_end, sk[2]);
  EXPECT(olic_add_signature(three.b, three.len, kid[2], sig), OLIC_OK);
  EXPECT(olic_parse_proposal(three.b, three.len, &p), OLIC_OK);
  CHECK(p.signed_count == 3);
  EXPECT(check(3, 3, &three), OLIC_OK);
  /* the writer's refusals */
  EXPECT(olic_add_signature(three.b, three.len, kid[3], sig), OLIC_ERR_BUFFER);
  blob again = v2(2, 1u, 1, 0);
  EXPECT(olic_add_signature(again.b, again.len, kid[0], sig), OLIC_ERR_MALFORMED);
  EXPECT(olic_add_signature(again.b, again.len, zero, sig), OLIC_ERR_ARGUMENT);
  EXPECT(olic_add_signature(NULL, again.len, kid[1], sig), OLIC_ERR_ARGUMENT);
  blob a1 = v1(1);
  EXPECT(olic_add_signature(a1.b, a1.len, kid[1], sig), OLIC_ERR_VERSION);
  /* a zero key_id with a signature byte: empty only when all 72 bytes are zero */
  blob h = v2(3, 0, 1, 0);
  h.b[body_end(&h) + 72 + 20] = 1; /* entry 1 of 3 */
  EXPECT(olic_parse_proposal(h.b, h.len, &p), OLIC_ERR_MALFORMED);
  CHECK(p.signed_count == 0 && p.body_end == 0);
  h = v2(2, 0, 1, 0);
  h.b[body_end(&h) + 20] = 1; /* entry 0: parsed as the device does (UNKNOWN_KEY there) */
  EXPECT(olic_parse_proposal(h.b, h.len, &p), OLIC_OK);
  CHECK(p.signed_count == 1);
  EXPECT(olic_parse(h.b, h.len, NULL), OLIC_ERR_MALFORMED); /* the device: entry 1 is zero */
  /* a signed entry after an empty one in the middle */
  h = v2(3, 0, 1, 0);
  memcpy(h.b + body_end(&h) + 72, kid[0], 8);
  h.b[body_end(&h) + 100] = 1;
  memcpy(h.b + body_end(&h) + 144, kid[1], 8);
  memset(h.b + body_end(&h), 0, 72);
  h.b[body_end(&h) + 8] = 0; /* entry 0 all zero, entries 1 and 2 signed */
  {
    olic_license dev;
    olic_status ds = olic_parse(h.b, h.len, &dev);
    olic_status ps = olic_parse_proposal(h.b, h.len, &p);
    CHECK(ds == ps); /* the two decoders agree on what the device parses */
  }
  /* entries are kept ascending whatever order the signers come in */
  blob order = v2(3, 0, 1, 0);
  int sequence[3] = {2, 0, 1};
  for (int i = 0; i < 3; i++) {
    crypto_sign_detached(sig, NULL, order.b, body_end(&order), sk[sequence[i]]);
    EXPECT(olic_add_signature(order.b, order.len, kid[sequence[i]], sig), OLIC_OK);
  }
  EXPECT(olic_parse(order.b, order.len, NULL), OLIC_OK);
  EXPECT(check(3, 3, &order), OLIC_OK);
}

static void init_refusals(void) {
  olic_context ctx;
  EXPECT(device(&ctx, 3, 4), OLIC_ERR_ARGUMENT);
  EXPECT(device(&ctx, 3, 3), OLIC_OK);
  EXPECT(device(&ctx, 3, 0), OLIC_OK); /* 0 means 1 */
  blob a = v1(1);
  EXPECT(olic_check(&ctx, a.b, a.len, 0, NULL), OLIC_OK);
  EXPECT(device(&ctx, 1, 2), OLIC_ERR_ARGUMENT);
  /* a repeated key, even at k = 1; a failed init leaves a refusing context */
  uint8_t table[3 * 32];
  memcpy(table, pk[0], 32); memcpy(table + 32, pk[1], 32); memcpy(table + 64, pk[0], 32);
  olic_config c;
  memset(&c, 0, sizeof c);
  c.trusted_keys = table;
  c.trusted_key_count = 3;
  memcpy(c.device_id, device_id, 32);
  memset(ram, 0xFF, sizeof ram);
  EXPECT(olic_provision(&storage), OLIC_OK);
  EXPECT(olic_init(&ctx, &c, &storage), OLIC_ERR_ARGUMENT);
  EXPECT(olic_check(&ctx, a.b, a.len, 0, NULL), OLIC_ERR_STATE);
  c.trusted_key_count = 2; /* only the first count entries count */
  EXPECT(olic_init(&ctx, &c, &storage), OLIC_OK);
  /* the threshold check comes before any storage read */
  c.trusted_key_count = 3;
  olic_storage broken = {NULL, sizeof ram, NULL, ram_write};
  EXPECT(olic_init(&ctx, &c, &broken), OLIC_ERR_ARGUMENT);
  c.trusted_key_count = 2;
  c.signature_threshold = 3;
  EXPECT(olic_init(&ctx, &c, &storage), OLIC_ERR_ARGUMENT);
  /* v1's positional initialiser gives k = 1 (-Wextra says the field is missing). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
  olic_config positional = {pk[0], 1, {0}, 1};
#pragma GCC diagnostic pop
  memcpy(positional.device_id, device_id, 32);
  CHECK(positional.signature_threshold == 0);
  EXPECT(olic_init(&ctx, &positional, &storage), OLIC_OK);
  EXPECT(olic_check(&ctx, a.b, a.len, 0, NULL), OLIC_OK);
}

static uint8_t nvm_reads_seen;
static int counting_read(void *c, uint32_t o, void *b, uint32_t n) {
  nvm_reads_seen = 1;
  return ram_read(c, o, b, n);
}

static void init_refusals_before_storage(void) {
  uint8_t table[2 * 32];
  memcpy(table, pk[3], 32); memcpy(table + 32, pk[3], 32);
  olic_config c;
  memset(&c, 0, sizeof c);
  c.trusted_keys = table;
  c.trusted_key_count = 2;
  olic_storage s = {NULL, sizeof ram, counting_read, ram_write};
  olic_context ctx;
  nvm_reads_seen = 0;
  EXPECT(olic_init(&ctx, &c, &s), OLIC_ERR_ARGUMENT);
  CHECK(nvm_reads_seen == 0);
  memcpy(table + 32, pk[4], 32);
  c.signature_threshold = 3;
  EXPECT(olic_init(&ctx, &c, &s), OLIC_ERR_ARGUMENT);
  CHECK(nvm_reads_seen == 0);
  c.signature_threshold = 2;
  EXPECT(olic_init(&ctx, &c, &s), OLIC_OK);
  CHECK(nvm_reads_seen == 1);
}

static void reporting(void) {
  blob d = v2(3, (1u << 0) | (1u << 2) | (1u << 4), 5, 28);
  olic_license l;
  EXPECT(olic_parse(d.b, d.len, &l), OLIC_OK);
  CHECK(l.version == 2 && l.signature_count == 3 && l.total_length == d.len && l.extension_count == 1);
  size_t be = body_end(&d);
  for (int i = 0; i < 3; i++) CHECK(memcmp(l.key_ids[i], d.b + be + 72 * i, 8) == 0);
  uint8_t zero[8] = {0};
  for (int i = 3; i < 8; i++) CHECK(memcmp(l.key_ids[i], zero, 8) == 0);
  CHECK(memcmp(l.key_id, d.b + be, 8) == 0);
  CHECK(memcmp(l.signature, d.b + be + 8, 64) == 0);
  /* the check reports the same */
  olic_context ctx;
  CHECK(device(&ctx, 5, 3) == OLIC_OK);
  olic_license lc;
  EXPECT(olic_check(&ctx, d.b, d.len, 0, &lc), OLIC_OK);
  CHECK(memcmp(&l, &lc, sizeof l) == 0);
  /* refused: zeroed */
  d.b[be + 100] ^= 1;
  EXPECT(olic_check(&ctx, d.b, d.len, 0, &lc), OLIC_ERR_SIGNATURE);
  olic_license z;
  memset(&z, 0, sizeof z);
  CHECK(memcmp(&lc, &z, sizeof z) == 0);
  /* v1 */
  blob a = v1(3);
  EXPECT(olic_parse(a.b, a.len, &l), OLIC_OK);
  CHECK(l.version == 1 && l.signature_count == 1);
  CHECK(memcmp(l.key_ids[0], kid[0], 8) == 0 && memcmp(l.key_id, kid[0], 8) == 0);
  for (int i = 1; i < 8; i++) CHECK(memcmp(l.key_ids[i], zero, 8) == 0);
  CHECK(memcmp(l.signature, a.b + a.len - 64, 64) == 0);
  olic_proposal p;
  EXPECT(olic_parse_proposal(a.b, a.len, &p), OLIC_OK);
  CHECK(p.signed_count == 1 && p.body_end == a.len - 64 && memcmp(&p.license, &l, sizeof l) == 0);
}

/* encode(parse(x)) == x: v1 exactly, v2 on [0, body_end) with n zero entries. */
static void round_trip(void) {
  for (uint32_t n = 1; n <= 8; n++) {
    blob x = v2(n, n >= 5 ? 31u : (1u << n) - 1u, n, n * 10);
    if (n > KEYS) continue;
    olic_license l;
    EXPECT(olic_parse(x.b, x.len, &l), OLIC_OK);
    olic_extension e;
    EXPECT(olic_license_extension(x.b, x.len, 0, &e), OLIC_OK);
    e.value = x.b + e.offset;
    blob y;
    EXPECT(olic_encode_license(&l, &e, 1, y.b, sizeof y.b, &y.len), OLIC_OK);
    CHECK(y.len == x.len && memcmp(y.b, x.b, body_end(&x)) == 0);
    uint8_t zeros[576] = {0};
    CHECK(memcmp(y.b + body_end(&x), zeros, 72 * n) == 0);
    /* the digest: BLAKE2b-256 of [0, body_end), the same for both */
    uint8_t d1[32], d2[32], want[32];
    crypto_generichash(want, 32, x.b, body_end(&x), NULL, 0);
    EXPECT(olic_license_digest(x.b, x.len, d1), OLIC_OK);
    EXPECT(olic_license_digest(y.b, y.len, d2), OLIC_OK);
    CHECK(memcmp(d1, want, 32) == 0 && memcmp(d2, want, 32) == 0);
  }
  blob a = v1(9);
  olic_license l;
  EXPECT(olic_parse(a.b, a.len, &l), OLIC_OK);
  blob y;
  EXPECT(olic_encode_license(&l, NULL, 0, y.b, sizeof y.b, &y.len), OLIC_OK);
  CHECK(y.len == a.len && memcmp(y.b, a.b, a.len - 64) == 0);
  /* encoder refusals */
  olic_license f = fields(2, 0, 1);
  EXPECT(olic_encode_license(&f, NULL, 0, y.b, sizeof y.b, &y.len), OLIC_ERR_MALFORMED);
  f.signature_count = 9;
  EXPECT(olic_encode_license(&f, NULL, 0, y.b, sizeof y.b, &y.len), OLIC_ERR_MALFORMED);
  f = fields(3, 1, 1);
  EXPECT(olic_encode_license(&f, NULL, 0, y.b, sizeof y.b, &y.len), OLIC_ERR_ARGUMENT);
  f = fields(2, 2, 1);
  EXPECT(olic_encode_license(&f, NULL, 0, y.b, 215, &y.len), OLIC_ERR_BUFFER);
  CHECK(y.len == 0);
  uint8_t digest[32];
  memset(digest, 7, 32);
  EXPECT(olic_license_digest(a.b, 10, digest), OLIC_ERR_MALFORMED);
  uint8_t zero32[32] = {0};
  CHECK(memcmp(digest, zero32, 32) == 0);
}

/* olic_check's status and how many verifications it ran, on a fresh device. */
static olic_status counted(size_t count, uint32_t k, const blob *x, unsigned *n) {
  olic_context ctx;
  if (device(&ctx, count, k) != OLIC_OK) return OLIC_ERR_STATE;
  verifications = 0;
  olic_status s = olic_check(&ctx, x->b, x->len, 0, NULL);
  *n = verifications;
  return s;
}

static void verification_counts(void) {
  unsigned n = 99;
  for (uint32_t signers = 1; signers <= 3; signers++) {
    blob all = v2(signers, (1u << signers) - 1, 1, 0);
    EXPECT(counted(3, 1, &all, &n), OLIC_OK);
    CHECK(n == signers);
  }
  blob one = v1(1);
  EXPECT(counted(3, 1, &one, &n), OLIC_OK);
  CHECK(n == 1);
  /* Steps 4 to 13 cost nothing. */
  EXPECT(counted(3, 2, &one, &n), OLIC_ERR_THRESHOLD);
  CHECK(n == 0);
  blob two = v2(2, 3u, 1, 0);
  EXPECT(counted(3, 3, &two, &n), OLIC_ERR_THRESHOLD);
  CHECK(n == 0);
  blob stranger = v2(2, (1u << 0) | (1u << 4), 1, 0);
  EXPECT(counted(3, 1, &stranger, &n), OLIC_ERR_UNKNOWN_KEY);
  CHECK(n == 0);
  blob other = two;
  other.b[16] ^= 1; /* device_id: the signatures no longer match either */
  EXPECT(counted(3, 2, &other, &n), OLIC_ERR_DEVICE);
  CHECK(n == 0);
  blob unsorted = two;
  memcpy(unsorted.b + body_end(&two), two.b + body_end(&two) + 72, 72);
  memcpy(unsorted.b + body_end(&two) + 72, two.b + body_end(&two), 72);
  EXPECT(counted(3, 2, &unsorted, &n), OLIC_ERR_MALFORMED);
  CHECK(n == 0);
  /* Step 14 stops at the first entry that fails: the first bad costs one, the
     second bad costs two. */
  blob first_bad = two, second_bad = two;
  first_bad.b[body_end(&two) + 8] ^= 1;
  second_bad.b[body_end(&two) + 72 + 8] ^= 1;
  EXPECT(counted(3, 2, &first_bad, &n), OLIC_ERR_SIGNATURE);
  CHECK(n == 1);
  EXPECT(counted(3, 2, &second_bad, &n), OLIC_ERR_SIGNATURE);
  CHECK(n == 2);
  /* install pays the same n as check. */
  olic_context ctx;
  EXPECT(device(&ctx, 3, 2), OLIC_OK);
  verifications = 0;
  EXPECT(olic_install(&ctx, two.b, two.len, 0), OLIC_OK);
  CHECK(verifications == 2);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  CHECK(OLIC_ABI_VERSION == 2);
  CHECK(OLIC_ERR_THRESHOLD == 21 && strcmp(olic_status_name(OLIC_ERR_THRESHOLD), "OLIC_ERR_THRESHOLD") == 0);
  CHECK(OLIC_SIGNATURE_ENTRY_SIZE == 72 && OLIC_LICENSE_V2_MIN_SIZE == 144 && OLIC_MAX_SIGNERS == 8);
  for (int k = 0; k < KEYS; k++) {
    uint8_t seed[32];
    memset(seed, 0x61 + k, 32);
    crypto_sign_seed_keypair(pk[k], sk[k], seed);
    EXPECT(olic_key_id(pk[k], kid[k]), OLIC_OK);
  }
  uint8_t dseed[32];
  memset(dseed, 0x99, 32);
  crypto_sign_seed_keypair(device_pk, device_sk, dseed);
  crypto_generichash(device_id, 32, device_pk, 32, NULL, 0);
  worked_cases();
  layout_rules();
  partly_signed();
  init_refusals();
  init_refusals_before_storage();
  reporting();
  round_trip();
  verification_counts();
  if (failures) {
    fprintf(stderr, "threshold_test: %d failures\n", failures);
    return 1;
  }
  printf("threshold_test: ok\n");
  return 0;
}
