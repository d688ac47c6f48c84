/* meter.h: the simulated compute meter.
 *
 * Full-speed compute is paid for in advance: the meter reserves up to --chunk
 * units with olic_reserve, and runs them only after that call returned OLIC_OK,
 * that is, after the new remaining allowance is durable. A power cut can then
 * lose at most the units of one reservation; it can never run unpaid units.
 * It asks for min(chunk, work left), so finishing a job wastes nothing.
 *
 * Throttled compute (after exhaustion, with --on-exhausted throttle) needs no
 * license: it runs at baseline_permille of full speed. Speed is simulated:
 * sim_time counts time in units of "one compute unit at full speed", so a unit
 * at 250 permille costs 4 of them. */
#ifndef MOCK_METER_H
#define MOCK_METER_H

#include <stdint.h>

#include "olic.h"

typedef struct meter {
  uint64_t work_total;     /* units the job needs */
  uint64_t chunk;          /* units per reservation, >= 1 */
  uint64_t work_done;      /* units run at full speed, each one reserved first */
  uint64_t throttled_work; /* units run at baseline speed, without allowance */
  uint64_t sim_time;       /* full-speed unit times spent, both speeds together */
} meter;

typedef enum meter_result {
  METER_DONE,              /* the whole job ran */
  METER_EXHAUSTED,         /* olic_reserve said OLIC_ERR_EXHAUSTED: no allowance left */
  METER_FAILED             /* another status; the caller reports it */
} meter_result;

static inline uint64_t meter_work_left(const meter *m) {
  return m->work_total - m->work_done - m->throttled_work;
}

/* Runs the job at full speed while allowance lasts. After every successful
   reservation, *state is refreshed from olic_state and a reserve event is
   printed. *failure gets the status behind METER_FAILED. */
meter_result meter_run_licensed(meter *m, olic_context *ctx, olic_state_info *state,
                                olic_status *failure);

/* Runs up to `units` of the rest of the job at baseline speed (1..1000 permille)
   and prints one throttle event. */
void meter_run_throttled(meter *m, uint64_t units, uint32_t baseline_permille);

#endif
