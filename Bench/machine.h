/* Which machine the figures came from, for bench.json. */
#ifndef BENCH_MACHINE_H
#define BENCH_MACHINE_H

#include <stddef.h>

typedef struct machine_info {
  char uname[512];   /* sysname release version machine */
  char cpu[256];     /* /proc/cpuinfo "model name", or "unknown" */
  long cpus;         /* online CPUs */
  char sodium[32];   /* libsodium version the bench ran with */
  char load[64];     /* /proc/loadavg when the run ended: a busy machine shows here */
} machine_info;

void bench_machine(machine_info *out);

#endif
