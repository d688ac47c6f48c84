/*
 * licgen: a stand-in for `olic keygen` and `olic issue`, used by
 * scripts/gen-blobs.sh only while build/olic cannot be built. It encodes with
 * the core's own olic_encode_license (no second encoder) and signs with
 * libsodium, exactly what `olic issue` does.
 *
 *   licgen keygen PREFIX            writes PREFIX.seed and PREFIX.pk (32 raw bytes each)
 *   licgen issue SEED DEVICE_HEX LICENSE_ID ALLOWANCE MIN_FW NOT_BEFORE NOT_AFTER BIND OUT
 *       NOT_BEFORE/NOT_AFTER 0 0: no VALIDITY; BIND 0: no BIND_REQUEST.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "olic.h"

static int fail(const char *what, const char *detail) {
  fprintf(stderr, "licgen: %s: %s\n", what, detail);
  return 1;
}

static int write_file(const char *path, const uint8_t *bytes, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    return fail(path, strerror(errno));
  }
  size_t n = fwrite(bytes, 1, len, f);
  if (fclose(f) != 0 || n != len) {
    return fail(path, "write failed");
  }
  return 0;
}

static int read_file(const char *path, uint8_t *bytes, size_t len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return fail(path, strerror(errno));
  }
  size_t n = fread(bytes, 1, len, f);
  fclose(f);
  return n == len ? 0 : fail(path, "too short");
}

static int parse_u64(const char *text, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0 || *text == '\0' || *end != '\0') {
    return fail(text, "not a decimal number");
  }
  *out = (uint64_t)v;
  return 0;
}

static int keygen(const char *prefix) {
  uint8_t seed[32], pk[32], sk[64];
  char path[4096];
  randombytes_buf(seed, sizeof seed);
  if (crypto_sign_seed_keypair(pk, sk, seed) != 0) {
    return fail("keygen", "crypto_sign_seed_keypair failed");
  }
  snprintf(path, sizeof path, "%s.seed", prefix);
  if (write_file(path, seed, sizeof seed) != 0) {
    return 1;
  }
  snprintf(path, sizeof path, "%s.pk", prefix);
  return write_file(path, pk, sizeof pk);
}

static int issue(char **arg) {
  uint8_t seed[32], pk[32], sk[64], blob[OLIC_LICENSE_MAX_SIZE];
  uint64_t min_fw, not_before, not_after, bind;
  olic_license fields;
  memset(&fields, 0, sizeof fields);
  if (read_file(arg[0], seed, sizeof seed) != 0 ||
      sodium_hex2bin(fields.device_id, sizeof fields.device_id, arg[1], strlen(arg[1]), NULL,
                     NULL, NULL) != 0 ||
      parse_u64(arg[2], &fields.license_id) != 0 || parse_u64(arg[3], &fields.allowance) != 0 ||
      parse_u64(arg[4], &min_fw) != 0 || parse_u64(arg[5], &not_before) != 0 ||
      parse_u64(arg[6], &not_after) != 0 || parse_u64(arg[7], &bind) != 0) {
    return fail("issue", "bad arguments");
  }
  if (crypto_sign_seed_keypair(pk, sk, seed) != 0 || olic_key_id(pk, fields.key_id) != OLIC_OK) {
    return fail("issue", "cannot derive the key");
  }
  fields.min_firmware_version = (uint32_t)min_fw;
  fields.has_validity = not_before != 0 || not_after != 0;
  fields.not_before = not_before;
  fields.not_after = not_after;
  fields.has_bind_request = bind != 0;
  fields.bind_request = bind;
  size_t len = 0;
  olic_status st = olic_encode_license(&fields, NULL, 0, blob, sizeof blob, &len);
  if (st != OLIC_OK) {
    return fail("olic_encode_license", olic_status_name(st));
  }
  if (crypto_sign_detached(blob + len - 64, NULL, blob, len - 64, sk) != 0) {
    return fail("issue", "signing failed");
  }
  sodium_memzero(sk, sizeof sk);
  return write_file(arg[8], blob, len);
}

int main(int argc, char **argv) {
  if (sodium_init() < 0) {
    return fail("sodium_init", "failed");
  }
  if (argc == 3 && strcmp(argv[1], "keygen") == 0) {
    return keygen(argv[2]);
  }
  if (argc == 11 && strcmp(argv[1], "issue") == 0) {
    return issue(argv + 2);
  }
  fprintf(stderr, "usage: licgen keygen PREFIX | licgen issue SEED DEVICE_HEX LICENSE_ID "
                  "ALLOWANCE MIN_FW NOT_BEFORE NOT_AFTER BIND OUT\n");
  return 2;
}
