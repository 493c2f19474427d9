/* test_dist.c - the distributions of dist.h: moments of a million draws against theory, the
 * checks with their paths and messages, time conversion and clamping, and allocation failure.
 *
 * Statistical checks allow 5 standard errors: the standard error of the sample mean is
 * sqrt(var/n), that of the sample variance sqrt((mu4 - var^2)/n), with the fourth central
 * moment mu4 worked out here independently of dist.c (parameters are chosen so that it is
 * finite). Streams are seeded, so each check passes or fails the same way every time; 5 SE
 * keeps a fresh seed from failing by chance (about 6e-7 per check). The analytic values are
 * computed here from textbook formulas and compared with dist_mean()/dist_variance() too.
 * Set MRSIM_TEST_VERBOSE=1 to see the z-scores. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "dist.h"

#define DRAWS 1000000
#define MAX_Z 5.0

static bool verbose(void)
{
    const char *v = getenv("MRSIM_TEST_VERBOSE");
    return v && *v && strcmp(v, "0") != 0;
}

static void assert_close(double got, double want, double rel)
{
    double tol = rel * fmax(fabs(want), 1e-300);
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g, want %.17g (relative tolerance %g)", got, want, rel);
}

static dist *make(const dist_spec *spec)
{
    dist   *d = NULL;
    sim_err err = { 0 };
    int     rc = dist_new(spec, &d, &err);
    if (rc != 0)
        fail_msg("dist_new(%s): %d %s: %s", dist_kind_name(spec->kind), rc, err.path, err.msg);
    return d;
}

/* Draw DRAWS values from a stream named after the test and compare the sample mean and
 * variance (Welford's update, which does not cancel) with the theory. */
static void check_moments(const char *label, const dist_spec *spec, double mean, double var,
                          double mu4)
{
    dist *d = make(spec);
    assert_close(dist_mean(d), mean, 1e-12);
    assert_close(dist_variance(d), var, 1e-10);

    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(20240601, label, &r), 0);
    double m = 0, m2 = 0;
    for (long i = 1; i <= DRAWS; i++) {
        double x = dist_sample(d, r);
        double delta = x - m;
        m += delta / (double)i;
        m2 += delta * (x - m);
    }
    double v = m2 / (DRAWS - 1);
    double se_mean = sqrt(var / DRAWS);
    double se_var = sqrt((mu4 - var * var) / DRAWS);
    double z_mean = (m - mean) / se_mean, z_var = (v - var) / se_var;
    if (verbose())
        print_message("%-24s mean %.6g (want %.6g, z %+.2f)  var %.6g (want %.6g, z %+.2f)\n",
                      label, m, mean, z_mean, v, var, z_var);
    if (!(fabs(z_mean) <= MAX_Z))
        fail_msg("%s: sample mean %.9g, want %.9g: %.2f standard errors", label, m, mean, z_mean);
    if (!(fabs(z_var) <= MAX_Z))
        fail_msg("%s: sample variance %.9g, want %.9g: %.2f standard errors", label, v, var, z_var);
    assert_int_equal(dist_clamped(d), 0);
    sim_rng_free(r);
    dist_free(d);
}

/* The fourth central moment from raw moments e1..e4 (fine when the mean is not large against
 * the spread, as in the parameters below). */
static double mu4_from_raw(double e1, double e2, double e3, double e4)
{
    return e4 - 4 * e1 * e3 + 6 * e1 * e1 * e2 - 3 * e1 * e1 * e1 * e1;
}

static void test_dist_uniform_moments(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_UNIFORM, .min = 2, .max = 10 };
    double    w = 8;
    check_moments("uniform", &s, 6, w * w / 12, w * w * w * w / 80);
}

static void test_dist_exponential_moments(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_EXPONENTIAL, .mean = 3 };
    check_moments("exponential", &s, 3, 9, 9 * 81);
}

static void test_dist_normal_moments(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_NORMAL, .mean = 5, .sd = 2 };
    check_moments("normal", &s, 5, 4, 3 * 16);
}

/* Lognormal with mu, sigma of log X: var = (e^s2 - 1) e^(2 mu + s2), kurtosis
 * e^4s2 + 2 e^3s2 + 3 e^2s2 - 3. */
static void lognormal_theory(double mu, double sigma, double *mean, double *var, double *mu4)
{
    double s2 = sigma * sigma;
    *mean = exp(mu + s2 / 2);
    *var = (exp(s2) - 1) * exp(2 * mu + s2);
    *mu4 = *var * *var * (exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 3);
}

static void test_dist_lognormal_median_moments(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_LOGNORMAL, .median = 2, .sigma = 0.5 };
    double    mean, var, mu4;
    lognormal_theory(log(2), 0.5, &mean, &var, &mu4);
    check_moments("lognormal", &s, mean, var, mu4);
}

static void test_dist_lognormal_by_mean_moments(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_LOGNORMAL, .by_mean = true, .mean = 10, .sd = 4 };
    double    sigma = sqrt(log(1 + 16.0 / 100)), mu = log(10) - sigma * sigma / 2;
    double    mean, var, mu4;
    lognormal_theory(mu, sigma, &mean, &var, &mu4);
    assert_close(mean, 10, 1e-12); /* the parameterisation itself */
    assert_close(var, 16, 1e-12);
    check_moments("lognormal by mean", &s, 10, 16, mu4);
    /* sd 0 is a point mass at the mean. */
    dist_spec p = { .kind = DIST_LOGNORMAL, .by_mean = true, .mean = 7, .sd = 0 };
    dist     *d = make(&p);
    sim_rng  *r = NULL;
    assert_int_equal(sim_rng_new(1, "lognormal point", &r), 0);
    for (int i = 0; i < 100; i++)
        assert_close(dist_sample(d, r), 7, 1e-15);
    sim_rng_free(r);
    dist_free(d);
}

/* Gamma(k, theta): var k theta^2, excess kurtosis 6/k. Shape 0.5 takes GSL's k < 1 branch. */
static void test_dist_gamma_moments(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_GAMMA, .shape = 2.5, .scale = 3 };
    double    var = 2.5 * 9;
    check_moments("gamma", &s, 7.5, var, var * var * (3 + 6 / 2.5));
    dist_spec t = { .kind = DIST_GAMMA, .shape = 0.5, .scale = 2 };
    check_moments("gamma small shape", &t, 1, 2, 4 * (3 + 6 / 0.5));
}

static void weibull_check(const char *label, double k, double lambda)
{
    double e[5];
    for (int j = 1; j <= 4; j++)
        e[j] = pow(lambda, j) * tgamma(1 + j / k);
    dist_spec s = { .kind = DIST_WEIBULL, .shape = k, .scale = lambda };
    check_moments(label, &s, e[1], e[2] - e[1] * e[1], mu4_from_raw(e[1], e[2], e[3], e[4]));
}

static void test_dist_weibull_moments(void **state)
{
    (void)state;
    weibull_check("weibull", 1.5, 4);
    weibull_check("weibull steep", 3, 0.5);
}

/* Pareto(alpha, xm): E[X^j] = alpha xm^j / (alpha - j) for alpha > j; alpha 6 keeps the
 * fourth moment (and, for a well-behaved sample variance, the sixth) finite. */
static void test_dist_pareto_moments(void **state)
{
    (void)state;
    double al = 6, xm = 2, e[5];
    for (int j = 1; j <= 4; j++)
        e[j] = al * pow(xm, j) / (al - j);
    dist_spec s = { .kind = DIST_PARETO, .shape = al, .scale = xm };
    check_moments("pareto", &s, e[1], e[2] - e[1] * e[1], mu4_from_raw(e[1], e[2], e[3], e[4]));
}

static void test_dist_pareto_heavy_tail_moments_infinite(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_PARETO, .shape = 1, .scale = 3 };
    dist     *d = make(&s);
    assert_true(isinf(dist_mean(d)) && dist_mean(d) > 0);
    assert_true(isinf(dist_variance(d)) && dist_variance(d) > 0);
    dist_free(d);
    s.shape = 2;
    d = make(&s);
    assert_close(dist_mean(d), 6, 1e-15);
    assert_true(isinf(dist_variance(d)));
    dist_free(d);
    s.shape = 0.5; /* still samples: every draw >= scale */
    d = make(&s);
    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(3, "pareto heavy", &r), 0);
    for (int i = 0; i < 1000; i++)
        assert_true(dist_sample(d, r) >= 3);
    sim_rng_free(r);
    dist_free(d);
}

static void test_dist_weibull_extreme_shapes(void **state)
{
    (void)state;
    /* Shape 1 is the exponential. */
    dist_spec s = { .kind = DIST_WEIBULL, .shape = 1, .scale = 5 };
    dist     *d = make(&s);
    assert_close(dist_mean(d), 5, 1e-12);
    assert_close(dist_variance(d), 25, 1e-12);
    dist_free(d);
    /* A tiny shape overflows the moments: infinite, not NaN. */
    s.shape = 0.001;
    d = make(&s);
    assert_true(isinf(dist_mean(d)));
    assert_true(isinf(dist_variance(d)));
    dist_free(d);
}

/* The table of points for the empirical tests: a flat stretch from 1 to 3 carries no mass. */
static const double emp_xs[] = { 0, 1, 3, 4, 10 };
static const double emp_ps[] = { 0, 0.5, 0.5, 0.9, 1 };
#define EMP_N (sizeof emp_xs / sizeof emp_xs[0])

/* Central moments of a mixture of uniforms, segment by segment:
 * E[(X-m)^j | segment [a,b]] = ((b-m)^(j+1) - (a-m)^(j+1)) / ((j+1)(b-a)). */
static double emp_central(double m, int j)
{
    double sum = 0;
    for (size_t i = 1; i < EMP_N; i++) {
        double a = emp_xs[i - 1] - m, b = emp_xs[i] - m, w = emp_ps[i] - emp_ps[i - 1];
        sum += w * (pow(b, j + 1) - pow(a, j + 1)) / ((j + 1) * (b - a));
    }
    return sum;
}

static void test_dist_empirical_moments(void **state)
{
    (void)state;
    /* Mean: each segment's weight times its midpoint. */
    double mean = 0.5 * 0.5 + 0 * 2 + 0.4 * 3.5 + 0.1 * 7;
    assert_true(fabs(emp_central(mean, 1)) < 1e-12); /* the first central moment */
    dist_spec s = { .kind = DIST_EMPIRICAL, .xs = emp_xs, .ps = emp_ps, .npoints = EMP_N };
    check_moments("empirical", &s, mean, emp_central(mean, 2), emp_central(mean, 4));
}

static void test_dist_empirical_follows_table(void **state)
{
    (void)state;
    double xs[EMP_N], ps[EMP_N];
    memcpy(xs, emp_xs, sizeof xs);
    memcpy(ps, emp_ps, sizeof ps);
    dist_spec s = { .kind = DIST_EMPIRICAL, .xs = xs, .ps = ps, .npoints = EMP_N };
    dist     *d = make(&s);
    /* The table is copied: the caller's arrays may change or go away. */
    const dist_spec *got = dist_get_spec(d);
    assert_true(got->xs != xs && got->ps != ps);
    assert_int_equal(got->npoints, EMP_N);
    memset(xs, 0, sizeof xs);
    memset(ps, 0, sizeof ps);
    assert_memory_equal(got->xs, emp_xs, sizeof emp_xs);
    assert_memory_equal(got->ps, emp_ps, sizeof emp_ps);

    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(11, "empirical table", &r), 0);
    enum { N = 200000 };
    long below1 = 0, above4 = 0;
    for (int i = 0; i < N; i++) {
        double x = dist_sample(d, r);
        assert_true(x >= 0 && x <= 10);
        assert_false(x > 1 && x < 3); /* the flat stretch has no mass */
        below1 += x <= 1;
        above4 += x > 4;
    }
    /* CDF at 1 is 0.5 and at 4 is 0.9. */
    assert_true(fabs(below1 - 0.5 * N) <= MAX_Z * sqrt(N * 0.5 * 0.5));
    assert_true(fabs(above4 - 0.1 * N) <= MAX_Z * sqrt(N * 0.1 * 0.9));
    sim_rng_free(r);
    dist_free(d);
}

static void test_dist_bernoulli_moments(void **state)
{
    (void)state;
    double    p = 0.3, q = 0.7;
    dist_spec s = { .kind = DIST_BERNOULLI, .p = p };
    check_moments("bernoulli", &s, p, p * q, p * q * (1 - 3 * p * q));
    /* p = 0 and p = 1 are certain. */
    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(2, "bernoulli edges", &r), 0);
    for (int e = 0; e <= 1; e++) {
        dist_spec c = { .kind = DIST_BERNOULLI, .p = e };
        dist     *d = make(&c);
        for (int i = 0; i < 1000; i++)
            assert_true(dist_sample(d, r) == e);
        dist_free(d);
    }
    sim_rng_free(r);
}

static void test_dist_constant_is_constant(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_CONSTANT, .value = 4.25 };
    dist     *d = make(&s);
    assert_true(dist_mean(d) == 4.25);
    assert_true(dist_variance(d) == 0);
    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(1, "constant", &r), 0);
    for (int i = 0; i < 1000; i++) {
        assert_true(dist_sample(d, r) == 4.25);
        assert_int_equal(dist_sample_time(d, r), 4);
    }
    sim_rng_free(r);
    dist_free(d);
}

/* Zipf: probabilities k^-s / H, summed here in long double from the small end. */
static void zipf_theory(uint64_t n, double s, double *p5, double *mean, double *var, double *mu4)
{
    long double h = 0, e[5] = { 0 };
    for (uint64_t k = n; k >= 1; k--) {
        long double w = powl((long double)k, -(long double)s), kk = (long double)k;
        h += w;
        e[1] += w * kk;
        e[2] += w * kk * kk;
        e[3] += w * kk * kk * kk;
        e[4] += w * kk * kk * kk * kk;
    }
    for (int k = 1; k <= 5; k++)
        p5[k - 1] = (double)(powl(k, -(long double)s) / h);
    long double m = e[1] / h, m2 = e[2] / h, m3 = e[3] / h, m4 = e[4] / h;
    *mean = (double)m;
    *var = (double)(m2 - m * m);
    *mu4 = (double)(m4 - 4 * m * m3 + 6 * m * m * m2 - 3 * m * m * m * m);
}

static void zipf_check(const char *label, uint64_t n, double s, bool moments)
{
    double p5[5], mean, var, mu4;
    zipf_theory(n, s, p5, &mean, &var, &mu4);
    dist_spec spec = { .kind = DIST_ZIPF, .n = n, .s = s };
    if (moments)
        check_moments(label, &spec, mean, var, mu4);

    dist *d = make(&spec);
    assert_close(dist_mean(d), mean, 1e-12);
    assert_close(dist_variance(d), var, 1e-9);
    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(77, label, &r), 0);
    long hits[5] = { 0 };
    for (long i = 0; i < DRAWS; i++) {
        double   x = dist_sample(d, r);
        uint64_t k = (uint64_t)x;
        if (!((double)k == x && k >= 1 && k <= n))
            fail_msg("%s: draw %.17g is not a rank in 1..%llu", label, x, (unsigned long long)n);
        if (k <= 5)
            hits[k - 1]++;
    }
    for (int k = 0; k < 5 && (uint64_t)k < n; k++) {
        double se = sqrt(DRAWS * p5[k] * (1 - p5[k]));
        double z = (hits[k] - DRAWS * p5[k]) / se;
        if (verbose())
            print_message("%-24s rank %d: %ld draws, want %.1f (z %+.2f)\n", label, k + 1, hits[k],
                          DRAWS * p5[k], z);
        if (!(fabs(z) <= MAX_Z))
            fail_msg("%s: rank %d drawn %ld times, want %.1f: %.2f standard errors", label, k + 1,
                     hits[k], DRAWS * p5[k], z);
    }
    sim_rng_free(r);
    dist_free(d);
}

static void test_dist_zipf_rank_frequencies(void **state)
{
    (void)state;
    zipf_check("zipf", 1000, 0.99, true);
    zipf_check("zipf uniform", 10, 0, true);
    zipf_check("zipf large", 1000000, 1.2, false);
}

static void test_dist_zipf_single_rank(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_ZIPF, .n = 1, .s = 2 };
    dist     *d = make(&s);
    assert_true(dist_mean(d) == 1);
    assert_true(dist_variance(d) == 0);
    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(1, "zipf one", &r), 0);
    for (int i = 0; i < 1000; i++)
        assert_true(dist_sample(d, r) == 1);
    sim_rng_free(r);
    dist_free(d);
}

/* A normal with mean 1 and sd 1 draws a negative value with probability Phi(-1). Two
 * identical streams feed dist_sample() and dist_sample_time(), so the test knows exactly
 * which draws were negative. */
static void test_dist_sample_time_clamps_and_counts(void **state)
{
    (void)state;
    dist_spec s = { .kind = DIST_NORMAL, .mean = 1, .sd = 1 };
    dist     *raw = make(&s), *timed = make(&s);
    sim_rng  *r1 = NULL, *r2 = NULL;
    assert_int_equal(sim_rng_new(5, "clamp", &r1), 0);
    assert_int_equal(sim_rng_new(5, "clamp", &r2), 0);
    uint64_t negative = 0;
    for (long i = 0; i < DRAWS; i++) {
        double   x = dist_sample(raw, r1);
        sim_time t = dist_sample_time(timed, r2);
        if (x < 0) {
            negative++;
            assert_int_equal(t, 0);
        } else {
            assert_int_equal(t, sim_time_from_ns(x));
        }
    }
    assert_int_equal(dist_clamped(timed), negative);
    assert_int_equal(dist_clamped(raw), 0);
    double p = 0.15865525393145707; /* Phi(-1) */
    assert_true(fabs((double)negative - DRAWS * p) <= MAX_Z * sqrt(DRAWS * p * (1 - p)));
    sim_rng_free(r1);
    sim_rng_free(r2);
    dist_free(raw);
    dist_free(timed);
}

static void test_dist_sample_time_rounds(void **state)
{
    (void)state;
    static const struct {
        double   value;
        sim_time want;
        uint64_t clamped;
    } cases[] = {
        { 2.5, 3, 0 },  { 2.4999, 2, 0 }, { 0, 0, 0 },
        { -0.4, 0, 1 }, { -2.5, 0, 1 },   { 1e30, SIM_TIME_MAX, 0 },
    };
    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(1, "rounding", &r), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dist_spec s = { .kind = DIST_CONSTANT, .value = cases[i].value };
        dist     *d = make(&s);
        assert_int_equal(dist_sample_time(d, r), cases[i].want);
        assert_int_equal(dist_clamped(d), cases[i].clamped);
        dist_free(d);
    }
    sim_rng_free(r);
}

static void test_dist_kind_names_round_trip(void **state)
{
    (void)state;
    static const char *names[DIST_KIND_COUNT] = {
        "constant", "uniform", "exponential", "normal",    "lognormal", "gamma",
        "weibull",  "pareto",  "empirical",   "bernoulli", "zipf",
    };
    for (int k = 0; k < DIST_KIND_COUNT; k++) {
        assert_string_equal(dist_kind_name((dist_kind)k), names[k]);
        assert_int_equal(dist_kind_from_name(names[k]), k);
    }
    assert_int_equal(dist_kind_from_name("Normal"), DIST_KIND_COUNT);
    assert_int_equal(dist_kind_from_name(""), DIST_KIND_COUNT);
    assert_int_equal(dist_kind_from_name(NULL), DIST_KIND_COUNT);
    assert_non_null(dist_kind_name(DIST_KIND_COUNT));
}

/* Every rejection, with the path and message a scenario author will read. */
static void test_dist_check_reports_path_and_message(void **state)
{
    (void)state;
    static const double xs_ok[] = { 1, 2, 5, 8, 9 }, ps_ok[] = { 0, 0.25, 0.5, 0.75, 1 };
    static const double xs_desc[] = { 1, 2, 5, 2, 9 }, xs_equal[] = { 1, 2, 5, 5, 9 };
    static const double xs_inf[] = { 1, INFINITY, 5, 8, 9 };
    static const double ps_first[] = { 0.1, 0.25, 0.5, 0.75, 1 };
    static const double ps_desc[] = { 0, 0.5, 0.2, 0.75, 1 };
    static const double ps_big[] = { 0, 0.5, 1.5, 0.75, 1 };
    static const double ps_nan[] = { 0, 0.5, NAN, 0.75, 1 };
    static const double ps_last[] = { 0, 0.25, 0.5, 0.75, 0.9 };
    static const double ps_almost[] = { 0, 0.25, 0.5, 0.75, 0.9999999999999999 };
#define EMP(x, p, n) .kind = DIST_EMPIRICAL, .xs = (x), .ps = (p), .npoints = (n)
    static const struct {
        dist_spec   spec;
        const char *path, *msg;
    } cases[] = {
        { { .kind = DIST_CONSTANT, .value = NAN }, "value", "expected a finite number, got nan" },
        { { .kind = DIST_CONSTANT, .value = -INFINITY },
          "value",
          "expected a finite number, got -inf" },
        { { .kind = DIST_UNIFORM, .min = 5, .max = 3 },
          "max",
          "expected a number >= min (5), got 3" },
        { { .kind = DIST_UNIFORM, .min = -INFINITY, .max = 3 },
          "min",
          "expected a finite number, got -inf" },
        { { .kind = DIST_UNIFORM, .min = 0, .max = NAN },
          "max",
          "expected a finite number, got nan" },
        { { .kind = DIST_EXPONENTIAL, .mean = -2 }, "mean", "expected a positive number, got -2" },
        { { .kind = DIST_EXPONENTIAL, .mean = 0 }, "mean", "expected a positive number, got 0" },
        { { .kind = DIST_EXPONENTIAL, .mean = INFINITY },
          "mean",
          "expected a finite number, got inf" },
        { { .kind = DIST_NORMAL, .mean = NAN, .sd = 1 },
          "mean",
          "expected a finite number, got nan" },
        { { .kind = DIST_NORMAL, .mean = 1, .sd = -1 },
          "sd",
          "expected a non-negative number, got -1" },
        { { .kind = DIST_LOGNORMAL, .median = 0, .sigma = 1 },
          "median",
          "expected a positive number, got 0" },
        { { .kind = DIST_LOGNORMAL, .median = 2, .sigma = -0.5 },
          "sigma",
          "expected a non-negative number, got -0.5" },
        { { .kind = DIST_LOGNORMAL, .median = 2, .sigma = INFINITY },
          "sigma",
          "expected a finite number, got inf" },
        { { .kind = DIST_LOGNORMAL, .by_mean = true, .mean = -1, .sd = 1 },
          "mean",
          "expected a positive number, got -1" },
        { { .kind = DIST_LOGNORMAL, .by_mean = true, .mean = 1, .sd = -0.1 },
          "sd",
          "expected a non-negative number, got -0.1" },
        { { .kind = DIST_LOGNORMAL, .by_mean = true, .mean = 1, .sd = NAN },
          "sd",
          "expected a finite number, got nan" },
        { { .kind = DIST_LOGNORMAL, .by_mean = true, .mean = 1e-300, .sd = 1 },
          "sd",
          "expected at most 1e150 times the mean (1e-300), got 1" },
        { { .kind = DIST_GAMMA, .shape = 0, .scale = 1 },
          "shape",
          "expected a positive number, got 0" },
        { { .kind = DIST_GAMMA, .shape = 1, .scale = -3 },
          "scale",
          "expected a positive number, got -3" },
        { { .kind = DIST_WEIBULL, .shape = NAN, .scale = 1 },
          "shape",
          "expected a finite number, got nan" },
        { { .kind = DIST_WEIBULL, .shape = 1, .scale = 0 },
          "scale",
          "expected a positive number, got 0" },
        { { .kind = DIST_PARETO, .shape = -1.5, .scale = 1 },
          "shape",
          "expected a positive number, got -1.5" },
        { { .kind = DIST_PARETO, .shape = 2, .scale = INFINITY },
          "scale",
          "expected a finite number, got inf" },
        { { .kind = DIST_BERNOULLI, .p = 1.5 },
          "p",
          "expected a probability between 0 and 1, got 1.5" },
        { { .kind = DIST_BERNOULLI, .p = -0.1 },
          "p",
          "expected a probability between 0 and 1, got -0.1" },
        { { .kind = DIST_BERNOULLI, .p = NAN },
          "p",
          "expected a probability between 0 and 1, got nan" },
        { { .kind = DIST_ZIPF, .n = 0, .s = 1 },
          "n",
          "expected a number of ranks from 1 to 100000000, got 0" },
        { { .kind = DIST_ZIPF, .n = 100000001, .s = 1 },
          "n",
          "expected a number of ranks from 1 to 100000000, got 100000001" },
        { { .kind = DIST_ZIPF, .n = 10, .s = -1 }, "s", "expected a non-negative number, got -1" },
        { { .kind = DIST_ZIPF, .n = 10, .s = INFINITY }, "s", "expected a finite number, got inf" },
        { { EMP(xs_ok, ps_ok, 1) }, "points", "expected at least 2 points, got 1" },
        { { EMP(NULL, NULL, 0) }, "points", "expected at least 2 points, got 0" },
        { { EMP(xs_ok, ps_first, 5) },
          "points[0]",
          "expected the first cumulative probability to be 0, got 0.1" },
        { { EMP(xs_desc, ps_ok, 5) },
          "points[3]",
          "expected values in ascending order, got 2 after 5" },
        { { EMP(xs_equal, ps_ok, 5) },
          "points[3]",
          "expected values in ascending order, got 5 after 5" },
        { { EMP(xs_inf, ps_ok, 5) }, "points[1]", "expected a finite value, got inf" },
        { { EMP(xs_ok, ps_desc, 5) },
          "points[2]",
          "expected non-decreasing cumulative probabilities, got 0.2 after 0.5" },
        { { EMP(xs_ok, ps_big, 5) },
          "points[2]",
          "expected a cumulative probability between 0 and 1, got 1.5" },
        { { EMP(xs_ok, ps_nan, 5) },
          "points[2]",
          "expected a cumulative probability between 0 and 1, got nan" },
        { { EMP(xs_ok, ps_last, 5) },
          "points[4]",
          "expected the last cumulative probability to be 1, got 0.9" },
        { { EMP(xs_ok, ps_almost, 5) },
          "points[4]",
          "expected the last cumulative probability to be 1, got 0.9999999999999999" },
        { { .kind = (dist_kind)99 }, "dist", "expected a known distribution kind, got 99" },
    };
#undef EMP
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_err err = { 0 };
        int     rc = dist_check(&cases[i].spec, &err);
        if (rc != SIM_EINVAL || strcmp(err.path, cases[i].path) != 0
            || strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("case %zu: got %d \"%s: %s\", want \"%s: %s\"", i, rc, err.path, err.msg,
                     cases[i].path, cases[i].msg);
        assert_int_equal(err.code, SIM_EINVAL);
        /* dist_new() reports the same and builds nothing. */
        static char dummy;
        dist       *d = (dist *)&dummy; /* not NULL, so the test sees it reset */
        sim_err     err2 = { 0 };
        assert_int_equal(dist_new(&cases[i].spec, &d, &err2), SIM_EINVAL);
        assert_null(d);
        assert_string_equal(err2.path, err.path);
        assert_string_equal(err2.msg, err.msg);
        assert_int_equal(dist_check(&cases[i].spec, NULL), SIM_EINVAL); /* err may be NULL */
    }
    /* The boundaries that are allowed. */
    static const dist_spec ok[] = {
        { .kind = DIST_CONSTANT, .value = -3 },
        { .kind = DIST_UNIFORM, .min = 4, .max = 4 },
        { .kind = DIST_NORMAL, .mean = -1, .sd = 0 },
        { .kind = DIST_LOGNORMAL, .median = 1, .sigma = 0 },
        { .kind = DIST_BERNOULLI, .p = 0 },
        { .kind = DIST_BERNOULLI, .p = 1 },
        { .kind = DIST_ZIPF, .n = 1, .s = 0 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        sim_err err = { 0 };
        if (dist_check(&ok[i], &err) != 0)
            fail_msg("ok case %zu rejected: %s: %s", i, err.path, err.msg);
        assert_int_equal(err.code, 0);
    }
    static const double two_xs[] = { 3, 7 }, two_ps[] = { 0, 1 };
    dist_spec           two = { .kind = DIST_EMPIRICAL, .xs = two_xs, .ps = two_ps, .npoints = 2 };
    assert_int_equal(dist_check(&two, NULL), 0);
}

/* dist_new() unwinds with SIM_ENOMEM whichever of its allocations fails; ASan checks that
 * nothing leaks. */
static void test_dist_new_alloc_failure_returns_enomem(void **state)
{
    (void)state;
    static const double xs[] = { 0, 1, 2 }, ps[] = { 0, 0.5, 1 };
    const dist_spec     specs[] = {
            { .kind = DIST_EXPONENTIAL, .mean = 1 },
            { .kind = DIST_EMPIRICAL, .xs = xs, .ps = ps, .npoints = 3 },
            { .kind = DIST_ZIPF, .n = 1000, .s = 1 },
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        dist *d = NULL;
        sim_alloc_fail_at(0);
        assert_int_equal(dist_new(&specs[i], &d, NULL), 0);
        long made = sim_alloc_fail_at(0);
        dist_free(d);
        assert_true(made >= 1);
        for (long nth = 1; nth <= made; nth++) {
            sim_err     err = { 0 };
            static char dummy;
            d = (dist *)&dummy;
            sim_alloc_fail_at(nth);
            assert_int_equal(dist_new(&specs[i], &d, &err), SIM_ENOMEM);
            sim_alloc_fail_at(0);
            assert_null(d);
            assert_int_equal(err.code, SIM_ENOMEM);
            assert_true(strstr(err.msg, "out of memory") != NULL);
        }
    }
    dist_free(NULL); /* a no-op */
}

/* Zipf draws come from GSL's alias table, copied into one array for speed: every draw must
 * be the one gsl_ran_discrete() makes from the same uniform. */
static void test_dist_zipf_draws_equal_gsl_ran_discrete(void **state)
{
    (void)state;
    /* A skewed table, a flat one (every bucket kept whole) and a tiny steep one. */
    const struct {
        uint64_t n;
        double   s;
    } cases[] = { { 5000, 0.99 }, { 100000, 0.0 }, { 3, 4.0 } };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        const uint64_t n = cases[t].n;
        dist_spec      spec = { .kind = DIST_ZIPF, .n = n, .s = cases[t].s };
        dist          *d = NULL;
        assert_int_equal(dist_new(&spec, &d, NULL), 0);
        double *w = malloc(n * sizeof *w);
        assert_non_null(w);
        for (uint64_t k = 1; k <= n; k++)
            w[k - 1] = pow((double)k, -cases[t].s);
        gsl_ran_discrete_t *g = gsl_ran_discrete_preproc(n, w);
        assert_non_null(g);
        sim_rng *a = NULL, *b = NULL;
        assert_int_equal(sim_rng_new(3, "zipf-twin", &a), 0);
        assert_int_equal(sim_rng_new(3, "zipf-twin", &b), 0);
        for (int i = 0; i < 200000; i++)
            assert_int_equal((uint64_t)dist_sample(d, a), gsl_ran_discrete(sim_rng_gsl(b), g) + 1);
        sim_rng_free(a);
        sim_rng_free(b);
        gsl_ran_discrete_free(g);
        free(w);
        dist_free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_zipf_draws_equal_gsl_ran_discrete),
        cmocka_unit_test(test_dist_uniform_moments),
        cmocka_unit_test(test_dist_exponential_moments),
        cmocka_unit_test(test_dist_normal_moments),
        cmocka_unit_test(test_dist_lognormal_median_moments),
        cmocka_unit_test(test_dist_lognormal_by_mean_moments),
        cmocka_unit_test(test_dist_gamma_moments),
        cmocka_unit_test(test_dist_weibull_moments),
        cmocka_unit_test(test_dist_weibull_extreme_shapes),
        cmocka_unit_test(test_dist_pareto_moments),
        cmocka_unit_test(test_dist_pareto_heavy_tail_moments_infinite),
        cmocka_unit_test(test_dist_empirical_moments),
        cmocka_unit_test(test_dist_empirical_follows_table),
        cmocka_unit_test(test_dist_bernoulli_moments),
        cmocka_unit_test(test_dist_constant_is_constant),
        cmocka_unit_test(test_dist_zipf_rank_frequencies),
        cmocka_unit_test(test_dist_zipf_single_rank),
        cmocka_unit_test(test_dist_sample_time_clamps_and_counts),
        cmocka_unit_test(test_dist_sample_time_rounds),
        cmocka_unit_test(test_dist_kind_names_round_trip),
        cmocka_unit_test(test_dist_check_reports_path_and_message),
        cmocka_unit_test(test_dist_new_alloc_failure_returns_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
