/* Peak stack of olic_check, olic_install and olic_reserve, libsodium included,
   measured on a painted stack of known size. */
#ifndef BENCH_STACK_H
#define BENCH_STACK_H

#include "results.h"

int bench_stack(stack_results *out);

#endif
