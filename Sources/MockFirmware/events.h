/* events.h: the mock firmware's only output channel, one line per event.
 *
 * Text lines look like `install file=lic-1.olic license_id=1 status=OLIC_OK`;
 * with --json the same event is one JSON object per line, with the event name
 * under "event". Both forms carry the same fields in the same order, so a test
 * or a log collector can rely on either. Lines are flushed one at a time: a
 * power cut must not swallow the lines that came before it. */
#ifndef MOCK_EVENTS_H
#define MOCK_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void events_set_json(bool json);

void ev_begin(const char *event);
void ev_str(const char *key, const char *value);
void ev_u64(const char *key, uint64_t value);
void ev_hex(const char *key, const uint8_t *bytes, size_t len);
void ev_end(void);

#endif
