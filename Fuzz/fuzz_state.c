/*
 * fuzz_state: reads its input as a program (common/state_program.h) of
 * installs, reservations, requests, power cuts and reboots on RAM storage, and
 * holds the core to the durable-state rules:
 * - a model of olic.h predicts every status and every state change, and
 *   each state change costs exactly one write, a refused call none;
 * - after a power cut at any write, with any torn prefix, reported as failure or
 *   as success, the reboot finds exactly the state before or after that
 *   operation (docs/format.md, "State in secure NVM"), and only a cut during provisioning may leave no state;
 * - allowance granted never exceeds allowance installed, and neither the
 *   license id nor the request sequence ever goes backwards;
 * - all of it on rings of 2, 3, 8 and 32 slots (256, 352, 1000 and 4096 bytes),
 *   optionally aged so that the program's first commits cross the wrap from
 *   the last slot to the first (common/state_program.h, setup byte).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/budget.h"
#include "common/oracle.h"
#include "common/ram_storage.h"
#include "common/ref_model.h"
#include "common/state_program.h"
#include "common/test_keys.h"
#include "olic.h"

enum { FIRMWARE = 7, RECORD = OLIC_STATE_RECORD_SIZE, HOUR = 3600, DAY = 86400 };
static const uint64_t START_TIME = 1767225600; /* 2026-01-01 */

typedef struct reader {
  const uint8_t *p;
  size_t n;
} reader;

static uint8_t u8(reader *r) {
  if (r->n == 0) return 0;
  r->n--;
  return *r->p++;
}
static uint16_t u16(reader *r) { return (uint16_t)(u8(r) | u8(r) << 8); }
static uint32_t u32(reader *r) { return (uint32_t)u16(r) | (uint32_t)u16(r) << 16; }

static uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }

/* Everything the harness knows that the device may not forget. */
typedef struct world {
  ram_storage nvm;
  olic_storage st;
  olic_config config;
  olic_context ctx;
  olic_state_info model;      /* what the state must be now */
  uint64_t now;
  uint64_t installed;         /* allowance of every install that became durable (saturating) */
  uint64_t granted;           /* allowance handed out by olic_reserve (saturating) */
  uint64_t max_license_id;    /* highest last_license_id ever observed */
  uint64_t max_sequence;      /* highest request_sequence ever observed */
  bool power_cut_armed;       /* the armed cut is a power loss (reboot follows) */
} world;

/* OLIC_FUZZ_TRACE=1 prints each operation and its verdict: the way to read a finding. */
static int tracing(void) {
  static int on = -1;
  if (on < 0) on = getenv("OLIC_FUZZ_TRACE") != NULL;
  return on;
}
#define TRACE(...) \
  do {             \
    if (tracing()) fprintf(stderr, __VA_ARGS__); \
  } while (0)

static void trace_state(const char *when, const olic_state_info *s) {
  TRACE("    %s: last_license_id=%llu remaining=%llu consumed=%llu sequence=%llu time=%llu\n", when,
        (unsigned long long)s->last_license_id, (unsigned long long)s->remaining,
        (unsigned long long)s->consumed_total, (unsigned long long)s->request_sequence,
        (unsigned long long)s->time_high_water);
}

static bool same_state(const olic_state_info *a, const olic_state_info *b) {
  return memcmp(a, b, sizeof *a) == 0;
}

/* The monotonic rules, on every state the device reports. */
static void observe(world *w, const olic_state_info *s) {
  ORACLE(s->last_license_id >= w->max_license_id, "license id went backwards: %llu after %llu",
         (unsigned long long)s->last_license_id, (unsigned long long)w->max_license_id);
  ORACLE(s->request_sequence >= w->max_sequence, "request sequence went backwards: %llu after %llu",
         (unsigned long long)s->request_sequence, (unsigned long long)w->max_sequence);
  ORACLE(w->granted <= w->installed, "granted %llu exceeds installed %llu",
         (unsigned long long)w->granted, (unsigned long long)w->installed);
  if (w->installed != UINT64_MAX)
    ORACLE(sat_add(w->granted, s->remaining) <= w->installed,
           "granted %llu + remaining %llu exceeds installed %llu: allowance was created",
           (unsigned long long)w->granted, (unsigned long long)s->remaining,
           (unsigned long long)w->installed);
  w->max_license_id = s->last_license_id;
  w->max_sequence = s->request_sequence;
}

static olic_state_info current(const world *w) {
  olic_state_info s;
  ORACLE(olic_state(&w->ctx, &s) == OLIC_OK, "olic_state refused a ready context");
  return s;
}

static void reboot(world *w) {
  olic_status s = olic_init(&w->ctx, &w->config, &w->st);
  ORACLE(s == OLIC_OK, "reboot: olic_init says %s", olic_status_name(s));
}

/* Whether the last operation must be followed by a reboot that may find either
   state: a power cut in its write, or a write that reported failure but left the
   whole new record in NVM (its old tail happened to match). In the second case
   the context rightly keeps the old state while NVM holds the new one, so only a
   reboot tells which one the device has. */
static bool lost_power(const world *w) {
  return w->nvm.cut_happened && (w->power_cut_armed || w->nvm.cut_complete);
}

/* Ends one operation: a power cut during it means a reboot that must find the
   state before or after it; otherwise the model's prediction must hold. */
static void settle(world *w, const olic_state_info *before, const olic_state_info *after,
                   olic_status status, olic_status expected, uint32_t writes, uint64_t allowance) {
  bool changed = expected == OLIC_OK;
  TRACE("  -> %s (model: %s)%s\n", olic_status_name(status), olic_status_name(expected),
        !w->nvm.cut_happened       ? ""
        : w->power_cut_armed       ? ", power cut in its write"
        : w->nvm.cut_complete      ? ", its write failed but landed whole"
                                   : ", its write failed");
  if (w->nvm.cut_happened) {
    ORACLE(changed, "a refused call (%s) wrote to storage", olic_status_name(expected));
    ORACLE(w->nvm.writes == writes + 1, "%u writes for one state change", w->nvm.writes - writes);
  }
  if (lost_power(w)) {
    w->nvm.cut_happened = false;
    ORACLE(status == (w->nvm.cut_reports_ok ? OLIC_OK : OLIC_ERR_STORAGE),
           "a torn write reported %s gave %s", w->nvm.cut_reports_ok ? "ok" : "failure",
           olic_status_name(status));
    reboot(w);
    olic_state_info s = current(w);
    trace_state("before", before);
    trace_state("after ", after);
    trace_state("reboot", &s);
    bool is_before = same_state(&s, before), is_after = same_state(&s, after);
    ORACLE(is_before || is_after, "after a cut at byte %u, the state is neither before nor after",
           w->nvm.cut_prefix);
    if (is_after && !is_before) w->installed = sat_add(w->installed, allowance);
    w->model = s;
    observe(w, &s);
    return;
  }
  if (w->nvm.cut_happened) { /* a write that failed without power loss */
    w->nvm.cut_happened = false;
    ORACLE(status == OLIC_ERR_STORAGE, "a failed write gave %s", olic_status_name(status));
    olic_state_info s = current(w);
    ORACLE(same_state(&s, before), "a failed write changed the context's state");
    return;
  }
  ORACLE(status == expected, "got %s, the model expects %s", olic_status_name(status),
         olic_status_name(expected));
  ORACLE(w->nvm.writes == writes + (changed ? 1 : 0), "%u writes for a call that %s",
         w->nvm.writes - writes, changed ? "changes state" : "changes nothing");
  olic_state_info s = current(w);
  ORACLE(same_state(&s, changed ? after : before), "state after %s is not the model's",
         olic_status_name(status));
  if (changed) w->installed = sat_add(w->installed, allowance);
  w->model = s;
  observe(w, &s);
}

/* Builds a license for OP_INSTALL from its operands, with olic_encode_license;
   the caller signs it (after any mutation: one signature per install). */
static size_t build_license(world *w, reader *r, uint8_t *out, size_t cap, int *signer_is_stranger) {
  int8_t delta = (int8_t)u8(r);
  uint32_t allowance = u32(r);
  uint8_t flags = u8(r), window = u8(r);
  uint64_t id = w->model.last_license_id + (uint64_t)(int64_t)delta;
  olic_license f = test_fields(id ? id : 1, allowance ? allowance : UINT64_MAX - 5);
  uint64_t base = w->now ? w->now : START_TIME;
  if (flags & LICENSE_VALIDITY) {
    f.has_validity = true;
    f.not_before = base - (uint64_t)(window & 15) * DAY;
    f.not_after = base + (uint64_t)(window >> 4) * DAY;
  }
  if (flags & (LICENSE_BIND | LICENSE_BIND_WRONG)) {
    f.has_bind_request = true;
    f.bind_request = w->model.request_sequence + ((flags & LICENSE_BIND_WRONG) ? 1 : 0);
    if (f.bind_request == 0) f.bind_request = 1;
  }
  f.min_firmware_version = (flags & LICENSE_NEWER_FIRMWARE) ? FIRMWARE + 1 : FIRMWARE;
  if (flags & LICENSE_OTHER_DEVICE) f.device_id[0] ^= 1;
  static const uint8_t value[3] = {1, 2, 3};
  olic_extension extra[2];
  size_t n = 0;
  if (flags & LICENSE_UNKNOWN_OPTIONAL) extra[n++] = (olic_extension){.type = 0x0042, .length = 3, .value = value};
  if (flags & LICENSE_UNKNOWN_CRITICAL) extra[n++] = (olic_extension){.type = 0x8042, .length = 0, .value = NULL};
  size_t len = 0;
  olic_status s = olic_encode_license(&f, n ? extra : NULL, n, out, cap, &len);
  ORACLE(s == OLIC_OK, "encoding a well-formed license failed: %s", olic_status_name(s));
  *signer_is_stranger = (flags & LICENSE_STRANGER_KEY) != 0;
  return len;
}

static void op_install(world *w, reader *r, bool mutate) {
  const test_keys *k = test_keys_get();
  uint8_t lic[OLIC_LICENSE_MAX_SIZE];
  int stranger = 0;
  size_t len = build_license(w, r, lic, sizeof lic, &stranger);
  if (mutate) {
    unsigned count = u8(r) % 4;
    for (unsigned i = 0; i < count; i++) {
      uint16_t at = u16(r);
      lic[at % len] ^= u8(r);
    }
  }
  test_sign(lic, len, stranger ? k->stranger_sk : k->regulator_sk);
  /* Signed just now over the final bytes: valid exactly when the regulator signed.
     olic_check is fuzz_check's business; here install's own status is compared. */
  olic_state_info before = w->model;
  ref_device device = {.trusted_keys = k->regulator_pk, .key_count = 1, .state = before};
  memcpy(device.device_id, k->device_id, sizeof device.device_id);
  olic_status expected = ref_check_signed(&device, lic, len, w->now, !stranger);

  olic_state_info after = before;
  uint64_t allowance = 0;
  if (expected == OLIC_OK) {
    olic_license parsed;
    ORACLE(olic_parse(lic, len, &parsed) == OLIC_OK, "checked license does not parse");
    allowance = parsed.allowance;
    after.last_license_id = parsed.license_id;
    after.remaining = sat_add(before.remaining, parsed.allowance);
    if (w->now > after.time_high_water) after.time_high_water = w->now;
  }
  uint32_t writes = w->nvm.writes;
  olic_status s = olic_install(&w->ctx, lic, len, w->now);
  settle(w, &before, &after, s, expected, writes, allowance);
}

static void op_reserve(world *w, reader *r) {
  uint32_t raw = u32(r);
  uint64_t want = raw == UINT32_MAX ? UINT64_MAX : raw;
  olic_state_info before = w->model, after = before;
  olic_status expected = want == 0 ? OLIC_ERR_ARGUMENT : before.remaining == 0 ? OLIC_ERR_EXHAUSTED : OLIC_OK;
  uint64_t g = want < before.remaining ? want : before.remaining;
  if (expected == OLIC_OK) {
    after.remaining -= g;
    after.consumed_total = sat_add(after.consumed_total, g);
  }
  uint32_t writes = w->nvm.writes;
  uint64_t granted = 12345;
  olic_status s = olic_reserve(&w->ctx, want, &granted);
  bool cut = lost_power(w);
  bool failed_write = w->nvm.cut_happened && !cut;
  settle(w, &before, &after, s, expected, writes, 0);
  if (cut) return; /* the power went: nothing was granted, whatever the call said */
  if (s == OLIC_OK && !failed_write) {
    ORACLE(granted == g, "granted %llu, expected %llu", (unsigned long long)granted, (unsigned long long)g);
    w->granted = sat_add(w->granted, granted);
    observe(w, &w->model);
  } else {
    ORACLE(granted == 0, "*granted = %llu on %s", (unsigned long long)granted, olic_status_name(s));
  }
}

static void op_request(world *w, reader *r) {
  const test_keys *k = test_keys_get();
  uint8_t flags = u8(r);
  uint8_t key[OLIC_SECRET_KEY_SIZE];
  memcpy(key, k->device_sk, sizeof key);
  if (flags & 1) memcpy(key + 32, k->stranger_pk, 32); /* a seed with someone else's public half */
  uint8_t out[OLIC_REQUEST_SIZE + 8];
  size_t capacity = (flags & 2) ? OLIC_REQUEST_SIZE - 1 : sizeof out, out_len = 99;
  olic_state_info before = w->model, after = before;
  olic_status expected = (flags & 2)                                ? OLIC_ERR_BUFFER
                         : (flags & 1)                              ? OLIC_ERR_ARGUMENT
                         : before.request_sequence == UINT64_MAX   ? OLIC_ERR_EXHAUSTED
                                                                    : OLIC_OK;
  if (expected == OLIC_OK) after.request_sequence++;
  uint32_t writes = w->nvm.writes;
  olic_status s = olic_make_request(&w->ctx, key, out, capacity, &out_len);
  bool cut = w->nvm.cut_happened;
  settle(w, &before, &after, s, expected, writes, 0);
  if (cut) return;
  if (s != OLIC_OK) {
    ORACLE(out_len == 0, "*out_len = %zu on %s", out_len, olic_status_name(s));
    return;
  }
  ORACLE(out_len == OLIC_REQUEST_SIZE, "request of %zu bytes", out_len);
  olic_request q;
  ORACLE(olic_verify_request(out, out_len, &q) == OLIC_OK, "the device's own request does not verify");
  ORACLE(memcmp(q.device_id, k->device_id, 32) == 0 && memcmp(q.device_public_key, k->device_pk, 32) == 0 &&
             q.last_license_id == after.last_license_id && q.remaining == after.remaining &&
             q.consumed_total == after.consumed_total && q.request_sequence == after.request_sequence &&
             q.firmware_version == FIRMWARE && q.time_high_water == after.time_high_water,
         "the request does not report the committed state");
}

static void op_fail_reads(world *w) {
  w->nvm.fail_reads = true;
  olic_status s = olic_init(&w->ctx, &w->config, &w->st);
  ORACLE(s == OLIC_ERR_STORAGE, "init with failing reads says %s", olic_status_name(s));
  uint64_t granted = 1;
  olic_state_info info;
  ORACLE(olic_reserve(&w->ctx, 1, &granted) == OLIC_ERR_STATE && granted == 0, "failed init left a usable context");
  ORACLE(olic_state(&w->ctx, &info) == OLIC_ERR_STATE, "failed init left a readable context");
  w->nvm.fail_reads = false;
  reboot(w);
  olic_state_info now = current(w);
  ORACLE(same_state(&now, &w->model), "state changed across a failed boot");
}

static uint32_t ring_slots(uint32_t size) {
  uint32_t n = (size - OLIC_STATE_RECORD_SIZE) / OLIC_STATE_SLOT_STRIDE + 1u;
  return n < OLIC_STATE_MAX_SLOTS ? n : OLIC_STATE_MAX_SLOTS;
}

/* Ageing (state_program.h): after provisioning, one install of 1,000,000 units
   and single-unit reservations until the next `age` commits end in the wrap,
   with the ring already round twice so that every slot holds an older record. */
static void age_device(world *w, unsigned age) {
  uint32_t slots = ring_slots(w->nvm.size);
  /* The provisioned record is commit 0 in slot 0; after k commits the current
     slot is k mod slots, and the wrap is the commit that makes k a multiple. */
  uint32_t k = 2u * slots + (slots - age % slots) % slots;
  olic_license f = test_fields(1, 1000000);
  uint8_t lic[OLIC_LICENSE_MAX_SIZE];
  size_t len = 0;
  ORACLE(test_issue(&f, NULL, 0, lic, sizeof lic, &len) == OLIC_OK, "ageing: issuing failed");
  uint32_t writes = w->nvm.writes;
  olic_status s = olic_install(&w->ctx, lic, len, w->now);
  ORACLE(s == OLIC_OK, "ageing: install says %s", olic_status_name(s));
  for (uint32_t i = 1; i < k; i++) {
    uint64_t granted = 0;
    s = olic_reserve(&w->ctx, 1, &granted);
    ORACLE(s == OLIC_OK && granted == 1, "ageing: reserve %u says %s", i, olic_status_name(s));
  }
  ORACLE(w->nvm.writes == writes + k, "ageing: %u writes for %u commits", w->nvm.writes - writes, k);
  w->model.last_license_id = 1;
  w->model.remaining = 1000000u - (k - 1u);
  w->model.consumed_total = k - 1u;
  w->model.time_high_water = w->now;
  w->installed = 1000000;
  w->granted = k - 1u;
  reboot(w);
  olic_state_info now = current(w);
  ORACLE(same_state(&now, &w->model), "ageing: the reboot found another state");
  observe(w, &now);
}

/* Factory: blank or erased storage is never a device; provisioning may be cut. */
static void factory(world *w, reader *r) {
  static const uint32_t sizes[] = STATE_SIZES;
  uint8_t setup = u8(r);
  uint32_t size = sizes[(setup >> STATE_SETUP_SIZE_SHIFT) & 3u];
  ram_storage_reset_sized(&w->nvm, (setup & STATE_SETUP_ERASED) ? 0xFF : 0x00, size);
  w->st = ram_storage_api(&w->nvm);
  w->config = test_config(FIRMWARE);
  ORACLE(olic_init(&w->ctx, &w->config, &w->st) == OLIC_ERR_STATE, "blank storage taken for a device");
  if (setup & STATE_SETUP_CUT_PROVISION) {
    uint8_t prefix = u8(r);
    bool reports_ok = (setup & STATE_SETUP_CUT_REPORTS_OK) != 0;
    ram_storage_arm_cut(&w->nvm, 0, prefix, reports_ok);
    olic_status s = olic_provision(&w->st);
    ORACLE(w->nvm.cut_happened, "provision did not write");
    w->nvm.cut_happened = false;
    ORACLE(s == (reports_ok ? OLIC_OK : OLIC_ERR_STORAGE), "torn provision gave %s", olic_status_name(s));
    s = olic_init(&w->ctx, &w->config, &w->st);
    ORACLE(s == OLIC_OK || s == OLIC_ERR_STATE, "init after a torn provision says %s", olic_status_name(s));
    if (s == OLIC_ERR_STATE) ORACLE(olic_provision(&w->st) == OLIC_OK, "provision cannot run again");
  } else {
    ORACLE(olic_provision(&w->st) == OLIC_OK, "provision failed");
  }
  reboot(w);
  olic_state_info s = current(w), fresh;
  memset(&fresh, 0, sizeof fresh);
  fresh.firmware_version = FIRMWARE;
  ORACLE(same_state(&s, &fresh), "a provisioned device does not start empty");
  w->model = s;
  unsigned age = setup >> STATE_SETUP_AGE_SHIFT;
  if (age != 0) age_device(w, age);
}

static void one_input(const uint8_t *data, size_t size) {
  static world w;
  memset(&w, 0, sizeof w);
  w.now = START_TIME;
  reader r = {data, size};
  factory(&w, &r);
  static const char *const names[OP_COUNT] = {"install", "install-mutated", "reserve", "request", "cut",
                                              "reboot", "clock", "fail-write", "provision", "fail-reads"};
  for (int ops = 0; r.n > 0 && ops < STATE_MAX_OPS; ops++) {
    unsigned op = u8(&r) % OP_COUNT;
    TRACE("op %d: %s (now=%llu)\n", ops, names[op], (unsigned long long)w.now);
    switch (op) {
      case OP_INSTALL: op_install(&w, &r, false); break;
      case OP_INSTALL_MUTATED: op_install(&w, &r, true); break;
      case OP_RESERVE: op_reserve(&w, &r); break;
      case OP_REQUEST: op_request(&w, &r); break;
      case OP_CUT: {
        uint8_t nth = u8(&r), prefix = u8(&r);
        ram_storage_arm_cut(&w.nvm, nth & 3u, prefix % (RECORD + 1), (nth & 0x80) != 0);
        w.power_cut_armed = true;
        break;
      }
      case OP_REBOOT: {
        reboot(&w);
        olic_state_info s = current(&w);
        ORACLE(same_state(&s, &w.model), "a clean reboot changed the state");
        break;
      }
      case OP_CLOCK: {
        int8_t delta = (int8_t)u8(&r);
        if (delta == 0) w.now = 0;
        else {
          int64_t t = (int64_t)(w.now ? w.now : START_TIME) + (int64_t)delta * HOUR;
          w.now = (uint64_t)(t > 0 ? t : 1);
        }
        break;
      }
      case OP_FAIL_WRITE:
        ram_storage_arm_cut(&w.nvm, 0, u8(&r) % RECORD, false);
        w.power_cut_armed = false;
        break;
      case OP_PROVISION: {
        uint32_t writes = w.nvm.writes;
        ORACLE(olic_provision(&w.st) == OLIC_ERR_PROVISIONED, "provision over a live state");
        ORACLE(w.nvm.writes == writes, "a refused provision wrote");
        break;
      }
      case OP_FAIL_READS: op_fail_reads(&w); break;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  budget_run("fuzz_state", one_input, data, size);
  return 0;
}
