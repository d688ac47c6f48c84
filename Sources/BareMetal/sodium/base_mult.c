/*
 * Ed25519's fixed-base multiplication without libsodium's 30 KB table.
 *
 * libsodium's ge25519_scalarmult_base (used by signing and by seed_keypair, so
 * by olic_make_request) walks a precomputed table of base-point multiples,
 * `base`, 30,720 bytes of .rodata: on its own it pushes the image past its
 * 64 KiB budget. The image is linked with --wrap=ge25519_scalarmult_base, so
 * those callers land here instead, and the table is never referenced.
 *
 * Here the product is computed by libsodium's own ge25519_scalarmult, the
 * constant-time variable-base multiplication behind crypto_scalarmult_ed25519
 * (8-entry table built on the stack, constant-time selection). Its precondition,
 * a[31] <= 127, is that of scalarmult_base too, and both callers meet it: a
 * signing nonce is reduced mod L (< 2^253), a key scalar is clamped. The result
 * is the same point, so signatures and public keys are bit-for-bit unchanged;
 * the scenario checks this, since olic_make_request refuses a secret key whose
 * public half (made on the host by table-based libsodium) differs from what
 * this code derives from the seed. The price is instructions and stack per
 * signature (docs/bare-metal.md), paid once per request, never when verifying.
 *
 * Compiled with libsodium's own flags (scripts/build-libsodium.sh): the field
 * element type depends on HAVE_TI_MODE.
 */
#include <stdlib.h>

#include "private/ed25519_ref10.h"

void __wrap_ge25519_scalarmult_base(ge25519_p3 *h, const unsigned char *a);

void __wrap_ge25519_scalarmult_base(ge25519_p3 *h, const unsigned char *a) {
  /* The Ed25519 base point B = (x, 4/5), x even, in its standard encoding. */
  static const unsigned char base_point[32] = {
      0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
      0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};
  ge25519_p3 b;

  if (ge25519_frombytes(&b, base_point) != 0) {
    abort(); /* unreachable: B is on the curve */
  }
  ge25519_scalarmult(h, a, &b);
}
