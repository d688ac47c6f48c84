/* Compiles the output of `olic pubkey --c-array` (trusted_key.inc) as one row of
   a firmware's trusted-key table, and prints the key back in hex. */
#include <stdint.h>
#include <stdio.h>

static const uint8_t trusted_keys[][32] = {
#include "trusted_key.inc"
};

int main(void) {
  for (size_t i = 0; i < sizeof trusted_keys[0]; i++) printf("%02x", trusted_keys[0][i]);
  printf("\n");
  return 0;
}
