/* test_world.c - the world's models: geography, network, regions, workload, faults, and
 * whole runs built from scenarios written in code (world_fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "engine.h"
#include "env_fixture.h"
#include "fault.h"
#include "net.h"
#include "region.h"
#include "run.h"
#include "rtt_measured.h"
#include "topo.h"
#include "world_fixture.h"

static double metric(const run_result *r, run_scope scope, const char *key, const char *name)
{
    double v = NAN;
    assert_true(run_metric_find(r, scope, key, name, &v));
    return v;
}

static run_result *run_ok(const scn_scenario *s)
{
    run_result *r = NULL;
    sim_err     err = { 0 };
    int         rc = run_scenario(s, NULL, &r, &err);
    if (rc != 0)
        fail_msg("run_scenario: %s: %s", err.path, err.msg);
    return r;
}

/* --- geography ---------------------------------------------------------------------- */

static void test_topo_distance_new_york_london(void **state)
{
    (void)state;
    /* Great-circle distance JFK-LHR is about 5540 km; the haversine with the mean radius
     * gives 5570 km for the city centres used here. */
    double km = topo_distance_km(40.7128, -74.0060, 51.5074, -0.1278);
    assert_true(fabs(km - 5570.2) < 5.0);
    assert_true(topo_distance_km(10, 20, 10, 20) == 0.0);
}

static void test_topo_geo_rtt_formula(void **state)
{
    (void)state;
    scn_network net = { .base = SIM_MS, .route_factor = 1.5 };
    /* 1 ms + 2 * 1000 km / 200 km/ms * 1.5 = 16 ms */
    assert_int_equal(topo_geo_rtt(&net, 1000.0), 16 * SIM_MS);
    net.base = 0;
    assert_int_equal(topo_geo_rtt(&net, 0.0), 0);
}

static void test_topo_client_regions_by_distance(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    f.clients[0].at_region = -1;
    f.clients[0].lon = 19.0; /* nearest r2 (20), then r1 (10), then r0 */
    topo *t = NULL;
    assert_int_equal(topo_new(&f.s, &t, NULL), 0);
    assert_int_equal(topo_client_region(t, 0, 0), 2);
    assert_int_equal(topo_client_region(t, 0, 1), 1);
    assert_int_equal(topo_client_region(t, 0, 2), 0);
    assert_int_equal(topo_client_region(t, 0, 3), 2); /* wraps */
    assert_int_equal(topo_rtt(t, 0, 1), topo_rtt(t, 1, 0));
    topo_free(t);
}

static void test_topo_rtt_table_overrides_geo(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    scn_rtt_pair pair = { .a = 2, .b = 0, .rtt = 76 * SIM_MS };
    f.s.network.rtt_mode = SCN_RTT_TABLE;
    f.s.network.pairs = &pair;
    f.s.network.npairs = 1;
    topo *t = NULL;
    assert_int_equal(topo_new(&f.s, &t, NULL), 0);
    assert_int_equal(topo_rtt(t, 0, 2), 76 * SIM_MS);
    assert_int_equal(topo_rtt(t, 0, 1), topo_geo_rtt(&f.s.network, topo_distance_km(0, 0, 0, 10)));
    topo_free(t);
}

/* Under the measured table a client's round trip to a region is the table's from its
 * nearest region plus its last mile: a London client reaches us-east-1 through eu-west-1
 * (Dublin), about 69 + 8 ms, where the formula over the whole distance gave about 86 ms.
 * Under the formula nothing changes. */
static void test_topo_clients_on_the_measured_table(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 1);
    f.regions[0].name = "us-east-1";
    f.regions[0].lat = 38.9;
    f.regions[0].lon = -77.4;
    f.regions[1].name = "eu-west-1";
    f.regions[1].lat = 53.3;
    f.regions[1].lon = -6.3;
    f.clients[0].at_region = -1;
    f.clients[0].lat = 51.5;
    f.clients[0].lon = -0.13;
    f.s.network.base = SIM_MS;
    f.s.network.rtt_mode = SCN_RTT_MEASURED;
    topo *t = NULL;
    assert_int_equal(topo_new(&f.s, &t, NULL), 0);
    sim_time table,
        last_mile = topo_geo_rtt(&f.s.network, topo_distance_km(51.5, -0.13, 53.3, -6.3));
    assert_true(rtt_measured_find("eu-west-1", "us-east-1", &table));
    uint32_t london = topo_client_endpoint(t, 0);
    assert_int_equal(topo_client_region(t, 0, 0), 1);
    assert_int_equal(topo_rtt(t, london, 0), table + last_mile);
    assert_int_equal(topo_rtt(t, 0, london), table + last_mile);
    assert_int_equal(topo_rtt(t, london, 1), last_mile);
    print_message("London -> us-east-1: %.1f ms (table %.1f + last mile %.1f)\n",
                  sim_time_ms(table + last_mile), sim_time_ms(table), sim_time_ms(last_mile));
    topo_free(t);

    f.s.network.rtt_mode = SCN_RTT_GEO;
    assert_int_equal(topo_new(&f.s, &t, NULL), 0);
    assert_int_equal(topo_rtt(t, topo_client_endpoint(t, 0), 0),
                     topo_geo_rtt(&f.s.network, topo_distance_km(51.5, -0.13, 38.9, -77.4)));
    topo_free(t);
}

/* --- network ------------------------------------------------------------------------ */

typedef struct arrivals {
    int      count;
    sim_time last;
} arrivals;

static void on_arrive(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    arrivals *a = ctx;
    a->count++;
    a->last = sim_now(e);
}

typedef struct net_bench {
    fixture     f;
    sim_engine *e;
    topo       *t;
    net        *n;
} net_bench;

static void net_bench_init(net_bench *b, size_t nregions)
{
    fixture_init(&b->f, nregions, 1);
    assert_int_equal(sim_engine_new(&b->e), 0);
    assert_int_equal(topo_new(&b->f.s, &b->t, NULL), 0);
    assert_int_equal(net_new(b->e, &b->f.s, b->t, 1, &b->n, NULL), 0);
}

static void net_bench_fini(net_bench *b)
{
    net_free(b->n);
    topo_free(b->t);
    sim_engine_free(b->e);
}

static void test_net_delivers_after_half_rtt(void **state)
{
    (void)state;
    net_bench b;
    net_bench_init(&b, 2);
    arrivals a = { 0 };
    net_send(b.n, 0, 1, on_arrive, &a, 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(a.count, 1);
    assert_int_equal(a.last, topo_rtt(b.t, 0, 1) / 2);
    net_bench_fini(&b);
}

static void test_net_partition_drops_and_heals(void **state)
{
    (void)state;
    net_bench b;
    net_bench_init(&b, 3);
    uint8_t  groups[3] = { 0, 1, 1 };
    arrivals a = { 0 };
    net_set_partition(b.n, groups);
    net_send(b.n, 0, 1, on_arrive, &a, 0); /* across: dropped */
    net_send(b.n, 1, 2, on_arrive, &a, 0); /* same group: delivered */
    net_send(b.n, 3, 1, on_arrive, &a, 0); /* client 0 (at r0) to r1: dropped */
    assert_false(net_connected(b.n, 3, 2));
    assert_true(net_connected(b.n, 3, 0));
    net_set_partition(b.n, NULL);
    net_send(b.n, 0, 1, on_arrive, &a, 0); /* healed */
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(a.count, 2);
    assert_int_equal(net_get_stats(b.n).partitioned, 2);
    net_bench_fini(&b);
}

static void test_net_loss_drops_the_configured_share(void **state)
{
    (void)state;
    net_bench b;
    fixture_init(&b.f, 2, 1);
    b.f.s.network.loss = 0.2;
    assert_int_equal(sim_engine_new(&b.e), 0);
    assert_int_equal(topo_new(&b.f.s, &b.t, NULL), 0);
    assert_int_equal(net_new(b.e, &b.f.s, b.t, 1, &b.n, NULL), 0);
    arrivals  a = { 0 };
    const int n = 100000;
    for (int i = 0; i < n; i++)
        net_send(b.n, 0, 1, on_arrive, &a, 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    /* Binomial(100000, 0.8): sd 126; 5 sd is 632. */
    assert_true(abs(a.count - 80000) < 632);
    assert_int_equal(net_get_stats(b.n).lost, (uint64_t)(n - a.count));
    net_bench_fini(&b);
}

static void test_net_degraded_link_adds_latency_and_loss(void **state)
{
    (void)state;
    net_bench b;
    net_bench_init(&b, 2);
    dist_spec extra_spec = fix_constant_ms(40);
    dist     *extra = NULL;
    assert_int_equal(dist_new(&extra_spec, &extra, NULL), 0);
    net_degrade_link(b.n, 1, 0, extra, 0.0);
    arrivals a = { 0 };
    net_send(b.n, 0, 1, on_arrive, &a, 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(a.last, topo_rtt(b.t, 0, 1) / 2 + 40 * SIM_MS);
    net_degrade_link(b.n, 0, 1, NULL, 1.0); /* everything lost */
    net_send(b.n, 1, 0, on_arrive, &a, 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(a.count, 1);
    net_clear_degradations(b.n);
    net_send(b.n, 1, 0, on_arrive, &a, 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(a.count, 2);
    dist_free(extra);
    net_bench_fini(&b);
}

/* --- regions ------------------------------------------------------------------------ */

typedef struct answers {
    int         n;
    uint64_t    tag[64];
    env_status  status[64];
    sim_time    at[64];
    sim_engine *e;
} answers;

static void on_done(void *ctx, uint32_t region, uint64_t tag, scn_op op, env_status st)
{
    (void)region;
    (void)op;
    answers *a = ctx;
    assert_true(a->n < 64);
    a->tag[a->n] = tag;
    a->status[a->n] = st;
    a->at[a->n] = sim_now(a->e);
    a->n++;
}

typedef struct region_bench {
    fixture     f;
    sim_engine *e;
    region     *r;
    answers     a;
} region_bench;

static void region_bench_init(region_bench *b, uint32_t servers, uint32_t queue_limit)
{
    fixture_init(&b->f, 1, servers);
    b->f.regions[0].service[SCN_READ] = fix_constant_ms(10);
    b->f.regions[0].queue_limit = queue_limit;
    assert_int_equal(sim_engine_new(&b->e), 0);
    memset(&b->a, 0, sizeof b->a);
    b->a.e = b->e;
    assert_int_equal(region_new(b->e, &b->f.s, 0, 1, 0, SIM_S, on_done, &b->a, &b->r, NULL), 0);
}

static void region_bench_fini(region_bench *b)
{
    region_free(b->r);
    sim_engine_free(b->e);
}

static void test_region_fifo_and_queue_limit(void **state)
{
    (void)state;
    region_bench b;
    region_bench_init(&b, 1, 2);
    for (uint64_t tag = 1; tag <= 5; tag++)
        region_submit(b.r, SCN_READ, tag);
    /* One in service, two waiting, two rejected at once. */
    assert_int_equal(b.a.n, 2);
    assert_int_equal(b.a.tag[0], 4);
    assert_int_equal(b.a.status[1], ENV_REJECTED);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(b.a.n, 5);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(b.a.tag[2 + i], (uint64_t)(1 + i));
        assert_int_equal(b.a.status[2 + i], ENV_OK);
        assert_int_equal(b.a.at[2 + i], (sim_time)(10 * (i + 1)) * SIM_MS);
    }
    assert_int_equal(region_get_stats(b.r).rejected, 2);
    assert_int_equal(region_get_stats(b.r).queue_peak, 2);
    region_bench_fini(&b);
}

static void test_region_zero_queue_limit_rejects_when_busy(void **state)
{
    (void)state;
    region_bench b;
    region_bench_init(&b, 2, 0);
    for (uint64_t tag = 1; tag <= 3; tag++)
        region_submit(b.r, SCN_READ, tag);
    assert_int_equal(b.a.n, 1);
    assert_int_equal(b.a.tag[0], 3);
    region_bench_fini(&b);
}

static void test_region_brownout_multiplies_service(void **state)
{
    (void)state;
    region_bench b;
    region_bench_init(&b, 1, UINT32_MAX);
    region_set_brownout(b.r, 3.0);
    region_submit(b.r, SCN_READ, 1);
    region_set_brownout(b.r, 1.0); /* applies from the next service on */
    region_submit(b.r, SCN_READ, 2);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(b.a.at[0], 30 * SIM_MS);
    assert_int_equal(b.a.at[1], 40 * SIM_MS);
    region_bench_fini(&b);
}

static void stop_at(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    region_set_down(ctx, arg != 0);
}

static void test_region_down_loses_everything_it_holds(void **state)
{
    (void)state;
    region_bench b;
    region_bench_init(&b, 1, UINT32_MAX);
    for (uint64_t tag = 1; tag <= 3; tag++)
        region_submit(b.r, SCN_READ, tag);
    sim_at(b.e, 5 * SIM_MS, stop_at, b.r, 1);
    sim_engine_run(b.e, 100 * SIM_MS);
    assert_int_equal(b.a.n, 0);
    region_submit(b.r, SCN_READ, 4); /* dropped: still down */
    assert_int_equal(region_get_stats(b.r).dropped, 4);
    region_set_down(b.r, false);
    sim_time back = sim_now(b.e);
    region_submit(b.r, SCN_READ, 5);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(b.a.n, 1);
    assert_int_equal(b.a.tag[0], 5);
    assert_int_equal(b.a.at[0], back + 10 * SIM_MS);
    region_bench_fini(&b);
}

static void test_region_read_only_rejects_writes(void **state)
{
    (void)state;
    region_bench b;
    region_bench_init(&b, 1, UINT32_MAX);
    region_set_read_only(b.r, true);
    region_submit(b.r, SCN_WRITE, 1);
    region_submit(b.r, SCN_READ, 2);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(b.a.n, 2);
    assert_int_equal(b.a.status[0], ENV_READ_ONLY);
    assert_int_equal(b.a.status[1], ENV_OK);
    region_bench_fini(&b);
}

static void test_region_utilization_over_window(void **state)
{
    (void)state;
    region_bench b;
    region_bench_init(&b, 2, UINT32_MAX);
    /* 0..1 s window, 2 servers; 50 services of 10 ms = 0.5 server-seconds: 25%. */
    for (uint64_t tag = 0; tag < 50; tag++)
        region_submit(b.r, SCN_READ, tag);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_true(fabs(region_utilization(b.r) - 0.25) < 1e-12);
    region_bench_fini(&b);
}

/* --- whole runs ----------------------------------------------------------------------- */

static void test_run_counts_every_request_once(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    f.clients[0].read_ratio = 0.7;
    run_result *r = run_ok(&f.s);
    double      requests = metric(r, RUN_SCOPE_ALL, "", "requests");
    /* Poisson(1000): within 5 sd (158). */
    assert_true(fabs(requests - 1000) < 158);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "availability") == 1.0);
    assert_true(metric(r, RUN_SCOPE_OP, "read", "requests")
                    + metric(r, RUN_SCOPE_OP, "write", "requests")
                == requests);
    assert_true(metric(r, RUN_SCOPE_REGION, "r0", "requests") == requests);
    assert_true(metric(r, RUN_SCOPE_REGION, "r1", "requests") == 0);
    /* Co-located, no base RTT: latency is the 1 ms service time exactly. */
    assert_true(fabs(metric(r, RUN_SCOPE_ALL, "", "p99_ms") - 1.0) < 0.01);
    assert_true(fabs(metric(r, RUN_SCOPE_ALL, "", "max_ms") - 1.0) < 1e-9);
    run_result_free(r);
}

static void test_run_retries_reach_the_next_region(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 0, SIM_TIME_MAX);
    down->region = 0;
    run_result *r = run_ok(&f.s);
    /* Every request times out at r0 (1 s), waits 50 ms and succeeds at r1. */
    assert_true(metric(r, RUN_SCOPE_ALL, "", "availability") == 1.0);
    assert_true(metric(r, RUN_SCOPE_REGION, "r1", "ok") == metric(r, RUN_SCOPE_ALL, "", "ok"));
    sim_time rtt = topo_geo_rtt(&f.s.network, topo_distance_km(0, 0, 0, 10));
    double   expect_ms = 1000 + 50 + sim_time_ms(rtt) + 1;
    assert_true(fabs(metric(r, RUN_SCOPE_ALL, "", "p50_ms") - expect_ms) < expect_ms * 0.005);
    /* The outage never ends by itself: it is healed for the drain after the last request. */
    assert_int_equal(r->nlog, 2);
    assert_string_equal(r->log[0].kind, "fault_start");
    assert_string_equal(r->log[0].detail, "region_down r0");
    assert_string_equal(r->log[1].kind, "fault_end");
    assert_true(r->log[1].t >= f.s.duration);
    run_result_free(r);
}

static void test_run_exhausted_retries_are_timeouts(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 4);
    f.clients[0].retries = 1;
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 2 * SIM_S, 4 * SIM_S);
    down->region = 0;
    run_result *r = run_ok(&f.s);
    double      timeouts = metric(r, RUN_SCOPE_ALL, "", "timeouts");
    double      requests = metric(r, RUN_SCOPE_ALL, "", "requests");
    /* A request arriving at t in [2 s, 2.95 s) meets the outage with its first attempt and
     * retries at t + 1.05 s, still inside it: about 95 of the 1000 fail. */
    assert_true(timeouts > 60 && timeouts < 130);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "errors") == timeouts);
    assert_true(
        fabs(metric(r, RUN_SCOPE_ALL, "", "availability") - (requests - timeouts) / requests)
        < 1e-12);
    /* The outage's start and end, and the monitor's error-rate alert raised and cleared
     * once in between (timeouts end 1-2 s after the outage, and count as errors then). */
    size_t faults = 0, alerts = 0;
    for (size_t i = 0; i < r->nlog; i++) {
        faults += strncmp(r->log[i].kind, "fault_", 6) == 0;
        alerts += strncmp(r->log[i].kind, "alert", 5) == 0;
    }
    assert_int_equal(faults, 2);
    assert_int_equal(alerts, 2);
    run_result_free(r);
}

static void test_run_rto_spans_the_outage_and_its_timeouts(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 4);
    f.clients[0].retries = 0;
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 2 * SIM_S, 4 * SIM_S);
    down->region = 0;
    run_result *r = run_ok(&f.s);
    /* Success collapses from 2 s; requests sent up to 4 s time out 1 s later, so the first
     * whole interval back at the baseline is [5 s, 6 s): recovered 4 s after the fault. */
    assert_true(fabs(metric(r, RUN_SCOPE_ALL, "", "rto_s") - 4.0) < 1e-9);
    run_result_free(r);

    fixture_init(&f, 1, 4); /* no fault: no recovery to measure */
    r = run_ok(&f.s);
    assert_true(isnan(metric(r, RUN_SCOPE_ALL, "", "rto_s")));
    run_result_free(r);
}

static void test_run_rejections_are_counted(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 1);
    f.regions[0].queue_limit = 0;
    f.regions[0].service[SCN_READ] = fix_constant_ms(100); /* 10 req/s capacity at 100 */
    f.clients[0].retries = 0;
    run_result *r = run_ok(&f.s);
    double      rejected = metric(r, RUN_SCOPE_ALL, "", "rejected");
    double      ok = metric(r, RUN_SCOPE_ALL, "", "ok");
    /* Erlang loss with a = 10, c = 1: blocking 10/11. */
    double requests = metric(r, RUN_SCOPE_ALL, "", "requests");
    assert_true(fabs(rejected / requests - 10.0 / 11.0) < 0.035);
    assert_true(ok + rejected == requests);
    run_result_free(r);
}

static void test_run_partition_isolates_a_region(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 4);
    f.s.nclients = 2;
    f.clients[1].at_region = 2;
    f.clients[1].lon = 20;
    f.clients[0].retries = 0;
    f.clients[1].retries = 0;
    /* r0 cut off from r1 and r2 for the whole run: client 0 stays with r0 and is served. */
    scn_fault *p = fixture_fault(&f, SCN_FAULT_PARTITION, 0, SIM_TIME_MAX);
    p->group_of[0] = 0;
    p->group_of[1] = 1;
    p->group_of[2] = 1;
    run_result *r = run_ok(&f.s);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "availability") == 1.0);
    assert_true(metric(r, RUN_SCOPE_REGION, "r2", "requests") > 0);
    run_result_free(r);
}

/* A flap of r0, the only region, from 1 s: down 1 s of every 2 s, so half the 10 s run; the
 * requests sent while it is down (no retries) fail, those while it is up succeed. Without the
 * fault everything succeeds. */
static void test_run_flap_takes_the_region_down_each_period(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 4);
    f.clients[0].retries = 0;
    scn_fault *flap = fixture_fault(&f, SCN_FAULT_FLAP, SIM_S, SIM_TIME_MAX);
    flap->region = 0;
    flap->period = 2 * SIM_S;
    flap->down_for = SIM_S;
    run_result *r = run_ok(&f.s);
    double      a = metric(r, RUN_SCOPE_ALL, "", "availability");
    assert_true(a > 0.45 && a < 0.55);
    run_result_free(r);
    flap->down_for = 200 * SIM_MS; /* a tenth of the time */
    r = run_ok(&f.s);
    a = metric(r, RUN_SCOPE_ALL, "", "availability");
    assert_true(a > 0.85 && a < 0.95);
    run_result_free(r);
}

/* --- control-plane outages -------------------------------------------------------- */

static void on_ctl_msg(env *e, void *ctx, const env_msg *m)
{
    (void)e;
    int *seen = ctx;
    seen[m->kind]++;
}

/* While the DNS service is down (updates) and the checkers' reporting is down, a DNS update
 * and a health report are lost; a probe, sent alongside, arrives; once both are back all
 * three arrive. */
static void test_env_dns_and_health_down_lose_their_messages(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 1);
    sim_engine *e;
    topo       *t;
    net        *n;
    region     *regions[2];
    env_fixture x;
    sim_err     err = { 0 };
    int         seen[ENV_MSG_KIND_COUNT] = { 0 };
    assert_int_equal(sim_engine_new(&e), 0);
    assert_int_equal(topo_new(&f.s, &t, &err), 0);
    assert_int_equal(net_new(e, &f.s, t, 1, &n, &err), 0);
    for (uint32_t i = 0; i < 2; i++)
        assert_int_equal(region_new(e, &f.s, i, 1, 0, SIM_S, NULL, NULL, &regions[i], &err), 0);
    assert_int_equal(env_fixture_new(&x, e, &f.s, n, regions, NULL, NULL), 0);
    env_msg_kind kinds[] = { ENV_MSG_DNS_UPDATE, ENV_MSG_HEALTH_REPORT, ENV_MSG_PROBE };
    for (int k = 0; k < 3; k++)
        env_listen(x.env, kinds[k], on_ctl_msg, seen);
    for (int round = 0; round < 2; round++) {
        bool down = round == 0;
        env_set_dns_updates_down(x.env, down);
        env_set_health_down(x.env, down);
        env_send(x.env, ENV_STREAM, env_msg_new(x.env, ENV_MSG_DNS_UPDATE, 0, ENV_DNS),
                 NET_HEADER_BYTES);
        env_send(x.env, ENV_STREAM, env_msg_new(x.env, ENV_MSG_HEALTH_REPORT, 0, 1),
                 NET_HEADER_BYTES);
        env_send(x.env, ENV_DATAGRAM, env_msg_new(x.env, ENV_MSG_PROBE, 0, 1), NET_HEADER_BYTES);
        sim_engine_run(e, (sim_time)(round + 1) * 100 * SIM_S);
        assert_int_equal(seen[ENV_MSG_DNS_UPDATE], round);
        assert_int_equal(seen[ENV_MSG_HEALTH_REPORT], round);
        assert_int_equal(seen[ENV_MSG_PROBE], round + 1);
    }
    assert_int_equal(env_messages_dropped(x.env), 2);
    env_free(x.env);
    for (uint32_t i = 0; i < 2; i++)
        region_free(regions[i]);
    net_free(n);
    topo_free(t);
    sim_engine_free(e);
}

/* --- zones and capacity ---------------------------------------------------------- */

typedef struct zone_bench {
    region  *r;
    uint32_t done, applied; /* answers to requests, batches applied */
} zone_bench;

static void on_zone_done(void *ctx, uint32_t region, uint64_t tag, scn_op op, env_status status)
{
    (void)region;
    (void)op;
    zone_bench *b = ctx;
    assert_int_equal(status, ENV_OK);
    if (tag >= 1000)
        b->applied++;
    else
        b->done++;
}

static void on_zone_submit(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    zone_bench *b = ctx;
    for (uint64_t i = 0; i < arg; i++)
        region_submit(b->r, SCN_READ, i);
}

static void on_zone_change(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    zone_bench *b = ctx;
    /* arg: servers (low 32 bits, UINT32_MAX as configured) and the zones down (high). */
    region_set_servers(b->r, (uint32_t)arg, arg >> 32);
}

/* 4 servers in 2 zones (zone 0: servers 0 and 2), 100 ms of service each. A batch of
 * replicated entries starts on server 0 at 0, three requests on servers 1 to 3 and a fourth
 * waits. Zone 0 is lost at 50 ms: the request on server 2 never answers, the batch goes back
 * to the head of the queue; the survivors finish at 100 ms and take the batch and the fourth
 * request (done at 200 ms). Eight requests at 250 ms then take 400 ms on the two servers left
 * (two at a time), where four would take 200: throughput and utilisation halve. The zone back
 * at 700 ms restores four servers; a capacity of 1 then leaves one. */
static void test_region_zone_loss_removes_its_capacity(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 4);
    f.regions[0].zones = 2;
    f.regions[0].service[SCN_READ] = fix_constant_ms(100);
    f.regions[0].apply = fix_constant_ms(100);
    f.s.duration = SIM_S;
    sim_engine *e;
    sim_err     err = { 0 };
    zone_bench  b = { 0 };
    assert_int_equal(sim_engine_new(&e), 0);
    assert_int_equal(region_new(e, &f.s, 0, 1, 0, SIM_S, on_zone_done, &b, &b.r, &err), 0);
    region_submit_apply(b.r, 1, 1000); /* on server 0 */
    sim_at(e, 0, on_zone_submit, &b, 4);
    sim_at(e, 1, on_zone_change, &b, UINT32_MAX); /* nothing changes */
    sim_at(e, 50 * SIM_MS, on_zone_change, &b, UINT64_C(1) << 32 | UINT32_MAX);
    sim_engine_run(e, 150 * SIM_MS);
    assert_int_equal(region_servers_online(b.r), 2);
    assert_int_equal(region_get_stats(b.r).lost, 1);
    assert_int_equal(b.done, 2);
    assert_int_equal(b.applied, 0); /* requeued at 50 ms, started again at 100 ms */
    sim_engine_run(e, 210 * SIM_MS);
    assert_int_equal(b.applied, 1);
    assert_int_equal(b.done, 3);
    sim_at(e, 250 * SIM_MS, on_zone_submit, &b, 8);
    sim_engine_run(e, 500 * SIM_MS);
    assert_int_equal(b.done, 3 + 4); /* four servers would have served all 8 by 450 ms */
    sim_engine_run(e, 700 * SIM_MS - 1);
    assert_int_equal(b.done, 3 + 8);
    /* Busy area: 4 x 50 ms, then 2 servers to 200 ms, then 2 x 400 ms from 250 ms: 200 +
     * 300 + 800 = 1300 server-ms of 4 x 1000. */
    assert_true(fabs(region_utilization(b.r) * 4000 - 1300) < 1e-6);
    sim_at(e, 700 * SIM_MS, on_zone_change, &b, UINT32_MAX);
    sim_engine_run(e, 710 * SIM_MS);
    assert_int_equal(region_servers_online(b.r), 4);
    sim_at(e, 720 * SIM_MS, on_zone_change, &b, 1);
    sim_engine_run(e, 730 * SIM_MS);
    assert_int_equal(region_servers_online(b.r), 1);
    assert_int_equal(region_get_stats(b.r).dropped, 1);
    region_free(b.r);
    sim_engine_free(e);
}

/* A client_cut of 30% of c0's sessions from r0, the only region, for the whole run: those
 * sessions' requests (a uniform 30% of c0's traffic) are lost and time out; c1, at the same
 * place and region, is untouched. */
static void test_run_client_cut_hits_only_that_population(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 4);
    f.s.nclients = 2;
    f.clients[0].retries = 0;
    f.clients[1].retries = 0;
    scn_fault *cut = fixture_fault(&f, SCN_FAULT_CLIENT_CUT, 0, SIM_TIME_MAX);
    cut->client = 0;
    cut->region = 0;
    cut->fraction = 0.3;
    run_result *r = run_ok(&f.s);
    double      hit = metric(r, RUN_SCOPE_CLIENT, "c0", "availability");
    assert_true(hit > 0.6 && hit < 0.8);
    assert_true(metric(r, RUN_SCOPE_CLIENT, "c1", "availability") == 1.0);
    run_result_free(r);
    /* The whole population: nothing of c0's gets through, c1 still all. */
    cut->fraction = 1.0;
    r = run_ok(&f.s);
    assert_true(metric(r, RUN_SCOPE_CLIENT, "c0", "availability") == 0.0);
    assert_true(metric(r, RUN_SCOPE_CLIENT, "c1", "availability") == 1.0);
    run_result_free(r);
}

/* RTO follows the clients the fault affected, not all requests: a client sending 1% of the
 * traffic loses its region for 20 s; all requests together never fall below 99%, its own
 * requests fail until the region is back. */
static void test_run_rto_counts_the_affected_clients(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    f.s.duration = 60 * SIM_S;
    f.s.nclients = 2;
    f.clients[0].rate = 10; /* at r0: the affected one */
    f.clients[0].retries = 0;
    f.clients[1].rate = 990;
    f.clients[1].at_region = 1;
    f.clients[1].lon = 10;
    scn_fault *d = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 20 * SIM_S, 40 * SIM_S);
    d->region = 0;
    run_result *r = run_ok(&f.s);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "availability") > 0.99);
    double rto = metric(r, RUN_SCOPE_ALL, "", "rto_s");
    assert_true(rto >= 20 && rto <= 22); /* back in the interval r0 returns, or next */
    run_result_free(r);
}

/* RTO exists for any fault that lowers the clients' success, not only outages: a brown-out
 * slowing service 500-fold from 3 s to 5 s fills a queue of 4 and rejects requests until
 * the slowed requests have drained (up to 0.5 s after it ends). Before, only region_down
 * and partitions had an RTO, and this one was NaN. */
static void test_run_rto_of_a_brownout(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 4);
    f.regions[0].queue_limit = 4;
    f.clients[0].retries = 0;
    scn_fault *b = fixture_fault(&f, SCN_FAULT_BROWNOUT, 3 * SIM_S, 5 * SIM_S);
    b->region = 0;
    b->factor = 500.0;
    run_result *r = run_ok(&f.s);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "rejected") > 0);
    double rto = metric(r, RUN_SCOPE_ALL, "", "rto_s");
    assert_true(rto >= 2 && rto <= 4);
    run_result_free(r);
}

/* A client learns from its own failures. r0 is down from 2 s to 8 s; the client at r0 has
 * 10 sessions, one retry and a 1 s timeout. Before, every request in the outage tried r0
 * first and paid the timeout before its retry reached r1: 60% of all requests took over a
 * second. Now a session that r0 timed out 5 times in a row avoids it for 30 s and goes
 * straight to r1 (about 17 ms away). */
static void test_run_sessions_avoid_a_region_that_failed_them(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    f.clients[0].sessions = 10;
    f.clients[0].retries = 1;
    f.clients[0].avoid_after = 5;
    f.clients[0].avoid_for = 30 * SIM_S;
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 2 * SIM_S, 8 * SIM_S);
    down->region = 0;
    run_result *r = run_ok(&f.s);
    double      p50 = metric(r, RUN_SCOPE_ALL, "", "p50_ms"),
           mean = metric(r, RUN_SCOPE_ALL, "", "mean_ms");
    print_message("p50 %.1f ms, mean %.1f ms\n", p50, mean);
    /* Slow now: what was sent in the outage's first second, before any timeout came back
     * (about 100), and each session's 5 failures: about 150 of 1000 at 1.07 s. Before, 600
     * (p50 about 1050 ms, mean about 650 ms). */
    assert_true(p50 < 100);
    assert_true(mean > 100 && mean < 250);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "availability") == 1.0);
    run_result_free(r);
}

static void test_run_brownout_slows_a_window(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 8);
    scn_fault *b = fixture_fault(&f, SCN_FAULT_BROWNOUT, 5 * SIM_S, SIM_TIME_MAX);
    b->region = 0;
    b->factor = 4.0;
    run_result *r = run_ok(&f.s);
    assert_true(fabs(metric(r, RUN_SCOPE_ALL, "", "max_ms") - 4.0) < 1e-9);
    assert_true(fabs(metric(r, RUN_SCOPE_ALL, "", "p50_ms") - 1.0) < 0.01
                || fabs(metric(r, RUN_SCOPE_ALL, "", "p50_ms") - 4.0) < 0.02);
    run_result_free(r);
}

static void test_run_same_seed_same_figures(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 2);
    f.s.network.has_jitter = true;
    f.s.network.jitter = fix_exponential_ms(1);
    f.clients[0].read_ratio = 0.5;
    f.clients[0].rate = 1500;
    f.regions[0].service[SCN_READ] = fix_exponential_ms(1);
    run_result *a = run_ok(&f.s);
    run_result *b = run_ok(&f.s);
    assert_int_equal(a->nmetrics, b->nmetrics);
    assert_int_equal(a->events, b->events);
    for (size_t i = 0; i < a->nmetrics; i++)
        assert_memory_equal(&a->metrics[i].value, &b->metrics[i].value, sizeof(double));
    run_result_free(a);
    run_result_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topo_distance_new_york_london),
        cmocka_unit_test(test_topo_geo_rtt_formula),
        cmocka_unit_test(test_topo_client_regions_by_distance),
        cmocka_unit_test(test_topo_rtt_table_overrides_geo),
        cmocka_unit_test(test_topo_clients_on_the_measured_table),
        cmocka_unit_test(test_net_delivers_after_half_rtt),
        cmocka_unit_test(test_net_partition_drops_and_heals),
        cmocka_unit_test(test_net_loss_drops_the_configured_share),
        cmocka_unit_test(test_net_degraded_link_adds_latency_and_loss),
        cmocka_unit_test(test_region_fifo_and_queue_limit),
        cmocka_unit_test(test_region_zero_queue_limit_rejects_when_busy),
        cmocka_unit_test(test_region_brownout_multiplies_service),
        cmocka_unit_test(test_region_down_loses_everything_it_holds),
        cmocka_unit_test(test_region_read_only_rejects_writes),
        cmocka_unit_test(test_region_utilization_over_window),
        cmocka_unit_test(test_run_counts_every_request_once),
        cmocka_unit_test(test_run_retries_reach_the_next_region),
        cmocka_unit_test(test_run_exhausted_retries_are_timeouts),
        cmocka_unit_test(test_run_rto_spans_the_outage_and_its_timeouts),
        cmocka_unit_test(test_run_rto_of_a_brownout),
        cmocka_unit_test(test_run_sessions_avoid_a_region_that_failed_them),
        cmocka_unit_test(test_run_rejections_are_counted),
        cmocka_unit_test(test_run_partition_isolates_a_region),
        cmocka_unit_test(test_run_rto_counts_the_affected_clients),
        cmocka_unit_test(test_run_client_cut_hits_only_that_population),
        cmocka_unit_test(test_region_zone_loss_removes_its_capacity),
        cmocka_unit_test(test_env_dns_and_health_down_lose_their_messages),
        cmocka_unit_test(test_run_flap_takes_the_region_down_each_period),
        cmocka_unit_test(test_run_brownout_slows_a_window),
        cmocka_unit_test(test_run_same_seed_same_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
