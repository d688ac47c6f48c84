/* Everything one bench run measures, filled by the measurement files and
   turned into build/bench.json and the table by report.c. */
#ifndef BENCH_RESULTS_H
#define BENCH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "threshold.h"

typedef struct timing_results {
  size_t samples;
  double check_ns, verify_ns;              /* interleaved pair, valid 136-byte license */
  double check_pair_ratio;                 /* median of per-pair check/verify: a cross-check */
  double reject_ns, reject_verify_ns;      /* interleaved pair, wrong-device license */
  double parse_ns, reserve_ns;
  double install_writes, reserve_writes;   /* storage writes per successful call */
  double refused_install_writes;           /* writes per refused install: must be 0 */
} timing_results;

enum { SCALE_SIZES = 4, SCALE_KEYS = 8 };

typedef struct scaling_results {
  size_t sizes[SCALE_SIZES];
  double size_check_ns[SCALE_SIZES], size_verify_ns[SCALE_SIZES], size_parse_ns[SCALE_SIZES];
  double key_check_ns[SCALE_KEYS];         /* valid license, signer is the last trusted key */
  double key_verify_ns[SCALE_KEYS];        /* bare verification, paired with the above */
  double key_unknown_ns[SCALE_KEYS];       /* license by an untrusted key: scans every key id */
} scaling_results;

typedef struct stack_results {
  size_t region_bytes, harness_bytes;      /* painted region; what the empty harness uses */
  size_t check_min, check_max, install, reserve; /* net of the harness */
  size_t verify_only;                      /* bare crypto_sign_verify_detached, for comparison */
  bool overflow;                           /* the paint was used up: figure unreliable */
} stack_results;

typedef struct batch_results {
  bool measured, failed;                   /* failed: the CLI is there but the run went wrong */
  size_t licenses, samples;
  double batch_s, sign_s;                  /* medians, seconds for all `licenses` */
  double batch_per_s, sign_per_s, ratio;
  char out_parent[256];                    /* where the licenses were written */
  char out_fs[16];                         /* that directory's filesystem */
  char note[256];
} batch_results;

typedef struct ledger_batch_results {
  bool measured, failed;
  size_t requests, samples;
  double ledger_s, plain_s;                /* medians, seconds for all `requests` */
  double ledger_per_s, plain_per_s, ratio;
  char note[256];
} ledger_batch_results;

typedef struct size_results {
  bool text_measured;
  uint64_t text_bytes;
  char text_note[256];
  bool tools_measured;
  uint64_t tools_bytes;
  bool cross_present;
  char cross_json[4096];                   /* normalised {"target": bytes, ...} */
  char cross_note[256];
  bool hardening_measured;
  uint64_t hardening_bytes;                /* the fault-hardening functions' own code */
} size_results;

enum { RING_SIZES = 3 };

typedef struct ring_size_result {
  uint32_t storage_bytes, slots;
  uint32_t max_writes_per_byte;            /* over `commits` reservations, per byte offset */
  uint32_t ideal_writes_per_byte;          /* ceil(commits / slots) */
  double init_ns;                          /* olic_init on a healthy ring, round many times */
  double init_torn_ns;                     /* olic_init after a commit torn after 40 bytes */
} ring_size_result;

typedef struct ring_results {
  uint32_t commits;
  ring_size_result size[RING_SIZES];       /* 256 B, 4 KiB, 64 KiB */
} ring_results;

typedef struct bench_results {
  timing_results timing;
  threshold_results threshold;
  ring_results ring;
  scaling_results scaling;
  stack_results stack;
  batch_results batch;
  ledger_batch_results ledger_batch;
  size_results sizes;
} bench_results;

#endif
