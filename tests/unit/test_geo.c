/* test_geo.c - the geo-partitioned pattern (sut/geo.c) through whole runs: routing to the
 * home, follower reads within max_staleness, residency kept through replication, relaying
 * and ownership failover.
 *
 * The known answers come from geometry and the mechanism, not from the model: a population
 * at us-east-1 homed at eu-west-1 writes across the Atlantic (a round trip of at least the
 * geo RTT), and reads locally only when follower reads are allowed; a follower read is at
 * most max_staleness behind its owner, so no stale read is older than that. */
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

static scn_scenario *load(const char *text)
{
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    if (scn_parse("geo.json", text, strlen(text), &s, &err) != 0)
        fail_msg("scn_parse: %s: %s", err.path, err.msg);
    return s;
}

static run_result *run_pattern(const scn_scenario *s, const char *pattern, uint64_t seed)
{
    run_result *r = NULL;
    sim_err     err = { 0 };
    int         i = scn_pattern_index(s, pattern);
    assert_true(i >= 0);
    run_options o = { .pattern = &s->patterns[i], .has_seed = true, .seed = seed };
    if (run_scenario(s, &o, &r, &err) != 0)
        fail_msg("run_scenario: %s: %s", err.path, err.msg);
    return r;
}

static double metric(const run_result *r, run_scope scope, const char *key, const char *name)
{
    double v = NAN;
    if (!run_metric_find(r, scope, key, name, &v))
        fail_msg("no metric %s %s", key, name);
    return v;
}

/* us-east-1 and eu-west-1 are 5,466 km apart: geo RTT 1 + 2 * 5466 / 200 * 1.5 = 83 ms. */
static const char home_text[]
    = "{\"duration\": \"20s\", \"warmup\": \"2s\",\n"
      " \"regions\": [{\"name\": \"us-east-1\", \"location\": [38.95, -77.45], \"servers\": 8},\n"
      "   {\"name\": \"eu-west-1\", \"location\": [53.35, -6.26], \"servers\": 8}],\n"
      " \"clients\": [{\"name\": \"traveller\", \"location\": \"us-east-1\", \"rate\": 200,\n"
      "   \"read_ratio\": 0.8, \"keys\": {\"count\": 500, \"space\": \"own\"},\n"
      "   \"home\": \"eu-west-1\"}],\n"
      " \"patterns\": {\n"
      "   \"follower\": {\"kind\": \"geo-partitioned\", \"max_staleness\": \"1s\"},\n"
      "   \"home-reads\": {\"kind\": \"geo-partitioned\", \"max_staleness\": \"0s\"}}}";

static void test_geo_writes_go_home_reads_follow_within_staleness(void **state)
{
    (void)state;
    scn_scenario *s = load(home_text);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        run_result *f = run_pattern(s, "follower", seed);
        run_result *h = run_pattern(s, "home-reads", seed);
        assert_true(metric(f, RUN_SCOPE_ALL, "", "availability") == 1);
        /* Writes cross to the home and the answer comes back from there. */
        assert_true(metric(f, RUN_SCOPE_CLIENT, "traveller", "write_p50_ms") > 80);
        /* Follower reads are local; without them every read crosses too. */
        assert_true(metric(f, RUN_SCOPE_CLIENT, "traveller", "read_p50_ms") < 20);
        assert_true(metric(h, RUN_SCOPE_CLIENT, "traveller", "read_p50_ms") > 80);
        /* Home reads are never stale; follower reads at most max_staleness behind. */
        assert_true(metric(h, RUN_SCOPE_ALL, "", "stale_reads") == 0);
        assert_true(metric(f, RUN_SCOPE_ALL, "", "stale_reads") > 0);
        assert_true(metric(f, RUN_SCOPE_ALL, "", "staleness_p99_ms") <= 1000);
        run_result_free(f);
        run_result_free(h);
    }
    scn_free(s);
}

/* The EU population's data may live in eu-west-1 and eu-central-1 only. Its home,
 * eu-central-1 (nearest Paris), is lost for 30 s: eu-west-1 takes the partition over; the
 * clients' retries reach us-east-1 too, which relays them home. Replication, relaying and
 * the takeover must never place EU data in us-east-1, at any seed; active-active does. */
static const char outage_text[]
    = "{\"duration\": \"60s\", \"warmup\": \"2s\",\n"
      " \"regions\": [{\"name\": \"eu-west-1\", \"location\": [53.35, -6.26], \"servers\": 8},\n"
      "   {\"name\": \"eu-central-1\", \"location\": [50.11, 8.68], \"servers\": 8},\n"
      "   {\"name\": \"us-east-1\", \"location\": [38.95, -77.45], \"servers\": 8}],\n"
      " \"clients\": [{\"name\": \"eu\", \"location\": [48.86, 2.35], \"rate\": 200,\n"
      "   \"read_ratio\": 0.7, \"keys\": {\"count\": 2000, \"space\": \"own\"}},\n"
      "  {\"name\": \"us\", \"location\": [40.71, -74.01], \"rate\": 100, \"read_ratio\": 0.7,\n"
      "   \"keys\": {\"count\": 2000, \"space\": \"own\"}}],\n"
      " \"residency\": [{\"clients\": [\"eu\"], \"regions\": [\"eu-west-1\", \"eu-central-1\"]}],\n"
      " \"faults\": [{\"at\": \"15s\", \"for\": \"30s\", \"kind\": \"region_down\",\n"
      "   \"region\": \"eu-central-1\"}],\n"
      " \"patterns\": {\"geo\": {\"kind\": \"geo-partitioned\", \"failover_after\": \"3s\"},\n"
      "   \"active-active\": {}}}";

static void test_geo_residency_kept_through_relay_and_failover(void **state)
{
    (void)state;
    scn_scenario *s = load(outage_text);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        run_result *g = run_pattern(s, "geo", seed);
        run_result *aa = run_pattern(s, "active-active", seed);
        assert_true(metric(g, RUN_SCOPE_ALL, "", "takeovers") == 1);
        assert_true(metric(g, RUN_SCOPE_ALL, "", "residency_violations") == 0);
        assert_true(metric(g, RUN_SCOPE_ALL, "", "residency_entries_outside") == 0);
        assert_true(metric(g, RUN_SCOPE_CLIENT, "eu", "availability") > 0.95);
        assert_true(metric(aa, RUN_SCOPE_ALL, "", "residency_violations") > 100);
        run_result_free(g);
        run_result_free(aa);
    }
    scn_free(s);
}

static void test_geo_loader(void **state)
{
    (void)state;
    scn_scenario      *s = load(outage_text);
    const scn_pattern *p = &s->patterns[scn_pattern_index(s, "geo")];
    assert_int_equal(p->kind, SCN_PATTERN_GEO);
    assert_int_equal(p->failover_after, 3 * SIM_S);
    assert_int_equal(p->max_staleness, 5 * SIM_S);
    scn_free(s);
    static const char bad[]
        = "{\"duration\": \"1s\", \"regions\": [{\"name\": \"a\", \"servers\": 1, \"location\": "
          "[0, 0]}],\n \"clients\": [{\"location\": [0, 0], \"rate\": 1}],\n"
          " \"patterns\": {\"geo-partitioned\": {\"replication\": {\"mode\": \"sync\"}}}}";
    sim_err err = { 0 };
    s = NULL;
    assert_int_equal(scn_parse("bad.json", bad, strlen(bad), &s, &err), SIM_EINVAL);
    assert_string_equal(err.path, "patterns.geo-partitioned.replication.mode");
}

static void expect_error(const char *text, const char *path, const char *part)
{
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    assert_int_equal(scn_parse("bad.json", text, strlen(text), &s, &err), SIM_EINVAL);
    assert_string_equal(err.path, path);
    if (!strstr(err.msg, part))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, part);
}

#define TWO_EU                                                                                     \
    "{\"duration\": \"1s\",\n"                                                                     \
    " \"regions\": [{\"name\": \"eu-west-1\", \"location\": [53.35, -6.26], \"servers\": 1},\n"    \
    "   {\"name\": \"eu-central-1\", \"location\": [50.11, 8.68], \"servers\": 1},\n"              \
    "   {\"name\": \"us-east-1\", \"location\": [38.95, -77.45], \"servers\": 1}],\n"

/* clients[].secondary: a region other than the home, allowed by the population's rule. */
static void test_geo_secondary_home_configured(void **state)
{
    (void)state;
    scn_scenario *s = load(TWO_EU " \"clients\": [{\"name\": \"eu\", \"location\": [48.86, 2.35],"
                                  " \"rate\": 1, \"keys\": {\"space\": \"own\"},"
                                  " \"secondary\": \"us-east-1\"}]}");
    assert_int_equal(s->clients[0].home, scn_region_index(s, "eu-central-1"));
    assert_int_equal(s->clients[0].secondary, scn_region_index(s, "us-east-1"));
    scn_free(s);
    expect_error(TWO_EU
                 " \"clients\": [{\"name\": \"eu\", \"location\": [48.86, 2.35],"
                 " \"rate\": 1, \"keys\": {\"space\": \"own\"}, \"secondary\": \"us-east-1\"}],"
                 " \"residency\": [{\"clients\": [\"eu\"], \"regions\": [\"eu-west-1\","
                 " \"eu-central-1\"]}]}",
                 "residency[0].clients[0]", "secondary home in us-east-1");
    expect_error(TWO_EU " \"clients\": [{\"name\": \"eu\", \"location\": [48.86, 2.35],"
                        " \"rate\": 1, \"keys\": {\"space\": \"own\"},"
                        " \"secondary\": \"eu-central-1\"}]}",
                 "clients[0].secondary", "other than the home");
    expect_error(TWO_EU " \"clients\": [{\"name\": \"eu\", \"location\": [48.86, 2.35],"
                        " \"rate\": 1, \"secondary\": \"eu-west-1\"}]}",
                 "clients[0].secondary", "applies only with");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geo_loader),
        cmocka_unit_test(test_geo_secondary_home_configured),
        cmocka_unit_test(test_geo_writes_go_home_reads_follow_within_staleness),
        cmocka_unit_test(test_geo_residency_kept_through_relay_and_failover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
