/* Keys, licenses, RAM storage and devices for the bench (see fixtures.h). */
#include "fixtures.h"

#include <string.h>

#include <sodium.h>

/* Any non-critical type that v1 does not define: skipped by the device. */
enum { PADDING_EXTENSION_TYPE = 0x0100 };

void bench_key_make(bench_key *key, unsigned index) {
  for (unsigned i = 0; i < sizeof key->seed; i++) key->seed[i] = (uint8_t)(0x42 + 7 * i + 31 * index);
  crypto_sign_seed_keypair(key->public_key, key->secret_key, key->seed);
}

void bench_device_id(uint8_t out[OLIC_DEVICE_ID_SIZE], unsigned which) {
  for (unsigned i = 0; i < OLIC_DEVICE_ID_SIZE; i++) out[i] = (uint8_t)(0xD0 + i + 0x55 * which);
}

int bench_license_make(bench_license *out, const bench_key *signer,
                       const uint8_t device_id[OLIC_DEVICE_ID_SIZE], uint64_t license_id,
                       uint64_t allowance, size_t total_size) {
  static uint8_t padding[OLIC_LICENSE_MAX_SIZE];
  if (total_size < OLIC_LICENSE_MIN_SIZE || total_size > OLIC_LICENSE_MAX_SIZE) return -1;
  /* A TLV needs at least its 4-byte header. */
  if (total_size != OLIC_LICENSE_MIN_SIZE &&
      total_size < OLIC_LICENSE_MIN_SIZE + OLIC_EXTENSION_HEADER_SIZE) return -1;

  olic_license fields;
  memset(&fields, 0, sizeof fields);
  if (olic_key_id(signer->public_key, fields.key_id) != OLIC_OK) return -1;
  memcpy(fields.device_id, device_id, OLIC_DEVICE_ID_SIZE);
  fields.license_id = license_id;
  fields.allowance = allowance;

  olic_extension pad = {
    .type = PADDING_EXTENSION_TYPE,
    .length = (uint16_t)(total_size - OLIC_LICENSE_MIN_SIZE - OLIC_EXTENSION_HEADER_SIZE),
    .offset = 0,
    .value = padding,
  };
  size_t extra = total_size == OLIC_LICENSE_MIN_SIZE ? 0 : 1;
  if (olic_encode_license(&fields, extra ? &pad : NULL, extra, out->bytes, sizeof out->bytes,
                          &out->len) != OLIC_OK || out->len != total_size)
    return -1;
  size_t signed_len = out->len - OLIC_SIGNATURE_SIZE;
  return crypto_sign_detached(out->bytes + signed_len, NULL, out->bytes, signed_len,
                              signer->secret_key);
}

static int ram_read(void *ctx, uint32_t offset, void *buf, uint32_t len) {
  bench_ram *ram = ctx;
  if ((uint64_t)offset + len > sizeof ram->bytes) return -1;
  memcpy(buf, ram->bytes + offset, len);
  return 0;
}

static int ram_write(void *ctx, uint32_t offset, const void *buf, uint32_t len) {
  bench_ram *ram = ctx;
  if ((uint64_t)offset + len > sizeof ram->bytes) return -1;
  memcpy(ram->bytes + offset, buf, len);
  ram->writes++;
  return 0;
}

void bench_ram_init(bench_ram *ram) {
  memset(ram->bytes, 0, sizeof ram->bytes);
  ram->writes = 0;
  ram->storage = (olic_storage){
    .ctx = ram, .size = sizeof ram->bytes, .read = ram_read, .write = ram_write};
}

int bench_device_make(bench_device *dev, size_t key_count) {
  return bench_device_make_threshold(dev, key_count, 0);
}

int bench_device_make_threshold(bench_device *dev, size_t key_count, uint32_t threshold) {
  if (key_count < 1 || key_count > OLIC_MAX_TRUSTED_KEYS) return -1;
  uint8_t keys[OLIC_MAX_TRUSTED_KEYS * OLIC_PUBLIC_KEY_SIZE];
  for (size_t i = 0; i < key_count; i++) {
    bench_key k;
    /* Slot i holds key (key_count - 1 - i): key 0, the signer, is last. */
    bench_key_make(&k, (unsigned)(key_count - 1 - i));
    memcpy(keys + i * OLIC_PUBLIC_KEY_SIZE, k.public_key, OLIC_PUBLIC_KEY_SIZE);
  }
  olic_config config;
  memset(&config, 0, sizeof config);
  config.trusted_keys = keys;
  config.trusted_key_count = key_count;
  config.signature_threshold = threshold;
  bench_device_id(config.device_id, 0);
  config.firmware_version = 1;
  memcpy(dev->device_id, config.device_id, sizeof dev->device_id);

  bench_ram_init(&dev->ram);
  if (olic_provision(&dev->ram.storage) != OLIC_OK) return -1;
  if (olic_init(&dev->ctx, &config, &dev->ram.storage) != OLIC_OK) return -1;
  dev->ram.writes = 0;
  return 0;
}

int bench_license_v2_make(bench_license *out, const bench_key *const *signers, size_t count,
                          const uint8_t device_id[OLIC_DEVICE_ID_SIZE], uint64_t license_id,
                          size_t *body_end) {
  if (count < 1 || count > OLIC_MAX_SIGNERS) return -1;
  olic_license f;
  memset(&f, 0, sizeof f);
  f.version = OLIC_VERSION_THRESHOLD;
  f.signature_count = (uint32_t)count;
  memcpy(f.device_id, device_id, OLIC_DEVICE_ID_SIZE);
  f.license_id = license_id;
  f.allowance = UINT64_C(1) << 62;
  if (olic_encode_license(&f, NULL, 0, out->bytes, sizeof out->bytes, &out->len) != OLIC_OK) return -1;
  size_t end = out->len - count * OLIC_SIGNATURE_ENTRY_SIZE;
  for (size_t i = 0; i < count; i++) {
    uint8_t id[OLIC_KEY_ID_SIZE], sig[OLIC_SIGNATURE_SIZE];
    if (olic_key_id(signers[i]->public_key, id) != OLIC_OK) return -1;
    crypto_sign_detached(sig, NULL, out->bytes, end, signers[i]->secret_key);
    if (olic_add_signature(out->bytes, out->len, id, sig) != OLIC_OK) return -1;
  }
  if (body_end) *body_end = end;
  return 0;
}
