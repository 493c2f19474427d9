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
_Static_assert(ENV_MAX_REGIONS <= 64,
               "checker and target indexes fit 6 bits of a probe tag; checkers, a 64-bit mask");
#define EWMA_WEIGHT 0.1 /* of each new probe in the smoothed figures */

typedef struct pair_state {
    uint64_t  seq;         /* sequence of the latest probe sent */
    uint64_t  outstanding; /* sequence awaited, 0 when none */
    env_timer timeout;     /* of the outstanding probe */
    env_timer tick;        /* the next firing of the timer */
    sim_time  phase;       /* first firing, ns in [0, interval) */
    sim_time  sent_at;     /* of the outstanding probe, ns */
    double    rtt_ms;      /* smoothed round trip, valid if has_rtt */
    double    fail;        /* smoothed failure, [0, 1], if has_fail */
    bool      has_rtt, has_fail;
    uint32_t  failures;  /* consecutive */
    uint32_t  successes; /* consecutive */
    bool      unhealthy; /* the checker sees the target unhealthy */
} pair_state;

/* What one subscriber (the controller's region, or the DNS service) has heard: per
 * (checker, target) the latest report and when it arrived. */
/* A checker's verdict on a target and its smoothed figures, sent after each probe. */
typedef struct report_msg {
    uint32_t checker, target;
    bool     unhealthy, has_rtt, has_fail;
    double   rtt_ms, fail;
} report_msg;

_Static_assert(sizeof(report_msg) <= ENV_MSG_PAYLOAD, "a health report must fit a payload");

/* What one subscriber has heard: per (checker, target) the latest report and its arrival. */
typedef struct heard {
    report_msg last;
    sim_time   at; /* arrival, ns; -1: never */
} heard;

struct health_view {
    health                *h;
    uint32_t               where; /* the subscriber's address: a region or ENV_DNS */
    heard                 *heard; /* checker x target */
    health_view_change_fn *change;
    void                  *change_ctx;
    health_verdict        *last; /* per target: the verdict when last computed */
};

struct health {
    env              *env;
    health_view     **views;
    size_t            nviews, views_cap;
    sim_time          stale_after; /* a report older than this (by arrival) is unknown */
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

static void on_tick(env *e, void *ctx, uint64_t arg);
static void on_probe(env *e, void *ctx, const env_msg *m);
static void on_answer(env *e, void *ctx, const env_msg *m);
static void on_timeout(env *e, void *ctx, uint64_t arg);
static void on_report(env *e, void *ctx, const env_msg *m);
static void on_restart(env *e, void *ctx, uint32_t region);

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

int health_new(env *e, const scn_health *cfg, health_change_fn *change, void *change_ctx,
               health **out, sim_err *err)
{
    assert(env_regions(e) <= ENV_MAX_REGIONS);
    assert(cfg->interval > 0);
    char    *name = NULL;
    sim_rng *rng = NULL;
    health  *h = sim_calloc(1, sizeof *h);
    if (!h)
        goto fail;
    *h = (health){
        .env = e,
        .change = change,
        .change_ctx = change_ctx,
        .nregions = env_regions(e),
        .checkers = cfg->checkers,
        .interval = cfg->interval,
        /* The loader refuses timeout > interval; clamping keeps "one probe at a time" true
         * for scenarios built in code as well. */
        .timeout = cfg->timeout < cfg->interval ? cfg->timeout : cfg->interval,
        .unhealthy_after = at_least_one(cfg->unhealthy_after),
        .healthy_after = at_least_one(cfg->healthy_after),
        .lane = cfg->lane,
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
        uint32_t q = cfg->quorum ? cfg->quorum : voters / 2 + 1;
        h->quorum[r] = voters == 0 ? UINT32_MAX : q < voters ? q : voters;
    }
    size_t longest = 0;
    for (size_t i = 0; i < nr; i++)
        if (strlen(env_region_name(e, (uint32_t)i)) > longest)
            longest = strlen(env_region_name(e, (uint32_t)i));
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
            snprintf(name, name_size, "health/%s/%s", env_region_name(e, v), env_region_name(e, r));
            if (env_rng_new(e, name, &rng) < 0)
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
    /* A report is fresh for three probe intervals and a timeout: a checker reports after
     * every probe, so three reports in a row must have gone missing before it is unknown. */
    h->stale_after = 3 * h->interval + h->timeout;
    env_listen(e, ENV_MSG_PROBE, on_probe, h);
    env_listen(e, ENV_MSG_PROBE_ANSWER, on_answer, h);
    env_listen(e, ENV_MSG_HEALTH_REPORT, on_report, h);
    env_on_restart(e, on_restart, h);
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
    for (size_t i = 0; i < h->nviews; i++) {
        sim_free(h->views[i]->heard);
        sim_free(h->views[i]->last);
        sim_free(h->views[i]);
    }
    sim_free(h->views);
    sim_free(h);
}

/* --- views: what a subscriber makes of the reports it received ------------------------ */

int health_subscribe(health *h, uint32_t where, health_view_change_fn *change, void *ctx,
                     health_view **out)
{
    size_t       nr = h->nregions;
    health_view *v = sim_calloc(1, sizeof *v);
    if (!v || sim_grow(&h->views, &h->views_cap, h->nviews, sizeof *h->views) < 0) {
        sim_free(v);
        return SIM_ENOMEM;
    }
    v->heard = sim_calloc(nr * nr, sizeof *v->heard);
    v->last = sim_calloc(nr, sizeof *v->last);
    if (!v->heard || !v->last) {
        sim_free(v->heard);
        sim_free(v->last);
        sim_free(v);
        return SIM_ENOMEM;
    }
    for (size_t i = 0; i < nr * nr; i++)
        v->heard[i].at = -1;
    v->h = h;
    v->where = where;
    v->change = change;
    v->change_ctx = ctx;
    h->views[h->nviews++] = v;
    *out = v;
    return 0;
}

static void view_take(health_view *v, const report_msg *r)
{
    health *h = v->h;
    heard  *x = &v->heard[(size_t)r->checker * h->nregions + r->target];
    x->last = *r;
    x->at = env_now(h->env);
    health_verdict now = health_view_verdict(v, r->target);
    if (now != v->last[r->target]) {
        v->last[r->target] = now;
        if (v->change)
            v->change(v->change_ctx, r->target, now);
    }
}

/* The fresh reports on target: how many, and how many say it is down. */
static uint32_t view_count(const health_view *v, uint32_t target, uint32_t *down)
{
    const health *h = v->h;
    sim_time      now = env_now(h->env);
    uint32_t      fresh = 0;
    *down = 0;
    for (uint32_t c = 0; c < h->nregions; c++) {
        const heard *x = &v->heard[(size_t)c * h->nregions + target];
        if (c == target || !is_checker(h, c) || x->at < 0 || now - x->at > h->stale_after)
            continue;
        fresh++;
        *down += x->last.unhealthy;
    }
    return fresh;
}

health_verdict health_view_verdict(const health_view *v, uint32_t target)
{
    uint32_t down, fresh = view_count(v, target, &down);
    uint32_t q = v->h->quorum[target];
    if (down >= q)
        return HEALTH_DOWN;
    return fresh >= q ? HEALTH_UP : HEALTH_UNKNOWN;
}

uint32_t health_view_fresh(const health_view *v, uint32_t target, uint32_t *down)
{
    uint32_t d;
    uint32_t fresh = view_count(v, target, down ? down : &d);
    return fresh;
}

uint32_t health_view_quorum(const health_view *v, uint32_t target) { return v->h->quorum[target]; }

/* The plain mean over the fresh reports that have a figure; 0 while none has. */
static double view_mean(const health_view *v, uint32_t target, bool rtt)
{
    const health *h = v->h;
    sim_time      now = env_now(h->env);
    double        sum = 0;
    uint32_t      n = 0;
    for (uint32_t c = 0; c < h->nregions; c++) {
        const heard *x = &v->heard[(size_t)c * h->nregions + target];
        if (c == target || x->at < 0 || now - x->at > h->stale_after)
            continue;
        if (rtt ? x->last.has_rtt : x->last.has_fail) {
            sum += rtt ? x->last.rtt_ms : x->last.fail;
            n++;
        }
    }
    return n ? sum / n : 0;
}

double health_view_rtt_ms(const health_view *v, uint32_t target)
{
    return view_mean(v, target, true);
}

double health_view_failure_rate(const health_view *v, uint32_t target)
{
    return view_mean(v, target, false);
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
                p->tick = env_after(h->env, v, p->phase, on_tick, h, (size_t)v * h->nregions + r);
            }
    }
}

void health_stop(health *h)
{
    /* Cancel the timers rather than only flag them, so that the engine's queue empties as
     * soon as the outstanding probes have been answered or timed out. */
    h->stopped = true;
    for (size_t i = 0; i < (size_t)h->nregions * h->nregions; i++) {
        env_cancel(h->env, h->pairs[i].tick);
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
        h->change(h->change_ctx, env_now(h->env), target, !unhealthy);
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
    p->rtt_ms = ewma(p->rtt_ms, p->has_rtt, sim_time_ms(env_now(h->env) - p->sent_at));
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

/* --- reports: what the checkers tell their subscribers ----------------------------------- */

static void send_reports(health *h, uint32_t checker, uint32_t target)
{
    const pair_state *p = pair_of(h, checker, target);
    for (size_t i = 0; i < h->nviews; i++) {
        health_view *v = h->views[i];
        if (v->where == checker) { /* a subscriber in the checker's own region */
            view_take(v,
                      &(report_msg){ checker, target, p->unhealthy, p->has_rtt, p->has_fail,
                                     p->rtt_ms, p->fail });
            continue;
        }
        env_msg *m = env_msg_new(h->env, ENV_MSG_HEALTH_REPORT, checker, v->where);
        *ENV_PAYLOAD(m, report_msg)
            = (report_msg){ checker,     target,    p->unhealthy, p->has_rtt,
                            p->has_fail, p->rtt_ms, p->fail };
        env_send(h->env, ENV_STREAM, m, ENV_HEADER_BYTES);
    }
}

static void on_report(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    health *h = ctx;
    for (size_t i = 0; i < h->nviews; i++)
        if (h->views[i]->where == m->to)
            view_take(h->views[i], ENV_PAYLOAD(m, const report_msg));
}

/* --- probes ---------------------------------------------------------------------------- */

typedef struct probe_msg {
    uint64_t tag; /* probe_arg(): checker, target, sequence */
} probe_msg;

static void send_probe_msg(health *h, env_msg_kind kind, uint32_t from, uint32_t to, uint64_t tag)
{
    env_msg *m = env_msg_new(h->env, kind, from, to);
    ENV_PAYLOAD(m, probe_msg)->tag = tag;
    env_send(h->env, ENV_DATAGRAM, m, ENV_HEADER_BYTES);
}

static void on_tick(env *e, void *ctx, uint64_t arg)
{
    health     *h = ctx;
    uint32_t    checker = (uint32_t)(arg / h->nregions), target = (uint32_t)(arg % h->nregions);
    pair_state *p = pair_of(h, checker, target);
    p->tick = 0;
    if (h->stopped)
        return;
    /* timeout <= interval and the timeout was scheduled before this firing. */
    assert(p->outstanding == 0);
    p->seq++;
    p->outstanding = p->seq & MSG_SEQ_MASK;
    p->sent_at = env_now(e);
    uint64_t msg = probe_arg(checker, target, p->seq);
    p->timeout = env_after(e, checker, h->timeout, on_timeout, h, msg);
    h->sent++;
    send_probe_msg(h, ENV_MSG_PROBE, checker, target, msg);
    p->tick = env_after(e, checker, h->interval, on_tick, h, arg);
}

static void on_probe(env *e, void *ctx, const env_msg *m)
{
    health  *h = ctx;
    uint64_t tag = ENV_PAYLOAD(m, const probe_msg)->tag;
    if (h->lane)
        send_probe_msg(h, ENV_MSG_PROBE_ANSWER, m->to, m->from, tag);
    else
        env_submit(e, m->to, SCN_READ, tag);
}

void health_probe_served(health *h, uint32_t region, uint64_t tag)
{
    assert(tag & HEALTH_PROBE_TAG);
    assert(arg_target(tag) == region);
    send_probe_msg(h, ENV_MSG_PROBE_ANSWER, region, arg_checker(tag), tag);
}

static void on_answer(env *e, void *ctx, const env_msg *m)
{
    health     *h = ctx;
    uint64_t    arg = ENV_PAYLOAD(m, const probe_msg)->tag;
    uint32_t    checker = arg_checker(arg), target = arg_target(arg);
    pair_state *p = pair_of(h, checker, target);
    if (p->outstanding == 0 || p->outstanding != arg_seq(arg))
        return; /* late: its probe already timed out, or was sent before a restart */
    env_cancel(e, p->timeout);
    p->timeout = 0;
    p->outstanding = 0;
    probe_succeeded(h, checker, target);
    send_reports(h, checker, target);
}

static void on_timeout(env *e, void *ctx, uint64_t arg)
{
    (void)e;
    health     *h = ctx;
    uint32_t    checker = arg_checker(arg), target = arg_target(arg);
    pair_state *p = pair_of(h, checker, target);
    assert(p->outstanding == arg_seq(arg)); /* an answer would have cancelled us */
    p->outstanding = 0;
    p->timeout = 0;
    h->failed++;
    probe_failed(h, checker, target);
    send_reports(h, checker, target);
}

/* A checker's process started again: its timers died with it. What it had concluded is
 * kept (a checker persists its state); its probes resume on their phases. */
static void on_restart(env *e, void *ctx, uint32_t region)
{
    health *h = ctx;
    if (!is_checker(h, region) || h->stopped)
        return;
    sim_time now = env_now(e);
    for (uint32_t r = 0; r < h->nregions; r++) {
        if (r == region)
            continue;
        pair_state *p = pair_of(h, region, r);
        p->outstanding = 0;
        p->timeout = 0;
        sim_time next = p->phase - now % h->interval;
        if (next < 0)
            next += h->interval;
        p->tick = env_after(e, region, next, on_tick, h, (size_t)region * h->nregions + r);
    }
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
