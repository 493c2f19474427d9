/* health.c - health checkers: periodic probes per (checker, target) pair, a consecutive
 * failure/success state machine per pair, and a quorum vote per target.
 *
 * State per pair (v, r), v a checker and r != v: the counts of consecutive failures and
 * successes, whether v sees r unhealthy, the sequence number of the outstanding probe (one
 * at a time: the loader keeps timeout <= interval), its timeout event, and the periodic
 * timer. State per target: how many checkers see it unhealthy (its votes) and the view.
 * Pairs live in one nregions x nregions array, indexed checker * nregions + target, and are
 * always visited in index order, so nothing depends on addresses.
 *
 * A probe carries everything in its 64-bit argument, so no message is allocated:
 *     HEALTH_PROBE_TAG (1 bit) | checker (6) | target (6) | sequence (51)
 * The same word is the region tag of a probe that waits in the target's queue, the
 * argument of the answer message and of the probe's timeout event. An answer whose
 * sequence is not the one outstanding (it came after its timeout) is ignored, as a real
 * checker ignores a late reply. 2^51 probes per pair is far beyond any run.
 *
 * Timing: the timer of a pair fires every 'interval' from a phase drawn uniformly in
 * [0, interval) from the pair's stream. Each firing sends the probe first and then
 * schedules the next firing, so with timeout == interval the probe's timeout (scheduled
 * earlier, same instant) runs before the next probe is sent: the engine orders equal
 * times by schedule sequence. Detection of a crash at a uniformly random time therefore
 * takes (K - 1/2) interval + timeout on average for one checker with zero network delay
 * (the first unanswered probe comes half an interval after the crash on average, K - 1
 * more follow, and the last one times out); tests/unit/test_health.c measures it.
 *
 * A checker is a process in its region: while the region is down it sends nothing (the
 * timer keeps running so that the phase survives) and learns nothing - answers and
 * timeouts that reach it while down, or that belong to a probe sent before its latest
 * crash (region_epoch changed), are ignored. What it had concluded before the crash (its
 * counts and its vote) is kept: the view is assumed to be aggregated outside the checkers,
 * and a rejected alternative, dropping a crashed checker's votes, would let a region's
 * crash make every region it was probing look healthy at once.
 *
 * Smoothed figures for the scored routing policy: per pair, an exponentially weighted
 * average (weight 0.1 per probe) of the probe round trip (successes only: a lost probe has
 * none) and of failure (1 for a timeout, 0 for a success). Each starts at its first sample
 * rather than at 0, so that a region does not look fast or reliable merely because it has
 * been probed only a few times; a region's figure is the plain mean over the checkers that
 * have a sample, in checker order, and 0 while none has. */
#include "health.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"

#define MSG_SEQ_BITS      51
#define MSG_SEQ_MASK      ((UINT64_C(1) << MSG_SEQ_BITS) - 1)
#define MSG_TARGET_SHIFT  51
#define MSG_CHECKER_SHIFT 57
#define MSG_REGION_MASK   UINT64_C(0x3f)
#define EWMA_WEIGHT       0.1 /* of each new probe in the smoothed figures */

typedef struct pair_state {
    uint64_t     seq;         /* sequence of the latest probe sent */
    uint64_t     outstanding; /* sequence awaited, 0 when none */
    sim_event_id timeout;     /* of the outstanding probe */
    sim_event_id tick;        /* the next firing of the timer */
    sim_time     phase;       /* first firing, ns in [0, interval) */
    sim_time     sent_at;     /* of the outstanding probe, ns */
    double       rtt_ms;      /* smoothed round trip, valid if has_rtt */
    double       fail;        /* smoothed failure, [0, 1], if has_fail */
    bool         has_rtt, has_fail;
    uint32_t     epoch;     /* the checker's crash count at the send */
    uint32_t     failures;  /* consecutive */
    uint32_t     successes; /* consecutive */
    bool         unhealthy; /* the checker sees the target unhealthy */
} pair_state;

struct health {
    sim_engine       *e;
    net              *net;
    region *const    *regions;
    health_change_fn *change;
    void             *change_ctx;
    uint32_t          nregions;
    uint64_t          checkers;        /* bit v: region v probes */
    sim_time          interval;        /* ns */
    sim_time          timeout;         /* ns, <= interval */
    uint32_t          unhealthy_after; /* >= 1 */
    uint32_t          healthy_after;   /* >= 1 */
    uint32_t         *quorum;          /* per target: votes that make it unhealthy
                                                 (UINT32_MAX: nobody can probe it) */
    bool              lane;            /* probes skip the queue */
    bool              stopped;         /* health_stop() was called */
    pair_state       *pairs;           /* checker x target */
    uint32_t         *votes;           /* per target: checkers seeing it unhealthy */
    bool             *unhealthy;       /* per target: the view */
    uint64_t          sent;            /* probes sent */
    uint64_t          failed;          /* probes timed out */
};

static void on_tick(sim_engine *e, void *ctx, uint64_t arg);
static void on_probe(sim_engine *e, void *ctx, uint64_t arg);
static void on_answer(sim_engine *e, void *ctx, uint64_t arg);
static void on_timeout(sim_engine *e, void *ctx, uint64_t arg);

static bool is_checker(const health *h, uint32_t v) { return v < 64 && (h->checkers >> v & 1); }

static pair_state *pair_of(health *h, uint32_t checker, uint32_t target)
{
    return &h->pairs[(size_t)checker * h->nregions + target];
}

static uint64_t probe_arg(uint32_t checker, uint32_t target, uint64_t seq)
{
    return HEALTH_PROBE_TAG | (uint64_t)checker << MSG_CHECKER_SHIFT
        | (uint64_t)target << MSG_TARGET_SHIFT | (seq & MSG_SEQ_MASK);
}

static uint32_t arg_checker(uint64_t arg)
{
    return (uint32_t)(arg >> MSG_CHECKER_SHIFT & MSG_REGION_MASK);
}

static uint32_t arg_target(uint64_t arg)
{
    return (uint32_t)(arg >> MSG_TARGET_SHIFT & MSG_REGION_MASK);
}

static uint64_t arg_seq(uint64_t arg) { return arg & MSG_SEQ_MASK; }

/* A setting the loader keeps >= 1, read as at least 1 so that a scenario built in code
 * with a zero cannot mark everything unhealthy without a single probe. */
static uint32_t at_least_one(uint32_t x) { return x ? x : 1; }

int health_new(sim_engine *e, net *n, const scn_scenario *s, region *const *regions, uint64_t seed,
               health_change_fn *change, void *change_ctx, health **out, sim_err *err)
{
    assert(s->nregions <= SCN_MAX_REGIONS);
    assert(s->health.interval > 0);
    char    *name = NULL;
    sim_rng *rng = NULL;
    health  *h = sim_calloc(1, sizeof *h);
    if (!h)
        goto fail;
    *h = (health){
        .e = e,
        .net = n,
        .regions = regions,
        .change = change,
        .change_ctx = change_ctx,
        .nregions = (uint32_t)s->nregions,
        .checkers = s->health.checkers,
        .interval = s->health.interval,
        /* The loader refuses timeout > interval; clamping keeps "one probe at a time" true
         * for scenarios built in code as well. */
        .timeout = s->health.timeout < s->health.interval ? s->health.timeout : s->health.interval,
        .unhealthy_after = at_least_one(s->health.unhealthy_after),
        .healthy_after = at_least_one(s->health.healthy_after),
        .lane = s->health.lane,
    };
    size_t nr = h->nregions;
    h->pairs = sim_calloc(nr * nr, sizeof *h->pairs);
    h->votes = sim_calloc(nr, sizeof *h->votes);
    h->unhealthy = sim_calloc(nr, sizeof *h->unhealthy);
    h->quorum = sim_calloc(nr, sizeof *h->quorum);
    if (!h->quorum)
        goto fail;
    /* Each target's quorum: the configured one capped at its voters (the checkers other
     * than itself), or by default a majority of them; a target nobody probes never turns
     * unhealthy. */
    for (uint32_t r = 0; r < h->nregions; r++) {
        uint32_t voters = 0;
        for (uint32_t v = 0; v < h->nregions; v++)
            voters += v != r && is_checker(h, v);
        uint32_t q = s->health.quorum ? s->health.quorum : voters / 2 + 1;
        h->quorum[r] = voters == 0 ? UINT32_MAX : q < voters ? q : voters;
    }
    size_t longest = 0;
    for (size_t i = 0; i < nr; i++)
        if (strlen(s->regions[i].name) > longest)
            longest = strlen(s->regions[i].name);
    size_t name_size = sizeof "health//" + 2 * longest;
    name = sim_malloc(name_size);
    if (!h->pairs || !h->votes || !h->unhealthy || !name)
        goto fail;
    /* Phases: one stream per pair, "health/<checker>/<target>", so adding a region or a
     * checker changes no other pair's phase. */
    for (uint32_t v = 0; v < h->nregions; v++) {
        if (!is_checker(h, v))
            continue;
        for (uint32_t r = 0; r < h->nregions; r++) {
            if (r == v)
                continue;
            snprintf(name, name_size, "health/%s/%s", s->regions[v].name, s->regions[r].name);
            if (sim_rng_new(seed, name, &rng) < 0)
                goto fail;
            sim_time phase = sim_time_from_ns(sim_rng_uniform(rng) * (double)h->interval);
            if (phase >= h->interval) /* rounded up to the interval itself */
                phase = h->interval - 1;
            pair_of(h, v, r)->phase = phase;
            sim_rng_free(rng);
            rng = NULL;
        }
    }
    sim_free(name);
    *out = h;
    return 0;
fail:
    sim_rng_free(rng);
    sim_free(name);
    health_free(h);
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the health checkers");
}

void health_free(health *h)
{
    if (!h)
        return;
    sim_free(h->quorum);
    sim_free(h->pairs);
    sim_free(h->votes);
    sim_free(h->unhealthy);
    sim_free(h);
}

/* --- run --------------------------------------------------------------------------- */

void health_start(health *h)
{
    for (uint32_t v = 0; v < h->nregions; v++) {
        if (!is_checker(h, v))
            continue;
        for (uint32_t r = 0; r < h->nregions; r++)
            if (r != v) {
                pair_state *p = pair_of(h, v, r);
                p->tick = sim_at(h->e, sim_now(h->e) + p->phase, on_tick, h,
                                 (size_t)v * h->nregions + r);
            }
    }
}

void health_stop(health *h)
{
    /* Cancel the timers rather than only flag them, so that the engine's queue empties as
     * soon as the outstanding probes have been answered or timed out. */
    h->stopped = true;
    for (size_t i = 0; i < (size_t)h->nregions * h->nregions; i++) {
        sim_cancel(h->e, h->pairs[i].tick);
        h->pairs[i].tick = 0;
    }
}

/* The view of target after its votes changed. */
static void update_view(health *h, uint32_t target)
{
    bool unhealthy = h->votes[target] >= h->quorum[target];
    if (unhealthy == h->unhealthy[target])
        return;
    h->unhealthy[target] = unhealthy;
    if (h->change)
        h->change(h->change_ctx, sim_now(h->e), target, !unhealthy);
}

static double ewma(double avg, bool has, double sample)
{
    return has ? avg + EWMA_WEIGHT * (sample - avg) : sample;
}

static void probe_failed(health *h, uint32_t checker, uint32_t target)
{
    pair_state *p = pair_of(h, checker, target);
    p->fail = ewma(p->fail, p->has_fail, 1.0);
    p->has_fail = true;
    p->successes = 0;
    if (p->failures < UINT32_MAX)
        p->failures++;
    if (!p->unhealthy && p->failures >= h->unhealthy_after) {
        p->unhealthy = true;
        h->votes[target]++;
        update_view(h, target);
    }
}

static void probe_succeeded(health *h, uint32_t checker, uint32_t target)
{
    pair_state *p = pair_of(h, checker, target);
    p->fail = ewma(p->fail, p->has_fail, 0.0);
    p->has_fail = true;
    p->rtt_ms = ewma(p->rtt_ms, p->has_rtt, sim_time_ms(sim_now(h->e) - p->sent_at));
    p->has_rtt = true;
    p->failures = 0;
    if (p->successes < UINT32_MAX)
        p->successes++;
    if (p->unhealthy && p->successes >= h->healthy_after) {
        p->unhealthy = false;
        h->votes[target]--;
        update_view(h, target);
    }
}

/* Whether the checker can take in what it hears about the probe of p now: it is up and has
 * not crashed since it sent the probe. */
static bool checker_listening(health *h, uint32_t checker, const pair_state *p)
{
    const region *reg = h->regions[checker];
    return !region_is_down(reg) && region_epoch(reg) == p->epoch;
}

static void on_tick(sim_engine *e, void *ctx, uint64_t arg)
{
    health     *h = ctx;
    uint32_t    checker = (uint32_t)(arg / h->nregions), target = (uint32_t)(arg % h->nregions);
    pair_state *p = pair_of(h, checker, target);
    p->tick = 0;
    if (h->stopped)
        return;
    /* timeout <= interval and the timeout was scheduled before this firing. */
    assert(p->outstanding == 0);
    const region *reg = h->regions[checker];
    if (!region_is_down(reg)) {
        p->seq++;
        p->outstanding = p->seq & MSG_SEQ_MASK;
        p->epoch = region_epoch(reg);
        p->sent_at = sim_now(e);
        uint64_t msg = probe_arg(checker, target, p->seq);
        p->timeout = sim_after(e, h->timeout, on_timeout, h, msg);
        h->sent++;
        net_send(h->net, checker, target, on_probe, h, msg);
    }
    p->tick = sim_after(e, h->interval, on_tick, h, arg);
}

static void on_probe(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    health  *h = ctx;
    uint32_t target = arg_target(arg);
    if (region_is_down(h->regions[target]))
        return; /* a down region drops what reaches it */
    if (h->lane)
        net_send(h->net, target, arg_checker(arg), on_answer, h, arg);
    else
        region_submit(h->regions[target], SCN_READ, arg);
}

void health_probe_served(health *h, uint32_t region, uint64_t tag)
{
    assert(tag & HEALTH_PROBE_TAG);
    assert(arg_target(tag) == region);
    net_send(h->net, region, arg_checker(tag), on_answer, h, tag);
}

static void on_answer(sim_engine *e, void *ctx, uint64_t arg)
{
    health     *h = ctx;
    uint32_t    checker = arg_checker(arg), target = arg_target(arg);
    pair_state *p = pair_of(h, checker, target);
    if (p->outstanding == 0 || p->outstanding != arg_seq(arg))
        return; /* late: its probe already timed out */
    if (!checker_listening(h, checker, p))
        return; /* its timeout will clear it */
    sim_cancel(e, p->timeout);
    p->timeout = 0;
    p->outstanding = 0;
    probe_succeeded(h, checker, target);
}

static void on_timeout(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    health     *h = ctx;
    uint32_t    checker = arg_checker(arg), target = arg_target(arg);
    pair_state *p = pair_of(h, checker, target);
    assert(p->outstanding == arg_seq(arg)); /* an answer would have cancelled us */
    p->outstanding = 0;
    p->timeout = 0;
    if (!checker_listening(h, checker, p))
        return;
    h->failed++;
    probe_failed(h, checker, target);
}

/* --- query ------------------------------------------------------------------------- */

bool health_is_healthy(const health *h, uint32_t region)
{
    assert(region < h->nregions);
    return !h->unhealthy[region];
}

uint32_t health_votes_down(const health *h, uint32_t region)
{
    assert(region < h->nregions);
    return h->votes[region];
}

double health_probe_rtt_ms(const health *h, uint32_t region)
{
    assert(region < h->nregions);
    double   sum = 0;
    uint32_t n = 0;
    for (uint32_t v = 0; v < h->nregions; v++) {
        const pair_state *p = &h->pairs[(size_t)v * h->nregions + region];
        if (v != region && is_checker(h, v) && p->has_rtt) {
            sum += p->rtt_ms;
            n++;
        }
    }
    return n ? sum / n : 0;
}

double health_probe_failure_rate(const health *h, uint32_t region)
{
    assert(region < h->nregions);
    double   sum = 0;
    uint32_t n = 0;
    for (uint32_t v = 0; v < h->nregions; v++) {
        const pair_state *p = &h->pairs[(size_t)v * h->nregions + region];
        if (v != region && is_checker(h, v) && p->has_fail) {
            sum += p->fail;
            n++;
        }
    }
    return n ? sum / n : 0;
}

uint64_t health_probes_sent(const health *h) { return h->sent; }
uint64_t health_probes_failed(const health *h) { return h->failed; }
