/* Which machine the figures came from, for bench.json. */
#ifndef BENCH_MACHINE_H
#define BENCH_MACHINE_H

#include <stddef.h>

typedef struct machine_info {
  char uname[512];   /* sysname release version machine */
  char cpu[256];     /* /proc/cpuinfo "model name", or "unknown" */
  long cpus;         /* online CPUs */
  char sodium[32];   /* libsodium version the bench ran with */
  char load_start[64]; /* /proc/loadavg before the first measurement: other work */
  char load_end[64];   /* and after the last */
} machine_info;

/* Everything but load_end, which bench_machine_load_end fills at the end. */
void bench_machine(machine_info *out);
void bench_machine_load_end(machine_info *out);

#endif
