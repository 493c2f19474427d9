/* wl.h - the workload: client populations issuing requests, with timeouts and retries.
 *
 * Each client population draws Poisson arrivals at its rate (thinned for a diurnal cycle,
 * piecewise for rate steps) until the run's duration, a read or a write by read_ratio, a key
 * from its key distribution and a session id. A request's attempt k goes, as a message over
 * the network, to the client's k-th nearest region (the "independent regions" baseline:
 * a client that hears nothing from its nearest region tries the next one). Each attempt has
 * its own timeout; a timeout or a rejection leads to a retry after an exponential back-off
 * (backoff * 2^(k-1) before retry k), and a request that has used up its retries fails with
 * the outcome of its last attempt. Late answers to an abandoned attempt are ignored, as a
 * real client that closed the connection would.
 *
 * Requests live in a pool of records that is reused; messages carry a packed tag (record,
 * generation, client, region, operation, status), so nothing is allocated per request and a
 * stale message can never be mistaken for a live one. */
#ifndef MRSIM_WL_H
#define MRSIM_WL_H

#include "engine.h"
#include "net.h"
#include "region.h"
#include "scn.h"
#include "topo.h"

typedef struct wl wl;                         /* opaque */

typedef enum wl_result {
    WL_OK,
    WL_TIMEOUT,                               /* the last attempt timed out */
    WL_REJECTED,                              /* the last attempt was rejected (queue full,
                                                 or a write to a read-only region) */
    WL_RESULT_COUNT
} wl_result;

/* A finished request, handed to the outcome callback. */
typedef struct wl_outcome {
    uint32_t  client;                         /* client population index */
    uint32_t  region;                         /* region of the last attempt */
    scn_op    op;
    wl_result result;
    uint32_t  attempts;                       /* 1 + retries used */
    sim_time  issued;                         /* arrival time of the request, ns */
    sim_time  latency;                        /* arrival to final answer, ns */
    uint64_t  key;
    uint32_t  session;
} wl_outcome;

typedef void wl_outcome_fn(void *ctx, const wl_outcome *o);

/* --- create / destroy -------------------------------------------------------------- */

/* The workload of s. regions must hold s->nregions regions by the time wl_start() is
 * called; they are created with wl_region_done as their done callback and this wl as its
 * context. e, s, t, n and regions must outlive the wl. 0, SIM_EINVAL or SIM_ENOMEM. */
int  wl_new(sim_engine *e, const scn_scenario *s, const topo *t, net *n, region **regions,
            uint64_t seed, wl_outcome_fn *outcome, void *outcome_ctx, wl **out, sim_err *err);
void wl_free(wl *w);                          /* NULL is a no-op */

/* The region_done_fn that sends a region's answer back to the client. */
void wl_region_done(void *wl_ctx, uint32_t region, uint64_t tag, scn_op op,
                    region_status status);

/* --- run --------------------------------------------------------------------------- */

/* Schedule every client's first arrival. No arrival is scheduled at or after the scenario's
 * duration. */
void wl_start(wl *w);
/* Called once the clock has reached the duration: from then on the wl stops the engine when
 * its last request finishes. Returns true if none is in flight now. */
bool wl_end_arrivals(wl *w);

/* --- query ------------------------------------------------------------------------- */

uint64_t wl_in_flight(const wl *w);           /* requests issued and not finished */
uint64_t wl_issued(const wl *w);              /* requests issued in total */

#endif
