/* route.h - geo DNS and its routing policies: which region a client population is sent to.
 * Code under test: the router knows only the health view (what the checkers learned from
 * their probes) and the geography, never whether a region is really up.
 *
 * Policies (scn_dns.policy; the default is the pattern's own):
 *   primary  the primary while it is healthy, else the first healthy region in scenario
 *            order (active-passive's DNS failover); the primary is the pattern's own, or
 *            routing.primary for a pattern without one, or else the first region;
 *   nearest  the nearest healthy region by great-circle distance;
 *   scored   among the three nearest healthy regions, the lowest weighted score of
 *            distance (normalised by the farthest of the three), the checkers' smoothed probe
 *            round trip (normalised likewise) and their smoothed probe failure rate.
 * Under read-local/write-global writes always resolve with the primary policy, and under
 * active-passive every request does. When a failover controller manages the pattern, the
 * primary is the one the controller last set (route_set_primary: its "update DNS" step),
 * healthy or not. When no region is healthy the answer is ROUTE_NONE and the request fails
 * at once (no_region).
 *
 * Answers are recomputed when the health view changes (route_health_changed) and, for
 * scored, at every resolution; each (client, operation) answer carries a version and the
 * time it last changed, so the workload can tell a stale cached answer and measure how long
 * clients take to move. */
#ifndef MRSIM_ROUTE_H
#define MRSIM_ROUTE_H

#include "env.h"
#include "health.h"
#include "deploy.h"

#define ROUTE_NONE UINT32_MAX

typedef struct route route; /* opaque */

/* The payload of an ENV_MSG_DNS_UPDATE to ENV_DNS: the failover controller's "update DNS". */
typedef struct route_dns_update {
    uint32_t primary; /* the region DNS answers from now on */
    uint32_t epoch;   /* the controller's epoch: a stale update is ignored */
} route_dns_update;

_Static_assert(sizeof(route_dns_update) <= ENV_MSG_PAYLOAD, "a DNS update must fit a payload");

/* What the DNS service knows of where its clients are (by their resolvers' addresses, as
 * geo DNS does): per client population, the regions from nearest to farthest and the round
 * trip to each. The arrays are borrowed and must outlive the router. */
typedef struct route_geo {
    uint32_t        nclients, nregions;
    const uint32_t *nearest; /* [client * nregions + k]: the k-th nearest region */
    const sim_time *rtt;     /* [client * nregions + region]: round trip, ns */
} route_geo;

static inline uint32_t route_geo_nearest(const route_geo *g, uint32_t client, uint32_t k)
{
    return g->nearest[(size_t)client * g->nregions + k % g->nregions];
}

/* The DNS service configured by dns under pattern p, acting through e; managed: a failover
 * controller moves the primary. With health checking (h not NULL) it subscribes to the
 * checkers' reports at ENV_DNS and answers from its own view of them; the failover
 * controller's updates reach it as messages. Everything passed must outlive it. 0 or
 * SIM_ENOMEM. */
int  route_new(env *e, const scn_dns *dns, const scn_pattern *p, bool managed, const route_geo *geo,
               health *h, route **out, sim_err *err);
void route_free(route *r); /* NULL is a no-op */

/* The failover controller's DNS update: region is the primary from now on. */
void     route_set_primary(route *r, uint32_t region, sim_time now);
uint32_t route_primary(const route *r);
/* The health view changed at time now: recompute every answer. */
void route_health_changed(route *r, sim_time now);

/* The DNS answer for client's operation op at time now, with its version (which changes
 * whenever the answer does) and the time it last changed. */
uint32_t route_answer(route *r, uint32_t client, scn_op op, sim_time now, uint64_t *version,
                      sim_time *changed_at);
/* The policy in force for op (the pattern's default resolved). */
scn_policy route_policy(const route *r, scn_op op);

#endif
