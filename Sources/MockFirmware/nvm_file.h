/* nvm_file.h: the chip's secure NVM, simulated by a file.
 *
 * The file is exactly the size the chip's NVM has (--nvm-size, default
 * NVM_FILE_DEFAULT_SIZE), all of it given to olic as storage->size, so that a
 * larger NVM is a larger ring of slots and less wear per slot. Every write is followed by fsync,
 * because olic_storage promises olic that a write is durable when it returns:
 * olic commits allowance before the compute it pays for, and that order means
 * nothing if the bytes still sit in a page cache when the power goes.
 *
 * Power-cut simulation: when cut_at is K > 0, the K-th write of this boot lands
 * only its first torn_bytes bytes (the rest of the region keeps the old bytes,
 * as a real NVM page would), is fsynced, and then on_power_cut runs. That hook
 * must not return: the chip is dead, and nothing after the torn write may
 * happen. The file stays, so the next run of the program is the reboot. */
#ifndef MOCK_NVM_FILE_H
#define MOCK_NVM_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "olic.h"

enum { NVM_FILE_DEFAULT_SIZE = OLIC_STORAGE_MIN_SIZE };
/* 16 MiB: far past what olic uses (OLIC_STATE_MAX_SLOTS slots, 64 KiB), and
   small enough that creating the erased file is instant. */
#define NVM_FILE_MAX_SIZE (16u * 1024u * 1024u)

typedef struct nvm_file {
  int fd;
  const char *path;
  uint32_t size;          /* bytes of the file, and storage->size */
  uint64_t writes;        /* storage writes this boot, the torn one included */
  uint64_t cut_at;        /* 0: no power cut */
  uint64_t torn_bytes;    /* bytes of the cut write that land; clamped to its length */
  bool torn_bytes_set;    /* false: half of the write lands */
  void (*on_power_cut)(void *arg, uint64_t write_index, uint32_t landed, uint32_t len);
  void *arg;
} nvm_file;

typedef enum nvm_open_result {
  NVM_OPENED,             /* a file of the expected size, contents not judged (olic does that) */
  NVM_CREATED,            /* was missing or empty; now `size` erased bytes (0xff) */
  NVM_MISSING,            /* missing or empty, and create was false */
  NVM_FAILED              /* message already on stderr */
} nvm_open_result;

/* Opens path for reading and writing, as an NVM of `size` bytes. create: a
   missing or empty file becomes a blank (erased) NVM, as a chip fresh from the
   fab. A file of any other size is refused: it is not this device's NVM. */
nvm_open_result nvm_open(nvm_file *nvm, const char *path, uint32_t size, bool create);

/* The olic_storage view of an opened file; nvm must outlive every olic call. */
olic_storage nvm_storage(nvm_file *nvm);

void nvm_close(nvm_file *nvm);

#endif
