/*
 * The scenario's verdicts. Every expectation prints one line and a failure is
 * remembered, so a run shows all that went wrong, and main's exit status (QEMU's
 * exit status) is 0 only if nothing did.
 */
#ifndef OLIC_BAREMETAL_EXPECT_H
#define OLIC_BAREMETAL_EXPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "olic.h"

/* Exactly `want`, compared as enum values; both printed by olic_status_name. */
bool expect_status(const char *what, olic_status got, olic_status want);

/* Any other condition. */
bool expect_true(const char *what, bool ok);

/* The same two without the "ok" line, for loops that report a summary instead. */
bool expect_status_quiet(const char *what, uint32_t index, olic_status got, olic_status want);
bool expect_true_quiet(const char *what, uint32_t index, bool ok);

/* Expectations that failed, and that held, quiet ones included. */
uint32_t expect_failures(void);
uint32_t expect_passes(void);

#endif
