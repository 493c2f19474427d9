/* db-read.c - reading the results database: the runs to plot, a run's metrics, series,
 * events and latency histogram, and the baseline a check compares with. Every query binds
 * its values; rows go to callbacks, one at a time, through db__each_row(). */
#include "db-int.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

/* --- reading ------------------------------------------------------------------------ */

/* A column as text, "" for NULL (sqlite3_column_text returns NULL there). */
const char *db__col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

double db__col_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* Which callback a query feeds, and how its columns map onto the callback's arguments. */
typedef enum row_kind { ROW_RUN, ROW_SERIES, ROW_EVENT, ROW_BUCKET, ROW_METRIC } row_kind;

typedef struct row_sink {
    row_kind kind;
    union { /* the one that 'kind' names */
        db_run_fn    *run;
        db_series_fn *series;
        db_event_fn  *event;
        db_bucket_fn *bucket;
        db_metric_fn *metric;
    } fn;
    void *ctx;
} row_sink;

static int deliver(const row_sink *k, sqlite3_stmt *st)
{
    switch (k->kind) {
    case ROW_RUN: {
        db_run_row run = {
            .id = sqlite3_column_int64(st, 0),
            .scenario = db__col_text(st, 1),
            .pattern = db__col_text(st, 2),
            .simulated_s = db__col_real(st, 3),
            .seed = (uint64_t)sqlite3_column_int64(st, 4),
            .scenario_file = db__col_text(st, 5),
            .scenario_text = db__col_text(st, 6),
        };
        return k->fn.run(k->ctx, &run);
    }
    case ROW_SERIES:
        return k->fn.series(k->ctx, sqlite3_column_double(st, 0), db__col_text(st, 1),
                            db__col_text(st, 2), db__col_real(st, 3));
    case ROW_EVENT:
        return k->fn.event(k->ctx, sqlite3_column_double(st, 0), db__col_text(st, 1),
                           db__col_text(st, 2));
    case ROW_BUCKET:
        return k->fn.bucket(k->ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                            sqlite3_column_int64(st, 2));
    case ROW_METRIC:
        return k->fn.metric(k->ctx, db__col_text(st, 0), db__col_text(st, 1), db__col_text(st, 2),
                            db__col_real(st, 3));
    }
    return 0;
}

static int deliver_row(void *ctx, sqlite3_stmt *st) { return deliver(ctx, st); }

/* Run sql with ?1 bound to id (when the statement has it) and ?2 to text (when non-NULL),
 * feeding each row to k. Returns the number of rows, a callback's nonzero return, or
 * SIM_EIO. */
static int query_rows(db_conn *db, const char *sql, int64_t id, const char *text, const row_sink *k,
                      sim_err *err)
{
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 1)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) >= 2)
        rc = db__bind_str(st, 2, text);
    return db__each_row(db, st, rc, deliver_row, (void *)k, err);
}

int db__each_row(db_conn *db, sqlite3_stmt *st, int rc, int (*each)(void *ctx, sqlite3_stmt *st),
                 void *ctx, sim_err *err)
{
    int n = 0, ret = 0;
    while (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
            break;
        }
        if (rc != SQLITE_ROW)
            break;
        rc = SQLITE_OK;
        n++;
        if ((ret = each(ctx, st)) != 0)
            break;
    }
    if (rc != SQLITE_OK) {
        db__fail(err, db->path, db->h, rc, "cannot read the results database");
        sqlite3_finalize(st);
        return SIM_EIO;
    }
    sqlite3_finalize(st);
    return ret != 0 ? ret : n;
}

int db_plot_runs(db_conn *db, int64_t run_id, int64_t min_id, const char *scenario, db_run_fn *fn,
                 void *ctx, sim_err *err)
{
    assert(db && fn);
    const row_sink k = { ROW_RUN, { .run = fn }, ctx };
#define RUN_COLUMNS(t)                                                                             \
    t "id, " t "scenario, " t "pattern, " t "simulated_s, " t "seed, " t "scenario_file, " t       \
      "scenario_text"
    if (run_id > 0)
        return query_rows(db, "SELECT " RUN_COLUMNS("") " FROM runs WHERE id = ?1", run_id, NULL,
                          &k, err);
    /* 'pick' is the scenario's latest run: its name and text hash define the set. Then the
     * latest run of each (pattern, seed) in that set, grouped by pattern in the order the
     * patterns first appear. ?1 is min_id, ?2 the scenario (NULL: the latest run's); 'IS'
     * rather than '=' so that NULL patterns and hashes form their own groups. */
    static const char sql[]
        = "WITH pick AS (SELECT scenario, scenario_sha256 FROM runs"
          "              WHERE id >= ?1 AND (?2 IS NULL OR scenario = ?2)"
          "              ORDER BY id DESC LIMIT 1),"
          " sel AS (SELECT r.* FROM runs r, pick"
          "         WHERE r.id >= ?1 AND r.scenario = pick.scenario"
          "           AND r.scenario_sha256 IS pick.scenario_sha256),"
          " latest AS (SELECT max(id) AS id FROM sel GROUP BY pattern, seed),"
          " firsts AS (SELECT pattern, min(id) AS first FROM sel GROUP BY pattern)"
          " SELECT " RUN_COLUMNS("sel.") " FROM sel"
                                         " JOIN firsts f ON f.pattern IS sel.pattern"
                                         " WHERE sel.id IN (SELECT id FROM latest)"
                                         " ORDER BY f.first, sel.seed, sel.id";
#undef RUN_COLUMNS
    return query_rows(db, sql, min_id > 0 ? min_id : 0, scenario, &k, err);
}

int db_read_metrics(db_conn *db, int64_t run_id, db_metric_fn *fn, void *ctx, sim_err *err)
{
    const row_sink k = { ROW_METRIC, { .metric = fn }, ctx };
    int            rc = query_rows(db,
                                   "SELECT scope, key, metric, value FROM metrics WHERE run_id = ?1"
                                              " ORDER BY rowid",
                                   run_id, NULL, &k, err);
    return rc < 0 ? rc : 0;
}

int db_read_series(db_conn *db, int64_t run_id, db_series_fn *fn, void *ctx, sim_err *err)
{
    const row_sink k = { ROW_SERIES, { .series = fn }, ctx };
    int            rc = query_rows(db,
                                   "SELECT t_s, region, metric, value FROM series WHERE run_id = ?1"
                                              " ORDER BY rowid",
                                   run_id, NULL, &k, err);
    return rc < 0 ? rc : 0;
}

int db_read_events(db_conn *db, int64_t run_id, db_event_fn *fn, void *ctx, sim_err *err)
{
    const row_sink k = { ROW_EVENT, { .event = fn }, ctx };
    int            rc = query_rows(db,
                                   "SELECT t_s, kind, detail FROM events WHERE run_id = ?1"
                                              " ORDER BY rowid",
                                   run_id, NULL, &k, err);
    return rc < 0 ? rc : 0;
}

int db_read_latency_hist(db_conn *db, int64_t run_id, db_bucket_fn *fn, void *ctx, sim_err *err)
{
    const row_sink k = { ROW_BUCKET, { .bucket = fn }, ctx };
    int            rc = query_rows(db,
                                   "SELECT lo_ns, hi_ns, count FROM latency_hist WHERE run_id = ?1"
                                              " ORDER BY rowid",
                                   run_id, NULL, &k, err);
    return rc < 0 ? rc : 0;
}

int db_read_visibility(db_conn *db, int64_t run_id, db_bucket_fn *fn, void *ctx, sim_err *err)
{
    const row_sink k = { ROW_BUCKET, { .bucket = fn }, ctx };
    int            rc = query_rows(db,
                                   "SELECT CAST(round(t_ms * 1000) AS INTEGER), reads,"
                                              " CAST(round(coalesce(p_fresh, 0) * reads) AS INTEGER)"
                                              " FROM visibility WHERE run_id = ?1 ORDER BY rowid",
                                   run_id, NULL, &k, err);
    return rc < 0 ? rc : 0;
}

int db_read_metric(db_conn *db, int64_t run_id, const char *scope, const char *key,
                   const char *name, double *value, sim_err *err)
{
    static const char sql[]
        = "SELECT value FROM metrics WHERE run_id = ?1 AND scope = ?2 AND key = ?3"
          " AND metric = ?4 ORDER BY rowid LIMIT 1";
    sqlite3_stmt *st = NULL;
    *value = NAN;
    int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, run_id);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 2, scope);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 3, key);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 4, name);
    int found = 0;
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *value = db__col_real(st, 0);
            found = 1;
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK) {
        db__fail(err, db->path, db->h, rc, "cannot read the results database");
        sqlite3_finalize(st);
        return SIM_EIO;
    }
    sqlite3_finalize(st);
    return found;
}

/* --- reading a baseline ------------------------------------------------------------- */

int db_open_readonly(const char *path, db_conn **out, sim_err *err)
{
    assert(path && out);
    *out = NULL;
    db_conn *db = sim_calloc(1, sizeof *db);
    if (!db || !(db->path = sim_strdup(path))) {
        sim_free(db);
        sim_err_set(err, SIM_ENOMEM, NULL, "out of memory opening the results database");
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        return SIM_ENOMEM;
    }
    int version = 0;
    int rc;
    if (db__needs_immutable(path)) { /* db-check.c: no -shm where nothing may be written */
        char *uri = db__file_uri(path, "immutable=1");
        rc = uri ? sqlite3_open_v2(uri, &db->h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL)
                 : SQLITE_NOMEM;
        sim_free(uri);
    } else {
        rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READONLY, NULL);
    }
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(db->h, 1);
        sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
        rc = db__query_int(db->h, "PRAGMA user_version", &version);
    }
    if (rc != SQLITE_OK) {
        db__fail(err, path, db->h, rc, "cannot read the results database");
        db_close(db);
        return SIM_EIO;
    }
    /* Every version so far has runs and metrics as they are read below; a newer one might
     * not, and an unversioned file is not ours. */
    if (version < 1 || version > DB_SCHEMA_VERSION) {
        sim_err_set(err, SIM_EIO, NULL,
                    "expected an mrsim results database of schema version 1 to %d, found "
                    "version %d",
                    DB_SCHEMA_VERSION, version);
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        db_close(db);
        return SIM_EIO;
    }
    *out = db;
    return 0;
}

int db_find_run(db_conn *db, const char *scenario, const char *pattern, uint64_t seed,
                int64_t *run_id, sim_err *err)
{
    static const char sql[]
        = "SELECT id FROM runs WHERE scenario = ?1 AND pattern = ?2 AND seed = ?3"
          " ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 1, scenario);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 2, pattern);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 3, db__u64_bits(seed));
    int found = 0;
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *run_id = sqlite3_column_int64(st, 0);
            found = 1;
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return db__fail(err, db->path, db->h, rc, "cannot read the results database");
    return found;
}
