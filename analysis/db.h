/* db.h - the results database: one SQLite file that every run is appended to.
 *
 * A run is stored as one row of 'runs' (what ran: the scenario's name, file, full text and
 * SHA-256, the pattern, the seed; how long: simulated and wall seconds, engine events; who
 * ran it: start time and mrsim version), its metrics as rows of 'metrics' (scope, key, name,
 * value, in the run_result's order), its event log as rows of 'events' and its monitoring
 * time series as rows of 'series' (t_s, the interval's end in simulated seconds; region;
 * metric; value; in the run_result's order). The schema is created on first open and
 * versioned with PRAGMA user_version (DB_SCHEMA_VERSION). Version history: 1 had runs,
 * metrics and events; 2 added series; 3 added latency_hist (the run's latency histogram:
 * lo_ns, hi_ns, count per non-empty bucket, for CDF plots); 4 added sweeps, sweep_points and
 * sweep_params (mrsim sweep, see "sweeps" below); 5 added visibility (the run's t-visibility
 * curve: t_ms, reads, p_fresh per window). A file of an older version is
 * upgraded in place when opened (1 -> ... -> 5 in one transaction, so it is at one version or
 * the other); a file written by a newer mrsim is refused rather than misread.
 *
 * Two decisions a reader must know:
 * - db_write_run() is one transaction (BEGIN IMMEDIATE ... COMMIT): an error, a full disk or
 *   a killed process leaves either the whole run or nothing, never a half-written run. Every
 *   value is a bound parameter; no value is ever formatted into SQL text.
 * - The database holds only what the caller gives it. Wall-clock facts (when the run started,
 *   how long it took) come from the CLI in db_run_info, because nothing below cli/ reads the
 *   clock; everything else is in the run_result, so the same run gives the same rows apart
 *   from those fields.
 *
 * Column encodings: NaN metric and series values are stored as NULL. Seeds are uint64 but
 * SQLite integers are int64, so 'seed' holds the seed's bit pattern as int64 (a seed above
 * 2^63-1 reads back negative; the CLI refuses such seeds, so in practice seed is stored as
 * is). The 'events' column of 'runs' is the engine's event count, the same int64
 * conversion. */
#ifndef MRSIM_DB_H
#define MRSIM_DB_H

#include <stdint.h>

#include "run.h"
#include "sim.h"

#define DB_SCHEMA_VERSION  5     /* PRAGMA user_version of the schema we write */
#define DB_BUSY_TIMEOUT_MS 10000 /* wait this long for another writer, ms */

typedef struct db_conn db_conn; /* opaque: one open database */

/* A run's place in a sweep: written with the run, in its transaction. */
typedef struct db_sweep_link {
    int64_t            sweep_id; /* sweeps.id (db_sweep_open) */
    int64_t            point;    /* point index in the grid */
    uint32_t           k;        /* seed index: 0 .. nseeds - 1 */
    uint64_t           seed;
    const char        *params; /* "regions[*].servers=8 faults[0].region=x" */
    size_t             ndims;  /* k == 0: one sweep_params row per dimension */
    const char *const *paths;  /* [ndims] */
    const char *const *values; /* [ndims] labels: "8", "10ms", "us-east-1" */
    const double      *xs;     /* [ndims] numeric values, NaN for names */
} db_sweep_link;

/* What the database records about a run that the run_result cannot know. */
typedef struct db_run_info {
    const char          *started; /* wall-clock start, ISO-8601 UTC such as
                                                 "2024-05-01T12:34:56.789Z" */
    double               wall_s;  /* wall-clock duration of the run, seconds */
    const char          *version; /* mrsim version, e.g. MRSIM_VERSION */
    const db_sweep_link *sweep;   /* the run belongs to a sweep, or NULL */
} db_run_info;

/* Open (creating if missing) the database at path and make sure its schema is current.
 * An older schema is upgraded first. Returns 0 and a connection the caller closes with
 * db_close, or SIM_EIO when the file cannot be opened, created or upgraded, is not an SQLite
 * database, or has a schema newer than DB_SCHEMA_VERSION (err->file is the path, err->msg
 * says why), or SIM_ENOMEM. The parent directory must exist. */
int db_open(const char *path, db_conn **out, sim_err *err);
/* Close db; NULL is a no-op. Finishes nothing: a write in progress has already committed or
 * rolled back when db_write_run returned. */
void db_close(db_conn *db);

/* Append run r (its scenario r->scn must be set) with info, as one transaction. On success
 * returns 0 and sets *run_id (may be NULL) to the new row's id in 'runs'. On failure returns
 * SIM_EIO (err->msg holds SQLite's message, err->file the database path) and the database is
 * as it was before the call. */
int db_write_run(db_conn *db, const run_result *r, const db_run_info *info, int64_t *run_id,
                 sim_err *err);

/* --- reading (for plots) ----------------------------------------------------------- */

/* Each reader steps through its rows in order and calls a callback per row. The callback
 * borrows the strings for the call only; a nonzero return stops the query and is returned
 * as is (use a negative SIM_E* code). Database errors return SIM_EIO with err filled. */

/* A run as the plots need it. */
typedef struct db_run_row {
    int64_t     id;            /* runs.id */
    const char *scenario;      /* the scenario's name ("" when NULL) */
    const char *pattern;       /* the pattern's name ("" when NULL) */
    double      simulated_s;   /* simulated seconds (NaN when NULL) */
    uint64_t    seed;          /* the seed, from its int64 bit pattern */
    const char *scenario_file; /* as given on the command line ("" when NULL) */
    const char *scenario_text; /* the file's whole text ("" when NULL) */
} db_run_row;

typedef int db_run_fn(void *ctx, const db_run_row *run);
/* t_s: the interval's end, s; value NaN when NULL. */
typedef int db_series_fn(void *ctx, double t_s, const char *region, const char *metric,
                         double value);
/* t_s: simulated seconds from the run's start. */
typedef int db_event_fn(void *ctx, double t_s, const char *kind, const char *detail);
/* One latency bucket: [lo_ns, hi_ns), count requests. */
typedef int db_bucket_fn(void *ctx, int64_t lo_ns, int64_t hi_ns, int64_t count);

/* The runs to plot: run run_id alone when run_id > 0. Otherwise the runs of the scenario
 * named 'scenario' (when NULL: the scenario of the latest run in the database) whose
 * scenario text is the same as that scenario's latest run (same SHA-256: an edited file is
 * another experiment), keeping the latest run of each (pattern, seed); ordered by pattern
 * (in the order the patterns first ran), then seed. So one seed per pattern gives one run
 * per pattern, and `compare --seeds N` gives the N seeds of each. Returns the number of
 * runs (0 when there is no such run or scenario, or no runs at all) or an error.
 * min_id > 0 leaves out every run with a smaller id (so that `compare --plot` draws exactly
 * the runs it just made); it does not apply to run_id. */
int db_plot_runs(db_conn *db, int64_t run_id, int64_t min_id, const char *scenario, db_run_fn *fn,
                 void *ctx, sim_err *err);
/* Run run_id's series points, events and latency buckets, in the order they were written.
 * Return 0 or an error. */
int db_read_series(db_conn *db, int64_t run_id, db_series_fn *fn, void *ctx, sim_err *err);
int db_read_events(db_conn *db, int64_t run_id, db_event_fn *fn, void *ctx, sim_err *err);
int db_read_latency_hist(db_conn *db, int64_t run_id, db_bucket_fn *fn, void *ctx, sim_err *err);
/* The run's t-visibility windows in ascending t, through the same callback:
 * fn(ctx, window start in microseconds, reads, fresh reads (p_fresh * reads, rounded)). */
int db_read_visibility(db_conn *db, int64_t run_id, db_bucket_fn *fn, void *ctx, sim_err *err);
/* Every metric row of run run_id, in the order it was written. scope is "all", "op" or
 * "region"; value NaN when NULL. Returns 0 or an error. */
typedef int db_metric_fn(void *ctx, const char *scope, const char *key, const char *name,
                         double value);
int         db_read_metrics(db_conn *db, int64_t run_id, db_metric_fn *fn, void *ctx, sim_err *err);
/* The value of metric 'name' of run run_id in (scope, key) ("all", ""), into *value (NaN
 * when stored as NULL). Returns 1 when found, 0 when the run has no such metric, or an
 * error. */
int db_read_metric(db_conn *db, int64_t run_id, const char *scope, const char *key,
                   const char *name, double *value, sim_err *err);

/* --- sweeps -------------------------------------------------------------------------- */

/* A sweep's rows. The hash (SHA-256 of the sweep's canonical text) says which runs the sweep
 * makes, so shards of one sweep, and a sweep continued later, share it. */
typedef struct db_sweep_info {
    const char *hash; /* lowercase hex */
    const char *scenario, *file, *pattern;
    int64_t     npoints, nseeds;
    const char *dims;    /* varied paths, tab-separated */
    const char *shard;   /* "K/N", or NULL for a whole sweep */
    const char *started; /* wall clock, ISO-8601 UTC */
    const char *version;
    const char *slo; /* objectives for plots, one per line:
                                                 "metric\tscope\tkey\tmin\tmax", a bound
                                                 empty when absent; may be NULL */
} db_sweep_info;

/* The sweep in db with info's hash and shard (NULL matches NULL), or a new one: its id in
 * *id (a found sweep gets info's slo). Its own transaction, or part of the caller's when
 * one is open (db_begin). Returns 1 when it existed (its runs are kept: a sweep continues), 0 when new, or an
 * error. */
int db_sweep_open(db_conn *db, const db_sweep_info *info, int64_t *id, sim_err *err);

/* One stored run of a sweep. */
typedef struct db_sweep_run {
    int64_t point, k, seed, run_id;
} db_sweep_run;
typedef int db_sweep_run_fn(void *ctx, const db_sweep_run *r);
/* The runs of sweep 'id' in the order they were stored. Returns the number of runs or an
 * error (or a callback's nonzero return). */
int db_sweep_runs(db_conn *db, int64_t id, db_sweep_run_fn *fn, void *ctx, sim_err *err);

/* A sweep as stored (strings borrowed for the call). */
typedef struct db_sweep_row {
    int64_t     id, npoints, nseeds;
    const char *hash, *scenario, *pattern, *dims, *shard, *file, *version, *slo;
} db_sweep_row;
typedef int db_sweep_row_fn(void *ctx, const db_sweep_row *s);
/* Every sweep in id order. Returns how many or an error. */
int db_sweeps(db_conn *db, db_sweep_row_fn *fn, void *ctx, sim_err *err);

/* One point's value in one dimension (x NaN for a name). */
typedef int db_sweep_param_fn(void *ctx, int64_t point, int64_t dim, const char *path,
                              const char *value, double x);
int db_sweep_params(db_conn *db, int64_t id, db_sweep_param_fn *fn, void *ctx, sim_err *err);

/* Copy the runs of point 'point' of sweep src_id in src (every point when point < 0), each
 * with its metrics, events, series, latency histogram and sweep rows, into sweep dst_id of
 * dst, in the order src stored them. Nothing is committed: the caller brackets one or more
 * imports with db_begin / db_commit (db_rollback on failure). Returns the number of runs
 * copied or SIM_EIO. */
int db_sweep_import(db_conn *dst, int64_t dst_id, db_conn *src, int64_t src_id, int64_t point,
                    sim_err *err);

/* An explicit write transaction (BEGIN IMMEDIATE / COMMIT / ROLLBACK) for db_sweep_import. */
int  db_begin(db_conn *db, sim_err *err);
int  db_commit(db_conn *db, sim_err *err);
void db_rollback(db_conn *db);

/* --- reading a baseline (check --baseline) ---------------------------------------- */

/* Open an existing results database for reading only: nothing is created, upgraded or
 * written. Returns 0, or SIM_EIO (err->file is path) when the file is missing, is not an
 * SQLite database or has no schema version from 1 to DB_SCHEMA_VERSION, or SIM_ENOMEM. The
 * write functions must not be used on it. */
int db_open_readonly(const char *path, db_conn **out, sim_err *err);

/* --- integrity (db-check.c) ------------------------------------------------------- */

typedef void db_check_fn(void *ctx, const char *problem);
typedef struct db_check_result {
    int     problems; /* 0: the file is sound */
    int     version;  /* its schema version (PRAGMA user_version) */
    int64_t runs;     /* rows in runs, when readable */
} db_check_result;
/* The full check of `mrsim db check`: open path read-only (db_open_readonly), run PRAGMA
 * integrity_check and foreign_key_check, call fn (may be NULL) with every problem. Returns
 * 0 with *res filled, or an error when the file cannot be opened as a results database at
 * all (err says why). db_open() runs the quicker PRAGMA quick_check itself and refuses a
 * damaged file with SIM_EIO. */
int db_check(const char *path, db_check_fn *fn, void *ctx, db_check_result *res, sim_err *err);

/* The latest run (highest id) of the scenario named 'scenario' with this pattern and seed,
 * into *run_id. Returns 1 when found, 0 when there is none, or an error. */
int db_find_run(db_conn *db, const char *scenario, const char *pattern, uint64_t seed,
                int64_t *run_id, sim_err *err);

/* Its metrics: db_read_metrics() above. */

#endif
