/* test_health.c - the health checkers alone, on a world built by hand: engine, geography,
 * network and regions, with faults applied from scheduled events and the regions' done
 * callback handing probes to health_probe_served() as the data plane does. What health.h
 * promises: a checker marks a target unhealthy after 'unhealthy_after' consecutive failed
 * probes and healthy after 'healthy_after' consecutive successes; the view needs a quorum
 * of checkers; probes wait in the target's queue unless they have a lane; a partition is
 * seen from both sides; the smoothed round trip and failure rate follow the probes; runs
 * are reproducible; health_stop() lets the engine drain.
 *
 * The validation: with probe interval I, timeout T, K consecutive failures and no network
 * delay, a crash at a uniformly random point of the probe cycle is detected by one checker
 * after U I + (K - 1) I + T, U uniform on [0, 1), so (K - 1/2) I + T on average. With n
 * checkers of independent phases and quorum q, the view flips at the q-th detection: the
 * q-th smallest of n uniforms has mean q / (n + 1), so the mean delay is
 * (K - 1 + q / (n + 1)) I + T; q = 2 of n = 3 gives the one-checker figure again.
 *
 * Unless a test says otherwise, every region sits at the same point with no network base,
 * so every message arrives at the instant it is sent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "engine.h"
#include "health.h"
#include "net.h"
#include "region.h"
#include "topo.h"
#include "env_fixture.h"
#include "world_fixture.h"

#define MAX_FLIPS 256

typedef struct flip {
    sim_time t;
    uint32_t region;
    bool     healthy;
} flip;

typedef struct bench {
    fixture     f;
    sim_engine *e;
    topo       *t;
    net        *n;
    region     *regions[FIX_REGIONS];
    health     *h;
    flip        flips[MAX_FLIPS];
    int         nflips;
    bool        stop_on_unhealthy; /* stop the engine at the first such flip */
    env_fixture x;
} bench;

static void on_region_done(void *ctx, uint32_t region, uint64_t tag, scn_op op, env_status status)
{
    (void)op;
    (void)status;
    bench *b = ctx;
    if (tag & HEALTH_PROBE_TAG)
        health_probe_served(b->h, region, tag);
}

static void on_change(void *ctx, sim_time t, uint32_t region, bool healthy)
{
    bench *b = ctx;
    assert_true(b->nflips < MAX_FLIPS);
    assert_int_equal(t, sim_now(b->e));
    b->flips[b->nflips++] = (flip){ t, region, healthy };
    if (b->stop_on_unhealthy && !healthy)
        sim_engine_stop(b->e);
}

/* nregions regions at one point (no network delay), 'servers' servers each; health checks
 * every second with a 200 ms timeout, 3 failures down, 2 successes up, every region a
 * checker, quorum 1, no lane. The caller adjusts b->f.s.health, then calls bench_build(). */
static void bench_init(bench *b, size_t nregions, uint32_t servers)
{
    memset(b, 0, sizeof *b);
    fixture_init(&b->f, nregions, servers);
    for (size_t i = 0; i < nregions; i++)
        b->f.regions[i].lon = 0;
    b->f.s.health = (scn_health){
        .enabled = true,
        .interval = SIM_S,
        .timeout = 200 * SIM_MS,
        .unhealthy_after = 3,
        .healthy_after = 2,
        .checkers = (UINT64_C(1) << nregions) - 1,
        .quorum = 1,
        .lane = false,
    };
}

static void bench_world(bench *b)
{
    const scn_scenario *s = &b->f.s;
    sim_err             err = { 0 };
    assert_int_equal(sim_engine_new(&b->e), 0);
    assert_int_equal(topo_new(s, &b->t, &err), 0);
    assert_int_equal(net_new(b->e, s, b->t, s->seed, &b->n, &err), 0);
    for (uint32_t i = 0; i < s->nregions; i++)
        assert_int_equal(region_new(b->e, s, i, s->seed, 0, s->duration, on_region_done, b,
                                    &b->regions[i], &err),
                         0);
    assert_int_equal(env_fixture_new(&b->x, b->e, s, b->n, b->regions, NULL, NULL), 0);
}

static void bench_build(bench *b)
{
    sim_err err = { 0 };
    bench_world(b);
    assert_int_equal(health_new(b->x.env, &b->f.s.health, on_change, b, &b->h, &err), 0);
    health_start(b->h);
}

static void bench_fini(bench *b)
{
    health_free(b->h);
    env_free(b->x.env);
    for (uint32_t i = 0; i < b->f.s.nregions; i++)
        region_free(b->regions[i]);
    net_free(b->n);
    topo_free(b->t);
    sim_engine_free(b->e);
}

/* --- scripted faults ---------------------------------------------------------------- */

static void on_down(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    bench *b = ctx;
    region_set_down(b->regions[arg], true);
}

static void on_up(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    bench *b = ctx;
    region_set_down(b->regions[arg], false);
    env_region_restarted(b->x.env, (uint32_t)arg);
}

static void down_between(bench *b, uint32_t r, sim_time from, sim_time to)
{
    sim_at(b->e, from, on_down, b, r);
    if (to != SIM_TIME_MAX)
        sim_at(b->e, to, on_up, b, r);
}

/* Groups packed one per byte in arg, region 0 lowest; 0 heals. */
static void on_partition(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    bench  *b = ctx;
    uint8_t groups[FIX_REGIONS];
    for (int i = 0; i < FIX_REGIONS; i++)
        groups[i] = (uint8_t)(arg >> (8 * i));
    net_set_partition(b->n, arg ? groups : NULL);
}

static void on_stop(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)arg;
    bench *b = ctx;
    health_stop(b->h);
}

/* The time of the first probe, to within 'step': runs the engine in steps until one has
 * been sent and returns the end of the step it was sent in. */
static sim_time first_probe(bench *b, sim_time step)
{
    sim_time t = 0;
    while (health_probes_sent(b->h) == 0) {
        t += step;
        sim_engine_run(b->e, t);
    }
    return t;
}

static void assert_flip(const bench *b, int i, uint32_t region, bool healthy, sim_time lo,
                        sim_time hi)
{
    assert_true(i < b->nflips);
    assert_int_equal(b->flips[i].region, region);
    assert_int_equal(b->flips[i].healthy, healthy);
    assert_in_range(b->flips[i].t, lo, hi);
}

/* --- the state machine --------------------------------------------------------------- */

/* One checker (r0) probes r1 every second from p0, the first probe's time (known to within
 * 1 ms: p0 in (p - 1ms, p]); probe k is sent at p0 + k s. Down windows catch probes 1-2 and
 * 4-5: two failures then a success, twice, never three in a row, so r1 stays healthy. Down
 * from p + 6.5 s catches 7, 8, 9: unhealthy when the 9th times out. Back at p + 12.5 s:
 * 13 succeeds, 14 fails (a short second outage), 15 and 16 succeed: healthy at probe 16. */
static void test_health_consecutive_failures_and_successes_flip_a_checker(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 2, 4);
    b.f.s.health.checkers = 1; /* r0 only */
    b.f.s.health.lane = true;
    bench_build(&b);
    const sim_time ms = SIM_MS, s = SIM_S, T = 200 * SIM_MS;
    sim_time       p = first_probe(&b, ms);
    down_between(&b, 1, p + 500 * ms, p + 2500 * ms);
    down_between(&b, 1, p + 3500 * ms, p + 5500 * ms);
    down_between(&b, 1, p + 6500 * ms, p + 12500 * ms);
    down_between(&b, 1, p + 13500 * ms, p + 14500 * ms);

    sim_engine_run(b.e, p + 9 * s);
    assert_int_equal(b.nflips, 0); /* 1, 2, 4, 5, 7, 8 failed; never 3 in a row */
    assert_int_equal(health_probes_failed(b.h), 6);
    assert_int_equal(health_votes_down(b.h, 1), 0);
    assert_true(health_is_healthy(b.h, 1));

    sim_engine_run(b.e, p + 9 * s + T);
    assert_int_equal(b.nflips, 1);
    assert_flip(&b, 0, 1, false, p - ms + 9 * s + T, p + 9 * s + T);
    assert_int_equal(health_probes_failed(b.h), 7);
    assert_int_equal(health_votes_down(b.h, 1), 1);
    assert_false(health_is_healthy(b.h, 1));

    sim_engine_run(b.e, p + 15 * s + 500 * ms);
    assert_int_equal(b.nflips, 1); /* 13 succeeded, 14 failed, 15 succeeded */
    sim_engine_run(b.e, p + 20 * s);
    assert_int_equal(b.nflips, 2);
    assert_flip(&b, 1, 1, true, p - ms + 16 * s, p + 16 * s);
    assert_true(health_is_healthy(b.h, 1));
    assert_int_equal(health_votes_down(b.h, 1), 0);
    assert_true(health_is_healthy(b.h, 0)); /* nobody probes r0 */
    bench_fini(&b);
}

/* A down checker sends nothing and learns nothing: r0 (the only checker) down for a while
 * sends no probes and marks nobody unhealthy, and resumes afterwards. */
static void test_health_down_checker_sends_nothing(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 3, 4);
    b.f.s.health.checkers = 1;
    bench_build(&b);
    sim_engine_run(b.e, 5 * SIM_S);
    uint64_t sent = health_probes_sent(b.h);
    assert_int_equal(sent, 10); /* 2 targets, one probe each per second */
    down_between(&b, 0, 5 * SIM_S, 15 * SIM_S);
    sim_engine_run(b.e, 15 * SIM_S - 1);
    assert_int_equal(health_probes_sent(b.h), sent);
    assert_int_equal(health_probes_failed(b.h), 0);
    assert_int_equal(b.nflips, 0);
    sim_engine_run(b.e, 20 * SIM_S - 1);
    assert_int_equal(health_probes_sent(b.h), sent + 10);
    assert_int_equal(health_probes_failed(b.h), 0);
    bench_fini(&b);
}

/* --- smoothed figures for routing --------------------------------------------------- */

/* Three regions 10 degrees apart (no jitter), r0 the only checker, with a lane: each probe's
 * round trip is exactly the base RTT. Cutting r0 - r1 after probes 0-4 succeeded makes
 * probes 5-10 fail: the failure rate of r1 is 1 - 0.9^6 with weight 0.1 per probe; its
 * round trip stays where the successes put it. r0 has no checker: 0 for both. */
static void test_health_smoothed_rtt_and_failure_rate_follow_the_probes(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 3, 4);
    for (size_t i = 0; i < 3; i++)
        b.f.regions[i].lon = 10.0 * (double)i;
    b.f.s.health.checkers = 1;
    b.f.s.health.lane = true;
    bench_build(&b);
    for (uint32_t r = 0; r < 3; r++) {
        assert_true(health_probe_rtt_ms(b.h, r) == 0);
        assert_true(health_probe_failure_rate(b.h, r) == 0);
    }
    sim_time p = first_probe(&b, SIM_MS);
    sim_engine_run(b.e, p + 4 * SIM_S + 500 * SIM_MS);
    for (uint32_t r = 1; r < 3; r++) {
        double want = sim_time_ms(topo_rtt(b.t, 0, r));
        assert_true(want > 10);
        assert_true(fabs(health_probe_rtt_ms(b.h, r) - want) < 1e-9);
        assert_true(health_probe_failure_rate(b.h, r) == 0);
    }
    net_degrade_link(b.n, 0, 1, NULL, 1.0);
    sim_engine_run(b.e, p + 10 * SIM_S + 500 * SIM_MS);
    assert_int_equal(health_probes_failed(b.h), 6);
    assert_true(fabs(health_probe_failure_rate(b.h, 1) - (1 - pow(0.9, 6))) < 1e-12);
    assert_true(fabs(health_probe_rtt_ms(b.h, 1) - sim_time_ms(topo_rtt(b.t, 0, 1))) < 1e-9);
    assert_true(health_probe_failure_rate(b.h, 2) == 0);
    assert_true(health_probe_rtt_ms(b.h, 0) == 0);
    assert_true(health_probe_failure_rate(b.h, 0) == 0);
    bench_fini(&b);
}

/* --- the quorum ---------------------------------------------------------------------- */

/* r0, r1, r2 check, quorum 2. Cutting the link r0 - r3 makes r0 alone see r3 unhealthy:
 * one vote, no flip. r3 going down gets all three votes and flips the view. */
static void test_health_quorum_ignores_one_cut_link_but_not_a_region_down(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 4, 4);
    b.f.s.health.checkers = 0x7;
    b.f.s.health.quorum = 2;
    b.f.s.health.lane = true;
    bench_build(&b);
    net_degrade_link(b.n, 0, 3, NULL, 1.0);
    sim_engine_run(b.e, 20 * SIM_S);
    assert_int_equal(health_votes_down(b.h, 3), 1);
    assert_true(health_is_healthy(b.h, 3));
    for (uint32_t r = 0; r < 3; r++) {
        assert_int_equal(health_votes_down(b.h, r), 0);
        assert_true(health_is_healthy(b.h, r));
    }
    assert_int_equal(b.nflips, 0);

    down_between(&b, 3, 20 * SIM_S, SIM_TIME_MAX);
    sim_engine_run(b.e, 30 * SIM_S);
    assert_int_equal(health_votes_down(b.h, 3), 3);
    assert_false(health_is_healthy(b.h, 3));
    assert_int_equal(b.nflips, 1);
    /* The second of r1 and r2 to see three failures: its third failed probe was sent
     * within (20 s + 2 s, 20 s + 3 s] and timed out 200 ms later. */
    assert_flip(&b, 0, 3, false, 22 * SIM_S + 200 * SIM_MS, 23 * SIM_S + 200 * SIM_MS);
    bench_fini(&b);
}

/* --- probes wait in the queue -------------------------------------------------------- */

/* r1 has 2 servers busy with 100 writes of 5 s each (250 s of work); r0 checks it. Without
 * a lane the probes queue behind the writes and time out: r1 looks dead although it is
 * working. With a lane they are answered at once and r1 stays healthy. */
static void saturated(bool lane, bool *healthy, uint64_t *failed)
{
    bench b;
    bench_init(&b, 2, 2);
    b.f.regions[1].service[SCN_WRITE] = fix_constant_ms(5000);
    b.f.s.health.checkers = 1;
    b.f.s.health.lane = lane;
    bench_build(&b);
    for (uint64_t i = 0; i < 100; i++)
        region_submit(b.regions[1], SCN_WRITE, i);
    sim_engine_run(b.e, 30 * SIM_S);
    *healthy = health_is_healthy(b.h, 1);
    *failed = health_probes_failed(b.h);
    assert_false(region_is_down(b.regions[1]));
    bench_fini(&b);
}

static void test_health_saturated_region_fails_probes_without_lane(void **state)
{
    (void)state;
    bool     healthy;
    uint64_t failed;
    saturated(false, &healthy, &failed);
    assert_false(healthy);
    assert_true(failed >= 29); /* every probe, one per second */
    saturated(true, &healthy, &failed);
    assert_true(healthy);
    assert_int_equal(failed, 0);
}

/* --- partitions ---------------------------------------------------------------------- */

/* Every region checks, quorum 2. A partition {r0, r1} | {r2, r3} makes each side see the
 * other unhealthy with two votes: all four regions drop out of the view (a split view is
 * what split brain grows from). Healing brings them all back. */
static void test_health_partition_is_seen_from_both_sides(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 4, 4);
    b.f.s.health.quorum = 2;
    bench_build(&b);
    uint64_t groups = UINT64_C(0x01010000); /* r0, r1: group 0; r2, r3: group 1 */
    sim_at(b.e, 5 * SIM_S, on_partition, &b, groups);
    sim_at(b.e, 12 * SIM_S, on_partition, &b, 0);
    sim_engine_run(b.e, 12 * SIM_S - 1);
    for (uint32_t r = 0; r < 4; r++) {
        assert_false(health_is_healthy(b.h, r));
        assert_int_equal(health_votes_down(b.h, r), 2);
    }
    assert_int_equal(b.nflips, 4);
    sim_engine_run(b.e, 16 * SIM_S);
    for (uint32_t r = 0; r < 4; r++) {
        assert_true(health_is_healthy(b.h, r));
        assert_int_equal(health_votes_down(b.h, r), 0);
    }
    assert_int_equal(b.nflips, 8);
    bench_fini(&b);
}

/* --- determinism --------------------------------------------------------------------- */

/* Four regions with network delay, jitter and loss, an outage and a partition: the flips
 * (times, regions, directions) and the probe counters. */
static void eventful_run(uint64_t seed, flip *flips, int *nflips, uint64_t *sent, uint64_t *failed)
{
    bench b;
    bench_init(&b, 4, 2);
    for (size_t i = 0; i < 4; i++)
        b.f.regions[i].lon = 10.0 * (double)i;
    b.f.s.seed = seed;
    b.f.s.network.has_jitter = true;
    b.f.s.network.jitter = fix_exponential_ms(5);
    b.f.s.network.loss = 0.05;
    b.f.s.health.quorum = 2;
    b.f.s.health.timeout = 100 * SIM_MS;
    bench_build(&b);
    down_between(&b, 2, 7 * SIM_S, 15 * SIM_S);
    sim_at(b.e, 20 * SIM_S, on_partition, &b, UINT64_C(0x01000000));
    sim_at(b.e, 30 * SIM_S, on_partition, &b, 0);
    sim_engine_run(b.e, 40 * SIM_S);
    memcpy(flips, b.flips, sizeof b.flips);
    *nflips = b.nflips;
    *sent = health_probes_sent(b.h);
    *failed = health_probes_failed(b.h);
    bench_fini(&b);
}

static void test_health_identical_runs_flip_at_identical_times(void **state)
{
    (void)state;
    static flip a[MAX_FLIPS], c[MAX_FLIPS], d[MAX_FLIPS];
    int         na, nc, nd;
    uint64_t    sa, sc, sd, fa, fc, fd;
    eventful_run(7, a, &na, &sa, &fa);
    eventful_run(7, c, &nc, &sc, &fc);
    eventful_run(8, d, &nd, &sd, &fd);
    assert_true(na >= 4); /* r2 out and back, r3 out and back */
    assert_int_equal(na, nc);
    assert_int_equal(sa, sc);
    assert_int_equal(fa, fc);
    for (int i = 0; i < na; i++) {
        assert_int_equal(a[i].t, c[i].t);
        assert_int_equal(a[i].region, c[i].region);
        assert_int_equal(a[i].healthy, c[i].healthy);
    }
    /* Another seed draws other phases: the first flip moves. */
    assert_true(nd >= 1);
    assert_int_not_equal(a[0].t, d[0].t);
}

/* --- stopping and allocation --------------------------------------------------------- */

static void test_health_stop_lets_the_engine_drain(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 3, 4);
    b.f.s.health.quorum = 2;
    bench_build(&b);
    down_between(&b, 2, 2 * SIM_S, SIM_TIME_MAX); /* so timeouts are pending at the stop */
    sim_at(b.e, 5 * SIM_S, on_stop, &b, 0);
    sim_engine_run(b.e, 5 * SIM_S);
    uint64_t sent = health_probes_sent(b.h);
    assert_int_equal(sim_engine_run(b.e, SIM_TIME_MAX), SIM_RAN_EMPTY);
    assert_true(sim_now(b.e) <= 5 * SIM_S + 200 * SIM_MS);
    assert_int_equal(health_probes_sent(b.h), sent);
    bench_fini(&b);
}

static void test_health_new_unwinds_on_allocation_failure(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 4, 4);
    bench_world(&b);
    sim_err err = { 0 };
    int     rc = SIM_ENOMEM;
    long    n;
    for (n = 1; rc != 0 && n < 1000; n++) {
        sim_alloc_fail_at(n);
        rc = health_new(b.x.env, &b.f.s.health, on_change, &b, &b.h, &err);
        sim_alloc_fail_at(0);
        if (rc != 0) {
            assert_int_equal(rc, SIM_ENOMEM);
            assert_int_equal(err.code, SIM_ENOMEM);
        }
    }
    assert_int_equal(rc, 0);
    assert_true(n > 4); /* the struct, three arrays, a stream ... */
    bench_fini(&b);
}

/* --- validation: mean detection delay ------------------------------------------------ */

#define VALIDATION_SEEDS 400

/* The mean, over VALIDATION_SEEDS seeds, of the time from r'target' going down at 100 s to
 * the view marking it unhealthy; interval 10 s, timeout 2 s, 3 failures, with a lane and no
 * network delay, so the phases (drawn per seed) are the only randomness. */
static double mean_detection_s(size_t nregions, uint64_t checkers, uint32_t quorum, uint32_t target)
{
    const sim_time down_at = 100 * SIM_S;
    double         sum = 0;
    for (uint64_t seed = 1; seed <= VALIDATION_SEEDS; seed++) {
        bench b;
        bench_init(&b, nregions, 4);
        b.f.s.seed = seed;
        b.f.s.health.interval = 10 * SIM_S;
        b.f.s.health.timeout = 2 * SIM_S;
        b.f.s.health.unhealthy_after = 3;
        b.f.s.health.checkers = checkers;
        b.f.s.health.quorum = quorum;
        b.f.s.health.lane = true;
        b.stop_on_unhealthy = true;
        bench_build(&b);
        down_between(&b, target, down_at, SIM_TIME_MAX);
        assert_int_equal(sim_engine_run(b.e, down_at + 60 * SIM_S), SIM_RAN_STOPPED);
        assert_int_equal(b.nflips, 1);
        assert_flip(&b, 0, target, false, down_at, down_at + 60 * SIM_S);
        sum += sim_time_s(b.flips[0].t - down_at);
        bench_fini(&b);
    }
    return sum / VALIDATION_SEEDS;
}

/* (K - 1 + q / (n + 1)) I + T, seconds. */
static double theory_s(uint32_t n, uint32_t q)
{
    return (3 - 1 + (double)q / (n + 1)) * 10.0 + 2.0;
}

static void check_detection(size_t nregions, uint64_t checkers, uint32_t quorum, uint32_t target,
                            uint32_t n)
{
    double mean = mean_detection_s(nregions, checkers, quorum, target);
    double theory = theory_s(n, quorum);
    print_message("%zu regions, %u checkers of r%u, quorum %u: mean detection %.3f s, "
                  "theory %.3f s (%+.2f%%)\n",
                  nregions, n, target, quorum, mean, theory, 100.0 * (mean - theory) / theory);
    assert_true(mean > 0.95 * theory && mean < 1.05 * theory);
}

/* Two regions: the only checker of r1 is r0; (K - 1/2) I + T = 27 s. */
static void test_health_detection_delay_one_checker_matches_theory(void **state)
{
    (void)state;
    check_detection(2, 0x3, 1, 1, 1);
}

/* Four regions, r0-r2 checking r3 with quorum 2 (the default majority): the second of three
 * detections, again (K - 1/2) I + T on average; quorum 1 and 3 as the order statistics. */
static void test_health_detection_delay_quorum_matches_theory(void **state)
{
    (void)state;
    check_detection(4, 0x7, 2, 3, 3);
    check_detection(4, 0x7, 1, 3, 3);
    check_detection(4, 0xf, 3, 3, 3); /* r3 checks too, but not itself */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health_consecutive_failures_and_successes_flip_a_checker),
        cmocka_unit_test(test_health_down_checker_sends_nothing),
        cmocka_unit_test(test_health_smoothed_rtt_and_failure_rate_follow_the_probes),
        cmocka_unit_test(test_health_quorum_ignores_one_cut_link_but_not_a_region_down),
        cmocka_unit_test(test_health_saturated_region_fails_probes_without_lane),
        cmocka_unit_test(test_health_partition_is_seen_from_both_sides),
        cmocka_unit_test(test_health_identical_runs_flip_at_identical_times),
        cmocka_unit_test(test_health_stop_lets_the_engine_drain),
        cmocka_unit_test(test_health_new_unwinds_on_allocation_failure),
        cmocka_unit_test(test_health_detection_delay_one_checker_matches_theory),
        cmocka_unit_test(test_health_detection_delay_quorum_matches_theory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
