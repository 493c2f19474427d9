/* health.h - health checking: checkers at vantage regions probe every other region, and a
 * region is unhealthy when a quorum of them says so. Code under test: a checker learns that
 * a region is down only from probes that go unanswered, exactly as a real one would, so a
 * partition, a lossy or slow link, or an overloaded region can make a healthy region look
 * dead (and a failover false) without anyone scripting it.
 *
 * Each checker probes each target every 'interval', starting at a phase drawn from its own
 * stream ("health/<checker>/<target>"), so the checkers of a run are not in lockstep. A
 * probe is a message over the network; at the target it waits in the region's queue and is
 * served like a read (or, with 'lane', is answered at once), and the answer travels back.
 * A probe unanswered after 'timeout' failed. A checker marks a target unhealthy after
 * 'unhealthy_after' consecutive failures and healthy again after 'healthy_after'
 * consecutive successes. Routing and failover see none of this directly: each subscribes
 * and builds its own view from the reports that reach it (below), marking a region down
 * only while at least 'quorum' fresh reports say so, so a single cut link does not evacuate
 * a region and a controller cut off from the checkers knows that it does not know.
 *
 * Probes that wait in a region's queue carry a tag with HEALTH_PROBE_TAG set; the data
 * plane hands such completions to health_probe_served() instead of the workload. */
#ifndef MRSIM_HEALTH_H
#define MRSIM_HEALTH_H

#include "env.h"
#include "deploy.h"

#define HEALTH_PROBE_TAG (UINT64_C(1) << 63) /* set in region tags of probes */

typedef struct health      health;      /* opaque */
typedef struct health_view health_view; /* one subscriber's view; opaque */

/* What a subscriber makes of a target: a quorum of fresh reports says it is down, or up, or
 * there is no quorum of fresh reports at all - and unknown is not down. */
typedef enum health_verdict {
    HEALTH_UP,
    HEALTH_DOWN,
    HEALTH_UNKNOWN,
} health_verdict;

typedef void health_view_change_fn(void *ctx, uint32_t target, health_verdict now);

/* The health view changed: region became unhealthy (healthy = false) or healthy again. */
typedef void health_change_fn(void *ctx, sim_time t, uint32_t region, bool healthy);

/* --- create / destroy -------------------------------------------------------------- */

/* Checkers configured by cfg (routing.health), acting through e (which must outlive the health). change may be
 * NULL. 0 or SIM_ENOMEM. */
int  health_new(env *e, const scn_health *cfg, health_change_fn *change, void *change_ctx,
                health **out, sim_err *err);
void health_free(health *h); /* NULL is a no-op */

/* --- run --------------------------------------------------------------------------- */

/* Schedule every checker's first probe. Probes go on until health_stop(). */
void health_start(health *h);
void health_stop(health *h);
/* A probe that waited in a region's queue has been served there (tag has
 * HEALTH_PROBE_TAG); a region_done_fn's arguments. */
void health_probe_served(health *h, uint32_t region, uint64_t tag);

/* --- subscribers ------------------------------------------------------------------------
 * The failover controller and the DNS service learn about health only from the reports the
 * checkers send them: after every probe, each checker sends each subscriber its verdict on
 * the target and its smoothed figures, over the stream between their regions (to the DNS
 * service: with the DNS propagation delay). A subscriber keeps the latest report of each
 * (checker, target) with its arrival time; a report older than three probe intervals and a
 * timeout is unknown. A target is down when a quorum of fresh reports says so, up when a
 * quorum of fresh reports exists and says otherwise, and unknown without a fresh quorum. */

/* Subscribe address 'where' (a region, or ENV_DNS) to the reports. change(ctx, target,
 * verdict) runs when a report changes the verdict on target (staleness alone is noticed
 * when asked). The view lives as long as h. 0 or SIM_ENOMEM. */
int            health_subscribe(health *h, uint32_t where, health_view_change_fn *change, void *ctx,
                                health_view **out);
health_verdict health_view_verdict(const health_view *v, uint32_t target);
/* Fresh reports on target, and (down, if not NULL) how many of them say down. */
uint32_t health_view_fresh(const health_view *v, uint32_t target, uint32_t *down);
uint32_t health_view_quorum(const health_view *v, uint32_t target);
/* The mean of the fresh reports' smoothed probe round trip (ms) and failure rate; 0 while
 * none has one. */
double health_view_rtt_ms(const health_view *v, uint32_t target);
double health_view_failure_rate(const health_view *v, uint32_t target);

/* --- query (telemetry: the checkers' collective verdict, for monitoring and the log; code
 * under test uses a view) ----------------------------------------------------------------- */

/* The health view: whether region is healthy (a quorum of checkers has not marked it
 * unhealthy). Every region starts healthy. */
bool health_is_healthy(const health *h, uint32_t region);
/* How many checkers currently mark region unhealthy. */
uint32_t health_votes_down(const health *h, uint32_t region);
/* The checkers' smoothed view of a region, for the scored routing policy: probe round trip
 * in ms and probe failure rate (exponentially weighted, weight 0.1 per probe, averaged over
 * the checkers; 0 before any probe). */
double health_probe_rtt_ms(const health *h, uint32_t region);
double health_probe_failure_rate(const health *h, uint32_t region);
/* Probes sent, and probes that failed (timed out), so far. */
uint64_t health_probes_sent(const health *h);
uint64_t health_probes_failed(const health *h);

#endif
