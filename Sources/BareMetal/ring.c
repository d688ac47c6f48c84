/* The ring on larger NVMs; see ring.h. */
#include "ring.h"

#include <string.h>

#include "blobs.h"
#include "expect.h"
#include "measure.h"
#include "nvm.h"
#include "power_cut.h"

static olic_context ctx;

static uint32_t slots(uint32_t size) {
  uint32_t n = (size - OLIC_STATE_RECORD_SIZE) / OLIC_STATE_SLOT_STRIDE + 1u;
  return n < OLIC_STATE_MAX_SLOTS ? n : OLIC_STATE_MAX_SLOTS;
}

static olic_status op_reserve_one(olic_context *c, const void *arg) {
  (void)arg;
  uint64_t granted;
  return olic_reserve(c, 1, &granted);
}

static olic_status op_request(olic_context *c, const void *arg) {
  uint8_t request[OLIC_REQUEST_SIZE];
  size_t len;
  return olic_make_request(c, arg, request, sizeof request, &len);
}

/* Erased NVM of `size`, provisioned (slot 0) and booted, the first license
   installed (slot 1), then `commits` reservations of one unit. */
static bool fresh_device(const olic_config *config, uint32_t size, uint32_t commits) {
  nvm_resize(size, 0xff);
  if (!expect_status("ring: provision", olic_provision(&nvm_storage), OLIC_OK) ||
      !expect_status("ring: init", olic_init(&ctx, config, &nvm_storage), OLIC_OK) ||
      !expect_status("ring: install", olic_install(&ctx, blob_license_first, blob_license_first_len,
                                                   blob_now), OLIC_OK)) {
    return false;
  }
  uint64_t granted;
  for (uint32_t i = 0; i < commits; i++) {
    if (olic_reserve(&ctx, 1, &granted) != OLIC_OK) {
      return expect_true("ring: reserve to advance", false);
    }
  }
  return true;
}

static void sweep_at(const olic_config *config, const char *name, uint32_t target,
                     nvm_operation op, const void *arg) {
  power_cut_sweep(name, config, op, arg);
  expect_true("ring: the sweep wrote the slot after the current one",
              nvm_last_write_offset() == target * OLIC_STATE_SLOT_STRIDE);
}

void ring_power_cuts(const olic_config *config) {
  static const uint32_t sizes[] = {1000u, 4096u};
  for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    uint32_t size = sizes[i], n = slots(size);
    console_puts("     ring of ");
    console_put_u64(n);
    console_puts(" slots in ");
    console_put_u64(size);
    console_puts(" bytes");
    console_newline();
    /* Provision and install are commits 1 and 2 (slots 0 and 1); n - 2 more put
       the current record in the last slot, and n more make that a second lap. */
    if (!fresh_device(config, size, 2u * n - 2u)) {
      continue;
    }
    sweep_at(config, size == 1000u ? "the wrap, 1000 B" : "the wrap, 4 KiB", 0, op_reserve_one, NULL);
    sweep_at(config, size == 1000u ? "slot 0 -> 1, 1000 B" : "slot 0 -> 1, 4 KiB", 1, op_request,
             blob_device_secret_key);
    /* Half a lap on: a commit over the previous lap's record in mid-ring. The
       sweeps ran on their own contexts, so this one boots first. */
    olic_state_info state;
    expect_status("ring: reboot between the sweeps", reboot(&ctx, config, &state), OLIC_OK);
    uint64_t granted;
    uint32_t advanced = 0;
    for (uint32_t k = 0; k < n / 2u; k++) {
      advanced += olic_reserve(&ctx, 1, &granted) == OLIC_OK;
    }
    expect_true("ring: half a lap of reservations", advanced == n / 2u);
    sweep_at(config, size == 1000u ? "mid-ring, 1000 B" : "mid-ring, 4 KiB", 2u + n / 2u,
             op_reserve_one, NULL);
    expect_status("ring: reboot after the sweeps", reboot(&ctx, config, &state), OLIC_OK);
    /* 2n - 2 + 1 + n/2 + 1 units reserved, one request. */
    expect_true("ring: state after the sweeps",
                state.consumed_total == 2u * n + n / 2u && state.request_sequence == 1u &&
                    state.remaining == blob_license_first_allowance - state.consumed_total);
  }
  expect_true("ring: olic stayed inside the storage it was given", nvm_out_of_bounds() == 0u);
}

static void measure_init(const olic_config *config, const char *name, olic_status want) {
  olic_status st;
  cost c;
  MEASURE(c, st = olic_init(&ctx, config, &nvm_storage));
  expect_status(name, st, want);
  metric_cost(name, c);
}

void ring_boot_costs(const olic_config *config) {
  static const struct {
    uint32_t size;
    const char *healthy, *torn;
  } cases[] = {
      {256u, "init_256", "init_torn_256"},
      {4096u, "init_4096", "init_torn_4096"},
      {65536u, "init_65536", "init_torn_65536"},
  };
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint32_t n = slots(cases[i].size);
    if (!fresh_device(config, cases[i].size, n + 3u)) {
      continue;
    }
    measure_init(config, cases[i].healthy, OLIC_OK);
    /* A commit torn after 40 bytes: its header claims the next generation. */
    nvm_arm_cut(40);
    uint64_t granted;
    expect_status("ring: torn reserve", olic_reserve(&ctx, 1, &granted), OLIC_ERR_STORAGE);
    nvm_power_on();
    measure_init(config, cases[i].torn, OLIC_OK);
  }
  /* The worst case: every slot's header claims a distinct generation and no
     record is intact. Boot checks each once and finds no state. */
  nvm_resize(65536u, 0x5a);
  uint8_t *b = nvm_bytes();
  for (uint32_t s = 0; s < OLIC_STATE_MAX_SLOTS; s++) {
    uint8_t *h = b + s * OLIC_STATE_SLOT_STRIDE;
    memcpy(h, "OLST\x01\x00\x00\x00", 8);
    uint64_t g = (uint64_t)s * 7u + 1u;
    for (unsigned k = 0; k < 8; k++) h[8 + k] = (uint8_t)(g >> (8 * k));
  }
  measure_init(config, "init_corrupt_65536", OLIC_ERR_STATE);
  expect_true("ring: boot costs stayed inside the storage", nvm_out_of_bounds() == 0u);
  nvm_resize(OLIC_STORAGE_MIN_SIZE, 0xff);
}
