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
 * With jitter (stale-jitter-two-regions.json): the same, but the link A-B adds exponential
 * jitter of mean 1/lambda to every message on it (a link_degrade for the whole run, so that
 * the clients' own messages stay exact), and replication runs over a FIFO stream: write k,
 * acknowledged at t_k, is applied at B at D_k = max(t_k + d0 + J_k, D_{k-1}). A read at a
 * random time t is stale iff the newest write acknowledged by t has not been applied at B
 * (in order: if it has, so have all before it, and the read returns its version or a newer
 * one). When the jitter is much smaller than the gap between writes the max almost never
 * binds, and D_k = t_k + d0 + J_k. The age A = t - t_k of the newest write before a random
 * time is exponential with rate w (Poisson arrivals seen backwards), independent of J_k, so
 *   P(stale) = P(A < d0 + J) = 1 - E[exp(-w (d0 + J))] = 1 - exp(-w d0) E[exp(-w J)]
 *            = 1 - exp(-w d0) lambda / (lambda + w),
 * E[exp(-w J)] being the Laplace transform of the exponential at w. The test checks the
 * simulator against both this closed form and a Monte-Carlo of the exact FIFO recurrence
 * (with the max) written here, independently of the simulator. w = 10/s, d0 = 40 ms and
 * 1/lambda = 5 ms (a twentieth of the mean gap): the closed form is 0.3616 and the max moves
 * it by under 0.001; one simulated hour has a standard error of about 0.002. d0 includes the
 * stream's serialisation of each one-entry batch (SER_MS below).
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
/* A batch of one entry is 64 (header) + 64 + 1024 (the entry) bytes; the replication stream
 * serialises it at the default 100 MB/s (NET_BANDWIDTH_DEFAULT) in 11.52 us before its
 * one-way delay. */
#define SER_MS 0.01152

#define JW        10.0  /* writes per second */
#define JD0       0.040 /* constant one-way delay, s */
#define JMEAN     0.005 /* mean jitter 1 / lambda, s */
#define JSCENARIO "tests/validation/stale-jitter-two-regions.json"

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

/* splitmix64 (Steele, Lea and Flood 2014): the Monte-Carlo's own generator, so that it
 * shares nothing with the simulator's streams. */
static uint64_t mc_state = 0x5eed;
static double   mc_uniform(void)
{
    uint64_t z = (mc_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0; /* (0, 1) */
}
static double mc_exponential(double mean) { return -mean * log(mc_uniform()); }

/* The stale fraction of time of a FIFO stream: writes at Poisson rate w, write k applied at
 * D_k = max(t_k + d0 + J_k, D_{k-1}); between t_k and t_{k+1} the newest write is k and a
 * read is stale until D_k. */
static double fifo_monte_carlo(double w, double d0, double mean_jitter, long writes)
{
    double t = 0, prev = 0, stale = 0;
    for (long k = 0; k < writes; k++) {
        double gap = mc_exponential(1.0 / w);
        double d = t + d0 + mc_exponential(mean_jitter);
        if (d < prev)
            d = prev;
        prev = d;
        stale += d - t < gap ? d - t : gap;
        t += gap;
    }
    return stale / t;
}

static void test_stale_reads_with_jitter_match_fifo_monte_carlo_and_closed_form(void **state)
{
    (void)state;
    double d0 = JD0 + SER_MS / 1000, lambda = 1.0 / JMEAN;
    double closed = 1.0 - exp(-JW * d0) * lambda / (lambda + JW);
    double mc = fifo_monte_carlo(JW, d0, JMEAN, 4000000);
    double sim = run_metric(JSCENARIO, "stale_read_rate");
    print_message("stale-read rate with jitter: simulator %.4f, FIFO Monte-Carlo %.4f, closed "
                  "form %.4f\n",
                  sim, mc, closed);
    assert_true(fabs(mc - closed) < 0.01); /* jitter << gap: the max hardly binds */
    assert_true(fabs(sim - mc) < 0.01);
    assert_true(fabs(sim - closed) < 0.01);
}

/* In order, with jitter: the lag is d0 plus the jitter, never the resend timeout of a
 * receiver that dropped a batch which overtook another (p99 of d0 + J: d0 + ln(100)/lambda =
 * 63 ms; waiting behind an earlier batch adds little). */
static void test_replication_lag_with_jitter_is_the_delay(void **state)
{
    (void)state;
    double p99 = run_metric(JSCENARIO, "repl_lag_p99_ms");
    double expect = (JD0 + log(100.0) * JMEAN) * 1000 + SER_MS;
    print_message("lag p99 with jitter %.3f ms, d0 + jitter p99 %.3f ms\n", p99, expect);
    assert_true(fabs(p99 - expect) < 2.0);
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
        cmocka_unit_test(test_stale_reads_with_jitter_match_fifo_monte_carlo_and_closed_form),
        cmocka_unit_test(test_replication_lag_with_jitter_is_the_delay),
        cmocka_unit_test(test_ryw_violation_rate_is_gamma_think_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
