/* mint.c: a test-only regulator for the firmware tests.
 *
 * It encodes licenses with the core's olic_encode_license (no second encoder)
 * and signs them with libsodium directly, so the firmware tests run without
 * the olic CLI. Keys are hex files. Not for production: no PEM, no registry.
 *
 *   mint keygen PREFIX                 PREFIX.sk (128 hex), PREFIX.pk (64 hex)
 *   mint license SK DEVICE_HEX ID ALLOWANCE OUT [min_fw=N] [validity=NB:NA]
 *                [bind=SEQ] [ext=TYPE:HEX]
 *   mint renew SK REQUEST ALLOWANCE OUT    id = last+1, bound to the request
 *   mint request-info REQUEST              verify it, print its fields
 *   mint v2 N DEVICE_HEX ID ALLOWANCE OUT [SK]...
 *                                      a v2 license with N entries, signed by each
 *                                      SK (the rest left empty)
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "olic.h"

static _Noreturn void die(const char *msg, const char *arg) {
  fprintf(stderr, "mint: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  exit(1);
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open", path);
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

static void write_file(const char *path, const void *buf, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) die("cannot write", path);
}

static void hex_arg(const char *hex, uint8_t *out, size_t len, const char *what) {
  size_t got = 0;
  if (strlen(hex) != 2 * len || sodium_hex2bin(out, len, hex, strlen(hex), NULL, &got, NULL) != 0 ||
      got != len)
    die("bad hex", what);
}

static uint64_t num(const char *s) {
  char *end = NULL;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *end) die("not a number", s);
  return (uint64_t)v;
}

static void load_sk(const char *path, uint8_t sk[64]) {
  char text[200] = {0};
  size_t n = read_file(path, (uint8_t *)text, sizeof text - 1);
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) text[--n] = '\0';
  hex_arg(text, sk, 64, path);
}

static void sign_and_write(const uint8_t sk[64], olic_license *f, const olic_extension *ext,
                           size_t ext_count, const char *out_path) {
  uint8_t blob[OLIC_LICENSE_MAX_SIZE];
  size_t len = 0;
  if (olic_key_id(sk + 32, f->key_id) != OLIC_OK) die("olic_key_id failed", NULL);
  olic_status s = olic_encode_license(f, ext, ext_count, blob, sizeof blob, &len);
  if (s != OLIC_OK) die("olic_encode_license", olic_status_name(s));
  crypto_sign_detached(blob + len - 64, NULL, blob, len - 64, sk);
  write_file(out_path, blob, len);
}

/* v2: the core encodes N empty entries, each signer signs [0, body_end) and
   olic_add_signature files the entry in key_id order. */
static void mint_v2(int argc, char **argv) {
  olic_license f;
  memset(&f, 0, sizeof f);
  f.version = OLIC_VERSION_THRESHOLD;
  f.signature_count = (uint32_t)num(argv[2]);
  hex_arg(argv[3], f.device_id, 32, "device");
  f.license_id = num(argv[4]);
  f.allowance = num(argv[5]);
  uint8_t blob[OLIC_LICENSE_MAX_SIZE];
  size_t len = 0;
  olic_status s = olic_encode_license(&f, NULL, 0, blob, sizeof blob, &len);
  if (s != OLIC_OK) die("olic_encode_license", olic_status_name(s));
  olic_proposal p;
  if (olic_parse_proposal(blob, len, &p) != OLIC_OK) die("olic_parse_proposal", NULL);
  for (int i = 7; i < argc; i++) {
    uint8_t sk[64], id[8], sig[64];
    load_sk(argv[i], sk);
    if (olic_key_id(sk + 32, id) != OLIC_OK) die("olic_key_id failed", NULL);
    crypto_sign_detached(sig, NULL, blob, p.body_end, sk);
    s = olic_add_signature(blob, len, id, sig);
    if (s != OLIC_OK) die("olic_add_signature", olic_status_name(s));
    sodium_memzero(sk, sizeof sk);
  }
  write_file(argv[6], blob, len);
}

int main(int argc, char **argv) {
  if (sodium_init() < 0) die("sodium_init failed", NULL);
  if (argc >= 7 && strcmp(argv[1], "v2") == 0) {
    mint_v2(argc, argv);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "keygen") == 0) {
    uint8_t pk[32], sk[64];
    char hex[129], path[4096];
    crypto_sign_keypair(pk, sk);
    snprintf(path, sizeof path, "%s.sk", argv[2]);
    sodium_bin2hex(hex, sizeof hex, sk, 64);
    write_file(path, hex, 128);
    snprintf(path, sizeof path, "%s.pk", argv[2]);
    sodium_bin2hex(hex, sizeof hex, pk, 32);
    write_file(path, hex, 64);
    return 0;
  }
  if (argc >= 7 && strcmp(argv[1], "license") == 0) {
    uint8_t sk[64];
    load_sk(argv[2], sk);
    olic_license f;
    memset(&f, 0, sizeof f);
    hex_arg(argv[3], f.device_id, 32, "device");
    f.license_id = num(argv[4]);
    f.allowance = num(argv[5]);
    olic_extension ext[4];
    uint8_t ext_val[4][256];
    size_t ext_count = 0;
    for (int i = 7; i < argc; i++) {
      const char *a = argv[i];
      if (strncmp(a, "min_fw=", 7) == 0) {
        f.min_firmware_version = (uint32_t)num(a + 7);
      } else if (strncmp(a, "validity=", 9) == 0) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", a + 9);
        char *colon = strchr(buf, ':');
        if (!colon) die("validity=NB:NA", a);
        *colon = '\0';
        f.has_validity = true;
        f.not_before = num(buf);
        f.not_after = num(colon + 1);
      } else if (strncmp(a, "bind=", 5) == 0) {
        f.has_bind_request = true;
        f.bind_request = num(a + 5);
      } else if (strncmp(a, "ext=", 4) == 0 && ext_count < 4) {
        const char *colon = strchr(a + 4, ':');
        if (!colon) die("ext=TYPE:HEX", a);
        size_t vlen = strlen(colon + 1) / 2;
        if (vlen > 256) die("ext too long", a);
        ext[ext_count].type = (uint16_t)strtoul(a + 4, NULL, 16);
        ext[ext_count].length = (uint16_t)vlen;
        ext[ext_count].offset = 0;
        if (vlen) hex_arg(colon + 1, ext_val[ext_count], vlen, a);
        ext[ext_count].value = ext_val[ext_count];
        ext_count++;
      } else {
        die("unknown option", a);
      }
    }
    sign_and_write(sk, &f, ext_count ? ext : NULL, ext_count, argv[6]);
    return 0;
  }
  if (argc == 6 && strcmp(argv[1], "renew") == 0) {
    uint8_t sk[64], req[OLIC_REQUEST_SIZE + 1];
    load_sk(argv[2], sk);
    size_t n = read_file(argv[3], req, sizeof req);
    olic_request r;
    olic_status s = olic_verify_request(req, n, &r);
    if (s != OLIC_OK) die("request refused", olic_status_name(s));
    olic_license f;
    memset(&f, 0, sizeof f);
    memcpy(f.device_id, r.device_id, 32);
    f.license_id = r.last_license_id + 1;
    f.allowance = num(argv[4]);
    f.has_bind_request = true;
    f.bind_request = r.request_sequence;
    sign_and_write(sk, &f, NULL, 0, argv[5]);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "request-info") == 0) {
    uint8_t req[OLIC_REQUEST_SIZE + 1];
    size_t n = read_file(argv[2], req, sizeof req);
    olic_request r;
    olic_status s = olic_verify_request(req, n, &r);
    char dev[65];
    sodium_bin2hex(dev, sizeof dev, r.device_id, 32);
    printf("status=%s device_id=%s last_license_id=%" PRIu64 " remaining=%" PRIu64
           " consumed_total=%" PRIu64 " request_sequence=%" PRIu64 " firmware_version=%" PRIu32
           " time_high_water=%" PRIu64 "\n",
           olic_status_name(s), dev, r.last_license_id, r.remaining, r.consumed_total,
           r.request_sequence, r.firmware_version, r.time_high_water);
    return s == OLIC_OK ? 0 : 1;
  }
  die("usage: see the comment at the top of Tests/firmware/mint.c", NULL);
}
