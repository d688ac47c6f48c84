/*
 * The device's secure NVM, simulated in a RAM section (.secure_nvm, see
 * link.ld) behind olic's storage callbacks, with the faults the scenario needs:
 * a power cut that tears a write after any number of bytes.
 */
#ifndef OLIC_BAREMETAL_NVM_H
#define OLIC_BAREMETAL_NVM_H

#include <stdbool.h>
#include <stdint.h>

#include "olic.h"

/* olic uses OLIC_STORAGE_MIN_SIZE bytes; the image is that size so that every
   byte of it is covered by the power-cut sweeps. */
#define NVM_SIZE ((uint32_t)OLIC_STORAGE_MIN_SIZE)

typedef struct nvm_image {
  uint8_t bytes[NVM_SIZE];
} nvm_image;

/* The callbacks olic is given (storage->ctx is unused: there is one NVM). */
extern const olic_storage nvm_storage;

/* Fills the NVM with `byte` (0xff: erased flash; 0x00: cleared) and powers it. */
void nvm_erase(uint8_t byte);

/* Snapshot and restore of the whole NVM, for the power-cut sweeps. */
void nvm_save(nvm_image *out);
void nvm_restore(const nvm_image *in);

/* Arms a power cut: the next write lands its first `bytes_landed` bytes over the
   old content (a torn prefix, as spec section 6 describes) and then the power is
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

#endif
