/* test_residency.c - key ownership (disjoint key spaces, homes) and residency enforcement
 * (scn-residency.c, observe/residency.c).
 *
 * Ownership is checked on the loader's resolved numbers and on what runs do with them: a
 * population with its own keys must never write another's key, which shows as zero
 * conflicts under active-active when each population writes only at its own region.
 * Residency is checked against the patterns that do not honour it: every replicating
 * pattern must be caught shipping bound data outside, and a pattern that keeps data where
 * it was written (independent regions, clients next to an allowed region) must not be. */
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

#define REGIONS                                                                                    \
    " \"regions\": [{\"name\": \"eu-west-1\", \"location\": [53.35, -6.26], \"servers\": 8},\n"    \
    "   {\"name\": \"eu-central-1\", \"location\": [50.11, 8.68], \"servers\": 8},\n"              \
    "   {\"name\": \"us-east-1\", \"location\": [38.95, -77.45], \"servers\": 8}],\n"

static const char owned_text[]
    = "{\"name\": \"owned\", \"seed\": 5, \"duration\": \"10s\", \"warmup\": \"1s\",\n" REGIONS
      " \"clients\": [{\"name\": \"all\", \"location\": [40.0, -75.0], \"rate\": 10,\n"
      "                \"keys\": {\"count\": 300}},\n"
      "   {\"name\": \"eu\", \"location\": [48.86, 2.35], \"rate\": 100, \"read_ratio\": 0.5,\n"
      "    \"keys\": {\"count\": 100, \"space\": \"own\"}},\n"
      "   {\"name\": \"us\", \"location\": [40.71, -74.01], \"rate\": 100, \"read_ratio\": 0.5,\n"
      "    \"keys\": {\"count\": 50, \"space\": \"own\"}, \"home\": \"eu-west-1\"}],\n"
      " \"residency\": [{\"clients\": [\"eu\"], \"regions\": [\"eu-west-1\", \"eu-central-1\"]}],\n"
      " \"patterns\": {\"independent\": {},\n"
      "   \"active-active\": {\"replication\": {\"mode\": \"async\", \"batch\": \"10ms\"}},\n"
      "   \"read-local\": {\"primary\": \"eu-central-1\"}}}\n";

static scn_scenario *load(const char *text)
{
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    if (scn_parse("residency.json", text, strlen(text), &s, &err) != 0)
        fail_msg("scn_parse: %s: %s", err.path, err.msg);
    return s;
}

static void expect_error(const char *text, const char *path, const char *msg_part)
{
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    assert_int_equal(scn_parse("bad.json", text, strlen(text), &s, &err), SIM_EINVAL);
    assert_null(s);
    assert_string_equal(err.path, path);
    if (!strstr(err.msg, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg_part);
}

static double metric(const run_result *r, const char *name)
{
    double v = NAN;
    if (!run_metric_find(r, RUN_SCOPE_ALL, "", name, &v))
        fail_msg("no metric %s", name);
    return v;
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

/* Shared keys start at 0; own ranges follow, disjoint, in client order. */
static void test_ownership_key_ranges_are_disjoint(void **state)
{
    (void)state;
    scn_scenario *s = load(owned_text);
    assert_false(s->clients[0].keys_own);
    assert_int_equal(s->clients[0].key_base, 0);
    assert_int_equal(s->clients[1].key_base, 300);
    assert_int_equal(s->clients[2].key_base, 400);
    assert_int_equal(s->key_space, 450);
    assert_int_equal(scn_key_owner(s, 0), -1);
    assert_int_equal(scn_key_owner(s, 299), -1);
    assert_int_equal(scn_key_owner(s, 300), 1);
    assert_int_equal(scn_key_owner(s, 399), 1);
    assert_int_equal(scn_key_owner(s, 400), 2);
    assert_int_equal(scn_key_owner(s, 449), 2);
    scn_free(s);
}

/* Paris is nearest eu-central-1 by great circle (about 480 km against 780 to Dublin); an
 * explicit home wins over distance. */
static void test_ownership_home_nearest_or_named(void **state)
{
    (void)state;
    scn_scenario *s = load(owned_text);
    assert_int_equal(s->clients[0].home, -1);
    assert_int_equal(s->clients[1].home, scn_region_index(s, "eu-central-1"));
    assert_int_equal(s->clients[2].home, scn_region_index(s, "eu-west-1"));
    assert_true(scn_key_allowed(s, 350, 0));
    assert_true(scn_key_allowed(s, 350, 1));
    assert_false(scn_key_allowed(s, 350, 2));
    assert_true(scn_key_allowed(s, 420, 2)); /* no rule names "us" */
    assert_true(scn_key_allowed(s, 10, 2));  /* shared keys are nobody's */
    scn_free(s);
}

static void test_ownership_rules_need_owned_keys(void **state)
{
    (void)state;
    expect_error("{\"duration\": \"1s\"," REGIONS " \"clients\": [{\"name\": \"eu\", "
                 "\"location\": [48.86, 2.35], \"rate\": 1}],\n"
                 " \"residency\": [{\"clients\": [\"eu\"], \"regions\": [\"eu-west-1\"]}]}",
                 "residency[0].clients[0]", "needs \"keys\": {\"space\": \"own\"}");
    expect_error("{\"duration\": \"1s\"," REGIONS " \"clients\": [{\"name\": \"eu\", "
                 "\"location\": [48.86, 2.35], \"rate\": 1, \"home\": \"eu-west-1\"}]}",
                 "clients[0].home", "applies only with");
    expect_error("{\"duration\": \"1s\"," REGIONS " \"clients\": [{\"name\": \"eu\", "
                 "\"location\": [48.86, 2.35], \"rate\": 1, \"keys\": {\"space\": \"own\"},"
                 " \"home\": \"us-east-1\"}],\n"
                 " \"residency\": [{\"clients\": [\"eu\"], \"regions\": [\"eu-west-1\"]}]}",
                 "residency[0].clients[0]", "which the rule does not allow");
    expect_error("{\"duration\": \"1s\"," REGIONS " \"clients\": [{\"name\": \"eu\", "
                 "\"location\": [48.86, 2.35], \"rate\": 1, \"keys\": {\"space\": \"mine\"}}]}",
                 "clients[0].keys.space", "expected \"shared\" or \"own\"");
    expect_error("{\"duration\": \"1s\"," REGIONS " \"clients\": [{\"name\": \"eu\", "
                 "\"location\": [48.86, 2.35], \"rate\": 1, \"keys\": {\"space\": \"own\"}}],\n"
                 " \"residency\": [{\"clients\": [\"xx\"], \"regions\": [\"eu-west-1\"]}]}",
                 "residency[0].clients[0]", "unknown client");
}

/* Replication ships the bound population's records to us-east-1 (and read-local's caches
 * and replicas hold them there): caught, at several seeds. Independent regions keep every
 * write where it was taken, and the bound population's nearest regions are allowed ones. */
static void test_residency_caught_when_replicated_not_when_local(void **state)
{
    (void)state;
    scn_scenario *s = load(owned_text);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        run_result *ind = run_pattern(s, "independent", seed);
        run_result *aa = run_pattern(s, "active-active", seed);
        run_result *rl = run_pattern(s, "read-local", seed);
        assert_true(metric(ind, "writes_acked") > 100);
        assert_true(metric(ind, "residency_violations") == 0);
        assert_true(metric(ind, "residency_entries_outside") == 0);
        /* Every EU key written is applied at us-east-1: a violation per key, at most 100. */
        double v = metric(aa, "residency_violations");
        assert_true(v > 10 && v <= 100);
        assert_true(metric(aa, "residency_entries_outside") >= v);
        assert_true(metric(rl, "residency_violations") > 10);
        run_result_free(ind);
        run_result_free(aa);
        run_result_free(rl);
    }
    scn_free(s);
}

/* Owned keys are disjoint, so under active-active with each population writing only its
 * own keys no two regions ever write one key concurrently: no conflicts. The same load on a
 * shared key space does conflict (the test can fail). */
static void test_ownership_owned_keys_do_not_conflict(void **state)
{
    (void)state;
    static const char fmt[]
        = "{\"duration\": \"10s\"," REGIONS
          " \"clients\": [{\"name\": \"eu\", \"location\": \"eu-west-1\", \"rate\": 300,"
          "  \"read_ratio\": 0.2, \"keys\": {\"count\": 20, \"space\": \"%s\"}},"
          " {\"name\": \"us\", \"location\": \"us-east-1\", \"rate\": 300, \"read_ratio\": 0.2,"
          "  \"keys\": {\"count\": 20, \"space\": \"%s\"}}],"
          " \"patterns\": {\"active-active\": {\"replication\": {\"mode\": \"async\"}}}}";
    char text[2048];
    snprintf(text, sizeof text, fmt, "own", "own");
    scn_scenario *so = load(text);
    run_result   *ro = run_pattern(so, "active-active", 1);
    snprintf(text, sizeof text, fmt, "shared", "shared");
    scn_scenario *ss = load(text);
    run_result   *rs = run_pattern(ss, "active-active", 1);
    assert_true(metric(ro, "writes_acked") > 1000);
    assert_true(metric(ro, "conflicts") == 0);
    assert_true(metric(rs, "conflicts") > 10);
    run_result_free(ro);
    run_result_free(rs);
    scn_free(so);
    scn_free(ss);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ownership_key_ranges_are_disjoint),
        cmocka_unit_test(test_ownership_home_nearest_or_named),
        cmocka_unit_test(test_ownership_rules_need_owned_keys),
        cmocka_unit_test(test_residency_caught_when_replicated_not_when_local),
        cmocka_unit_test(test_ownership_owned_keys_do_not_conflict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
