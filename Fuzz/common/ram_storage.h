/*
 * ram_storage: the olic_storage callbacks over a static byte array, with the
 * faults a chip's secure NVM can show: a write torn by a power cut after any
 * prefix, reported as failure or (as a write the chip never got to finish
 * would look to code that kept running) as success, and failing reads.
 *
 * Every access outside the storage's size aborts: olic promises to stay inside
 * [0, storage->size), and a fuzzer should say so loudly if it does not. The
 * size is OLIC_STORAGE_MIN_SIZE unless ram_storage_reset_sized chose another
 * (fuzz_state runs rings of several sizes).
 */
#ifndef OLIC_FUZZ_RAM_STORAGE_H
#define OLIC_FUZZ_RAM_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "olic.h"

enum { RAM_STORAGE_SIZE = OLIC_STORAGE_MIN_SIZE, RAM_STORAGE_CAPACITY = 4096 };

typedef struct ram_storage {
  uint8_t bytes[RAM_STORAGE_CAPACITY];
  uint32_t size;            /* storage->size, <= RAM_STORAGE_CAPACITY */
  uint32_t writes;          /* write calls so far, torn ones included */
  bool cut_armed;
  uint32_t cut_at_write;    /* value of `writes` whose call is torn */
  uint32_t cut_prefix;      /* bytes of the new data that land (clamped to len) */
  bool cut_reports_ok;      /* the torn write returns 0 instead of -1 */
  bool cut_happened;        /* set when the armed cut fired */
  bool cut_complete;        /* ...and the bytes it left equal the whole new data: the old
                               tail happened to match, so the write in fact completed */
  bool fail_reads;          /* every read returns -1 */
} ram_storage;

/* Blank storage: every byte `fill` (0x00 blank, 0xFF erased flash), no fault armed. */
void ram_storage_reset(ram_storage *r, uint8_t fill);

/* The same with `size` bytes (OLIC_STORAGE_MIN_SIZE..RAM_STORAGE_CAPACITY). */
void ram_storage_reset_sized(ram_storage *r, uint8_t fill, uint32_t size);

/* The olic_storage that points at `r` (size = r->size). */
olic_storage ram_storage_api(ram_storage *r);

/* Tears the `nth`-th write from now (0 = the next one): only the first `prefix`
   bytes of it land, then the callback returns 0 if `reports_ok`, else -1. */
void ram_storage_arm_cut(ram_storage *r, uint32_t nth, uint32_t prefix, bool reports_ok);

/* Clears a cut that has not fired yet. */
void ram_storage_disarm(ram_storage *r);

#endif
