/* test_claims.c - what the shipped scenarios claim about the data plane, in numbers.
 *
 * Each test runs one scenario of scenarios/ through the program (one pattern at a time) and
 * checks the figure that makes its point: clock skew loses writes under wall-clock LWW and
 * none under HLC; a partition in active-active produces conflicts and divergence that heal
 * to zero; read-local's read-your-writes window removes the violations that plain
 * asynchronous reads show; merge keeps what LWW loses. The same claims are written as
 * "expect" entries in the scenario files for `mrsim check`. */
#include <math.h>

#include "../mrsim_json.h"

static double fig(const char *scenario, const char *pattern, const char *metric)
{
    char extra[128];
    snprintf(extra, sizeof extra, "--pattern '%s'", pattern);
    double v = run_metric_args(scenario, extra, metric);
    print_message("%-40s %-18s %-22s %g\n", scenario, pattern, metric, v);
    return v;
}

static void test_skew_loses_writes_under_wall_lww_not_hlc(void **state)
{
    (void)state;
    const char *f = "scenarios/clock-skew-lww.json";
    double      acked = fig(f, "lww-wall", "writes_acked");
    double      lost_wall = fig(f, "lww-wall", "lost_writes");
    /* Region a's writes during the 8 minutes of skew are discarded: about half of them. */
    assert_true(lost_wall > 0.25 * acked);
    /* HLC loses only the writes that land while a write already received is still being
     * applied (about 2 ms at 1 write/s each way: ~2.4 expected in 10 minutes), against the
     * hundreds wall clocks lose. */
    assert_true(fig(f, "lww-hlc", "lost_writes") <= 10);
    assert_true(fig(f, "lww-hlc", "lost_writes") < 0.02 * lost_wall);
    assert_true(fig(f, "lww-hlc", "divergent_keys") == 0);
    assert_true(fig(f, "lww-wall", "divergent_keys") == 0); /* wrong, but consistently */
}

static void test_partition_conflicts_diverge_and_heal(void **state)
{
    (void)state;
    const char *f = "scenarios/partition-active-active.json";
    assert_true(fig(f, "active-active", "conflicts") > 0);
    assert_true(fig(f, "active-active", "divergent_keys_at_end") > 0);
    assert_true(fig(f, "active-active", "divergent_keys") == 0);
    assert_true(fig(f, "active-active", "drained") == 1);
}

static void test_read_local_ryw_window_prevents_violations(void **state)
{
    (void)state;
    const char *f = "scenarios/read-local-ryw.json";
    /* With the window only the cache-aside fill race at the primary (read, then set, with
     * the session's own write invalidating in between) can still break read-your-writes:
     * a handful, against a hundred without the window. */
    double with = fig(f, "read-local", "ryw_violations");
    double without = fig(f, "read-local-plain", "ryw_violations");
    assert_true(with <= 5);
    assert_true(without > 10 * with && without > 0);
    assert_true(fig(f, "read-local", "lost_writes") == 0); /* one writer region: no loss */
}

static void test_merge_keeps_field_updates_lww_loses(void **state)
{
    (void)state;
    const char *f = "scenarios/merge-vs-lww.json";
    assert_true(fig(f, "lww", "lost_writes") > 0);
    assert_true(fig(f, "merge", "lost_writes") == 0);
    assert_true(fig(f, "merge", "divergent_keys") == 0);
    assert_true(fig(f, "lww", "divergent_keys") == 0);
}

static void test_outage_is_detected_and_routed_around(void **state)
{
    (void)state;
    const char *f = "scenarios/region-outage-dns.json";
    /* 5 s probes, 1 s timeout, 3 failures: detected (3 - 1/2) x 5 + 1 = 13.5 s after the
     * failure on average, never more than 3 x 5 + 1 s. */
    double detect = fig(f, "active-active", "detect_s");
    assert_true(detect >= 11 && detect <= 16);
    assert_true(fig(f, "active-active", "false_health_downs") == 0);
    assert_true(fig(f, "active-active", "dns_stale_requests") > 0);
    assert_true(fig(f, "active-active", "availability") >= 0.99);
    assert_true(fig(f, "read-local", "availability") >= 0.99);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skew_loses_writes_under_wall_lww_not_hlc),
        cmocka_unit_test(test_partition_conflicts_diverge_and_heal),
        cmocka_unit_test(test_read_local_ryw_window_prevents_violations),
        cmocka_unit_test(test_merge_keeps_field_updates_lww_loses),
        cmocka_unit_test(test_outage_is_detected_and_routed_around),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
