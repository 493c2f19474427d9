/* dp.c - reads, writes, caches and invalidations at each region.
 *
 * The request's content (key, field, set element, deadline) is read from its message when
 * the request reaches the region (env_request_of). A request whose deadline has passed is
 * dropped when it arrives or when its service ends, before anything is written: its client
 * has given up on it. Nothing is allocated per request.
 *
 * Cache fills race with invalidations, as cache-aside does in life: a read that missed
 * takes the record from the store when its service ends and sets it in the cache one cache
 * operation later (a draw of cache.hit), from a copy. An invalidation in between (a write
 * applied here, or the primary's message) does not stop the set, so the old record can sit
 * in the cache until the key's next invalidation or its eviction. The copies wait in a
 * fixed ring of DP_FILLS per region; a fill that finds its slot still taken is skipped (the
 * read is answered, the record just is not cached), and a crash forgets them all. */
#include "dp.h"

#include <stdio.h>
#include <string.h>

#include "dist.h"
#include "rng.h"

#define DP_FILLS 64 /* cache fills in flight per region */

/* A record read from the store, on its way into the cache. */
typedef struct fill {
    uint64_t   key;
    bool       busy; /* a timer will put it */
    store_cell cells[STORE_MAX_FIELDS];
} fill;

typedef struct invalidate_msg {
    uint64_t key;
} invalidate_msg;

_Static_assert(sizeof(invalidate_msg) <= ENV_MSG_PAYLOAD, "an invalidation must fit a payload");

struct dp {
    env               *env;
    const scn_data    *data;
    const scn_pattern *pat;
    store *const      *stores;
    repl              *repl;
    health            *health; /* NULL without health checking */
    const dr          *dr;     /* NULL without a failover controller */
    ll                *ll;     /* NULL but under the leaderless pattern */
    geo               *geo;    /* NULL but under the geo-partitioned pattern */
    uint32_t           nregions;
    cache            **caches;    /* per region, or NULL without a cache */
    dist              *hit_time;  /* owned */
    fill              *fills;     /* nregions x DP_FILLS, with caches */
    uint32_t          *fill_next; /* per region: the slot the next fill takes */
    sim_rng          **rng;       /* per region: "cache/<region>" */
};

static void on_cache_answer(env *e, void *ctx, uint64_t arg);
static void on_invalidate(env *e, void *ctx, const env_msg *m);
static void on_restart(env *e, void *ctx, uint32_t region);

int dp_new(env *e, const scn_pattern *p, const scn_data *data, store *const *stores, dp **out,
           sim_err *err)
{
    int rc = SIM_ENOMEM;
    dp *d = sim_calloc(1, sizeof *d);
    if (!d)
        goto fail;
    *d = (dp){ .env = e, .data = data, .pat = p, .stores = stores, .nregions = env_regions(e) };
    if (p->kind == SCN_PATTERN_READ_LOCAL && p->cache.enabled) {
        d->caches = sim_calloc(d->nregions, sizeof *d->caches);
        d->rng = sim_calloc(d->nregions, sizeof *d->rng);
        d->fills = sim_calloc((size_t)d->nregions * DP_FILLS, sizeof *d->fills);
        d->fill_next = sim_calloc(d->nregions, sizeof *d->fill_next);
        if (!d->caches || !d->rng || !d->fills || !d->fill_next)
            goto fail;
        for (uint32_t r = 0; r < d->nregions; r++) {
            char name[160];
            snprintf(name, sizeof name, "cache/%s", env_region_name(e, r));
            if (cache_new(p->cache.size, data->fields, &d->caches[r]) < 0
                || env_rng_new(e, name, &d->rng[r]) < 0)
                goto fail;
        }
        rc = dist_new_at(&p->cache.hit, &d->hit_time, err, "patterns.%s.cache.hit", p->name);
        if (rc < 0) {
            dp_free(d);
            return rc;
        }
    }
    if (d->caches) {
        env_listen(e, ENV_MSG_INVALIDATE, on_invalidate, d);
        env_on_restart(e, on_restart, d);
    }
    *out = d;
    return 0;
fail:
    dp_free(d);
    return sim_err_set(err, rc, NULL, "out of memory building the data plane");
}

void dp_free(dp *d)
{
    if (!d)
        return;
    for (uint32_t r = 0; r < d->nregions; r++) {
        if (d->caches)
            cache_free(d->caches[r]);
        if (d->rng)
            sim_rng_free(d->rng[r]);
    }
    sim_free(d->caches);
    sim_free(d->rng);
    sim_free(d->fills);
    sim_free(d->fill_next);
    dist_free(d->hit_time);
    sim_free(d);
}

/* A replicated write reached this region's store: what its cache holds of the key is old.
 * The primary's invalidation message alone is not enough: it can arrive before the write
 * does, and a read that misses in between would cache the old record until the key's next
 * write. */
static void on_applied_key(void *ctx, uint32_t region, uint64_t key)
{
    dp *d = ctx;
    cache_invalidate(d->caches[region], key);
}

void dp_set_repl(dp *d, repl *r)
{
    d->repl = r;
    if (d->caches)
        repl_set_key_hook(r, on_applied_key, d);
}
void dp_set_health(dp *d, health *h) { d->health = h; }
void dp_set_dr(dp *d, const dr *r) { d->dr = r; }
void dp_set_leaderless(dp *d, ll *l) { d->ll = l; }
void dp_set_geo(dp *d, geo *g) { d->geo = g; }

/* Served where it was forwarded to, without queueing again: the servers of the region that
 * forwarded it did the work of serving the request. */
void dp_geo_serve(void *dp_ctx, uint32_t region, scn_op op, uint64_t tag, bool serve)
{
    dp         *d = dp_ctx;
    env_request rq;
    if (!serve) {
        env_respond(d->env, region, tag, ENV_REJECTED);
        return;
    }
    if (!env_request_of(d->env, tag, &rq) || env_now(d->env) >= rq.deadline)
        return; /* the client gave up meanwhile */
    if (op == SCN_READ) {
        env_answer_read(d->env, tag, store_cells(d->stores[region], rq.key));
    } else {
        uint64_t id = repl_write(d->repl, region, rq.key, rq.field, rq.set_elem, rq.measured, tag);
        env_answer_write(d->env, tag, id);
    }
    env_respond(d->env, region, tag, ENV_OK);
}

void dp_leaderless_done(void *dp_ctx, uint64_t tag, bool ok, const store_cell *read)
{
    dp         *d = dp_ctx;
    env_request rq;
    if (!env_request_of(d->env, tag, &rq))
        return; /* its client has moved on */
    if (ok && read)
        env_answer_read(d->env, tag, read);
    env_respond(d->env, rq.region, tag, ok ? ENV_OK : ENV_FAILED);
}

void dp_region_resynced(dp *d, uint32_t region)
{
    if (!d->caches)
        return;
    uint64_t keys = store_keys(d->stores[region]);
    for (uint64_t k = 0; k < keys; k++)
        cache_invalidate(d->caches[region], k);
}

/* Whether this region may serve op, by its own role: what a refusal looks like to the
 * client, or ENV_OK. */
static env_status role_allows(const dp *d, uint32_t region, scn_op op)
{
    if (d->dr) {
        if (!dr_serves_reads(d->dr, region))
            return ENV_REJECTED; /* syncing or fenced: serves nothing */
        if (op == SCN_WRITE && !dr_takes_writes(d->dr, region))
            return ENV_READ_ONLY;
        return ENV_OK;
    }
    if (op == SCN_WRITE && d->pat->kind == SCN_PATTERN_READ_LOCAL
        && (int32_t)region != d->pat->primary)
        return ENV_READ_ONLY;
    return ENV_OK;
}

void dp_request(void *dp_ctx, uint32_t region_index, scn_op op, uint64_t tag)
{
    dp         *d = dp_ctx;
    env_request rq;
    if (!env_request_of(d->env, tag, &rq) || env_now(d->env) >= rq.deadline)
        return; /* the client gave up before it arrived */
    /* The record is read or written when service ends, milliseconds from now: fetching its
     * line into the cache meanwhile turns a miss in a store of millions of records into a
     * hit (about a tenth of a run's time, measured on the six-region benchmark). */
    __builtin_prefetch(store_cells(d->stores[region_index], rq.key));
    if (op == SCN_READ && d->caches && (!d->dr || dr_serves_reads(d->dr, region_index))) {
        const store_cell *hit = cache_get(d->caches[region_index], rq.key);
        if (hit) {
            env_answer_read(d->env, tag, hit);
            sim_time t = dist_sample_time(d->hit_time, d->rng[region_index]);
            env_after(d->env, region_index, t, on_cache_answer, d, tag);
            return;
        }
    }
    env_submit(d->env, region_index, op, tag);
}

static void on_cache_answer(env *e, void *ctx, uint64_t arg)
{
    (void)ctx;
    env_request rq;
    if (env_request_of(e, arg, &rq))
        env_respond(e, rq.region, arg, ENV_OK);
}

/* Read-local: tell every other region to drop key from its cache. */
static void invalidate_everywhere(dp *d, uint32_t from, uint64_t key)
{
    cache_invalidate(d->caches[from], key);
    for (uint32_t r = 0; r < d->nregions; r++)
        if (r != from) {
            env_msg *m = env_msg_new(d->env, ENV_MSG_INVALIDATE, from, r);
            ENV_PAYLOAD(m, invalidate_msg)->key = key;
            env_send(d->env, ENV_STREAM, m, ENV_HEADER_BYTES);
        }
}

static void on_invalidate(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    dp *d = ctx;
    cache_invalidate(d->caches[m->to], ENV_PAYLOAD(m, const invalidate_msg)->key);
}

/* A cache is memory: a region's process starts again with an empty one, and the fills it
 * had under way died with it (their timers never fire). */
static void on_restart(env *e, void *ctx, uint32_t region)
{
    (void)e;
    dp *d = ctx;
    dp_region_resynced(d, region);
    for (uint32_t i = 0; i < DP_FILLS; i++)
        d->fills[(size_t)region * DP_FILLS + i].busy = false;
}

static void on_fill(env *e, void *ctx, uint64_t arg)
{
    (void)e;
    dp   *d = ctx;
    fill *f = &d->fills[arg];
    cache_put(d->caches[arg / DP_FILLS], f->key, f->cells);
    f->busy = false;
}

/* Set what a read took from the store in the cache one cache operation from now. */
static void fill_later(dp *d, uint32_t region, uint64_t key, const store_cell *cells)
{
    size_t i = (size_t)region * DP_FILLS + d->fill_next[region];
    d->fill_next[region] = (d->fill_next[region] + 1) % DP_FILLS;
    if (d->fills[i].busy)
        return; /* too many under way: this one is not cached */
    d->fills[i].key = key;
    d->fills[i].busy = true;
    memcpy(d->fills[i].cells, cells, d->data->fields * sizeof *cells);
    sim_time t = dist_sample_time(d->hit_time, d->rng[region]);
    env_after(d->env, region, t, on_fill, d, i);
}

void dp_served(void *dp_ctx, uint32_t region_index, uint64_t tag, scn_op op, env_status status)
{
    dp *d = dp_ctx;
    if (tag & REPL_APPLY_TAG) { /* replicated entries, applied by this region's servers */
        repl_apply_served(d->repl, region_index, tag, status);
        return;
    }
    if (tag & HEALTH_PROBE_TAG) { /* a health probe that waited like a read */
        if (status == ENV_OK)     /* refused: no answer, the checker times out */
            health_probe_served(d->health, region_index, tag);
        return;
    }
    if (status != ENV_OK) {
        env_respond(d->env, region_index, tag, status);
        return;
    }
    env_request rq;
    if (!env_request_of(d->env, tag, &rq) || env_now(d->env) >= rq.deadline)
        return; /* deadline passed while it was served */
    env_status allowed = role_allows(d, region_index, op);
    if (allowed != ENV_OK) {
        env_respond(d->env, region_index, tag, allowed);
        return;
    }
    if (d->geo) {
        geo_action a = geo_route(d->geo, region_index, op, rq.key, tag);
        if (a == GEO_FORWARDED)
            return; /* its owner answers */
        if (a == GEO_REFUSE) {
            env_respond(d->env, region_index, tag, ENV_REJECTED);
            return;
        }
    }
    if (d->ll) { /* this region coordinates: the replicas answer */
        if (op == SCN_READ)
            ll_read(d->ll, region_index, rq.key, tag);
        else
            env_answer_write(d->env, tag,
                             ll_write(d->ll, region_index, rq.key, rq.set_elem, rq.measured, tag));
        return;
    }
    if (op == SCN_READ) {
        const store_cell *cells = store_cells(d->stores[region_index], rq.key);
        if (d->caches)
            fill_later(d, region_index, rq.key, cells);
        env_answer_read(d->env, tag, cells);
        env_respond(d->env, region_index, tag, ENV_OK);
        return;
    }
    uint64_t id
        = repl_write(d->repl, region_index, rq.key, rq.field, rq.set_elem, rq.measured, tag);
    env_answer_write(d->env, tag, id);
    if (d->caches)
        invalidate_everywhere(d, region_index, rq.key);
    if (d->pat->replication.mode != SCN_REPL_SYNC)
        env_respond(d->env, region_index, tag, ENV_OK);
}

void dp_write_settled(void *dp_ctx, uint64_t token, bool ok)
{
    dp         *d = dp_ctx;
    env_request rq;
    if (env_request_of(d->env, token, &rq))
        env_respond(d->env, rq.region, token, ok ? ENV_OK : ENV_FAILED);
}

uint64_t dp_cache_hits(const dp *d)
{
    uint64_t n = 0;
    for (uint32_t r = 0; d->caches && r < d->nregions; r++)
        n += cache_hits(d->caches[r]);
    return n;
}

uint64_t dp_cache_misses(const dp *d)
{
    uint64_t n = 0;
    for (uint32_t r = 0; d->caches && r < d->nregions; r++)
        n += cache_misses(d->caches[r]);
    return n;
}
