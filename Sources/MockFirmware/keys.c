/* keys.c: PEM (SPKI, PKCS#8) and hex Ed25519 keys (see keys.h). */
#include "keys.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Key files are a few hundred bytes; anything larger is not a key. */
enum { KEY_FILE_MAX = 4096 };

/* SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits) } */
static const uint8_t spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                        0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
/* SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } } */
static const uint8_t pkcs8_prefix[16] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                         0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

static void set_why(char why[KEYS_WHY_SIZE], const char *msg) {
  snprintf(why, KEYS_WHY_SIZE, "%s", msg);
}

/* Reads the whole file into text (NUL-terminated), trimmed of surrounding
   whitespace. The caller wipes text: for a device key it is the secret. */
static bool read_text(const char *path, char text[KEY_FILE_MAX + 1], size_t *len,
                      char why[KEYS_WHY_SIZE]) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(why, KEYS_WHY_SIZE, "cannot open: %s", strerror(errno));
    return false;
  }
  size_t n = fread(text, 1, KEY_FILE_MAX + 1, f);
  bool failed = ferror(f) != 0;
  fclose(f);
  if (failed) {
    set_why(why, "read error");
    return false;
  }
  if (n > KEY_FILE_MAX) {
    snprintf(why, KEYS_WHY_SIZE, "larger than %d bytes: not a key file", KEY_FILE_MAX);
    return false;
  }
  if (memchr(text, '\0', n) != NULL) {
    set_why(why, "contains NUL bytes: not a PEM or hex key file");
    return false;
  }
  text[n] = '\0';
  size_t start = 0;
  while (start < n && strchr(" \t\r\n", text[start]) != NULL) start++;
  while (n > start && strchr(" \t\r\n", text[n - 1]) != NULL) n--;
  memmove(text, text + start, n - start);
  text[n - start] = '\0';
  *len = n - start;
  return true;
}

/* Decodes one PEM block with the given label that must be the whole file. */
static bool pem_decode(const char *text, const char *label, uint8_t *der, size_t der_cap,
                       size_t *der_len, char why[KEYS_WHY_SIZE]) {
  char begin[64], end[64];
  snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
  snprintf(end, sizeof end, "-----END %s-----", label);
  size_t begin_len = strlen(begin), end_len = strlen(end), text_len = strlen(text);
  if (strncmp(text, begin, begin_len) != 0) {
    const char *nl = strchr(text, '\n');
    int shown = nl ? (int)(nl - text) : (int)text_len;
    if (shown > 60) shown = 60;
    snprintf(why, KEYS_WHY_SIZE, "PEM header is \"%.*s\", expected \"%s\"", shown, text, begin);
    return false;
  }
  if (text_len < begin_len + end_len || strcmp(text + text_len - end_len, end) != 0) {
    snprintf(why, KEYS_WHY_SIZE, "PEM does not end with \"%s\" (one key per file)", end);
    return false;
  }
  const char *b64 = text + begin_len;
  size_t b64_len = text_len - begin_len - end_len;
  if (memchr(b64, '-', b64_len) != NULL) { /* base64 has no '-': a second BEGIN/END line */
    set_why(why, "more than one PEM block: give one key per file");
    return false;
  }
  if (sodium_base642bin(der, der_cap, b64, b64_len, "\r\n\t ", der_len, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    set_why(why, "PEM body is not valid base64, or longer than an Ed25519 key");
    return false;
  }
  return true;
}

static bool parse_hex(const char *text, size_t len, uint8_t *out, size_t out_len,
                      char why[KEYS_WHY_SIZE]) {
  if (len != 2 * out_len) {
    snprintf(why, KEYS_WHY_SIZE,
             "not PEM, and %zu characters where %zu hex characters were expected", len,
             2 * out_len);
    return false;
  }
  size_t bin_len = 0;
  if (sodium_hex2bin(out, out_len, text, len, NULL, &bin_len, NULL) != 0 || bin_len != out_len) {
    set_why(why, "not PEM, and not valid hex");
    return false;
  }
  return true;
}

bool keys_load_public(const char *path, uint8_t public_key[32], char why[KEYS_WHY_SIZE]) {
  char text[KEY_FILE_MAX + 1];
  size_t len = 0;
  if (!read_text(path, text, &len, why)) return false;
  if (strncmp(text, "-----BEGIN PRIVATE KEY-----", 27) == 0) {
    set_why(why, "is a private key; a trusted key is the public key (openssl pkey -pubout)");
    return false;
  }
  if (strncmp(text, "-----", 5) != 0) return parse_hex(text, len, public_key, 32, why);

  uint8_t der[64];
  size_t der_len = 0;
  if (!pem_decode(text, "PUBLIC KEY", der, sizeof der, &der_len, why)) return false;
  if (der_len != sizeof spki_prefix + 32 || memcmp(der, spki_prefix, sizeof spki_prefix) != 0) {
    set_why(why, "not an Ed25519 public key (SPKI with OID 1.3.101.112 expected)");
    return false;
  }
  memcpy(public_key, der + sizeof spki_prefix, 32);
  return true;
}

bool keys_load_secret(const char *path, uint8_t secret_key[64], char why[KEYS_WHY_SIZE]) {
  char text[KEY_FILE_MAX + 1];
  uint8_t der[64];
  size_t len = 0, der_len = 0;
  bool ok = false;

  if (!read_text(path, text, &len, why)) goto done;
  if (strncmp(text, "-----BEGIN PUBLIC KEY-----", 26) == 0) {
    set_why(why, "is a public key; the device key must be the private key");
    goto done;
  }
  if (strncmp(text, "-----", 5) != 0) {
    if (!parse_hex(text, len, secret_key, 64, why)) goto done;
    uint8_t pk[32], sk[64];
    ok = crypto_sign_seed_keypair(pk, sk, secret_key) == 0 &&
         sodium_memcmp(pk, secret_key + 32, 32) == 0;
    sodium_memzero(sk, sizeof sk);
    if (!ok) set_why(why, "second half of the hex key is not the public key of its first half");
    goto done;
  }
  if (!pem_decode(text, "PRIVATE KEY", der, sizeof der, &der_len, why)) goto done;
  if (der_len != sizeof pkcs8_prefix + 32 ||
      memcmp(der, pkcs8_prefix, sizeof pkcs8_prefix) != 0) {
    set_why(why, "not an Ed25519 private key (PKCS#8 with OID 1.3.101.112, no attributes, expected)");
    goto done;
  }
  uint8_t pk[32];
  ok = crypto_sign_seed_keypair(pk, secret_key, der + sizeof pkcs8_prefix) == 0;
  if (!ok) set_why(why, "libsodium could not derive the key pair");

done:
  sodium_memzero(text, sizeof text);
  sodium_memzero(der, sizeof der);
  if (!ok) sodium_memzero(secret_key, 64);
  return ok;
}
