/* test_consistency.c - the whole program against closed forms for replication.
 *
 * Two regions a fixed one-way delay d apart (no jitter, zero service time), one key written
 * as a Poisson stream of rate w in region A and read in region B, async replication shipping
 * every write at once (stale-two-regions.json: w = 10/s, d = 50 ms). A read at time t is
 * stale exactly when some write was acknowledged in (t - d, t], i.e. it has not reached B
 * yet. So:
 *   - the stale-read rate is P(a Poisson stream has a point in a window d) = 1 - exp(-w d);
 *   - a stale read's staleness (how long ago the newest write was acknowledged) is the age
 *     of the last point before t, given that it is younger than d: an exponential truncated
 *     at d, with CDF (1 - exp(-w a)) / (1 - exp(-w d)), so its p-quantile is
 *     a_p = -ln(1 - p (1 - exp(-w d))) / w. */
#include <math.h>

#include "../mrsim_json.h"

#define W        10.0  /* writes per second */
#define D        0.050 /* one-way delay, s */
#define SCENARIO "tests/validation/stale-two-regions.json"
/* A batch of one entry is 64 (header) + 64 + 1024 (the entry) bytes; the replication stream
 * serialises it at the default 100 MB/s (NET_BANDWIDTH_DEFAULT) in 11.52 us before its
 * one-way delay. */
#define SER_MS 0.01152

static void test_stale_read_rate_is_one_minus_exp_minus_wd(void **state)
{
    (void)state;
    double rate = run_metric(SCENARIO, "stale_read_rate");
    double expect = 1.0 - exp(-W * D);
    print_message("stale-read rate %.4f, theory %.4f\n", rate, expect);
    assert_true(fabs(rate - expect) < 0.01);
}

static void test_staleness_p99_is_truncated_exponential(void **state)
{
    (void)state;
    double p99 = run_metric(SCENARIO, "staleness_p99_ms");
    double expect = -log(1.0 - 0.99 * (1.0 - exp(-W * D))) / W * 1000.0;
    print_message("staleness p99 %.3f ms, theory %.3f ms\n", p99, expect);
    assert_true(fabs(p99 - expect) / expect < 0.02);
}

static void test_replication_lag_is_the_one_way_delay(void **state)
{
    (void)state;
    /* Every write ships at once over a link with no jitter: lag is exactly d plus the
     * batch's serialisation. */
    assert_true(fabs(run_metric(SCENARIO, "repl_lag_p50_ms") - D * 1000) < 0.5);
    assert_true(fabs(run_metric(SCENARIO, "repl_lag_max_ms") - (D * 1000 + SER_MS)) < 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stale_read_rate_is_one_minus_exp_minus_wd),
        cmocka_unit_test(test_staleness_p99_is_truncated_exponential),
        cmocka_unit_test(test_replication_lag_is_the_one_way_delay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
