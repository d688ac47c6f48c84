/* main.c: the mock firmware's main loop, the part a vendor copies.
 *
 *   boot:  [provision] -> olic_init (fails closed) -> install mailbox licenses
 *   run:   reserve a chunk (durable) -> run it -> ... until the job is done
 *   out:   olic_make_request -> DIR/request.olic -> wait for a renewal, or
 *          halt (exit 3) or finish at baseline speed
 *
 * Every exit, a power cut included, prints the summary line last. */
#define _XOPEN_SOURCE 700

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "keys.h"
#include "mailbox.h"
#include "meter.h"
#include "nvm_file.h"
#include "olic.h"
#include "options.h"

enum exit_code {
  EXIT_DONE = 0,
  EXIT_USAGE = 2,
  EXIT_HALTED = 3,
  EXIT_POWER_CUT = 4,
  EXIT_NO_STATE = 5
};

enum { SEEN_MAX = 128, POLL_INTERVAL_MS = 100 };

typedef struct device {
  options opt;
  nvm_file nvm;
  olic_storage storage;
  olic_context ctx;
  olic_state_info state;       /* the last state olic committed, as this firmware knows it */
  uint8_t trusted_keys[OLIC_MAX_TRUSTED_KEYS * OLIC_PUBLIC_KEY_SIZE];
  uint8_t secret_key[OLIC_SECRET_KEY_SIZE];
  uint8_t device_id[OLIC_DEVICE_ID_SIZE];
  meter meter;
  /* BLAKE2b of every blob offered to olic_install since the last request, so a
     waiting device does not re-check (and re-print) the same file every poll. */
  uint8_t seen[SEEN_MAX][32];
  size_t seen_count, seen_next;
} device;

/* Static, not on the stack: the mailbox scan alone is 64 KiB, and a chip keeps
   its firmware state in RAM sections too. */
static device dev;
static mailbox_scan scan;

static _Noreturn void finish(int code, const char *reason) {
  ev_begin("summary");
  ev_u64("exit_code", (uint64_t)code);
  ev_str("reason", reason);
  ev_u64("work_done", dev.meter.work_done);
  ev_u64("throttled_work", dev.meter.throttled_work);
  ev_u64("sim_time", dev.meter.sim_time);
  ev_u64("remaining", dev.state.remaining);
  ev_u64("consumed_total", dev.state.consumed_total);
  ev_u64("last_license_id", dev.state.last_license_id);
  ev_u64("request_sequence", dev.state.request_sequence);
  ev_u64("nvm_writes", dev.nvm.writes);
  ev_end();
  sodium_memzero(dev.secret_key, sizeof dev.secret_key);
  nvm_close(&dev.nvm);
  exit(code);
}

/* Runs inside the storage write callback, that is, inside an olic call: it
   reads only this file's own copy of the state and never calls back into olic. */
static void on_power_cut(void *arg, uint64_t write_index, uint32_t landed, uint32_t len) {
  (void)arg;
  ev_begin("power-cut");
  ev_u64("write", write_index);
  ev_u64("landed_bytes", landed);
  ev_u64("write_bytes", len);
  ev_end();
  finish(EXIT_POWER_CUT, "power-cut");
}

static uint64_t trusted_now(void) {
  if (dev.opt.no_clock) return 0;
  if (dev.opt.now_set) return dev.opt.now;
  time_t t = time(NULL);
  return t > 0 ? (uint64_t)t : 0;
}

static void load_keys(void) {
  char why[KEYS_WHY_SIZE];
  for (size_t i = 0; i < dev.opt.trusted_key_count; i++) {
    if (!keys_load_public(dev.opt.trusted_key_paths[i], dev.trusted_keys + 32 * i, why)) {
      fprintf(stderr, "mock-firmware: --trusted-key %s: %s\n", dev.opt.trusted_key_paths[i], why);
      finish(EXIT_USAGE, "usage");
    }
  }
  if (!keys_load_secret(dev.opt.device_key_path, dev.secret_key, why)) {
    fprintf(stderr, "mock-firmware: --device-key %s: %s\n", dev.opt.device_key_path, why);
    finish(EXIT_USAGE, "usage");
  }
  /* The device id is BLAKE2b-256 of its public key (docs/format.md; `olic pubkey --device-id`). */
  if (crypto_generichash(dev.device_id, sizeof dev.device_id, dev.secret_key + 32, 32, NULL, 0) !=
      0) {
    fprintf(stderr, "mock-firmware: BLAKE2b failed\n");
    finish(EXIT_NO_STATE, "crypto");
  }
}

static void refresh_state(void) {
  if (olic_state(&dev.ctx, &dev.state) != OLIC_OK) memset(&dev.state, 0, sizeof dev.state);
}

static bool seen_before(const uint8_t hash[32]) {
  for (size_t i = 0; i < dev.seen_count; i++)
    if (memcmp(dev.seen[i], hash, 32) == 0) return true;
  return false;
}

static void remember(const uint8_t hash[32]) {
  memcpy(dev.seen[dev.seen_next], hash, 32);
  dev.seen_next = (dev.seen_next + 1) % SEEN_MAX;
  if (dev.seen_count < SEEN_MAX) dev.seen_count++;
}

/* Offers mailbox licenses to olic_install, oldest id first. At boot every file
   is offered and reported, so the owner sees why an old one no longer counts;
   while waiting, only files that parse, carry a new id and were not offered
   since the last request. Returns how many installed. */
static size_t install_from_mailbox(bool only_new) {
  if (!mailbox_read_all(dev.opt.mailbox, &scan)) {
    if (!only_new) finish(EXIT_USAGE, "usage");
    return 0;
  }
  if (scan.ignored > 0 && !only_new)
    fprintf(stderr, "mock-firmware: --mailbox %s: %zu *.olic entries ignored (not regular files, "
            "unreadable, or beyond the first %d)\n", dev.opt.mailbox, scan.ignored,
            MAILBOX_MAX_ENTRIES);
  size_t installed = 0;
  for (size_t i = 0; i < scan.count; i++) {
    const mailbox_entry *e = &scan.entries[i];
    uint8_t hash[32];
    crypto_generichash(hash, sizeof hash, e->blob, e->len, NULL, 0);
    if (only_new && (e->parse_status != OLIC_OK || e->license_id <= dev.state.last_license_id ||
                     seen_before(hash)))
      continue;
    remember(hash);
    olic_status s = olic_install(&dev.ctx, e->blob, e->len, trusted_now());
    ev_begin("install");
    ev_str("file", e->name);
    if (e->parse_status == OLIC_OK) ev_u64("license_id", e->license_id);
    ev_str("status", olic_status_name(s));
    if (s == OLIC_OK) {
      refresh_state();
      ev_u64("remaining", dev.state.remaining);
      installed++;
    }
    ev_end();
    if (s == OLIC_ERR_STORAGE) {
      fprintf(stderr, "mock-firmware: --nvm %s: write failed while installing %s\n",
              dev.opt.nvm_path, e->name);
      finish(EXIT_NO_STATE, "storage-error");
    }
  }
  return installed;
}

/* True when DIR/request.olic is this device's request for exactly the current
   state. Re-announcing it costs no NVM write, and keeps a renewal the owner is
   already fetching for it valid: a fresh request would bump request_sequence and
   make that renewal's BIND_REQUEST stale. It also means power-cycling a halted
   chip does not wear its NVM. */
static bool pending_request_matches(void) {
  uint8_t blob[OLIC_REQUEST_SIZE + 1];
  size_t len = 0;
  olic_request r;
  if (dev.state.request_sequence == 0 || !mailbox_read_request(dev.opt.mailbox, blob, &len) ||
      olic_verify_request(blob, len, &r) != OLIC_OK)
    return false;
  return memcmp(r.device_id, dev.device_id, sizeof r.device_id) == 0 &&
         memcmp(r.device_public_key, dev.secret_key + 32, sizeof r.device_public_key) == 0 &&
         r.request_sequence == dev.state.request_sequence &&
         r.last_license_id == dev.state.last_license_id && r.remaining == dev.state.remaining &&
         r.consumed_total == dev.state.consumed_total &&
         r.time_high_water == dev.state.time_high_water &&
         r.firmware_version == dev.opt.firmware_version;
}

static void make_request(void) {
  char path[4096];
  if (pending_request_matches()) {
    snprintf(path, sizeof path, "%s/%s", dev.opt.mailbox, MAILBOX_REQUEST_NAME);
    ev_begin("request-pending");
    ev_str("file", path);
    ev_u64("request_sequence", dev.state.request_sequence);
    ev_end();
    return;
  }
  uint8_t request[OLIC_REQUEST_SIZE];
  size_t len = 0;
  olic_status s = olic_make_request(&dev.ctx, dev.secret_key, request, sizeof request, &len);
  ev_begin("request");
  if (s == OLIC_OK) {
    refresh_state();
    /* A new sequence: licenses bound to it may now pass, so offer them again. */
    dev.seen_count = dev.seen_next = 0;
    /* The sequence is committed either way; a request that cannot be written
       out is reported with file=none (and a message on stderr), and the next
       exhaustion makes a fresh one. */
    bool written = len == OLIC_REQUEST_SIZE &&
                   mailbox_write_request(dev.opt.mailbox, request, len, path, sizeof path);
    ev_str("file", written ? path : "none");
    ev_u64("request_sequence", dev.state.request_sequence);
    ev_str("status", olic_status_name(s));
  } else {
    ev_str("status", olic_status_name(s));
  }
  ev_end();
  if (s == OLIC_ERR_STORAGE) finish(EXIT_NO_STATE, "storage-error");
}

static uint64_t monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Polls the mailbox until a license installs or the time is up. */
static bool wait_for_license(void) {
  ev_begin("wait");
  ev_u64("seconds", dev.opt.wait_seconds);
  ev_end();
  uint64_t deadline = monotonic_ms() + dev.opt.wait_seconds * 1000u;
  for (;;) {
    if (install_from_mailbox(true) > 0) return true;
    uint64_t t = monotonic_ms();
    if (t >= deadline) break;
    uint64_t nap = deadline - t < POLL_INTERVAL_MS ? deadline - t : POLL_INTERVAL_MS;
    struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(nap * 1000000u)};
    nanosleep(&ts, NULL);
  }
  ev_begin("wait-timeout");
  ev_u64("seconds", dev.opt.wait_seconds);
  ev_end();
  return false;
}

static void boot(void) {
  nvm_open_result r = nvm_open(&dev.nvm, dev.opt.nvm_path, dev.opt.nvm_size, dev.opt.provision);
  if (r == NVM_FAILED) finish(EXIT_NO_STATE, "no-state");
  if (r == NVM_MISSING) {
    fprintf(stderr, "mock-firmware: --nvm %s: missing or empty; the device has no state "
            "(a new device needs --provision)\n", dev.opt.nvm_path);
    finish(EXIT_NO_STATE, "no-state");
  }
  dev.nvm.cut_at = dev.opt.cut_at;
  dev.nvm.torn_bytes = dev.opt.torn_bytes;
  dev.nvm.torn_bytes_set = dev.opt.torn_bytes_set;
  dev.nvm.on_power_cut = on_power_cut;
  dev.storage = nvm_storage(&dev.nvm);

  if (dev.opt.provision) {
    olic_status s = olic_provision(&dev.storage);
    ev_begin("provision");
    ev_str("status", olic_status_name(s));
    ev_end();
    if (s != OLIC_OK && s != OLIC_ERR_PROVISIONED) {
      fprintf(stderr, "mock-firmware: --nvm %s: provisioning failed: %s\n", dev.opt.nvm_path,
              olic_status_name(s));
      finish(EXIT_NO_STATE, "no-state");
    }
  }

  olic_config config = {.trusted_keys = dev.trusted_keys,
                        .trusted_key_count = dev.opt.trusted_key_count,
                        .firmware_version = dev.opt.firmware_version,
                        .signature_threshold = dev.opt.threshold};
  memcpy(config.device_id, dev.device_id, sizeof config.device_id);
  olic_status s = olic_init(&dev.ctx, &config, &dev.storage);
  if (s == OLIC_OK) refresh_state();
  ev_begin("boot");
  ev_str("status", olic_status_name(s));
  ev_hex("device_id", dev.device_id, sizeof dev.device_id);
  ev_u64("firmware_version", dev.opt.firmware_version);
  ev_u64("trusted_keys", dev.opt.trusted_key_count);
  ev_u64("threshold", dev.opt.threshold);
  ev_u64("now", trusted_now());
  if (s == OLIC_OK) {
    ev_u64("last_license_id", dev.state.last_license_id);
    ev_u64("remaining", dev.state.remaining);
    ev_u64("consumed_total", dev.state.consumed_total);
    ev_u64("request_sequence", dev.state.request_sequence);
    ev_u64("time_high_water", dev.state.time_high_water);
  }
  ev_end();
  if (s != OLIC_OK) {
    /* Fail closed: blank, erased or corrupt NVM is never a fresh device. */
    fprintf(stderr, "mock-firmware: --nvm %s: no intact olic state (%s); refusing to compute\n",
            dev.opt.nvm_path, olic_status_name(s));
    finish(EXIT_NO_STATE, "no-state");
  }
}

int main(int argc, char **argv) {
  options_result r = options_parse(argc, argv, &dev.opt);
  if (r == OPTIONS_HELP) {
    options_print_usage(stdout);
    return EXIT_DONE;
  }
  events_set_json(dev.opt.json);
  dev.nvm.fd = -1;
  if (r == OPTIONS_USAGE_ERROR) finish(EXIT_USAGE, "usage");
  if (sodium_init() < 0) {
    fprintf(stderr, "mock-firmware: libsodium failed to initialise\n");
    finish(EXIT_NO_STATE, "crypto");
  }
  dev.meter.work_total = dev.opt.work;
  dev.meter.chunk = dev.opt.chunk;

  load_keys();
  boot();
  install_from_mailbox(false);

  for (;;) {
    olic_status failure = OLIC_OK;
    meter_result m = meter_run_licensed(&dev.meter, &dev.ctx, &dev.state, &failure);
    if (m == METER_DONE) finish(EXIT_DONE, "done");
    if (m == METER_FAILED) {
      fprintf(stderr, "mock-firmware: olic_reserve: %s\n", olic_status_name(failure));
      finish(EXIT_NO_STATE, failure == OLIC_ERR_STORAGE ? "storage-error" : "error");
    }
    ev_begin("exhausted");
    ev_u64("work_done", dev.meter.work_done);
    ev_u64("work_left", meter_work_left(&dev.meter));
    ev_end();
    make_request();
    if (dev.opt.wait_seconds > 0 && wait_for_license()) continue;
    if (dev.opt.throttle) {
      meter_run_throttled(&dev.meter, meter_work_left(&dev.meter), dev.opt.baseline_permille);
      finish(EXIT_DONE, "done");
    }
    ev_begin("halt");
    ev_u64("work_left", meter_work_left(&dev.meter));
    ev_end();
    finish(EXIT_HALTED, "halted");
  }
}
