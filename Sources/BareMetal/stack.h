/*
 * Peak stack measurement by painting: fill the unused stack with a pattern,
 * run the call, then find the deepest word that no longer holds the pattern.
 * Valid here because nothing else (no interrupt, no other hart) uses the stack.
 */
#ifndef OLIC_BAREMETAL_STACK_H
#define OLIC_BAREMETAL_STACK_H

#include <stdint.h>

/* The stack pointer of the calling function. Inline, so it is the caller's. */
static inline uintptr_t stack_pointer(void) {
  uintptr_t sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  return sp;
}

/* Paints every stack word below the current frame. */
void stack_paint(void);

/* Bytes of stack used below `sp` (a stack_pointer() taken before the call)
   since the last stack_paint. */
uint32_t stack_used_below(uintptr_t sp);

#endif
