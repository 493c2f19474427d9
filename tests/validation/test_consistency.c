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
 *     a_p = -ln(1 - p (1 - exp(-w d))) / w.
 *
 * Read-your-writes (ryw-think-time.json): a primary a and a replica b, the replication link
 * D = 100 ms one way, clients at b and at zero distance from a, zero service time, no cache,
 * read-local with no ryw_window. S = 10 users share rate 100/s, so each is a Poisson stream
 * of rate mu = 10/s (exponential think times); reads are r = 1/2 of requests, so a user's
 * writes are a Poisson stream of rate nu = mu (1 - r) = 5/s, acknowledged at once. A read
 * re-reads, with probability q = 1/2, one of the user's last W = 4 written keys, drawn
 * uniformly; it is served by b at once and misses its write exactly when that write was
 * acknowledged less than D before. The j-th most recent write's age at a read is the sum of
 * j exponential gaps of rate nu (memoryless, looking back from the read), Gamma(j, nu), so
 *     P(RYW violation per read) = q (1/W) sum_{j=1..W} P(Gamma(j, nu) < D)
 *                               = q (1/W) sum_j (1 - sum_{i<j} e^{-nu D} (nu D)^i / i!)
 * = 0.0625 (reads of other keys, 1 in 100,000 of them a user's own, add nothing visible).
 * With a 1 s window the user's reads within 1 s of a write go to the primary and none miss. */
#include <math.h>

#include "../mrsim_json.h"

#define W        10.0  /* writes per second */
#define D        0.050 /* one-way delay, s */
#define SCENARIO "tests/validation/stale-two-regions.json"

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
    /* Every write ships at once over a link with no jitter: lag is exactly d. */
    assert_true(fabs(run_metric(SCENARIO, "repl_lag_p50_ms") - D * 1000) < 0.5);
    assert_true(fabs(run_metric(SCENARIO, "repl_lag_max_ms") - D * 1000) < 1e-6);
}

#define RYW_SCENARIO "tests/validation/ryw-think-time.json"

static void test_ryw_violation_rate_is_gamma_think_time(void **state)
{
    (void)state;
    const double nu = 10.0 * 0.5, d = 0.100, q = 0.5;
    const int    w = 4;
    double       p = 0, term = 1, sum = 0; /* sum: sum_{i<j} (nu d)^i / i! */
    for (int j = 1; j <= w; j++) {
        sum += term;
        term *= nu * d / j;
        p += 1.0 - exp(-nu * d) * sum;
    }
    double expect = q * p / w;
    double rate = run_metric_args(RYW_SCENARIO, "--pattern read-local", "ryw_violations")
        / run_metric_args(RYW_SCENARIO, "--pattern read-local", "reads");
    print_message("RYW violation rate %.4f, theory %.4f\n", rate, expect);
    /* About 59,000 reads: one standard deviation is 0.001. */
    assert_true(fabs(rate - expect) < 0.005);
    assert_true(run_metric_args(RYW_SCENARIO, "--pattern read-local-window", "ryw_violations")
                == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stale_read_rate_is_one_minus_exp_minus_wd),
        cmocka_unit_test(test_staleness_p99_is_truncated_exponential),
        cmocka_unit_test(test_replication_lag_is_the_one_way_delay),
        cmocka_unit_test(test_ryw_violation_rate_is_gamma_think_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
