/* run.h - one run of a scenario: build the world, drive the engine, hand back the figures.
 *
 * run_scenario() is the seam between the models and everything above them: it owns the
 * engine and every model for the length of one run and returns a run_result, a plain record
 * of metrics, events and latency histograms that analysis/ turns into tables, JSON, database
 * rows and plots. Nothing in a run_result points into the engine or the world.
 *
 * Metrics are a flat list of (scope, key, name, value) in a fixed order: the whole run
 * (scope all, key ""), each operation (key "read"/"write"), each region (key = region
 * name: the region that served) and each client population (key = client name: the users
 * who asked, wherever they were served). Later models add metrics by appending names; readers look them up by name. The
 * names and their definitions are in scenarios/README.md ("Metrics").
 *
 * Measurement window: requests that arrive in [warmup, duration) are measured; arrivals stop
 * at 'duration' and the run goes on until every request in flight has finished, so every
 * measured request has an outcome. A request is counted once, with the outcome of its last
 * attempt, and attributed to the region that attempt went to. Then every fault is healed and
 * replication drains (for at most the scenario's data.drain), and the oracle takes its final
 * account: lost writes and divergent keys are measured on the drained stores. */
#ifndef MRSIM_RUN_H
#define MRSIM_RUN_H

#include "scn.h"
#include "sim.h"
#include "stat.h"

typedef enum run_scope {
    RUN_SCOPE_ALL,
    RUN_SCOPE_OP,
    RUN_SCOPE_REGION,
    RUN_SCOPE_CLIENT, /* key: the client population's name */
    RUN_SCOPE_COUNT
} run_scope;

typedef struct run_metric {
    run_scope   scope;
    const char *key;  /* "" for all, op name, or region name; points
                                                 into static strings or the scenario */
    const char *name; /* "p99_ms"; a static string */
    double      value;
} run_metric;

/* Something that happened during the run: a fault starting or ending (later: failover steps,
 * alerts). Kept in time order. */
typedef struct run_event {
    sim_time    t;           /* ns */
    const char *kind;        /* static string: "fault_start", "fault_end" */
    char        detail[128]; /* "region_down us-east-1" */
} run_event;

/* One point of a per-region time series (monitoring): the value of 'metric' for 'region'
 * over the interval that ended at t. */
typedef struct run_point {
    sim_time    t;      /* end of the interval, ns */
    const char *region; /* borrowed from the scenario */
    const char *metric; /* static string: "requests", "p99_ms", ... */
    double      value;  /* NaN where there is nothing to measure */
} run_point;

typedef struct run_result {
    const scn_scenario *scn;     /* borrowed: must outlive the result */
    const char         *pattern; /* the pattern's name (borrowed from the
                                                 scenario, or "independent") */
    uint64_t            seed;
    sim_time            simulated; /* simulated time at the end of the run, ns */
    uint64_t            events;    /* engine events executed */
    run_metric         *metrics;
    size_t              nmetrics;
    run_event          *log;
    size_t              nlog;
    run_point          *series;
    size_t              nseries; /* by interval, then region, then metric */
    stat_hist          *latency; /* every measured ok request, ns (for CDFs) */
    /* The t-visibility curve (models/observe/visibility.h): per window starting t_ms after
     * the newest acknowledged write of a read's key, the reads and the share that saw it. */
    struct run_visibility {
        double   t_ms;
        uint64_t reads;
        double   p_fresh; /* NaN without reads */
    } visibility[11];
    size_t nvisibility; /* 11 */
} run_result;

/* Called every progress_every of simulated time, from inside the run, so that the CLI can
 * show progress with its own wall clock. 'now' and 'end' are simulated ns. */
typedef void run_progress_fn(void *ctx, sim_time now, sim_time end, uint64_t events);

typedef struct run_options {
    const scn_pattern *pattern;  /* NULL: the independent-regions baseline */
    bool               has_seed; /* use 'seed' instead of the scenario's */
    uint64_t           seed;
    run_progress_fn   *progress; /* may be NULL */
    void              *progress_ctx;
    sim_time           progress_every; /* simulated ns; 0 = 1% of the duration */
} run_options;

/* Run scenario s once. opts may be NULL. Returns 0 and a result the caller frees, or
 * SIM_ENOMEM / SIM_EINVAL with err filled. A simulated failure (timeouts, a region down) is
 * an outcome in the metrics, never an error here. */
int  run_scenario(const scn_scenario *s, const run_options *opts, run_result **out, sim_err *err);
void run_result_free(run_result *r); /* NULL is a no-op */

/* The value of metric 'name' in (scope, key); returns false when there is no such metric. */
bool        run_metric_find(const run_result *r, run_scope scope, const char *key, const char *name,
                            double *value);
const char *run_scope_name(run_scope scope); /* "all", "op", "region", "client" */

#endif
