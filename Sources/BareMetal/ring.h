/*
 * The ring of record slots on larger NVMs (docs/format.md, "State in secure
 * NVM"): power-cut sweeps at every byte of the commit that wraps from the last
 * slot to the first, on 1000 bytes (8 slots, not a multiple of the stride) and
 * 4 KiB (32 slots), and olic_init's cost at 256 B, 4 KiB and 64 KiB.
 */
#ifndef OLIC_BAREMETAL_RING_H
#define OLIC_BAREMETAL_RING_H

#include "olic.h"

/* Runs the sweeps; failures are counted by expect.h. */
void ring_power_cuts(const olic_config *config);

/* Prints init_<size>_instructions (a healthy ring, past its first wrap),
   init_torn_<size>_instructions (after a torn commit) and, at 64 KiB,
   init_corrupt_65536_instructions (every slot claims a generation, none intact). */
void ring_boot_costs(const olic_config *config);

#endif
