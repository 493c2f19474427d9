/* test_queueing.c - the whole program against queueing theory.
 *
 * One region with co-located clients (no network delay, no retries, a timeout longer than any
 * wait) is an M/G/c queue, so `mrsim run --json` must reproduce the textbook mean response
 * time: Erlang C for M/M/c, Pollaczek-Khinchine for M/D/1. The scenarios are in this folder;
 * each is long enough (millions of requests) that the sampling error of the mean response
 * time, large at utilisation 0.9 because successive waits are strongly correlated, stays
 * well inside the 2% tolerance. The program runs as a child process (MRSIM_BIN) and its JSON
 * is read back with cJSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

/* Run `mrsim run FILE --json` and return the whole-run metrics object's field 'name'. */
static double run_metric(const char *scenario, const char *name)
{
    const char *bin = getenv("MRSIM_BIN");
    const char *root = getenv("MRSIM_SOURCE_ROOT");
    assert_non_null(bin);
    assert_non_null(root);
    char db[] = "/tmp/mrsim-validation-XXXXXX";
    int fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' run '%s/tests/validation/%s' --json --quiet --db '%s'",
             bin, root, scenario, db);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (size_t n; (n = fread(out + len, 1, cap - len - 1, p)) > 0;) {
        len += n;
        if (cap - len < 1024) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    assert_int_equal(pclose(p), 0);
    unlink(db);

    cJSON *doc = cJSON_Parse(out);
    assert_non_null(doc);
    cJSON *runs = cJSON_GetObjectItemCaseSensitive(doc, "runs");
    cJSON *metrics = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 0), "metrics");
    cJSON *value = cJSON_GetObjectItemCaseSensitive(metrics, name);
    assert_true(cJSON_IsNumber(value));
    double v = value->valuedouble;
    cJSON_Delete(doc);
    free(out);
    return v;
}

/* Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a. */
static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 1.0;             /* a^k / k!, summed for k < c */
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double top = term * a / c / (1.0 - a / c);   /* a^c / c! / (1 - rho) */
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
    print_message("%-16s mean %.4f ms, theory %.4f ms, error %.2f%%\n", scenario, mean,
                  expect_ms, 100 * rel);
    assert_true(rel < 0.02);
}

static void test_mm1_rho50_matches_theory(void **state)
{
    (void)state;
    check("mm1-rho50.json", 1.0 / (1.0 - 0.5));              /* 1 / (mu - lambda) */
}

static void test_mm1_rho90_matches_theory(void **state)
{
    (void)state;
    check("mm1-rho90.json", 1.0 / (1.0 - 0.9));
}

static void test_mm8_rho90_matches_erlang_c(void **state)
{
    (void)state;
    check("mm8-rho90.json", mmc_response_ms(8, 7.2, 1.0));
}

static void test_mm16_rho90_matches_erlang_c(void **state)
{
    (void)state;
    check("mm16-rho90.json", mmc_response_ms(16, 14.4, 1.0));
}

static void test_md1_rho90_matches_pollaczek_khinchine(void **state)
{
    (void)state;
    /* W = D + rho * D / (2 (1 - rho)) for deterministic service D. */
    check("md1-rho90.json", 1.0 + 0.9 / (2 * (1 - 0.9)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mm1_rho50_matches_theory),
        cmocka_unit_test(test_mm1_rho90_matches_theory),
        cmocka_unit_test(test_mm8_rho90_matches_erlang_c),
        cmocka_unit_test(test_mm16_rho90_matches_erlang_c),
        cmocka_unit_test(test_md1_rho90_matches_pollaczek_khinchine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
