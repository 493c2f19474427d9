/* leaderless.c - coordinators, replicas and read repair of the leaderless pattern.
 *
 * State. Coordinators keep one 'op' per request in flight (a pool with a free list; a
 * generation number in every message and timer names the op's incarnation, so a late
 * answer to a finished op is recognised and dropped). Replicas keep one 'work' item per
 * WARS delay in progress (what they will do when the delay ends). Both are memory: a
 * region's restart drops its ops (their clients time out) and its work items (their timers
 * died with the process).
 *
 * Messages carry the version itself (a store cell: timestamp, write id, and the oracle's
 * annotation riding along as a trace id would) and the write's set element, within the
 * 48-byte payload; an op is named by (index, 16 bits of its generation).
 *
 * WARS sampling. Each distribution of the paper is a mixture of a Pareto and an
 * exponential, both in milliseconds: Pareto(xm, a) = xm / U^(1/a), exponential(l) =
 * -ln(U) / l, with U uniform in (0, 1]. The parameters are in wars_sample(). A rejected
 * alternative was to express them as scenario distributions: dist.h has no mixture, and a
 * named model is what the validation needs to cite. */
#include "leaderless.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "resolv.h"

typedef struct write_msg {
    uint64_t   key;
    store_cell cell;
    sim_time   commit; /* true commit time, for the replication lag */
    uint32_t   op;
    uint16_t   gen;
    uint8_t    elem;
    uint8_t    intended; /* a hint for this replica (the receiver stands in); NO_HINT */
} write_msg;

#define NO_HINT 0xffu

typedef struct handoff_msg {
    uint64_t   key;
    store_cell cell;
    uint32_t   id; /* the hint's, at its holder */
    uint8_t    elem;
} handoff_msg;

typedef struct handoff_ack_msg {
    uint32_t id;
} handoff_ack_msg;

typedef struct ack_msg {
    uint32_t op, gen;
} ack_msg;

typedef struct read_msg {
    uint64_t key;
    uint32_t op, gen;
} read_msg;

typedef struct answer_msg {
    store_cell cell;
    uint64_t   set;
    uint32_t   op, gen;
} answer_msg;

typedef struct repair_msg {
    uint64_t   key;
    store_cell cell;
    uint64_t   set;
} repair_msg;

_Static_assert(sizeof(write_msg) <= ENV_MSG_PAYLOAD, "a leaderless write must fit a payload");
_Static_assert(sizeof(ack_msg) <= ENV_MSG_PAYLOAD, "a leaderless ack must fit a payload");
_Static_assert(sizeof(read_msg) <= ENV_MSG_PAYLOAD, "a leaderless read must fit a payload");
_Static_assert(sizeof(answer_msg) <= ENV_MSG_PAYLOAD, "a leaderless answer must fit a payload");
_Static_assert(sizeof(repair_msg) <= ENV_MSG_PAYLOAD, "a read repair must fit a payload");
_Static_assert(sizeof(handoff_msg) <= ENV_MSG_PAYLOAD, "a handoff must fit a payload");
_Static_assert(sizeof(handoff_ack_msg) <= ENV_MSG_PAYLOAD, "a handoff ack must fit a payload");

/* Sloppy quorums: a write unacknowledged by a replica this long after it was sent goes to a
 * stand-in as well, as a fraction of the request timeout; hints are offered every HANDOFF_EVERY. */
#define HINT_AFTER_DIV 4
#define HANDOFF_EVERY  (500 * SIM_MS)

/* A write a region holds for a replica that did not answer (it is on disk: a hint survives
 * the holder's crash). */
typedef struct hint {
    uint64_t   key;
    store_cell cell;
    uint32_t   holder, intended;
    uint32_t   id;
    uint8_t    elem;
    bool       live;
} hint;

#define GEN16(g) ((uint16_t)((g)&0xffffu))

typedef struct op {
    uint64_t   tag;
    uint64_t   key;
    uint32_t   gen;
    uint32_t   coord;
    uint32_t   next_free;
    bool       live, write, answered;
    uint8_t    n, need, got;
    uint8_t    reps[LL_MAX_N];
    uint8_t    seen;      /* bit i: replica reps[i] answered */
    uint8_t    elem;      /* writes: the set element, for hints */
    uint8_t    stand_ins; /* writes: hints sent so far */
    store_cell cell;      /* writes: the version, for hints */
    sim_time   commit;    /* writes: when it was stamped */
    store_cell best;      /* reads: newest version among the answers */
    uint64_t   best_set;
    store_cell ans[LL_MAX_N]; /* reads: each replica's answer */
    env_timer  timeout;
} op;

enum { WORK_APPLY, WORK_ACK, WORK_READ, WORK_ANSWER };

typedef struct work {
    uint8_t    kind;
    bool       live;
    uint8_t    elem;
    uint32_t   region, coord;
    uint32_t   op, gen;
    uint32_t   next_free;
    uint64_t   key;
    store_cell cell;
    uint64_t   set;
    sim_time   commit;
} work;

#define NONE UINT32_MAX

struct ll {
    env               *env;
    scn_ownership      own;
    const scn_pattern *pat;
    store *const      *stores;
    const uint8_t     *rank;
    ll_done_fn        *done;
    void              *done_ctx;
    uint32_t           nregions;
    uint64_t          *seq;     /* per coordinator: write sequence */
    sim_rng          **rng;     /* per region: "leaderless/<region>" (WARS draws) */
    uint8_t           *placed;  /* per owning client: LL_MAX_N replicas of its keys */
    uint8_t           *nplaced; /* ... and how many */
    op                *ops;
    size_t             nops, ops_cap;
    uint32_t           op_free;
    work              *works;
    size_t             nworks, works_cap;
    uint32_t           work_free;
    uint64_t           repairs;
    uint64_t           value_bytes;
    hint              *hints; /* every region's, in order of arrival */
    size_t             nhints, hints_cap;
    uint32_t           next_hint_id;
    uint64_t           handoffs; /* hints delivered */
};

static void on_write(env *e, void *ctx, const env_msg *m);
static void on_ack(env *e, void *ctx, const env_msg *m);
static void on_read(env *e, void *ctx, const env_msg *m);
static void on_answer(env *e, void *ctx, const env_msg *m);
static void on_repair(env *e, void *ctx, const env_msg *m);
static void on_work(env *e, void *ctx, uint64_t arg);
static void on_timeout(env *e, void *ctx, uint64_t arg);
static void on_restart(env *e, void *ctx, uint32_t region);
static void on_hint_check(env *e, void *ctx, uint64_t arg);
static void on_handoff_tick(env *e, void *ctx, uint64_t arg);
static void on_handoff(env *e, void *ctx, const env_msg *m);
static void on_handoff_ack(env *e, void *ctx, const env_msg *m);

/* --- WARS (the PBS paper's production fits, section 5; see tests/validation/README.md) --- */

static double pareto_ms(sim_rng *r, double xm, double a)
{
    return xm / pow(sim_rng_uniform_pos(r), 1.0 / a);
}

static double exp_ms(sim_rng *r, double lambda) { return -log(sim_rng_uniform_pos(r)) / lambda; }

/* One delay of kind (WORK_APPLY: W, WORK_ACK: A, WORK_READ: R, WORK_ANSWER: S). */
static sim_time wars_sample(const ll *l, sim_rng *r, int kind)
{
    double ms = 0;
    bool   w = kind == WORK_APPLY;
    switch (l->pat->wars) {
    case SCN_WARS_NONE:
        return 0;
    case SCN_WARS_LNKD_SSD: /* W, A, R, S: 91.22% Pareto(.235, 10), 8.78% exp(1.66) */
        ms = sim_rng_uniform(r) < 0.0878 ? exp_ms(r, 1.66) : pareto_ms(r, 0.235, 10.0);
        break;
    case SCN_WARS_LNKD_DISK: /* W: 38% Pareto(1.05, 1.51), 62% exp(.183); A, R, S: SSD */
        if (w)
            ms = sim_rng_uniform(r) < 0.62 ? exp_ms(r, 0.183) : pareto_ms(r, 1.05, 1.51);
        else
            ms = sim_rng_uniform(r) < 0.0878 ? exp_ms(r, 1.66) : pareto_ms(r, 0.235, 10.0);
        break;
    case SCN_WARS_YMMR: /* W: 93.9% Pareto(3, 3.35), 6.1% exp(.0028);
                           A, R, S: 98.2% Pareto(1.5, 3.8), 1.8% exp(.0217) */
        if (w)
            ms = sim_rng_uniform(r) < 0.061 ? exp_ms(r, 0.0028) : pareto_ms(r, 3.0, 3.35);
        else
            ms = sim_rng_uniform(r) < 0.018 ? exp_ms(r, 0.0217) : pareto_ms(r, 1.5, 3.8);
        break;
    default:
        sim_panic("leaderless: WARS model %d not handled", (int)l->pat->wars);
    }
    return sim_time_from_ns(ms * 1e6);
}

/* --- placement --------------------------------------------------------------------- */

/* Regions by distance from 'home' (ties by index), allowed ones only, at most n. */
static uint8_t place_owned(const ll *l, uint32_t home, uint64_t allowed, uint32_t n, uint8_t *out)
{
    uint8_t k = 0;
    bool    taken[ENV_MAX_REGIONS] = { false };
    while (k < n) {
        uint32_t best = NONE;
        double   best_km = 0;
        for (uint32_t r = 0; r < l->nregions; r++) {
            if (taken[r] || !(allowed >> r & 1))
                continue;
            double km = r == home ? -1.0 : env_region_km(l->env, home, r);
            if (best == NONE || km < best_km) {
                best = r;
                best_km = km;
            }
        }
        if (best == NONE)
            break;
        taken[best] = true;
        out[k++] = (uint8_t)best;
    }
    return k;
}

uint32_t ll_replicas(const ll *l, uint64_t key, uint32_t out[LL_MAX_N])
{
    int32_t owner = scn_ownership_owner(&l->own, key);
    if (owner >= 0) {
        uint32_t n = l->nplaced[owner];
        for (uint32_t i = 0; i < n; i++)
            out[i] = l->placed[(size_t)owner * LL_MAX_N + i];
        return n;
    }
    uint32_t n = l->pat->replication.n;
    for (uint32_t i = 0; i < n; i++)
        out[i] = (uint32_t)((key + i) % l->nregions);
    return n;
}

uint32_t ll_r_of(const ll *l, uint64_t key)
{
    uint32_t reps[LL_MAX_N], n = ll_replicas(l, key, reps);
    return l->pat->replication.r < n ? l->pat->replication.r : n;
}

uint32_t ll_w_of(const ll *l, uint64_t key)
{
    uint32_t reps[LL_MAX_N], n = ll_replicas(l, key, reps);
    return l->pat->replication.w < n ? l->pat->replication.w : n;
}

uint64_t ll_repairs(const ll *l) { return l->repairs; }
uint64_t ll_handoffs(const ll *l) { return l->handoffs; }

/* The key's preference list beyond its replicas: where stand-ins come from. Owned keys: the
 * next allowed regions by distance from the home; shared keys: the rest of the ring. */
static uint32_t stand_ins(const ll *l, uint64_t key, uint32_t out[ENV_MAX_REGIONS])
{
    int32_t owner = scn_ownership_owner(&l->own, key);
    uint8_t all[ENV_MAX_REGIONS];
    if (owner >= 0) {
        const scn_owner *c = &l->own.owners[owner];
        uint8_t          k = place_owned(l, (uint32_t)c->home, c->allowed, l->nregions, all);
        uint32_t         n = 0;
        for (uint32_t i = l->nplaced[owner]; i < k; i++)
            out[n++] = all[i];
        return n;
    }
    uint32_t n = 0;
    for (uint32_t i = l->pat->replication.n; i < l->nregions; i++)
        out[n++] = (uint32_t)((key + i) % l->nregions);
    return n;
}

/* --- create / destroy -------------------------------------------------------------- */

int ll_new(env *e, const scn_ownership *s, const scn_data *data, const scn_pattern *p,
           store *const *stores, const uint8_t *rank, ll_done_fn *done, void *done_ctx, ll **out,
           sim_err *err)
{
    if (data->fields != 1)
        return sim_err_set(err, SIM_EINVAL, "data.fields",
                           "the leaderless pattern stores whole records: expected 1, got %u",
                           data->fields);
    ll *l = sim_calloc(1, sizeof *l);
    if (!l)
        goto fail;
    *l = (ll){ .env = e,
               .own = *s,
               .pat = p,
               .stores = stores,
               .rank = rank,
               .done = done,
               .done_ctx = done_ctx,
               .nregions = env_regions(e),
               .op_free = NONE,
               .work_free = NONE,
               .value_bytes = data->value_bytes };
    l->seq = sim_calloc(l->nregions, sizeof *l->seq);
    l->rng = sim_calloc(l->nregions, sizeof *l->rng);
    l->placed = sim_calloc(s->n * LL_MAX_N + 1, 1);
    l->nplaced = sim_calloc(s->n + 1, 1);
    if (!l->seq || !l->rng || !l->placed || !l->nplaced)
        goto fail;
    for (uint32_t r = 0; r < l->nregions; r++) {
        char name[160];
        snprintf(name, sizeof name, "leaderless/%s", env_region_name(e, r));
        if (env_rng_new(e, name, &l->rng[r]) < 0)
            goto fail;
    }
    for (size_t c = 0; c < s->n; c++)
        if (s->owners[c].keys_own)
            l->nplaced[c] = place_owned(l, (uint32_t)s->owners[c].home, s->owners[c].allowed,
                                        p->replication.n, &l->placed[c * LL_MAX_N]);
    env_listen(e, ENV_MSG_LL_WRITE, on_write, l);
    env_listen(e, ENV_MSG_LL_ACK, on_ack, l);
    env_listen(e, ENV_MSG_LL_READ, on_read, l);
    env_listen(e, ENV_MSG_LL_ANSWER, on_answer, l);
    env_listen(e, ENV_MSG_LL_REPAIR, on_repair, l);
    env_listen(e, ENV_MSG_LL_HANDOFF, on_handoff, l);
    env_listen(e, ENV_MSG_LL_HINT_ACK, on_handoff_ack, l);
    env_on_restart(e, on_restart, l);
    for (uint32_t r = 0; p->sloppy && r < l->nregions; r++)
        env_after(e, r, HANDOFF_EVERY, on_handoff_tick, l, r);
    *out = l;
    return 0;
fail:
    ll_free(l);
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the leaderless replicas");
}

void ll_free(ll *l)
{
    if (!l)
        return;
    for (uint32_t r = 0; l->rng && r < l->nregions; r++)
        sim_rng_free(l->rng[r]);
    sim_free(l->rng);
    sim_free(l->seq);
    sim_free(l->placed);
    sim_free(l->nplaced);
    sim_free(l->ops);
    sim_free(l->works);
    sim_free(l->hints);
    sim_free(l);
}

/* --- pools ------------------------------------------------------------------------- */

static uint32_t op_alloc(ll *l)
{
    uint32_t i = l->op_free;
    if (i != NONE) {
        l->op_free = l->ops[i].next_free;
    } else {
        if (sim_grow(&l->ops, &l->ops_cap, l->nops, sizeof *l->ops) < 0)
            sim_panic("out of memory growing the leaderless ops past %zu", l->nops);
        i = (uint32_t)l->nops++;
        l->ops[i] = (op){ 0 };
    }
    uint32_t gen = l->ops[i].gen;
    l->ops[i] = (op){ .gen = gen, .live = true, .next_free = NONE };
    return i;
}

static void op_release(ll *l, uint32_t i)
{
    op *o = &l->ops[i];
    env_cancel(l->env, o->timeout);
    o->live = false;
    o->gen++;
    o->next_free = l->op_free;
    l->op_free = i;
}

static op *op_get(ll *l, uint32_t i, uint32_t gen16)
{
    if (i >= l->nops || !l->ops[i].live || GEN16(l->ops[i].gen) != gen16)
        return NULL;
    return &l->ops[i];
}

static uint32_t work_alloc(ll *l)
{
    uint32_t i = l->work_free;
    if (i != NONE) {
        l->work_free = l->works[i].next_free;
    } else {
        if (sim_grow(&l->works, &l->works_cap, l->nworks, sizeof *l->works) < 0)
            sim_panic("out of memory growing the leaderless work items past %zu", l->nworks);
        i = (uint32_t)l->nworks++;
    }
    l->works[i] = (work){ .live = true, .next_free = NONE };
    return i;
}

static void work_release(ll *l, uint32_t i)
{
    l->works[i].live = false;
    l->works[i].next_free = l->work_free;
    l->work_free = i;
}

/* --- coordinator -------------------------------------------------------------------- */

static void start_op(ll *l, uint32_t i, uint32_t coord, uint64_t key, uint64_t tag, bool write)
{
    op      *o = &l->ops[i];
    uint32_t reps[LL_MAX_N];
    uint32_t n = ll_replicas(l, key, reps);
    o->n = (uint8_t)(n < LL_MAX_N ? n : LL_MAX_N); /* it is: the loader caps n */
    for (uint32_t k = 0; k < o->n; k++)
        o->reps[k] = (uint8_t)reps[k];
    o->coord = coord;
    o->key = key;
    o->tag = tag;
    o->write = write;
    o->need = (uint8_t)(write ? ll_w_of(l, key) : ll_r_of(l, key));
    o->timeout = env_after(l->env, coord, l->pat->replication.timeout, on_timeout, l,
                           (uint64_t)o->gen << 32 | i);
}

uint64_t ll_write(ll *l, uint32_t coord, uint64_t key, uint32_t set_elem, bool measured,
                  uint64_t tag)
{
    uint64_t   id = STORE_WRITE_ID(coord, ++l->seq[coord]);
    store_cell cell = {
        .ts = l->pat->clock == SCN_CLOCK_HLC ? env_hlc_local(l->env, coord)
                                             : env_wall_ns(l->env, coord),
        .write_id = id,
    };
    /* A coordinator that is none of the key's replicas keeps nothing of the write. */
    uint32_t reps[LL_MAX_N], n = ll_replicas(l, key, reps);
    bool     replica = false;
    for (uint32_t k = 0; k < n; k++)
        replica |= reps[k] == coord;
    env_observe(l->env,
                &(env_fact){ .kind = ENV_FACT_COMMIT,
                             .region = coord,
                             .key = key,
                             .write_id = id,
                             .measured = measured,
                             .annotation = &cell.kseq,
                             .relay = !replica });
    uint32_t i = op_alloc(l);
    start_op(l, i, coord, key, tag, true);
    op *o = &l->ops[i];
    o->cell = cell;
    o->elem = (uint8_t)set_elem;
    o->commit = env_now(l->env);
    for (uint32_t k = 0; k < o->n; k++) {
        env_msg *m = env_msg_new(l->env, ENV_MSG_LL_WRITE, coord, o->reps[k]);
        *ENV_PAYLOAD(m, write_msg) = (write_msg){ .key = key,
                                                  .cell = cell,
                                                  .commit = o->commit,
                                                  .op = i,
                                                  .gen = GEN16(o->gen),
                                                  .elem = (uint8_t)set_elem,
                                                  .intended = NO_HINT };
        env_send(l->env, ENV_STREAM, m, ENV_HEADER_BYTES + l->value_bytes);
    }
    if (l->pat->sloppy)
        env_after(l->env, coord, l->pat->replication.timeout / HINT_AFTER_DIV, on_hint_check, l,
                  (uint64_t)o->gen << 32 | i);
    return id;
}

void ll_read(ll *l, uint32_t coord, uint64_t key, uint64_t tag)
{
    uint32_t i = op_alloc(l);
    start_op(l, i, coord, key, tag, false);
    const op *o = &l->ops[i];
    for (uint32_t k = 0; k < o->n; k++) {
        env_msg *m = env_msg_new(l->env, ENV_MSG_LL_READ, coord, o->reps[k]);
        *ENV_PAYLOAD(m, read_msg) = (read_msg){ .key = key, .op = i, .gen = GEN16(o->gen) };
        env_send(l->env, ENV_STREAM, m, ENV_HEADER_BYTES);
    }
}

static void on_ack(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    ll            *l = ctx;
    const ack_msg *a = ENV_PAYLOAD(m, const ack_msg);
    op            *o = op_get(l, a->op, a->gen);
    if (!o)
        return; /* the op finished or timed out */
    for (uint32_t k = 0; k < o->n; k++)
        if (o->reps[k] == m->from)
            o->seen |= (uint8_t)(1u << k);
    o->got++;
    if (!o->answered && o->got >= o->need) {
        o->answered = true;
        l->done(l->done_ctx, o->tag, true, NULL);
    }
    if (o->got >= o->n + o->stand_ins)
        op_release(l, a->op);
}

/* Sloppy quorums: replicas that have not acknowledged the write by now get a stand-in each,
 * the next regions of the key's preference list, which acknowledge for them (counting
 * towards W) and hand the write off when the replica answers again. */
static void on_hint_check(env *e, void *ctx, uint64_t arg)
{
    ll      *l = ctx;
    uint32_t i = (uint32_t)arg, gen = (uint32_t)(arg >> 32);
    if (i >= l->nops || !l->ops[i].live || l->ops[i].gen != gen)
        return;
    op      *o = &l->ops[i];
    uint32_t spare[ENV_MAX_REGIONS], nspare = stand_ins(l, o->key, spare), next = 0;
    for (uint32_t k = 0; k < o->n && next < nspare; k++) {
        if (o->seen >> k & 1)
            continue;
        env_msg *m = env_msg_new(e, ENV_MSG_LL_WRITE, o->coord, spare[next++]);
        *ENV_PAYLOAD(m, write_msg) = (write_msg){ .key = o->key,
                                                  .cell = o->cell,
                                                  .commit = o->commit,
                                                  .op = i,
                                                  .gen = GEN16(o->gen),
                                                  .elem = o->elem,
                                                  .intended = o->reps[k] };
        env_send(e, ENV_STREAM, m, ENV_HEADER_BYTES + l->value_bytes);
        o->stand_ins++;
    }
}

/* Every replica answered: send the newest version to those that answered older ones. */
static void read_repair(ll *l, const op *o)
{
    for (uint32_t k = 0; k < o->n; k++) {
        if (resolv_cell_cmp(&o->ans[k], &o->best, l->rank) >= 0)
            continue;
        env_msg *m = env_msg_new(l->env, ENV_MSG_LL_REPAIR, o->coord, o->reps[k]);
        *ENV_PAYLOAD(m, repair_msg)
            = (repair_msg){ .key = o->key, .cell = o->best, .set = o->best_set };
        env_send(l->env, ENV_STREAM, m, ENV_HEADER_BYTES + l->value_bytes);
        l->repairs++;
    }
}

static void on_answer(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    ll               *l = ctx;
    const answer_msg *a = ENV_PAYLOAD(m, const answer_msg);
    op               *o = op_get(l, a->op, a->gen);
    if (!o)
        return;
    uint32_t k = 0;
    while (k < o->n && (o->reps[k] != m->from || (o->seen >> k & 1)))
        k++;
    if (k == o->n)
        return; /* not one of the key's replicas, or a duplicate */
    o->seen |= (uint8_t)(1u << k);
    o->ans[k] = a->cell;
    if (o->got == 0 || resolv_cell_cmp(&a->cell, &o->best, l->rank) > 0) {
        o->best = a->cell;
        o->best_set = a->set;
    }
    o->got++;
    if (!o->answered && o->got >= o->need) {
        o->answered = true;
        l->done(l->done_ctx, o->tag, true, &o->best);
    }
    if (o->got >= o->n) {
        if (l->pat->read_repair)
            read_repair(l, o);
        op_release(l, a->op);
    }
}

static void on_timeout(env *e, void *ctx, uint64_t arg)
{
    (void)e;
    ll      *l = ctx;
    uint32_t i = (uint32_t)arg, gen = (uint32_t)(arg >> 32);
    if (i >= l->nops || !l->ops[i].live || l->ops[i].gen != gen)
        return;
    op *o = &l->ops[i];
    o->timeout = 0;
    if (!o->answered)
        l->done(l->done_ctx, o->tag, false, NULL);
    op_release(l, i);
}

/* --- replicas ---------------------------------------------------------------------- */

/* Do w now, or after its WARS delay. */
static void schedule(ll *l, uint32_t wi)
{
    work    *w = &l->works[wi];
    sim_time d = wars_sample(l, l->rng[w->region], w->kind);
    if (d <= 0)
        on_work(l->env, l, wi);
    else
        env_after(l->env, w->region, d, on_work, l, wi);
}

static void apply_version(ll *l, uint32_t region, uint64_t key, const store_cell *cell,
                          uint64_t set)
{
    store       *st = l->stores[region];
    uint64_t     old = store_head(st, key)->write_id;
    store_record rec;
    memset(&rec, 0, sizeof rec);
    rec.head = *cell;
    rec.cell[0] = *cell;
    rec.set = set;
    uint32_t origin = STORE_WRITE_ORIGIN(cell->write_id);
    if (origin < l->nregions)
        rec.vv[origin] = (uint32_t)STORE_WRITE_SEQ(cell->write_id);
    if (l->pat->clock == SCN_CLOCK_HLC)
        env_hlc_receive(l->env, region, cell->ts);
    resolv_outcome res = resolv_replicated(l->pat->resolver, st, key, 0, &rec, l->rank);
    /* A newer stamp superseding a version is last-write-wins doing its job. */
    if (res.won && old && old != cell->write_id)
        env_observe(l->env,
                    &(env_fact){ .kind = ENV_FACT_OVERWRITTEN, .region = region, .write_id = old });
}

static void on_work(env *e, void *ctx, uint64_t arg)
{
    ll      *l = ctx;
    uint32_t wi = (uint32_t)arg;
    work    *w = &l->works[wi];
    switch (w->kind) {
    case WORK_APPLY:
        apply_version(l, w->region, w->key, &w->cell, UINT64_C(1) << w->elem);
        env_observe(e,
                    &(env_fact){ .kind = ENV_FACT_APPLIED,
                                 .region = w->region,
                                 .key = w->key,
                                 .commit = w->commit });
        w->kind = WORK_ACK;
        schedule(l, wi);
        return;
    case WORK_ACK: {
        env_msg *m = env_msg_new(e, ENV_MSG_LL_ACK, w->region, w->coord);
        *ENV_PAYLOAD(m, ack_msg) = (ack_msg){ .op = w->op, .gen = w->gen };
        env_send(e, ENV_STREAM, m, ENV_HEADER_BYTES);
        break;
    }
    case WORK_READ:
        w->cell = *store_head(l->stores[w->region], w->key);
        w->set = *store_set(l->stores[w->region], w->key);
        w->kind = WORK_ANSWER;
        schedule(l, wi);
        return;
    case WORK_ANSWER: {
        env_msg *m = env_msg_new(e, ENV_MSG_LL_ANSWER, w->region, w->coord);
        *ENV_PAYLOAD(m, answer_msg)
            = (answer_msg){ .cell = w->cell, .set = w->set, .op = w->op, .gen = w->gen };
        env_send(e, ENV_STREAM, m, ENV_HEADER_BYTES + l->value_bytes);
        break;
    }
    default:
        sim_panic("leaderless: work kind %d not handled", (int)w->kind);
    }
    work_release(l, wi);
}

static void on_write(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    ll              *l = ctx;
    const write_msg *p = ENV_PAYLOAD(m, const write_msg);
    if (p->intended != NO_HINT) { /* stand in: keep it for its replica, acknowledge */
        if (sim_grow(&l->hints, &l->hints_cap, l->nhints, sizeof *l->hints) < 0)
            sim_panic("out of memory growing the hints past %zu", l->nhints);
        l->hints[l->nhints++] = (hint){ .key = p->key,
                                        .cell = p->cell,
                                        .holder = m->to,
                                        .intended = p->intended,
                                        .id = l->next_hint_id++,
                                        .elem = p->elem,
                                        .live = true };
        env_msg *a = env_msg_new(e, ENV_MSG_LL_ACK, m->to, m->from);
        *ENV_PAYLOAD(a, ack_msg) = (ack_msg){ .op = p->op, .gen = p->gen };
        env_send(e, ENV_STREAM, a, ENV_HEADER_BYTES);
        return;
    }
    uint32_t wi = work_alloc(l);
    work    *w = &l->works[wi];
    w->kind = WORK_APPLY;
    w->region = m->to;
    w->coord = m->from;
    w->op = p->op;
    w->gen = p->gen;
    w->key = p->key;
    w->cell = p->cell;
    w->elem = p->elem;
    w->commit = p->commit;
    schedule(l, wi);
}

static void on_read(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    ll             *l = ctx;
    const read_msg *p = ENV_PAYLOAD(m, const read_msg);
    uint32_t        wi = work_alloc(l);
    work           *w = &l->works[wi];
    w->kind = WORK_READ;
    w->region = m->to;
    w->coord = m->from;
    w->op = p->op;
    w->gen = p->gen;
    w->key = p->key;
    schedule(l, wi);
}

static void on_repair(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    ll               *l = ctx;
    const repair_msg *p = ENV_PAYLOAD(m, const repair_msg);
    apply_version(l, m->to, p->key, &p->cell, p->set);
}

/* Each holder offers its hints to their replicas; delivered ones are dropped (compacting the
 * list keeps the order of arrival). */
static void on_handoff_tick(env *e, void *ctx, uint64_t arg)
{
    ll      *l = ctx;
    uint32_t r = (uint32_t)arg;
    size_t   j = 0;
    for (size_t i = 0; i < l->nhints; i++)
        if (l->hints[i].live)
            l->hints[j++] = l->hints[i];
    l->nhints = j;
    for (size_t i = 0; i < l->nhints; i++) {
        const hint *h = &l->hints[i];
        if (h->holder != r)
            continue;
        env_msg *m = env_msg_new(e, ENV_MSG_LL_HANDOFF, r, h->intended);
        *ENV_PAYLOAD(m, handoff_msg)
            = (handoff_msg){ .key = h->key, .cell = h->cell, .id = h->id, .elem = h->elem };
        env_send(e, ENV_STREAM, m, ENV_HEADER_BYTES + l->value_bytes);
    }
    env_after(e, r, HANDOFF_EVERY, on_handoff_tick, l, r);
}

static void on_handoff(env *e, void *ctx, const env_msg *m)
{
    ll                *l = ctx;
    const handoff_msg *h = ENV_PAYLOAD(m, const handoff_msg);
    apply_version(l, m->to, h->key, &h->cell, UINT64_C(1) << h->elem);
    env_msg *a = env_msg_new(e, ENV_MSG_LL_HINT_ACK, m->to, m->from);
    *ENV_PAYLOAD(a, handoff_ack_msg) = (handoff_ack_msg){ .id = h->id };
    env_send(e, ENV_STREAM, a, ENV_HEADER_BYTES);
}

static void on_handoff_ack(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    ll                    *l = ctx;
    const handoff_ack_msg *a = ENV_PAYLOAD(m, const handoff_ack_msg);
    for (size_t i = 0; i < l->nhints; i++)
        if (l->hints[i].live && l->hints[i].id == a->id && l->hints[i].holder == m->to) {
            l->hints[i].live = false;
            l->handoffs++;
            return;
        }
}

/* What a region kept in memory is gone: its coordinators' ops (their clients time out) and
 * its replicas' pending work (its timers died with it). */
static void on_restart(env *e, void *ctx, uint32_t region)
{
    (void)e;
    ll *l = ctx;
    for (uint32_t i = 0; i < l->nops; i++)
        if (l->ops[i].live && l->ops[i].coord == region)
            op_release(l, i);
    for (uint32_t i = 0; i < l->nworks; i++)
        if (l->works[i].live && l->works[i].region == region)
            work_release(l, i);
    if (l->pat->sloppy) /* its hints are on disk; its handoff timer died with it */
        env_after(e, region, HANDOFF_EVERY, on_handoff_tick, l, region);
}
