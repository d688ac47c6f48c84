/* options.c: strict command-line parsing (see options.h). Every number is
   decimal digits only, range-checked; every flag is known; nothing is guessed. */
#include "options.h"

#include <string.h>

#include "nvm_file.h"

enum { DEFAULT_CHUNK = 1000, MAX_WAIT_SECONDS = 86400 };

void options_print_usage(FILE *f) {
  fputs(
      "usage: mock-firmware --nvm FILE --trusted-key FILE [--trusted-key FILE]...\n"
      "                     --device-key FILE --mailbox DIR [options]\n"
      "  --nvm FILE                 secure NVM image (--nvm-size bytes, fsynced on every write)\n"
      "  --nvm-size BYTES           the NVM's size, all of it olic's (default 256, the\n"
      "                             minimum; up to 16777216); more bytes = more ring slots\n"
      "  --provision                factory step: create a missing NVM and write the first\n"
      "                             state if none is intact (OLIC_ERR_PROVISIONED otherwise)\n"
      "  --trusted-key FILE         regulator public key, PEM SPKI or 64 hex (1 to 8 times)\n"
      "  --device-key FILE          device private key, PEM PKCS#8 Ed25519 or 128 hex\n"
      "                             (libsodium seed || public key); device_id = BLAKE2b-256(pk)\n"
      "  --firmware-version N       this firmware's security version (default 1)\n"
      "  --threshold K              licenses need K distinct trusted signers (default 1;\n"
      "                             1..number of --trusted-key)\n"
      "  --mailbox DIR              *.olic licenses in; DIR/request.olic out\n"
      "  --work UNITS               compute units to run (default 0)\n"
      "  --chunk UNITS              units reserved per NVM write (default 1000)\n"
      "  --on-exhausted halt|throttle   default halt (exit 3)\n"
      "  --baseline-permille N      throttled speed, 1..1000 per mille (with throttle)\n"
      "  --wait-seconds S           when exhausted, poll the mailbox up to S seconds\n"
      "  --now T                    trusted time, Unix seconds (default: host clock)\n"
      "  --no-clock                 the device has no trusted time (now = 0)\n"
      "  --power-cut-after-writes K lose power during the K-th NVM write of this run\n"
      "  --torn-bytes B             bytes of that write that land (default: half)\n"
      "  --json                     one JSON object per event line\n"
      "exit: 0 work done, 2 usage, 3 halted without allowance, 4 power cut, 5 no valid state\n",
      f);
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
  if (s == NULL || *s == '\0') return false;
  uint64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return false;
    uint64_t d = (uint64_t)(*p - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

static options_result usage_error(const char *msg, const char *flag, const char *value) {
  if (value != NULL) {
    fprintf(stderr, "mock-firmware: %s %s: %s\n", flag, value, msg);
  } else {
    fprintf(stderr, "mock-firmware: %s: %s\n", flag, msg);
  }
  fputs("mock-firmware: see --help\n", stderr);
  return OPTIONS_USAGE_ERROR;
}

/* Numeric flags: name, destination, minimum, maximum. */
typedef struct number_flag {
  const char *name;
  uint64_t min, max;
  size_t offset;
  int width;                   /* 32 or 64 */
  bool *seen;
} number_flag;

options_result options_parse(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  o->firmware_version = 1;
  o->chunk = DEFAULT_CHUNK;
  o->nvm_size = NVM_FILE_DEFAULT_SIZE;
  bool have_nvm_size = false;
  bool have_permille = false, have_on_exhausted = false, have_fw = false, have_work = false,
       have_chunk = false, have_wait = false, have_cut = false, have_threshold = false;
  const number_flag numbers[] = {
      {"--firmware-version", 0, UINT32_MAX, offsetof(options, firmware_version), 32, &have_fw},
      {"--threshold", 1, OLIC_MAX_TRUSTED_KEYS, offsetof(options, threshold), 32, &have_threshold},
      {"--nvm-size", OLIC_STORAGE_MIN_SIZE, NVM_FILE_MAX_SIZE, offsetof(options, nvm_size), 32, &have_nvm_size},
      {"--work", 0, UINT64_MAX, offsetof(options, work), 64, &have_work},
      {"--chunk", 1, UINT64_MAX, offsetof(options, chunk), 64, &have_chunk},
      {"--baseline-permille", 1, 1000, offsetof(options, baseline_permille), 32, &have_permille},
      {"--wait-seconds", 0, MAX_WAIT_SECONDS, offsetof(options, wait_seconds), 64, &have_wait},
      {"--now", 1, UINT64_MAX, offsetof(options, now), 64, &o->now_set},
      {"--power-cut-after-writes", 1, UINT64_MAX, offsetof(options, cut_at), 64, &have_cut},
      {"--torn-bytes", 0, UINT64_MAX, offsetof(options, torn_bytes), 64, &o->torn_bytes_set},
  };

  for (int i = 1; i < argc; i++) {
    const char *flag = argv[i];
    if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) return OPTIONS_HELP;
    if (strcmp(flag, "--provision") == 0) { o->provision = true; continue; }
    if (strcmp(flag, "--json") == 0) { o->json = true; continue; }
    if (strcmp(flag, "--no-clock") == 0) { o->no_clock = true; continue; }

    /* Every other flag takes exactly one value, the next argument. */
    bool known = false;
    const char *value = NULL;
    if (i + 1 < argc) value = argv[i + 1];

    for (size_t k = 0; k < sizeof numbers / sizeof numbers[0]; k++) {
      const number_flag *nf = &numbers[k];
      if (strcmp(flag, nf->name) != 0) continue;
      known = true;
      if (value == NULL) return usage_error("needs a value", flag, NULL);
      if (*nf->seen) return usage_error("given twice", flag, NULL);
      uint64_t v = 0;
      if (!parse_u64(value, nf->max, &v) || v < nf->min) {
        char why[96];
        snprintf(why, sizeof why, "not a decimal integer in %llu..%llu",
                 (unsigned long long)nf->min, (unsigned long long)nf->max);
        return usage_error(why, flag, value);
      }
      char *field = (char *)o + nf->offset;
      if (nf->width == 32) {
        uint32_t v32 = (uint32_t)v;
        memcpy(field, &v32, sizeof v32);
      } else {
        memcpy(field, &v, sizeof v);
      }
      *nf->seen = true;
    }
    if (known) { i++; continue; }

    if (value == NULL && (strcmp(flag, "--nvm") == 0 || strcmp(flag, "--trusted-key") == 0 ||
                          strcmp(flag, "--device-key") == 0 || strcmp(flag, "--mailbox") == 0 ||
                          strcmp(flag, "--on-exhausted") == 0))
      return usage_error("needs a value", flag, NULL);

    const char **single = NULL;
    if (strcmp(flag, "--nvm") == 0) single = &o->nvm_path;
    else if (strcmp(flag, "--device-key") == 0) single = &o->device_key_path;
    else if (strcmp(flag, "--mailbox") == 0) single = &o->mailbox;
    if (single != NULL) {
      if (*single != NULL) return usage_error("given twice", flag, NULL);
      if (*value == '\0') return usage_error("empty path", flag, NULL);
      *single = value;
      i++;
      continue;
    }
    if (strcmp(flag, "--trusted-key") == 0) {
      if (o->trusted_key_count == OLIC_MAX_TRUSTED_KEYS)
        return usage_error("at most 8 trusted keys", flag, value);
      o->trusted_key_paths[o->trusted_key_count++] = value;
      i++;
      continue;
    }
    if (strcmp(flag, "--on-exhausted") == 0) {
      if (have_on_exhausted) return usage_error("given twice", flag, NULL);
      if (strcmp(value, "halt") == 0) o->throttle = false;
      else if (strcmp(value, "throttle") == 0) o->throttle = true;
      else return usage_error("must be halt or throttle", flag, value);
      have_on_exhausted = true;
      i++;
      continue;
    }
    return usage_error("unknown option", flag, NULL);
  }

  if (o->nvm_path == NULL) return usage_error("required", "--nvm", NULL);
  if (o->trusted_key_count == 0) return usage_error("required (1 to 8 times)", "--trusted-key", NULL);
  if (!have_threshold) o->threshold = 1;
  if (o->threshold > o->trusted_key_count)
    return usage_error("more than the number of --trusted-key", "--threshold", NULL);
  if (o->device_key_path == NULL) return usage_error("required", "--device-key", NULL);
  if (o->mailbox == NULL) return usage_error("required", "--mailbox", NULL);
  if (o->throttle && !have_permille)
    return usage_error("required with --on-exhausted throttle", "--baseline-permille", NULL);
  if (!o->throttle && have_permille)
    return usage_error("only with --on-exhausted throttle", "--baseline-permille", NULL);
  if (o->torn_bytes_set && !have_cut)
    return usage_error("only with --power-cut-after-writes", "--torn-bytes", NULL);
  if (o->now_set && o->no_clock) return usage_error("conflicts with --now", "--no-clock", NULL);
  return OPTIONS_RUN;
}
