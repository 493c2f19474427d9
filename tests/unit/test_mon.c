/* test_mon.c - the monitor: interval figures, the NaN rules, utilisation, alerts, the warmup
 * and the last (shorter) interval, on regions of a scenario built in code.
 *
 * Each test scripts what happens with a list of actions at given times (a request ending in
 * a region, an apply with some lag, a request submitted to a region's servers, a change of
 * the health view), runs the engine and reads the monitor's table. Requests submitted to a
 * region report to the monitor from the region's done callback, with the time since
 * submission as their latency, as the run does. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "engine.h"
#include "mon.h"
#include "region.h"
#include "world_fixture.h"

#define MAX_ALERTS 16

typedef struct alert_rec {
    sim_time t;
    char     kind[16];
    char     detail[128];
} alert_rec;

typedef struct tctx {
    fixture     f;
    sim_engine *e;
    region     *regions[FIX_REGIONS];
    mon        *m;
    bool        healthy[FIX_REGIONS];
    alert_rec   alerts[MAX_ALERTS];
    size_t      nalerts;
} tctx;

typedef enum act_kind { ACT_OK, ACT_ERR, ACT_LAG, ACT_SUBMIT, ACT_HEALTH, ACT_READ } act_kind;

/* One scripted action: at 'at', for region 'region'; v is the latency (ACT_OK), the lag
 * (ACT_LAG), the new health (ACT_HEALTH, 0 or 1) or the oracle's verdict (ACT_READ, 1 for
 * stale). */
typedef struct act {
    sim_time at;
    act_kind kind;
    uint32_t region;
    sim_time v;
    tctx    *c; /* filled by schedule() */
} act;

static void on_alert(void *ctx, sim_time t, const char *kind, const char *detail)
{
    tctx *c = ctx;
    assert_true(c->nalerts < MAX_ALERTS);
    alert_rec *a = &c->alerts[c->nalerts++];
    a->t = t;
    snprintf(a->kind, sizeof a->kind, "%s", kind);
    snprintf(a->detail, sizeof a->detail, "%s", detail);
}

static bool on_health(void *ctx, uint32_t region)
{
    tctx *c = ctx;
    return c->healthy[region];
}

/* A request submitted by ACT_SUBMIT left its region: tag is its submission time. */
static void on_done(void *ctx, uint32_t region, uint64_t tag, scn_op op, env_status status)
{
    (void)op;
    tctx *c = ctx;
    mon_request(c->m, region, status == ENV_OK, sim_now(c->e) - (sim_time)tag);
}

static void on_act(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    act  *a = ctx;
    tctx *c = a->c;
    switch (a->kind) {
    case ACT_OK:
        mon_request(c->m, a->region, true, a->v);
        break;
    case ACT_ERR:
        mon_request(c->m, a->region, false, 0);
        break;
    case ACT_LAG:
        mon_lag(c->m, a->region, a->v);
        break;
    case ACT_SUBMIT:
        region_submit(c->regions[a->region], SCN_READ, (uint64_t)sim_now(e));
        break;
    case ACT_HEALTH:
        c->healthy[a->region] = a->v != 0;
        break;
    case ACT_READ:
        mon_read(c->m, a->region, a->v != 0);
        break;
    }
}

/* fixture_init with these regions; the test adjusts c->f.s, then calls build(). */
static void init(tctx *c, size_t nregions, uint32_t servers)
{
    memset(c, 0, sizeof *c);
    fixture_init(&c->f, nregions, servers);
    for (size_t i = 0; i < FIX_REGIONS; i++)
        c->healthy[i] = true;
}

static void build(tctx *c)
{
    const scn_scenario *s = &c->f.s;
    sim_err             err = { 0 };
    assert_int_equal(sim_engine_new(&c->e), 0);
    for (uint32_t i = 0; i < s->nregions; i++)
        assert_int_equal(region_new(c->e, s, i, s->seed, s->warmup, s->duration, on_done, c,
                                    &c->regions[i], &err),
                         0);
    assert_int_equal(mon_new(c->e, s, c->regions, on_alert, c, &c->m, &err), 0);
}

static void schedule(tctx *c, act *acts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        acts[i].c = c;
        sim_at(c->e, acts[i].at, on_act, &acts[i], 0);
    }
}

static void run_all(tctx *c)
{
    mon_start(c->m);
    sim_engine_run(c->e, SIM_TIME_MAX);
}

static void fini(tctx *c)
{
    mon_free(c->m);
    for (size_t i = 0; i < FIX_REGIONS; i++)
        region_free(c->regions[i]);
    sim_engine_free(c->e);
}

static double val(const tctx *c, size_t i, uint32_t r, mon_metric k)
{
    return mon_value(c->m, i, r, k);
}

#define MS(x)                    ((sim_time)((x)*1e6))
#define ACT(at, kind, region, v) ((act){ (at), (kind), (region), (v), NULL })

/* --- tests ---------------------------------------------------------------------------- */

static void test_mon_metric_names(void **state)
{
    (void)state;
    static const char *const want[MON_METRIC_COUNT]
        = { "requests",        "errors",  "p99_ms", "utilization",
            "repl_lag_p99_ms", "healthy", "p50_ms", "stale_read_rate" };
    for (int k = 0; k < MON_METRIC_COUNT; k++)
        assert_string_equal(mon_metric_name((mon_metric)k), want[k]);
}

static void test_mon_counts_p99_and_nan_rules(void **state)
{
    (void)state;
    tctx c;
    init(&c, 2, 1);
    c.f.s.duration = 3 * SIM_S;
    c.f.s.monitor.alert_error_rate = 1.0; /* no alerts here: a rate cannot exceed 1 */
    build(&c);
    act acts[] = {
        ACT(MS(100), ACT_OK, 0, MS(10)), ACT(MS(200), ACT_OK, 0, MS(20)),
        ACT(MS(300), ACT_ERR, 0, 0),     ACT(MS(400), ACT_ERR, 1, 0),
        ACT(MS(1500), ACT_OK, 0, MS(5)), ACT(MS(1600), ACT_LAG, 1, MS(250)),
    };
    schedule(&c, acts, sizeof acts / sizeof acts[0]);
    run_all(&c);

    assert_int_equal(mon_intervals(c.m), 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(mon_interval_end(c.m, i), (sim_time)(i + 1) * SIM_S);

    /* Interval 0: r0 two ok (10, 20 ms) and one error; r1 one error only. */
    assert_true(val(&c, 0, 0, MON_REQUESTS) == 3);
    assert_true(val(&c, 0, 0, MON_ERRORS) == 1);
    assert_float_equal(val(&c, 0, 0, MON_P99_MS), 20.0, 20.0 * 0.004);
    assert_true(val(&c, 0, 1, MON_REQUESTS) == 1);
    assert_true(val(&c, 0, 1, MON_ERRORS) == 1);
    assert_true(isnan(val(&c, 0, 1, MON_P99_MS))); /* no ok request */
    for (uint32_t r = 0; r < 2; r++) {
        assert_true(val(&c, 0, r, MON_UTILIZATION) == 0);
        assert_true(isnan(val(&c, 0, r, MON_REPL_LAG_P99_MS))); /* no apply */
        assert_true(isnan(val(&c, 0, r, MON_HEALTHY)));         /* no health checking */
    }

    /* Interval 1: the histograms were reset; one value is exact (clamped to min = max). */
    assert_true(val(&c, 1, 0, MON_REQUESTS) == 1);
    assert_true(val(&c, 1, 0, MON_ERRORS) == 0);
    assert_true(val(&c, 1, 0, MON_P99_MS) == 5.0);
    assert_true(val(&c, 1, 1, MON_REQUESTS) == 0);
    assert_true(val(&c, 1, 1, MON_REPL_LAG_P99_MS) == 250.0);
    assert_true(isnan(val(&c, 1, 0, MON_REPL_LAG_P99_MS)));

    /* Interval 2: nothing at all. */
    for (uint32_t r = 0; r < 2; r++) {
        assert_true(val(&c, 2, r, MON_REQUESTS) == 0);
        assert_true(val(&c, 2, r, MON_ERRORS) == 0);
        assert_true(isnan(val(&c, 2, r, MON_P99_MS)));
        assert_true(isnan(val(&c, 2, r, MON_REPL_LAG_P99_MS)));
    }
    assert_int_equal(c.nalerts, 0);
    fini(&c);
}

/* The stale-read rate is stale / reads per region and interval, NaN without reads, and
 * reads before the warmup or after the last boundary are not counted. */
static void test_mon_stale_read_rate_per_region_and_interval(void **state)
{
    (void)state;
    tctx c;
    init(&c, 2, 1);
    c.f.s.warmup = SIM_S;
    c.f.s.duration = 4 * SIM_S;
    c.f.s.monitor.alert_error_rate = 1.0;
    build(&c);
    act acts[]
        = {
              ACT(MS(500), ACT_READ, 0, 1), /* before the warmup: not counted */
              ACT(MS(1100), ACT_READ, 0, 1),
              ACT(MS(1200), ACT_READ, 0, 0),
              ACT(MS(1300), ACT_READ, 0, 0),
              ACT(MS(1400), ACT_READ, 0, 0),
              ACT(MS(1500), ACT_READ, 1, 0),
              ACT(MS(2500), ACT_READ, 1, 1),
              ACT(MS(2600), ACT_READ, 1, 1),
              ACT(MS(4500), ACT_READ, 1, 0), /* after the last boundary: not counted */
          };
    schedule(&c, acts, sizeof acts / sizeof acts[0]);
    run_all(&c);
    assert_int_equal(mon_intervals(c.m), 3);
    assert_true(val(&c, 0, 0, MON_STALE_READ_RATE) == 0.25);
    assert_true(val(&c, 0, 1, MON_STALE_READ_RATE) == 0.0);
    assert_true(isnan(val(&c, 1, 0, MON_STALE_READ_RATE))); /* no read */
    assert_true(val(&c, 1, 1, MON_STALE_READ_RATE) == 1.0); /* counters were reset */
    assert_true(isnan(val(&c, 2, 0, MON_STALE_READ_RATE)));
    assert_true(isnan(val(&c, 2, 1, MON_STALE_READ_RATE)));
    /* Reads are not requests: the request counts are mon_request's alone. */
    assert_true(val(&c, 0, 0, MON_REQUESTS) == 0);
    fini(&c);
}

/* r0: one server busy for the first half of each interval. r1: two servers, one busy half of
 * each interval. r2: one server busy from 0.5s to 2s, across a boundary (the busy time in
 * progress at a boundary counts towards the interval it falls in). */
static void test_mon_utilization_of_a_known_load(void **state)
{
    (void)state;
    tctx c;
    init(&c, 3, 1);
    c.f.s.duration = 4 * SIM_S;
    c.f.regions[0].service[SCN_READ] = fix_constant_ms(500);
    c.f.regions[1].servers = 2;
    c.f.regions[1].service[SCN_READ] = fix_constant_ms(500);
    c.f.regions[2].service[SCN_READ] = fix_constant_ms(1500);
    build(&c);
    act acts[] = {
        ACT(0, ACT_SUBMIT, 0, 0),         ACT(SIM_S, ACT_SUBMIT, 0, 0),
        ACT(2 * SIM_S, ACT_SUBMIT, 0, 0), ACT(3 * SIM_S, ACT_SUBMIT, 0, 0),
        ACT(0, ACT_SUBMIT, 1, 0),         ACT(SIM_S, ACT_SUBMIT, 1, 0),
        ACT(2 * SIM_S, ACT_SUBMIT, 1, 0), ACT(3 * SIM_S, ACT_SUBMIT, 1, 0),
        ACT(MS(500), ACT_SUBMIT, 2, 0),
    };
    schedule(&c, acts, sizeof acts / sizeof acts[0]);
    run_all(&c);

    assert_int_equal(mon_intervals(c.m), 4);
    static const double want_r2[4] = { 0.5, 1.0, 0, 0 };
    for (size_t i = 0; i < 4; i++) {
        assert_true(val(&c, i, 0, MON_UTILIZATION) == 0.5);
        assert_true(val(&c, i, 1, MON_UTILIZATION) == 0.25);
        assert_true(val(&c, i, 2, MON_UTILIZATION) == want_r2[i]);
        assert_true(val(&c, i, 0, MON_REQUESTS) == 1);
        assert_true(val(&c, i, 0, MON_P99_MS) == 500.0);
    }
    /* r2's request ends at 2s, in interval 1 (the boundary at 2s closes it after the
     * completion, which was scheduled first). */
    assert_true(val(&c, 1, 2, MON_REQUESTS) == 1);
    assert_true(val(&c, 1, 2, MON_P99_MS) == 1500.0);
    assert_true(region_busy_ns(c.regions[0]) == 2e9);
    assert_true(region_busy_ns(c.regions[2]) == 1.5e9);
    fini(&c);
}

/* duration 2.5s with 1s intervals: the last interval is [2, 2.5). A request ending after the
 * duration is in no interval, but its busy time before the duration counts. */
static void test_mon_last_interval_is_shorter(void **state)
{
    (void)state;
    tctx c;
    init(&c, 1, 1);
    c.f.s.duration = 2 * SIM_S + MS(500);
    c.f.regions[0].service[SCN_READ] = fix_constant_ms(250);
    build(&c);
    act acts[] = {
        ACT(2 * SIM_S, ACT_SUBMIT, 0, 0), /* busy 2.0 .. 2.25, ends inside */
        ACT(MS(2400), ACT_SUBMIT, 0, 0),  /* busy 2.4 .. 2.65, ends after the duration */
        ACT(MS(2600), ACT_LAG, 0, SIM_S), /* after the duration: ignored */
    };
    schedule(&c, acts, sizeof acts / sizeof acts[0]);
    run_all(&c);

    assert_int_equal(mon_intervals(c.m), 3);
    assert_int_equal(mon_interval_end(c.m, 0), SIM_S);
    assert_int_equal(mon_interval_end(c.m, 1), 2 * SIM_S);
    assert_int_equal(mon_interval_end(c.m, 2), c.f.s.duration);
    assert_true(val(&c, 2, 0, MON_REQUESTS) == 1);
    assert_float_equal(val(&c, 2, 0, MON_UTILIZATION), 0.35 / 0.5, 1e-12);
    assert_true(isnan(val(&c, 2, 0, MON_REPL_LAG_P99_MS)));
    assert_int_equal(sim_engine_pending(c.e), 0);
    fini(&c);
}

/* warmup 1.5s, duration 3.5s: intervals end at 2.5s and 3.5s. Busy time and applies before
 * the warmup are not counted; a request ending at the warmup itself is, even when its event
 * runs before the monitor's boundary event there. */
static void test_mon_starts_at_the_warmup(void **state)
{
    (void)state;
    tctx c;
    init(&c, 1, 1);
    c.f.s.warmup = MS(1500);
    c.f.s.duration = MS(3500);
    c.f.regions[0].service[SCN_READ] = fix_constant_ms(1000);
    build(&c);
    act acts[] = {
        ACT(MS(1500), ACT_OK, 0, MS(7)),   /* scheduled before the boundary at 1.5s */
        ACT(SIM_S, ACT_SUBMIT, 0, 0),      /* busy 1.0 .. 2.0: half in [1.5, 2.5) */
        ACT(SIM_S, ACT_LAG, 0, 5 * SIM_S), /* before the warmup: ignored */
        ACT(2 * SIM_S, ACT_LAG, 0, MS(300)),
    };
    schedule(&c, acts, sizeof acts / sizeof acts[0]);
    run_all(&c);

    assert_int_equal(mon_intervals(c.m), 2);
    assert_int_equal(mon_interval_end(c.m, 0), MS(2500));
    assert_int_equal(mon_interval_end(c.m, 1), MS(3500));
    /* The 7 ms request and the one served 1.0 .. 2.0 (1000 ms). */
    assert_true(val(&c, 0, 0, MON_REQUESTS) == 2);
    assert_true(val(&c, 0, 0, MON_UTILIZATION) == 0.5);
    assert_true(val(&c, 0, 0, MON_REPL_LAG_P99_MS) == 300.0);
    assert_true(val(&c, 1, 0, MON_UTILIZATION) == 0);
    fini(&c);
}

/* Lag alert at 1s on r0, error-rate alert at 10% on r1. Each is raised once and ended once;
 * intervals without data hold the state. */
static void test_mon_alerts_raised_once_and_cleared_once(void **state)
{
    (void)state;
    tctx c;
    init(&c, 2, 1);
    c.f.s.duration = 8 * SIM_S;
    c.f.s.monitor.alert_lag = SIM_S;
    c.f.s.monitor.alert_error_rate = 0.1;
    build(&c);

    /* r0's lag per interval (0: none): 0.5s, 2s, 3s, -, 2.5s, 0.2s, 0.1s, -. */
    static const sim_time lag_ms[8] = { 500, 2000, 3000, 0, 2500, 200, 100, 0 };
    /* r1's errors out of 10 requests per interval (-1: no requests): 0, 5, -, 2, 1, 0, 3, 0.
     * Interval 6 (30%) raises the alert again. */
    static const int errors[8] = { 0, 5, -1, 2, 1, 0, 3, 0 };
    act              acts[8 + 8 * 10];
    size_t           n = 0;
    for (int i = 0; i < 8; i++) {
        sim_time t0 = i * SIM_S;
        if (lag_ms[i])
            acts[n++] = ACT(t0 + MS(100), ACT_LAG, 0, MS(lag_ms[i]));
        for (int k = 0; errors[i] >= 0 && k < 10; k++)
            acts[n++] = ACT(t0 + MS(10 * (k + 1)), k < errors[i] ? ACT_ERR : ACT_OK, 1, MS(1));
    }
    schedule(&c, acts, n);
    run_all(&c);

    assert_int_equal(mon_intervals(c.m), 8);
    assert_true(val(&c, 4, 1, MON_REQUESTS) == 10);
    assert_true(val(&c, 4, 1, MON_ERRORS) == 1);
    static const alert_rec want[] = {
        { 2 * SIM_S, "alert", "lag r0 2.00s" },
        { 2 * SIM_S, "alert", "error_rate r1 50.0%" },
        { 5 * SIM_S, "alert_end", "error_rate r1 10.0%" }, /* 10% is not above 10% */
        { 6 * SIM_S, "alert_end", "lag r0 0.200s" },
        { 7 * SIM_S, "alert", "error_rate r1 30.0%" },
        { 8 * SIM_S, "alert_end", "error_rate r1 0.0%" },
    };
    assert_int_equal(c.nalerts, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < c.nalerts; i++) {
        assert_int_equal(c.alerts[i].t, want[i].t);
        assert_string_equal(c.alerts[i].kind, want[i].kind);
        assert_string_equal(c.alerts[i].detail, want[i].detail);
    }
    fini(&c);
}

/* An alert still holding at the end is not ended; without an alert callback nothing breaks. */
static void test_mon_alert_open_at_the_end_and_no_callback(void **state)
{
    (void)state;
    tctx c;
    init(&c, 1, 1);
    c.f.s.duration = 2 * SIM_S;
    build(&c);
    act acts[] = { ACT(MS(1500), ACT_LAG, 0, 75 * SIM_S + MS(200)) };
    schedule(&c, acts, 1);
    run_all(&c);
    assert_int_equal(c.nalerts, 1);
    assert_int_equal(c.alerts[0].t, 2 * SIM_S);
    assert_string_equal(c.alerts[0].kind, "alert");
    assert_string_equal(c.alerts[0].detail, "lag r0 75.2s");
    fini(&c);

    init(&c, 1, 1);
    c.f.s.duration = 2 * SIM_S;
    sim_err err = { 0 };
    assert_int_equal(sim_engine_new(&c.e), 0);
    assert_int_equal(
        region_new(c.e, &c.f.s, 0, 1, 0, c.f.s.duration, on_done, &c, &c.regions[0], &err), 0);
    assert_int_equal(mon_new(c.e, &c.f.s, c.regions, NULL, NULL, &c.m, &err), 0);
    schedule(&c, acts, 1);
    run_all(&c);
    assert_int_equal(mon_intervals(c.m), 2);
    assert_true(val(&c, 1, 0, MON_REPL_LAG_P99_MS) == 75200.0);
    fini(&c);
}

static void test_mon_healthy_from_the_health_view(void **state)
{
    (void)state;
    tctx c;
    init(&c, 2, 1);
    c.f.s.duration = 3 * SIM_S;
    build(&c);
    mon_set_health(c.m, on_health, &c);
    act acts[] = { ACT(MS(1500), ACT_HEALTH, 1, 0), ACT(MS(2500), ACT_HEALTH, 1, 1) };
    schedule(&c, acts, 2);
    run_all(&c);
    static const double want_r1[3] = { 1, 0, 1 };
    for (size_t i = 0; i < 3; i++) {
        assert_true(val(&c, i, 0, MON_HEALTHY) == 1);
        assert_true(val(&c, i, 1, MON_HEALTHY) == want_r1[i]);
    }
    fini(&c);
}

/* 20000 intervals of 1 ms: the table grows many times and keeps every value in place; only
 * one boundary is ever pending. */
static void test_mon_many_intervals(void **state)
{
    (void)state;
    tctx c;
    init(&c, 2, 1);
    c.f.s.duration = 20 * SIM_S;
    c.f.s.monitor.interval = SIM_MS;
    build(&c);
    act acts[] = {
        ACT(MS(0.5), ACT_OK, 0, MS(1)),
        ACT(12 * SIM_S + MS(345.5), ACT_OK, 1, MS(2)),
        ACT(12 * SIM_S + MS(345.7), ACT_ERR, 1, 0),
        ACT(20 * SIM_S - MS(0.5), ACT_OK, 0, MS(3)),
    };
    schedule(&c, acts, sizeof acts / sizeof acts[0]);
    mon_start(c.m);
    sim_engine_run(c.e, 10 * SIM_S);
    assert_int_equal(mon_intervals(c.m), 10000);
    assert_int_equal(sim_engine_pending(c.e), 4); /* the next boundary, 3 actions */
    sim_engine_run(c.e, SIM_TIME_MAX);

    assert_int_equal(mon_intervals(c.m), 20000);
    assert_int_equal(mon_interval_end(c.m, 19999), 20 * SIM_S);
    double total = 0;
    for (size_t i = 0; i < 20000; i++) {
        assert_int_equal(mon_interval_end(c.m, i), (sim_time)(i + 1) * SIM_MS);
        for (uint32_t r = 0; r < 2; r++)
            total += val(&c, i, r, MON_REQUESTS);
    }
    assert_true(total == 4);
    assert_true(val(&c, 0, 0, MON_P99_MS) == 1.0);
    assert_true(val(&c, 12345, 1, MON_REQUESTS) == 2);
    assert_true(val(&c, 12345, 1, MON_ERRORS) == 1);
    assert_true(val(&c, 12345, 1, MON_P99_MS) == 2.0);
    assert_true(val(&c, 19999, 0, MON_P99_MS) == 3.0);
    fini(&c);
}

static void test_mon_new_out_of_memory(void **state)
{
    (void)state;
    tctx c;
    init(&c, 3, 1);
    build(&c);
    bool built = false;
    for (long n = 1; !built && n < 100; n++) {
        mon    *m = NULL;
        sim_err err = { 0 };
        sim_alloc_fail_at(n);
        int rc = mon_new(c.e, &c.f.s, c.regions, on_alert, &c, &m, &err);
        sim_alloc_fail_at(0);
        if (rc == 0) {
            built = true;
            assert_true(n > 2 + 2 * 3); /* monitor, regions, 2 histograms each */
            mon_free(m);
        } else {
            assert_int_equal(rc, SIM_ENOMEM);
            assert_int_equal(err.code, SIM_ENOMEM);
            assert_null(m);
        }
    }
    assert_true(built);
    fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mon_metric_names),
        cmocka_unit_test(test_mon_counts_p99_and_nan_rules),
        cmocka_unit_test(test_mon_stale_read_rate_per_region_and_interval),
        cmocka_unit_test(test_mon_utilization_of_a_known_load),
        cmocka_unit_test(test_mon_last_interval_is_shorter),
        cmocka_unit_test(test_mon_starts_at_the_warmup),
        cmocka_unit_test(test_mon_alerts_raised_once_and_cleared_once),
        cmocka_unit_test(test_mon_alert_open_at_the_end_and_no_callback),
        cmocka_unit_test(test_mon_healthy_from_the_health_view),
        cmocka_unit_test(test_mon_many_intervals),
        cmocka_unit_test(test_mon_new_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
