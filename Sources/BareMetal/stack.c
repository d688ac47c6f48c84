/* Stack painting; see stack.h. */
#include "stack.h"

/* A 64-bit pattern that no pointer, small integer or zeroed buffer matches. */
#define STACK_PAINT 0x5aa5c33cf00fdeadull

extern uint64_t __stack_bottom[]; /* link.ld */

/* Noinline so its own frame is a known, small distance below the caller's; it
   paints up to 64 bytes under its own stack pointer, clear of its frame. */
__attribute__((noinline)) void stack_paint(void) {
  volatile uint64_t *p = __stack_bottom;
  volatile uint64_t *end = (volatile uint64_t *)(stack_pointer() - 64u);
  while (p < end) {
    *p++ = STACK_PAINT;
  }
}

uint32_t stack_used_below(uintptr_t sp) {
  const volatile uint64_t *p = __stack_bottom;
  while ((uintptr_t)p < sp && *p == STACK_PAINT) {
    p++;
  }
  /* An untouched stack means the call used no more than the unpainted band. */
  return (uintptr_t)p < sp ? (uint32_t)(sp - (uintptr_t)p) : 0u;
}
