#include "ops.h"

#include <sodium.h>

#include "clock.h"

void bench_op_verify(void *p) {
  const verify_arg *a = p;
  size_t signed_len = a->license->len - OLIC_SIGNATURE_SIZE;
  int r = crypto_sign_verify_detached(a->license->bytes + signed_len, a->license->bytes, signed_len,
                                      a->public_key);
  bench_sink += (uint64_t)(r + 1);
}
