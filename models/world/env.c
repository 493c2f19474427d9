/* env.c - the world's side of the door (models/env.h): timers that die with their region,
 * messages that reach only live processes, clocks, servers and the observers.
 *
 * Timers. A timer is a record in a pool (handler, context, argument, region, the region's
 * epoch when it was set); the engine event carries the record's index. When it fires, the
 * record is released and the handler runs only if the region is up and has not crashed
 * since. A handle is the index and a generation, so a stale handle cancels nothing.
 *
 * Messages. A message is a record in a second pool: the env_msg itself plus the epochs of
 * both ends at the send. The network carries the index; on arrival the record is copied out
 * and released before the handler runs, so a handler may send (and grow the pool) freely.
 * Both pools grow by doubling and are reused: the steady state allocates nothing.
 *
 * Rejected: guarding every engine event with an epoch (one more word in each of the
 * engine's records, paid by every request of every run); a timer record per module (every
 * module would repeat the same liveness test this file makes once). */
#include "env-world.h"

#include <string.h>

#include "topo.h"
#include "wl.h"

typedef struct timer_rec {
    env_timer_fn *fn;
    void         *ctx;
    uint64_t      arg;
    sim_event_id  ev;
    uint32_t      region, epoch;
    uint32_t      gen;       /* bumped at each release */
    uint32_t      next_free; /* free list link, index + 1 (0: end) */
} timer_rec;

typedef struct msg_rec {
    env_msg       m;
    uint32_t      from_epoch, to_epoch;
    env_transport transport;
    uint32_t      next_free;
} msg_rec;

struct env {
    env_world_config cfg;
    uint32_t         nregions;
    struct {
        env_recv_fn *fn;
        void        *ctx;
    } listen[ENV_MSG_KIND_COUNT];
    struct {
        env_restart_fn *fn;
        void           *ctx;
    } restart[4];
    uint32_t   nrestart;
    timer_rec *timers;
    size_t     timers_cap, ntimers;
    uint32_t   free_timer;
    msg_rec   *msgs;
    size_t     msgs_cap, nmsgs;
    uint32_t   free_msg;
    uint64_t   sent, dropped; /* messages */
    msg_rec    sink;          /* what env_msg_new gives when the pool cannot grow */
    bool       dns_down, health_down;
};

int env_new(const env_world_config *cfg, env **out, sim_err *err)
{
    env *e = sim_calloc(1, sizeof *e);
    if (!e)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the environment");
    e->cfg = *cfg;
    e->nregions = (uint32_t)cfg->scn->nregions;
    *out = e;
    return 0;
}

void env_free(env *e)
{
    if (!e)
        return;
    sim_free(e->timers);
    sim_free(e->msgs);
    sim_free(e);
}

sim_time env_now(const env *e) { return sim_now(e->cfg.engine); }

static bool region_alive(const env *e, uint32_t index, uint32_t epoch)
{
    const region *r = e->cfg.regions[index];
    return !region_is_down(r) && region_epoch(r) == epoch;
}

/* --- timers ---------------------------------------------------------------------------- */

static void on_timer(sim_engine *engine, void *ctx, uint64_t arg)
{
    (void)engine;
    env       *e = ctx;
    uint32_t   i = (uint32_t)arg;
    timer_rec  t = e->timers[i];
    timer_rec *rec = &e->timers[i];
    rec->gen++;
    rec->ev = 0;
    rec->next_free = e->free_timer;
    e->free_timer = i + 1;
    if (region_alive(e, t.region, t.epoch))
        t.fn(e, t.ctx, t.arg);
}

env_timer env_after(env *e, uint32_t region, sim_time delay, env_timer_fn *fn, void *ctx,
                    uint64_t arg)
{
    uint32_t i;
    if (e->free_timer) {
        i = e->free_timer - 1;
        e->free_timer = e->timers[i].next_free;
    } else {
        if (sim_grow(&e->timers, &e->timers_cap, e->ntimers, sizeof *e->timers) < 0) {
            /* The run fails (the caller learns it from the engine); this timer never fires. */
            sim_engine_fail(e->cfg.engine, SIM_ENOMEM, "out of memory growing the timers past %zu",
                            e->ntimers);
            return 0;
        }
        i = (uint32_t)e->ntimers++;
        e->timers[i].gen = 1;
    }
    timer_rec *t = &e->timers[i];
    t->fn = fn;
    t->ctx = ctx;
    t->arg = arg;
    t->region = region;
    t->epoch = region_epoch(e->cfg.regions[region]);
    t->ev = sim_after(e->cfg.engine, delay, on_timer, e, i);
    return (uint64_t)t->gen << 32 | (i + 1);
}

void env_cancel(env *e, env_timer h)
{
    uint32_t i = (uint32_t)h;
    if (i == 0 || i > e->ntimers)
        return;
    timer_rec *t = &e->timers[i - 1];
    if (t->gen != (uint32_t)(h >> 32) || !t->ev)
        return;
    sim_cancel(e->cfg.engine, t->ev);
    t->ev = 0;
    t->gen++;
    t->next_free = e->free_timer;
    e->free_timer = i;
}

/* --- messages -------------------------------------------------------------------------- */

env_msg *env_msg_new(env *e, env_msg_kind k, uint32_t from, uint32_t to)
{
    uint32_t i;
    if (e->free_msg) {
        i = e->free_msg - 1;
        e->free_msg = e->msgs[i].next_free;
    } else {
        if (sim_grow(&e->msgs, &e->msgs_cap, e->nmsgs, sizeof *e->msgs) < 0) {
            /* The run fails; the caller fills and sends the sink, which goes nowhere. */
            sim_engine_fail(e->cfg.engine, SIM_ENOMEM,
                            "out of memory growing the message pool past %zu", e->nmsgs);
            e->sink = (msg_rec){ 0 };
            return &e->sink.m;
        }
        i = (uint32_t)e->nmsgs++;
    }
    msg_rec *r = &e->msgs[i];
    memset(r, 0, sizeof *r);
    r->m.kind = k;
    r->m.from = from;
    r->m.to = to;
    return &r->m;
}

static uint32_t index_of(const env *e, const env_msg *m)
{
    return (uint32_t)((const msg_rec *)(const void *)m - e->msgs);
}

static void release(env *e, uint32_t i)
{
    e->msgs[i].next_free = e->free_msg;
    e->free_msg = i + 1;
}

static void on_arrival(sim_engine *engine, void *ctx, uint64_t arg)
{
    (void)engine;
    env     *e = ctx;
    uint32_t i = (uint32_t)arg;
    msg_rec  r = e->msgs[i];
    release(e, i);
    if (r.m.to != ENV_DNS) {
        const region *to = e->cfg.regions[r.m.to];
        /* A down region hears nothing. A stream is a connection to the receiver's process:
         * what reaches a receiver that restarted since the send belongs to a connection that
         * died with its old process (the sender resends over a new one). What a sender put
         * on the wire before it crashed still arrives. */
        bool dead
            = region_is_down(to) || (r.transport == ENV_STREAM && region_epoch(to) != r.to_epoch);
        if (dead) {
            e->dropped++;
            return;
        }
    }
    if (e->listen[r.m.kind].fn)
        e->listen[r.m.kind].fn(e, e->listen[r.m.kind].ctx, &r.m);
}

void env_send(env *e, env_transport t, env_msg *m, uint64_t bytes)
{
    if (m == &e->sink.m)
        return; /* the run has failed for want of memory */
    uint32_t i = index_of(e, m);
    msg_rec *r = &e->msgs[i];
    r->transport = t;
    r->from_epoch = m->from == ENV_DNS ? 0 : region_epoch(e->cfg.regions[m->from]);
    r->to_epoch = m->to == ENV_DNS ? 0 : region_epoch(e->cfg.regions[m->to]);
    e->sent++;
    if ((e->dns_down && m->to == ENV_DNS) || (e->health_down && m->kind == ENV_MSG_HEALTH_REPORT)) {
        e->dropped++; /* the service is out: nobody takes it */
        release(e, i);
        return;
    }
    if (m->to == ENV_DNS || m->from == ENV_DNS) {
        /* The DNS provider is reached over the internet, not over the links between the
         * regions: a change is visible after its propagation delay, partitions or not. */
        sim_after(e->cfg.engine, e->cfg.dns_propagation, on_arrival, e, i);
        return;
    }
    if (t == ENV_STREAM)
        net_stream_send(e->cfg.net, m->from, m->to, bytes, on_arrival, e, i);
    else
        net_send_sized(e->cfg.net, m->from, m->to, bytes, on_arrival, e, i);
}

void env_listen(env *e, env_msg_kind k, env_recv_fn *fn, void *ctx)
{
    e->listen[k].fn = fn;
    e->listen[k].ctx = ctx;
}

/* --- the process's resources ------------------------------------------------------------ */

int env_rng_new(const env *e, const char *name, sim_rng **out)
{
    return sim_rng_new(e->cfg.seed, name, out);
}

int64_t env_wall_ns(const env *e, uint32_t region)
{
    return clock_wall(&e->cfg.clocks[region], env_now(e));
}

int64_t env_hlc_local(env *e, uint32_t region)
{
    return clock_hlc_local(&e->cfg.clocks[region], env_now(e));
}

void env_hlc_receive(env *e, uint32_t region, int64_t remote)
{
    clock_hlc_receive(&e->cfg.clocks[region], env_now(e), remote);
}

void env_submit(env *e, uint32_t region, int op, uint64_t tag)
{
    region_submit(e->cfg.regions[region], (scn_op)op, tag);
}

void env_submit_apply(env *e, uint32_t region, uint32_t entries, uint64_t tag)
{
    region_submit_apply(e->cfg.regions[region], entries, tag);
}

void env_fail(env *e, const char *what)
{
    sim_engine_fail(e->cfg.engine, SIM_ENOMEM, "out of memory growing %s", what);
}

void env_on_restart(env *e, env_restart_fn *fn, void *ctx)
{
    if (e->nrestart == sizeof e->restart / sizeof e->restart[0])
        sim_panic("too many restart hooks");
    e->restart[e->nrestart].fn = fn;
    e->restart[e->nrestart++].ctx = ctx;
}

void env_region_restarted(env *e, uint32_t region)
{
    for (uint32_t i = 0; i < e->nrestart; i++)
        e->restart[i].fn(e, e->restart[i].ctx, region);
}

/* --- configuration ---------------------------------------------------------------------- */

uint32_t env_regions(const env *e) { return e->nregions; }

const char *env_region_name(const env *e, uint32_t region)
{
    return region == ENV_DNS ? "dns" : e->cfg.scn->regions[region].name;
}

double env_region_km(const env *e, uint32_t a, uint32_t b)
{
    const scn_region *ra = &e->cfg.scn->regions[a], *rb = &e->cfg.scn->regions[b];
    return topo_distance_km(ra->lat, ra->lon, rb->lat, rb->lon);
}

/* --- clients ------------------------------------------------------------------------------ */

bool env_request_of(const env *e, uint64_t tag, env_request *out)
{
    return wl_request_of(e->cfg.wl, tag, out);
}

void env_answer_read(env *e, uint64_t tag, const struct store_cell *cells)
{
    wl_note_read(e->cfg.wl, tag, cells);
}

void env_answer_write(env *e, uint64_t tag, uint64_t write_id)
{
    wl_note_write(e->cfg.wl, tag, write_id);
}

void env_respond(env *e, uint32_t region, uint64_t tag, env_status status)
{
    wl_respond(e->cfg.wl, region, tag, status);
}

/* --- observers -------------------------------------------------------------------------- */

void env_observe(env *e, const env_fact *f)
{
    if (e->cfg.observe)
        e->cfg.observe(e->cfg.observe_ctx, f);
}

uint64_t env_messages_dropped(const env *e) { return e->dropped; }

void env_set_clients(env *e, wl *w) { e->cfg.wl = w; }
void env_set_dns_updates_down(env *e, bool down) { e->dns_down = down; }
void env_set_health_down(env *e, bool down) { e->health_down = down; }
