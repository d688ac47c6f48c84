/*
 * olic_harden.h: the few things the fault-hardened core needs that Swift cannot
 * say. Private to the core (not installed, not in olic.h's contract).
 *
 * A launder returns its argument through an empty asm statement that claims to
 * change it. The optimiser must then treat the result as a new, unknown value:
 * it cannot merge a check of a laundered value with the same check of the
 * original, fold it against a constant it already knows, or forward a stored
 * value past a laundered pointer (the load is done again). The cost is nothing
 * but the register the value lives in. Caliptra's cfi_launder is the model.
 */
#ifndef OLIC_HARDEN_H
#define OLIC_HARDEN_H

#include <stdint.h>

#define OLIC_HARDEN_INLINE static inline __attribute__((always_inline))

OLIC_HARDEN_INLINE uint64_t olic_launder_u64(uint64_t v) {
  __asm__ __volatile__("" : "+r"(v));
  return v;
}

OLIC_HARDEN_INLINE uint32_t olic_launder_u32(uint32_t v) {
  __asm__ __volatile__("" : "+r"(v));
  return v;
}

OLIC_HARDEN_INLINE const void *olic_launder_ptr(const void *p) {
  __asm__ __volatile__("" : "+r"(p));
  return p;
}

OLIC_HARDEN_INLINE void *olic_launder_mut_ptr(void *p) {
  __asm__ __volatile__("" : "+r"(p));
  return p;
}

/* The optional platform hook of olic.h. Weak here, so a firmware that does not
   define it links, and the reference is 0. */
extern void olic_platform_fault(void) __attribute__((weak));

OLIC_HARDEN_INLINE void olic_call_platform_fault(void) {
  if (olic_platform_fault) olic_platform_fault();
}

#endif
