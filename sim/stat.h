/* stat.h - measurement: latency histograms, interval time series and confidence intervals.
 *
 * The histogram is log-linear (HdrHistogram's layout): values below 2^STAT_HIST_SUB_BITS ns
 * are counted exactly; above, each power of two is split into 2^(STAT_HIST_SUB_BITS-1)
 * equal buckets, so a bucket is at most 2^-(STAT_HIST_SUB_BITS-1) of its value wide and a
 * quantile reported at the bucket's midpoint is within half that (0.4% at 8 bits) of the
 * exact one. Recording is an index computation and an increment: O(1), no allocation. The
 * range covers every non-negative sim_time, so nothing is ever clipped; min, max and the sum
 * are kept exactly. Histograms merge by adding counts, so per-region histograms add up to
 * the global one, and runs from several processes can be combined.
 *
 * Series: per-interval count, sum and max of recorded values, for plots over time.
 *
 * Confidence intervals: the mean of n replicated runs, with the half-width of its 95%
 * interval from Student's t (gsl_cdf_tdist_Pinv(0.975, n - 1) * s / sqrt(n)). */
#ifndef MRSIM_STAT_H
#define MRSIM_STAT_H

#include "sim.h"

#define STAT_HIST_SUB_BITS 8

typedef struct stat_hist   stat_hist;   /* opaque */
typedef struct stat_series stat_series; /* opaque */

/* --- histogram --------------------------------------------------------------------- */

int  stat_hist_new(stat_hist **out); /* 0 or SIM_ENOMEM */
void stat_hist_free(stat_hist *h);   /* NULL is a no-op */
void stat_hist_reset(stat_hist *h);
/* Record one value in ns; negative values are recorded as 0. */
void stat_hist_record(stat_hist *h, sim_time v);
/* Add every count of 'from' into 'into'. */
void stat_hist_merge(stat_hist *into, const stat_hist *from);

uint64_t stat_hist_count(const stat_hist *h);
double   stat_hist_mean(const stat_hist *h); /* exact (from the sum), ns; 0 when empty */
sim_time stat_hist_min(const stat_hist *h);  /* exact, ns; 0 when empty */
sim_time stat_hist_max(const stat_hist *h);  /* exact, ns; 0 when empty */
/* The q-quantile (0 <= q <= 1) in ns: the midpoint of the bucket holding the value of rank
 * ceil(q * count) (rank 1 for q = 0), clamped to [min, max]. 0 when empty. */
double stat_hist_quantile(const stat_hist *h, double q);

/* Iterate the non-empty buckets in ascending order, for CDF plots and for storing a
 * histogram: returns false when there are no more. *iter starts at 0. lo/hi are the bucket's
 * bounds in ns (hi exclusive, except that the top bucket, which ends at 2^63, reports
 * hi = SIM_TIME_MAX). */
bool stat_hist_next_bucket(const stat_hist *h, size_t *iter, sim_time *lo, sim_time *hi,
                           uint64_t *count);

/* --- interval time series ---------------------------------------------------------- */

/* A series with intervals of 'interval' ns starting at time 0; interval > 0. */
int  stat_series_new(sim_time interval, stat_series **out);
void stat_series_free(stat_series *s);
/* Add value v observed at time t >= 0 to interval t / interval. Grows the series as time
 * advances (amortised; the growth doubles). Returns 0 or SIM_ENOMEM. */
int      stat_series_add(stat_series *s, sim_time t, double v);
size_t   stat_series_len(const stat_series *s); /* intervals up to the last one touched */
sim_time stat_series_interval(const stat_series *s);
/* Interval i's figures; an interval with no values has count 0, sum 0 and max 0. */
void stat_series_get(const stat_series *s, size_t i, uint64_t *count, double *sum, double *max);

/* --- across replicated runs -------------------------------------------------------- */

/* Mean of x[0..n) and the half-width of its 95% confidence interval. n >= 2 gives a finite
 * half-width; n == 1 gives half-width 0 with the single value as mean. Returns 0, or
 * SIM_EINVAL when n == 0. */
int stat_ci95(const double *x, size_t n, double *mean, double *half_width);

#endif
