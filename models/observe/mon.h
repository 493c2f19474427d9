/* mon.h - monitoring: per region and per interval, the figures an operator's dashboard
 * would show, kept as time series for plots, and alerts raised from them.
 *
 * Every 'interval' (monitor.interval, default 1 s) and for each region the monitor closes
 * the interval's figures: requests that ended there (by the region their last attempt went
 * to), errors, p50 and p99 latency of the successful ones, server utilisation, replication
 * lag (p99 of the applies at that region as target) and, when health checking runs, whether
 * the health view had the region healthy at the end of the interval, and the stale-read rate
 * of the reads served there (see mon_read). An interval's p50 and
 * p99 come from a per-region histogram that is reset at each boundary, so memory is one
 * histogram per region plus the points kept.
 *
 * Alerts, raised once when a condition starts and cleared once when it ends, as events in
 * the run's log: replication lag above monitor.alert_lag, an error rate above
 * monitor.alert_error_rate (in an interval with requests).
 *
 * Measured like everything else from the warmup on; the last interval ends at the run's
 * duration. */
#ifndef MRSIM_MON_H
#define MRSIM_MON_H

#include "engine.h"
#include "region.h"
#include "scn.h"

typedef struct mon mon; /* opaque */

/* The metrics of a point, in this order for every region and interval (new metrics are
 * appended, so the order of the older ones never changes): requests, errors, p99_ms,
 * utilization, repl_lag_p99_ms, healthy, p50_ms, stale_read_rate. */
typedef enum mon_metric {
    MON_REQUESTS,
    MON_ERRORS,
    MON_P99_MS,
    MON_UTILIZATION,
    MON_REPL_LAG_P99_MS,
    MON_HEALTHY,
    MON_P50_MS,
    MON_STALE_READ_RATE,
    MON_METRIC_COUNT
} mon_metric;

/* An alert started or ended: kind "alert" or "alert_end", detail "lag us-east-1 75.2s". */
typedef void mon_alert_fn(void *ctx, sim_time t, const char *kind, const char *detail);
/* Whether region is healthy in the health view (NULL: no health checking). */
typedef bool mon_health_fn(void *ctx, uint32_t region);

/* --- create / destroy -------------------------------------------------------------- */

/* A monitor of regions[0 .. s->nregions). Everything passed must outlive it. 0 or
 * SIM_ENOMEM. */
int  mon_new(sim_engine *e, const scn_scenario *s, region *const *regions, mon_alert_fn *alert,
             void *alert_ctx, mon **out, sim_err *err);
void mon_free(mon *m); /* NULL is a no-op */
void mon_set_health(mon *m, mon_health_fn *fn, void *ctx);

/* --- run --------------------------------------------------------------------------- */

/* Schedule the interval boundaries from the warmup to the duration. */
void mon_start(mon *m);
/* A request ended in region (ok or not; latency of an ok one, ns). The run calls this only
 * for measured requests (arrived at or after the warmup), so one that arrived before the
 * warmup is never counted; one that ends after the last boundary is in no interval and is
 * ignored. */
void mon_request(mon *m, uint32_t region, bool ok, sim_time latency);
/* A replicated write was applied at target with this lag (ns). Applies before the warmup or
 * after the last boundary are ignored. */
void mon_lag(mon *m, uint32_t target, sim_time lag);
/* A measured successful read served by region ended; stale is the oracle's verdict on it.
 * This is the one figure no real dashboard has: the run hands the monitor the oracle's
 * judgement (the monitor itself never sees ground truth), so that staleness can be plotted
 * over time beside the lag that causes it. stale_read_rate is stale reads / reads per
 * interval, NaN in an interval without reads. Same counting window as mon_request. */
void mon_read(mon *m, uint32_t region, bool stale);

/* --- query ------------------------------------------------------------------------- */

size_t   mon_intervals(const mon *m);              /* closed so far */
sim_time mon_interval_end(const mon *m, size_t i); /* ns */
/* The value of metric for region in interval i (NaN where there is nothing to measure:
 * p99 without a successful request, lag without an apply, health without checkers). */
double      mon_value(const mon *m, size_t i, uint32_t region, mon_metric metric);
const char *mon_metric_name(mon_metric metric); /* "p99_ms", ... */

#endif
