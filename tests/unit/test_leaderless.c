/* test_leaderless.c - the leaderless pattern (sut/leaderless.c) through whole runs:
 * placement, quorum arithmetic and read repair, each judged by the oracle rather than by
 * reading the module's state.
 *
 * Placement shows in where replicated writes are applied: a region that holds no replica of
 * any key applies nothing, so it has no replication lag figures (NaN). Quorum arithmetic:
 * with R + W > N every read quorum meets every write quorum, so without failures no read is
 * stale whatever the latencies; with R = W = 1 under the same latencies reads are stale
 * (which shows the check can fail). Read repair: a replica that was down while writes were
 * taken holds old versions afterwards; reads that see it repair it, which shows as repairs
 * sent and as fewer keys whose replicas still differ at the end. */
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
    if (scn_parse("leaderless.json", text, strlen(text), &s, &err) != 0)
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

/* Regions a, b, c on the equator at 0, 10 and 50 degrees; the population sits at a and owns
 * its keys, so their home is a and with N = 2 the replicas are a and its nearest, b. With a
 * residency rule allowing a and c only, the replicas are a and c. */
#define PLACEMENT(RULE)                                                                            \
    "{\"duration\": \"10s\", \"warmup\": \"1s\",\n"                                                \
    " \"regions\": [{\"name\": \"a\", \"location\": [0, 0], \"servers\": 8},\n"                    \
    "   {\"name\": \"b\", \"location\": [0, 10], \"servers\": 8},\n"                               \
    "   {\"name\": \"c\", \"location\": [0, 50], \"servers\": 8}],\n"                              \
    " \"clients\": [{\"name\": \"p\", \"location\": \"a\", \"rate\": 200, \"read_ratio\": 0.5,\n"  \
    "   \"keys\": {\"count\": 50, \"space\": \"own\"}}],\n" RULE                                   \
    " \"patterns\": {\"leaderless\": {\"replication\": {\"n\": 2, \"r\": 1, \"w\": 1}}}}"

static void test_leaderless_placement_home_then_nearest_within_residency(void **state)
{
    (void)state;
    scn_scenario *s = load(PLACEMENT(""));
    run_result   *r = run_pattern(s, "leaderless", 1);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "writes_acked") > 500);
    assert_false(isnan(metric(r, RUN_SCOPE_REGION, "a", "repl_lag_p50_ms")));
    assert_false(isnan(metric(r, RUN_SCOPE_REGION, "b", "repl_lag_p50_ms")));
    assert_true(isnan(metric(r, RUN_SCOPE_REGION, "c", "repl_lag_p50_ms")));
    run_result_free(r);
    scn_free(s);

    s = load(PLACEMENT("\"residency\": [{\"clients\": [\"p\"], \"regions\": [\"a\", \"c\"]}],"));
    r = run_pattern(s, "leaderless", 1);
    assert_false(isnan(metric(r, RUN_SCOPE_REGION, "a", "repl_lag_p50_ms")));
    assert_true(isnan(metric(r, RUN_SCOPE_REGION, "b", "repl_lag_p50_ms")));
    assert_false(isnan(metric(r, RUN_SCOPE_REGION, "c", "repl_lag_p50_ms")));
    assert_true(metric(r, RUN_SCOPE_ALL, "", "residency_violations") == 0);
    run_result_free(r);
    scn_free(s);
}

/* Three co-located regions with the LNKD-DISK write latencies (heavy-tailed, tens of ms) and
 * a hot key set: reads follow writes closely. */
static const char quorum_text[]
    = "{\"duration\": \"20s\", \"warmup\": \"1s\",\n"
      " \"regions\": [{\"name\": \"a\", \"location\": [0, 0], \"servers\": 64},\n"
      "   {\"name\": \"b\", \"location\": [0, 0], \"servers\": 64},\n"
      "   {\"name\": \"c\", \"location\": [0, 0], \"servers\": 64}],\n"
      " \"network\": {\"base\": \"0ms\"},\n"
      " \"clients\": [{\"location\": [0, 0], \"rate\": 3000, \"read_ratio\": 0.9,\n"
      "   \"keys\": {\"count\": 50}}],\n"
      " \"patterns\": {\n"
      "   \"strict\": {\"kind\": \"leaderless\", \"replication\": {\"n\": 3, \"r\": 2, \"w\": 2},\n"
      "              \"wars\": \"lnkd-disk\"},\n"
      "   \"read-heavy\": {\"kind\": \"leaderless\", \"replication\": {\"n\": 3, \"r\": 3, \"w\": "
      "1},\n"
      "              \"wars\": \"lnkd-disk\"},\n"
      "   \"partial\": {\"kind\": \"leaderless\", \"replication\": {\"n\": 3, \"r\": 1, \"w\": "
      "1},\n"
      "               \"wars\": \"lnkd-disk\"}}}";

static void test_leaderless_quorum_overlap_never_stale(void **state)
{
    (void)state;
    scn_scenario *s = load(quorum_text);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        run_result *strict = run_pattern(s, "strict", seed);
        run_result *rh = run_pattern(s, "read-heavy", seed);
        run_result *partial = run_pattern(s, "partial", seed);
        assert_true(metric(strict, RUN_SCOPE_ALL, "", "reads") > 40000);
        assert_true(metric(strict, RUN_SCOPE_ALL, "", "availability") == 1);
        assert_true(metric(strict, RUN_SCOPE_ALL, "", "stale_reads") == 0);
        assert_true(metric(rh, RUN_SCOPE_ALL, "", "stale_reads") == 0);
        assert_true(metric(partial, RUN_SCOPE_ALL, "", "stale_reads") > 50);
        run_result_free(strict);
        run_result_free(rh);
        run_result_free(partial);
    }
    scn_free(s);
}

/* Region c is down from 3 s to 8 s while a writer writes (W = 1 still succeeds at a and b);
 * it stops writing at 8 s, so c keeps the old versions of the keys written meanwhile until
 * something repairs them. A reader then reads (R = 1, all three replicas asked), and its
 * reads repair c. The run has no anti-entropy, so without read repair those keys stay
 * divergent to the end. */
static const char repair_text[]
    = "{\"duration\": \"20s\", \"warmup\": \"1s\", \"data\": {\"drain\": \"1s\"},\n"
      " \"regions\": [{\"name\": \"a\", \"location\": [0, 0], \"servers\": 16},\n"
      "   {\"name\": \"b\", \"location\": [0, 5], \"servers\": 16},\n"
      "   {\"name\": \"c\", \"location\": [0, 10], \"servers\": 16}],\n"
      " \"clients\": [{\"name\": \"writer\", \"location\": [0, 0], \"read_ratio\": 0,\n"
      "   \"steps\": [{\"at\": \"0s\", \"rate\": 100}, {\"at\": \"8s\", \"rate\": 0}],\n"
      "   \"keys\": {\"count\": 2000}},\n"
      "  {\"name\": \"reader\", \"location\": [0, 0], \"read_ratio\": 1,\n"
      "   \"steps\": [{\"at\": \"9s\", \"rate\": 400}], \"keys\": {\"count\": 2000}}],\n"
      " \"faults\": [{\"at\": \"3s\", \"for\": \"5s\", \"kind\": \"region_down\", \"region\": "
      "\"c\"}],\n"
      " \"patterns\": {\n"
      "   \"repair\": {\"kind\": \"leaderless\", \"replication\": {\"n\": 3, \"r\": 1, \"w\": "
      "1}},\n"
      "   \"no-repair\": {\"kind\": \"leaderless\", \"replication\": {\"n\": 3, \"r\": 1, \"w\": "
      "1},\n"
      "                 \"read_repair\": false}}}";

static void test_leaderless_read_repair_heals_a_stale_replica(void **state)
{
    (void)state;
    scn_scenario *s = load(repair_text);
    run_result   *on = run_pattern(s, "repair", 1);
    run_result   *off = run_pattern(s, "no-repair", 1);
    assert_true(metric(on, RUN_SCOPE_ALL, "", "read_repairs") > 100);
    assert_true(metric(off, RUN_SCOPE_ALL, "", "read_repairs") == 0);
    double div_on = metric(on, RUN_SCOPE_ALL, "", "divergent_keys");
    double div_off = metric(off, RUN_SCOPE_ALL, "", "divergent_keys");
    assert_true(div_off > 200);
    assert_true(div_on < div_off / 2);
    run_result_free(on);
    run_result_free(off);
    scn_free(s);
}

/* Four regions, N = 2 on a ring, W = 2: while b is down, writes of the keys b holds cannot
 * reach their quorum - unless sloppy quorums let the next region of the ring stand in for b,
 * holding the write as a hint and handing it to b when b is back. Writes stop when b comes
 * back, and read repair is off, so nothing else would bring b up to date. */
static const char sloppy_text[]
    = "{\"duration\": \"15s\", \"warmup\": \"1s\", \"data\": {\"drain\": \"1s\"},\n"
      " \"regions\": [{\"name\": \"a\", \"location\": [0, 0], \"servers\": 16},\n"
      "   {\"name\": \"b\", \"location\": [0, 2], \"servers\": 16},\n"
      "   {\"name\": \"c\", \"location\": [0, 4], \"servers\": 16},\n"
      "   {\"name\": \"d\", \"location\": [0, 6], \"servers\": 16}],\n"
      " \"clients\": [{\"location\": [0, 0], \"read_ratio\": 0, \"keys\": {\"count\": 400},\n"
      "   \"steps\": [{\"at\": \"0s\", \"rate\": 200}, {\"at\": \"8s\", \"rate\": 0}]}],\n"
      " \"faults\": [{\"at\": \"3s\", \"for\": \"5s\", \"kind\": \"region_down\", \"region\": "
      "\"b\"}],\n"
      " \"patterns\": {\n"
      "   \"strict\": {\"kind\": \"leaderless\", \"replication\": {\"n\": 2, \"r\": 1, \"w\": 2},\n"
      "              \"read_repair\": false},\n"
      "   \"sloppy\": {\"kind\": \"leaderless\", \"replication\": {\"n\": 2, \"r\": 1, \"w\": 2},\n"
      "              \"read_repair\": false, \"sloppy\": true}}}";

static void test_leaderless_sloppy_quorum_hands_off_hints(void **state)
{
    (void)state;
    scn_scenario *s = load(sloppy_text);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        run_result *strict = run_pattern(s, "strict", seed);
        run_result *sloppy = run_pattern(s, "sloppy", seed);
        assert_true(metric(strict, RUN_SCOPE_ALL, "", "availability") < 0.95);
        assert_true(metric(sloppy, RUN_SCOPE_ALL, "", "availability") > 0.999);
        assert_true(metric(strict, RUN_SCOPE_ALL, "", "hinted_handoffs") == 0);
        assert_true(metric(sloppy, RUN_SCOPE_ALL, "", "hinted_handoffs") > 100);
        assert_true(metric(strict, RUN_SCOPE_ALL, "", "divergent_keys") > 20);
        assert_true(metric(sloppy, RUN_SCOPE_ALL, "", "divergent_keys") == 0);
        run_result_free(strict);
        run_result_free(sloppy);
    }
    scn_free(s);
}

static void test_leaderless_loader_bounds(void **state)
{
    (void)state;
    scn_scenario      *s = load(quorum_text);
    const scn_pattern *p = &s->patterns[scn_pattern_index(s, "strict")];
    assert_int_equal(p->kind, SCN_PATTERN_LEADERLESS);
    assert_int_equal(p->replication.n, 3);
    assert_int_equal(p->wars, SCN_WARS_LNKD_DISK);
    assert_true(p->read_repair);
    scn_free(s);
    static const char bad[]
        = "{\"duration\": \"1s\", \"regions\": [{\"name\": \"a\", \"servers\": 1, \"location\": "
          "[0, 0]}],\n \"clients\": [{\"location\": [0, 0], \"rate\": 1}],\n"
          " \"patterns\": {\"leaderless\": {\"replication\": {\"n\": 2}}}}";
    sim_err err = { 0 };
    s = NULL;
    assert_int_equal(scn_parse("bad.json", bad, strlen(bad), &s, &err), SIM_EINVAL);
    assert_string_equal(err.path, "patterns.leaderless.replication.n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaderless_loader_bounds),
        cmocka_unit_test(test_leaderless_placement_home_then_nearest_within_residency),
        cmocka_unit_test(test_leaderless_quorum_overlap_never_stale),
        cmocka_unit_test(test_leaderless_read_repair_heals_a_stale_replica),
        cmocka_unit_test(test_leaderless_sloppy_quorum_hands_off_hints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
