/* Secure NVM simulated in RAM; see nvm.h. */
#include "nvm.h"

#include <string.h>

/* The NVM array lives in its own NOLOAD section, at a fixed place in the memory
   map, like a real secure NVM window; start.S does not clear it. */
__attribute__((section(".secure_nvm"))) static nvm_image nvm;

static struct {
  bool powered;
  bool cut_armed;
  uint32_t cut_bytes;
  uint32_t writes;
  uint32_t last_write_length;
} state;

/* Rejects any access outside the NVM, with overflow-safe arithmetic. */
static bool in_bounds(uint32_t offset, uint32_t len) {
  return offset <= NVM_SIZE && len <= NVM_SIZE - offset;
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

const olic_storage nvm_storage = {
    .ctx = NULL,
    .size = NVM_SIZE,
    .read = nvm_read,
    .write = nvm_write,
};

void nvm_erase(uint8_t byte) {
  memset(nvm.bytes, byte, sizeof nvm.bytes);
  state.powered = true;
  state.cut_armed = false;
  state.writes = 0;
  state.last_write_length = 0;
}

void nvm_save(nvm_image *out) { memcpy(out, &nvm, sizeof nvm); }

void nvm_restore(const nvm_image *in) { memcpy(&nvm, in, sizeof nvm); }

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
