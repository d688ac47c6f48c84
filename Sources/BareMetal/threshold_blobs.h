/*
 * The threshold scenario's keys and v2 licenses, made at build time by
 * scripts/gen_threshold_blobs.c (build/qemu/threshold_blobs.c) from fixed seeds.
 * The device trusts three keys with k = 2; every license is 2000 units.
 */
#ifndef OLIC_BAREMETAL_THRESHOLD_BLOBS_H
#define OLIC_BAREMETAL_THRESHOLD_BLOBS_H

#include <stdint.h>

extern const uint8_t threshold_trusted_keys[96];
extern const uint8_t threshold_device_id[32];

#define THRESHOLD_BLOB(name)                 \
  extern const uint8_t threshold_##name[];   \
  extern const uint32_t threshold_##name##_len;
THRESHOLD_BLOB(two_of_three)     /* id 1, n = 2: keys 1 and 3 of the table */
THRESHOLD_BLOB(one_signature)    /* id 2, n = 1: key 2 alone */
THRESHOLD_BLOB(forged_second)    /* id 2, n = 2: keys 2 and 3, the last entry forged */
THRESHOLD_BLOB(untrusted_signer) /* id 2, n = 2: key 1 and a key the device does not trust */
THRESHOLD_BLOB(other_device)     /* id 2, n = 2, for device 0x42...42 */
#undef THRESHOLD_BLOB

#endif
