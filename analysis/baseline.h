/* baseline.h - a run compared with the same scenario's run in an earlier results database:
 * the regression guard of `mrsim check --baseline DB`.
 *
 * Which earlier run: the latest one (highest id) in the baseline database with the same
 * scenario name, pattern and seed. Not the same scenario SHA-256: the guard exists for people
 * who change a scenario or a model, and a changed file has another hash, so matching on it
 * would find nothing exactly when the guard is needed. The name is what stays.
 *
 * Which metrics, and when a change is a regression: every metric of the new run (whole run,
 * per operation, per region) that the baseline run has under the same scope, key and name,
 * and that has a direction (baseline_direction). Then, with 'before' the baseline value and
 * 'now' the new one, change = (now - before) / |before|, and it is a regression when
 *   higher is worse:  change >  tolerance   (before 0: any now > 0)
 *   lower is worse:   change < -tolerance   (before 0: never, nothing is below 0 here)
 * and also when the baseline measured something and the new run measures nothing (NaN: a p99
 * with no successful request, an outage no longer detected). Nothing before and something
 * now is not a regression. Metrics without a direction (requests, reads, writes_acked,
 * utilization, ...: they follow the workload, not the quality) and metrics only one of the
 * two runs has are not compared.
 *
 * Nothing here drives the engine or prints on its own; the CLI prints the lines. */
#ifndef MRSIM_BASELINE_H
#define MRSIM_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "run.h"
#include "sim.h"

#define BASELINE_DEFAULT_TOLERANCE 0.05 /* a 5% change, as a fraction */

typedef enum baseline_dir {
    BASELINE_NONE,         /* not compared */
    BASELINE_HIGHER_WORSE, /* latency, errors, stale reads, lost writes,
                                                 lag, RPO, RTO, split brain, cost, bytes */
    BASELINE_LOWER_WORSE,  /* availability, throughput, ok, cache hits */
} baseline_dir;

typedef struct baseline_run baseline_run; /* opaque: an earlier run's metrics */

/* One compared metric whose change is a regression. */
typedef struct baseline_regression {
    const run_metric *metric; /* the new run's, borrowed */
    double            before; /* the baseline's value */
    double            now;    /* the new run's value (NaN: nothing) */
    double            change; /* (now - before) / |before|; +-inf when
                                                 before is 0; NaN when now is NaN */
} baseline_regression;

/* Called per regression, in the new run's metric order. Return 0 to go on; a nonzero value
 * stops the comparison and is returned. */
typedef int baseline_fn(void *ctx, const baseline_regression *g);

/* The direction of metric 'name' (the same for every scope); see scenarios/README.md,
 * "Baselines", for the list. Names not listed follow their form: "_ms" and "_s" endings
 * and words such as error, stale, lost, lag, cost are higher-is-worse; anything else has no
 * direction. */
baseline_dir baseline_direction(const char *name);

/* Read from db the latest run of (scenario, pattern, seed) into *out, which is NULL when db
 * has none. Returns 0, or SIM_EIO / SIM_ENOMEM with err filled. */
int     baseline_load(db_conn *db, const char *scenario, const char *pattern, uint64_t seed,
                      baseline_run **out, sim_err *err);
void    baseline_run_free(baseline_run *b);     /* NULL is a no-op */
int64_t baseline_run_id(const baseline_run *b); /* its id in the baseline database */

/* Compare r with b under tolerance (a fraction, >= 0: 0.05 is 5%), calling fn for each
 * regression. Returns the number of regressions (>= 0) or fn's nonzero return; *compared
 * (may be NULL) gets the number of metrics compared. */
int baseline_compare(const baseline_run *b, const run_result *r, double tolerance, baseline_fn *fn,
                     void *ctx, size_t *compared);

/* The metric as expectations name it, "p99_ms", "p99_ms{op=write}",
 * "p99_ms{region=eu-west-1}". */
void baseline_metric_name(const run_metric *m, char *buf, size_t n);
/* "baseline 212.4, now 250.1, +17.75%" ("+inf%" from 0, "now nothing" for NaN). */
void baseline_describe(const baseline_regression *g, char *buf, size_t n);

#endif
