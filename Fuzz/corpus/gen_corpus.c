/*
 * gen_corpus: writes the seed corpus of every fuzz target into OUTDIR/<target>/.
 * Seeds are generated, never committed: licenses come from olic_encode_license
 * and are signed with the fixed test regulator key (common/test_keys.c), so a
 * rebuild gives byte-identical seeds. Usage: gen_corpus OUTDIR
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/ram_storage.h"
#include "../common/state_program.h"
#include "../common/test_keys.h"
#include "olic.h"

static const char *outdir;
static const uint64_t START_TIME = 1767225600; /* fuzz_state's clock start */

static void put(const char *target, const char *name, const void *bytes, size_t len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", outdir, target);
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    perror(path);
    exit(1);
  }
  snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

static void le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* A license for fuzz_parse, and the same one behind a device header for fuzz_check. */
static void license_seed(const char *name, const olic_license *f, const olic_extension *extra, size_t n,
                         uint8_t requests) {
  uint8_t blob[29 + OLIC_LICENSE_MAX_SIZE];
  size_t len = 0;
  olic_status s = test_issue(f, extra, n, blob + 29, OLIC_LICENSE_MAX_SIZE, &len);
  if (s != OLIC_OK) {
    fprintf(stderr, "gen_corpus: %s: %s\n", name, olic_status_name(s));
    exit(1);
  }
  put("fuzz_parse", name, blob + 29, len);
  /* now, no prior license, firmware 7, `requests` made, keep the signature. */
  memset(blob, 0, 29);
  le64(blob, START_TIME);
  blob[24] = 7;
  blob[28] = requests;
  put("fuzz_check", name, blob, 29 + len);
  /* The same with a prior license 5 and re-signing on, so mutations get past step 13. */
  le64(blob + 8, 5);
  le64(blob + 16, START_TIME - 100);
  blob[28] = (uint8_t)(requests | 4);
  char resigned[256];
  snprintf(resigned, sizeof resigned, "%s-after-5-resigned", name);
  put("fuzz_check", resigned, blob, 29 + len);
}

static void licenses(void) {
  static uint8_t filler[OLIC_LICENSE_MAX_SIZE];
  for (size_t i = 0; i < sizeof filler; i++) filler[i] = (uint8_t)i;
  olic_license f = test_fields(10, 1000);
  license_seed("min-136", &f, NULL, 0, 0);

  olic_license v = f;
  v.has_validity = true;
  v.not_before = START_TIME - 86400;
  v.not_after = START_TIME + 86400;
  license_seed("validity", &v, NULL, 0, 0);

  olic_license b = f;
  b.has_bind_request = true;
  b.bind_request = 1;
  license_seed("bind-request", &b, NULL, 0, 1);

  olic_license vb = v;
  vb.has_bind_request = true;
  vb.bind_request = 2;
  vb.min_firmware_version = 7;
  license_seed("validity-bind-firmware", &vb, NULL, 0, 2);

  olic_extension optional[3] = {{.type = 0x0000, .length = 0, .value = NULL},
                                {.type = 0x0001, .length = 5, .value = filler},
                                {.type = 0x7fff, .length = 1, .value = filler}};
  license_seed("unknown-optional", &f, optional, 3, 0);
  license_seed("unknown-optional-validity-bind", &vb, optional, 3, 2);

  olic_extension critical = {.type = 0x8003, .length = 4, .value = filler};
  license_seed("unknown-critical", &f, &critical, 1, 0);

  /* 1024 bytes exactly: the fixed part, one optional TLV as large as fits, the signature. */
  olic_extension big = {.type = 0x0100, .length = OLIC_LICENSE_MAX_SIZE - OLIC_LICENSE_MIN_SIZE - 4, .value = filler};
  license_seed("max-1024", &f, &big, 1, 0);
  big.length = OLIC_LICENSE_MAX_SIZE - OLIC_LICENSE_MIN_SIZE - 4 - 16 - 4 - 8 - 4;
  license_seed("max-1024-validity-bind", &vb, &big, 1, 2);

  olic_license edge = test_fields(UINT64_MAX, UINT64_MAX);
  edge.min_firmware_version = UINT32_MAX;
  license_seed("max-values", &edge, NULL, 0, 0);

  /* One byte past each boundary: 135 and 1025 bytes, claimed in total_length. */
  uint8_t blob[OLIC_LICENSE_MAX_SIZE + 1];
  size_t len;
  if (test_issue(&f, NULL, 0, blob, sizeof blob, &len) != OLIC_OK) exit(1);
  blob[6] = 135;
  put("fuzz_parse", "short-135", blob, 135);
  memset(blob, 0, sizeof blob);
  big.length = OLIC_LICENSE_MAX_SIZE - OLIC_LICENSE_MIN_SIZE - 4;
  if (test_issue(&f, &big, 1, blob, sizeof blob, &len) != OLIC_OK) exit(1);
  blob[6] = 0x01; /* 1025 */
  blob[72 + 2] += 1;
  put("fuzz_parse", "long-1025", blob, OLIC_LICENSE_MAX_SIZE + 1);
}

/* v2 seeds, n = 1 to 8: entries for the regulator and the stranger key (the two
   fuzz_check trusts with bit 4) signed over [0, body_end), the others
   synthetic key_ids with junk signatures; all in ascending key_id order. */
static int cmp_id(const void *a, const void *b) { return memcmp(a, b, 8); }

static void v2_seed(uint32_t n, int with_stranger, const olic_extension *extra, size_t extra_n) {
  const test_keys *k = test_keys_get();
  uint8_t stranger_id[8];
  if (olic_key_id(k->stranger_pk, stranger_id) != OLIC_OK) exit(1);
  uint8_t ids[8][8];
  uint32_t m = 0;
  memcpy(ids[m++], k->regulator_key_id, 8);
  if (with_stranger && m < n) memcpy(ids[m++], stranger_id, 8);
  for (uint8_t i = 0; m < n; i++, m++) {
    memset(ids[m], 0x10 * (i + 1), 8);
    ids[m][7] = i;
  }
  qsort(ids, n, 8, cmp_id);
  olic_license f = test_fields(10, 1000);
  f.version = OLIC_VERSION_THRESHOLD;
  f.signature_count = n;
  uint8_t blob[29 + OLIC_LICENSE_MAX_SIZE];
  uint8_t *lic = blob + 29;
  size_t len = 0;
  if (olic_encode_license(&f, extra, extra_n, lic, OLIC_LICENSE_MAX_SIZE, &len) != OLIC_OK) exit(1);
  size_t body_end = len - 72u * n;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t *entry = lic + body_end + 72 * i;
    memcpy(entry, ids[i], 8);
    const uint8_t *sk = memcmp(ids[i], k->regulator_key_id, 8) == 0 ? k->regulator_sk
                        : memcmp(ids[i], stranger_id, 8) == 0      ? k->stranger_sk
                                                                   : NULL;
    if (sk) {
      crypto_sign_detached(entry + 8, NULL, lic, body_end, sk);
    } else {
      for (int j = 0; j < 64; j++) entry[8 + j] = (uint8_t)(j * 7 + i);
    }
  }
  char name[64];
  snprintf(name, sizeof name, "v2-n%u%s%s", n, with_stranger ? "-stranger" : "", extra_n ? "-ext" : "");
  put("fuzz_parse", name, lic, len);
  memset(blob, 0, 29);
  le64(blob, START_TIME);
  blob[24] = 7;
  put("fuzz_check", name, blob, 29 + len);
  char variant[96];
  blob[28] = 16; /* the 2-of-2 device */
  snprintf(variant, sizeof variant, "%s-k2", name);
  put("fuzz_check", variant, blob, 29 + len);
  blob[28] = 16 | 4; /* and re-signed, so mutations reach step 14 */
  snprintf(variant, sizeof variant, "%s-k2-resigned", name);
  put("fuzz_check", variant, blob, 29 + len);
  blob[28] = 4;
  snprintf(variant, sizeof variant, "%s-resigned", name);
  put("fuzz_check", variant, blob, 29 + len);
}

static void v2_licenses(void) {
  static uint8_t filler[64];
  olic_extension optional = {.type = 0x0007, .length = 12, .value = filler};
  for (uint32_t n = 1; n <= 8; n++) {
    v2_seed(n, 0, NULL, 0);
    v2_seed(n, 1, NULL, 0);
  }
  v2_seed(2, 1, &optional, 1);
  v2_seed(3, 1, &optional, 1);
}

/* Real requests from a provisioned RAM device, at a few states. */
static void requests(void) {
  const test_keys *k = test_keys_get();
  static ram_storage nvm;
  ram_storage_reset(&nvm, 0xFF);
  olic_storage st = ram_storage_api(&nvm);
  olic_config c = test_config(7);
  olic_context ctx;
  if (olic_provision(&st) != OLIC_OK || olic_init(&ctx, &c, &st) != OLIC_OK) exit(1);
  uint8_t req[OLIC_REQUEST_SIZE], lic[OLIC_LICENSE_MAX_SIZE];
  size_t n;
  if (olic_make_request(&ctx, k->device_sk, req, sizeof req, &n) != OLIC_OK) exit(1);
  put("fuzz_request", "fresh-device", req, n);
  olic_license f = test_fields(3, 500);
  uint64_t granted;
  if (test_issue(&f, NULL, 0, lic, sizeof lic, &n) != OLIC_OK || olic_install(&ctx, lic, n, START_TIME) != OLIC_OK ||
      olic_reserve(&ctx, 123, &granted) != OLIC_OK || olic_make_request(&ctx, k->device_sk, req, sizeof req, &n) != OLIC_OK)
    exit(1);
  put("fuzz_request", "after-install-and-reserve", req, n);
  req[100] ^= 1; /* a field changed after signing */
  put("fuzz_request", "bad-signature", req, n);
}

static void program(const char *name, const uint8_t *p, size_t len) { put("fuzz_state", name, p, len); }

/* A few programs in the byte code of common/state_program.h. */
static void programs(void) {
  /* install id+1 of 1000 units, reserve 300, request, reboot, install bound to the request */
  const uint8_t basic[] = {0, OP_INSTALL, 1, 0xe8, 3, 0, 0, 0, 0, OP_RESERVE, 0x2c, 1, 0, 0, OP_REQUEST, 0,
                           OP_REBOOT, OP_INSTALL, 1, 10, 0, 0, 0, LICENSE_BIND | LICENSE_VALIDITY, 0x11,
                           OP_RESERVE, 0xff, 0xff, 0xff, 0xff};
  program("basic", basic, sizeof basic);
  static const uint8_t prefixes[] = {0, 1, 8, 63, 64, 95, 96};
  for (size_t i = 0; i < sizeof prefixes; i++) {
    for (int ok = 0; ok < 2; ok++) {
      char name[64];
      uint8_t nth = ok ? 0x80 : 0;
      const uint8_t cut_install[] = {1, OP_INSTALL, 1, 100, 0, 0, 0, 0, 0, OP_CUT, nth, prefixes[i],
                                     OP_INSTALL, 1, 50, 0, 0, 0, 0, 0, OP_RESERVE, 10, 0, 0, 0};
      snprintf(name, sizeof name, "cut-install-%u-%s", prefixes[i], ok ? "ok" : "fail");
      program(name, cut_install, sizeof cut_install);
      const uint8_t cut_reserve[] = {0, OP_INSTALL, 1, 100, 0, 0, 0, 0, 0, OP_CUT, nth, prefixes[i],
                                     OP_RESERVE, 60, 0, 0, 0, OP_RESERVE, 60, 0, 0, 0};
      snprintf(name, sizeof name, "cut-reserve-%u-%s", prefixes[i], ok ? "ok" : "fail");
      program(name, cut_reserve, sizeof cut_reserve);
      const uint8_t cut_request[] = {1, OP_REQUEST, 0, OP_CUT, (uint8_t)(nth | 1), prefixes[i], OP_REQUEST, 0,
                                     OP_REQUEST, 0, OP_INSTALL, 1, 9, 0, 0, 0, LICENSE_BIND, 0};
      snprintf(name, sizeof name, "cut-request-%u-%s", prefixes[i], ok ? "ok" : "fail");
      program(name, cut_request, sizeof cut_request);
      const uint8_t cut_provision[] = {(uint8_t)(STATE_SETUP_CUT_PROVISION | (ok ? STATE_SETUP_CUT_REPORTS_OK : 0)),
                                       prefixes[i], OP_INSTALL, 1, 5, 0, 0, 0, 0, 0};
      snprintf(name, sizeof name, "cut-provision-%u-%s", prefixes[i], ok ? "ok" : "fail");
      program(name, cut_provision, sizeof cut_provision);
    }
  }
  const uint8_t faults[] = {0, OP_INSTALL, 1, 20, 0, 0, 0, 0, 0, OP_FAIL_WRITE, 40, OP_RESERVE, 5, 0, 0, 0,
                            OP_REBOOT, OP_FAIL_READS, OP_PROVISION, OP_RESERVE, 5, 0, 0, 0};
  program("faults", faults, sizeof faults);
  const uint8_t refused[] = {0, OP_RESERVE, 1, 0, 0, 0, OP_INSTALL, 0, 1, 0, 0, 0, 0, 0,
                             OP_INSTALL, 1, 1, 0, 0, 0, LICENSE_NEWER_FIRMWARE, 0,
                             OP_INSTALL, 1, 1, 0, 0, 0, LICENSE_UNKNOWN_CRITICAL, 0,
                             OP_INSTALL, 1, 1, 0, 0, 0, LICENSE_STRANGER_KEY, 0,
                             OP_INSTALL, 1, 1, 0, 0, 0, LICENSE_BIND_WRONG, 0,
                             OP_CLOCK, 0, OP_INSTALL, 1, 1, 0, 0, 0, LICENSE_VALIDITY, 0,
                             OP_REQUEST, 1, OP_REQUEST, 2, OP_RESERVE, 0, 0, 0, 0};
  program("refused", refused, sizeof refused);
  /* allowance changed after issue (accepted once re-signed), then the device id (refused) */
  const uint8_t mutated[] = {0, OP_INSTALL_MUTATED, 1, 1, 0, 0, 0, LICENSE_UNKNOWN_OPTIONAL, 0, 1, 56, 0, 0x10,
                             OP_INSTALL_MUTATED, 1, 1, 0, 0, 0, LICENSE_VALIDITY, 0x33, 1, 16, 0, 0xff,
                             OP_CLOCK, 0x7f, OP_INSTALL, 1, 0, 0, 0, 0, LICENSE_VALIDITY, 0x01};
  program("mutated", mutated, sizeof mutated);
  const uint8_t saturate[] = {0, OP_INSTALL, 1, 0, 0, 0, 0, 0, 0, OP_INSTALL, 1, 0, 0, 0, 0, 0, 0,
                              OP_RESERVE, 0xff, 0xff, 0xff, 0xff, OP_CUT, 0x80, 96, OP_RESERVE, 0xff, 0xff, 0xff, 0xff};
  program("saturate", saturate, sizeof saturate);

  /* Rings: each size (setup bits 3-4), aged so that the wrap is the program's
     first or third commit, with that commit torn at a few prefixes. */
  static const char *const size_names[] = {"256", "1000", "4096", "352"};
  static const uint8_t ring_prefixes[] = {0, 8, 16, 17, 95, 96};
  for (unsigned z = 0; z < 4; z++) {
    for (size_t i = 0; i < sizeof ring_prefixes; i++) {
      for (unsigned age = 1; age <= 3; age += 2) {
        char name[64];
        uint8_t setup = (uint8_t)(1u | z << STATE_SETUP_SIZE_SHIFT | age << STATE_SETUP_AGE_SHIFT);
        const uint8_t wrap[] = {setup, OP_CUT, (uint8_t)((age - 1u) | (i & 1u ? 0x80u : 0u)), ring_prefixes[i],
                                OP_RESERVE, 5, 0, 0, 0, OP_REQUEST, 0, OP_RESERVE, 7, 0, 0, 0,
                                OP_REBOOT, OP_RESERVE, 9, 0, 0, 0, OP_PROVISION};
        snprintf(name, sizeof name, "ring-%s-wrap-%u-cut-%u", size_names[z], age, ring_prefixes[i]);
        program(name, wrap, sizeof wrap);
      }
    }
    /* Not aged: plain programs on each ring size, past a wrap on the small ones. */
    char name[64];
    const uint8_t plain[] = {(uint8_t)(z << STATE_SETUP_SIZE_SHIFT), OP_INSTALL, 1, 0xe8, 3, 0, 0, 0, 0,
                             OP_RESERVE, 1, 0, 0, 0, OP_RESERVE, 1, 0, 0, 0, OP_REQUEST, 0,
                             OP_RESERVE, 1, 0, 0, 0, OP_CUT, 0x01, 40, OP_RESERVE, 1, 0, 0, 0,
                             OP_RESERVE, 1, 0, 0, 0, OP_REBOOT, OP_FAIL_WRITE, 96, OP_RESERVE, 2, 0, 0, 0,
                             OP_RESERVE, 3, 0, 0, 0, OP_FAIL_READS, OP_RESERVE, 4, 0, 0, 0};
    snprintf(name, sizeof name, "ring-%s-plain", size_names[z]);
    program(name, plain, sizeof plain);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  outdir = argv[1];
  if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
    perror(outdir);
    return 1;
  }
  licenses();
  v2_licenses();
  requests();
  programs();
  return 0;
}
