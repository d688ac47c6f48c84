/* Machine description (see machine.h). */
#define _POSIX_C_SOURCE 200809L
#include "machine.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <sodium.h>

void bench_machine(machine_info *out) {
  struct utsname u;
  if (uname(&u) == 0)
    snprintf(out->uname, sizeof out->uname, "%s %s %s %s", u.sysname, u.release, u.version,
             u.machine);
  else
    snprintf(out->uname, sizeof out->uname, "unknown");

  snprintf(out->cpu, sizeof out->cpu, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[512];
    while (fgets(line, sizeof line, f)) {
      char *colon = strchr(line, ':');
      if (strncmp(line, "model name", 10) == 0 && colon) {
        colon += 1 + (colon[1] == ' ');
        colon[strcspn(colon, "\n")] = 0;
        snprintf(out->cpu, sizeof out->cpu, "%s", colon);
        break;
      }
    }
    fclose(f);
  }
  out->cpus = sysconf(_SC_NPROCESSORS_ONLN);
  snprintf(out->load, sizeof out->load, "unknown");
  f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fgets(out->load, sizeof out->load, f)) out->load[strcspn(out->load, "\n")] = 0;
    fclose(f);
  }
  snprintf(out->sodium, sizeof out->sodium, "%s", sodium_version_string());
}
