/* A vendor's program, built only from what `make install` put in the prefix
   (olic.h, libolic.a, olic.pc) with `pkg-config --cflags --libs --static olic`.
   It provisions a RAM device, parses and checks a license and makes a signed
   request, so that the Swift core and libsodium are both really linked and run.
   Every line it prints is deterministic; run.sh compares them to expected.txt. */
#include <olic.h>

#include <stdio.h>
#include <string.h>

/* RFC 8032, section 7.1, test 1: a published key, so no randomness is needed. */
static const uint8_t seed[32] = {
  0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
  0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
static const uint8_t public_key[32] = {
  0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
  0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};

static uint8_t nvm[OLIC_STORAGE_MIN_SIZE];

static int nvm_read(void *ctx, uint32_t offset, void *buf, uint32_t len) {
  (void)ctx;
  if ((uint64_t)offset + len > sizeof nvm) return -1;
  memcpy(buf, nvm + offset, len);
  return 0;
}

static int nvm_write(void *ctx, uint32_t offset, const void *buf, uint32_t len) {
  (void)ctx;
  if ((uint64_t)offset + len > sizeof nvm) return -1;
  memcpy(nvm + offset, buf, len);
  return 0;
}

static void show(const char *what, olic_status s) { printf("%s: %s\n", what, olic_status_name(s)); }

int main(void) {
  olic_storage storage = {NULL, sizeof nvm, nvm_read, nvm_write};
  olic_config config = {public_key, 1, {0}, 3, 1};
  memset(config.device_id, 0xAB, sizeof config.device_id);
  olic_context ctx;

  show("provision", olic_provision(&storage));
  show("init", olic_init(&ctx, &config, &storage));

  uint8_t key_id[OLIC_KEY_ID_SIZE];
  show("key_id", olic_key_id(public_key, key_id));
  printf("key_id =");
  for (size_t i = 0; i < sizeof key_id; i++) printf(" %02x", key_id[i]);
  printf("\n");

  /* Encoded but unsigned: structurally valid, so the check reaches Ed25519. */
  olic_license fields;
  memset(&fields, 0, sizeof fields);
  memcpy(fields.key_id, key_id, sizeof key_id);
  memcpy(fields.device_id, config.device_id, sizeof fields.device_id);
  fields.license_id = 1;
  fields.allowance = 1000;
  uint8_t license[OLIC_LICENSE_MAX_SIZE];
  size_t len = 0;
  show("encode", olic_encode_license(&fields, NULL, 0, license, sizeof license, &len));
  printf("license bytes = %zu\n", len);
  olic_license parsed;
  show("parse", olic_parse(license, len, &parsed));
  show("check unsigned", olic_check(&ctx, license, len, 0, NULL));

  uint8_t secret_key[OLIC_SECRET_KEY_SIZE];
  memcpy(secret_key, seed, 32);
  memcpy(secret_key + 32, public_key, 32);
  uint8_t request[OLIC_REQUEST_SIZE];
  size_t request_len = 0;
  show("make_request", olic_make_request(&ctx, secret_key, request, sizeof request, &request_len));
  olic_request decoded;
  show("verify_request", olic_verify_request(request, request_len, &decoded));
  printf("request bytes = %zu, sequence = %llu\n", request_len,
         (unsigned long long)decoded.request_sequence);

  olic_state_info state;
  show("state", olic_state(&ctx, &state));
  printf("request_sequence = %llu, remaining = %llu\n",
         (unsigned long long)state.request_sequence, (unsigned long long)state.remaining);
  return 0;
}
