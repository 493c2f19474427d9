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
 * consecutive successes. The health view - what routing and failover use - marks a region
 * unhealthy while at least 'quorum' checkers see it so, so a single cut link does not
 * evacuate a region.
 *
 * Probes that wait in a region's queue carry a tag with HEALTH_PROBE_TAG set; the data
 * plane hands such completions to health_probe_served() instead of the workload. */
#ifndef MRSIM_HEALTH_H
#define MRSIM_HEALTH_H

#include "engine.h"
#include "net.h"
#include "region.h"
#include "scn.h"

#define HEALTH_PROBE_TAG (UINT64_C(1) << 63) /* set in region tags of probes */

typedef struct health health; /* opaque */

/* The health view changed: region became unhealthy (healthy = false) or healthy again. */
typedef void health_change_fn(void *ctx, sim_time t, uint32_t region, bool healthy);

/* --- create / destroy -------------------------------------------------------------- */

/* Checkers of s->health over network n, probing regions[0 .. s->nregions). Everything
 * passed must outlive the health. change may be NULL. 0 or SIM_ENOMEM. */
int  health_new(sim_engine *e, net *n, const scn_scenario *s, region *const *regions, uint64_t seed,
                health_change_fn *change, void *change_ctx, health **out, sim_err *err);
void health_free(health *h); /* NULL is a no-op */

/* --- run --------------------------------------------------------------------------- */

/* Schedule every checker's first probe. Probes go on until health_stop(). */
void health_start(health *h);
void health_stop(health *h);
/* A probe that waited in a region's queue has been served there (tag has
 * HEALTH_PROBE_TAG); a region_done_fn's arguments. */
void health_probe_served(health *h, uint32_t region, uint64_t tag);

/* --- query ------------------------------------------------------------------------- */

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
