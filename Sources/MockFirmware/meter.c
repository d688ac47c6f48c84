/* meter.c: reserve-then-run compute metering (see meter.h). */
#include "meter.h"

#include "events.h"

static uint64_t add_saturating(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

meter_result meter_run_licensed(meter *m, olic_context *ctx, olic_state_info *state,
                                olic_status *failure) {
  *failure = OLIC_OK;
  while (meter_work_left(m) > 0) {
    uint64_t left = meter_work_left(m);
    uint64_t want = left < m->chunk ? left : m->chunk;
    uint64_t granted = 0;
    olic_status s = olic_reserve(ctx, want, &granted);
    if (s == OLIC_ERR_EXHAUSTED) return METER_EXHAUSTED;
    if (s != OLIC_OK) {
      *failure = s;
      return METER_FAILED;
    }
    /* Paranoia that costs nothing: never run more than was asked for. */
    if (granted == 0 || granted > want) {
      *failure = OLIC_ERR_STATE;
      return METER_FAILED;
    }
    if (olic_state(ctx, state) != OLIC_OK) {
      *failure = OLIC_ERR_STATE;
      return METER_FAILED;
    }
    ev_begin("reserve");
    ev_u64("want", want);
    ev_u64("granted", granted);
    ev_u64("remaining", state->remaining);
    ev_u64("consumed_total", state->consumed_total);
    ev_end();
    /* The reservation is durable: now, and only now, the units may run. */
    m->work_done += granted;
    m->sim_time = add_saturating(m->sim_time, granted);
  }
  return METER_DONE;
}

void meter_run_throttled(meter *m, uint64_t units, uint32_t baseline_permille) {
  uint64_t left = meter_work_left(m);
  if (units > left) units = left;
  /* ceil(units * 1000 / permille) without overflowing for large jobs */
  uint64_t whole = units / baseline_permille, rest = units % baseline_permille;
  uint64_t cost = add_saturating(whole > UINT64_MAX / 1000 ? UINT64_MAX : whole * 1000,
                                 (rest * 1000 + baseline_permille - 1) / baseline_permille);
  m->throttled_work += units;
  m->sim_time = add_saturating(m->sim_time, cost);
  ev_begin("throttle");
  ev_u64("baseline_permille", baseline_permille);
  ev_u64("units", units);
  ev_u64("sim_time", cost);
  ev_end();
}
