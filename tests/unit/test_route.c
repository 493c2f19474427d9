/* test_route.c - the geo DNS's policies, alone and through whole runs.
 *
 * Alone (no health checking, every region healthy): nearest answers the client's nearest
 * region, primary the pattern's primary, read-local writes always the primary, scored with
 * no probe figures the nearest. Through runs (world_fixture.h, regions 10 degrees apart on
 * the equator): a region taken down is left out of the answers once the checkers see it,
 * the primary policy falls back to the first healthy region in scenario order, and a world
 * where the checkers see every region down answers nothing, so requests fail as
 * no_region. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "env_fixture.h"
#include "route.h"
#include "run.h"
#include "topo.h"
#include "world_fixture.h"

static uint32_t answer(route *r, uint32_t client, scn_op op)
{
    uint64_t version;
    sim_time changed;
    return route_answer(r, client, op, 0, &version, &changed);
}

typedef struct alone {
    fixture     f;
    scn_pattern p;
    topo       *t;
    route      *r;
    sim_engine *e;
    env_fixture x; /* the DNS service's door: only its listener is used here */
    uint32_t    nearest[FIX_CLIENTS * FIX_REGIONS];
    sim_time    rtt[FIX_CLIENTS * FIX_REGIONS];
} alone;

/* The router of a's scenario without health checking. */
static void alone_route(alone *a)
{
    assert_int_equal(sim_engine_new(&a->e), 0);
    assert_int_equal(env_fixture_new(&a->x, a->e, &a->f.s, NULL, NULL, NULL, NULL), 0);
    uint32_t nc = (uint32_t)a->f.s.nclients, nr = (uint32_t)a->f.s.nregions;
    for (uint32_t c = 0; c < nc; c++)
        for (uint32_t k = 0; k < nr; k++) {
            a->nearest[c * nr + k] = topo_client_region(a->t, c, k);
            a->rtt[c * nr + k] = topo_rtt(a->t, topo_client_endpoint(a->t, c), k);
        }
    route_geo geo = { nc, nr, a->nearest, a->rtt };
    assert_int_equal(route_new(a->x.env, &a->f.s.dns, &a->p,
                               scn_pattern_has_failover(&a->f.s, &a->p), &geo, NULL, &a->r, NULL),
                     0);
}

/* Three regions at longitudes 0, 10, 20; client 0 at longitude 19 (nearest: region 2). */
static void alone_init(alone *a, scn_pattern_kind kind, scn_policy policy)
{
    fixture_init(&a->f, 3, 1);
    a->f.clients[0].at_region = -1;
    a->f.clients[0].lon = 19;
    fixture_pattern(&a->p, kind);
    a->f.s.dns = (scn_dns){ .enabled = true,
                            .policy = policy,
                            .primary = -1,
                            .ttl = SIM_S,
                            .w_distance = 1,
                            .w_latency = 1,
                            .w_reliability = 1 };
    assert_int_equal(topo_new(&a->f.s, &a->t, NULL), 0);
    alone_route(a);
}

static void alone_fini(alone *a)
{
    route_free(a->r);
    env_free(a->x.env);
    sim_engine_free(a->e);
    topo_free(a->t);
}

static void test_route_nearest_answers_the_nearest_region(void **state)
{
    (void)state;
    alone a;
    alone_init(&a, SCN_PATTERN_ACTIVE_ACTIVE, SCN_POLICY_NEAREST);
    assert_int_equal(answer(a.r, 0, SCN_READ), 2);
    assert_int_equal(answer(a.r, 0, SCN_WRITE), 2);
    alone_fini(&a);
}

static void test_route_read_local_writes_resolve_to_the_primary(void **state)
{
    (void)state;
    alone a;
    alone_init(&a, SCN_PATTERN_READ_LOCAL, SCN_POLICY_DEFAULT); /* primary region 0 */
    assert_int_equal(route_policy(a.r, SCN_WRITE), SCN_POLICY_PRIMARY);
    assert_int_equal(answer(a.r, 0, SCN_WRITE), 0);
    assert_int_equal(answer(a.r, 0, SCN_READ), 2);
    alone_fini(&a);
}

static void test_route_primary_policy_prefers_routing_primary(void **state)
{
    (void)state;
    alone a;
    fixture_init(&a.f, 3, 1);
    fixture_pattern(&a.p, SCN_PATTERN_ACTIVE_ACTIVE); /* no primary of its own */
    a.f.s.dns
        = (scn_dns){ .enabled = true, .policy = SCN_POLICY_PRIMARY, .primary = 1, .ttl = SIM_S };
    assert_int_equal(topo_new(&a.f.s, &a.t, NULL), 0);
    alone_route(&a);
    assert_int_equal(answer(a.r, 0, SCN_READ), 1);
    alone_fini(&a);
}

static void test_route_scored_without_probes_is_nearest(void **state)
{
    (void)state;
    alone a;
    alone_init(&a, SCN_PATTERN_ACTIVE_ACTIVE, SCN_POLICY_SCORED);
    assert_int_equal(answer(a.r, 0, SCN_READ), 2);
    alone_fini(&a);
}

/* --- through runs ---------------------------------------------------------------------- */

static double metric(const run_result *r, const char *name)
{
    double v = NAN;
    assert_true(run_metric_find(r, RUN_SCOPE_ALL, "", name, &v));
    return v;
}

/* A world with DNS routing (TTL 1 s) and fast health checks (1 s probes, 200 ms timeout,
 * 2 failures), one client at region 0, a 20 s run. */
static void dns_world(fixture *f, scn_pattern *p, size_t nregions, scn_policy policy)
{
    fixture_init(f, nregions, 4);
    fixture_pattern(p, SCN_PATTERN_ACTIVE_ACTIVE);
    f->s.duration = 20 * SIM_S;
    f->clients[0].timeout = 300 * SIM_MS;
    f->s.health = (scn_health){
        .enabled = true,
        .interval = SIM_S,
        .timeout = 200 * SIM_MS,
        .unhealthy_after = 2,
        .healthy_after = 2,
        .checkers = (UINT64_C(1) << nregions) - 1,
        .quorum = 0,
    };
    f->s.dns = (scn_dns){ .enabled = true,
                          .policy = policy,
                          .primary = -1,
                          .ttl = SIM_S,
                          .w_distance = 1,
                          .w_latency = 1,
                          .w_reliability = 1 };
}

static run_result *run_with(const fixture *f, const scn_pattern *p)
{
    run_options o = { .pattern = p };
    run_result *r = NULL;
    sim_err     err = { 0 };
    if (run_scenario(&f->s, &o, &r, &err) != 0)
        fail_msg("run_scenario: %s: %s", err.path, err.msg);
    return r;
}

static void test_route_outage_moves_clients_to_the_next_region(void **state)
{
    (void)state;
    fixture     f;
    scn_pattern p;
    dns_world(&f, &p, 3, SCN_POLICY_NEAREST);
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 5 * SIM_S, SIM_TIME_MAX);
    down->region = 0;
    run_result *r = run_with(&f, &p);
    /* Detected within (K - 1) I + T .. K I + T of the failure by a majority of 2 voters. */
    double detect = metric(r, "detect_s");
    assert_true(detect >= 1.2 && detect <= 2.2);
    /* After detection and one TTL every request goes to region 1: it serves more than
     * half of the run, and nothing fails for lack of a region. */
    double r1 = NAN, all = metric(r, "requests");
    assert_true(run_metric_find(r, RUN_SCOPE_REGION, "r1", "ok", &r1));
    assert_true(r1 > 0.5 * all);
    assert_true(metric(r, "no_region") == 0);
    assert_true(metric(r, "dns_stale_requests") > 0);
    run_result_free(r);
}

/* An expired answer costs the client a lookup: a round trip to its resolver before the
 * request goes. With a 1 ms TTL every request finds its answer expired, so the median
 * latency grows by exactly the lookup. */
static void test_route_expired_answer_costs_a_lookup(void **state)
{
    (void)state;
    double p50[2];
    for (int i = 0; i < 2; i++) {
        fixture     f;
        scn_pattern p;
        dns_world(&f, &p, 3, SCN_POLICY_NEAREST);
        f.s.dns.ttl = SIM_MS;
        f.s.dns.lookup = i ? 50 * SIM_MS : 0;
        run_result *r = run_with(&f, &p);
        p50[i] = metric(r, "p50_ms");
        run_result_free(r);
    }
    print_message("p50 %.3f ms without a lookup, %.3f ms with a 50 ms one\n", p50[0], p50[1]);
    assert_true(fabs(p50[1] - p50[0] - 50) < 1);
}

static void test_route_primary_falls_back_in_scenario_order(void **state)
{
    (void)state;
    fixture     f;
    scn_pattern p;
    dns_world(&f, &p, 3, SCN_POLICY_PRIMARY);
    f.s.dns.primary = 2; /* the client sits at region 0 */
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 5 * SIM_S, SIM_TIME_MAX);
    down->region = 2;
    run_result *r = run_with(&f, &p);
    /* Before the outage region 2 takes everything; after it, region 0 (first healthy in
     * scenario order), not region 1. */
    double r0 = NAN, r1 = NAN, r2 = NAN;
    assert_true(run_metric_find(r, RUN_SCOPE_REGION, "r0", "ok", &r0));
    assert_true(run_metric_find(r, RUN_SCOPE_REGION, "r1", "ok", &r1));
    assert_true(run_metric_find(r, RUN_SCOPE_REGION, "r2", "ok", &r2));
    assert_true(r2 > 0 && r0 > r2);
    assert_true(r1 < 0.05 * (r0 + r1 + r2)); /* only retries of attempts caught at 2 */
    run_result_free(r);
}

static void test_route_no_healthy_region_fails_as_no_region(void **state)
{
    (void)state;
    fixture     f;
    scn_pattern p;
    /* Two regions cut apart: each one's only checker is the other, so the view has both
     * down, and DNS has nothing to answer. */
    dns_world(&f, &p, 2, SCN_POLICY_NEAREST);
    f.clients[0].retries = 0;
    scn_fault *cut = fixture_fault(&f, SCN_FAULT_PARTITION, 5 * SIM_S, SIM_TIME_MAX);
    cut->group_of[0] = 0;
    cut->group_of[1] = 1;
    run_result *r = run_with(&f, &p);
    double      no_region = metric(r, "no_region");
    assert_true(no_region > 0);
    assert_true(metric(r, "errors") >= no_region);
    run_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_nearest_answers_the_nearest_region),
        cmocka_unit_test(test_route_read_local_writes_resolve_to_the_primary),
        cmocka_unit_test(test_route_primary_policy_prefers_routing_primary),
        cmocka_unit_test(test_route_scored_without_probes_is_nearest),
        cmocka_unit_test(test_route_outage_moves_clients_to_the_next_region),
        cmocka_unit_test(test_route_expired_answer_costs_a_lookup),
        cmocka_unit_test(test_route_primary_falls_back_in_scenario_order),
        cmocka_unit_test(test_route_no_healthy_region_fails_as_no_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
