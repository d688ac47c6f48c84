/* mailbox.h: the directory the owner carries blobs through.
 *
 * Inbound: every regular file named *.olic except request.olic is a license
 * candidate. Its bytes are read once, here, and those same bytes are what olic
 * checks and installs: a file changed after the scan cannot slip in unchecked.
 * Outbound: the device's signed request, written as DIR/request.olic by
 * write-to-temporary, fsync, rename, so the owner never carries a torn request. */
#ifndef MOCK_MAILBOX_H
#define MOCK_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "olic.h"

enum {
  MAILBOX_MAX_ENTRIES = 64,               /* a mailbox holds a handful of licenses */
  MAILBOX_BLOB_CAP = OLIC_LICENSE_MAX_SIZE + 1 /* one byte more, so oversize shows as oversize */
};

#define MAILBOX_REQUEST_NAME "request.olic"

typedef struct mailbox_entry {
  char name[256];
  uint8_t blob[MAILBOX_BLOB_CAP];
  size_t len;                  /* bytes read, at most MAILBOX_BLOB_CAP */
  olic_status parse_status;    /* olic_parse's verdict */
  uint64_t license_id;         /* from olic_parse, 0 when it failed */
} mailbox_entry;

typedef struct mailbox_scan {
  mailbox_entry entries[MAILBOX_MAX_ENTRIES];
  size_t count;
  size_t ignored;              /* *.olic files beyond MAILBOX_MAX_ENTRIES or unreadable */
} mailbox_scan;

/* Reads every candidate and sorts them: parseable licenses by license id
   (ties by name), then the unparseable ones by name, so that licenses install
   oldest first and a newer id never locks out an older one by replay. Returns
   false, with a message on stderr, when the directory cannot be read. */
bool mailbox_read_all(const char *dir, mailbox_scan *out);

/* Reads DIR/request.olic, at most OLIC_REQUEST_SIZE + 1 bytes (so a longer file
   shows as too long). False when it is missing or not a regular file. */
bool mailbox_read_request(const char *dir, uint8_t request[OLIC_REQUEST_SIZE + 1], size_t *len);

/* Writes DIR/request.olic atomically and durably. path_out receives its path.
   Returns false, with a message on stderr, on failure. */
bool mailbox_write_request(const char *dir, const uint8_t *request, size_t len, char *path_out,
                           size_t path_cap);

#endif
