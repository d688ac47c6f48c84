/* The secure NVM of the C ABI tests: OLIC_STORAGE_MIN_SIZE bytes of RAM, bounds
   checked as a port's callbacks must be, with a count of writes so a test can
   pin "one write per state change" and "refusals write nothing". */
#ifndef OLIC_TEST_RAM_STORAGE_H
#define OLIC_TEST_RAM_STORAGE_H

#include <stdint.h>
#include <string.h>
#include "olic.h"

static uint8_t ram[OLIC_STORAGE_MIN_SIZE];
static unsigned writes;
static int ram_read(void *c, uint32_t o, void *b, uint32_t n) {
  (void)c;
  if (o > sizeof ram || n > sizeof ram - o) return -1;
  memcpy(b, ram + o, n);
  return 0;
}
static int ram_write(void *c, uint32_t o, const void *b, uint32_t n) {
  (void)c;
  if (o > sizeof ram || n > sizeof ram - o) return -1;
  memcpy(ram + o, b, n);
  writes++;
  return 0;
}

#endif
