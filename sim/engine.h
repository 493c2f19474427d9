/* engine.h - the discrete-event core. An engine owns a clock and a queue of pending events;
 * sim_engine_run() pops the earliest, moves the clock to its time and calls its handler.
 *
 * Order: events are totally ordered by (time, schedule sequence number). Two events at the
 * same time run in the order they were scheduled, always; nothing depends on addresses or
 * on where an event sits in the queue, so a run is reproducible bit for bit.
 *
 * Cancelling: every scheduled event gets a handle. Request timeouts are cancelled far more
 * often than they fire, so cancelling is O(1): the event is marked dead and its slot is
 * reclaimed when it reaches the front of the queue. Cancelling an event that already ran,
 * was already cancelled, or a 0 handle is safe and does nothing (handles carry a generation,
 * so a stale handle can never cancel the event that later reuses its slot).
 *
 * Memory: event records come from a pool that grows in chunks and is reused, so the steady
 * state makes no malloc per event. If the pool cannot grow, the run fails: the engine records
 * SIM_ENOMEM (sim_engine_fail()), the scheduling call returns handle 0 and schedules nothing,
 * and sim_engine_run() returns before the next event. No model can carry on without the
 * events it scheduled, so a failed engine runs nothing more; its caller reads the cause with
 * sim_engine_error() and frees it. Models whose own pools cannot grow fail the run the same
 * way. sim_engine_reserve() preallocates, for callers that want to learn of a shortage at
 * setup time instead. */
#ifndef MRSIM_ENGINE_H
#define MRSIM_ENGINE_H

#include "sim.h"

typedef struct sim_engine sim_engine;   /* opaque */
typedef uint64_t          sim_event_id; /* handle of a scheduled event; 0 is "none" */

/* An event handler. ctx and arg are what was given to sim_at()/sim_after(); the engine never
 * reads or frees them. arg carries small payloads (an id, a packed message) without a
 * separate allocation. */
typedef void sim_handler(sim_engine *e, void *ctx, uint64_t arg);

/* Why sim_engine_run() returned. */
typedef enum sim_stop_reason {
    SIM_RAN_UNTIL,   /* the next event is later than 'until' */
    SIM_RAN_EMPTY,   /* no events left */
    SIM_RAN_STOPPED, /* a handler called sim_engine_stop() */
} sim_stop_reason;

/* --- create / destroy -------------------------------------------------------------- */

/* A new engine with its clock at 0. Returns 0 or SIM_ENOMEM. */
int  sim_engine_new(sim_engine **out);
void sim_engine_free(sim_engine *e); /* NULL is a no-op; pending events are dropped */
/* Make room for n pending events without further allocation. 0 or SIM_ENOMEM. */
int sim_engine_reserve(sim_engine *e, size_t n);

/* --- schedule ---------------------------------------------------------------------- */

/* Run fn(e, ctx, arg) at absolute time 'at', which must not be earlier than now (a bug if
 * it is: the engine panics). Returns the event's handle. */
sim_event_id sim_at(sim_engine *e, sim_time at, sim_handler *fn, void *ctx, uint64_t arg);
/* Run fn(e, ctx, arg) at now + delay; delay >= 0. A time past SIM_TIME_MAX saturates there
 * ("never", in practice). Returns the event's handle. */
sim_event_id sim_after(sim_engine *e, sim_time delay, sim_handler *fn, void *ctx, uint64_t arg);
/* Cancel a pending event. Returns true if it was pending and now never runs; false for a
 * handle of an event that ran, was cancelled already, or 0. */
bool sim_cancel(sim_engine *e, sim_event_id id);

/* --- run --------------------------------------------------------------------------- */

/* Run events in order while the earliest is at or before 'until' (SIM_TIME_MAX: until the
 * queue is empty or a handler stops the run). On SIM_RAN_UNTIL the clock is advanced to
 * 'until', so that a later run continues from there. */
sim_stop_reason sim_engine_run(sim_engine *e, sim_time until);
/* Called from a handler: sim_engine_run() returns once the current handler finishes. */
void sim_engine_stop(sim_engine *e);
/* Fail the run (from a handler, or from the engine when its pool cannot grow): records code
 * (SIM_ENOMEM, ...) and a message such as "out of memory growing the request pool", and
 * stops the run as sim_engine_stop() does; every later sim_engine_run() returns at once with
 * SIM_RAN_STOPPED. Only the first failure is kept. */
void sim_engine_fail(sim_engine *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 0, or the code given to the first sim_engine_fail(); *what (if what is not NULL) gets its
 * message, valid as long as e. */
int sim_engine_error(const sim_engine *e, const char **what);

/* --- query ------------------------------------------------------------------------- */

sim_time sim_now(const sim_engine *e);             /* the clock, ns */
uint64_t sim_engine_executed(const sim_engine *e); /* events run so far (not cancelled) */
size_t   sim_engine_pending(const sim_engine *e);  /* events scheduled, not run, not cancelled */

#endif
