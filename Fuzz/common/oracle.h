/*
 * oracle: how a fuzz target says "the core broke a promise". It prints what was
 * expected and aborts, so libFuzzer saves the input and make fuzz fails. Every
 * harness invariant goes through ORACLE so that a finding always names the
 * broken rule in its first line.
 */
#ifndef OLIC_FUZZ_ORACLE_H
#define OLIC_FUZZ_ORACLE_H

#include <stdio.h>
#include <stdlib.h>

#define ORACLE(cond, ...)                                                        \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "olic fuzz oracle violated at %s:%d: %s\n  ", __FILE__,    \
              __LINE__, #cond);                                                  \
      fprintf(stderr, __VA_ARGS__);                                              \
      fputc('\n', stderr);                                                       \
      abort();                                                                   \
    }                                                                            \
  } while (0)

#endif
