/* Checks a secret key from `olic secret-key` the way firmware provisioning uses
   it: the raw file (argv[1]) and the C array (secret_key.inc, compiled in) must be
   the same 64 bytes, libsodium's seed || public key, which sign a message that
   the public half verifies. Prints the public key in hex. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const uint8_t from_c_array[64] =
#include "secret_key.inc"
    ;

int main(int argc, char **argv) {
  if (argc != 2 || sodium_init() < 0) return 2;
  uint8_t raw[65];
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL) return 2;
  size_t n = fread(raw, 1, sizeof raw, f);
  fclose(f);
  if (n != 64) { fprintf(stderr, "raw file is %zu bytes\n", n); return 1; }
  if (memcmp(raw, from_c_array, 64) != 0) { fprintf(stderr, "C array differs from the raw file\n"); return 1; }
  uint8_t pk[32], sk[64];
  if (crypto_sign_seed_keypair(pk, sk, raw) != 0 || memcmp(sk, raw, 64) != 0) {
    fprintf(stderr, "not seed || public key\n");
    return 1;
  }
  static const uint8_t message[] = "olic request";
  uint8_t sig[64];
  if (crypto_sign_detached(sig, NULL, message, sizeof message, raw) != 0 ||
      crypto_sign_verify_detached(sig, message, sizeof message, pk) != 0) {
    fprintf(stderr, "does not sign\n");
    return 1;
  }
  for (size_t i = 0; i < 32; i++) printf("%02x", pk[i]);
  printf("\n");
  return 0;
}
