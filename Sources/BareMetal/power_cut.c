/* Power-cut sweeps; see power_cut.h. */
#include "power_cut.h"

#include <string.h>

#include "expect.h"
#include "nvm.h"
#include "platform.h"

olic_status reboot(olic_context *ctx, const olic_config *config, olic_state_info *state) {
  memset(ctx, 0, sizeof *ctx); /* a reset loses RAM */
  memset(state, 0, sizeof *state);
  olic_status st = olic_init(ctx, config, &nvm_storage);
  if (st != OLIC_OK) {
    return st;
  }
  return olic_state(ctx, state);
}

static bool same_state(const olic_state_info *a, const olic_state_info *b) {
  return memcmp(a, b, sizeof *a) == 0;
}

static void summary(const char *name, uint32_t length, uint32_t befores, const char *before_name,
                    uint32_t afters) {
  console_puts("     power cut during ");
  console_puts(name);
  console_puts(": ");
  console_put_u64(length + 1u);
  console_puts(" torn writes (0..");
  console_put_u64(length);
  console_puts(" bytes landed), ");
  console_put_u64(befores);
  console_puts(" rebooted to ");
  console_puts(before_name);
  console_puts(", ");
  console_put_u64(afters);
  console_puts(" to the state after");
  console_newline();
}

bool power_cut_sweep(const char *name, const olic_config *config, nvm_operation op,
                     const void *arg) {
  /* 64 KiB each at the largest size: static, off the stack. */
  static nvm_image before_image, after_image;
  olic_state_info before, after, got;
  olic_context ctx;
  uint32_t failures = expect_failures();

  /* One complete run gives the "after" state and the length of the write. */
  nvm_save(&before_image);
  if (!expect_status("power cut: boot before", reboot(&ctx, config, &before), OLIC_OK)) {
    return false;
  }
  uint32_t writes = nvm_write_count();
  if (!expect_status(name, op(&ctx, arg), OLIC_OK) ||
      !expect_true("power cut: the operation is one NVM write", nvm_write_count() == writes + 1u)) {
    return false;
  }
  uint32_t length = nvm_last_write_length();
  nvm_save(&after_image);
  if (!expect_status("power cut: boot after", reboot(&ctx, config, &after), OLIC_OK)) {
    return false;
  }

  uint32_t befores = 0, afters = 0;
  for (uint32_t k = 0; k <= length; k++) {
    nvm_restore(&before_image);
    nvm_power_on();
    if (!expect_status_quiet("power cut: boot", k, reboot(&ctx, config, &got), OLIC_OK)) {
      continue;
    }
    nvm_arm_cut(k);
    expect_status_quiet("power cut: the cut call fails", k, op(&ctx, arg), OLIC_ERR_STORAGE);
    nvm_power_on();
    if (!expect_status_quiet("power cut: reboot", k, reboot(&ctx, config, &got), OLIC_OK)) {
      continue;
    }
    bool is_before = same_state(&got, &before), is_after = same_state(&got, &after);
    befores += is_before;
    afters += is_after;
    expect_true_quiet("power cut: reboot to exactly before or after", k, is_before || is_after);
    expect_true_quiet("power cut: no byte landed gives before", k, k != 0u || is_before);
    expect_true_quiet("power cut: the whole write gives after", k, k != length || is_after);
  }
  nvm_restore(&after_image);
  nvm_power_on();
  summary(name, length, befores, "the state before", afters);
  return expect_failures() == failures;
}

bool power_cut_sweep_provision(const olic_config *config) {
  static nvm_image blank_image, after_image;
  olic_state_info after, got;
  olic_context ctx;
  uint32_t failures = expect_failures();

  nvm_save(&blank_image);
  if (!expect_status("olic_provision (blank)", olic_provision(&nvm_storage), OLIC_OK)) {
    return false;
  }
  uint32_t length = nvm_last_write_length();
  nvm_save(&after_image);
  if (!expect_status("power cut: boot after provisioning", reboot(&ctx, config, &after), OLIC_OK)) {
    return false;
  }

  uint32_t blanks = 0, afters = 0;
  for (uint32_t k = 0; k <= length; k++) {
    nvm_restore(&blank_image);
    nvm_power_on();
    nvm_arm_cut(k);
    expect_status_quiet("power cut: the cut provision fails", k, olic_provision(&nvm_storage),
                        OLIC_ERR_STORAGE);
    nvm_power_on();
    olic_status st = reboot(&ctx, config, &got);
    bool no_state = st == OLIC_ERR_STATE;
    expect_true_quiet("power cut: reboot finds no state or the provisioned one", k,
                      no_state || st == OLIC_OK);
    expect_true_quiet("power cut: no byte landed gives no state", k, k != 0u || no_state);
    expect_true_quiet("power cut: the whole write gives the state", k, k != length || !no_state);
    if (no_state) {
      /* The factory provisions again, and that must work. */
      blanks++;
      expect_status_quiet("power cut: provision again", k, olic_provision(&nvm_storage), OLIC_OK);
      st = reboot(&ctx, config, &got);
    } else {
      afters++;
    }
    expect_status_quiet("power cut: boot after provisioning", k, st, OLIC_OK);
    expect_true_quiet("power cut: provisioned state", k, same_state(&got, &after));
  }
  nvm_restore(&after_image);
  nvm_power_on();
  summary("olic_provision on erased NVM", length, blanks, "no state", afters);
  return expect_failures() == failures;
}
