/* test_client.c - figures per client population (scope client, "by_client") and the list of
 * metric names the loader checks against (scn-metrics.c).
 *
 * The known answer: under active-passive every request goes to the primary, so a population
 * far from it waits at least the round trip to it, and one next to it does not. The round
 * trip is computed here from the documented geo formula (scenarios/README.md, "RTT modes"),
 * not read from the model. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "run.h"
#include "scn.h"

/* Two regions half a world apart, a population at each; active-passive with the primary in
 * "east", and active-active, where each population has a region next to it. */
static const char scenario_text[]
    = "{\"name\": \"by client\", \"seed\": 3, \"duration\": \"20s\", \"warmup\": \"2s\",\n"
      " \"regions\": [{\"name\": \"east\", \"location\": [38.95, -77.45], \"servers\": 8},\n"
      "             {\"name\": \"asia\", \"location\": [1.35, 103.82], \"servers\": 8}],\n"
      " \"network\": {\"rtt\": \"geo\", \"route_factor\": 1.5, \"base\": \"1ms\"},\n"
      " \"clients\": [{\"name\": \"near\", \"location\": [38.95, -77.45], \"rate\": 100},\n"
      "             {\"name\": \"far\", \"location\": [1.35, 103.82], \"rate\": 50}],\n"
      " \"patterns\": {\"active-passive\": {\"primary\": \"east\"},\n"
      "              \"active-active\": {\"replication\": {\"mode\": \"async\"}}},\n"
      " \"expect\": [{\"metric\": \"p50_ms\", \"client\": \"far\", \"min\": 1}]}\n";

static scn_scenario *load(const char *text)
{
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    if (scn_parse("client.json", text, strlen(text), &s, &err) != 0)
        fail_msg("scn_parse: %s: %s", err.path, err.msg);
    return s;
}

static run_result *run_pattern(const scn_scenario *s, const char *pattern)
{
    run_result *r = NULL;
    sim_err     err = { 0 };
    int         i = scn_pattern_index(s, pattern);
    assert_true(i >= 0);
    run_options o = { .pattern = &s->patterns[i] };
    if (run_scenario(s, &o, &r, &err) != 0)
        fail_msg("run_scenario: %s: %s", err.path, err.msg);
    return r;
}

static double metric(const run_result *r, run_scope scope, const char *key, const char *name)
{
    double v = NAN;
    if (!run_metric_find(r, scope, key, name, &v))
        fail_msg("no metric %s %s %s", run_scope_name(scope), key, name);
    return v;
}

/* The geo RTT of scenarios/README.md, in ms. */
static double geo_rtt_ms(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, rad = 3.14159265358979323846 / 180;
    double       dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double       a = sin(dlat / 2) * sin(dlat / 2)
        + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    double km = 2 * r * asin(sqrt(a));
    return 1.0 + 2 * km / 200.0 * 1.5;
}

static void test_client_far_population_pays_the_round_trip(void **state)
{
    (void)state;
    scn_scenario *s = load(scenario_text);
    double        rtt = geo_rtt_ms(38.95, -77.45, 1.35, 103.82);
    assert_true(rtt > 200);

    run_result *ap = run_pattern(s, "active-passive");
    double      near = metric(ap, RUN_SCOPE_CLIENT, "near", "p50_ms");
    double      far = metric(ap, RUN_SCOPE_CLIENT, "far", "p50_ms");
    assert_true(far >= rtt);      /* the far population crosses the world ... */
    assert_true(near < rtt / 10); /* ... the near one does not */
    assert_true(near < 20);
    /* Both were served by east alone: by_region cannot tell them apart, by_client can. */
    assert_true(metric(ap, RUN_SCOPE_REGION, "asia", "requests") == 0);
    /* The populations' requests add up to the run's, per operation too. */
    double all = metric(ap, RUN_SCOPE_ALL, "", "requests");
    assert_true(all > 0);
    assert_true(metric(ap, RUN_SCOPE_CLIENT, "near", "requests")
                    + metric(ap, RUN_SCOPE_CLIENT, "far", "requests")
                == all);
    assert_true(metric(ap, RUN_SCOPE_CLIENT, "far", "availability") == 1);
    assert_true(metric(ap, RUN_SCOPE_CLIENT, "far", "read_p50_ms") >= rtt);
    assert_true(metric(ap, RUN_SCOPE_CLIENT, "near", "write_p99_ms") < rtt);
    assert_true(metric(ap, RUN_SCOPE_CLIENT, "near", "reads")
                    + metric(ap, RUN_SCOPE_CLIENT, "far", "reads")
                == metric(ap, RUN_SCOPE_ALL, "", "reads"));
    assert_true(metric(ap, RUN_SCOPE_CLIENT, "near", "stale_reads")
                    + metric(ap, RUN_SCOPE_CLIENT, "far", "stale_reads")
                == metric(ap, RUN_SCOPE_ALL, "", "stale_reads"));
    assert_true(metric(ap, RUN_SCOPE_CLIENT, "near", "ryw_violations")
                    + metric(ap, RUN_SCOPE_CLIENT, "far", "ryw_violations")
                == metric(ap, RUN_SCOPE_ALL, "", "ryw_violations"));

    /* Active-active: each population has a region next to it, so neither pays the trip. */
    run_result *aa = run_pattern(s, "active-active");
    assert_true(metric(aa, RUN_SCOPE_CLIENT, "far", "p50_ms") < rtt / 10);
    assert_true(metric(aa, RUN_SCOPE_CLIENT, "near", "p50_ms") < rtt / 10);
    run_result_free(aa);
    run_result_free(ap);
    scn_free(s);
}

/* The loader's list of metric names and what runs report agree in both directions: every
 * metric a run reports is listed for its scope, and every listed (name, scope) is reported
 * by a run of a pattern with a failover controller (which reports every metric). */
static void test_client_metric_names_match_the_runs(void **state)
{
    (void)state;
    static const char text[]
        = "{\"name\": \"names\", \"seed\": 1, \"duration\": \"10s\", \"warmup\": \"1s\",\n"
          " \"regions\": [{\"name\": \"east\", \"location\": [38.95, -77.45], \"servers\": 4},\n"
          "             {\"name\": \"west\", \"location\": [37.35, -121.96], \"servers\": 4}],\n"
          " \"clients\": [{\"name\": \"users\", \"location\": [40.7, -74.0], \"rate\": 50}],\n"
          " \"patterns\": {\"active-passive\": {\"primary\": \"east\"}},\n"
          " \"failover\": {\"automatic\": true}}\n";
    scn_scenario  *s = load(text);
    run_result    *r = run_pattern(s, "active-passive");
    const unsigned bit[RUN_SCOPE_COUNT]
        = { SCN_METRIC_ALL, SCN_METRIC_OP, SCN_METRIC_REGION, SCN_METRIC_CLIENT };
    for (size_t i = 0; i < r->nmetrics; i++) {
        const run_metric *m = &r->metrics[i];
        if (!(scn_metric_where_of(m->name) & bit[m->scope]))
            fail_msg("a run reports %s in scope %s, which scn-metrics.c does not list", m->name,
                     run_scope_name(m->scope));
    }
    const char *key[RUN_SCOPE_COUNT] = { "", "read", "east", "users" };
    for (size_t i = 0; i < scn_metric_count(); i++) {
        unsigned    where = 0;
        const char *name = scn_metric_name(i, &where);
        double      v;
        for (int sc = 0; sc < RUN_SCOPE_COUNT; sc++)
            if ((where & bit[sc]) && !run_metric_find(r, (run_scope)sc, key[sc], name, &v))
                fail_msg("scn-metrics.c lists %s in scope %s, which no run reports", name,
                         run_scope_name((run_scope)sc));
    }
    assert_null(scn_metric_name(scn_metric_count(), NULL));
    run_result_free(r);
    scn_free(s);
}

/* An expectation per client population loads, and one on a population that does not exist,
 * or on a metric not reported per population, is refused with its path. */
static void test_client_expectations_are_checked_at_load(void **state)
{
    (void)state;
    scn_scenario *s = load(scenario_text);
    assert_int_equal(s->nexpects, 1);
    assert_string_equal(s->expects[0].client, "far");
    assert_int_equal(scn_expect_where(&s->expects[0]), SCN_METRIC_CLIENT);
    scn_free(s);

    static const struct {
        const char *from, *to, *path, *msg;
    } bad[] = {
        { "\"client\": \"far\"", "\"client\": \"mars\"", "expect[0].client",
          "unknown client population \"mars\"" },
        { "\"metric\": \"p50_ms\"", "\"metric\": \"rto_s\"", "expect[0].metric",
          "metric \"rto_s\" is not reported per client population (\"client\"); it is: for "
          "the whole run" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char        text[sizeof scenario_text + 64];
        const char *at = strstr(scenario_text, bad[i].from);
        assert_non_null(at);
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - scenario_text), scenario_text, bad[i].to,
                 at + strlen(bad[i].from));
        scn_scenario *t = NULL;
        sim_err       err = { 0 };
        assert_int_equal(scn_parse("client.json", text, strlen(text), &t, &err), SIM_EINVAL);
        assert_null(t);
        assert_string_equal(err.path, bad[i].path);
        assert_string_equal(err.msg, bad[i].msg);
    }
}

/* patterns.NAME.servers: each pattern runs and is costed at its own size, from one file. */
static void test_client_pattern_servers(void **state)
{
    (void)state;
    static const char text[]
        = "{\"name\": \"sized\", \"seed\": 2, \"duration\": \"10s\", \"warmup\": \"1s\",\n"
          " \"regions\": [{\"name\": \"east\", \"location\": [38.95, -77.45], \"servers\": 8},\n"
          "             {\"name\": \"west\", \"location\": [37.35, -121.96], \"servers\": 8}],\n"
          " \"clients\": [{\"name\": \"users\", \"location\": [38.95, -77.45], \"rate\": 400}],\n"
          " \"cost\": {\"server_hour\": 1},\n"
          " \"patterns\": {\"big\": {\"kind\": \"active-passive\", \"primary\": \"east\"},\n"
          "              \"small\": {\"kind\": \"active-passive\", \"primary\": \"east\",\n"
          "                        \"servers\": {\"east\": 2}},\n"
          "              \"tiny\": {\"kind\": \"active-passive\", \"primary\": \"east\",\n"
          "                       \"servers\": 1}}}\n";
    scn_scenario *s = load(text);
    assert_int_equal(s->patterns[1].servers[0], 2);
    assert_int_equal(s->patterns[1].servers[1], 0);
    assert_int_equal(s->patterns[2].servers[1], 1);
    assert_int_equal(s->regions[0].servers, 8); /* the scenario itself is unchanged */
    run_result *big = run_pattern(s, "big"), *small = run_pattern(s, "small");
    run_result *tiny = run_pattern(s, "tiny");
    /* Servers cost 1 an hour each: 16, 2 + 8 and 1 + 1. */
    assert_true(fabs(metric(big, RUN_SCOPE_ALL, "", "cost_per_hour") - 16) < 0.01);
    assert_true(fabs(metric(small, RUN_SCOPE_ALL, "", "cost_per_hour") - 10) < 0.01);
    assert_true(fabs(metric(tiny, RUN_SCOPE_ALL, "", "cost_per_hour") - 2) < 0.01);
    /* The same load on a quarter of the servers: four times the utilisation. */
    double ub = metric(big, RUN_SCOPE_REGION, "east", "utilization");
    double us = metric(small, RUN_SCOPE_REGION, "east", "utilization");
    assert_true(ub > 0 && fabs(us / ub - 4) < 0.4);
    assert_true(big->scn == s && small->scn == s);
    run_result_free(big);
    run_result_free(small);
    run_result_free(tiny);
    scn_free(s);

    /* An unknown region or a count of 0 is refused with its path. */
    static const struct {
        const char *from, *to, *path, *msg;
    } bad[] = {
        { "{\"east\": 2}", "{\"north\": 2}", "patterns.small.servers",
          "unknown region \"north\"; known regions: east, west" },
        { "{\"east\": 2}", "{\"east\": 0}", "patterns.small.servers.east",
          "expected a positive integer, got 0" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char        t[sizeof text + 64];
        const char *at = strstr(text, bad[i].from);
        assert_non_null(at);
        snprintf(t, sizeof t, "%.*s%s%s", (int)(at - text), text, bad[i].to,
                 at + strlen(bad[i].from));
        scn_scenario *x = NULL;
        sim_err       err = { 0 };
        assert_int_equal(scn_parse("sized.json", t, strlen(t), &x, &err), SIM_EINVAL);
        if (strcmp(err.path, bad[i].path) != 0 || strcmp(err.msg, bad[i].msg) != 0)
            fail_msg("got %s: %s", err.path, err.msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_far_population_pays_the_round_trip),
        cmocka_unit_test(test_client_metric_names_match_the_runs),
        cmocka_unit_test(test_client_expectations_are_checked_at_load),
        cmocka_unit_test(test_client_pattern_servers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
