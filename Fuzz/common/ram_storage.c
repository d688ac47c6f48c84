#include "ram_storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* olic must never touch bytes it was not given: out of range is a finding. */
static void check_range(const ram_storage *r, const char *what, uint32_t offset, uint32_t len) {
  if (offset > r->size || len > r->size - offset) {
    fprintf(stderr, "ram_storage: %s out of range: offset %u len %u (size %u)\n", what, offset, len,
            r->size);
    abort();
  }
}

static int ram_read(void *ctx, uint32_t offset, void *buf, uint32_t len) {
  ram_storage *r = ctx;
  check_range(r, "read", offset, len);
  if (r->fail_reads) return -1;
  memcpy(buf, r->bytes + offset, len);
  return 0;
}

static int ram_write(void *ctx, uint32_t offset, const void *buf, uint32_t len) {
  ram_storage *r = ctx;
  check_range(r, "write", offset, len);
  uint32_t index = r->writes++;
  if (r->cut_armed && index == r->cut_at_write) {
    /* A power cut: any prefix of the new bytes over the old ones. */
    uint32_t n = r->cut_prefix < len ? r->cut_prefix : len;
    memcpy(r->bytes + offset, buf, n);
    r->cut_armed = false;
    r->cut_happened = true;
    r->cut_complete = memcmp(r->bytes + offset, buf, len) == 0;
    return r->cut_reports_ok ? 0 : -1;
  }
  memcpy(r->bytes + offset, buf, len);
  return 0;
}

void ram_storage_reset_sized(ram_storage *r, uint8_t fill, uint32_t size) {
  memset(r, 0, sizeof *r);
  r->size = size < OLIC_STORAGE_MIN_SIZE ? OLIC_STORAGE_MIN_SIZE
            : size > RAM_STORAGE_CAPACITY ? RAM_STORAGE_CAPACITY
                                          : size;
  memset(r->bytes, fill, r->size);
}

void ram_storage_reset(ram_storage *r, uint8_t fill) { ram_storage_reset_sized(r, fill, RAM_STORAGE_SIZE); }

olic_storage ram_storage_api(ram_storage *r) {
  olic_storage s = {.ctx = r, .size = r->size, .read = ram_read, .write = ram_write};
  return s;
}

void ram_storage_arm_cut(ram_storage *r, uint32_t nth, uint32_t prefix, bool reports_ok) {
  r->cut_armed = true;
  r->cut_at_write = r->writes + nth;
  r->cut_prefix = prefix;
  r->cut_reports_ok = reports_ok;
  r->cut_happened = false;
  r->cut_complete = false;
}

void ram_storage_disarm(ram_storage *r) { r->cut_armed = false; }
