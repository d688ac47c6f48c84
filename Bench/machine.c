/* Machine description (see machine.h). */
#define _POSIX_C_SOURCE 200809L
#include "machine.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <sodium.h>

static void read_load(char *out, size_t cap) {
  snprintf(out, cap, "unknown");
  FILE *f = fopen("/proc/loadavg", "r");
  if (!f) return;
  if (fgets(out, (int)cap, f)) out[strcspn(out, "\n")] = 0;
  fclose(f);
}

void bench_machine_load_end(machine_info *out) { read_load(out->load_end, sizeof out->load_end); }

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
  read_load(out->load_start, sizeof out->load_start);
  snprintf(out->load_end, sizeof out->load_end, "unknown");
  snprintf(out->sodium, sizeof out->sodium, "%s", sodium_version_string());
}
