/* nvm_file.h: the chip's secure NVM, simulated by a file.
 *
 * The file is exactly NVM_FILE_SIZE bytes. Every write is followed by fsync,
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

enum { NVM_FILE_SIZE = OLIC_STORAGE_MIN_SIZE };

typedef struct nvm_file {
  int fd;
  const char *path;
  uint64_t writes;        /* storage writes this boot, the torn one included */
  uint64_t cut_at;        /* 0: no power cut */
  uint64_t torn_bytes;    /* bytes of the cut write that land; clamped to its length */
  bool torn_bytes_set;    /* false: half of the write lands */
  void (*on_power_cut)(void *arg, uint64_t write_index, uint32_t landed, uint32_t len);
  void *arg;
} nvm_file;

typedef enum nvm_open_result {
  NVM_OPENED,             /* an NVM_FILE_SIZE file, contents not judged (olic does that) */
  NVM_CREATED,            /* was missing or empty; now NVM_FILE_SIZE erased bytes (0xff) */
  NVM_MISSING,            /* missing or empty, and create was false */
  NVM_FAILED              /* message already on stderr */
} nvm_open_result;

/* Opens path for reading and writing. create: a missing or empty file becomes a
   blank (erased) NVM, as a chip fresh from the fab. A file of any other size is
   refused: it is not this device's NVM. */
nvm_open_result nvm_open(nvm_file *nvm, const char *path, bool create);

/* The olic_storage view of an opened file; nvm must outlive every olic call. */
olic_storage nvm_storage(nvm_file *nvm);

void nvm_close(nvm_file *nvm);

#endif
