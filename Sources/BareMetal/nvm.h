/*
 * The device's secure NVM, simulated in a RAM section (.secure_nvm, see
 * link.ld) behind olic's storage callbacks, with the faults the scenario needs:
 * a power cut that tears a write after any number of bytes.
 *
 * The window is NVM_CAPACITY bytes; olic is given the first nvm_storage.size of
 * them (nvm_resize), 256 for the main scenario and up to 64 KiB for the ring's
 * sweeps and boot figures. Any access past that size fails and is counted.
 */
#ifndef OLIC_BAREMETAL_NVM_H
#define OLIC_BAREMETAL_NVM_H

#include <stdbool.h>
#include <stdint.h>

#include "olic.h"

/* 64 KiB: the ring's cap, OLIC_STATE_MAX_SLOTS slots of OLIC_STATE_SLOT_STRIDE. */
#define NVM_CAPACITY ((uint32_t)OLIC_STATE_MAX_SLOTS * (uint32_t)OLIC_STATE_SLOT_STRIDE)

/* A snapshot: 64 KiB, so never on the stack (the sweeps keep theirs static). */
typedef struct nvm_image {
  uint32_t size;
  uint8_t bytes[NVM_CAPACITY];
} nvm_image;

/* The callbacks olic is given (storage->ctx is unused: there is one NVM); its
   size is the one nvm_resize last set, OLIC_STORAGE_MIN_SIZE at reset. */
extern olic_storage nvm_storage;

/* Gives olic `size` bytes (OLIC_STORAGE_MIN_SIZE..NVM_CAPACITY) and erases them. */
void nvm_resize(uint32_t size, uint8_t byte);

/* Fills the NVM with `byte` (0xff: erased flash; 0x00: cleared) and powers it. */
void nvm_erase(uint8_t byte);

/* Direct access to the medium, for tests that plant bytes olic never wrote. */
uint8_t *nvm_bytes(void);

/* Snapshot and restore of the whole NVM, for the power-cut sweeps. */
void nvm_save(nvm_image *out);
void nvm_restore(const nvm_image *in);

/* Arms a power cut: the next write lands its first `bytes_landed` bytes over the
   old content (a torn prefix, as docs/format.md, "State in secure NVM", describes) and then the power is
   gone: that write and every later read or write fails until nvm_power_on. A real
   cut never returns to the caller; here the call fails with OLIC_ERR_STORAGE and
   the scenario throws its RAM state away, which is what a reset does. */
void nvm_arm_cut(uint32_t bytes_landed);

/* The reboot after a cut: the NVM answers again, with whatever it holds. */
void nvm_power_on(void);

/* Counters since the last nvm_erase: completed writes, and the length of the
   last write call (torn or not). */
uint32_t nvm_write_count(void);
uint32_t nvm_last_write_length(void);
uint32_t nvm_last_write_offset(void);

/* Accesses outside [0, nvm_storage.size) since reset: olic must make none. */
uint32_t nvm_out_of_bounds(void);

#endif
