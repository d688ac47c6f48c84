/*
 * The byte code that fuzz_state runs and gen_corpus writes seeds in.
 *
 * Byte 0, setup: bit 0 storage starts erased (0xFF) rather than blank (0x00);
 * bit 1 cut power during olic_provision, with byte 1 as the torn prefix and
 * bit 2 as the torn write's reported outcome (1 = success); bits 3-4 the
 * storage size (STATE_SIZES: 256, 1000, 4096, 352 bytes, i.e. rings of 2, 8,
 * 32 and 3 slots); bits 5-7 "age" A: when not 0, the device first installs
 * 1,000,000 units and reserves one unit at a time round the ring twice, to
 * where the A-th commit of the program is the wrap from the last slot to the
 * first (a ring shorter than A slots wraps sooner, and more often).
 * Setup 0 is the old meaning: 256 bytes, no ageing.
 * Then operations until the input ends (at most STATE_MAX_OPS). Each starts with
 * an opcode byte (taken modulo OP_COUNT); its operands follow, and a missing
 * operand byte reads as 0, so every input is a program.
 */
#ifndef OLIC_FUZZ_STATE_PROGRAM_H
#define OLIC_FUZZ_STATE_PROGRAM_H

enum {
  STATE_MAX_OPS = 32,
  STATE_SETUP_ERASED = 1,
  STATE_SETUP_CUT_PROVISION = 2,
  STATE_SETUP_CUT_REPORTS_OK = 4,
  STATE_SETUP_SIZE_SHIFT = 3,     /* 2 bits: index into STATE_SIZES */
  STATE_SETUP_AGE_SHIFT = 5,      /* 3 bits */
};

#define STATE_SIZES {256u, 1000u, 4096u, 352u}

enum state_op {
  /* id_delta i8 (from the highest id installed), allowance u32 (0: near 2^64),
     flags u8 (LICENSE_*), window u8 (VALIDITY: low nibble days before now, high after) */
  OP_INSTALL = 0,
  /* as OP_INSTALL, then count u8 (% 4) x (position u16, xor u8), then re-signed */
  OP_INSTALL_MUTATED = 1,
  /* want u32 (0: want = 0, 0xFFFFFFFF: want = 2^64 - 1) */
  OP_RESERVE = 2,
  /* flags u8: bit 0 mismatched key pair, bit 1 capacity too small */
  OP_REQUEST = 3,
  /* nth u8 (bits 0-1: which write from now; bit 7: torn write reports success),
     prefix u8 (% 97 bytes of the 96-byte record land) */
  OP_CUT = 4,
  /* a clean reboot */
  OP_REBOOT = 5,
  /* delta i8: clock += delta hours; 0 means the trusted clock is lost (now = 0) */
  OP_CLOCK = 6,
  /* prefix u8 (% 96): the next write fails after a prefix, no power loss */
  OP_FAIL_WRITE = 7,
  /* provision on a provisioned device: refused, nothing written */
  OP_PROVISION = 8,
  /* a reboot whose reads fail: unusable context, then a clean reboot */
  OP_FAIL_READS = 9,
  OP_COUNT = 10
};

enum license_flags {
  LICENSE_VALIDITY = 1,
  LICENSE_BIND = 2,         /* BIND_REQUEST = the device's latest sequence */
  LICENSE_BIND_WRONG = 4,   /* BIND_REQUEST = that sequence + 1 */
  LICENSE_NEWER_FIRMWARE = 8,
  LICENSE_UNKNOWN_OPTIONAL = 16,
  LICENSE_UNKNOWN_CRITICAL = 32,
  LICENSE_OTHER_DEVICE = 64,
  LICENSE_STRANGER_KEY = 128,  /* signed by a key the device does not trust */
};

#endif
