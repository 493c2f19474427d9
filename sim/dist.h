/* dist.h - probability distributions, specified by a plain record and sampled through GSL.
 *
 * A dist_spec is what a scenario file says ({"dist": "lognormal", "median": "2ms", ...}) after
 * the loader has turned durations into nanoseconds; dist_new() checks it and prepares what
 * sampling needs (the alias table of a Zipf distribution, a copy of an empirical table). The
 * module is unit-agnostic: a service-time distribution is in nanoseconds because its spec is.
 *
 * Sampling times: dist_sample_time() converts through sim_time_from_ns() (the one rounding
 * rule) and clamps negative samples (a normal with a small mean can draw them) to zero,
 * counting each clamp so that a run can report how often it happened. */
#ifndef MRSIM_DIST_H
#define MRSIM_DIST_H

#include "rng.h"
#include "sim.h"

typedef enum dist_kind {
    DIST_CONSTANT,    /* value */
    DIST_UNIFORM,     /* min, max: uniform on [min, max) */
    DIST_EXPONENTIAL, /* mean */
    DIST_NORMAL,      /* mean, sd */
    DIST_LOGNORMAL,   /* median, sigma; or, with by_mean, mean and sd of the variable itself */
    DIST_GAMMA,       /* shape k, scale theta: mean k*theta */
    DIST_WEIBULL,     /* shape k, scale lambda: P(X > x) = exp(-(x/lambda)^k) */
    DIST_PARETO,      /* shape alpha, scale x_m: P(X > x) = (x_m/x)^alpha for x >= x_m */
    DIST_EMPIRICAL,   /* points: piecewise-linear CDF through (xs[i], ps[i]) */
    DIST_BERNOULLI,   /* p: 1 with probability p, else 0 */
    DIST_ZIPF,        /* n, s: k in 1..n with probability proportional to k^-s */
    DIST_KIND_COUNT
} dist_kind;

/* The parameters; each kind reads only the fields its comment above names. */
typedef struct dist_spec {
    dist_kind     kind;
    double        value;         /* constant */
    double        min, max;      /* uniform */
    double        mean, sd;      /* exponential (mean), normal, lognormal with by_mean */
    double        median, sigma; /* lognormal: median e^mu, sigma of log X */
    bool          by_mean;       /* lognormal given by mean and sd instead of median, sigma */
    double        shape, scale;  /* gamma, weibull, pareto */
    double        p;             /* bernoulli */
    uint64_t      n;             /* zipf: number of ranks, >= 1 */
    double        s;             /* zipf: exponent, >= 0 */
    const double *xs, *ps;       /* empirical: values ascending, cumulative probabilities
                                     non-decreasing from 0 to 1; borrowed by dist_new() */
    size_t        npoints;       /* empirical: >= 2 */
} dist_spec;

typedef struct dist dist; /* opaque: a checked, prepared distribution */

/* The name used in scenario files ("lognormal"), and back; dist_kind_from_name returns
 * DIST_KIND_COUNT for an unknown name. */
const char *dist_kind_name(dist_kind k);
dist_kind   dist_kind_from_name(const char *name);

/* Check spec and build a distribution. On a bad parameter returns SIM_EINVAL with err->path
 * set to the parameter's field name as scenario files spell it ("sigma", "points[3]") and a
 * message saying what was expected, so the loader can prefix its JSON path. SIM_ENOMEM when
 * allocation fails. The spec's arrays are copied; spec may be discarded afterwards. */
int dist_new(const dist_spec *spec, dist **out, sim_err *err);
/* dist_new() for a distribution that sits at a JSON path (printf-style): on failure the
 * path is put in front of err->path, so the error reads "regions[0].service.read.sigma". */
int dist_new_at(const dist_spec *spec, dist **out, sim_err *err, const char *path_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Only the checks of dist_new(), without allocating. */
int  dist_check(const dist_spec *spec, sim_err *err);
void dist_free(dist *d); /* NULL is a no-op */

/* One draw. Zipf returns the rank as a double (exact up to 2^53). */
double dist_sample(dist *d, sim_rng *r);
/* One draw as a time: rounded by sim_time_from_ns(), negatives clamped to 0 and counted. */
sim_time dist_sample_time(dist *d, sim_rng *r);
/* How many dist_sample_time() draws were negative and clamped. */
uint64_t dist_clamped(const dist *d);

/* Analytic moments, for validation and for theory in tests; INFINITY or NAN where the
 * distribution has none (Pareto with alpha <= 1 or <= 2). */
double           dist_mean(const dist *d);
double           dist_variance(const dist *d);
const dist_spec *dist_get_spec(const dist *d); /* arrays in it point to the dist's own copy */

#endif
