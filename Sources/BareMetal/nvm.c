/* Secure NVM simulated in RAM; see nvm.h. */
#include "nvm.h"

#include <string.h>

/* The NVM array lives in its own NOLOAD section, at a fixed place in the memory
   map, like a real secure NVM window; start.S does not clear it. */
__attribute__((section(".secure_nvm"))) static struct {
  uint8_t bytes[NVM_CAPACITY];
} nvm;

static struct {
  bool powered;
  bool cut_armed;
  uint32_t cut_bytes;
  uint32_t writes;
  uint32_t last_write_length;
  uint32_t last_write_offset;
  uint32_t out_of_bounds;
} state;

olic_storage nvm_storage;

/* Rejects (and counts) any access outside the region olic was given, with
   overflow-safe arithmetic. */
static bool in_bounds(uint32_t offset, uint32_t len) {
  uint32_t size = nvm_storage.size;
  bool ok = offset <= size && len <= size - offset;
  state.out_of_bounds += !ok;
  return ok;
}

static int nvm_read(void *ctx, uint32_t offset, void *buf, uint32_t len) {
  (void)ctx;
  if (!state.powered || buf == NULL || !in_bounds(offset, len)) {
    return -1;
  }
  memcpy(buf, &nvm.bytes[offset], len);
  return 0;
}

static int nvm_write(void *ctx, uint32_t offset, const void *buf, uint32_t len) {
  (void)ctx;
  if (!state.powered || buf == NULL || !in_bounds(offset, len)) {
    return -1;
  }
  state.last_write_length = len;
  state.last_write_offset = offset;
  if (state.cut_armed) {
    uint32_t landed = state.cut_bytes < len ? state.cut_bytes : len;
    memcpy(&nvm.bytes[offset], buf, landed);
    state.cut_armed = false;
    state.powered = false;
    return -1;
  }
  memcpy(&nvm.bytes[offset], buf, len);
  state.writes++;
  return 0;
}

void nvm_resize(uint32_t size, uint8_t byte) {
  if (size < OLIC_STORAGE_MIN_SIZE) size = OLIC_STORAGE_MIN_SIZE;
  if (size > NVM_CAPACITY) size = NVM_CAPACITY;
  nvm_storage = (olic_storage){.ctx = NULL, .size = size, .read = nvm_read, .write = nvm_write};
  nvm_erase(byte);
}

void nvm_erase(uint8_t byte) {
  if (nvm_storage.read == NULL) nvm_resize(OLIC_STORAGE_MIN_SIZE, byte);
  memset(nvm.bytes, byte, sizeof nvm.bytes);
  state.powered = true;
  state.cut_armed = false;
  state.writes = 0;
  state.last_write_length = 0;
  state.last_write_offset = 0;
}

uint8_t *nvm_bytes(void) { return nvm.bytes; }

void nvm_save(nvm_image *out) {
  out->size = nvm_storage.size;
  memcpy(out->bytes, nvm.bytes, nvm_storage.size);
}

void nvm_restore(const nvm_image *in) {
  uint32_t n = in->size <= NVM_CAPACITY ? in->size : NVM_CAPACITY;
  memcpy(nvm.bytes, in->bytes, n);
}

void nvm_arm_cut(uint32_t bytes_landed) {
  state.cut_armed = true;
  state.cut_bytes = bytes_landed;
}

void nvm_power_on(void) {
  state.powered = true;
  state.cut_armed = false;
}

uint32_t nvm_write_count(void) { return state.writes; }

uint32_t nvm_last_write_length(void) { return state.last_write_length; }

uint32_t nvm_last_write_offset(void) { return state.last_write_offset; }

uint32_t nvm_out_of_bounds(void) { return state.out_of_bounds; }
