/* region.c - the M/G/c server pool of one region.
 *
 * Waiting requests sit in a ring buffer that doubles when full (only with an unlimited
 * queue, and only until it reaches its high-water mark, so the steady state allocates
 * nothing). Requests in service occupy a slot per server; the completion event carries the
 * slot and the region's crash epoch in its argument, so nothing is allocated per request.
 *
 * Utilisation is the integral of the number of busy servers over the measurement window,
 * updated whenever that number changes. The same integral over all time, unclipped, is kept
 * beside it for the monitor, which takes differences of it per interval. */
#include "region.h"

#include <stdio.h>

#include "dist.h"
#include "rng.h"

typedef struct job {
    uint64_t tag;
    scn_op   op;
    uint32_t entries; /* replicated entries to apply (op is then SCN_WRITE); 0: a request */
} job;

struct region {
    sim_engine     *e;
    uint32_t        index, servers;        /* servers: as configured, the utilisation's base */
    uint32_t        nslots, zones;         /* server slots (the most a capacity fault sets) */
    uint32_t        queue_limit;           /* UINT32_MAX: unlimited */
    dist           *service[SCN_OP_COUNT]; /* owned */
    dist           *apply;                 /* owned: one replicated entry */
    sim_rng        *apply_rng;             /* "region/<name>/apply" */
    sim_rng        *rng;                   /* "region/<name>/service" */
    region_done_fn *done;
    void           *done_ctx;

    bool     down, read_only;
    double   brownout; /* service time multiplier */
    uint32_t epoch;    /* bumped by every crash */

    job      *ring;                          /* waiting requests, FIFO */
    uint32_t  ring_cap, ring_head, ring_len; /* ring_cap is a power of two */
    job      *slot;                          /* per server: the request it serves */
    uint32_t *free_slots;                    /* stack of idle server indices */
    uint32_t  nfree;

    uint32_t      online;   /* servers in service: not in a lost zone, under the capacity */
    bool         *srv_on;   /* per slot: in service */
    bool         *srv_busy; /* per slot: serving slot[i] */
    sim_event_id *srv_ev;   /* per slot: its completion event, while busy */

    sim_time     window_start, window_end; /* utilisation window */
    sim_time     busy_since;               /* last change of the busy count */
    double       busy_area;                /* busy servers x ns, inside the window */
    double       busy_total;               /* busy servers x ns, since time 0 */
    region_stats stats;
};

static void on_service_done(sim_engine *e, void *ctx, uint64_t arg);

/* Every server in service idle: the free stack pops them in index order. */
static void reset_free(region *r)
{
    r->nfree = 0;
    for (uint32_t i = r->nslots; i-- > 0;) {
        r->srv_busy[i] = false;
        if (r->srv_on[i])
            r->free_slots[r->nfree++] = i;
    }
}

int region_new(sim_engine *e, const scn_scenario *s, uint32_t index, uint64_t seed,
               sim_time window_start, sim_time window_end, region_done_fn *done, void *done_ctx,
               region **out, sim_err *err)
{
    const scn_region *sr = &s->regions[index];
    int               rc = SIM_ENOMEM;
    region           *r = sim_calloc(1, sizeof *r);
    if (!r)
        goto fail;
    r->e = e;
    r->index = index;
    r->servers = sr->servers;
    r->zones = sr->zones > 0 ? sr->zones : 1;
    r->nslots = sr->servers;
    for (size_t i = 0; i < s->nfaults; i++)
        if (s->faults[i].kind == SCN_FAULT_CAPACITY && s->faults[i].region == index
            && s->faults[i].servers > r->nslots)
            r->nslots = s->faults[i].servers;
    r->queue_limit = sr->queue_limit;
    r->done = done;
    r->done_ctx = done_ctx;
    r->brownout = 1.0;
    r->window_start = window_start;
    r->window_end = window_end;
    r->ring_cap = 1024; /* a power of two, so indices wrap by mask */
    r->ring = sim_calloc(r->ring_cap, sizeof *r->ring);
    r->slot = sim_calloc(r->nslots, sizeof *r->slot);
    r->free_slots = sim_calloc(r->nslots, sizeof *r->free_slots);
    r->srv_on = sim_calloc(r->nslots, sizeof *r->srv_on);
    r->srv_busy = sim_calloc(r->nslots, sizeof *r->srv_busy);
    r->srv_ev = sim_calloc(r->nslots, sizeof *r->srv_ev);
    if (!r->ring || !r->slot || !r->free_slots || !r->srv_on || !r->srv_busy || !r->srv_ev)
        goto fail;
    for (uint32_t i = 0; i < r->servers; i++)
        r->srv_on[i] = true;
    r->online = r->servers;
    reset_free(r);
    char name[160];
    snprintf(name, sizeof name, "region/%s/service", sr->name);
    if (sim_rng_new(seed, name, &r->rng) < 0)
        goto fail;
    snprintf(name, sizeof name, "region/%s/apply", sr->name);
    if (sim_rng_new(seed, name, &r->apply_rng) < 0)
        goto fail;
    for (int op = 0; op < SCN_OP_COUNT; op++) {
        rc = dist_new_at(&sr->service[op], &r->service[op], err, "regions[%u].service.%s", index,
                         scn_op_name(op));
        if (rc < 0) {
            region_free(r);
            return rc;
        }
    }
    rc = dist_new_at(&sr->apply, &r->apply, err, "regions[%u].service.apply", index);
    if (rc < 0) {
        region_free(r);
        return rc;
    }
    *out = r;
    return 0;
fail:
    region_free(r);
    return sim_err_set(err, rc, NULL, "out of memory building region %s", sr->name);
}

void region_free(region *r)
{
    if (!r)
        return;
    for (int op = 0; op < SCN_OP_COUNT; op++)
        dist_free(r->service[op]);
    sim_rng_free(r->rng);
    dist_free(r->apply);
    sim_rng_free(r->apply_rng);
    sim_free(r->ring);
    sim_free(r->slot);
    sim_free(r->free_slots);
    sim_free(r->srv_on);
    sim_free(r->srv_busy);
    sim_free(r->srv_ev);
    sim_free(r);
}

/* Add the busy-server area since the last change: to busy_area clipped to the window, to
 * busy_total whole. */
static void account_busy(region *r)
{
    sim_time now = sim_now(r->e);
    r->busy_total += (double)(r->online - r->nfree) * (double)(now - r->busy_since);
    sim_time from = r->busy_since > r->window_start ? r->busy_since : r->window_start;
    sim_time to = now < r->window_end ? now : r->window_end;
    if (to > from)
        r->busy_area += (double)(r->online - r->nfree) * (double)(to - from);
    r->busy_since = now;
}

static void start_service(region *r, job j)
{
    account_busy(r);
    uint32_t s = r->free_slots[--r->nfree];
    r->slot[s] = j;
    r->srv_busy[s] = true;
    sim_time t = 0;
    if (j.entries == 0)
        t = dist_sample_time(r->service[j.op], r->rng);
    for (uint32_t i = 0; i < j.entries; i++) /* a batch: one draw per entry, no overhead */
        t = sim_time_add_sat(t, dist_sample_time(r->apply, r->apply_rng));
    if (r->brownout != 1.0)
        t = sim_time_from_ns((double)t * r->brownout);
    r->srv_ev[s] = sim_after(r->e, t, on_service_done, r, (uint64_t)r->epoch << 32 | s);
}

/* False when memory ran out: the run has failed (sim_engine_fail) and the job is dropped. */
static bool ring_grow(region *r)
{
    uint32_t cap = r->ring_cap * 2;
    job     *ring = cap ? sim_calloc(cap, sizeof *ring) : NULL;
    if (!ring) {
        sim_engine_fail(r->e, SIM_ENOMEM, "out of memory growing the queue of region %u to %u",
                        r->index, cap);
        return false;
    }
    for (uint32_t i = 0; i < r->ring_len; i++)
        ring[i] = r->ring[(r->ring_head + i) & (r->ring_cap - 1)];
    sim_free(r->ring);
    r->ring = ring;
    r->ring_cap = cap;
    r->ring_head = 0;
    return true;
}

static void submit(region *r, job j);

void region_submit(region *r, scn_op op, uint64_t tag)
{
    r->stats.arrived++;
    if (r->down) {
        r->stats.dropped++;
        return;
    }
    if (op == SCN_WRITE && r->read_only) {
        r->stats.rejected++;
        r->done(r->done_ctx, r->index, tag, op, ENV_READ_ONLY);
        return;
    }
    submit(r, (job){ .tag = tag, .op = op });
}

void region_submit_apply(region *r, uint32_t entries, uint64_t tag)
{
    if (r->down)
        return; /* nobody is there to apply it */
    submit(r, (job){ .tag = tag, .op = SCN_WRITE, .entries = entries });
}

/* A job that passed the region's door: served at once, queued, or refused by a full queue. */
static void submit(region *r, job j)
{
    scn_op   op = j.op;
    uint64_t tag = j.tag;
    if (r->nfree > 0) {
        start_service(r, j);
        return;
    }
    if (r->ring_len >= r->queue_limit) {
        r->stats.rejected += j.entries == 0;
        r->done(r->done_ctx, r->index, tag, op, ENV_REJECTED);
        return;
    }
    if (r->ring_len == r->ring_cap && !ring_grow(r))
        return;
    r->ring[(r->ring_head + r->ring_len) & (r->ring_cap - 1)] = j;
    r->ring_len++;
    if (r->ring_len > r->stats.queue_peak)
        r->stats.queue_peak = r->ring_len;
}

static void on_service_done(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    region *r = ctx;
    if ((uint32_t)(arg >> 32) != r->epoch)
        return; /* served before a crash: lost with it */
    uint32_t s = (uint32_t)arg;
    job      j = r->slot[s];
    account_busy(r);
    r->srv_busy[s] = false;
    r->free_slots[r->nfree++] = s;
    r->stats.served += j.entries == 0;
    if (r->ring_len > 0) {
        job next = r->ring[r->ring_head];
        r->ring_head = (r->ring_head + 1) & (r->ring_cap - 1);
        r->ring_len--;
        start_service(r, next);
    }
    r->done(r->done_ctx, r->index, j.tag, j.op, ENV_OK);
}

void region_set_down(region *r, bool down)
{
    if (down == r->down)
        return;
    r->down = down;
    if (!down)
        return;
    account_busy(r);
    r->stats.dropped += r->ring_len + (r->online - r->nfree);
    r->ring_len = 0;
    r->ring_head = 0;
    reset_free(r);
    r->epoch++;
}

void region_set_servers(region *r, uint32_t servers, uint64_t zones_down)
{
    uint32_t n = servers == UINT32_MAX ? r->servers : servers;
    bool     change = false;
    for (uint32_t i = 0; i < r->nslots && !change; i++)
        change = (i < n && !(zones_down >> (i % r->zones) & 1)) != r->srv_on[i];
    if (!change)
        return; /* the busy integral is not split where nothing happens */
    account_busy(r);
    for (uint32_t i = 0; i < r->nslots; i++) {
        bool on = i < n && !(zones_down >> (i % r->zones) & 1);
        if (on == r->srv_on[i])
            continue;
        r->srv_on[i] = on;
        if (on) {
            r->online++;
            r->free_slots[r->nfree++] = i;
            continue;
        }
        r->online--;
        if (!r->srv_busy[i]) { /* idle: take it off the free stack */
            uint32_t k = 0;
            while (r->free_slots[k] != i)
                k++;
            r->free_slots[k] = r->free_slots[--r->nfree];
            continue;
        }
        /* Busy: the request it held is lost with it (the client times out); a batch of
         * replicated entries is durable in the log and goes back to the head of the queue,
         * for another server to apply. */
        sim_cancel(r->e, r->srv_ev[i]);
        r->srv_busy[i] = false;
        job j = r->slot[i];
        if (j.entries == 0) {
            r->stats.dropped++;
            r->stats.lost++;
        } else if (r->ring_len < r->ring_cap || ring_grow(r)) {
            r->ring_head = (r->ring_head + r->ring_cap - 1) & (r->ring_cap - 1);
            r->ring[r->ring_head] = j;
            r->ring_len++;
        }
    }
    while (r->nfree > 0 && r->ring_len > 0 && !r->down) {
        job next = r->ring[r->ring_head];
        r->ring_head = (r->ring_head + 1) & (r->ring_cap - 1);
        r->ring_len--;
        start_service(r, next);
    }
}

uint32_t region_servers_online(const region *r) { return r->online; }

void         region_set_read_only(region *r, bool read_only) { r->read_only = read_only; }
void         region_set_brownout(region *r, double factor) { r->brownout = factor; }
bool         region_is_down(const region *r) { return r->down; }
uint32_t     region_epoch(const region *r) { return r->epoch; }
region_stats region_get_stats(const region *r) { return r->stats; }

/* busy_total plus the busy time since the last change, which account_busy has not added
 * yet: the same sum account_busy would make now, without changing the region. */
double region_busy_ns(const region *r)
{
    sim_time now = sim_now(r->e);
    return r->busy_total + (double)(r->online - r->nfree) * (double)(now - r->busy_since);
}

double region_utilization(const region *r)
{
    sim_time now = sim_now(r->e);
    sim_time from = r->busy_since > r->window_start ? r->busy_since : r->window_start;
    sim_time to = now < r->window_end ? now : r->window_end;
    double   area = r->busy_area;
    if (to > from)
        area += (double)(r->online - r->nfree) * (double)(to - from);
    sim_time len = r->window_end - r->window_start;
    return len > 0 ? area / ((double)r->servers * (double)len) : 0.0;
}
