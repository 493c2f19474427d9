/* test_queueing.c - the whole program against queueing theory.
 *
 * One region with co-located clients (no network delay, no retries, a timeout longer than any
 * wait) is an M/G/c queue, so `mrsim run --json` must reproduce the textbook mean response
 * time: Erlang C for M/M/c, Pollaczek-Khinchine for M/D/1. The scenarios are in this folder;
 * each is long enough (millions of requests) that the sampling error of the mean response
 * time, large at utilisation 0.9 because successive waits are strongly correlated, stays
 * well inside the 2% tolerance. The program runs as a child process (mrsim_json.h). */
#include <math.h>

#include "../mrsim_json.h"

/* Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a. */
static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 1.0; /* a^k / k!, summed for k < c */
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double top = term * a / c / (1.0 - a / c); /* a^c / c! / (1 - rho) */
    return top / (sum + top);
}

/* Mean response time of M/M/c in ms, arrival rate lambda and service rate mu per ms. */
static double mmc_response_ms(int c, double lambda, double mu)
{
    return erlang_c(c, lambda / mu) / (c * mu - lambda) + 1.0 / mu;
}

static void check(const char *scenario, double expect_ms)
{
    double mean = run_metric(scenario, "mean_ms");
    double rel = fabs(mean - expect_ms) / expect_ms;
    print_message("%-34s mean %.4f ms, theory %.4f ms, error %.2f%%\n", scenario, mean, expect_ms,
                  100 * rel);
    assert_true(rel < 0.02);
}

static void test_mm1_rho50_matches_theory(void **state)
{
    (void)state;
    check("tests/validation/mm1-rho50.json", 1.0 / (1.0 - 0.5)); /* 1 / (mu - lambda) */
}

static void test_mm1_rho90_matches_theory(void **state)
{
    (void)state;
    check("tests/validation/mm1-rho90.json", 1.0 / (1.0 - 0.9));
}

static void test_mm8_rho90_matches_erlang_c(void **state)
{
    (void)state;
    check("tests/validation/mm8-rho90.json", mmc_response_ms(8, 7.2, 1.0));
}

static void test_mm16_rho90_matches_erlang_c(void **state)
{
    (void)state;
    check("tests/validation/mm16-rho90.json", mmc_response_ms(16, 14.4, 1.0));
}

static void test_md1_rho90_matches_pollaczek_khinchine(void **state)
{
    (void)state;
    /* W = D + rho * D / (2 (1 - rho)) for deterministic service D. */
    check("tests/validation/md1-rho90.json", 1.0 + 0.9 / (2 * (1 - 0.9)));
}

/* Applies cost servers: three regions each taking lambda = 1.5 writes/ms on 8 servers of
 * mean service 1 ms. Under active-active each region also applies the other two regions'
 * writes, shipped one at a time ("batch": "0ms"), each an apply job of one entry with the
 * write's service time. Each origin's writes are Poisson and the network delay shifts them
 * without thinning, so a region sees Poisson arrivals at 3 lambda = 4.5/ms: utilisation
 * three times independent's, and the client writes' mean response time that of M/M/8 at
 * 4.5/ms (every job, client write or apply, has the same exponential service). */
static void test_applies_triple_the_load_as_mm8_predicts(void **state)
{
    (void)state;
    const char *scn = "tests/validation/applies-three-regions.json";
    double      own = run_metric_args(scn, "--pattern independent", "utilization");
    double      all = run_metric_args(scn, "--pattern active-active", "utilization");
    double      mean = run_metric_args(scn, "--pattern active-active", "mean_ms");
    double      want_util = 4.5 / 8, want_mean = mmc_response_ms(8, 4.5, 1.0);
    print_message("utilisation %.4f independent, %.4f active-active (ratio %.3f; M/M/8 %.4f); "
                  "write mean %.4f ms (M/M/8 %.4f ms)\n",
                  own, all, all / own, want_util, mean, want_mean);
    assert_true(fabs(all / own - 3) / 3 < 0.05);
    assert_true(fabs(all - want_util) / want_util < 0.02);
    assert_true(fabs(mean - want_mean) / want_mean < 0.02);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mm1_rho50_matches_theory),
        cmocka_unit_test(test_mm1_rho90_matches_theory),
        cmocka_unit_test(test_mm8_rho90_matches_erlang_c),
        cmocka_unit_test(test_mm16_rho90_matches_erlang_c),
        cmocka_unit_test(test_md1_rho90_matches_pollaczek_khinchine),
        cmocka_unit_test(test_applies_triple_the_load_as_mm8_predicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
