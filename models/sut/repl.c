/* repl.c - per-region logs, shippers, receivers and sync quorum waiters.
 *
 * State per origin region: its log (a ring of entries with consecutive sequence numbers from
 * 'base'), and per target region the link state: sent (highest sequence sent), acked
 * (cumulative acknowledgement received) and the time of the last progress. State per
 * receiver: applied[origin], the contiguous prefix of that origin's log it has applied.
 *
 * Messages carry everything in their 64-bit argument:
 *     batch:  origin (6 bits) | target (6) | count (16) | first sequence (36)
 *     ack:    origin (6) | target (6) | flags (2) | applied sequence (36)
 * An ack's flags: REWIND, the receiver is behind what it acknowledged before (it was rebuilt
 * from a snapshot, or a batch was lost), so the sender goes back to it; FENCED, the batch
 * held entries the receiver voids (its origin was replaced as primary).
 * so no message is allocated. Sequence numbers start at 1; 2^36 writes per origin is far
 * beyond any run.
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

#define MSG_SEQ_BITS     36
#define MSG_SEQ_MASK     ((UINT64_C(1) << MSG_SEQ_BITS) - 1)
#define MSG_COUNT_SHIFT  36
#define MSG_TARGET_SHIFT 52
#define MSG_ORIGIN_SHIFT 58

#define ACK_REWIND (UINT64_C(1) << 36)
#define ACK_FENCED (UINT64_C(1) << 37)

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
    uint64_t     seq;   /* the write's sequence */
    uint64_t     token; /* for the done callback */
    sim_event_id timeout;
    uint32_t     epoch; /* the origin's crash count when it waited */
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

typedef struct fence_list {
    repl_fence *f;
    size_t      n, cap;
} fence_list;

struct repl {
    sim_engine         *e;
    net                *net;
    const scn_scenario *scn;
    const scn_pattern  *pat;
    store *const       *stores;
    clock_state        *clocks;
    region *const      *regions;
    oracle             *oracle;
    const uint8_t      *rank;
    repl_done_fn       *done;
    void               *done_ctx;
    repl_applied_fn    *observer; /* may be NULL */
    void               *observer_ctx;
    repl_key_fn        *on_key; /* may be NULL */
    void               *on_key_ctx;
    uint32_t            nregions;
    sim_time            tick;        /* shipper interval */
    uint64_t            entry_bytes; /* bytes of one entry on the wire */
    origin_log         *logs;        /* per origin */
    link_state         *links;       /* origin x target */
    uint64_t           *applied;     /* receiver x origin */
    uint32_t           *epoch;       /* per region: stamped on its writes */
    fence_list         *fences;      /* per receiver */
    uint64_t           *bytes;       /* sender x receiver */
    repl_stale_fn      *on_stale;    /* may be NULL */
    void               *on_stale_ctx;
};

static void on_tick(sim_engine *e, void *ctx, uint64_t arg);
static void on_batch(sim_engine *e, void *ctx, uint64_t arg);
static void on_ack(sim_engine *e, void *ctx, uint64_t arg);
static bool entry_void(const fence_list *fl, uint32_t origin, uint64_t seq, uint32_t epoch);
static void on_quorum_timeout(sim_engine *e, void *ctx, uint64_t arg);

static link_state *link_of(repl *r, uint32_t origin, uint32_t target)
{
    return &r->links[(size_t)origin * r->nregions + target];
}

static log_entry *entry_of(origin_log *l, uint64_t seq)
{
    return &l->ring[(seq - 1) & (l->cap - 1)];
}

int repl_new(sim_engine *e, net *n, const scn_scenario *s, const scn_pattern *p,
             store *const *stores, clock_state *clocks, region *const *regions, oracle *o,
             const uint8_t *rank, repl_done_fn *done, void *done_ctx, repl **out, sim_err *err)
{
    repl *r = sim_calloc(1, sizeof *r);
    if (!r)
        goto fail;
    *r = (repl){
        .e = e,
        .net = n,
        .scn = s,
        .pat = p,
        .stores = stores,
        .clocks = clocks,
        .regions = regions,
        .oracle = o,
        .rank = rank,
        .done = done,
        .done_ctx = done_ctx,
        .nregions = (uint32_t)s->nregions,
        .entry_bytes = REPL_HEADER_BYTES + s->data.value_bytes,
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
    if (!r->logs || !r->links || !r->applied || !r->epoch || !r->fences || !r->bytes)
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

static void send_message(repl *r, uint32_t from, uint32_t to, sim_handler *fn, uint64_t arg,
                         uint64_t bytes)
{
    r->bytes[(size_t)from * r->nregions + to] += bytes;
    net_stream_send(r->net, from, to, bytes, fn, r, arg);
}

/* Send what is due on link origin -> target: resend from the last acknowledgement after
 * 'resend' without progress, then at most max_batch new entries. */
static void ship(repl *r, uint32_t origin, uint32_t target)
{
    origin_log *l = &r->logs[origin];
    link_state *k = link_of(r, origin, target);
    sim_time    now = sim_now(r->e);
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
    uint64_t arg = (uint64_t)origin << MSG_ORIGIN_SHIFT | (uint64_t)target << MSG_TARGET_SHIFT
        | count << MSG_COUNT_SHIFT | (first & MSG_SEQ_MASK);
    send_message(r, origin, target, on_batch, arg, REPL_HEADER_BYTES + count * r->entry_bytes);
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
        sim_after(r->e, r->tick, on_tick, r, origin);
    }
}

static void on_tick(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    repl    *r = ctx;
    uint32_t origin = (uint32_t)arg;
    r->logs[origin].ticking = false;
    if (!region_is_down(r->regions[origin]))
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
    sim_time    now = sim_now(r->e);
    origin_log *l = &r->logs[origin];
    uint64_t    seq = l->next;
    uint64_t    id = STORE_WRITE_ID(origin, seq);
    store_cell  cell = {
         .ts = r->pat->clock == SCN_CLOCK_HLC ? clock_hlc_local(&r->clocks[origin], now)
                                              : clock_wall(&r->clocks[origin], now),
         .write_id = id,
         .kseq = oracle_commit(r->oracle, key, field, id, now, measured),
    };
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
        oracle_overwritten(r->oracle, res.displaced);
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
            w->epoch = region_epoch(r->regions[origin]);
            w->timeout = sim_after(r->e, r->pat->replication.timeout, on_quorum_timeout, r,
                                   (uint64_t)origin << MSG_ORIGIN_SHIFT | seq);
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

/* Whether the origin still holds this waiter: a crash loses the process's memory, so the
 * client is never answered (it times out). */
static bool waiter_alive(const repl *r, uint32_t origin, const waiter *w)
{
    const region *g = r->regions[origin];
    return !region_is_down(g) && region_epoch(g) == w->epoch;
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
        sim_cancel(r->e, w->timeout);
        uint64_t token = w->token;
        bool     alive = waiter_alive(r, origin, w);
        l->whead = (l->whead + 1) & (l->wcap - 1);
        l->wlen--;
        if (alive)
            r->done(r->done_ctx, token, true);
    }
}

static void on_quorum_timeout(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    repl       *r = ctx;
    uint32_t    origin = (uint32_t)(arg >> MSG_ORIGIN_SHIFT);
    uint64_t    seq = arg & MSG_SEQ_MASK;
    origin_log *l = &r->logs[origin];
    /* Timeouts fire in sequence order (one timeout for all), so the expired write is the
     * head; an earlier one that settled has cancelled its timer. */
    if (l->wlen == 0 || l->waiters[l->whead].seq != seq)
        sim_panic("quorum timeout for write %llu out of order", (unsigned long long)seq);
    uint64_t token = l->waiters[l->whead].token;
    bool     alive = waiter_alive(r, origin, &l->waiters[l->whead]);
    l->whead = (l->whead + 1) & (l->wcap - 1);
    l->wlen--;
    if (alive)
        r->done(r->done_ctx, token, false);
}

/* --- receiving ----------------------------------------------------------------------- */

static void on_batch(sim_engine *e, void *ctx, uint64_t arg)
{
    repl    *r = ctx;
    uint32_t origin = (uint32_t)(arg >> MSG_ORIGIN_SHIFT);
    uint32_t target = (uint32_t)(arg >> MSG_TARGET_SHIFT) & 0x3f;
    uint64_t count = (arg >> MSG_COUNT_SHIFT) & 0xffff;
    uint64_t first = arg & MSG_SEQ_MASK;
    if (region_is_down(r->regions[target]))
        return; /* a down region hears nothing */
    uint64_t         *applied = &r->applied[(size_t)target * r->nregions + origin];
    const fence_list *fl = &r->fences[target];
    sim_time          now = sim_now(e);
    origin_log       *l = &r->logs[origin];
    uint64_t          flags = first > *applied + 1 ? ACK_REWIND : 0;
    /* Entries up to *applied are duplicates; a first entry past *applied + 1 means a batch
     * was lost (or this replica was rebuilt): nothing here can be applied in order, so only
     * acknowledge, asking the sender to go back. Void entries are passed over (and
     * acknowledged) without being applied. */
    for (uint64_t seq = *applied + 1; seq >= first && seq < first + count; seq++) {
        const log_entry *entry = entry_of(l, seq);
        if (fl->n && entry_void(fl, origin, seq, entry->epoch)) {
            *applied = seq;
            flags |= ACK_FENCED;
            continue;
        }
        if (r->pat->clock == SCN_CLOCK_HLC)
            clock_hlc_receive(&r->clocks[target], now, entry->rec.head.ts);
        resolv_outcome res = resolv_replicated(r->pat->resolver, r->stores[target], entry->key,
                                               entry->field, &entry->rec, r->rank);
        if (res.conflict)
            oracle_conflict(r->oracle);
        oracle_applied(r->oracle, target, entry->commit, now);
        if (r->observer)
            r->observer(r->observer_ctx, target, now - entry->commit);
        if (r->on_key)
            r->on_key(r->on_key_ctx, target, entry->key);
        *applied = seq;
    }
    uint64_t ack = (uint64_t)origin << MSG_ORIGIN_SHIFT | (uint64_t)target << MSG_TARGET_SHIFT
        | flags | (*applied & MSG_SEQ_MASK);
    send_message(r, target, origin, on_ack, ack, REPL_HEADER_BYTES);
}

static void on_ack(sim_engine *e, void *ctx, uint64_t arg)
{
    repl    *r = ctx;
    uint32_t origin = (uint32_t)(arg >> MSG_ORIGIN_SHIFT);
    uint32_t target = (uint32_t)(arg >> MSG_TARGET_SHIFT) & 0x3f;
    uint64_t seq = arg & MSG_SEQ_MASK;
    if (region_is_down(r->regions[origin]))
        return;
    link_state *k = link_of(r, origin, target);
    if ((arg & ACK_FENCED) && !k->fenced) {
        k->fenced = true; /* a replica knows a newer primary */
        if (r->on_stale)
            r->on_stale(r->on_stale_ctx, origin, target);
    }
    if ((arg & ACK_REWIND) && seq < k->acked) {
        /* The receiver is behind what it acknowledged: it was rebuilt. Go back to it, as
         * far as the log still holds (what was trimmed every region had applied). */
        uint64_t back = seq + 1 >= r->logs[origin].base ? seq : r->logs[origin].base - 1;
        k->acked = k->sent = back;
        k->progress = sim_now(e);
        k->silences = 0;
        schedule_tick(r, origin);
        return;
    }
    if (seq <= k->acked)
        return;
    k->acked = seq;
    k->progress = sim_now(e);
    k->silences = 0;
    if (k->sent < seq)
        k->sent = seq;
    log_trim(r, origin);
    if (r->pat->replication.mode == SCN_REPL_SYNC)
        settle_waiters(r, origin);
}

void repl_set_key_hook(repl *r, repl_key_fn *fn, void *ctx)
{
    r->on_key = fn;
    r->on_key_ctx = ctx;
}

void repl_set_observer(repl *r, repl_applied_fn *fn, void *ctx)
{
    r->observer = fn;
    r->observer_ctx = ctx;
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

uint64_t repl_resync(repl *r, uint32_t target, uint32_t source)
{
    size_t nr = r->nregions;
    for (uint32_t o = 0; o < nr; o++)
        if (o != target)
            r->applied[target * nr + o] = repl_position(r, source, o);
    repl_set_fences(r, target, r->fences[source].f, r->fences[source].n);
    store_copy(r->stores[target], r->stores[source]);
    uint64_t bytes = store_keys(r->stores[source]) * r->entry_bytes;
    r->bytes[source * nr + target] += bytes;
    return bytes;
}

void repl_rewind(repl *r, uint32_t target)
{
    for (uint32_t o = 0; o < r->nregions; o++) {
        if (o == target)
            continue;
        uint64_t seq = r->applied[(size_t)target * r->nregions + o];
        uint64_t ack = (uint64_t)o << MSG_ORIGIN_SHIFT | (uint64_t)target << MSG_TARGET_SHIFT
            | ACK_REWIND | (seq & MSG_SEQ_MASK);
        send_message(r, target, o, on_ack, ack, REPL_HEADER_BYTES);
    }
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
