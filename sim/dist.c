/* dist.c - checking, preparing and sampling the distributions of dist.h.
 *
 * dist_new() does all the work that does not depend on the draw: it checks the spec, turns
 * the scenario's parameters into the ones GSL takes (a lognormal's median into mu = ln median;
 * a lognormal by mean and sd into sigma^2 = ln(1 + sd^2/mean^2), mu = ln mean - sigma^2/2),
 * copies an empirical table, builds a Zipf alias table, and works out the analytic mean and
 * variance once. Sampling is then one switch on the kind and one gsl_ran_* call (the
 * empirical table is the exception: inverse-transform sampling with a binary search, since
 * GSL has no piecewise-linear CDF). Normal draws use GSL's ziggurat, several times faster
 * than its polar method (gsl_ran_gaussian).
 *
 * Parameter conventions of GSL, which differ between functions:
 *     gsl_ran_gamma(r, shape, scale)        mean shape * scale
 *     gsl_ran_weibull(r, scale, shape)      note the order: scale first
 *     gsl_ran_pareto(r, shape, scale)
 *     gsl_ran_lognormal(r, mu, sigma)       mu, sigma of log X
 *
 * Zipf: GSL's Walker alias table (gsl_ran_discrete_preproc) gives O(1) draws for any n. (A
 * rejection sampler would need no table but costs a pow() and a variable number of draws per
 * sample; an alias table of our own would be ours to maintain.) GSL's table is built with
 * plain malloc, so it sits outside the sim_malloc fault hook (and GSL checks only one of its
 * mallocs there, so running out of memory inside it may crash rather than fail), and it costs about
 * 16 bytes a rank to keep and as much again while it is built, besides our weight array (8
 * bytes a rank, freed at once): n is capped at ZIPF_MAX_N (about 4 GB at the cap). A caveat
 * of gsl_ran_discrete(): it takes both the bucket and the alias coin from one uniform, which
 * a 32-bit generator gives with 32 bits, so each bucket's coin has about 2^32/n levels; at n = 10^7 that
 * is some 430 levels, fine for workload keys, but coarser as n approaches the cap.
 * The Zipf moments are sums over the normalised weights, from the smallest weight up and with
 * Neumaier compensation, so they are accurate even at n = 10^8 with s near 0. */
#include "dist.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZIPF_MAX_N       UINT64_C(100000000) /* ranks; see the design comment */
#define LOGNORMAL_MAX_CV 1e150               /* sd/mean beyond this overflows sd^2/mean^2 */

/* One slot of the alias table that gsl_ran_discrete_preproc() builds (GSL's F and A arrays,
 * F in Knuth's convention, F[k] = (k + p_k) / K), packed into 8 bytes so that a draw touches
 * one cache line instead of two and the table is a quarter of GSL's: with 100,000 keys GSL's
 * arrays are 1.6 MB, and their misses were a tenth of a whole run.
 *
 * gsl_ran_discrete() keeps bucket c when u < F[c]. The uniform of a 32-bit generator is
 * u = x / 2^32 for the integer x it drew, so u < F[c] exactly when x < ceil(F[c] * 2^32)
 * (the scaling by 2^32 is exact): the slot keeps that threshold as an integer. A bucket GSL
 * always keeps (threshold 2^32, which does not fit) gets threshold 0 and itself as alias.
 * Sampling thus makes exactly gsl_ran_discrete()'s decisions from the same draw;
 * tests/unit/test_dist.c compares the two draw by draw. */
typedef struct zipf_slot {
    uint32_t keep_below; /* keep the bucket when the draw x < this */
    uint32_t alias;      /* GSL's A[k] (or k itself, see above) */
} zipf_slot;

struct dist {
    dist_kind     kind;           /* spec.kind, first for the sampling switch */
    double        a, b;           /* the two GSL parameters of the kind, in GSL's order */
    const double *xs, *ps;        /* empirical: the copy in points */
    size_t        npoints;        /* empirical */
    zipf_slot    *alias;          /* zipf: GSL's alias table, interleaved (rank k at k-1) */
    uint64_t      alias_n;        /* zipf: slots */
    uint64_t      clamped;        /* dist_sample_time() draws that were negative */
    double        mean, variance; /* analytic, worked out by dist_new() */
    double       *points;         /* empirical: owned copy, xs then ps */
    dist_spec     spec;           /* as given; its arrays point into points */
};

static const char *const kind_names[DIST_KIND_COUNT] = {
    [DIST_CONSTANT] = "constant",
    [DIST_UNIFORM] = "uniform",
    [DIST_EXPONENTIAL] = "exponential",
    [DIST_NORMAL] = "normal",
    [DIST_LOGNORMAL] = "lognormal",
    [DIST_GAMMA] = "gamma",
    [DIST_WEIBULL] = "weibull",
    [DIST_PARETO] = "pareto",
    [DIST_EMPIRICAL] = "empirical",
    [DIST_BERNOULLI] = "bernoulli",
    [DIST_ZIPF] = "zipf",
};

const char *dist_kind_name(dist_kind k)
{
    if ((unsigned)k >= DIST_KIND_COUNT)
        return "unknown";
    return kind_names[k];
}

dist_kind dist_kind_from_name(const char *name)
{
    if (!name)
        return DIST_KIND_COUNT;
    for (int k = 0; k < DIST_KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return (dist_kind)k;
    return DIST_KIND_COUNT;
}

/* ---- checks ---- */

/* v in the shortest of %.15g..%.17g that reads back as v: messages say "0.1" rather than
 * "0.10000000000000001", yet two different values never print alike ("got 1" for
 * 0.9999999999999999 would baffle whoever reads "expected ... to be 1"). */
static const char *num(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "nan"); /* printf may say "-nan", which means nothing to a user */
        return buf;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (isinf(v) || strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

static int check_finite(double v, const char *path, sim_err *err)
{
    char b[32];
    if (!isfinite(v))
        return sim_err_set(err, SIM_EINVAL, path, "expected a finite number, got %s",
                           num(v, b, sizeof b));
    return 0;
}

static int check_positive(double v, const char *path, sim_err *err)
{
    char b[32];
    if (check_finite(v, path, err) < 0)
        return SIM_EINVAL;
    if (!(v > 0))
        return sim_err_set(err, SIM_EINVAL, path, "expected a positive number, got %s",
                           num(v, b, sizeof b));
    return 0;
}

static int check_nonneg(double v, const char *path, sim_err *err)
{
    char b[32];
    if (check_finite(v, path, err) < 0)
        return SIM_EINVAL;
    if (!(v >= 0))
        return sim_err_set(err, SIM_EINVAL, path, "expected a non-negative number, got %s",
                           num(v, b, sizeof b));
    return 0;
}

/* Values must rise strictly: an atom (a vertical step of the CDF) is written as two close
 * values, which keeps "ascending" meaning one thing. */
static int check_empirical(const dist_spec *s, sim_err *err)
{
    char   b1[32], b2[32], path[32];
    size_t n = (s->xs && s->ps) ? s->npoints : 0;
    if (n < 2)
        return sim_err_set(err, SIM_EINVAL, "points", "expected at least 2 points, got %zu", n);
    for (size_t i = 0; i < n; i++) {
        double x = s->xs[i], p = s->ps[i];
        snprintf(path, sizeof path, "points[%zu]", i);
        if (!isfinite(x))
            return sim_err_set(err, SIM_EINVAL, path, "expected a finite value, got %s",
                               num(x, b1, sizeof b1));
        if (!(p >= 0 && p <= 1))
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected a cumulative probability between 0 and 1, got %s",
                               num(p, b1, sizeof b1));
        if (i == 0 && p != 0)
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected the first cumulative probability to be 0, got %s",
                               num(p, b1, sizeof b1));
        if (i > 0 && !(x > s->xs[i - 1]))
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected values in ascending order, got %s after %s",
                               num(x, b1, sizeof b1), num(s->xs[i - 1], b2, sizeof b2));
        if (i > 0 && p < s->ps[i - 1])
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected non-decreasing cumulative probabilities, got %s after %s",
                               num(p, b1, sizeof b1), num(s->ps[i - 1], b2, sizeof b2));
        if (i == n - 1 && p != 1)
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected the last cumulative probability to be 1, got %s",
                               num(p, b1, sizeof b1));
    }
    return 0;
}

int dist_check(const dist_spec *s, sim_err *err)
{
    char b1[32], b2[32];
    switch (s->kind) {
    case DIST_CONSTANT:
        return check_finite(s->value, "value", err);
    case DIST_UNIFORM:
        if (check_finite(s->min, "min", err) < 0 || check_finite(s->max, "max", err) < 0)
            return SIM_EINVAL;
        if (s->max < s->min)
            return sim_err_set(err, SIM_EINVAL, "max", "expected a number >= min (%s), got %s",
                               num(s->min, b1, sizeof b1), num(s->max, b2, sizeof b2));
        return 0;
    case DIST_EXPONENTIAL:
        return check_positive(s->mean, "mean", err);
    case DIST_NORMAL:
        if (check_finite(s->mean, "mean", err) < 0)
            return SIM_EINVAL;
        return check_nonneg(s->sd, "sd", err);
    case DIST_LOGNORMAL:
        if (!s->by_mean) {
            if (check_positive(s->median, "median", err) < 0)
                return SIM_EINVAL;
            return check_nonneg(s->sigma, "sigma", err);
        }
        if (check_positive(s->mean, "mean", err) < 0 || check_nonneg(s->sd, "sd", err) < 0)
            return SIM_EINVAL;
        if (s->sd / s->mean > LOGNORMAL_MAX_CV)
            return sim_err_set(err, SIM_EINVAL, "sd",
                               "expected at most 1e150 times the mean (%s), got %s",
                               num(s->mean, b1, sizeof b1), num(s->sd, b2, sizeof b2));
        return 0;
    case DIST_GAMMA:
    case DIST_WEIBULL:
    case DIST_PARETO:
        if (check_positive(s->shape, "shape", err) < 0)
            return SIM_EINVAL;
        return check_positive(s->scale, "scale", err);
    case DIST_EMPIRICAL:
        return check_empirical(s, err);
    case DIST_BERNOULLI:
        if (!(s->p >= 0 && s->p <= 1))
            return sim_err_set(err, SIM_EINVAL, "p",
                               "expected a probability between 0 and 1, got %s",
                               num(s->p, b1, sizeof b1));
        return 0;
    case DIST_ZIPF:
        if (s->n < 1 || s->n > ZIPF_MAX_N)
            return sim_err_set(err, SIM_EINVAL, "n",
                               "expected a number of ranks from 1 to %llu, got %llu",
                               (unsigned long long)ZIPF_MAX_N, (unsigned long long)s->n);
        return check_nonneg(s->s, "s", err);
    case DIST_KIND_COUNT:
        break;
    }
    return sim_err_set(err, SIM_EINVAL, "dist", "expected a known distribution kind, got %d",
                       (int)s->kind);
}

/* ---- preparation ---- */

/* Neumaier's compensated sum: adding 10^8 terms of very different sizes naively would lose
 * digits that dist_mean() callers compare against. */
typedef struct ksum {
    double sum, c;
} ksum;

static void ksum_add(ksum *k, double v)
{
    double t = k->sum + v;
    if (fabs(k->sum) >= fabs(v))
        k->c += (k->sum - t) + v;
    else
        k->c += (v - t) + k->sum;
    k->sum = t;
}

static double ksum_total(const ksum *k) { return k->sum + k->c; }

static int prepare_empirical(dist *d, const dist_spec *s, sim_err *err)
{
    size_t n = s->npoints;
    d->points = sim_calloc(n, 2 * sizeof(double));
    if (!d->points)
        return sim_err_set(err, SIM_ENOMEM, "points", "out of memory copying %zu points", n);
    memcpy(d->points, s->xs, n * sizeof(double));
    memcpy(d->points + n, s->ps, n * sizeof(double));
    d->xs = d->spec.xs = d->points;
    d->ps = d->spec.ps = d->points + n;
    d->npoints = n;

    /* Each segment is a uniform on [xs[i-1], xs[i]] carrying ps[i] - ps[i-1] of the mass.
     * The variance takes a second pass around the mean rather than E[X^2] - mean^2, which
     * cancels badly for tables far from 0. */
    double m = 0;
    for (size_t i = 1; i < n; i++)
        m += (d->ps[i] - d->ps[i - 1]) * (d->xs[i - 1] + d->xs[i]) / 2;
    double v = 0;
    for (size_t i = 1; i < n; i++) {
        double lo = d->xs[i - 1] - m, hi = d->xs[i] - m;
        v += (d->ps[i] - d->ps[i - 1]) * (lo * lo + lo * hi + hi * hi) / 3;
    }
    d->mean = m;
    d->variance = v;
    return 0;
}

static int prepare_zipf(dist *d, sim_err *err)
{
    uint64_t n = d->spec.n;
    double   s = d->spec.s;
    double  *w = sim_calloc((size_t)n, sizeof *w);
    if (!w)
        return sim_err_set(err, SIM_ENOMEM, "n", "out of memory for a zipf table of %llu ranks",
                           (unsigned long long)n);
    for (uint64_t k = 1; k <= n; k++)
        w[k - 1] = pow((double)k, -s);

    /* Weights decrease with k, so summing from k = n down adds the small ones first. */
    ksum h = { 0, 0 }, m1 = { 0, 0 };
    for (uint64_t k = n; k >= 1; k--) {
        ksum_add(&h, w[k - 1]);
        ksum_add(&m1, w[k - 1] * (double)k);
    }
    double total = ksum_total(&h);
    double mean = ksum_total(&m1) / total;
    ksum   m2 = { 0, 0 };
    for (uint64_t k = n; k >= 1; k--) {
        double dk = (double)k - mean;
        ksum_add(&m2, w[k - 1] * dk * dk);
    }
    d->mean = mean;
    d->variance = ksum_total(&m2) / total;

    /* With valid weights GSL fails only when out of memory; its default handler would
     * abort, so it is off for this call. */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_ran_discrete_t  *g = gsl_ran_discrete_preproc((size_t)n, w);
    gsl_set_error_handler(old);
    sim_free(w);
    d->alias = g ? sim_calloc(g->K, sizeof *d->alias) : NULL;
    if (!d->alias) {
        gsl_ran_discrete_free(g);
        return sim_err_set(err, SIM_ENOMEM, "n", "out of memory for a zipf table of %llu ranks",
                           (unsigned long long)n);
    }
    d->alias_n = g->K;
    for (size_t k = 0; k < g->K; k++) {
        double t = ceil(g->F[k] * 4294967296.0);
        if (g->F[k] == 1.0 || t >= 4294967296.0)
            d->alias[k] = (zipf_slot){ .keep_below = 0, .alias = (uint32_t)k };
        else
            d->alias[k] = (zipf_slot){ .keep_below = (uint32_t)t, .alias = (uint32_t)g->A[k] };
    }
    gsl_ran_discrete_free(g);
    return 0;
}

int dist_new(const dist_spec *spec, dist **out, sim_err *err)
{
    *out = NULL;
    int rc = dist_check(spec, err);
    if (rc < 0)
        return rc;
    dist *d = sim_calloc(1, sizeof *d);
    if (!d)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory");
    d->spec = *spec;
    d->spec.xs = d->spec.ps = NULL; /* borrowed arrays never outlive the call */
    d->kind = spec->kind;

    const dist_spec *s = spec;
    switch (s->kind) {
    case DIST_CONSTANT:
        d->a = s->value;
        d->mean = s->value;
        d->variance = 0;
        break;
    case DIST_UNIFORM:
        d->a = s->min;
        d->b = s->max;
        d->mean = s->min / 2 + s->max / 2; /* halves first: min + max may overflow */
        d->variance = (s->max - s->min) * (s->max - s->min) / 12;
        break;
    case DIST_EXPONENTIAL:
        d->a = s->mean;
        d->mean = s->mean;
        d->variance = s->mean * s->mean;
        break;
    case DIST_NORMAL:
        d->a = s->mean;
        d->b = s->sd;
        d->mean = s->mean;
        d->variance = s->sd * s->sd;
        break;
    case DIST_LOGNORMAL:
        if (s->by_mean) {
            double cv = s->sd / s->mean;
            double s2 = log1p(cv * cv);
            d->a = log(s->mean) - s2 / 2;
            d->b = sqrt(s2);
            d->mean = s->mean; /* exact, not through exp(log()) */
            d->variance = s->sd * s->sd;
        } else {
            double s2 = s->sigma * s->sigma;
            d->a = log(s->median);
            d->b = s->sigma;
            d->mean = exp(d->a + s2 / 2);
            d->variance = expm1(s2) * exp(2 * d->a + s2);
        }
        break;
    case DIST_GAMMA:
        d->a = s->shape;
        d->b = s->scale;
        d->mean = s->shape * s->scale;
        d->variance = s->shape * s->scale * s->scale;
        break;
    case DIST_WEIBULL: {
        d->a = s->scale; /* GSL's order: scale, then shape */
        d->b = s->shape;
        /* mean = scale G(1+1/k), variance = scale^2 (G(1+2/k) - G(1+1/k)^2), in logs so
         * that a small shape gives INFINITY rather than inf - inf = NaN. */
        double g1 = lgamma(1 + 1 / s->shape), g2 = lgamma(1 + 2 / s->shape);
        d->mean = s->scale * exp(g1);
        d->variance = s->scale * s->scale * exp(g2) * -expm1(2 * g1 - g2);
        break;
    }
    case DIST_PARETO: {
        double al = s->shape, xm = s->scale;
        d->a = al;
        d->b = xm;
        d->mean = al > 1 ? al * xm / (al - 1) : INFINITY;
        d->variance = al > 2 ? xm * xm * al / ((al - 1) * (al - 1) * (al - 2)) : INFINITY;
        break;
    }
    case DIST_EMPIRICAL:
        rc = prepare_empirical(d, s, err);
        break;
    case DIST_BERNOULLI:
        d->a = s->p;
        d->mean = s->p;
        d->variance = s->p * (1 - s->p);
        break;
    case DIST_ZIPF:
        rc = prepare_zipf(d, err);
        break;
    case DIST_KIND_COUNT:
        sim_panic("dist_new: kind %d passed dist_check", (int)s->kind);
    }
    if (rc < 0)
        goto fail;
    *out = d;
    return 0;
fail:
    dist_free(d);
    return rc;
}

int dist_new_at(const dist_spec *spec, dist **out, sim_err *err, const char *path_fmt, ...)
{
    int rc = dist_new(spec, out, err);
    if (rc < 0 && err) {
        char    path[sizeof err->path];
        va_list ap;
        va_start(ap, path_fmt);
        vsnprintf(path, sizeof path, path_fmt, ap);
        va_end(ap);
        sim_err_prefix_path(err, path);
    }
    return rc;
}

void dist_free(dist *d)
{
    if (!d)
        return;
    sim_free(d->alias);
    sim_free(d->points);
    sim_free(d);
}

/* ---- sampling ---- */

/* The bucket from u * K as GSL computes it, then the coin as an integer comparison (see
 * zipf_slot). gsl_rng_uniform() of a 32-bit generator is gsl_rng_get() / 2^32. */
static inline uint64_t sample_zipf(const dist *d, gsl_rng *g)
{
    uint32_t         x = (uint32_t)gsl_rng_get(g);
    double           u = (double)x / 4294967296.0;
    uint64_t         c = (uint64_t)(u * (double)d->alias_n);
    const zipf_slot *s = &d->alias[c];
    return x < s->keep_below ? c : s->alias;
}

/* Inverse transform through the piecewise-linear CDF: find the segment with
 * ps[j-1] <= u < ps[j] (the first j with ps[j] > u; it exists because ps[n-1] = 1 > u, and
 * flat segments, which carry no mass, are never chosen) and interpolate within it. */
static double sample_empirical(const dist *d, gsl_rng *g)
{
    double u = gsl_rng_uniform(g);
    size_t lo = 1, hi = d->npoints - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->ps[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    double p0 = d->ps[lo - 1], x0 = d->xs[lo - 1];
    return x0 + (u - p0) / (d->ps[lo] - p0) * (d->xs[lo] - x0);
}

static inline double sample(dist *d, gsl_rng *g)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return d->a;
    case DIST_UNIFORM:
        return gsl_ran_flat(g, d->a, d->b);
    case DIST_EXPONENTIAL:
        return gsl_ran_exponential(g, d->a);
    case DIST_NORMAL:
        return d->a + gsl_ran_gaussian_ziggurat(g, d->b);
    case DIST_LOGNORMAL:
        return gsl_ran_lognormal(g, d->a, d->b);
    case DIST_GAMMA:
        return gsl_ran_gamma(g, d->a, d->b);
    case DIST_WEIBULL:
        return gsl_ran_weibull(g, d->a, d->b);
    case DIST_PARETO:
        return gsl_ran_pareto(g, d->a, d->b);
    case DIST_EMPIRICAL:
        return sample_empirical(d, g);
    case DIST_BERNOULLI:
        return (double)gsl_ran_bernoulli(g, d->a);
    case DIST_ZIPF:
        return (double)sample_zipf(d, g) + 1;
    case DIST_KIND_COUNT:
        break;
    }
    sim_panic("dist_sample: bad kind %d", (int)d->kind);
}

double dist_sample(dist *d, sim_rng *r) { return sample(d, sim_rng_gsl(r)); }

sim_time dist_sample_time(dist *d, sim_rng *r)
{
    double x = sample(d, sim_rng_gsl(r));
    if (x < 0) {
        d->clamped++;
        return 0;
    }
    return sim_time_from_ns(x);
}

uint64_t         dist_clamped(const dist *d) { return d->clamped; }
double           dist_mean(const dist *d) { return d->mean; }
double           dist_variance(const dist *d) { return d->variance; }
const dist_spec *dist_get_spec(const dist *d) { return &d->spec; }
