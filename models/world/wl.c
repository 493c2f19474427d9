/* wl.c - client populations, arrivals, request lifecycles, timeouts and retries.
 *
 * A request's life: arrival -> attempt (message to a region, timeout armed) -> the region
 * serves or rejects it -> answer message back -> done, or retry after back-off. Every step is
 * an engine event whose argument is a packed tag:
 *
 *     bits  0..23  request record (slot in the pool)
 *     bits 24..45  generation of the record, bumped at every attempt and at reuse
 *     bits 46..53  client population
 *     bits 54..59  region of the attempt
 *     bit  60      operation
 *     bits 61..62  status of an answer (env_status)
 *
 * so a message is self-contained and an answer to an abandoned attempt is recognised by its
 * generation. The generation wraps after 2^22 reuses of one record; an answer would have to
 * outlive millions of later requests on the same record to be confused, which the timeouts
 * make impossible in practice.
 *
 * Timeouts: every attempt of one client population has the same timeout, so its deadlines
 * come in the order the attempts were sent. Each client keeps them in a FIFO ring and has at
 * most one engine timer, set for the oldest deadline still waiting; answered attempts are
 * only marked, never cancelled in the engine, and are skipped when the timer comes round.
 * The timer therefore fires about once per timeout period per client instead of one event
 * per attempt, which took a fifth of the engine's work off every request.
 *
 * Arrivals: a non-homogeneous Poisson process by thinning (Lewis and Shedler): candidates at
 * the segment's peak rate, kept with probability rate(t) / peak. A rate step starts a new
 * segment; because the exponential is memoryless, restarting the draw at the boundary is
 * exact. Without a diurnal cycle no thinning draw is made.
 *
 * Sessions are users. A population's arrivals are handed to its sessions uniformly, which
 * is exactly S independent users each issuing a Poisson stream at rate/S (a Poisson
 * process split by independent uniform labels is S independent Poisson processes): a user
 * thinks for an exponential time with mean S/rate between requests. What a user keeps
 * across its requests is its identity (its DNS cache, its last write for read-your-writes
 * routing, the oracle's memory of it) and, with read_own_writes > 0, a ring of the keys of
 * its last WL_SESSION_KEYS acknowledged writes: a read targets one of them, drawn
 * uniformly, with probability read_own_writes (a session that has written nothing yet
 * reads from the key distribution). The ring is allocated once (40 bytes per session, only
 * when read_own_writes > 0), so nothing is allocated per request, and with
 * read_own_writes 0 no draw is added: every other scenario draws the same numbers as
 * before. Rejected: one arrival timer per session (S timers instead of one per population,
 * with the same distribution). */
#include "wl.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

#include "dist.h"
#include "rng.h"

#define TAG_SLOT_BITS    24
#define TAG_GEN_BITS     22
#define TAG_GEN_SHIFT    24
#define TAG_CLIENT_SHIFT 46
#define TAG_REGION_SHIFT 54
#define TAG_OP_SHIFT     60
#define TAG_STATUS_SHIFT 61
#define TAG_SLOT_MASK    ((UINT64_C(1) << TAG_SLOT_BITS) - 1)
#define TAG_GEN_MASK     ((UINT64_C(1) << TAG_GEN_BITS) - 1)
#define TAG_ID_MASK      ((UINT64_C(1) << (TAG_SLOT_BITS + TAG_GEN_BITS)) - 1)
#define NO_SLOT          UINT32_MAX
#define WL_SESSION_KEYS  4 /* keys of a session's last acknowledged writes it may re-read */
_Static_assert(SCN_MAX_CLIENTS <= 1 << (TAG_REGION_SHIFT - TAG_CLIENT_SHIFT),
               "a client index fits its field of a tag");
_Static_assert(SCN_MAX_REGIONS <= 1 << (TAG_OP_SHIFT - TAG_REGION_SHIFT),
               "a region index fits its field of a tag");

typedef struct request {
    uint32_t gen; /* TAG_GEN_BITS used */
    uint32_t client;
    uint32_t attempt; /* 0 for the first */
    uint32_t region;  /* of the current attempt */
    scn_op   op;
    uint32_t session; /* within the client */
    uint64_t key;
    uint32_t field, set_elem; /* writes */
    sim_time issued;
    sim_time deadline;                    /* the current attempt's, ns */
    bool     resolved;                    /* its DNS lookup is done: send it */
    bool     waiting;                     /* the current attempt awaits its answer */
    uint64_t failed;                      /* bit r: an attempt to region r timed out or
                                             was refused */
    uint64_t write_id;                    /* the current attempt's committed write, or 0 */
    bool     has_read;                    /* the current attempt's read returned: */
    uint64_t read_kseq[STORE_MAX_FIELDS]; /* ... the kseq of each field it got */
    uint32_t next_free;
} request;

/* A session's cached DNS answer (routing by DNS). */
typedef struct dns_entry {
    uint32_t region;      /* ROUTE_NONE: no healthy region */
    uint64_t version;     /* of the answer; 0: never resolved */
    sim_time expires;     /* ns */
    sim_time phase;       /* its expiries fall at phase + k * ttl */
    bool     ignores_ttl; /* keeps answers stale_for longer */
} dns_entry;

/* A session's last acknowledged writes' keys (read_own_writes). */
typedef struct own_ring {
    uint64_t key[WL_SESSION_KEYS];
    uint32_t n, next; /* entries in use; slot the next write takes */
} own_ring;

/* A session's own view of the regions, as a client library's outlier detection keeps it:
 * a region that timed out or refused avoid_after of the session's attempts in a row (a
 * success there breaks the streak) is avoided until 'until'. One streak per session (a
 * failure elsewhere starts a new one) and one expiry for the whole mask keep it at 24
 * bytes; a region added to the mask extends the others' avoidance. */
typedef struct session_view {
    uint64_t avoid;         /* bit r: region r */
    sim_time until;         /* ns; the whole mask expires then */
    uint32_t streak;        /* failures in a row at streak_region */
    uint32_t streak_region; /* region of the current streak */
} session_view;

typedef struct deadline {
    sim_time at; /* when the attempt times out */
    uint64_t id; /* its tag's slot and generation */
} deadline;

typedef struct client_state {
    const scn_client *cfg;
    uint32_t          index, endpoint;
    sim_rng          *rng;                     /* "client/<name>": arrivals, op, key, session */
    uint32_t          session_base;            /* global id of session 0 */
    sim_time         *last_write;              /* per session: when it last had a write
                                                 acknowledged (read-local's RYW routing) */
    own_ring         *own;                     /* per session, or NULL: read_own_writes 0 */
    session_view     *view;                    /* per session */
    dist             *keys;                    /* zipf over the keys; NULL for uniform */
    bool              owns_keys;               /* false when shared with an earlier client */
    size_t            next_step;               /* first step not yet in force */
    double            rate;                    /* base rate of the current segment, per s */
    dns_entry        *dns;                     /* per session x op (routing by DNS) */
    deadline         *deadlines;               /* FIFO ring of attempts' deadlines */
    uint32_t          dl_cap, dl_head, dl_len; /* dl_cap a power of two */
    bool              timer_armed;             /* an engine timer is set for the head */
    uint32_t          cut[SCN_MAX_REGIONS];    /* per region: sessions 0 .. cut-1 cannot
                                                 reach it (client_cut); 0: none */
} client_state;

struct wl {
    sim_engine         *e;
    const scn_scenario *scn;
    const scn_pattern  *pat;
    const topo         *topo;
    net                *net;
    oracle             *oracle;
    wl_deliver_fn      *deliver;
    void               *deliver_ctx;
    route              *route; /* NULL: no DNS */
    wl_dns_stats        dns;
    wl_outcome_fn      *outcome;
    void               *outcome_ctx;
    client_state       *clients;
    size_t              nclients;
    request            *pool;
    uint32_t            pool_cap, free_head;
    uint64_t            in_flight, issued;
    bool                arrivals_over;
    uint32_t            ncut;     /* client_state.cut entries that are non-zero */
    bool                dns_mute; /* the DNS service answers nothing */
    uint64_t            cut_lost; /* requests and answers a client_cut lost */
};

static void on_arrival(sim_engine *e, void *ctx, uint64_t arg);
static void on_request_message(sim_engine *e, void *ctx, uint64_t arg);
static void on_answer_message(sim_engine *e, void *ctx, uint64_t arg);
static void on_client_timer(sim_engine *e, void *ctx, uint64_t arg);
static void attempt_failed(wl *w, uint32_t slot, wl_result result);
static void on_retry(sim_engine *e, void *ctx, uint64_t arg);

static int pool_grow(wl *w)
{
    uint32_t cap = w->pool_cap ? w->pool_cap * 2 : 4096;
    if (cap > TAG_SLOT_MASK + 1)
        return SIM_ERANGE;
    request *pool = sim_realloc(w->pool, (size_t)cap * sizeof *pool);
    if (!pool)
        return SIM_ENOMEM;
    for (uint32_t i = w->pool_cap; i < cap; i++) {
        pool[i] = (request){ .next_free = i + 1 < cap ? i + 1 : w->free_head };
    }
    w->free_head = w->pool_cap;
    w->pool = pool;
    w->pool_cap = cap;
    return 0;
}

int wl_new(sim_engine *e, const scn_scenario *s, const scn_pattern *p, const topo *t, net *n,
           oracle *o, uint64_t seed, wl_outcome_fn *outcome, void *outcome_ctx, wl **out,
           sim_err *err)
{
    int rc = SIM_ENOMEM;
    wl *w = sim_calloc(1, sizeof *w);
    if (!w)
        goto fail;
    w->e = e;
    w->scn = s;
    w->pat = p;
    w->topo = t;
    w->net = n;
    w->oracle = o;
    w->outcome = outcome;
    w->outcome_ctx = outcome_ctx;
    w->free_head = NO_SLOT;
    w->clients = sim_calloc(s->nclients, sizeof *w->clients);
    if (!w->clients)
        goto fail;
    w->nclients = s->nclients;
    uint32_t sessions = 0;
    for (size_t i = 0; i < s->nclients; i++) {
        client_state *c = &w->clients[i];
        c->cfg = &s->clients[i];
        c->session_base = sessions;
        sessions += c->cfg->sessions;
        if (p->kind == SCN_PATTERN_READ_LOCAL) {
            c->last_write = sim_calloc(c->cfg->sessions, sizeof *c->last_write);
            if (!c->last_write)
                goto fail;
            for (uint32_t k = 0; k < c->cfg->sessions; k++)
                c->last_write[k] = INT64_MIN; /* never wrote */
        }
        c->view = sim_calloc(c->cfg->sessions, sizeof *c->view);
        if (!c->view)
            goto fail;
        if (c->cfg->read_own_writes > 0) {
            c->own = sim_calloc(c->cfg->sessions, sizeof *c->own);
            if (!c->own)
                goto fail;
        }
        c->index = (uint32_t)i;
        c->endpoint = topo_client_endpoint(t, (uint32_t)i);
        c->rate = c->cfg->rate;
        char name[160];
        snprintf(name, sizeof name, "client/%s", c->cfg->name);
        if (sim_rng_new(seed, name, &c->rng) < 0)
            goto fail;
        if (scn_pattern_uses_dns(s, p)) {
            /* Each session's cache expires at its own phase; a share ignores the TTL. The
             * draws come from the client's stream before any request. */
            c->dns = sim_calloc((size_t)c->cfg->sessions * SCN_OP_COUNT, sizeof *c->dns);
            if (!c->dns)
                goto fail;
            for (uint32_t k = 0; k < c->cfg->sessions; k++) {
                sim_time phase = sim_time_from_ns(sim_rng_uniform(c->rng) * (double)s->dns.ttl);
                bool     ignores = sim_rng_uniform(c->rng) < s->dns.ignore_ttl;
                for (int op = 0; op < SCN_OP_COUNT; op++)
                    c->dns[k * SCN_OP_COUNT + op] = (dns_entry){ .region = ROUTE_NONE,
                                                                 .phase = phase,
                                                                 .ignores_ttl = ignores };
            }
        }
        c->dl_cap = 256;
        c->deadlines = sim_calloc(c->dl_cap, sizeof *c->deadlines);
        if (!c->deadlines)
            goto fail;
        /* Clients with the same key space share one alias table: it is read-only, and one
         * table instead of one per client keeps it in cache (a 100,000-key table is 1.6 MB). */
        for (size_t j = 0; j < i && c->cfg->key_zipf && !c->keys; j++)
            if (w->clients[j].keys && w->clients[j].cfg->key_count == c->cfg->key_count
                && w->clients[j].cfg->key_s == c->cfg->key_s)
                c->keys = w->clients[j].keys;
        if (c->cfg->key_zipf && !c->keys) {
            c->owns_keys = true;
            dist_spec zipf = { .kind = DIST_ZIPF, .n = c->cfg->key_count, .s = c->cfg->key_s };
            rc = dist_new_at(&zipf, &c->keys, err, "clients[%zu].keys", i);
            if (rc < 0) {
                wl_free(w);
                return rc;
            }
            rc = SIM_ENOMEM;
        }
    }
    if (pool_grow(w) < 0)
        goto fail;
    *out = w;
    return 0;
fail:
    wl_free(w);
    return sim_err_set(err, rc, NULL, "out of memory building the workload");
}

void wl_free(wl *w)
{
    if (!w)
        return;
    if (w->clients) {
        for (size_t i = 0; i < w->nclients; i++) {
            sim_rng_free(w->clients[i].rng);
            sim_free(w->clients[i].last_write);
            sim_free(w->clients[i].own);
            sim_free(w->clients[i].view);
            sim_free(w->clients[i].deadlines);
            sim_free(w->clients[i].dns);
            if (w->clients[i].owns_keys)
                dist_free(w->clients[i].keys);
        }
    }
    sim_free(w->clients);
    sim_free(w->pool);
    sim_free(w);
}

/* --- arrivals ---------------------------------------------------------------------- */

/* Move c to the segment in force at time t and return when that segment ends. */
static sim_time segment_end(client_state *c, sim_time t)
{
    const scn_client *cfg = c->cfg;
    while (c->next_step < cfg->nsteps && cfg->steps[c->next_step].at <= t)
        c->rate = cfg->steps[c->next_step++].rate;
    return c->next_step < cfg->nsteps ? cfg->steps[c->next_step].at : SIM_TIME_MAX;
}

/* The next arrival strictly after 'now', or SIM_TIME_MAX if the rate stays zero. */
static sim_time next_arrival(client_state *c, sim_time now)
{
    const double amp = c->cfg->diurnal_amplitude;
    for (;;) {
        sim_time end = segment_end(c, now);
        double   peak = c->rate * (1.0 + amp);
        if (peak <= 0) {
            if (end == SIM_TIME_MAX)
                return SIM_TIME_MAX;
            now = end;
            continue;
        }
        double   gap_ns = sim_rng_exponential(c->rng, 1e9 / peak);
        sim_time t = sim_time_add_sat(now, sim_time_from_ns(gap_ns));
        if (t >= end) {
            now = end;
            continue;
        }
        now = t;
        if (amp > 0) {
            double phase = 2.0 * 3.14159265358979323846 * (double)(t % c->cfg->diurnal_period)
                / (double)c->cfg->diurnal_period;
            if (sim_rng_uniform(c->rng) * (1.0 + amp) >= 1.0 + amp * sin(phase))
                continue;
        }
        return t;
    }
}

static void schedule_arrival(wl *w, client_state *c)
{
    sim_time t = next_arrival(c, sim_now(w->e));
    if (t < w->scn->duration)
        sim_at(w->e, t, on_arrival, w, c->index);
}

void wl_start(wl *w)
{
    for (size_t i = 0; i < w->nclients; i++)
        schedule_arrival(w, &w->clients[i]);
}

bool wl_end_arrivals(wl *w)
{
    w->arrivals_over = true;
    return w->in_flight == 0;
}

/* --- the request lifecycle --------------------------------------------------------- */

static uint64_t tag_of(const request *rq, uint32_t slot)
{
    return (uint64_t)slot | (uint64_t)rq->gen << TAG_GEN_SHIFT
        | (uint64_t)rq->client << TAG_CLIENT_SHIFT | (uint64_t)rq->region << TAG_REGION_SHIFT
        | (uint64_t)rq->op << TAG_OP_SHIFT;
}

/* The live request a tag names, or NULL if the tag is stale. */
static request *request_of(wl *w, uint64_t tag)
{
    uint32_t slot = (uint32_t)(tag & TAG_SLOT_MASK);
    request *rq = &w->pool[slot];
    if (rq->gen != ((tag >> TAG_GEN_SHIFT) & TAG_GEN_MASK) || rq->next_free != NO_SLOT)
        return NULL;
    return rq;
}

/* The session's DNS answer, from its cache or resolved anew once the cache has expired
 * (at the next of its phase's boundaries, or stale_for later for a session that ignores
 * the TTL). Counts attempts made on a stale answer, and how long sessions took to move. */
static uint32_t dns_lookup(wl *w, const request *rq)
{
    client_state *c = &w->clients[rq->client];
    dns_entry    *d = &c->dns[rq->session * SCN_OP_COUNT + rq->op];
    sim_time      now = sim_now(w->e);
    uint64_t      version;
    sim_time      changed;
    uint32_t      current = route_answer(w->route, rq->client, rq->op, now, &version, &changed);
    if (now >= d->expires && w->dns_mute && d->version != 0)
        return d->region; /* no answer: keep what it has (not counted stale: it cannot know) */
    if (now >= d->expires) {
        if (d->version != 0 && version != d->version) {
            w->dns.moves++;
            w->dns.move_sum_s += sim_time_s(now - changed);
        }
        d->region = current;
        d->version = version;
        sim_time ttl = w->scn->dns.ttl;
        sim_time periods = now >= d->phase ? (now - d->phase) / ttl + 1 : 0;
        d->expires = d->phase + periods * ttl;
        if (d->ignores_ttl)
            d->expires = sim_time_add_sat(d->expires, w->scn->dns.stale_for);
    }
    if (d->region != current && rq->issued >= w->scn->warmup)
        w->dns.stale_requests++;
    return d->region;
}

/* The operation attempt rq resolves as: under read-local/write-global a write, and a read by
 * a session that wrote within ryw_window, go where writes go. */
static scn_op resolve_op(const wl *w, const request *rq)
{
    const client_state *c = &w->clients[rq->client];
    if (w->pat->kind == SCN_PATTERN_READ_LOCAL
        && (rq->op == SCN_WRITE || c->last_write[rq->session] > sim_now(w->e) - w->pat->ryw_window))
        return SCN_WRITE;
    return rq->op;
}

/* The regions the client's own view says to avoid for attempt rq: those this request
 * already failed on, and those that failed its session within the last avoid_for. */
static uint64_t avoided(const wl *w, const request *rq)
{
    const session_view *v = &w->clients[rq->client].view[rq->session];
    return rq->failed | (sim_now(w->e) < v->until ? v->avoid : 0);
}

/* The client's nearest region outside 'avoid', or 'fallback' when it avoids them all. */
static uint32_t nearest_outside(const wl *w, uint32_t client, uint64_t avoid, uint32_t fallback)
{
    for (uint32_t k = 0; k < w->scn->nregions; k++) {
        uint32_t r = topo_client_region(w->topo, client, k);
        if (!(avoid >> r & 1))
            return r;
    }
    return fallback;
}

/* The client library's routing: which region attempt rq->attempt goes to. Under
 * read-local/write-global a write, and a read by a session that wrote within ryw_window,
 * goes where writes go: the primary (through DNS's write answer when routing by DNS), on
 * every attempt; so does everything under DNS's primary policy. Otherwise an attempt goes
 * to the DNS answer (without DNS, the nearest region) unless the client's own view avoids
 * it (avoided()), and then to the nearest region the view does not avoid: a retry moves to
 * the next-nearest region that looks healthy, and the session's later requests skip a
 * region that just failed it. When the view avoids every region, the old rule: the
 * attempt-th region after the answer, by distance. */
static uint32_t choose_region(wl *w, request *rq)
{
    bool to_primary = w->pat->kind == SCN_PATTERN_READ_LOCAL && resolve_op(w, rq) == SCN_WRITE;
    if (w->route) {
        scn_op op = rq->op;
        rq->op = to_primary ? SCN_WRITE : op; /* resolve as a write, then restore */
        uint32_t   answer = dns_lookup(w, rq);
        scn_policy policy = route_policy(w->route, rq->op);
        rq->op = op;
        if (answer == ROUTE_NONE || policy == SCN_POLICY_PRIMARY)
            return answer;
        uint64_t avoid = avoided(w, rq);
        if (!(avoid >> answer & 1))
            return answer;
        uint32_t n = (uint32_t)w->scn->nregions, k = 0;
        while (k < n && topo_client_region(w->topo, rq->client, k) != answer)
            k++;
        return nearest_outside(w, rq->client, avoid,
                               topo_client_region(w->topo, rq->client, k + rq->attempt));
    }
    if (to_primary)
        return (uint32_t)w->pat->primary;
    return nearest_outside(w, rq->client, avoided(w, rq),
                           topo_client_region(w->topo, rq->client, rq->attempt));
}

static void deadline_push(wl *w, client_state *c, sim_time at, uint64_t id)
{
    if (c->dl_len == c->dl_cap) {
        uint32_t  cap = c->dl_cap * 2;
        deadline *ring = sim_calloc(cap, sizeof *ring);
        if (!ring) { /* the run fails; this request keeps no timeout, which no one sees */
            sim_engine_fail(w->e, SIM_ENOMEM,
                            "out of memory growing the timeouts of client %u to %u", c->index, cap);
            return;
        }
        for (uint32_t i = 0; i < c->dl_len; i++)
            ring[i] = c->deadlines[(c->dl_head + i) & (c->dl_cap - 1)];
        sim_free(c->deadlines);
        c->deadlines = ring;
        c->dl_cap = cap;
        c->dl_head = 0;
    }
    c->deadlines[(c->dl_head + c->dl_len++) & (c->dl_cap - 1)] = (deadline){ at, id };
    if (!c->timer_armed) {
        c->timer_armed = true;
        sim_at(w->e, at, on_client_timer, w, c->index);
    }
}

/* Time out every attempt whose deadline has come, skip those already answered, and set
 * the timer for the oldest one still waiting. */
static void on_client_timer(sim_engine *e, void *ctx, uint64_t arg)
{
    wl           *w = ctx;
    client_state *c = &w->clients[arg];
    c->timer_armed = false;
    sim_time now = sim_now(e);
    while (c->dl_len > 0) {
        deadline d = c->deadlines[c->dl_head];
        request *rq = request_of(w, d.id);
        if (rq && rq->waiting && d.at > now) {
            c->timer_armed = true;
            sim_at(e, d.at, on_client_timer, w, arg);
            return;
        }
        c->dl_head = (c->dl_head + 1) & (c->dl_cap - 1);
        c->dl_len--;
        if (rq && rq->waiting)
            attempt_failed(w, (uint32_t)(d.id & TAG_SLOT_MASK), WL_TIMEOUT);
    }
}

static void on_resolved(sim_engine *e, void *ctx, uint64_t arg);

/* Whether attempt rq must first ask its resolver: its session's cached answer has expired.
 * The lookup is a round trip to the resolver (routing.dns_lookup), after which the attempt
 * goes with the fresh answer. */
static bool needs_lookup(wl *w, request *rq)
{
    if (!w->route || w->scn->dns.lookup <= 0 || rq->resolved)
        return false;
    const client_state *c = &w->clients[rq->client];
    const dns_entry    *d = &c->dns[rq->session * SCN_OP_COUNT + resolve_op(w, rq)];
    return sim_now(w->e) >= d->expires;
}

static void send_attempt(wl *w, uint32_t slot)
{
    request      *rq = &w->pool[slot];
    client_state *c = &w->clients[rq->client];
    if (needs_lookup(w, rq)) {
        rq->resolved = true;
        sim_after(w->e, w->scn->dns.lookup, on_resolved, w, tag_of(rq, slot) & TAG_ID_MASK);
        return;
    }
    rq->resolved = false;
    rq->region = choose_region(w, rq);
    rq->write_id = 0;
    rq->has_read = false;
    if (rq->region == ROUTE_NONE) { /* nowhere to go: fail the attempt now */
        rq->region = topo_client_region(w->topo, rq->client, 0); /* counted at the nearest */
        rq->waiting = true;
        attempt_failed(w, slot, WL_NO_REGION);
        return;
    }
    uint64_t tag = tag_of(rq, slot);
    uint64_t bytes = NET_HEADER_BYTES + (rq->op == SCN_WRITE ? w->scn->data.value_bytes : 0);
    if (w->ncut && rq->session < c->cut[rq->region])
        w->cut_lost++; /* lost on the way, as a cut last mile loses it; the timeout tells */
    else
        net_send_sized(w->net, c->endpoint, rq->region, bytes, on_request_message, w, tag);
    rq->waiting = true;
    rq->deadline = sim_time_add_sat(sim_now(w->e), c->cfg->timeout);
    deadline_push(w, c, rq->deadline, tag & TAG_ID_MASK);
}

static void finish(wl *w, uint32_t slot, wl_result result)
{
    request      *rq = &w->pool[slot];
    sim_time      now = sim_now(w->e);
    client_state *c = &w->clients[rq->client];
    uint32_t      session = c->session_base + rq->session;
    bool          measured = rq->issued >= w->scn->warmup;
    if (result == WL_OK && c->view[rq->session].streak_region == rq->region)
        c->view[rq->session].streak = 0; /* it answered: the streak is broken */
    if (result == WL_OK && rq->op == SCN_WRITE && rq->write_id) {
        oracle_acked(w->oracle, rq->write_id, session, now);
        if (c->last_write)
            c->last_write[rq->session] = now;
        if (c->own) {
            own_ring *ring = &c->own[rq->session];
            ring->key[ring->next] = rq->key;
            ring->next = (ring->next + 1) % WL_SESSION_KEYS;
            if (ring->n < WL_SESSION_KEYS)
                ring->n++;
        }
    } else if (rq->write_id) {
        oracle_abandoned(w->oracle, rq->write_id);
    }
    bool stale = false;
    if (result == WL_OK && rq->op == SCN_READ && rq->has_read) {
        store_record got;
        for (uint32_t f = 0; f < w->scn->data.fields; f++)
            got.cell[f].kseq = rq->read_kseq[f];
        stale = oracle_read(w->oracle, rq->key, &got, session, rq->issued, now, measured);
    }
    wl_outcome o = {
        .client = rq->client,
        .region = rq->region,
        .op = rq->op,
        .result = result,
        .attempts = rq->attempt + 1,
        .issued = rq->issued,
        .latency = now - rq->issued,
        .key = rq->key,
        .session = rq->session,
        .stale = stale,
    };
    rq->gen = (rq->gen + 1) & TAG_GEN_MASK;
    rq->next_free = w->free_head;
    w->free_head = slot;
    w->in_flight--;
    w->outcome(w->outcome_ctx, &o);
    if (w->arrivals_over && w->in_flight == 0)
        sim_engine_stop(w->e);
}

/* The current attempt failed: retry after back-off, or give up with 'result'. */
static void attempt_failed(wl *w, uint32_t slot, wl_result result)
{
    request          *rq = &w->pool[slot];
    const scn_client *cfg = w->clients[rq->client].cfg;
    rq->waiting = false;
    if (result == WL_TIMEOUT || result == WL_REJECTED) {
        /* The client learns from its own failures: this request's retries keep away from
         * the region, and after avoid_after in a row so does its session, for avoid_for. */
        session_view *v = &w->clients[rq->client].view[rq->session];
        sim_time      now = sim_now(w->e);
        rq->failed |= UINT64_C(1) << rq->region;
        v->streak = v->streak_region == rq->region ? v->streak + 1 : 1;
        v->streak_region = rq->region;
        if (v->streak >= cfg->avoid_after) {
            v->avoid = (now < v->until ? v->avoid : 0) | UINT64_C(1) << rq->region;
            v->until = sim_time_add_sat(now, cfg->avoid_for);
            v->streak = 0;
        }
    }
    if (rq->attempt >= cfg->retries) {
        finish(w, slot, result);
        return;
    }
    if (rq->write_id) { /* this attempt's write was never acknowledged */
        oracle_abandoned(w->oracle, rq->write_id);
        rq->write_id = 0;
    }
    rq->attempt++;
    rq->gen = (rq->gen + 1) & TAG_GEN_MASK; /* answers to the old attempt are now stale */
    unsigned shift = rq->attempt - 1 < 40 ? rq->attempt - 1 : 40;
    sim_time wait = cfg->backoff > (SIM_TIME_MAX >> shift) ? SIM_TIME_MAX : cfg->backoff << shift;
    sim_after(w->e, wait, on_retry, w, tag_of(rq, slot) & TAG_ID_MASK);
}

/* A field uniformly among those the client writes (no draw when there is one). */
static uint32_t pick_field(client_state *c)
{
    uint32_t mask = c->cfg->field_mask, n = (uint32_t)__builtin_popcount(mask);
    uint32_t k = n > 1 ? (uint32_t)sim_rng_below(c->rng, n) : 0;
    for (uint32_t f = 0;; f++)
        if ((mask >> f & 1) && k-- == 0)
            return f;
}

/* The resolver answered: the attempt goes now, if its request is still there. */
static void on_resolved(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    wl *w = ctx;
    if (request_of(w, arg))
        send_attempt(w, (uint32_t)(arg & TAG_SLOT_MASK));
}

static void on_arrival(sim_engine *e, void *ctx, uint64_t arg)
{
    wl           *w = ctx;
    client_state *c = &w->clients[arg];
    if (w->free_head == NO_SLOT) {
        int rc = pool_grow(w);
        if (rc < 0) { /* the run fails (the caller learns it from the engine) */
            sim_engine_fail(e, SIM_ENOMEM, "out of memory growing the request pool past %u records",
                            w->pool_cap);
            return;
        }
    }
    uint32_t slot = w->free_head;
    request *rq = &w->pool[slot];
    w->free_head = rq->next_free;
    rq->next_free = NO_SLOT;
    rq->client = c->index;
    rq->attempt = 0;
    rq->failed = 0;
    rq->resolved = false;
    rq->issued = sim_now(e);
    rq->op = sim_rng_uniform(c->rng) < c->cfg->read_ratio ? SCN_READ : SCN_WRITE;
    rq->key = c->cfg->key_base
        + (c->keys ? (uint64_t)dist_sample(c->keys, c->rng) - 1
                   : sim_rng_below(c->rng, c->cfg->key_count));
    rq->session = (uint32_t)sim_rng_below(c->rng, c->cfg->sessions);
    if (c->own && rq->op == SCN_READ && sim_rng_uniform(c->rng) < c->cfg->read_own_writes) {
        const own_ring *ring = &c->own[rq->session];
        if (ring->n > 0)
            rq->key = ring->key[ring->n > 1 ? sim_rng_below(c->rng, ring->n) : 0];
    }
    if (rq->op == SCN_WRITE) {
        rq->field = pick_field(c);
        rq->set_elem = (uint32_t)sim_rng_below(c->rng, 64);
    }
    w->in_flight++;
    w->issued++;
    send_attempt(w, slot);
    schedule_arrival(w, c);
}

static void on_request_message(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    wl    *w = ctx;
    scn_op op = (scn_op)((arg >> TAG_OP_SHIFT) & 1);
    w->deliver(w->deliver_ctx, wl_tag_region(arg), op, arg);
}

void wl_respond(wl *w, uint32_t region_index, uint64_t tag, env_status status)
{
    uint32_t client = (uint32_t)(tag >> TAG_CLIENT_SHIFT) & 0xff;
    uint64_t answer
        = (tag & ~(UINT64_C(3) << TAG_STATUS_SHIFT)) | (uint64_t)status << TAG_STATUS_SHIFT;
    bool     value = status == ENV_OK && (scn_op)((tag >> TAG_OP_SHIFT) & 1) == SCN_READ;
    uint64_t bytes = NET_HEADER_BYTES + (value ? w->scn->data.value_bytes : 0);
    if (w->ncut) {
        /* An answer to a session cut off from this region is lost; one to a request the
         * client has given up on is dropped by the client anyway. */
        const request *rq = request_of(w, tag);
        if (rq && rq->session < w->clients[client].cut[region_index]) {
            w->cut_lost++;
            return;
        }
    }
    net_send_sized(w->net, region_index, w->clients[client].endpoint, bytes, on_answer_message, w,
                   answer);
}

void wl_cut_sessions(wl *w, uint32_t client, uint32_t region, uint32_t sessions)
{
    assert(client < w->nclients && region < w->scn->nregions);
    client_state *c = &w->clients[client];
    uint32_t      n = sessions < c->cfg->sessions ? sessions : c->cfg->sessions;
    if (n > 0 && c->cut[region] == 0)
        w->ncut++;
    else if (n == 0 && c->cut[region] > 0)
        w->ncut--;
    c->cut[region] = n;
}

uint64_t wl_cut_lost(const wl *w) { return w->cut_lost; }
void     wl_set_dns_answers_down(wl *w, bool down) { w->dns_mute = down; }

uint32_t wl_tag_region(uint64_t tag) { return (uint32_t)(tag >> TAG_REGION_SHIFT) & 0x3f; }

void         wl_set_route(wl *w, route *r) { w->route = r; }
wl_dns_stats wl_get_dns_stats(const wl *w) { return w->dns; }

void wl_set_deliver(wl *w, wl_deliver_fn *deliver, void *ctx)
{
    w->deliver = deliver;
    w->deliver_ctx = ctx;
}

bool wl_request_of(const wl *w, uint64_t tag, env_request *out)
{
    const request *rq = request_of((wl *)w, tag);
    if (!rq)
        return false;
    const client_state *c = &w->clients[rq->client];
    *out = (env_request){
        .client = rq->client,
        .key = rq->key,
        .field = rq->field,
        .set_elem = rq->set_elem,
        .session = c->session_base + rq->session,
        .measured = rq->issued >= w->scn->warmup,
        .region = rq->region,
        .deadline = rq->deadline,
    };
    return true;
}

void wl_note_read(wl *w, uint64_t tag, const store_cell *cells)
{
    request *rq = request_of(w, tag);
    if (!rq)
        return;
    rq->has_read = true;
    for (uint32_t f = 0; f < w->scn->data.fields; f++)
        rq->read_kseq[f] = cells[f].kseq;
    oracle_prefetch(w->oracle, rq->key); /* used when the answer reaches the client */
}

void wl_note_write(wl *w, uint64_t tag, uint64_t write_id)
{
    request *rq = request_of(w, tag);
    if (rq) {
        rq->write_id = write_id;
        oracle_prefetch_write(w->oracle, write_id); /* used when the ack arrives */
    }
}

static void on_answer_message(sim_engine *e, void *ctx, uint64_t arg)
{
    wl      *w = ctx;
    request *rq = request_of(w, arg);
    (void)e;
    if (!rq || !rq->waiting)
        return; /* the client gave up on this attempt */
    rq->waiting = false;
    uint32_t   slot = (uint32_t)(arg & TAG_SLOT_MASK);
    env_status status = (env_status)((arg >> TAG_STATUS_SHIFT) & 3);
    if (status == ENV_OK)
        finish(w, slot, WL_OK);
    else
        attempt_failed(w, slot, status == ENV_FAILED ? WL_FAILED : WL_REJECTED);
}

static void on_retry(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    wl *w = ctx;
    if (request_of(w, arg))
        send_attempt(w, (uint32_t)(arg & TAG_SLOT_MASK));
}

uint64_t wl_in_flight(const wl *w) { return w->in_flight; }
uint64_t wl_issued(const wl *w) { return w->issued; }
