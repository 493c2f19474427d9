/* dp.c - reads, writes, caches and invalidations at each region.
 *
 * The request's content (key, field, set element) is read from the workload when the
 * request reaches the region, through wl_request_of(), which refuses tags of abandoned
 * attempts: that is the deadline check. Nothing is allocated per request. */
#include "dp.h"

#include <stdio.h>

#include "dist.h"
#include "rng.h"

struct dp {
    sim_engine         *e;
    const scn_scenario *scn;
    const scn_pattern  *pat;
    net                *net;
    region *const      *regions;
    store *const       *stores;
    wl                 *wl;
    repl               *repl;
    health             *health; /* NULL without health checking */
    const dr           *dr;     /* NULL without a failover controller */
    uint32_t            nregions;
    cache             **caches;   /* per region, or NULL without a cache */
    dist               *hit_time; /* owned */
    sim_rng           **rng;      /* per region: "cache/<region>" */
};

static void on_cache_answer(sim_engine *e, void *ctx, uint64_t arg);
static void on_invalidate(sim_engine *e, void *ctx, uint64_t arg);

int dp_new(sim_engine *e, const scn_scenario *s, const scn_pattern *p, net *n,
           region *const *regions, store *const *stores, wl *w, uint64_t seed, dp **out,
           sim_err *err)
{
    int rc = SIM_ENOMEM;
    dp *d = sim_calloc(1, sizeof *d);
    if (!d)
        goto fail;
    *d = (dp){ .e = e,
               .scn = s,
               .pat = p,
               .net = n,
               .regions = regions,
               .stores = stores,
               .wl = w,
               .nregions = (uint32_t)s->nregions };
    if (p->kind == SCN_PATTERN_READ_LOCAL && p->cache.enabled) {
        d->caches = sim_calloc(s->nregions, sizeof *d->caches);
        d->rng = sim_calloc(s->nregions, sizeof *d->rng);
        if (!d->caches || !d->rng)
            goto fail;
        for (uint32_t r = 0; r < d->nregions; r++) {
            char name[160];
            snprintf(name, sizeof name, "cache/%s", s->regions[r].name);
            if (cache_new(p->cache.size, s->data.fields, &d->caches[r]) < 0
                || sim_rng_new(seed, name, &d->rng[r]) < 0)
                goto fail;
        }
        rc = dist_new_at(&p->cache.hit, &d->hit_time, err, "patterns.%s.cache.hit", p->name);
        if (rc < 0) {
            dp_free(d);
            return rc;
        }
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

void dp_region_resynced(dp *d, uint32_t region)
{
    if (!d->caches)
        return;
    uint64_t keys = store_keys(d->stores[region]);
    for (uint64_t k = 0; k < keys; k++)
        cache_invalidate(d->caches[region], k);
}

/* Whether this region may serve op, by its own role: what a refusal looks like to the
 * client, or REGION_OK. */
static region_status role_allows(const dp *d, uint32_t region, scn_op op)
{
    if (d->dr) {
        if (!dr_serves_reads(d->dr, region))
            return REGION_REJECTED; /* syncing or fenced: serves nothing */
        if (op == SCN_WRITE && !dr_takes_writes(d->dr, region))
            return REGION_READ_ONLY;
        return REGION_OK;
    }
    if (op == SCN_WRITE && d->pat->kind == SCN_PATTERN_READ_LOCAL
        && (int32_t)region != d->pat->primary)
        return REGION_READ_ONLY;
    return REGION_OK;
}

void dp_request(void *dp_ctx, uint32_t region_index, scn_op op, uint64_t tag)
{
    dp             *d = dp_ctx;
    wl_request_view rq;
    if (!wl_request_of(d->wl, tag, &rq))
        return; /* the client gave up before it arrived */
    /* The record is read or written when service ends, milliseconds from now: fetching its
     * line into the cache meanwhile turns a miss in a store of millions of records into a
     * hit (about a tenth of a run's time, measured on the six-region benchmark). */
    __builtin_prefetch(store_cells(d->stores[region_index], rq.key));
    if (op == SCN_READ && d->caches && !region_is_down(d->regions[region_index])
        && (!d->dr || dr_serves_reads(d->dr, region_index))) {
        const store_cell *hit = cache_get(d->caches[region_index], rq.key);
        if (hit) {
            wl_note_read(d->wl, tag, hit);
            sim_time t = dist_sample_time(d->hit_time, d->rng[region_index]);
            sim_after(d->e, t, on_cache_answer, d, tag);
            return;
        }
    }
    region_submit(d->regions[region_index], op, tag);
}

static void on_cache_answer(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    dp *d = ctx;
    if (region_is_down(d->regions[wl_tag_region(arg)]))
        return; /* crashed while answering from its cache */
    wl_respond(d->wl, wl_tag_region(arg), arg, REGION_OK);
}

/* Read-local: tell every other region to drop key from its cache. */
static void invalidate_everywhere(dp *d, uint32_t from, uint64_t key)
{
    cache_invalidate(d->caches[from], key);
    for (uint32_t r = 0; r < d->nregions; r++)
        if (r != from)
            net_stream_send(d->net, from, r, NET_HEADER_BYTES, on_invalidate, d, key << 6 | r);
}

static void on_invalidate(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    dp      *d = ctx;
    uint32_t r = (uint32_t)(arg & 0x3f);
    if (!region_is_down(d->regions[r]))
        cache_invalidate(d->caches[r], arg >> 6);
}

void dp_served(void *dp_ctx, uint32_t region_index, uint64_t tag, scn_op op, region_status status)
{
    dp *d = dp_ctx;
    if (tag & HEALTH_PROBE_TAG) { /* a health probe that waited like a read */
        if (status == REGION_OK)  /* refused: no answer, the checker times out */
            health_probe_served(d->health, region_index, tag);
        return;
    }
    if (status != REGION_OK) {
        wl_respond(d->wl, region_index, tag, status);
        return;
    }
    wl_request_view rq;
    if (!wl_request_of(d->wl, tag, &rq))
        return; /* deadline passed while it was served */
    region_status allowed = role_allows(d, region_index, op);
    if (allowed != REGION_OK) {
        wl_respond(d->wl, region_index, tag, allowed);
        return;
    }
    if (op == SCN_READ) {
        const store_cell *cells = store_cells(d->stores[region_index], rq.key);
        if (d->caches)
            cache_put(d->caches[region_index], rq.key, cells);
        wl_note_read(d->wl, tag, cells);
        wl_respond(d->wl, region_index, tag, REGION_OK);
        return;
    }
    uint64_t id
        = repl_write(d->repl, region_index, rq.key, rq.field, rq.set_elem, rq.measured, tag);
    wl_note_write(d->wl, tag, id);
    if (d->caches)
        invalidate_everywhere(d, region_index, rq.key);
    if (d->pat->replication.mode != SCN_REPL_SYNC)
        wl_respond(d->wl, region_index, tag, REGION_OK);
}

void dp_write_settled(void *dp_ctx, uint64_t token, bool ok)
{
    dp *d = dp_ctx;
    wl_respond(d->wl, wl_tag_region(token), token, ok ? REGION_OK : REGION_FAILED);
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
