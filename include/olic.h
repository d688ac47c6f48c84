/*
 * olic.h: offline licensing for AI accelerators. Wire versions 1 and 2 (threshold
 * licenses: k of n distinct trusted keys); C ABI version OLIC_ABI_VERSION.
 *
 * This header is the whole contract of libolic.a: every type, status, size and
 * function is defined here and nowhere else. The library is written in Embedded
 * Swift and implements these declarations with `@c @implementation`, so the
 * compiler checks each signature against this file.
 *
 * Rules that hold for every function:
 * - No function allocates from the heap, blocks, or keeps a pointer to a caller's
 *   blob after it returns. Inputs are copied to a private stack buffer before they
 *   are parsed, so a caller (or a DMA engine) that changes the bytes during the call
 *   cannot make the parser and the signature check see different data.
 * - Every function is total: a bad argument is a status, never a crash.
 * - A status-returning function is warn_unused_result: ignoring the verdict of a
 *   license check is a security bug, so the compiler says so.
 * - State changes (provision, install, reserve, make_request) cost exactly one call
 *   of storage->write each. Calls that change nothing write nothing.
 * - Peak stack of any call, libsodium included, is below 8 KiB (make bench measures it).
 * - The calls that take a context are hardened against single glitches
 *   (docs/fault-hardening.md). OLIC_ERR_FAULT means a check disagreed with its
 *   duplicate; no input produces it on a chip that runs correctly. A call that
 *   returns it has written nothing to storage, and after it from olic_install,
 *   olic_reserve or olic_make_request the context is unusable: every later call
 *   returns OLIC_ERR_STATE after its NULL checks, until olic_init succeeds.
 *   olic_check and olic_state leave their const context as it was.
 *
 * The wire formats, the check order and the NVM layout are described in
 * docs/format.md; docs/integration.md explains how to port this to a chip.
 */
#ifndef OLIC_H
#define OLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 2: olic_config.signature_threshold, olic_license's version / signature_count /
   key_ids, OLIC_ERR_THRESHOLD, wire v2. A v1 header has no such macro. */
#define OLIC_ABI_VERSION 2

#if defined(__GNUC__) || defined(__clang__)
#define OLIC_NODISCARD __attribute__((warn_unused_result))
#else
#define OLIC_NODISCARD
#endif

/* ------------------------------------------------------------------------- */
/* Sizes and wire constants. All multi-byte integers on the wire are little-  */
/* endian; docs/format.md has the byte tables.                               */
/* ------------------------------------------------------------------------- */
enum {
  OLIC_VERSION = 1,                /* wire version 1: licenses and requests (requests are only v1) */
  OLIC_VERSION_THRESHOLD = 2,      /* wire version 2: licenses with 1..8 signature entries */
  OLIC_TYPE_LICENSE = 1,
  OLIC_TYPE_REQUEST = 2,
  OLIC_HEADER_SIZE = 8,            /* magic "OLIC", version, type, total_length u16 */
  OLIC_SIGNATURE_SIZE = 64,        /* Ed25519, the last bytes of every blob */
  OLIC_PUBLIC_KEY_SIZE = 32,       /* Ed25519 public key */
  OLIC_SECRET_KEY_SIZE = 64,       /* libsodium secret key: seed || public key */
  OLIC_KEY_ID_SIZE = 8,            /* first bytes of BLAKE2b-256(public key) */
  OLIC_DEVICE_ID_SIZE = 32,
  OLIC_LICENSE_FIXED_SIZE = 72,    /* header and fixed fields, before the extensions */
  OLIC_LICENSE_MIN_SIZE = 136,     /* fixed part + signature, no extension */
  OLIC_LICENSE_MAX_SIZE = 1024,    /* both versions */
  OLIC_LICENSE_V2_MIN_SIZE = 144,  /* v2: fixed part + one signature entry, no extension */
  OLIC_SIGNATURE_ENTRY_SIZE = 72,  /* v2: key_id (8) || Ed25519 signature (64) */
  OLIC_MAX_SIGNERS = 8,            /* v2: signature_count n is 1..8 */
  OLIC_REQUEST_SIZE = 184,         /* requests have one fixed size */
  OLIC_REQUEST_SIGNED_SIZE = 120,  /* the request bytes its signature covers */
  OLIC_EXTENSION_HEADER_SIZE = 4,  /* type u16, length u16 */
  OLIC_EXTENSION_CRITICAL = 0x8000,/* type bit: a device that does not know it must refuse */
  OLIC_EXTENSION_VALIDITY = 0x8001,     /* not_before u64, not_after u64 (Unix s, inclusive) */
  OLIC_EXTENSION_VALIDITY_SIZE = 16,
  OLIC_EXTENSION_BIND_REQUEST = 0x8002, /* request_sequence u64 >= 1 */
  OLIC_EXTENSION_BIND_REQUEST_SIZE = 8,
  OLIC_MAX_TRUSTED_KEYS = 8,
  OLIC_STATE_RECORD_SIZE = 96,     /* one NVM record; see docs/format.md */
  OLIC_STATE_SLOT_STRIDE = 128,    /* slot i of the ring starts at offset i * 128 */
  OLIC_STORAGE_MIN_SIZE = 256,     /* bytes of secure NVM olic needs: two slots */
  OLIC_STATE_MAX_SLOTS = 512       /* ring cap: olic never uses bytes past 65536 */
};

/* ------------------------------------------------------------------------- */
/* Statuses. This list is the one table of status values and names: the enum */
/* below and olic_status_name are both generated from it.                    */
/* ------------------------------------------------------------------------- */
#define OLIC_STATUS_LIST(X)                                                   \
  X(OLIC_OK, 0)                       /* success */                           \
  X(OLIC_ERR_ARGUMENT, 1)             /* NULL pointer or argument out of range */ \
  X(OLIC_ERR_MALFORMED, 2)            /* not a well-formed blob */            \
  X(OLIC_ERR_VERSION, 3)              /* wire version unknown (requests: not 1) */            \
  X(OLIC_ERR_UNSUPPORTED_EXTENSION, 4)/* unknown critical extension */       \
  X(OLIC_ERR_UNKNOWN_KEY, 5)          /* signed by no trusted key */          \
  X(OLIC_ERR_DEVICE, 6)               /* license is for another device */     \
  X(OLIC_ERR_REPLAY, 7)               /* license id not above the last one */ \
  X(OLIC_ERR_BINDING, 8)              /* answers another request */           \
  X(OLIC_ERR_FIRMWARE, 9)             /* firmware too old for the license */  \
  X(OLIC_ERR_NO_TIME, 10)             /* VALIDITY but no trusted time */      \
  X(OLIC_ERR_NOT_YET_VALID, 11)       /* before not_before */                 \
  X(OLIC_ERR_EXPIRED, 12)             /* after not_after */                   \
  X(OLIC_ERR_SIGNATURE, 13)           /* Ed25519 verification failed */       \
  X(OLIC_ERR_STORAGE, 14)             /* a storage callback failed */         \
  X(OLIC_ERR_STATE, 15)               /* no intact state, or unusable context */ \
  X(OLIC_ERR_PROVISIONED, 16)         /* provision found an intact state */   \
  X(OLIC_ERR_EXHAUSTED, 17)           /* no allowance / sequence at its end */ \
  X(OLIC_ERR_BUFFER, 18)              /* output buffer too small */           \
  X(OLIC_ERR_CRYPTO, 19)              /* libsodium failed to initialise or sign */ \
  X(OLIC_ERR_FAULT, 20)               /* a check disagreed with its twin: a glitch; ctx now unusable */ \
  X(OLIC_ERR_THRESHOLD, 21)           /* fewer signatures than the device's threshold */

#define OLIC_STATUS_ENUMERATOR_(name, value) name = value,
typedef enum olic_status { OLIC_STATUS_LIST(OLIC_STATUS_ENUMERATOR_) } olic_status;

/* The name of a status as spelled above ("OLIC_ERR_REPLAY"), or
   "OLIC_STATUS_UNKNOWN" for a value outside the list. Never NULL; static storage. */
const char *olic_status_name(olic_status s);

/* Used by olic_status_name (and usable from C); it is the names table itself. */
#define OLIC_STATUS_NAME_CASE_(name, value) case name: return #name;
static inline const char *olic_status_name_from_table(olic_status s) {
  switch (s) {
    OLIC_STATUS_LIST(OLIC_STATUS_NAME_CASE_)
  }
  return "OLIC_STATUS_UNKNOWN";
}

/* ------------------------------------------------------------------------- */
/* Types                                                                      */
/* ------------------------------------------------------------------------- */

/* The device's secure NVM, owned by the platform. olic keeps a ring of
   N = min((size - 96) / 128 + 1, OLIC_STATE_MAX_SLOTS) record slots in it, slot i
   at offset i * 128, and each commit writes the slot after the current one, so
   each slot takes 1/N of the writes. size = OLIC_STORAGE_MIN_SIZE is the two-slot
   layout of the first release, byte for byte. size must never shrink across
   firmware updates (docs/integration.md). `write` must be durable when it returns
   0; if power fails during a write, the region may hold any prefix of the new
   bytes over the old ones, and olic recovers from that (docs/format.md, "State"). */
typedef struct olic_storage {
  void *ctx;
  uint32_t size;                       /* bytes olic may use, >= OLIC_STORAGE_MIN_SIZE; more = less wear */
  int (*read)(void *ctx, uint32_t offset, void *buf, uint32_t len);        /* 0 = ok */
  int (*write)(void *ctx, uint32_t offset, const void *buf, uint32_t len); /* 0 = ok, durable on return */
} olic_storage;

typedef struct olic_config {
  const uint8_t *trusted_keys;         /* trusted_key_count x 32-byte Ed25519 public keys */
  size_t trusted_key_count;            /* 1..OLIC_MAX_TRUSTED_KEYS; copied by olic_init */
  uint8_t device_id[OLIC_DEVICE_ID_SIZE];
  uint32_t firmware_version;           /* this firmware's security version */
  /* k: a license needs k distinct trusted signers; 0 means 1. A v1 license (one
     signer) is OLIC_ERR_THRESHOLD when k >= 2. olic_init refuses k > count. */
  uint32_t signature_threshold;
} olic_config;

/* The durable state, as olic_state reports it. */
typedef struct olic_state_info {
  uint64_t last_license_id;            /* highest license id installed, 0 if none */
  uint64_t remaining;                  /* allowance left, in compute units */
  uint64_t consumed_total;             /* all allowance ever reserved (saturating) */
  uint64_t request_sequence;           /* sequence of the latest request, 0 if none */
  uint64_t time_high_water;            /* latest trusted time seen, 0 if none */
  uint32_t firmware_version;           /* from the config, not from NVM */
  uint32_t reserved;                   /* 0 */
} olic_state_info;

/* Every field of a license, as olic_parse and olic_check report it, for both
   wire versions. key_id and signature are those of the first signature entry
   (v1: its only one); key_ids[i] is entry i's key_id, zero for i >= n. Only the
   first entry's signature is reported. */
typedef struct olic_license {
  uint8_t key_id[OLIC_KEY_ID_SIZE];
  uint8_t device_id[OLIC_DEVICE_ID_SIZE];
  uint64_t license_id;
  uint64_t allowance;
  uint32_t min_firmware_version;
  uint32_t flags;                      /* always 0 in an accepted v1 license */
  uint32_t total_length;               /* bytes, signature included */
  uint32_t extension_count;            /* all TLVs, known and skipped */
  bool has_validity;
  bool has_bind_request;
  uint8_t reserved[6];                 /* 0 */
  uint64_t not_before;                 /* VALIDITY, when has_validity */
  uint64_t not_after;
  uint64_t bind_request;               /* BIND_REQUEST's request_sequence, when has_bind_request */
  uint8_t signature[OLIC_SIGNATURE_SIZE];
  uint32_t version;                    /* wire version: 1 or 2 */
  uint32_t signature_count;            /* n: 1 for v1, 1..8 for v2 */
  uint8_t key_ids[OLIC_MAX_SIGNERS][OLIC_KEY_ID_SIZE];
} olic_license;

/* A v2 license that tools are still gathering signatures for, as
   olic_parse_proposal reports it. Entry i (0 <= i < n) lies at
   [body_end + 72 i, body_end + 72 (i + 1)): key_id, then signature. */
typedef struct olic_proposal {
  olic_license license;                /* key_ids of empty entries are zero */
  uint32_t body_end;                   /* every signature is over [0, body_end) */
  uint32_t signed_count;               /* entries filled; they come first. Complete when == n */
} olic_proposal;

/* Every field of a device request, as olic_verify_request reports it. */
typedef struct olic_request {
  uint8_t device_id[OLIC_DEVICE_ID_SIZE];
  uint8_t device_public_key[OLIC_PUBLIC_KEY_SIZE];
  uint64_t last_license_id;
  uint64_t remaining;
  uint64_t consumed_total;
  uint64_t request_sequence;
  uint32_t firmware_version;
  uint32_t reserved;                   /* 0 */
  uint64_t time_high_water;
  uint8_t signature[OLIC_SIGNATURE_SIZE];
} olic_request;

/* One extension TLV, for olic_license_extension and olic_encode_license. */
typedef struct olic_extension {
  uint16_t type;
  uint16_t length;
  uint32_t offset;                     /* olic_license_extension: where the value starts in the blob */
  const uint8_t *value;                /* olic_encode_license: `length` bytes (may be NULL if 0) */
} olic_extension;

/* The verifier's working state. Fill it only with olic_init; the fields are
   private and may change between releases. It holds copies of the trusted keys,
   the device identity and the last committed NVM state, plus the storage
   callbacks (the storage->ctx pointer must outlive the context). It is not
   locked inside: a call that changes it (olic_install, olic_reserve,
   olic_make_request) must not overlap any other call on the same context, from a
   thread or an interrupt; const calls may overlap each other. One context per NVM
   region. docs/integration.md, "Threads and interrupts". */
typedef struct olic_context {
  uint64_t ready_;                     /* a magic value when olic_init succeeded */
  olic_storage storage_;
  uint8_t trusted_keys_[OLIC_MAX_TRUSTED_KEYS * OLIC_PUBLIC_KEY_SIZE];
  uint8_t key_ids_[OLIC_MAX_TRUSTED_KEYS * OLIC_KEY_ID_SIZE];
  uint32_t trusted_key_count_;
  uint32_t slot_;                      /* ring slot holding state_, < OLIC_STATE_MAX_SLOTS */
  uint64_t generation_;                /* that record's generation */
  uint8_t device_id_[OLIC_DEVICE_ID_SIZE];
  olic_state_info state_;              /* last committed state */
  uint32_t signature_threshold_;       /* k, 1..trusted_key_count_ */
  uint32_t reserved_;
} olic_context;

/* ------------------------------------------------------------------------- */
/* Functions. "Writes" lists every output; "storage" says when NVM is touched. */
/* ------------------------------------------------------------------------- */

/* Structure only: check steps 1-5 of docs/format.md (NULL, header, version,
   layout rules, unknown critical extensions), for both wire versions. No keys,
   no state, no crypto; this is the fuzzing surface. A partly signed v2 license
   is refused here as on the device: OLIC_ERR_MALFORMED when n >= 2 (its zero
   key_ids break the ascending order); with n = 1 it parses, and olic_check
   refuses it with OLIC_ERR_UNKNOWN_KEY. Tools read such blobs with
   olic_parse_proposal.
   Reads: license[0, min(len, 1024)), once. Writes: *out (if not NULL), filled on
   OLIC_OK and zeroed on failure. Storage: never. */
OLIC_NODISCARD olic_status olic_parse(const uint8_t *license, size_t len, olic_license *out);

/* Factory step: writes the first state (no license, no allowance) to blank or
   corrupt storage.
   OLIC_ERR_ARGUMENT: storage or a callback is NULL, or size < OLIC_STORAGE_MIN_SIZE.
   OLIC_ERR_STORAGE: a read or the write failed. OLIC_ERR_PROVISIONED: an intact
   record is already in some slot (nothing written). Storage: reads every slot's
   header and any record that may be intact, then one write (into slot 0) on
   success. */
OLIC_NODISCARD olic_status olic_provision(const olic_storage *storage);

/* Loads the newest intact NVM record and prepares ctx. Blank, erased or corrupt
   storage is OLIC_ERR_STATE: it is never taken for a fresh device.
   OLIC_ERR_ARGUMENT: ctx, config, storage, config->trusted_keys or a callback is
   NULL, trusted_key_count is 0 or above 8, or storage->size is too small; then
   (before any storage read) signature_threshold (0 read as 1) above
   trusted_key_count, two keys of the table equal, or two keys with the same
   key_id (this last check follows libsodium's initialisation, so
   OLIC_ERR_CRYPTO may come first). Only the first trusted_key_count keys count.
   OLIC_ERR_STORAGE: a read failed. OLIC_ERR_CRYPTO: libsodium did not initialise.
   Writes: *ctx (zeroed first whenever ctx is not NULL, so a failed init leaves a
   context that every call refuses with OLIC_ERR_STATE). Storage: reads only: the
   16-byte header of each slot, then whole records newest generation first until
   one is intact (one checksum on a healthy ring, two after a torn commit). */
OLIC_NODISCARD olic_status olic_init(olic_context *ctx, const olic_config *config,
                                     const olic_storage *storage);

/* Every check of docs/format.md, steps 1-14, in order; the first failing check
   gives the status. now = Unix seconds from the trusted clock, 0 if none.
   Steps 1-13 cost no verification; a passing license costs exactly n of them
   (every entry is verified, none skipped), a refused one at most n.
   Reads: license[0, min(len, 1024)), once; ctx. Writes: *out (if not NULL),
   filled only on OLIC_OK and zeroed on every failure. Storage: never. */
OLIC_NODISCARD olic_status olic_check(const olic_context *ctx, const uint8_t *license,
                                      size_t len, uint64_t now, olic_license *out);

/* olic_check, then one durable write: last_license_id = license_id,
   remaining += allowance (saturating at 2^64-1), time_high_water = max(it, now).
   Writes: ctx's state only after the write succeeded. Storage: one write on a
   passing check, none otherwise. */
OLIC_NODISCARD olic_status olic_install(olic_context *ctx, const uint8_t *license, size_t len,
                                        uint64_t now);

/* Reserves g = min(want, remaining) units: remaining -= g and consumed_total += g
   are made durable, and only then *granted = g and OLIC_OK. Run the compute only
   after this returns OLIC_OK.
   OLIC_ERR_ARGUMENT: ctx or granted is NULL, or want is 0. OLIC_ERR_EXHAUSTED:
   remaining is 0 (nothing written). Writes: *granted, 0 on every failure.
   Storage: one write on success. */
OLIC_NODISCARD olic_status olic_reserve(olic_context *ctx, uint64_t want, uint64_t *granted);

/* Copies the last committed state. Writes: *out (zeroed on failure). Storage: never. */
OLIC_NODISCARD olic_status olic_state(const olic_context *ctx, olic_state_info *out);

/* Commits request_sequence + 1, then writes the 184-byte request for the new
   sequence, signed with device_secret_key (libsodium's seed || public key).
   In order: ctx, key or out NULL -> OLIC_ERR_ARGUMENT; capacity < 184 ->
   OLIC_ERR_BUFFER; second half of the key not the public key of its seed ->
   OLIC_ERR_ARGUMENT; sequence at 2^64-1 -> OLIC_ERR_EXHAUSTED; none of these write.
   Writes: out[0, 184) and *out_len (may be NULL; 0 on failure). The secret key is
   copied to the stack and wiped before return. Storage: one write. */
OLIC_NODISCARD olic_status olic_make_request(olic_context *ctx,
                                             const uint8_t device_secret_key[64],
                                             uint8_t *out, size_t capacity, size_t *out_len);

/* Checks a request's structure and its signature by the embedded device key.
   Whether that key belongs to device_id is for the regulator's registry.
   Reads: request[0, min(len, 184)), once. Writes: *out (if not NULL), filled on
   OLIC_OK, zeroed on every failure. Storage: never. */
OLIC_NODISCARD olic_status olic_verify_request(const uint8_t *request, size_t len,
                                               olic_request *out);

/* Optional platform hook. If the firmware defines this function, olic calls it
   once each time it detects a fault, before returning OLIC_ERR_FAULT, e.g. to
   count glitches, wipe secrets or reset the chip (it may not return). olic
   references it weakly: a firmware that does not define it links unchanged.
   Define it in one of the firmware's own objects, not in a static library (a
   weak reference does not pull a member out of an archive). It must not call
   olic. */
void olic_platform_fault(void);

/* ------------------------------------------------------------------------- */
/* Tool support: used by the olic CLI, tests and fuzzers. No signing here.    */
/* ------------------------------------------------------------------------- */

/* key_id(pk) = the first 8 bytes of BLAKE2b-256(pk). OLIC_ERR_ARGUMENT on NULL. */
OLIC_NODISCARD olic_status olic_key_id(const uint8_t public_key[32], uint8_t out[8]);

/* The index-th extension TLV (0-based) of a license that olic_parse_proposal
   accepts (so also of a partly signed v2 license).
   Writes *out with type, length and the value's offset in the blob (value = NULL).
   OLIC_ERR_ARGUMENT: NULL or index >= extension_count; otherwise
   olic_parse_proposal's status. *out is zeroed on failure. */
OLIC_NODISCARD olic_status olic_license_extension(const uint8_t *license, size_t len,
                                                  size_t index, olic_extension *out);

/* Encodes the signed part of a license and leaves the signature area zero.
   fields->version selects the wire version:
   - 0 or 1: v1. The signature is out[*out_len - 64, *out_len), computed by the
     caller over out[0, *out_len - 64); key_id comes from fields->key_id.
   - 2: v2 with n = fields->signature_count (1..8, else OLIC_ERR_MALFORMED)
     empty entries. body_end = *out_len - 72 n; every signer signs
     out[0, body_end) (the same bytes for all: header, count, fields,
     extensions), and entry i is out[body_end + 72 i, body_end + 72 i + 72):
     key_id (8 bytes) then signature (64). Entries must end up in strictly
     ascending key_id order (memcmp), all filled: olic_add_signature does that.
     fields->key_id, key_ids and signature are ignored; the entries are zero.
   - anything else: OLIC_ERR_ARGUMENT.
   From `fields` also: device_id, license_id, allowance, min_firmware_version,
   flags, and VALIDITY / BIND_REQUEST when has_validity / has_bind_request.
   `extra` holds any other extensions (extra_count may be 0 with extra NULL).
   All extensions are written in ascending type order. total_length, the
   extension count and the signature of `fields` are ignored. The result must
   pass olic_parse's layout rules (steps 2-4; for v2, olic_parse_proposal's),
   else OLIC_ERR_MALFORMED (or the step's status) and *out_len = 0.
   Canonical: for any x that olic_parse accepts, encoding the fields it reports
   (with its extensions) gives x again; for v2, x[0, body_end) and n zero entries. An unknown critical type is encoded as asked:
   refusing it is the device's job (olic_parse says OLIC_ERR_UNSUPPORTED_EXTENSION).
   OLIC_ERR_ARGUMENT: fields or out NULL, or extra NULL with extra_count > 0.
   OLIC_ERR_BUFFER: capacity too small.
   Writes: out[0, *out_len), *out_len (0 on failure). */
OLIC_NODISCARD olic_status olic_encode_license(const olic_license *fields,
                                               const olic_extension *extra, size_t extra_count,
                                               uint8_t *out, size_t capacity, size_t *out_len);

/* ---- Tools: build/libolic-tools.a, not libolic.a ----
   The three functions below serve the tools that assemble a threshold license
   (propose, cosign, record). No device calls them, so they ship in a second
   archive: link it beside libolic.a (`pkg-config --libs olic` names both).
   A device's image then holds only what a device runs. */

/* The tools' decoder of licenses still gathering signatures (one decoder: the
   tools never read the format themselves). Runs check steps 1-5 exactly as
   olic_parse does, for both versions, with one difference for v2: the entries
   may end in n - s EMPTY ones, 72 zero bytes each (the longest such run at
   the end), and the order rule (key_ids strictly ascending, memcmp) applies
   to the s entries before them only. signed_count = s. So a blob olic_parse
   accepts is accepted here with the same fields, and a v2 license is complete
   when signed_count == n (the device may still refuse it: a zero key_id in
   the first entry is OLIC_ERR_UNKNOWN_KEY there). A v1 license reports n = 1,
   signed_count = 1, body_end = len - 64. No signature is verified.
   Reads: license[0, min(len, 1024)), once. Writes: *out (may be NULL), filled on
   OLIC_OK, zeroed on failure. license.key_id / signature: the first entry's. */
OLIC_NODISCARD olic_status olic_parse_proposal(const uint8_t *license, size_t len,
                                               olic_proposal *out);

/* Puts one signature into a v2 license in place, keeping the order rule: the
   signed entries stay strictly ascending by key_id and the empty ones last (the
   entries after the new one's place move one entry down, the last empty one
   is consumed). The signature is not verified here (verify it over
   [0, body_end) first; olic_check does, on the device).
   In order: license, key_id or signature NULL, or key_id all zero ->
   OLIC_ERR_ARGUMENT; olic_parse_proposal's status; a v1 license ->
   OLIC_ERR_VERSION; key_id already signed -> OLIC_ERR_MALFORMED; no empty
   entry -> OLIC_ERR_BUFFER. Writes: license[body_end, len) on OLIC_OK only. */
OLIC_NODISCARD olic_status olic_add_signature(uint8_t *license, size_t len,
                                              const uint8_t key_id[OLIC_KEY_ID_SIZE],
                                              const uint8_t signature[OLIC_SIGNATURE_SIZE]);

/* A license's identity: BLAKE2b-256 of its signed bytes [0, body_end) (v1:
   [0, len - 64)). The same v2 license assembled with other signatures has the
   same digest; ledgers and logs record it. The blob must pass
   olic_parse_proposal (partly signed is fine). Writes out[0, 32) on OLIC_OK,
   zeros on failure. OLIC_ERR_ARGUMENT on NULL; OLIC_ERR_CRYPTO if hashing failed. */
OLIC_NODISCARD olic_status olic_license_digest(const uint8_t *license, size_t len, uint8_t out[32]);

#ifdef __cplusplus
}
#endif
#endif /* OLIC_H */
