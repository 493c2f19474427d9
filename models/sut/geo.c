/* geo.c - partitions, owners, heartbeats (closed timestamps), forwarding and takeover.
 *
 * Per region r, everything is r's own belief, in arrays indexed [r * nparts + p] (ownership)
 * and [r * nregions + o] (what r knows of o's log): the owner of each partition and its
 * epoch, when r last heard that owner, and the newest heartbeat of each origin o with the
 * time r's copy of o's log is known current as of. All of it is memory, lost at a restart
 * (on_restart). The static part - partitions, homes, secondaries, where each may be stored -
 * is configuration, computed once from the scenario like the placement every process of a
 * real deployment would read from its config.
 *
 * Rejected: routing by the health checkers' view. A region's process here cannot read that
 * view (the seam), and a home that is unreachable from its secondary but alive to others is
 * exactly the case a takeover by heartbeats gets wrong in life as well: the split brain it
 * allows is the real one, and the run shows it (conflicts, lost writes). */
#include "geo.h"

#include <math.h>
#include <string.h>

#define NONE       UINT32_MAX
#define MAX_HOPS   2
#define MIN_PULSE  (10 * SIM_MS)
#define KM_UNKNOWN INFINITY

typedef struct forward_msg {
    uint64_t tag, key;
    uint8_t  op, hops;
} forward_msg;

typedef struct closed_msg {
    uint64_t pos;  /* the sender's log position when sent */
    sim_time t;    /* when sent */
    uint32_t part; /* a partition the sender owns */
    uint32_t epoch;
} closed_msg;

_Static_assert(sizeof(forward_msg) <= ENV_MSG_PAYLOAD, "a forward must fit a payload");
_Static_assert(sizeof(closed_msg) <= ENV_MSG_PAYLOAD, "a heartbeat must fit a payload");

struct geo {
    env               *env;
    scn_ownership      own;
    uint32_t           value_bytes;
    const scn_pattern *pat;
    repl              *repl;
    geo_serve_fn      *serve;
    void              *serve_ctx;
    uint32_t           nregions, nparts;
    sim_time           pulse;    /* heartbeat interval */
    uint32_t          *home;     /* [nparts] */
    uint32_t          *second;   /* [nparts], NONE without one */
    uint64_t          *may;      /* [nparts] regions allowed to hold it */
    bool              *used;     /* [nparts] some key is in it */
    uint32_t          *owner;    /* [r * nparts + p], NONE: unknown */
    uint32_t          *epoch;    /* [r * nparts + p] */
    sim_time          *heard;    /* [r * nparts + p] last heartbeat from the owner */
    sim_time          *since;    /* [r] when r's process (re)started */
    uint64_t          *pend_pos; /* [r * nregions + o] newest heartbeat of o */
    sim_time          *pend_t;
    sim_time          *closed; /* [r * nregions + o] r's copy of o's log current as of */
    uint64_t           takeovers;
};

static void on_forward(env *e, void *ctx, const env_msg *m);
static void on_closed(env *e, void *ctx, const env_msg *m);
static void on_pulse(env *e, void *ctx, uint64_t arg);
static void on_restart(env *e, void *ctx, uint32_t region);

static uint32_t part_of(const geo *g, uint64_t key)
{
    int32_t c = scn_ownership_owner(&g->own, key);
    return c >= 0 ? (uint32_t)c : (uint32_t)g->own.n + (uint32_t)(key % g->nregions);
}

bool geo_may_hold(const geo *g, uint64_t key, uint32_t region)
{
    return g->may[part_of(g, key)] >> region & 1;
}

static bool may_hold_fn(void *ctx, uint64_t key, uint32_t target)
{
    return geo_may_hold(ctx, key, target);
}

uint64_t geo_takeovers(const geo *g) { return g->takeovers; }

/* The allowed region nearest 'home', other than it (ties: the lower index), or NONE. */
static uint32_t nearest_other(const geo *g, uint32_t home, uint64_t allowed)
{
    uint32_t best = NONE;
    double   best_km = KM_UNKNOWN;
    for (uint32_t r = 0; r < g->nregions; r++) {
        if (r == home || !(allowed >> r & 1))
            continue;
        double km = env_region_km(g->env, home, r);
        if (best == NONE || km < best_km) {
            best = r;
            best_km = km;
        }
    }
    return best;
}

int geo_new(env *e, const scn_ownership *s, const scn_data *data, const scn_pattern *p, repl *r,
            geo_serve_fn *serve, void *serve_ctx, geo **out, sim_err *err)
{
    geo *g = sim_calloc(1, sizeof *g);
    if (!g)
        goto fail;
    *g = (geo){ .env = e,
                .own = *s,
                .value_bytes = data->value_bytes,
                .pat = p,
                .repl = r,
                .serve = serve,
                .serve_ctx = serve_ctx,
                .nregions = env_regions(e),
                .nparts = (uint32_t)s->n + env_regions(e) };
    size_t np = g->nparts, nr = g->nregions;
    g->home = sim_calloc(np, sizeof *g->home);
    g->second = sim_calloc(np, sizeof *g->second);
    g->may = sim_calloc(np, sizeof *g->may);
    g->used = sim_calloc(np, sizeof *g->used);
    g->owner = sim_calloc(nr * np, sizeof *g->owner);
    g->epoch = sim_calloc(nr * np, sizeof *g->epoch);
    g->heard = sim_calloc(nr * np, sizeof *g->heard);
    g->since = sim_calloc(nr, sizeof *g->since);
    g->pend_pos = sim_calloc(nr * nr, sizeof *g->pend_pos);
    g->pend_t = sim_calloc(nr * nr, sizeof *g->pend_t);
    g->closed = sim_calloc(nr * nr, sizeof *g->closed);
    if (!g->home || !g->second || !g->may || !g->used || !g->owner || !g->epoch || !g->heard
        || !g->since || !g->pend_pos || !g->pend_t || !g->closed)
        goto fail;
    uint64_t all = nr >= 64 ? UINT64_MAX : (UINT64_C(1) << nr) - 1;
    bool     shared = false;
    for (size_t c = 0; c < s->n; c++)
        shared |= !s->owners[c].keys_own;
    for (uint32_t q = 0; q < np; q++) {
        g->used[q] = q < s->n ? s->owners[q].keys_own : shared;
        if (q < s->n && s->owners[q].keys_own) {
            g->home[q] = (uint32_t)s->owners[q].home;
            g->may[q] = s->owners[q].allowed;
        } else if (q < s->n) {
            g->home[q] = 0; /* a population with shared keys owns no partition */
            g->may[q] = all;
        } else {
            g->home[q] = q - (uint32_t)s->n;
            g->may[q] = all;
        }
        g->second[q] = q < s->n && s->owners[q].keys_own && s->owners[q].secondary >= 0
            ? (uint32_t)s->owners[q].secondary
            : nearest_other(g, g->home[q], g->may[q]);
    }
    for (uint32_t reg = 0; reg < nr; reg++)
        for (uint32_t q = 0; q < np; q++)
            g->owner[(size_t)reg * np + q] = g->home[q];
    sim_time pulse = SIM_S;
    if (p->max_staleness > 0)
        pulse = p->max_staleness / 2;
    if (p->failover_after > 0 && p->failover_after / 3 < pulse)
        pulse = p->failover_after / 3;
    g->pulse = pulse < MIN_PULSE ? MIN_PULSE : pulse;
    repl_set_filter(r, may_hold_fn, g);
    env_listen(e, ENV_MSG_GEO_FORWARD, on_forward, g);
    env_listen(e, ENV_MSG_GEO_CLOSED, on_closed, g);
    env_on_restart(e, on_restart, g);
    *out = g;
    return 0;
fail:
    geo_free(g);
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the geo-partitioned routing");
}

void geo_free(geo *g)
{
    if (!g)
        return;
    sim_free(g->home);
    sim_free(g->second);
    sim_free(g->may);
    sim_free(g->used);
    sim_free(g->owner);
    sim_free(g->epoch);
    sim_free(g->heard);
    sim_free(g->since);
    sim_free(g->pend_pos);
    sim_free(g->pend_t);
    sim_free(g->closed);
    sim_free(g);
}

void geo_start(geo *g)
{
    for (uint32_t r = 0; r < g->nregions; r++)
        env_after(g->env, r, 0, on_pulse, g, r);
}

/* --- routing ------------------------------------------------------------------------- */

/* Whether region's copy of origin's log is known to be within max_staleness of it. */
static bool follower_current(geo *g, uint32_t region, uint32_t origin)
{
    size_t i = (size_t)region * g->nregions + origin;
    if (g->pend_t[i] > g->closed[i] && repl_position(g->repl, region, origin) >= g->pend_pos[i])
        g->closed[i] = g->pend_t[i];
    return g->closed[i] > 0 && env_now(g->env) - g->closed[i] <= g->pat->max_staleness;
}

static geo_action decide(geo *g, uint32_t region, scn_op op, uint64_t key, uint64_t tag,
                         uint32_t hops)
{
    uint32_t p = part_of(g, key);
    uint32_t o = g->owner[(size_t)region * g->nparts + p];
    if (o == region)
        return GEO_SERVE;
    if (op == SCN_READ && o != NONE && g->pat->max_staleness > 0 && (g->may[p] >> region & 1)
        && follower_current(g, region, o))
        return GEO_SERVE; /* a follower read */
    if (o == NONE || hops >= MAX_HOPS)
        return GEO_REFUSE;
    env_msg *m = env_msg_new(g->env, ENV_MSG_GEO_FORWARD, region, o);
    *ENV_PAYLOAD(m, forward_msg)
        = (forward_msg){ .tag = tag, .key = key, .op = (uint8_t)op, .hops = (uint8_t)(hops + 1) };
    uint64_t value = op == SCN_WRITE ? g->value_bytes : 0;
    env_send(g->env, ENV_STREAM, m, ENV_HEADER_BYTES + value);
    return GEO_FORWARDED;
}

geo_action geo_route(geo *g, uint32_t region, scn_op op, uint64_t key, uint64_t tag)
{
    return decide(g, region, op, key, tag, 0);
}

static void on_forward(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    geo               *g = ctx;
    const forward_msg *f = ENV_PAYLOAD(m, const forward_msg);
    geo_action         a = decide(g, m->to, (scn_op)f->op, f->key, f->tag, f->hops);
    if (a != GEO_FORWARDED)
        g->serve(g->serve_ctx, m->to, (scn_op)f->op, f->tag, a == GEO_SERVE);
}

/* --- heartbeats and takeover ---------------------------------------------------------- */

static void on_pulse(env *e, void *ctx, uint64_t arg)
{
    geo     *g = ctx;
    uint32_t r = (uint32_t)arg;
    sim_time now = env_now(e);
    size_t   base = (size_t)r * g->nparts;
    for (uint32_t p = 0; p < g->nparts; p++) {
        if (!g->used[p])
            continue; /* no key in it: nothing to own */
        /* A restarted region that heard nobody for a partition falls back on its config. */
        if (g->owner[base + p] == NONE && now - g->since[r] >= g->pat->failover_after)
            g->owner[base + p] = g->home[p];
        /* The secondary takes over from an owner it has not heard for failover_after. */
        uint32_t o = g->owner[base + p];
        if (g->pat->failover_after > 0 && g->second[p] == r && o != r && o != NONE
            && now - g->heard[base + p] > g->pat->failover_after
            && now - g->since[r] > g->pat->failover_after) {
            g->owner[base + p] = r;
            g->epoch[base + p]++;
            g->takeovers++;
        }
        if (g->owner[base + p] != r)
            continue;
        for (uint32_t q = 0; q < g->nregions; q++) {
            if (q == r)
                continue;
            env_msg *m = env_msg_new(e, ENV_MSG_GEO_CLOSED, r, q);
            *ENV_PAYLOAD(m, closed_msg) = (closed_msg){ .pos = repl_position(g->repl, r, r),
                                                        .t = now,
                                                        .part = p,
                                                        .epoch = g->epoch[base + p] };
            env_send(e, ENV_STREAM, m, ENV_HEADER_BYTES);
        }
    }
    env_after(e, r, g->pulse, on_pulse, g, r);
}

static void on_closed(env *e, void *ctx, const env_msg *m)
{
    geo              *g = ctx;
    const closed_msg *c = ENV_PAYLOAD(m, const closed_msg);
    uint32_t          q = m->to, o = m->from;
    size_t            i = (size_t)q * g->nparts + c->part;
    uint32_t          cur = g->owner[i];
    bool              newer = c->epoch > g->epoch[i];
    bool              same = c->epoch == g->epoch[i] && (cur == o || cur == NONE || o < cur);
    if (!newer && !same)
        return; /* an owner that has been replaced */
    g->owner[i] = o;
    g->epoch[i] = c->epoch;
    g->heard[i] = env_now(e);
    size_t k = (size_t)q * g->nregions + o;
    if (c->t > g->pend_t[k]) {
        g->pend_t[k] = c->t;
        g->pend_pos[k] = c->pos;
    }
}

/* The process of 'region' started again: it has forgotten who owns what, and what it knew
 * of the others' logs. */
static void on_restart(env *e, void *ctx, uint32_t region)
{
    geo   *g = ctx;
    size_t base = (size_t)region * g->nparts;
    for (uint32_t p = 0; p < g->nparts; p++) {
        g->owner[base + p] = NONE;
        g->epoch[base + p] = 0;
        g->heard[base + p] = env_now(e);
    }
    g->since[region] = env_now(e);
    for (uint32_t o = 0; o < g->nregions; o++) {
        size_t k = (size_t)region * g->nregions + o;
        g->pend_pos[k] = 0;
        g->pend_t[k] = g->closed[k] = 0;
    }
    env_after(e, region, 0, on_pulse, g, region);
}
