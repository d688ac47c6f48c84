/* text_bytes and cross_text_bytes (see sizes.h). */
#define _POSIX_C_SOURCE 200809L /* popen */
#include "sizes.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bench_text_bytes(const char *archive, size_results *out) {
  out->text_measured = false;
  out->text_bytes = 0;
  if (strchr(archive, '\'')) {
    snprintf(out->text_note, sizeof out->text_note, "archive path has a quote: %s", archive);
    return;
  }
  /* Berkeley format: "text" counts every allocated read-only section (.text,
     .rodata, ...), which is what a firmware image pays in flash. */
  char command[1024];
  snprintf(command, sizeof command, "size -B '%s' 2>&1", archive);
  FILE *p = popen(command, "r");
  if (!p) {
    snprintf(out->text_note, sizeof out->text_note, "could not run size");
    return;
  }
  char line[512];
  unsigned members = 0;
  uint64_t total = 0;
  while (fgets(line, sizeof line, p)) {
    uint64_t text, data, bss;
    if (sscanf(line, " %" SCNu64 " %" SCNu64 " %" SCNu64, &text, &data, &bss) == 3) {
      total += text;
      members++;
    }
  }
  int status = pclose(p);
  if (status != 0 || members == 0) {
    snprintf(out->text_note, sizeof out->text_note, "size %s failed (status %d)", archive, status);
    return;
  }
  out->text_measured = true;
  out->text_bytes = total;
}

void bench_tools_text_bytes(const char *archive, size_results *out) {
  size_results tools = {0};
  bench_text_bytes(archive, &tools);
  out->tools_measured = tools.text_measured;
  out->tools_bytes = tools.text_bytes;
}

/* Mangled-name fragments of the hardening's own functions
   (Sources/OfflineLicensing/Twins.swift, StateTwins.swift, Hardening.swift). */
static const char *const hardening_functions[] = {
    "14confirmLicense",  "14confirmInstall", "14confirmReserve",      "14confirmRequest",
    "15confirmRecovery", "12confirmBlank",   "19confirmCommitTarget", "14confirmEncoded",
    "13faultDetected",   "12keyIdMatches",   "9sameState",
};

void bench_hardening_bytes(const char *archive, size_results *out) {
  out->hardening_measured = false;
  out->hardening_bytes = 0;
  if (strchr(archive, '\'')) return;
  char command[1024];
  snprintf(command, sizeof command, "nm -S --defined-only '%s' 2>/dev/null", archive);
  FILE *p = popen(command, "r");
  if (!p) return;
  char line[1024];
  unsigned found = 0;
  while (fgets(line, sizeof line, p)) {
    uint64_t address, size;
    char type, name[900];
    if (sscanf(line, "%" SCNx64 " %" SCNx64 " %c %899s", &address, &size, &type, name) != 4) continue;
    if (type != 't' && type != 'T') continue;
    for (size_t i = 0; i < sizeof hardening_functions / sizeof hardening_functions[0]; i++) {
      if (strstr(name, hardening_functions[i])) {
        out->hardening_bytes += size;
        found++;
        break;
      }
    }
  }
  if (pclose(p) == 0 && found > 0) out->hardening_measured = true;
}

/* A tiny reader for {"name": 123, ...}: the only shape sizes.json has. It
   re-emits what it read, so bench.json never embeds text it did not check. */
static int parse_flat_object(const char *s, char *json, size_t cap) {
  size_t used = 0;
  int entries = 0;
  while (isspace((unsigned char)*s)) s++;
  if (*s++ != '{') return -1;
  used += (size_t)snprintf(json + used, cap - used, "{");
  for (;;) {
    while (isspace((unsigned char)*s)) s++;
    if (*s == '}' && entries == 0) { s++; break; }
    if (*s++ != '"') return -1;
    const char *name = s;
    while (*s && *s != '"' && *s != '\\' && (unsigned char)*s >= 0x20) s++;
    if (*s != '"') return -1;
    int name_len = (int)(s - name);
    s++;
    while (isspace((unsigned char)*s)) s++;
    if (*s++ != ':') return -1;
    while (isspace((unsigned char)*s)) s++;
    if (!isdigit((unsigned char)*s)) return -1;
    char *end;
    unsigned long long bytes = strtoull(s, &end, 10);
    s = end;
    used += (size_t)snprintf(json + used, cap - used, "%s\"%.*s\": %llu", entries ? ", " : "",
                             name_len, name, bytes);
    if (used >= cap) return -1;
    entries++;
    while (isspace((unsigned char)*s)) s++;
    if (*s == ',') { s++; continue; }
    if (*s++ != '}') return -1;
    break;
  }
  while (isspace((unsigned char)*s)) s++;
  if (*s) return -1;
  used += (size_t)snprintf(json + used, cap - used, "}");
  return used < cap ? 0 : -1;
}

void bench_cross_sizes(const char *path, size_results *out) {
  out->cross_present = false;
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(out->cross_note, sizeof out->cross_note,
             "%s not found: run make cross first (it is not part of make bench)", path);
    return;
  }
  char text[8192];
  size_t n = fread(text, 1, sizeof text - 1, f);
  bool too_long = !feof(f);
  fclose(f);
  text[n] = 0;
  if (too_long || parse_flat_object(text, out->cross_json, sizeof out->cross_json)) {
    snprintf(out->cross_note, sizeof out->cross_note,
             "%s is not a flat JSON object of target -> bytes", path);
    return;
  }
  out->cross_present = true;
}
