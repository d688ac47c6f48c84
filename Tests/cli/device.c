/* A device for the CLI tests: build/libolic.a driven from C, with its NVM kept
   in a 256-byte file between runs, so a test can install what `olic issue`
   signed and hand `olic issue --from-request` what the library requested.

   device id SEED_HEX
   device provision NVM
   device install NVM TRUSTED_HEX SEED_HEX FIRMWARE NOW LICENSE
   device request NVM TRUSTED_HEX SEED_HEX FIRMWARE OUT
   device state NVM TRUSTED_HEX SEED_HEX FIRMWARE
   device reserve NVM TRUSTED_HEX SEED_HEX FIRMWARE UNITS
   device request-as NVM TRUSTED_HEX SEED_HEX FIRMWARE OUT DEVICE_ID_HEX
   device install-k NVM K TRUSTED_HEX[,TRUSTED_HEX...] SEED_HEX FIRMWARE NOW LICENSE

   install-k is a threshold device: up to 8 trusted keys and
   olic_config.signature_threshold = K.

   request-as is a forger: a request for another device's id, signed with this
   seed's key (the key it carries is this seed's, so only a registry catches it).

   The device key is the Ed25519 key of SEED; device_id = BLAKE2b-256(public key),
   as olic derives it (olic pubkey --device-id). Each command prints one line: a status name,
   or the ids/state. Exit 0 when the command ran (whatever the status), 2 on
   usage or file errors, so the tests read verdicts from stdout. */
#include <olic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t nvm[OLIC_STORAGE_MIN_SIZE];

static int nvm_read(void *ctx, uint32_t offset, void *buf, uint32_t len) {
  (void)ctx;
  if ((size_t)offset + len > sizeof nvm) return -1;
  memcpy(buf, nvm + offset, len);
  return 0;
}

static int nvm_write(void *ctx, uint32_t offset, const void *buf, uint32_t len) {
  const char *path = ctx;
  if ((size_t)offset + len > sizeof nvm) return -1;
  memcpy(nvm + offset, buf, len);
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t n = fwrite(nvm, 1, sizeof nvm, f);
  return fclose(f) == 0 && n == sizeof nvm ? 0 : -1;
}

static void die(const char *what) {
  fprintf(stderr, "device: %s\n", what);
  exit(2);
}

static void hex_in(const char *hex, uint8_t *out, size_t n) {
  size_t bin_len = 0;
  if (strlen(hex) != 2 * n || sodium_hex2bin(out, n, hex, strlen(hex), NULL, &bin_len, NULL) != 0 || bin_len != n)
    die("bad hex argument");
}

static void print_hex(const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

static void load_nvm(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open NVM file");
  if (fread(nvm, 1, sizeof nvm, f) != sizeof nvm) die("short NVM file");
  fclose(f);
}

static size_t read_file(const char *path, uint8_t *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open input file");
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

/* seed -> libsodium secret key, public key and device id */
static void device_keys(const char *seed_hex, uint8_t sk[64], uint8_t pk[32], uint8_t id[32]) {
  uint8_t seed[32];
  hex_in(seed_hex, seed, 32);
  if (crypto_sign_seed_keypair(pk, sk, seed) != 0) die("keypair");
  crypto_generichash(id, 32, pk, 32, NULL, 0);
}

/* olic_init over the NVM file, trusting one key. */
static olic_status open_device(olic_context *ctx, olic_storage *st, const char *nvm_path,
                               const char *trusted_hex, const uint8_t id[32], const char *fw,
                               uint8_t trusted[32]) {
  load_nvm(nvm_path);
  hex_in(trusted_hex, trusted, 32);
  *st = (olic_storage){.ctx = (void *)nvm_path, .size = sizeof nvm, .read = nvm_read, .write = nvm_write};
  olic_config config = {.trusted_keys = trusted, .trusted_key_count = 1,
                        .firmware_version = (uint32_t)strtoul(fw, NULL, 10)};
  memcpy(config.device_id, id, 32);
  return olic_init(ctx, &config, st);
}

/* install-k: olic_init with a table of keys and a threshold, then olic_install. */
static int install_k(char **argv) {
  static uint8_t table[OLIC_MAX_TRUSTED_KEYS * 32];
  static uint8_t license[4096];
  uint8_t sk[64], pk[32], id[32];
  size_t count = 0;
  char keys[OLIC_MAX_TRUSTED_KEYS * 65 + 1];
  if (strlen(argv[4]) >= sizeof keys) die("too many keys");
  strcpy(keys, argv[4]);
  for (char *k = strtok(keys, ","); k; k = strtok(NULL, ",")) {
    if (count == OLIC_MAX_TRUSTED_KEYS) die("too many keys");
    hex_in(k, table + 32 * count++, 32);
  }
  device_keys(argv[5], sk, pk, id);
  load_nvm(argv[2]);
  olic_storage st = {.ctx = argv[2], .size = sizeof nvm, .read = nvm_read, .write = nvm_write};
  olic_config config = {.trusted_keys = table, .trusted_key_count = count,
                        .firmware_version = (uint32_t)strtoul(argv[6], NULL, 10),
                        .signature_threshold = (uint32_t)strtoul(argv[3], NULL, 10)};
  memcpy(config.device_id, id, 32);
  olic_context ctx;
  olic_status s = olic_init(&ctx, &config, &st);
  if (s != OLIC_OK) {
    printf("init %s\n", olic_status_name(s));
    return 0;
  }
  size_t n = read_file(argv[8], license, sizeof license);
  printf("%s\n", olic_status_name(olic_install(&ctx, license, n, strtoull(argv[7], NULL, 10))));
  return 0;
}

int main(int argc, char **argv) {
  if (sodium_init() < 0) die("sodium_init");
  if (argc < 2) die("usage: device id|provision|install|request|state ...");
  const char *cmd = argv[1];
  uint8_t sk[64], pk[32], id[32], trusted[32];

  if (!strcmp(cmd, "id") && argc == 3) {
    device_keys(argv[2], sk, pk, id);
    print_hex(id, 32);
    printf(" ");
    print_hex(pk, 32);
    printf("\n");
    return 0;
  }
  if (!strcmp(cmd, "provision") && argc == 3) {
    memset(nvm, 0xFF, sizeof nvm); /* erased flash */
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(nvm, 1, sizeof nvm, f) != sizeof nvm || fclose(f) != 0) die("cannot write NVM file");
    olic_storage st = {.ctx = argv[2], .size = sizeof nvm, .read = nvm_read, .write = nvm_write};
    printf("%s\n", olic_status_name(olic_provision(&st)));
    return 0;
  }
  if (!strcmp(cmd, "install-k") && argc == 9) return install_k(argv);
  if (argc < 6) die("missing arguments");
  device_keys(argv[4], sk, pk, id);
  if (!strcmp(cmd, "request-as") && argc == 8) hex_in(argv[7], id, 32);
  olic_context ctx;
  olic_storage st;
  olic_status s = open_device(&ctx, &st, argv[2], argv[3], id, argv[5], trusted);
  if (s != OLIC_OK) {
    printf("init %s\n", olic_status_name(s));
    return 0;
  }
  if (!strcmp(cmd, "install") && argc == 8) {
    static uint8_t license[4096];
    size_t n = read_file(argv[7], license, sizeof license);
    printf("%s\n", olic_status_name(olic_install(&ctx, license, n, strtoull(argv[6], NULL, 10))));
    return 0;
  }
  if (!strcmp(cmd, "reserve") && argc == 7) {
    uint64_t granted = 0;
    s = olic_reserve(&ctx, strtoull(argv[6], NULL, 10), &granted);
    printf("%s %llu\n", olic_status_name(s), (unsigned long long)granted);
    return 0;
  }
  if ((!strcmp(cmd, "request") && argc == 7) || (!strcmp(cmd, "request-as") && argc == 8)) {
    uint8_t req[OLIC_REQUEST_SIZE];
    size_t len = 0;
    s = olic_make_request(&ctx, sk, req, sizeof req, &len);
    if (s == OLIC_OK) {
      FILE *f = fopen(argv[6], "wb");
      if (!f || fwrite(req, 1, len, f) != len || fclose(f) != 0) die("cannot write request");
    }
    printf("%s\n", olic_status_name(s));
    return 0;
  }
  if (!strcmp(cmd, "state") && argc == 6) {
    olic_state_info info;
    s = olic_state(&ctx, &info);
    if (s != OLIC_OK) die("olic_state");
    printf("last_license_id=%llu remaining=%llu request_sequence=%llu\n",
           (unsigned long long)info.last_license_id, (unsigned long long)info.remaining,
           (unsigned long long)info.request_sequence);
    return 0;
  }
  die("unknown command or wrong argument count");
  return 2;
}
