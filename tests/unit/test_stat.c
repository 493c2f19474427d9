/* test_stat.c - the histogram against exact quantiles of sorted data, merging, the extremes
 * of the range, the interval series (gaps, growth, allocation failure) and the 95% interval,
 * including its coverage over many replications.
 *
 * Random data comes from gsl_rng directly (mt19937 with fixed seeds), not from sim/rng.c, so
 * this test depends on the statistics module alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stat.h"

#define SAMPLES 200000

static const double quantiles[] = { 0, 0.5, 0.9, 0.99, 0.999, 1 };

static int cmp_time(const void *a, const void *b)
{
    sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
    return (x > y) - (x < y);
}

/* The exact q-quantile of sorted[0..n) by the histogram's rank rule. */
static sim_time exact_quantile(const sim_time *sorted, size_t n, double q)
{
    double want = ceil(q * (double)n);
    size_t rank = want < 1 ? 1 : want > (double)n ? n : (size_t)want;
    return sorted[rank - 1];
}

static stat_hist *hist_new(void)
{
    stat_hist *h = NULL;
    assert_int_equal(stat_hist_new(&h), 0);
    assert_non_null(h);
    return h;
}

/* Record v[0..n) and check every quantile of interest against the sorted data, within 1% (the
 * requirement) and within 1/256 (the documented bound: half a bucket of 1/128). */
static void check_quantiles(sim_time *v, size_t n)
{
    stat_hist *h = hist_new();
    for (size_t i = 0; i < n; i++)
        stat_hist_record(h, v[i]);
    qsort(v, n, sizeof *v, cmp_time);
    for (size_t k = 0; k < sizeof quantiles / sizeof quantiles[0]; k++) {
        double exact = (double)exact_quantile(v, n, quantiles[k]);
        double got = stat_hist_quantile(h, quantiles[k]);
        double rel = fabs(got - exact) / exact;
        if (rel > 1.0 / 256) /* implies the required 1% */
            fail_msg("q=%g: histogram %.1f, exact %.1f, relative error %g", quantiles[k], got,
                     exact, rel);
    }
    /* the extremes are bucket midpoints too, but never outside [min, max] */
    assert_true(stat_hist_quantile(h, 0) >= (double)v[0]);
    assert_true(stat_hist_quantile(h, 1) <= (double)v[n - 1]);
    stat_hist_free(h);
}

static void test_hist_quantiles_log_uniform(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    sim_time *v = malloc(SAMPLES * sizeof *v);
    assert_non_null(v);
    /* log-uniform over 1 us .. 1 h: every decade of the range gets the same share */
    double lo = log(1e3), hi = log(3.6e12);
    for (size_t i = 0; i < SAMPLES; i++)
        v[i] = (sim_time)llround(exp(lo + (hi - lo) * gsl_rng_uniform(r)));
    check_quantiles(v, SAMPLES);
    free(v);
    gsl_rng_free(r);
}

static void test_hist_quantiles_lognormal(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2);
    sim_time *v = malloc(SAMPLES * sizeof *v);
    assert_non_null(v);
    /* a service time: median 2 ms, sigma 1.2, so the tail reaches well past 100 ms */
    for (size_t i = 0; i < SAMPLES; i++)
        v[i] = (sim_time)llround(gsl_ran_lognormal(r, log(2e6), 1.2));
    check_quantiles(v, SAMPLES);
    free(v);
    gsl_rng_free(r);
}

static void test_hist_small_values_exact(void **state)
{
    (void)state;
    stat_hist *h = hist_new();
    for (sim_time v = 0; v < 256; v++)
        stat_hist_record(h, v);
    /* 256 values 0..255: rank ceil(q * 256) is value rank - 1 */
    assert_true(stat_hist_quantile(h, 0.5) == 127);
    assert_true(stat_hist_quantile(h, 0.9) == 230); /* rank ceil(230.4) = 231 */
    assert_true(stat_hist_quantile(h, 0) == 0);
    assert_true(stat_hist_quantile(h, 1) == 255);
    stat_hist_free(h);
}

static void test_hist_empty(void **state)
{
    (void)state;
    stat_hist *h = hist_new();
    assert_int_equal(stat_hist_count(h), 0);
    assert_true(stat_hist_mean(h) == 0);
    assert_int_equal(stat_hist_min(h), 0);
    assert_int_equal(stat_hist_max(h), 0);
    assert_true(stat_hist_quantile(h, 0.5) == 0);
    size_t   it = 0;
    sim_time lo, hi;
    uint64_t c;
    assert_false(stat_hist_next_bucket(h, &it, &lo, &hi, &c));
    stat_hist_free(h);
}

static void test_hist_min_max_mean_count_exact(void **state)
{
    (void)state;
    stat_hist     *h = hist_new();
    const sim_time v[] = { 1234567, 3, 1000, 999999937, 42 };
    int64_t        sum = 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        stat_hist_record(h, v[i]);
        sum += v[i];
    }
    assert_int_equal(stat_hist_count(h), 5);
    assert_int_equal(stat_hist_min(h), 3);
    assert_int_equal(stat_hist_max(h), 999999937);
    assert_true(stat_hist_mean(h) == (double)sum / 5);
    /* The sum of four INT64_MAX overflows 64 bits; the mean must still be exact. */
    stat_hist_reset(h);
    for (int i = 0; i < 4; i++)
        stat_hist_record(h, INT64_MAX);
    assert_true(stat_hist_mean(h) == (double)INT64_MAX);
    /* A mean with a fraction: (1 + 2) / 2 */
    stat_hist_reset(h);
    stat_hist_record(h, 1);
    stat_hist_record(h, 2);
    assert_true(stat_hist_mean(h) == 1.5);
    stat_hist_free(h);
}

static void test_hist_reset_empties(void **state)
{
    (void)state;
    stat_hist *h = hist_new();
    stat_hist_record(h, 5000);
    stat_hist_reset(h);
    assert_int_equal(stat_hist_count(h), 0);
    assert_int_equal(stat_hist_max(h), 0);
    stat_hist_record(h, 7);
    assert_int_equal(stat_hist_min(h), 7);
    assert_int_equal(stat_hist_max(h), 7);
    stat_hist_free(h);
}

static void test_hist_quantile_clamped_to_min_max(void **state)
{
    (void)state;
    stat_hist *h = hist_new();
    /* 1000003 lies in a bucket 8192 wide; a single value must come back as itself */
    stat_hist_record(h, 1000003);
    for (size_t k = 0; k < sizeof quantiles / sizeof quantiles[0]; k++)
        assert_true(stat_hist_quantile(h, quantiles[k]) == 1000003);
    /* q outside [0, 1] is treated as the nearest end */
    stat_hist_record(h, 5);
    assert_true(stat_hist_quantile(h, -1) == 5);
    assert_true(stat_hist_quantile(h, 2) == 1000003);
    stat_hist_free(h);
}

static void assert_hist_equal(const stat_hist *a, const stat_hist *b)
{
    assert_int_equal(stat_hist_count(a), stat_hist_count(b));
    assert_int_equal(stat_hist_min(a), stat_hist_min(b));
    assert_int_equal(stat_hist_max(a), stat_hist_max(b));
    assert_true(stat_hist_mean(a) == stat_hist_mean(b));
    size_t   ia = 0, ib = 0;
    sim_time loa, hia, lob, hib;
    uint64_t ca, cb;
    for (;;) {
        bool more_a = stat_hist_next_bucket(a, &ia, &loa, &hia, &ca);
        bool more_b = stat_hist_next_bucket(b, &ib, &lob, &hib, &cb);
        assert_int_equal(more_a, more_b);
        if (!more_a)
            break;
        assert_int_equal(loa, lob);
        assert_int_equal(hia, hib);
        assert_int_equal(ca, cb);
    }
    for (size_t k = 0; k < sizeof quantiles / sizeof quantiles[0]; k++)
        assert_true(stat_hist_quantile(a, quantiles[k]) == stat_hist_quantile(b, quantiles[k]));
}

static void test_hist_merge_equals_recording_all(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    stat_hist *a = hist_new(), *b = hist_new(), *all = hist_new(), *empty = hist_new();
    for (int i = 0; i < 20000; i++) {
        sim_time v = (sim_time)llround(gsl_ran_lognormal(r, log(5e6), 1.0));
        stat_hist_record(i % 3 ? a : b, v);
        stat_hist_record(all, v);
    }
    stat_hist_record(b, 0); /* b holds the smallest value */
    stat_hist_record(all, 0);
    stat_hist_merge(a, b);
    assert_hist_equal(a, all);
    /* merging an empty one changes nothing; merging into an empty one copies */
    stat_hist_merge(a, empty);
    assert_hist_equal(a, all);
    stat_hist_merge(empty, all);
    assert_hist_equal(empty, all);
    /* merging a histogram into itself doubles every count ('empty' now equals 'all') */
    stat_hist_merge(all, all);
    stat_hist_merge(a, empty);
    assert_hist_equal(all, a);
    assert_int_equal(stat_hist_count(all), 2 * stat_hist_count(empty));
    stat_hist_free(a);
    stat_hist_free(b);
    stat_hist_free(all);
    stat_hist_free(empty);
    gsl_rng_free(r);
}

static void test_hist_zero_and_int64_max(void **state)
{
    (void)state;
    stat_hist *h = hist_new();
    stat_hist_record(h, 0);
    stat_hist_record(h, INT64_MAX);
    assert_int_equal(stat_hist_count(h), 2);
    assert_int_equal(stat_hist_min(h), 0);
    assert_int_equal(stat_hist_max(h), INT64_MAX);
    assert_true(stat_hist_quantile(h, 0) == 0);
    assert_true(stat_hist_quantile(h, 0.5) == 0);
    /* the midpoint of the top bucket, 2^63 - 2^54 - 0.5, within half a bucket of the max */
    double top = stat_hist_quantile(h, 1);
    assert_true(top <= (double)INT64_MAX);
    assert_true(((double)INT64_MAX - top) / (double)INT64_MAX <= 1.0 / 256);
    size_t   it = 0;
    sim_time lo, hi;
    uint64_t c;
    assert_true(stat_hist_next_bucket(h, &it, &lo, &hi, &c));
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 1);
    assert_int_equal(c, 1);
    /* the top bucket: [255 << 55, 2^63), reported with hi saturated at SIM_TIME_MAX */
    assert_true(stat_hist_next_bucket(h, &it, &lo, &hi, &c));
    assert_int_equal(lo, (sim_time)255 << 55);
    assert_int_equal(hi, SIM_TIME_MAX);
    assert_int_equal(c, 1);
    assert_false(stat_hist_next_bucket(h, &it, &lo, &hi, &c));
    assert_false(stat_hist_next_bucket(h, &it, &lo, &hi, &c)); /* and it stays finished */
    stat_hist_free(h);
}

static void test_hist_negative_recorded_as_zero(void **state)
{
    (void)state;
    stat_hist *h = hist_new();
    stat_hist_record(h, -5);
    stat_hist_record(h, INT64_MIN);
    assert_int_equal(stat_hist_count(h), 2);
    assert_int_equal(stat_hist_min(h), 0);
    assert_int_equal(stat_hist_max(h), 0);
    assert_true(stat_hist_mean(h) == 0);
    assert_true(stat_hist_quantile(h, 1) == 0);
    stat_hist_free(h);
}

/* The one bucket of a histogram holding only v must contain v and be at most 1/128 of it. */
static void check_bucket_of(stat_hist *h, sim_time v)
{
    stat_hist_reset(h);
    stat_hist_record(h, v);
    size_t   it = 0;
    sim_time lo, hi;
    uint64_t c;
    assert_true(stat_hist_next_bucket(h, &it, &lo, &hi, &c));
    assert_int_equal(c, 1);
    if (v < lo || (v >= hi && hi != SIM_TIME_MAX))
        fail_msg("value %lld outside its bucket [%lld, %lld)", (long long)v, (long long)lo,
                 (long long)hi);
    if (v < 256)
        assert_int_equal(hi - lo, 1);
    else if ((double)(hi - lo) > (double)lo / 128)
        fail_msg("bucket [%lld, %lld) wider than 1/128", (long long)lo, (long long)hi);
    assert_false(stat_hist_next_bucket(h, &it, &lo, &hi, &c));
}

static void test_hist_bucket_bounds_contain_values(void **state)
{
    (void)state;
    stat_hist *h = hist_new();
    for (sim_time v = 0; v < 5000; v++)
        check_bucket_of(h, v);
    for (int b = 8; b < 63; b++) {
        sim_time p = (sim_time)1 << b;
        check_bucket_of(h, p - 1);
        check_bucket_of(h, p);
        check_bucket_of(h, p + 1);
        check_bucket_of(h, p + p / 3);
    }
    check_bucket_of(h, INT64_MAX);
    stat_hist_free(h);
}

static void test_hist_iteration_sums_to_count(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4);
    stat_hist *h = hist_new();
    sim_time   vmin = INT64_MAX, vmax = 0;
    for (int i = 0; i < 50000; i++) {
        sim_time v = (sim_time)llround(exp(log(1e3) + 25 * gsl_rng_uniform(r)));
        vmin = v < vmin ? v : vmin;
        vmax = v > vmax ? v : vmax;
        stat_hist_record(h, v);
    }
    size_t   it = 0, buckets = 0;
    sim_time lo, hi, prev_hi = 0;
    uint64_t c, total = 0;
    while (stat_hist_next_bucket(h, &it, &lo, &hi, &c)) {
        assert_true(c > 0);
        assert_true(lo < hi);
        assert_true(lo >= prev_hi); /* ascending and disjoint */
        if (buckets == 0)
            assert_true(vmin >= lo && vmin < hi);
        prev_hi = hi;
        total += c;
        buckets++;
    }
    assert_true(vmax >= lo && vmax < hi); /* the last bucket holds the max */
    assert_int_equal(total, stat_hist_count(h));
    assert_true(buckets > 100);
    stat_hist_free(h);
    gsl_rng_free(r);
}

static void test_hist_new_out_of_memory(void **state)
{
    (void)state;
    stat_hist *h = NULL;
    sim_alloc_fail_at(1);
    assert_int_equal(stat_hist_new(&h), SIM_ENOMEM);
    assert_null(h);
    /* recording allocates nothing */
    sim_alloc_fail_at(0);
    h = hist_new();
    sim_alloc_fail_at(0);
    for (int i = 0; i < 1000; i++)
        stat_hist_record(h, (sim_time)i * 1000003);
    assert_int_equal(sim_alloc_fail_at(0), 0);
    stat_hist_free(h);
    stat_hist_free(NULL);
}

/* --- series ------------------------------------------------------------------------ */

static void assert_cell(const stat_series *s, size_t i, uint64_t count, double sum, double max)
{
    uint64_t c;
    double   su, mx;
    stat_series_get(s, i, &c, &su, &mx);
    assert_int_equal(c, count);
    assert_true(su == sum);
    assert_true(mx == max);
}

static void test_series_counts_sums_max_and_gaps(void **state)
{
    (void)state;
    stat_series *s = NULL;
    assert_int_equal(stat_series_new(SIM_S, &s), 0);
    assert_int_equal(stat_series_interval(s), SIM_S);
    assert_int_equal(stat_series_len(s), 0);
    assert_int_equal(stat_series_add(s, 0, 1.0), 0);
    assert_int_equal(stat_series_add(s, SIM_S / 2, 3.0), 0);
    assert_int_equal(stat_series_add(s, SIM_S - 1, 0.5), 0);
    assert_int_equal(stat_series_add(s, SIM_S, 2.0), 0); /* the boundary opens interval 1 */
    assert_int_equal(stat_series_add(s, 3 * SIM_S + 5, -4.0), 0);
    assert_int_equal(stat_series_add(s, 3 * SIM_S + 6, -2.0), 0);
    assert_int_equal(stat_series_len(s), 4);
    assert_cell(s, 0, 3, 4.5, 3.0);
    assert_cell(s, 1, 1, 2.0, 2.0);
    assert_cell(s, 2, 0, 0, 0);       /* a gap */
    assert_cell(s, 3, 2, -6.0, -2.0); /* the max of negative values is not 0 */
    assert_cell(s, 4, 0, 0, 0);       /* past the end */
    assert_cell(s, 1000, 0, 0, 0);
    /* adding to an earlier interval does not shorten the series */
    assert_int_equal(stat_series_add(s, 0, 10.0), 0);
    assert_int_equal(stat_series_len(s), 4);
    assert_cell(s, 0, 4, 14.5, 10.0);
    stat_series_free(s);
    stat_series_free(NULL);
}

static void test_series_grows(void **state)
{
    (void)state;
    stat_series *s = NULL;
    assert_int_equal(stat_series_new(10 * SIM_MS, &s), 0);
    for (size_t i = 0; i < 5000; i += 3)
        assert_int_equal(stat_series_add(s, (sim_time)i * 10 * SIM_MS + 1, (double)i), 0);
    assert_int_equal(stat_series_len(s), 4999);
    for (size_t i = 0; i < 4999; i++) {
        if (i % 3 == 0)
            assert_cell(s, i, 1, (double)i, (double)i);
        else
            assert_cell(s, i, 0, 0, 0);
    }
    /* a far jump grows in one step */
    assert_int_equal(stat_series_add(s, 100000 * 10 * SIM_MS, 7.0), 0);
    assert_int_equal(stat_series_len(s), 100001);
    assert_cell(s, 100000, 1, 7.0, 7.0);
    assert_cell(s, 50000, 0, 0, 0);
    stat_series_free(s);
}

static void test_series_out_of_memory_leaves_series_intact(void **state)
{
    (void)state;
    stat_series *s = NULL;
    sim_alloc_fail_at(1);
    assert_int_equal(stat_series_new(SIM_S, &s), SIM_ENOMEM);
    assert_null(s);
    sim_alloc_fail_at(0);
    assert_int_equal(stat_series_new(SIM_S, &s), 0);
    /* the first add allocates the cells */
    sim_alloc_fail_at(1);
    assert_int_equal(stat_series_add(s, 0, 1.0), SIM_ENOMEM);
    assert_int_equal(stat_series_len(s), 0);
    sim_alloc_fail_at(0);
    assert_int_equal(stat_series_add(s, 2 * SIM_S, 1.5), 0);
    /* a later growth fails: nothing recorded, the old intervals still there */
    sim_alloc_fail_at(1);
    assert_int_equal(stat_series_add(s, 1000 * SIM_S, 9.0), SIM_ENOMEM);
    sim_alloc_fail_at(0);
    assert_int_equal(stat_series_len(s), 3);
    assert_cell(s, 2, 1, 1.5, 1.5);
    assert_cell(s, 1000, 0, 0, 0);
    /* and the series still works afterwards */
    assert_int_equal(stat_series_add(s, 1000 * SIM_S, 9.0), 0);
    assert_int_equal(stat_series_len(s), 1001);
    assert_cell(s, 1000, 1, 9.0, 9.0);
    assert_cell(s, 2, 1, 1.5, 1.5);
    /* a size that cannot be allocated at all is SIM_ENOMEM too, not a crash */
    stat_series *tiny = NULL;
    assert_int_equal(stat_series_new(1, &tiny), 0);
    assert_int_equal(stat_series_add(tiny, INT64_MAX, 1.0), SIM_ENOMEM);
    assert_int_equal(stat_series_len(tiny), 0);
    stat_series_free(tiny);
    stat_series_free(s);
}

static void test_series_new_rejects_bad_interval(void **state)
{
    (void)state;
    stat_series *s = NULL;
    assert_int_equal(stat_series_new(0, &s), SIM_EINVAL);
    assert_int_equal(stat_series_new(-SIM_S, &s), SIM_EINVAL);
    assert_null(s);
}

/* --- confidence intervals ---------------------------------------------------------- */

static void test_ci95_hand_computed(void **state)
{
    (void)state;
    const double x[] = { 1, 2, 3, 4, 5 };
    double       mean = -1, hw = -1;
    assert_int_equal(stat_ci95(x, 5, &mean, &hw), 0);
    assert_true(mean == 3);
    /* s^2 = 10 / 4 = 2.5; t(0.975, 4) = 2.776445 (to 6 decimals) */
    double expect = 2.776445 * sqrt(2.5) / sqrt(5);
    assert_true(fabs(hw - expect) < 1e-6);
    /* n = 2: t(0.975, 1) = 12.706205, s = sqrt(2), so the half-width is t itself */
    const double y[] = { 0, 2 };
    assert_int_equal(stat_ci95(y, 2, &mean, &hw), 0);
    assert_true(mean == 1);
    assert_true(fabs(hw - 12.706205) < 1e-6);
    /* identical values: zero width */
    const double z[] = { 7, 7, 7 };
    assert_int_equal(stat_ci95(z, 3, &mean, &hw), 0);
    assert_true(mean == 7);
    assert_true(hw == 0);
}

static void test_ci95_single_and_empty(void **state)
{
    (void)state;
    const double x[] = { 42.5 };
    double       mean = -1, hw = -1;
    assert_int_equal(stat_ci95(x, 1, &mean, &hw), 0);
    assert_true(mean == 42.5);
    assert_true(hw == 0);
    mean = -1;
    hw = -1;
    assert_int_equal(stat_ci95(x, 0, &mean, &hw), SIM_EINVAL);
    assert_true(mean == -1); /* untouched on error */
    assert_true(hw == -1);
}

/* The interval is only useful if it means what it says: over 2000 experiments of 10 normal
 * replications, the true mean falls inside about 95% of the intervals. The binomial standard
 * deviation is 0.49%, so 93%..97% is a 4-sigma band; the seed is fixed, so the test is
 * deterministic anyway. */
static void test_ci95_coverage(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    const double mu = 50, sigma = 8;
    const int    trials = 2000;
    int          covered = 0;
    for (int t = 0; t < trials; t++) {
        double x[10];
        for (int i = 0; i < 10; i++)
            x[i] = mu + gsl_ran_gaussian(r, sigma);
        double mean, hw;
        assert_int_equal(stat_ci95(x, 10, &mean, &hw), 0);
        covered += fabs(mean - mu) <= hw;
    }
    double rate = (double)covered / trials;
    if (rate < 0.93 || rate > 0.97)
        fail_msg("coverage %.4f outside [0.93, 0.97]", rate);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_quantiles_log_uniform),
        cmocka_unit_test(test_hist_quantiles_lognormal),
        cmocka_unit_test(test_hist_small_values_exact),
        cmocka_unit_test(test_hist_empty),
        cmocka_unit_test(test_hist_min_max_mean_count_exact),
        cmocka_unit_test(test_hist_reset_empties),
        cmocka_unit_test(test_hist_quantile_clamped_to_min_max),
        cmocka_unit_test(test_hist_merge_equals_recording_all),
        cmocka_unit_test(test_hist_zero_and_int64_max),
        cmocka_unit_test(test_hist_negative_recorded_as_zero),
        cmocka_unit_test(test_hist_bucket_bounds_contain_values),
        cmocka_unit_test(test_hist_iteration_sums_to_count),
        cmocka_unit_test(test_hist_new_out_of_memory),
        cmocka_unit_test(test_series_counts_sums_max_and_gaps),
        cmocka_unit_test(test_series_grows),
        cmocka_unit_test(test_series_out_of_memory_leaves_series_intact),
        cmocka_unit_test(test_series_new_rejects_bad_interval),
        cmocka_unit_test(test_ci95_hand_computed),
        cmocka_unit_test(test_ci95_single_and_empty),
        cmocka_unit_test(test_ci95_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
