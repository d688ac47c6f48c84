/* Verdict bookkeeping; see expect.h. */
#include "expect.h"

#include "platform.h"

static uint32_t passes, failures;

static void report(bool ok, const char *what, const uint32_t *index) {
  console_puts(ok ? "ok   " : "FAIL ");
  console_puts(what);
  if (index != NULL) {
    console_puts(" #");
    console_put_u64(*index);
  }
}

static bool status_line(const char *what, const uint32_t *index, olic_status got,
                        olic_status want, bool quiet) {
  bool ok = got == want;
  passes += ok;
  if (ok && quiet) {
    return true;
  }
  report(ok, what, index);
  console_puts(": ");
  console_puts(olic_status_name(got));
  if (!ok) {
    failures++;
    console_puts(", want ");
    console_puts(olic_status_name(want));
  }
  console_newline();
  return ok;
}

static bool true_line(const char *what, const uint32_t *index, bool ok, bool quiet) {
  passes += ok;
  if (ok && quiet) {
    return true;
  }
  report(ok, what, index);
  console_newline();
  if (!ok) {
    failures++;
  }
  return ok;
}

bool expect_status(const char *what, olic_status got, olic_status want) {
  return status_line(what, NULL, got, want, false);
}

bool expect_true(const char *what, bool ok) { return true_line(what, NULL, ok, false); }

bool expect_status_quiet(const char *what, uint32_t index, olic_status got, olic_status want) {
  return status_line(what, &index, got, want, true);
}

bool expect_true_quiet(const char *what, uint32_t index, bool ok) {
  return true_line(what, &index, ok, true);
}

uint32_t expect_failures(void) { return failures; }

uint32_t expect_passes(void) { return passes; }
