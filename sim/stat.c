/* stat.c - latency histograms, interval time series and confidence intervals.
 *
 * Histogram layout (HdrHistogram's, with SUB = 2^STAT_HIST_SUB_BITS and HALF = SUB / 2):
 * a value v has a "shift" s, the number of low bits dropped so that v >> s fits in SUB
 * values: s = 0 for v < SUB, otherwise s = msb(v) - (STAT_HIST_SUB_BITS - 1), which leaves
 * v >> s in [HALF, SUB). The bucket index is s * HALF + (v >> s). For s = 0 that is v itself
 * (exact buckets 0 .. SUB-1); each further s adds HALF buckets of width 2^s covering
 * [HALF << s, SUB << s). A bucket of width 2^s starts at a value >= HALF * 2^s, so its width
 * is at most 1/HALF of any value in it. The largest sim_time has msb 62, so the top shift is
 * 63 - STAT_HIST_SUB_BITS and the array has (65 - STAT_HIST_SUB_BITS) * HALF counters (7296
 * at 8 bits, 57 KiB): one fixed array inside the struct, one allocation, and recording never
 * allocates or clips.
 *
 * The top bucket ends at 2^63, which no sim_time can hold; the iterator reports its hi as
 * SIM_TIME_MAX (so for that bucket alone hi is inclusive).
 *
 * A bucket's "midpoint" is the middle of the integers it holds, lo + (hi - 1 - lo) / 2, so an
 * exact bucket (width 1) reports its value rather than value + 0.5.
 *
 * The sum is an unsigned 128-bit integer: count < 2^64 values below 2^63 each cannot overflow
 * it, so the mean is computed from an exact sum. A long double or Kahan sum was rejected: both
 * round, and their results would differ between platforms.
 *
 * Series: one growable array of cells indexed by t / interval; growth doubles the capacity.
 *
 * Confidence intervals: GSL's two-pass mean and sample standard deviation (n - 1 in the
 * denominator) and gsl_cdf_tdist_Pinv for the t quantile. */
#include "stat.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#define HIST_SUB     ((uint64_t)1 << STAT_HIST_SUB_BITS)
#define HIST_HALF    (HIST_SUB / 2)
#define HIST_BUCKETS ((size_t)(65 - STAT_HIST_SUB_BITS) * HIST_HALF)

struct stat_hist {
    uint64_t          count;                /* values recorded */
    unsigned __int128 sum;                  /* exact sum of the values, ns */
    sim_time          min;                  /* smallest value, ns; valid when count > 0 */
    sim_time          max;                  /* largest value, ns; valid when count > 0 */
    uint64_t          counts[HIST_BUCKETS]; /* values per bucket, see the layout above */
};

static size_t hist_index(uint64_t v)
{
    /* v | (SUB - 1) has its msb at STAT_HIST_SUB_BITS - 1 or above, so clzll never sees 0. */
    unsigned shift = (unsigned)(64 - __builtin_clzll(v | (HIST_SUB - 1))) - STAT_HIST_SUB_BITS;
    return (size_t)shift * HIST_HALF + (size_t)(v >> shift);
}

/* Bucket i's bounds as unsigned values: [lo, hi), where hi may be 2^63 for the top bucket. */
static void hist_bounds(size_t i, uint64_t *lo, uint64_t *hi)
{
    if (i < HIST_SUB) {
        *lo = i;
        *hi = i + 1;
        return;
    }
    unsigned shift = (unsigned)(i / HIST_HALF) - 1;
    uint64_t sub = (uint64_t)i - (uint64_t)shift * HIST_HALF; /* in [HALF, SUB) */
    *lo = sub << shift;
    *hi = (sub + 1) << shift;
}

int stat_hist_new(stat_hist **out)
{
    stat_hist *h = sim_calloc(1, sizeof *h);
    if (!h)
        return SIM_ENOMEM;
    *out = h;
    return 0;
}

void stat_hist_free(stat_hist *h) { sim_free(h); }

void stat_hist_reset(stat_hist *h) { memset(h, 0, sizeof *h); }

void stat_hist_record(stat_hist *h, sim_time v)
{
    if (v < 0)
        v = 0;
    h->counts[hist_index((uint64_t)v)]++;
    h->sum += (uint64_t)v;
    if (h->count == 0 || v < h->min)
        h->min = v;
    if (h->count == 0 || v > h->max)
        h->max = v;
    h->count++;
}

void stat_hist_merge(stat_hist *into, const stat_hist *from)
{
    if (from->count == 0)
        return;
    /* Read from's figures before writing: into and from may be the same histogram. */
    sim_time from_min = from->min, from_max = from->max;
    if (into->count == 0 || from_min < into->min)
        into->min = from_min;
    if (into->count == 0 || from_max > into->max)
        into->max = from_max;
    into->count += from->count;
    into->sum += from->sum;
    for (size_t i = 0; i < HIST_BUCKETS; i++)
        into->counts[i] += from->counts[i];
}

uint64_t stat_hist_count(const stat_hist *h) { return h->count; }

double stat_hist_mean(const stat_hist *h)
{
    if (h->count == 0)
        return 0;
    /* Divide in integers first so that only the final sum of two doubles rounds. */
    unsigned __int128 q = h->sum / h->count, r = h->sum % h->count;
    return (double)q + (double)(uint64_t)r / (double)h->count;
}

sim_time stat_hist_min(const stat_hist *h) { return h->count ? h->min : 0; }

sim_time stat_hist_max(const stat_hist *h) { return h->count ? h->max : 0; }

double stat_hist_quantile(const stat_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    if (!(q > 0)) /* also catches NaN */
        q = 0;
    if (q > 1)
        q = 1;
    double want = ceil(q * (double)h->count);
    /* (double)count may round up past count, so clamp in integers. */
    uint64_t rank = want < 1 ? 1 : want >= (double)h->count ? h->count : (uint64_t)want;
    uint64_t seen = 0;
    size_t   i = hist_index((uint64_t)h->min);
    size_t   last = hist_index((uint64_t)h->max);
    for (; i < last; i++) {
        seen += h->counts[i];
        if (seen >= rank)
            break;
    }
    uint64_t lo, hi;
    hist_bounds(i, &lo, &hi);
    double mid = (double)lo + (double)(hi - 1 - lo) / 2;
    if (mid < (double)h->min)
        return (double)h->min;
    if (mid > (double)h->max)
        return (double)h->max;
    return mid;
}

bool stat_hist_next_bucket(const stat_hist *h, size_t *iter, sim_time *lo, sim_time *hi,
                           uint64_t *count)
{
    for (size_t i = *iter; i < HIST_BUCKETS; i++) {
        if (h->counts[i] == 0)
            continue;
        uint64_t ulo, uhi;
        hist_bounds(i, &ulo, &uhi);
        *lo = (sim_time)ulo;
        *hi = uhi > (uint64_t)SIM_TIME_MAX ? SIM_TIME_MAX : (sim_time)uhi;
        *count = h->counts[i];
        *iter = i + 1;
        return true;
    }
    *iter = HIST_BUCKETS;
    return false;
}

/* --- interval time series ---------------------------------------------------------- */

typedef struct series_cell {
    uint64_t count; /* values added in the interval */
    double   sum;   /* their sum, in the caller's unit */
    double   max;   /* their largest, 0 when count is 0 */
} series_cell;

struct stat_series {
    sim_time     interval; /* interval length, ns, > 0 */
    size_t       len;      /* intervals up to the last one touched */
    size_t       cap;      /* cells allocated */
    series_cell *cells;    /* cells[0..cap), zero beyond len */
};

int stat_series_new(sim_time interval, stat_series **out)
{
    if (interval <= 0)
        return SIM_EINVAL;
    stat_series *s = sim_calloc(1, sizeof *s);
    if (!s)
        return SIM_ENOMEM;
    s->interval = interval;
    *out = s;
    return 0;
}

void stat_series_free(stat_series *s)
{
    if (!s)
        return;
    sim_free(s->cells);
    sim_free(s);
}

/* Make room for cell i, doubling the capacity; on failure the series is unchanged. */
static int series_reserve(stat_series *s, size_t i)
{
    if (i < s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 16;
    while (cap <= i) {
        if (cap > SIZE_MAX / 2 / sizeof(series_cell))
            return SIM_ENOMEM;
        cap *= 2;
    }
    series_cell *cells = sim_realloc(s->cells, cap * sizeof *cells);
    if (!cells)
        return SIM_ENOMEM;
    memset(cells + s->cap, 0, (cap - s->cap) * sizeof *cells);
    s->cells = cells;
    s->cap = cap;
    return 0;
}

int stat_series_add(stat_series *s, sim_time t, double v)
{
    assert(t >= 0);
    uint64_t i = (uint64_t)(t / s->interval);
    if (i >= SIZE_MAX)
        return SIM_ENOMEM;
    int rc = series_reserve(s, (size_t)i);
    if (rc < 0)
        return rc;
    series_cell *c = &s->cells[i];
    if (c->count == 0 || v > c->max)
        c->max = v;
    c->sum += v;
    c->count++;
    if ((size_t)i >= s->len)
        s->len = (size_t)i + 1;
    return 0;
}

size_t stat_series_len(const stat_series *s) { return s->len; }

sim_time stat_series_interval(const stat_series *s) { return s->interval; }

void stat_series_get(const stat_series *s, size_t i, uint64_t *count, double *sum, double *max)
{
    /* Past the end reads as an empty interval, like a gap inside the series. */
    series_cell        empty = { 0, 0, 0 };
    const series_cell *c = i < s->len ? &s->cells[i] : &empty;
    if (count)
        *count = c->count;
    if (sum)
        *sum = c->sum;
    if (max)
        *max = c->max;
}

/* --- across replicated runs -------------------------------------------------------- */

int stat_ci95(const double *x, size_t n, double *mean, double *half_width)
{
    if (n == 0)
        return SIM_EINVAL;
    double m = gsl_stats_mean(x, 1, n);
    double hw = 0;
    if (n >= 2) {
        double sd = gsl_stats_sd_m(x, 1, n, m);
        hw = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
    }
    if (mean)
        *mean = m;
    if (half_width)
        *half_width = hw;
    return 0;
}
