/* mon.c - the monitor: per-region figures closed at each interval boundary, kept as a table
 * of values, and alerts raised from them.
 *
 * Boundaries are engine events at warmup + k * interval for k = 0, 1, ... while before the
 * duration, and one at the duration itself, so the last interval may be shorter. Only one
 * boundary is pending at a time: each schedules the next, so a long run with short intervals
 * does not fill the event queue. The boundary at the warmup (k = 0) closes nothing; it
 * takes each region's busy-time baseline, since region_busy_ns() is an integral from time 0.
 *
 * Between boundaries each region accumulates counts and two histograms (latency of ok
 * requests, replication lag), which the boundary turns into MON_METRIC_COUNT values and then
 * empties. A histogram with nothing in it is not reset: a reset clears every bucket (tens of
 * kilobytes), and most intervals of most regions see no applies at all.
 *
 * What is counted where:
 * - mon_request() is called by the run only for measured requests (those that arrived at or
 *   after the warmup), when they end; so a request that arrived before the warmup is never
 *   counted, even if it ends inside the first interval. The monitor does not filter again.
 * - Replication applies (mon_lag) before the warmup are not counted.
 * - Requests and applies after the last boundary (the run goes on past the duration until
 *   every request in flight is answered, then drains replication) belong to no interval and
 *   are ignored: the series covers [warmup, duration), like the figures it plots.
 *
 * Alerts: a condition that holds in an interval where it was not holding raises "alert"; one
 * that stops holding raises "alert_end". An interval with nothing to judge it by (no apply
 * for the lag, no request for the error rate) leaves the state as it was: no data is not
 * evidence that things are fine (a partition stops applies altogether) nor that they are
 * not. An alert still holding when the run ends is not ended.
 *
 * The values are one growing array of doubles, interval-major (interval, region, metric),
 * the order run_result.series wants. It doubles when full. Running out of memory there
 * panics: the array grows during the run, where no caller could recover, and its size is
 * bounded by the duration over the interval, which a caller could check up front. Rejected:
 * allocating every interval in mon_start() - it is what a caller with a bounded budget would
 * want, but it would turn a mistyped interval into a huge allocation at setup. */
#include "mon.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

#include "stat.h"

typedef struct mon_region {
    uint64_t   requests;    /* ended in the open interval */
    uint64_t   errors;      /* of those, not ok */
    uint64_t   reads;       /* measured ok reads served here */
    uint64_t   stale_reads; /* of those, stale (the oracle's verdict) */
    stat_hist *latency;     /* ok ones, ns; owned */
    stat_hist *lag;         /* applies here as target, ns; owned */
    double     busy_start;  /* region_busy_ns() at the interval's start */
    bool       lag_alert;   /* the lag alert is raised */
    bool       error_alert; /* the error-rate alert is raised */
} mon_region;

struct mon {
    sim_engine         *e;
    const scn_scenario *s;
    region *const      *regions; /* borrowed */
    size_t              nregions;
    mon_alert_fn       *alert; /* may be NULL */
    void               *alert_ctx;
    mon_health_fn      *health; /* NULL: no health checking */
    void               *health_ctx;
    mon_region         *reg; /* nregions */

    bool     started;        /* mon_start() was called */
    bool     open;           /* between the warmup and the last boundary */
    sim_time interval_start; /* of the open interval, ns */

    double   *values;     /* nintervals x nregions x MON_METRIC_COUNT */
    sim_time *ends;       /* end of each closed interval, ns */
    size_t    nintervals; /* closed so far */
    size_t    cap;        /* intervals 'values' and 'ends' have room for */
};

static const char *const metric_names[MON_METRIC_COUNT] = {
    [MON_REQUESTS] = "requests",
    [MON_ERRORS] = "errors",
    [MON_P99_MS] = "p99_ms",
    [MON_UTILIZATION] = "utilization",
    [MON_REPL_LAG_P99_MS] = "repl_lag_p99_ms",
    [MON_HEALTHY] = "healthy",
    [MON_P50_MS] = "p50_ms",
    [MON_STALE_READ_RATE] = "stale_read_rate",
};

/* --- create / destroy -------------------------------------------------------------- */

int mon_new(sim_engine *e, const scn_scenario *s, region *const *regions, mon_alert_fn *alert,
            void *alert_ctx, mon **out, sim_err *err)
{
    assert(e && s && regions && out);
    /* The loader guarantees a positive interval; a scenario built in code that forgot to set
     * one is a bug in that code, and a zero interval would loop forever. */
    if (s->monitor.interval <= 0)
        sim_panic("monitor interval must be positive, got %lld ns", (long long)s->monitor.interval);
    *out = NULL;
    mon *m = sim_calloc(1, sizeof *m);
    if (!m)
        goto fail;
    m->e = e;
    m->s = s;
    m->regions = regions;
    m->nregions = s->nregions;
    m->alert = alert;
    m->alert_ctx = alert_ctx;
    m->reg = sim_calloc(s->nregions, sizeof *m->reg);
    if (!m->reg)
        goto fail;
    for (size_t i = 0; i < s->nregions; i++) {
        if (stat_hist_new(&m->reg[i].latency) < 0 || stat_hist_new(&m->reg[i].lag) < 0)
            goto fail;
    }
    *out = m;
    return 0;
fail:
    mon_free(m);
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the monitor");
}

void mon_free(mon *m)
{
    if (!m)
        return;
    if (m->reg) {
        for (size_t i = 0; i < m->nregions; i++) {
            stat_hist_free(m->reg[i].latency);
            stat_hist_free(m->reg[i].lag);
        }
    }
    sim_free(m->reg);
    sim_free(m->values);
    sim_free(m->ends);
    sim_free(m);
}

void mon_set_health(mon *m, mon_health_fn *fn, void *ctx)
{
    m->health = fn;
    m->health_ctx = ctx;
}

/* --- closing an interval ----------------------------------------------------------- */

/* Room for one more interval: double both arrays when full. False when memory ran out: the
 * run has failed (sim_engine_fail) and the interval is not kept. */
static bool grow(mon *m)
{
    if (m->nintervals < m->cap)
        return true;
    size_t    cap = m->cap ? m->cap * 2 : 64;
    size_t    row = m->nregions * MON_METRIC_COUNT;
    double   *values = NULL;
    sim_time *ends = NULL;
    if (cap > m->cap && !(row && cap > SIZE_MAX / sizeof(double) / row))
        values = sim_realloc(m->values, cap * row * sizeof *values);
    if (values) {
        m->values = values;
        ends = sim_realloc(m->ends, cap * sizeof *ends);
    }
    if (!values || !ends) {
        sim_engine_fail(m->e, SIM_ENOMEM,
                        "out of memory growing the monitor series to %zu intervals of %zu regions",
                        cap, m->nregions);
        return false;
    }
    m->ends = ends;
    m->cap = cap; /* values may be larger than cap rows until ends grows too: harmless */
    return true;
}

/* Seconds with about three significant figures: "75.2s", "0.125s", "3600s". */
static void format_seconds(char *buf, size_t n, double s)
{
    int decimals = s >= 100 ? 0 : s >= 10 ? 1 : s >= 1 ? 2 : 3;
    snprintf(buf, n, "%.*fs", decimals, s);
}

/* Raise or end one alert of region i. 'holds' is the condition in the interval just
 * closed; the alert fires only on a change. */
static void judge(mon *m, bool *raised, bool holds, const char *what, size_t i, const char *value)
{
    if (holds == *raised)
        return;
    *raised = holds;
    if (!m->alert)
        return;
    char detail[128];
    snprintf(detail, sizeof detail, "%s %s %s", what, m->s->regions[i].name, value);
    m->alert(m->alert_ctx, sim_now(m->e), holds ? "alert" : "alert_end", detail);
}

/* Close the interval [interval_start, now) of every region and open the next. */
static void close_interval(mon *m)
{
    sim_time now = sim_now(m->e);
    sim_time len = now - m->interval_start;
    if (!grow(m))
        return;
    double *row = m->values + m->nintervals * m->nregions * MON_METRIC_COUNT;
    m->ends[m->nintervals] = now;
    for (size_t i = 0; i < m->nregions; i++) {
        mon_region *g = &m->reg[i];
        double     *v = row + i * MON_METRIC_COUNT;
        double      busy = region_busy_ns(m->regions[i]);
        uint64_t    nlag = stat_hist_count(g->lag);
        v[MON_REQUESTS] = (double)g->requests;
        v[MON_ERRORS] = (double)g->errors;
        v[MON_P99_MS]
            = stat_hist_count(g->latency) ? stat_hist_quantile(g->latency, 0.99) / 1e6 : NAN;
        /* len > 0: boundaries are strictly increasing (the warmup is before the duration). */
        v[MON_P50_MS]
            = stat_hist_count(g->latency) ? stat_hist_quantile(g->latency, 0.5) / 1e6 : NAN;
        v[MON_UTILIZATION]
            = (busy - g->busy_start) / ((double)m->s->regions[i].servers * (double)len);
        v[MON_REPL_LAG_P99_MS] = nlag ? stat_hist_quantile(g->lag, 0.99) / 1e6 : NAN;
        v[MON_HEALTHY] = m->health ? (m->health(m->health_ctx, (uint32_t)i) ? 1.0 : 0.0) : NAN;
        v[MON_STALE_READ_RATE] = g->reads ? (double)g->stale_reads / (double)g->reads : NAN;

        char value[64];
        if (nlag) {
            double p99_ns = stat_hist_quantile(g->lag, 0.99);
            format_seconds(value, sizeof value, p99_ns / 1e9);
            judge(m, &g->lag_alert, p99_ns > (double)m->s->monitor.alert_lag, "lag", i, value);
        }
        if (g->requests) {
            double rate = (double)g->errors / (double)g->requests;
            snprintf(value, sizeof value, "%.1f%%", rate * 100);
            judge(m, &g->error_alert, rate > m->s->monitor.alert_error_rate, "error_rate", i,
                  value);
        }

        g->requests = 0;
        g->errors = 0;
        g->reads = 0;
        g->stale_reads = 0;
        if (stat_hist_count(g->latency))
            stat_hist_reset(g->latency);
        if (nlag)
            stat_hist_reset(g->lag);
        g->busy_start = busy;
    }
    m->nintervals++;
    m->interval_start = now;
}

/* A boundary event: open the first interval (at the warmup), or close one and schedule the
 * next boundary, the last one at the duration. */
static void on_boundary(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    mon     *m = ctx;
    sim_time now = sim_now(e);
    if (!m->open) {
        m->open = true;
        m->interval_start = now;
        for (size_t i = 0; i < m->nregions; i++)
            m->reg[i].busy_start = region_busy_ns(m->regions[i]);
    } else {
        close_interval(m);
    }
    if (now >= m->s->duration) {
        m->open = false; /* the last boundary: nothing after counts */
        return;
    }
    sim_time next = sim_time_add_sat(now, m->s->monitor.interval);
    sim_at(e, next < m->s->duration ? next : m->s->duration, on_boundary, m, 0);
}

/* --- run --------------------------------------------------------------------------- */

void mon_start(mon *m)
{
    assert(!m->started);
    assert(m->s->warmup >= 0 && m->s->warmup < m->s->duration);
    m->started = true;
    sim_at(m->e, m->s->warmup, on_boundary, m, 0);
}

/* Counted from the warmup on, not only from the boundary event there: a request may end at
 * the warmup itself before that event runs (it is ordered by when it was scheduled). */
static bool counting(const mon *m)
{
    return m->open || (m->started && m->nintervals == 0 && sim_now(m->e) >= m->s->warmup);
}

void mon_request(mon *m, uint32_t region, bool ok, sim_time latency)
{
    assert(region < m->nregions);
    if (!counting(m))
        return;
    mon_region *g = &m->reg[region];
    g->requests++;
    if (ok)
        stat_hist_record(g->latency, latency);
    else
        g->errors++;
}

void mon_lag(mon *m, uint32_t target, sim_time lag)
{
    assert(target < m->nregions);
    if (!counting(m))
        return;
    stat_hist_record(m->reg[target].lag, lag);
}

void mon_read(mon *m, uint32_t region, bool stale)
{
    assert(region < m->nregions);
    if (!counting(m))
        return;
    m->reg[region].reads++;
    m->reg[region].stale_reads += stale;
}

/* --- query ------------------------------------------------------------------------- */

size_t mon_intervals(const mon *m) { return m->nintervals; }

sim_time mon_interval_end(const mon *m, size_t i)
{
    assert(i < m->nintervals);
    return m->ends[i];
}

double mon_value(const mon *m, size_t i, uint32_t region, mon_metric metric)
{
    assert(i < m->nintervals && region < m->nregions && (unsigned)metric < MON_METRIC_COUNT);
    return m->values[(i * m->nregions + region) * MON_METRIC_COUNT + metric];
}

const char *mon_metric_name(mon_metric metric)
{
    assert((unsigned)metric < MON_METRIC_COUNT);
    return metric_names[metric];
}
