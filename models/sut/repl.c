/* repl.c - per-region logs, shippers, receivers and sync quorum waiters.
 *
 * State per origin region: its log (a ring of entries with consecutive sequence numbers from
 * 'base'), and per target region the link state: sent (highest sequence sent), acked
 * (cumulative acknowledgement received) and the time of the last progress. State per
 * receiver: applied[origin], the contiguous prefix of that origin's log it has applied.
 *
 * Messages are env records (models/env.h) over the origin's stream to each target:
 *     batch:  the origin, the first sequence and the count of entries;
 *     ack:    the origin, the applied sequence and flags.
 * An ack's flags: REWIND, the receiver is behind what it acknowledged before (it was rebuilt
 * from a snapshot, or a batch was lost), so the sender goes back to it; FENCED, the batch
 * held entries the receiver voids (its origin was replaced as primary). Sequence numbers
 * start at 1.
 *
 * Memory and disk: the log, the applied positions and the fences are on disk and survive a
 * crash; the sync waiters and the shipper's timer are memory. A restarted region forgets
 * its waiters (their clients time out) and starts its shipper again from what its targets
 * acknowledged.
 *
 * Why go-back-N rather than selective repeat: batches on one link arrive in order unless one
 * is lost, and a loss is rare; resending from the first gap keeps the receiver to a single
 * counter per origin, which is what makes apply idempotent and in order for free. */
#include "repl.h"

#include <string.h>

#include "resolv.h"

/* Unacknowledged entries a link may have in flight, in batches: without a window a link to
 * an unreachable region would stream its whole backlog every tick and resend all of it
 * after every silence. Four batches keep a healthy link busy across its round trip. */
#define REPL_WINDOW_BATCHES 4

#define ACK_REWIND 1u
#define ACK_FENCED 2u

typedef struct batch_msg {
    uint32_t origin;
    uint32_t count;
    uint64_t first;
} batch_msg;

typedef struct ack_msg {
    uint32_t origin;
    uint32_t flags; /* ACK_REWIND, ACK_FENCED */
    uint64_t seq;   /* applied up to */
} ack_msg;

_Static_assert(sizeof(batch_msg) <= ENV_MSG_PAYLOAD, "a batch message must fit a payload");
_Static_assert(sizeof(ack_msg) <= ENV_MSG_PAYLOAD, "an ack message must fit a payload");

typedef struct log_entry {
    uint64_t     key;
    uint32_t     field;
    uint32_t     epoch;  /* the origin's epoch when it took the write */
    sim_time     commit; /* true commit time: the oracle's annotation */
    store_record rec;    /* the record as shipped */
} log_entry;

typedef struct link_state {
    uint64_t sent;     /* highest sequence sent */
    uint64_t acked;    /* cumulative acknowledgement */
    sim_time progress; /* last send from 'acked' or last ack */
    uint32_t silences; /* resends in a row without an ack since */
    bool     fenced;   /* the target voids this origin's entries:
                                                 its acks count for no quorum */
} link_state;

typedef struct waiter {
    uint64_t  seq;   /* the write's sequence */
    uint64_t  token; /* for the done callback */
    env_timer timeout;
} waiter;

typedef struct origin_log {
    log_entry *ring;
    uint64_t   cap;               /* a power of two */
    uint64_t   base;              /* sequence of the oldest entry kept */
    uint64_t   next;              /* sequence the next write gets */
    bool       ticking;           /* a shipper tick is scheduled */
    waiter    *waiters;           /* sync: ring of writes waiting for quorum */
    uint64_t   wcap, whead, wlen; /* wcap a power of two */
} origin_log;

/* A receiver's appliers for one origin. Every batch received in order becomes one job for
 * the region's servers; jobs run in parallel on any free server, and their entries are
 * applied (and acknowledged) in log order as the oldest jobs finish, as parallel replication
 * with preserved commit order does (MySQL's replica_preserve_commit_order). Memory: lost in
 * a crash. */
typedef struct apply_job {
    uint64_t upto; /* the job covers entries after the previous job's upto, to this one */
    uint8_t  state;
} apply_job;

enum { JOB_RUNNING, JOB_DONE, JOB_REFUSED };

typedef struct apply_state {
    uint64_t   received;     /* highest sequence received in order */
    apply_job *jobs;         /* ring of jobs in log order */
    uint32_t   cap, head, n; /* cap: 0 or a power of two */
} apply_state;

/* A snapshot taken at a source for a target, in transfer until it is installed. */
typedef struct snapshot {
    store    *data;    /* NULL: a free slot */
    uint64_t *applied; /* per origin: the source's position when taken */
    size_t    nfences; /* the source's fences when taken */
} snapshot;

typedef struct fence_list {
    repl_fence *f;
    size_t      n, cap;
} fence_list;

struct repl {
    env               *env;
    const scn_data    *data;
    const scn_pattern *pat;
    store *const      *stores;
    const uint8_t     *rank;
    repl_done_fn      *done;
    void              *done_ctx;
    repl_key_fn       *on_key; /* may be NULL */
    void              *on_key_ctx;
    uint32_t           nregions;
    sim_time           tick;        /* shipper interval */
    uint64_t           entry_bytes; /* bytes of one entry on the wire */
    origin_log        *logs;        /* per origin */
    link_state        *links;       /* origin x target */
    uint64_t          *applied;     /* receiver x origin */
    uint32_t          *epoch;       /* per region: stamped on its writes */
    fence_list        *fences;      /* per receiver */
    uint64_t          *bytes;       /* sender x receiver */
    repl_stale_fn     *on_stale;    /* may be NULL */
    void              *on_stale_ctx;
    apply_state       *apply; /* receiver x origin */
    snapshot          *snaps; /* in transfer */
    size_t             nsnaps, snaps_cap;
    repl_filter_fn    *filter; /* may be NULL: every entry goes everywhere */
    void              *filter_ctx;
};

static void on_tick(env *e, void *ctx, uint64_t arg);
static void on_batch(env *e, void *ctx, const env_msg *m);
static void on_ack(env *e, void *ctx, const env_msg *m);
static bool entry_void(const fence_list *fl, uint32_t origin, uint64_t seq, uint32_t epoch);
static void on_quorum_timeout(env *e, void *ctx, uint64_t arg);
static void on_restart(env *e, void *ctx, uint32_t region);
static void apply_done_jobs(repl *r, uint32_t target, uint32_t origin);

static link_state *link_of(repl *r, uint32_t origin, uint32_t target)
{
    return &r->links[(size_t)origin * r->nregions + target];
}

static apply_state *apply_of(repl *r, uint32_t target, uint32_t origin)
{
    return &r->apply[(size_t)target * r->nregions + origin];
}

/* An apply job's tag: REPL_APPLY_TAG, the origin (6 bits) and the job's last sequence (48
 * bits): how the job's completion finds it again. */
static uint64_t repl__apply_tag(uint32_t origin, uint64_t upto)
{
    return REPL_APPLY_TAG | (uint64_t)origin << 48 | (upto & ((UINT64_C(1) << 48) - 1));
}

static uint32_t repl__apply_tag_origin(uint64_t tag) { return (uint32_t)(tag >> 48) & 0x3f; }
static uint64_t repl__apply_tag_upto(uint64_t tag) { return tag & ((UINT64_C(1) << 48) - 1); }

_Static_assert(ENV_MAX_REGIONS <= 64, "an origin fits 6 bits of an apply job's tag");

static log_entry *entry_of(origin_log *l, uint64_t seq)
{
    return &l->ring[(seq - 1) & (l->cap - 1)];
}

int repl_new(env *e, const scn_data *data, const scn_pattern *p, store *const *stores,
             const uint8_t *rank, repl_done_fn *done, void *done_ctx, repl **out, sim_err *err)
{
    repl *r = sim_calloc(1, sizeof *r);
    if (!r)
        goto fail;
    *r = (repl){
        .env = e,
        .data = data,
        .pat = p,
        .stores = stores,
        .rank = rank,
        .done = done,
        .done_ctx = done_ctx,
        .nregions = env_regions(e),
        .entry_bytes = REPL_HEADER_BYTES + data->value_bytes,
    };
    r->tick = p->replication.mode == SCN_REPL_ASYNC && p->replication.batch > 0
        ? p->replication.batch
        : p->replication.resend;
    size_t nr = r->nregions;
    r->logs = sim_calloc(nr, sizeof *r->logs);
    r->links = sim_calloc(nr * nr, sizeof *r->links);
    r->applied = sim_calloc(nr * nr, sizeof *r->applied);
    r->epoch = sim_calloc(nr, sizeof *r->epoch);
    r->fences = sim_calloc(nr, sizeof *r->fences);
    r->bytes = sim_calloc(nr * nr, sizeof *r->bytes);
    r->apply = sim_calloc(nr * nr, sizeof *r->apply);
    if (!r->logs || !r->links || !r->applied || !r->epoch || !r->fences || !r->bytes || !r->apply)
        goto fail;
    for (size_t i = 0; i < nr; i++) {
        origin_log *l = &r->logs[i];
        l->cap = 1024;
        l->base = l->next = 1;
        l->ring = sim_calloc(l->cap, sizeof *l->ring);
        l->wcap = 256;
        l->waiters = sim_calloc(l->wcap, sizeof *l->waiters);
        if (!l->ring || !l->waiters)
            goto fail;
    }
    env_listen(e, ENV_MSG_REPL_BATCH, on_batch, r);
    env_listen(e, ENV_MSG_REPL_ACK, on_ack, r);
    env_on_restart(e, on_restart, r);
    *out = r;
    return 0;
fail:
    repl_free(r);
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the replicators");
}

void repl_free(repl *r)
{
    if (!r)
        return;
    if (r->logs)
        for (uint32_t i = 0; i < r->nregions; i++) {
            sim_free(r->logs[i].ring);
            sim_free(r->logs[i].waiters);
        }
    sim_free(r->logs);
    sim_free(r->links);
    sim_free(r->applied);
    sim_free(r->epoch);
    if (r->fences)
        for (uint32_t i = 0; i < r->nregions; i++)
            sim_free(r->fences[i].f);
    sim_free(r->fences);
    sim_free(r->bytes);
    if (r->apply)
        for (size_t i = 0; i < (size_t)r->nregions * r->nregions; i++)
            sim_free(r->apply[i].jobs);
    sim_free(r->apply);
    for (size_t i = 0; i < r->nsnaps; i++)
        if (r->snaps[i].data)
            repl_snapshot_drop(r, (uint32_t)i);
    sim_free(r->snaps);
    sim_free(r);
}

/* --- the log ----------------------------------------------------------------------- */

static log_entry *log_append(origin_log *l)
{
    if (l->next - l->base == l->cap) {
        /* Grow by doubling, unwrapping the ring into the new one: entries keep their
         * sequence-derived positions only relative to the capacity. */
        uint64_t   cap = l->cap * 2;
        log_entry *ring = sim_calloc(cap, sizeof *ring);
        if (!ring)
            sim_panic("out of memory growing a replication log to %llu entries",
                      (unsigned long long)cap);
        for (uint64_t seq = l->base; seq < l->next; seq++)
            ring[(seq - 1) & (cap - 1)] = *entry_of(l, seq);
        sim_free(l->ring);
        l->ring = ring;
        l->cap = cap;
    }
    return entry_of(l, l->next++);
}

/* Drop entries every target has acknowledged. */
static void log_trim(repl *r, uint32_t origin)
{
    uint64_t upto = r->logs[origin].next - 1;
    for (uint32_t t = 0; t < r->nregions; t++)
        if (t != origin && link_of(r, origin, t)->acked < upto)
            upto = link_of(r, origin, t)->acked;
    if (upto + 1 > r->logs[origin].base)
        r->logs[origin].base = upto + 1;
}

static void send_message(repl *r, env_msg *m, uint64_t bytes)
{
    r->bytes[(size_t)m->from * r->nregions + m->to] += bytes;
    env_send(r->env, ENV_STREAM, m, bytes);
}

static void send_ack(repl *r, uint32_t target, uint32_t origin, uint32_t flags, uint64_t seq)
{
    env_msg *m = env_msg_new(r->env, ENV_MSG_REPL_ACK, target, origin);
    *ENV_PAYLOAD(m, ack_msg) = (ack_msg){ .origin = origin, .flags = flags, .seq = seq };
    send_message(r, m, REPL_HEADER_BYTES);
}

/* Send what is due on link origin -> target: resend from the last acknowledgement after
 * 'resend' without progress, then at most max_batch new entries. */
static void ship(repl *r, uint32_t origin, uint32_t target)
{
    origin_log *l = &r->logs[origin];
    link_state *k = link_of(r, origin, target);
    sim_time    now = env_now(r->env);
    /* Resend after 'resend' of silence, doubling the wait after each resend that brought
     * no ack (up to 64 times), as a sender backs off from a peer it cannot reach. */
    uint32_t shift = k->silences < 6 ? k->silences : 6;
    if (k->sent > k->acked && now - k->progress >= r->pat->replication.resend << shift) {
        k->sent = k->acked; /* go back N */
        k->progress = now;
        k->silences++;
    }
    uint64_t last = l->next - 1;
    uint64_t window = REPL_WINDOW_BATCHES * (uint64_t)r->pat->replication.max_batch;
    if (k->sent >= last || k->sent - k->acked >= window)
        return; /* nothing new, or the window is full */
    uint64_t first = k->sent + 1;
    uint64_t count = last - k->sent;
    if (count > r->pat->replication.max_batch)
        count = r->pat->replication.max_batch;
    if (count > window - (k->sent - k->acked))
        count = window - (k->sent - k->acked);
    if (k->sent == k->acked)
        k->progress = now;
    k->sent += count;
    /* With a filter, entries the target may not hold are left out of the batch: only the
     * others are paid for (the receiver skips the same ones by the same rule). */
    uint64_t shipped = count;
    for (uint64_t seq = first; r->filter && seq < first + count; seq++)
        shipped -= !r->filter(r->filter_ctx, entry_of(l, seq)->key, target);
    env_msg *m = env_msg_new(r->env, ENV_MSG_REPL_BATCH, origin, target);
    *ENV_PAYLOAD(m, batch_msg)
        = (batch_msg){ .origin = origin, .count = (uint32_t)count, .first = first };
    send_message(r, m, REPL_HEADER_BYTES + shipped * r->entry_bytes);
}

static bool log_busy(repl *r, uint32_t origin)
{
    origin_log *l = &r->logs[origin];
    if (r->pat->replication.mode == SCN_REPL_NONE)
        return false;
    for (uint32_t t = 0; t < r->nregions; t++)
        if (t != origin && link_of(r, origin, t)->acked < l->next - 1)
            return true;
    return false;
}

static void schedule_tick(repl *r, uint32_t origin)
{
    origin_log *l = &r->logs[origin];
    if (!l->ticking) {
        l->ticking = true;
        env_after(r->env, origin, r->tick, on_tick, r, origin);
    }
}

static void on_tick(env *e, void *ctx, uint64_t arg)
{
    (void)e;
    repl    *r = ctx;
    uint32_t origin = (uint32_t)arg;
    r->logs[origin].ticking = false;
    for (uint32_t t = 0; t < r->nregions; t++)
        if (t != origin)
            ship(r, origin, t);
    if (log_busy(r, origin))
        schedule_tick(r, origin);
}

/* --- writes ------------------------------------------------------------------------ */

uint64_t repl_write(repl *r, uint32_t origin, uint64_t key, uint32_t field, uint32_t set_elem,
                    bool measured, uint64_t token)
{
    sim_time    now = env_now(r->env);
    origin_log *l = &r->logs[origin];
    uint64_t    seq = l->next;
    uint64_t    id = STORE_WRITE_ID(origin, seq);
    store_cell  cell = {
         .ts = r->pat->clock == SCN_CLOCK_HLC ? env_hlc_local(r->env, origin)
                                              : env_wall_ns(r->env, origin),
         .write_id = id,
    };
    /* The observers annotate the record (its place in the key's true commit order); the
     * record carries the annotation as a trace id is carried, and nothing here reads it. */
    env_observe(r->env,
                &(env_fact){ .kind = ENV_FACT_COMMIT,
                             .region = origin,
                             .key = key,
                             .field = field,
                             .write_id = id,
                             .measured = measured,
                             .annotation = &cell.kseq });
    /* Without replication the write is applied locally and never logged. */
    log_entry  unlogged;
    bool       none = r->pat->replication.mode == SCN_REPL_NONE;
    log_entry *entry = none ? &unlogged : log_append(l);
    if (none)
        l->next++;
    entry->key = key;
    entry->field = field;
    entry->epoch = r->epoch[origin];
    entry->commit = now;
    resolv_outcome res = resolv_local_write(r->pat->resolver, r->stores[origin], key, field, &cell,
                                            set_elem, r->rank, &entry->rec);
    if (res.displaced)
        env_observe(r->env,
                    &(env_fact){ .kind = ENV_FACT_OVERWRITTEN,
                                 .region = origin,
                                 .write_id = res.displaced });
    if (none) {
        l->base = l->next;
        return id;
    }

    bool sync = r->pat->replication.mode == SCN_REPL_SYNC;
    if (sync) {
        if (r->pat->replication.quorum <= 1) {
            r->done(r->done_ctx, token, true);
        } else {
            if (l->wlen == l->wcap) {
                uint64_t cap = l->wcap * 2;
                waiter  *w = sim_calloc(cap, sizeof *w);
                if (!w)
                    sim_panic("out of memory growing the quorum waiters to %llu",
                              (unsigned long long)cap);
                for (uint64_t i = 0; i < l->wlen; i++)
                    w[i] = l->waiters[(l->whead + i) & (l->wcap - 1)];
                sim_free(l->waiters);
                l->waiters = w;
                l->wcap = cap;
                l->whead = 0;
            }
            waiter *w = &l->waiters[(l->whead + l->wlen++) & (l->wcap - 1)];
            w->seq = seq;
            w->token = token;
            w->timeout = env_after(r->env, origin, r->pat->replication.timeout, on_quorum_timeout,
                                   r, origin);
        }
    }
    if (sync || r->pat->replication.batch == 0) {
        for (uint32_t t = 0; t < r->nregions; t++)
            if (t != origin)
                ship(r, origin, t);
    }
    if (r->nregions > 1)
        schedule_tick(r, origin);
    else
        log_trim(r, origin); /* no other region will ever acknowledge it:
                                                 without this the log grows with the run */
    return id;
}

/* Sync: answer every waiting write at the head whose quorum is complete. */
static void settle_waiters(repl *r, uint32_t origin)
{
    origin_log *l = &r->logs[origin];
    while (l->wlen > 0) {
        waiter  *w = &l->waiters[l->whead];
        uint32_t have = 1; /* the origin applied it */
        for (uint32_t t = 0; t < r->nregions; t++)
            if (t != origin && link_of(r, origin, t)->acked >= w->seq
                && !link_of(r, origin, t)->fenced)
                have++;
        if (have < r->pat->replication.quorum)
            return;
        env_cancel(r->env, w->timeout);
        uint64_t token = w->token;
        l->whead = (l->whead + 1) & (l->wcap - 1);
        l->wlen--;
        r->done(r->done_ctx, token, true);
    }
}

static void on_quorum_timeout(env *e, void *ctx, uint64_t arg)
{
    (void)e;
    repl       *r = ctx;
    uint32_t    origin = (uint32_t)arg;
    origin_log *l = &r->logs[origin];
    /* Timeouts fire in sequence order (one timeout for all), so the expired write is the
     * head; an earlier one that settled has cancelled its timer. */
    if (l->wlen == 0)
        sim_panic("a quorum timeout at %u without a waiting write", origin);
    uint64_t token = l->waiters[l->whead].token;
    l->whead = (l->whead + 1) & (l->wcap - 1);
    l->wlen--;
    r->done(r->done_ctx, token, false);
}

/* The process of 'region' started again: what it kept in memory is gone. Its waiting
 * writes are forgotten (their clients time out; their timers died with the process), and
 * its shipper starts again, resending from what each target acknowledged. */
static void on_restart(env *e, void *ctx, uint32_t region)
{
    (void)e;
    repl       *r = ctx;
    origin_log *l = &r->logs[region];
    l->wlen = 0;
    l->ticking = false;
    for (uint32_t o = 0; o < r->nregions; o++) { /* its appliers' jobs died with it */
        apply_state *a = apply_of(r, region, o);
        a->received = r->applied[(size_t)region * r->nregions + o];
        a->head = a->n = 0;
    }
    for (uint32_t t = 0; t < r->nregions; t++) {
        link_state *k = link_of(r, region, t);
        k->sent = k->acked;
        k->silences = 0;
    }
    if (log_busy(r, region))
        schedule_tick(r, region);
}

/* --- receiving ----------------------------------------------------------------------- */

/* Apply origin's entries (prev, upto] at target, in order, and acknowledge them. Void
 * entries are passed over. */
static void apply_range(repl *r, uint32_t target, uint32_t origin, uint64_t upto)
{
    env              *e = r->env;
    uint64_t         *applied = &r->applied[(size_t)target * r->nregions + origin];
    const fence_list *fl = &r->fences[target];
    origin_log       *l = &r->logs[origin];
    uint32_t          flags = 0;
    for (uint64_t seq = *applied + 1; seq <= upto; seq++) {
        const log_entry *entry = entry_of(l, seq);
        if (fl->n && entry_void(fl, origin, seq, entry->epoch)) {
            *applied = seq;
            flags |= ACK_FENCED;
            continue;
        }
        if (r->filter && !r->filter(r->filter_ctx, entry->key, target)) {
            *applied = seq; /* not shipped here: passed over */
            continue;
        }
        resolv_outcome res = resolv_replicated(r->pat->resolver, r->stores[target], entry->key,
                                               entry->field, &entry->rec, r->rank);
        if (res.conflict)
            env_observe(e,
                        &(env_fact){ .kind = ENV_FACT_CONFLICT,
                                     .region = target,
                                     .key = entry->key,
                                     .field = entry->field });
        env_observe(e,
                    &(env_fact){ .kind = ENV_FACT_APPLIED,
                                 .region = target,
                                 .key = entry->key,
                                 .field = entry->field,
                                 .commit = entry->commit });
        if (r->on_key)
            r->on_key(r->on_key_ctx, target, entry->key);
        *applied = seq;
    }
    send_ack(r, target, origin, flags, *applied);
}

/* Apply the finished jobs at the head of the ring, in order. A refused job (a full queue)
 * ends the chain: it and everything received after it are forgotten, and come again with
 * the origin's resend; the completions of jobs behind it find nothing and are ignored. */
static void apply_done_jobs(repl *r, uint32_t target, uint32_t origin)
{
    apply_state *a = apply_of(r, target, origin);
    while (a->n > 0) {
        apply_job *j = &a->jobs[a->head];
        if (j->state == JOB_RUNNING)
            return;
        if (j->state == JOB_REFUSED) {
            a->n = 0;
            a->received = r->applied[(size_t)target * r->nregions + origin];
            return;
        }
        uint64_t upto = j->upto;
        a->head = (a->head + 1) & (a->cap - 1);
        a->n--;
        apply_range(r, target, origin, upto);
    }
}

/* The job of origin's entries up to 'upto', handed to target's servers. */
static void start_job(repl *r, uint32_t target, uint32_t origin, uint64_t upto)
{
    apply_state      *a = apply_of(r, target, origin);
    const fence_list *fl = &r->fences[target];
    origin_log       *l = &r->logs[origin];
    if (a->n == a->cap) {
        uint32_t   cap = a->cap ? a->cap * 2 : 8;
        apply_job *jobs = sim_calloc(cap, sizeof *jobs);
        if (!jobs) { /* the run fails; these entries are left unapplied */
            env_fail(r->env, "the apply jobs");
            return;
        }
        for (uint32_t i = 0; i < a->n; i++)
            jobs[i] = a->jobs[(a->head + i) & (a->cap - 1)];
        sim_free(a->jobs);
        a->jobs = jobs;
        a->cap = cap;
        a->head = 0;
    }
    uint64_t from = a->n ? a->jobs[(a->head + a->n - 1) & (a->cap - 1)].upto
                         : r->applied[(size_t)target * r->nregions + origin];
    uint32_t entries = 0;
    for (uint64_t seq = from + 1; seq <= upto; seq++)
        entries += !(fl->n && entry_void(fl, origin, seq, entry_of(l, seq)->epoch))
            && !(r->filter && !r->filter(r->filter_ctx, entry_of(l, seq)->key, target));
    apply_job *j = &a->jobs[(a->head + a->n++) & (a->cap - 1)];
    *j = (apply_job){ .upto = upto, .state = entries ? JOB_RUNNING : JOB_DONE };
    if (entries == 0)
        apply_done_jobs(r, target, origin);
    else
        env_submit_apply(r->env, target, entries, repl__apply_tag(origin, upto));
}

void repl_apply_served(repl *r, uint32_t target, uint64_t tag, env_status status)
{
    uint32_t     origin = repl__apply_tag_origin(tag);
    uint64_t     upto = repl__apply_tag_upto(tag);
    apply_state *a = apply_of(r, target, origin);
    for (uint32_t i = 0; i < a->n; i++) {
        apply_job *j = &a->jobs[(a->head + i) & (a->cap - 1)];
        if (j->upto == upto && j->state == JOB_RUNNING) {
            j->state = status == ENV_OK ? JOB_DONE : JOB_REFUSED;
            apply_done_jobs(r, target, origin);
            return;
        }
    }
}

/* A batch reached target. Entries up to what it has received are duplicates; a first entry
 * past received + 1 means a batch was lost (or this replica was rebuilt): nothing here can
 * be applied in order, so it only acknowledges, asking the sender to go back. New entries
 * in order are received and become a job for target's servers; the acknowledgement follows
 * their apply, so a sync quorum counts a region only once it has applied. */
static void on_batch(env *e, void *ctx, const env_msg *m)
{
    repl            *r = ctx;
    const batch_msg *b = ENV_PAYLOAD(m, const batch_msg);
    uint32_t         origin = b->origin, target = m->to;
    uint64_t         applied = r->applied[(size_t)target * r->nregions + origin];
    apply_state     *a = apply_of(r, target, origin);
    uint64_t         last = b->first + b->count - 1;
    if (a->received < applied)
        a->received = applied; /* rebuilt from a snapshot meanwhile */
    if (b->first > a->received + 1) {
        send_ack(r, target, origin, ACK_REWIND, applied);
        return;
    }
    if (last <= a->received) {
        if (a->n == 0)
            send_ack(r, target, origin, 0, applied); /* a duplicate: say where it is */
        return;
    }
    /* The hybrid logical clock moves when a message is received, not when its entries are
     * applied: a local write after this receipt must be ordered after them. */
    if (r->pat->clock == SCN_CLOCK_HLC)
        for (uint64_t seq = a->received + 1; seq <= last; seq++)
            env_hlc_receive(e, target, entry_of(&r->logs[origin], seq)->rec.head.ts);
    a->received = last;
    start_job(r, target, origin, last);
}

static void on_ack(env *e, void *ctx, const env_msg *m)
{
    repl          *r = ctx;
    const ack_msg *a = ENV_PAYLOAD(m, const ack_msg);
    uint32_t       origin = a->origin, target = m->from;
    uint64_t       seq = a->seq;
    link_state    *k = link_of(r, origin, target);
    if ((a->flags & ACK_FENCED) && !k->fenced) {
        k->fenced = true; /* a replica knows a newer primary */
        if (r->on_stale)
            r->on_stale(r->on_stale_ctx, origin, target);
    }
    if ((a->flags & ACK_REWIND) && seq < k->acked) {
        /* The receiver is behind what it acknowledged: it was rebuilt. Go back to it, as
         * far as the log still holds (what was trimmed every region had applied). */
        uint64_t back = seq + 1 >= r->logs[origin].base ? seq : r->logs[origin].base - 1;
        k->acked = k->sent = back;
        k->progress = env_now(e);
        k->silences = 0;
        schedule_tick(r, origin);
        return;
    }
    if (seq <= k->acked)
        return;
    k->acked = seq;
    k->progress = env_now(e);
    k->silences = 0;
    if (k->sent < seq)
        k->sent = seq;
    log_trim(r, origin);
    if (r->pat->replication.mode == SCN_REPL_SYNC)
        settle_waiters(r, origin);
}

void repl_set_filter(repl *r, repl_filter_fn *fn, void *ctx)
{
    r->filter = fn;
    r->filter_ctx = ctx;
}

void repl_set_key_hook(repl *r, repl_key_fn *fn, void *ctx)
{
    r->on_key = fn;
    r->on_key_ctx = ctx;
}

/* --- query ------------------------------------------------------------------------- */

bool repl_idle(const repl *r)
{
    for (uint32_t o = 0; o < r->nregions; o++)
        if (log_busy((repl *)r, o))
            return false;
    return true;
}

uint64_t repl_link_bytes(const repl *r, uint32_t a, uint32_t b)
{
    return r->bytes[(size_t)a * r->nregions + b];
}

uint64_t repl_bytes(const repl *r)
{
    uint64_t total = 0;
    for (size_t i = 0; i < (size_t)r->nregions * r->nregions; i++)
        total += r->bytes[i];
    return total;
}

/* --- failover ------------------------------------------------------------------------ */

static bool entry_void(const fence_list *fl, uint32_t origin, uint64_t seq, uint32_t epoch)
{
    for (size_t i = 0; i < fl->n; i++)
        if (fl->f[i].origin == origin && seq > fl->f[i].after && epoch < fl->f[i].epoch)
            return true;
    return false;
}

uint64_t repl_position(const repl *r, uint32_t target, uint32_t origin)
{
    if (target == origin)
        return r->logs[origin].next - 1;
    return r->applied[(size_t)target * r->nregions + origin];
}

uint64_t repl_received(const repl *r, uint32_t target, uint32_t origin)
{
    uint64_t applied = repl_position(r, target, origin);
    uint64_t received = r->apply[(size_t)target * r->nregions + origin].received;
    return received > applied ? received : applied;
}

void repl_set_epoch(repl *r, uint32_t region, uint32_t epoch)
{
    if (r->epoch[region] == epoch)
        return;
    r->epoch[region] = epoch;
    for (uint32_t t = 0; t < r->nregions; t++)
        link_of(r, region, t)->fenced = false; /* its new writes are nobody's void */
}

void repl_set_fences(repl *r, uint32_t target, const repl_fence *f, size_t n)
{
    fence_list *fl = &r->fences[target];
    if (n && sim_grow(&fl->f, &fl->cap, n - 1, sizeof *fl->f) < 0)
        sim_panic("out of memory growing a fence list to %zu", n);
    if (n)
        memmove(fl->f, f, n * sizeof *f);
    fl->n = n;
}

void repl_add_fence(repl *r, uint32_t target, repl_fence f)
{
    fence_list *fl = &r->fences[target];
    if (sim_grow(&fl->f, &fl->cap, fl->n, sizeof *fl->f) < 0)
        sim_panic("out of memory growing a fence list past %zu", fl->n);
    fl->f[fl->n++] = f;
}

uint64_t repl_resync_bytes(const repl *r, uint32_t region)
{
    return store_keys(r->stores[region]) * r->entry_bytes;
}

size_t repl_fences(const repl *r, uint32_t target, const repl_fence **out)
{
    *out = r->fences[target].f;
    return r->fences[target].n;
}

void repl_set_stale_hook(repl *r, repl_stale_fn *fn, void *ctx)
{
    r->on_stale = fn;
    r->on_stale_ctx = ctx;
}

int repl_snapshot_take(repl *r, uint32_t source, uint32_t target, uint32_t *id, uint64_t *bytes)
{
    size_t nr = r->nregions;
    size_t i = 0;
    while (i < r->nsnaps && r->snaps[i].data)
        i++;
    if (i == r->nsnaps) {
        if (sim_grow(&r->snaps, &r->snaps_cap, r->nsnaps, sizeof *r->snaps) < 0)
            return SIM_ENOMEM;
        r->snaps[r->nsnaps++] = (snapshot){ 0 };
    }
    snapshot *s = &r->snaps[i];
    s->applied = sim_calloc(nr, sizeof *s->applied);
    if (!s->applied
        || store_new(store_keys(r->stores[source]), r->data->fields, (uint32_t)nr, &s->data, NULL)
            < 0) {
        sim_free(s->applied);
        *s = (snapshot){ 0 };
        return SIM_ENOMEM;
    }
    for (uint32_t o = 0; o < nr; o++)
        s->applied[o] = repl_position(r, source, o);
    s->nfences = r->fences[source].n;
    store_copy(s->data, r->stores[source]);
    *bytes = store_keys(r->stores[source]) * r->entry_bytes;
    r->bytes[source * nr + target] += *bytes;
    *id = (uint32_t)i;
    return 0;
}

void repl_snapshot_install(repl *r, uint32_t target, uint32_t source, uint32_t id)
{
    snapshot *s = &r->snaps[id];
    size_t    nr = r->nregions;
    for (uint32_t o = 0; o < nr; o++)
        if (o != target)
            r->applied[target * nr + o] = s->applied[o];
    /* The snapshot's fences are a prefix of the source's list: fences are only appended. */
    repl_set_fences(r, target, r->fences[source].f, s->nfences);
    store_copy(r->stores[target], s->data);
    repl_snapshot_drop(r, id);
}

void repl_snapshot_drop(repl *r, uint32_t id)
{
    store_free(r->snaps[id].data);
    sim_free(r->snaps[id].applied);
    r->snaps[id] = (snapshot){ 0 };
}

void repl_rewind(repl *r, uint32_t target)
{
    for (uint32_t o = 0; o < r->nregions; o++)
        if (o != target)
            send_ack(r, target, o, ACK_REWIND, r->applied[(size_t)target * r->nregions + o]);
}

sim_time repl_commit_time(const repl *r, uint32_t origin, uint64_t seq)
{
    const origin_log *l = &r->logs[origin];
    if (seq < l->base || seq >= l->next)
        return -1;
    return entry_of((origin_log *)l, seq)->commit;
}

uint64_t repl_backlog(const repl *r, uint32_t region)
{
    return r->logs[region].next - r->logs[region].base;
}
