/* events.c: text or JSON event lines on stdout (see events.h). */
#include "events.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static bool json_mode;

void events_set_json(bool json) { json_mode = json; }

static void put_json_string(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      putchar('\\');
      putchar(*p);
    } else if (*p < 0x20 || *p == 0x7f) {
      printf("\\u%04x", *p);
    } else {
      putchar(*p);
    }
  }
  putchar('"');
}

/* Text values stay bare when a shell `read` or `grep key=value` can take them
   as they are; anything else (spaces, quotes, control bytes in a file name) is
   quoted the JSON way so one line is always one event. */
static bool is_bare(const char *s) {
  if (*s == '\0') return false;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr("._/-:+%", *p) != NULL;
    if (!ok) return false;
  }
  return true;
}

static void key_prefix(const char *key) {
  if (json_mode) {
    putchar(',');
    put_json_string(key);
    putchar(':');
  } else {
    printf(" %s=", key);
  }
}

void ev_begin(const char *event) {
  if (json_mode) {
    fputs("{\"event\":", stdout);
    put_json_string(event);
  } else {
    fputs(event, stdout);
  }
}

void ev_str(const char *key, const char *value) {
  key_prefix(key);
  if (json_mode || !is_bare(value)) {
    put_json_string(value);
  } else {
    fputs(value, stdout);
  }
}

void ev_u64(const char *key, uint64_t value) {
  /* JSON numbers above 2^53 lose precision in many readers, but the fields are
     spec integers and the CLI prints them as numbers too; consistency wins. */
  key_prefix(key);
  printf("%" PRIu64, value);
}

void ev_hex(const char *key, const uint8_t *bytes, size_t len) {
  key_prefix(key);
  if (json_mode) putchar('"');
  for (size_t i = 0; i < len; i++) printf("%02x", bytes[i]);
  if (json_mode) putchar('"');
}

void ev_end(void) {
  if (json_mode) putchar('}');
  putchar('\n');
  fflush(stdout);
}
