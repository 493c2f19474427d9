/* wl.h - the workload: client populations issuing requests, with timeouts and retries.
 *
 * Each client population draws Poisson arrivals at its rate (thinned for a diurnal cycle,
 * piecewise for rate steps) until the run's duration, a read or a write by read_ratio, a key
 * from its key distribution and a session id (and, for a write, the field it sets and the
 * element it adds to the key's set). Sessions are users: with read_own_writes, a read
 * targets, with that probability, the key of one of the session's last few acknowledged
 * writes (wl.c, "Sessions"). Where a request goes is the client library's routing,
 * by pattern: an attempt goes to the DNS answer or, without DNS, the nearest region, unless
 * the client's own view avoids it: a retry avoids the regions that failed this request,
 * and a session avoids for avoid_for a region that timed out or refused avoid_after of its
 * attempts in a row; it then goes to the nearest region the view does not avoid. Except
 * under read-local/write-global,
 * where writes always go to the primary, and so do the reads of a session that wrote within
 * ryw_window (the client remembers when each of its sessions last wrote). Each attempt has
 * its own timeout; a timeout or a rejection leads to a retry after an exponential back-off
 * (backoff * 2^(k-1) before retry k), and a request that has used up its retries fails with
 * the outcome of its last attempt. Late answers to an abandoned attempt are ignored, as a
 * real client that closed the connection would.
 *
 * Requests live in a pool of records that is reused; messages carry a packed tag (record,
 * generation, client, region, operation, status), so nothing is allocated per request and a
 * stale message can never be mistaken for a live one.
 *
 * Message sizes (for the bytes that cross regions, net.h): NET_HEADER_BYTES for every
 * request and answer, plus data.value_bytes for the value a write carries to its region and
 * the value a successful read brings back. */
#ifndef MRSIM_WL_H
#define MRSIM_WL_H

#include "engine.h"
#include "net.h"
#include "oracle.h"
#include "region.h"
#include "route.h"
#include "scn.h"
#include "store.h"
#include "topo.h"

typedef struct wl wl; /* opaque */

typedef enum wl_result {
    WL_OK,
    WL_TIMEOUT,   /* the last attempt timed out */
    WL_REJECTED,  /* the last attempt was rejected (queue full,
                                                 or a write to a read-only region) */
    WL_FAILED,    /* the last attempt failed at the region (a
                                                 sync write without its quorum) */
    WL_NO_REGION, /* DNS had no healthy region to offer */
    WL_RESULT_COUNT
} wl_result;

/* A finished request, handed to the outcome callback. */
typedef struct wl_outcome {
    uint32_t  client; /* client population index */
    uint32_t  region; /* region of the last attempt */
    scn_op    op;
    wl_result result;
    uint32_t  attempts; /* 1 + retries used */
    sim_time  issued;   /* arrival time of the request, ns */
    sim_time  latency;  /* arrival to final answer, ns */
    uint64_t  key;
    uint32_t  session;
    bool      stale; /* an ok measured read the oracle judged stale */
} wl_outcome;

typedef void wl_outcome_fn(void *ctx, const wl_outcome *o);

/* Where a request message is delivered when it reaches a region (the data plane). */
typedef void wl_deliver_fn(void *ctx, uint32_t region, scn_op op, uint64_t tag);

/* DNS, seen from the clients (with routing by DNS). */
typedef struct wl_dns_stats {
    uint64_t stale_requests; /* measured attempts sent with a cached answer
                                                 that DNS no longer gives */
    uint64_t moves;          /* sessions that picked up a changed answer */
    double   move_sum_s;     /* ... and the delays since it changed */
} wl_dns_stats;

/* What a request asks, as the region reads it from the message: env_request. */

/* --- create / destroy -------------------------------------------------------------- */

/* The workload of s under pattern p. Request messages that reach a region are handed to
 * the deliver callback (wl_set_deliver) before wl_start(). Acknowledged writes, successful
 * reads and abandoned writes are reported to the oracle o. e, s, p, t, n and o must outlive
 * the wl. 0, SIM_EINVAL or SIM_ENOMEM. */
int  wl_new(sim_engine *e, const scn_scenario *s, const scn_pattern *p, const topo *t, net *n,
            oracle *o, uint64_t seed, wl_outcome_fn *outcome, void *outcome_ctx, wl **out,
            sim_err *err);
void wl_free(wl *w); /* NULL is a no-op */
void wl_set_deliver(wl *w, wl_deliver_fn *deliver, void *ctx);
/* Route by DNS through r (s->dns.enabled): each session caches answers for the TTL, with
 * its own phase. Without it clients go straight to regions by distance. */
void         wl_set_route(wl *w, route *r);
wl_dns_stats wl_get_dns_stats(const wl *w);
/* A client_cut: sessions 0 .. sessions-1 of population 'client' cannot reach 'region' (0:
 * they can again). Their requests to it and its answers to them are lost, each counted in
 * wl_cut_lost(); the client learns only by its timeout. The rest of the world, checkers
 * included, is untouched. */
void     wl_cut_sessions(wl *w, uint32_t client, uint32_t region, uint32_t sessions);
uint64_t wl_cut_lost(const wl *w);
/* The DNS service answers no lookups (dns_down with "answers": false): a session whose cached
 * answer has expired keeps it and asks again at its next request. */
void wl_set_dns_answers_down(wl *w, bool down);

/* --- what the regions use ---------------------------------------------------------- */

/* The request a tag names, as its message carries it (env_request_of()). */
bool wl_request_of(const wl *w, uint64_t tag, env_request *out);
/* The region the attempt named by tag went to. */
uint32_t wl_tag_region(uint64_t tag);
/* Record what a read returned / which write a write committed, for the oracle at the
 * client's end (the response's content). Stale tags are ignored. */
void wl_note_read(wl *w, uint64_t tag, const store_cell *cells);
void wl_note_write(wl *w, uint64_t tag, uint64_t write_id);
/* Send a region's answer back to the client of tag. */
void wl_respond(wl *w, uint32_t region, uint64_t tag, env_status status);

/* --- run --------------------------------------------------------------------------- */

/* Schedule every client's first arrival. No arrival is scheduled at or after the scenario's
 * duration. */
void wl_start(wl *w);
/* Called once the clock has reached the duration: from then on the wl stops the engine when
 * its last request finishes. Returns true if none is in flight now. */
bool wl_end_arrivals(wl *w);

/* --- query ------------------------------------------------------------------------- */

uint64_t wl_in_flight(const wl *w); /* requests issued and not finished */
uint64_t wl_issued(const wl *w);    /* requests issued in total */

#endif
