/*
 * ref_model: a second, independent reading of docs/format.md ("License" and
 * "Check order"), written in plain C from the spec text and never from the Swift core.
 * The fuzz targets compare the core against it status by status: the spec asks
 * that an independent implementation accept and reject exactly the same blobs
 * with the same status, and this is one.
 */
#ifndef OLIC_FUZZ_REF_MODEL_H
#define OLIC_FUZZ_REF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "olic.h"

/* Every TLV takes at least its 4-byte header in [72, 1024 - 64). */
enum { REF_MAX_EXTENSIONS = (OLIC_LICENSE_MAX_SIZE - OLIC_LICENSE_MIN_SIZE) / OLIC_EXTENSION_HEADER_SIZE };

typedef struct ref_parsed {
  olic_license license;                      /* as olic_parse should report it */
  size_t count;
  olic_extension ext[REF_MAX_EXTENSIONS];    /* type, length, offset of each TLV */
} ref_parsed;

/* Check steps 2-5 (step 1 is the caller's: blob must not be NULL). */
olic_status ref_parse(const uint8_t *blob, size_t len, ref_parsed *out);

/* What the device knows when it checks a license. */
typedef struct ref_device {
  const uint8_t *trusted_keys;               /* key_count x 32 bytes */
  size_t key_count;
  uint8_t device_id[OLIC_DEVICE_ID_SIZE];
  olic_state_info state;                     /* last_license_id, request_sequence,
                                                time_high_water, firmware_version */
  uint32_t threshold;                        /* k; 0 means 1 */
} ref_device;

/* Check steps 2-14, wire versions 1 and 2: the status olic_check must return. */
olic_status ref_check(const ref_device *device, const uint8_t *blob, size_t len, uint64_t now);

/* The same, for a blob the caller has just signed itself: step 14's outcome (every entry) is
   known (`signature_valid`), and the model skips its own verification, which is
   most of a state program's CPU time. */
olic_status ref_check_signed(const ref_device *device, const uint8_t *blob, size_t len, uint64_t now,
                             bool signature_valid);

/* Little-endian readers, shared by the targets' own oracles. */
uint16_t ref_le16(const uint8_t *p);
uint32_t ref_le32(const uint8_t *p);
uint64_t ref_le64(const uint8_t *p);

#endif
