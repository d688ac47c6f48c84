/*
 * Keys and licenses made at build time by `olic keygen` and `olic issue`
 * (scripts/gen-blobs.sh writes build/qemu/blobs.c), so no key is ever committed
 * and each build signs its own licenses.
 */
#ifndef OLIC_BAREMETAL_BLOBS_H
#define OLIC_BAREMETAL_BLOBS_H

#include <stdint.h>

/* The regulator's public key: the device's trusted key table, placed in the
   .olic_trusted_keys section (ROM/OTP on a chip, see link.ld). */
extern const uint8_t blob_trusted_keys[1][32];

/* This device: its id, BLAKE2b-256 of its public key (docs/format.md), and
   its Ed25519 secret key, seed || public key, for signing requests. */
extern const uint8_t blob_device_id[32];
extern const uint8_t blob_device_secret_key[64];

/* The trusted clock's reading during the scenario (Unix seconds). */
extern const uint64_t blob_now;

/* license_id 1, with VALIDITY around blob_now and min_firmware_version 1. */
extern const uint8_t blob_license_first[];
extern const uint32_t blob_license_first_len;
extern const uint64_t blob_license_first_allowance;

/* license_id 2, BIND_REQUEST 1: it answers the device's first request. */
extern const uint8_t blob_license_bound[];
extern const uint32_t blob_license_bound_len;
extern const uint64_t blob_license_bound_allowance;

/* license_id 3 for another device: the cheap rejection that is measured. */
extern const uint8_t blob_license_other_device[];
extern const uint32_t blob_license_other_device_len;

#endif
