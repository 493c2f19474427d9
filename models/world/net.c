/* net.c - message delivery with latency, jitter, loss, partitions and degraded links.
 *
 * The hot path is net_send(): two array lookups, at most three draws and one schedule. The
 * one-way base latencies are precomputed (RTT / 2, rounded down to the nanosecond), and the
 * partition and degradation checks are skipped entirely while no such fault is active.
 * Counting bytes across regions costs a comparison of two home regions and, for messages
 * that cross, a clock read and an add into a preallocated matrix. */
#include "net.h"

#include <stdio.h>

#include "rng.h"

typedef struct link_state {
    dist  *extra; /* borrowed; NULL: no extra latency */
    double loss;  /* extra drop probability */
} link_state;

struct net {
    sim_engine *e;
    uint32_t    nregions, nendpoints;
    sim_time   *half;   /* one-way base latency, endpoints^2, ns */
    sim_rng   **rng;    /* one stream per sender endpoint */
    dist       *jitter; /* owned; NULL: no jitter */
    double      loss;   /* network.loss */
    uint8_t    *group;  /* partition group per endpoint */
    uint32_t   *home;   /* per endpoint: its region (a client's nearest) */
    bool        partitioned, degraded;
    link_state *links;                   /* regions^2 */
    uint64_t   *cross;                   /* regions^2: bytes sent a -> b in the window */
    sim_time    count_from, count_until; /* the measured window [warmup, duration) */
    net_stats   stats;
};

int net_new(sim_engine *e, const scn_scenario *s, const topo *t, uint64_t seed, net **out,
            sim_err *err)
{
    int  rc = SIM_ENOMEM;
    net *n = sim_calloc(1, sizeof *n);
    if (!n)
        goto fail;
    n->e = e;
    n->nregions = topo_regions(t);
    n->nendpoints = topo_endpoints(t);
    n->loss = s->network.loss;
    size_t ne = n->nendpoints, nr = n->nregions;
    n->half = sim_calloc(ne * ne, sizeof *n->half);
    n->rng = sim_calloc(ne, sizeof *n->rng);
    n->group = sim_calloc(ne, sizeof *n->group);
    n->home = sim_calloc(ne, sizeof *n->home);
    n->links = sim_calloc(nr * nr, sizeof *n->links);
    n->cross = sim_calloc(nr * nr, sizeof *n->cross);
    n->count_from = s->warmup;
    n->count_until = s->duration;
    if (!n->half || !n->rng || !n->group || !n->home || !n->links || !n->cross)
        goto fail;
    for (uint32_t a = 0; a < ne; a++) {
        for (uint32_t b = 0; b < ne; b++)
            n->half[(size_t)a * ne + b] = topo_rtt(t, a, b) / 2;
        n->home[a] = a < nr ? a : topo_client_region(t, a - (uint32_t)nr, 0);
        char name[160];
        snprintf(name, sizeof name, "net/%s", topo_endpoint_name(t, a));
        if (sim_rng_new(seed, name, &n->rng[a]) < 0)
            goto fail;
    }
    if (s->network.has_jitter) {
        rc = dist_new_at(&s->network.jitter, &n->jitter, err, "network.jitter");
        if (rc < 0) {
            net_free(n);
            return rc;
        }
    }
    *out = n;
    return 0;
fail:
    net_free(n);
    return sim_err_set(err, rc, NULL, "out of memory building the network");
}

void net_free(net *n)
{
    if (!n)
        return;
    if (n->rng)
        for (uint32_t i = 0; i < n->nendpoints; i++)
            sim_rng_free(n->rng[i]);
    sim_free(n->rng);
    dist_free(n->jitter);
    sim_free(n->half);
    sim_free(n->group);
    sim_free(n->home);
    sim_free(n->links);
    sim_free(n->cross);
    sim_free(n);
}

void net_send_sized(net *n, uint32_t from, uint32_t to, uint64_t bytes, sim_handler *fn, void *ctx,
                    uint64_t arg)
{
    n->stats.sent++;
    uint32_t ha = n->home[from], hb = n->home[to];
    if (ha != hb) {
        sim_time now = sim_now(n->e);
        if (now >= n->count_from && now < n->count_until)
            n->cross[(size_t)ha * n->nregions + hb] += bytes;
    }
    if (n->partitioned && n->group[from] != n->group[to]) {
        n->stats.partitioned++;
        return;
    }
    double loss = n->loss;
    dist  *extra = NULL;
    if (n->degraded && from < n->nregions && to < n->nregions) {
        const link_state *l = &n->links[(size_t)from * n->nregions + to];
        loss = 1.0 - (1.0 - loss) * (1.0 - l->loss);
        extra = l->extra;
    }
    sim_rng *r = n->rng[from];
    if (loss > 0 && sim_rng_uniform(r) < loss) {
        n->stats.lost++;
        return;
    }
    sim_time delay = n->half[(size_t)from * n->nendpoints + to];
    if (n->jitter)
        delay += dist_sample_time(n->jitter, r);
    if (extra)
        delay += dist_sample_time(extra, r);
    sim_after(n->e, delay, fn, ctx, arg);
}

void net_set_partition(net *n, const uint8_t *group_of)
{
    n->partitioned = group_of != NULL;
    for (uint32_t ep = 0; ep < n->nendpoints; ep++)
        n->group[ep] = group_of ? group_of[n->home[ep]] : 0;
}

void net_degrade_link(net *n, uint32_t a, uint32_t b, dist *extra, double loss)
{
    link_state l = { .extra = extra, .loss = loss };
    n->links[(size_t)a * n->nregions + b] = l;
    n->links[(size_t)b * n->nregions + a] = l;
    n->degraded = true;
}

void net_clear_degradations(net *n)
{
    for (size_t i = 0; i < (size_t)n->nregions * n->nregions; i++)
        n->links[i] = (link_state){ 0 };
    n->degraded = false;
}

net_stats net_get_stats(const net *n) { return n->stats; }

uint64_t net_cross_bytes(const net *n, uint32_t a, uint32_t b)
{
    return n->cross[(size_t)a * n->nregions + b];
}

bool net_connected(const net *n, uint32_t a, uint32_t b)
{
    return !n->partitioned || n->group[a] == n->group[b];
}
