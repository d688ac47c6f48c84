/* The operations timing.c and scaling.c both time against each other: a bare
   libsodium verification of a license, and the arguments of a check. */
#ifndef BENCH_OPS_H
#define BENCH_OPS_H

#include "fixtures.h"
#include "olic.h"

typedef struct check_arg {
  const olic_context *ctx;
  const bench_license *license;
} check_arg;

typedef struct verify_arg {
  const bench_license *license;
  const uint8_t *public_key;
} verify_arg;

/* crypto_sign_verify_detached of the license's signature over its signed part. */
void bench_op_verify(void *verify_arg_pointer);

#endif
