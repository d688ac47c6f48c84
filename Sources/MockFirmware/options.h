/* options.h: the mock firmware's command line.
 *
 * On a chip these would be fuses, ROM tables and a build flag; here they are
 * flags so that one binary can play every scenario of the tests and the demo. */
#ifndef MOCK_OPTIONS_H
#define MOCK_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "olic.h"

typedef struct options {
  const char *nvm_path;
  uint32_t nvm_size;           /* --nvm-size, default NVM_FILE_DEFAULT_SIZE (256) */
  bool provision;
  const char *trusted_key_paths[OLIC_MAX_TRUSTED_KEYS];
  size_t trusted_key_count;
  const char *device_key_path;
  uint32_t firmware_version;
  uint32_t threshold;          /* k: distinct trusted signers a license needs */
  const char *mailbox;
  uint64_t work;
  uint64_t chunk;
  bool throttle;               /* --on-exhausted throttle; false = halt */
  uint32_t baseline_permille;  /* 1..1000, with throttle only */
  uint64_t wait_seconds;
  uint64_t cut_at;             /* --power-cut-after-writes, 0 = none */
  bool torn_bytes_set;
  uint64_t torn_bytes;
  bool json;
  bool now_set;                /* --now T */
  uint64_t now;
  bool no_clock;               /* --no-clock: now = 0, the device has no trusted time */
} options;

typedef enum options_result { OPTIONS_RUN, OPTIONS_HELP, OPTIONS_USAGE_ERROR } options_result;

/* Parses argv; on OPTIONS_USAGE_ERROR a one-line reason is on stderr. */
options_result options_parse(int argc, char **argv, options *out);

void options_print_usage(FILE *f);

#endif
