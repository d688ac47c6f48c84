/*
 * Power cuts at every byte of an NVM write (docs/format.md, "State in secure NVM"): for each prefix
 * length k of the operation's one write, restore the NVM as it was, cut the
 * power after k bytes, reboot, and require that olic_init recovers exactly the
 * state before the operation or exactly the state after it (k = 0 must give
 * "before" and a complete write "after").
 */
#ifndef OLIC_BAREMETAL_POWER_CUT_H
#define OLIC_BAREMETAL_POWER_CUT_H

#include <stdbool.h>

#include "olic.h"

/* One state-changing call on a booted context. */
typedef olic_status (*nvm_operation)(olic_context *ctx, const void *arg);

/* Sweeps `op` over every torn prefix; returns true if every reboot recovered.
   Leaves the NVM holding the state after one complete `op`. */
bool power_cut_sweep(const char *name, const olic_config *config, nvm_operation op,
                     const void *arg);

/* The same for olic_provision on erased storage, the one case with no "before"
   state: a reboot must find either no state (OLIC_ERR_STATE, after which
   provisioning runs again) or the provisioned one. */
bool power_cut_sweep_provision(const olic_config *config);

/* A reboot: RAM (the context) is lost, then olic_init and olic_state. */
olic_status reboot(olic_context *ctx, const olic_config *config, olic_state_info *state);

#endif
