/* db.c - the results database over SQLite; with db-sweep.c (the sweep tables) the only
 * file in mrsim that includes sqlite3.h.
 *
 * Opening: the file is opened read-write (created if missing) with a busy timeout, so that
 * runs writing to the same file from several processes (a sweep on local cores) queue for the
 * write lock instead of failing. The schema version is PRAGMA user_version: 0 on a fresh file,
 * DB_SCHEMA_VERSION once we created the schema. The schema is created inside a BEGIN
 * IMMEDIATE transaction that first re-reads the version, so two processes opening a new file
 * at once create it exactly once. A file of an older version is migrated the same way: the
 * migration's tables and the new version number are written in one BEGIN IMMEDIATE
 * transaction, after re-reading the version under the lock, so an interrupted or concurrent
 * upgrade leaves the file at one version or the other, never in between. A version-0 file
 * that already has tables is someone else's database and is refused, as is a file with a
 * newer version: we would misread it.
 *
 * Concurrency: the file is put in WAL journal mode, so readers (plots, a --baseline) never
 * wait for a writer and parallel writers (check --jobs, sweep) only queue for the write lock;
 * BEGIN IMMEDIATE is retried when SQLite reports busy without calling the busy handler
 * (exec_busy).
 *
 * Writing: one BEGIN IMMEDIATE ... COMMIT per run. IMMEDIATE takes the write lock up front,
 * so a busy database is waited for at BEGIN (under the busy timeout) rather than failing
 * halfway through with a lock upgrade error. Any failure, including of COMMIT itself, rolls
 * back, so a run is stored whole or not at all. Statements are prepared per call: a run is
 * written once, and caching them in db_conn would only add state to keep valid.
 *
 * Rows of 'metrics', 'events' and 'series' are inserted in the run_result's order, so ORDER
 * BY rowid gives that order back; 'latency_hist' rows go in ascending bucket order.
 *
 * Reading (for plots): each query is one prepared statement with bound parameters, stepped
 * row by row into a callback that borrows the row's strings for the call only. */
#include "db.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "db-int.h"
#include "sha256.h"

#define DB_BUSY_RETRIES  20 /* tries of a statement that found the file busy */
#define DB_BUSY_RETRY_MS 50 /* sleep between them, ms */

/* Added in version 2: the monitor's time series, one row per point. Shared by the schema of a
 * new file and the migration from version 1, so the two cannot drift apart. */
#define SERIES_SQL                                                                                 \
    "CREATE TABLE series ("                                                                        \
    " run_id INTEGER NOT NULL REFERENCES runs(id),"                                                \
    " t_s REAL NOT NULL," /* end of the interval, simulated seconds */                             \
    " region TEXT NOT NULL,"                                                                       \
    " metric TEXT NOT NULL," /* 'requests', 'p99_ms', ... */                                       \
    " value REAL"            /* NULL when the value is NaN */                                      \
    ");"                                                                                           \
    "CREATE INDEX series_run_id ON series(run_id);"

/* Added in version 3: the run's latency histogram (every measured ok request), one row per
 * non-empty bucket in ascending order, for CDF plots. hi_ns is exclusive, except that the top
 * bucket reports INT64_MAX (stat_hist_next_bucket). */
#define LATENCY_HIST_SQL                                                                           \
    "CREATE TABLE latency_hist ("                                                                  \
    " run_id INTEGER NOT NULL REFERENCES runs(id),"                                                \
    " lo_ns INTEGER NOT NULL,"                                                                     \
    " hi_ns INTEGER NOT NULL,"                                                                     \
    " count INTEGER NOT NULL"                                                                      \
    ");"                                                                                           \
    "CREATE INDEX latency_hist_run_id ON latency_hist(run_id);"

/* Added in version 4: sweeps (mrsim sweep). A sweep is one row of 'sweeps', named across
 * machines by 'hash' (SHA-256 of the sweep's canonical text: scenario text, dimensions,
 * values, seeds, pattern); each of its runs is one row of 'sweep_points' (point index, seed
 * index k, the seed, the run, the parameters as text), and each point's value per dimension
 * one row of 'sweep_params' (written with the point's first run), x being the value as a
 * number (durations in seconds) or NULL for names. 'shard' is "K/N" for a shard's database,
 * NULL for a whole or merged sweep. */
#define SWEEP_SQL                                                                                  \
    "CREATE TABLE sweeps ("                                                                        \
    " id INTEGER PRIMARY KEY,"                                                                     \
    " hash TEXT NOT NULL,"                                                                         \
    " scenario TEXT, scenario_file TEXT, pattern TEXT,"                                            \
    " npoints INTEGER NOT NULL, nseeds INTEGER NOT NULL,"                                          \
    " dims TEXT NOT NULL," /* the varied paths, tab-separated */                                   \
    " shard TEXT,"                                                                                 \
    " slo TEXT,"     /* objectives, one per line (db.h) */                                         \
    " started TEXT," /* ISO-8601 UTC, from the CLI's wall clock */                                 \
    " version TEXT"                                                                                \
    ");"                                                                                           \
    "CREATE TABLE sweep_points ("                                                                  \
    " sweep_id INTEGER NOT NULL REFERENCES sweeps(id),"                                            \
    " point INTEGER NOT NULL, k INTEGER NOT NULL, seed INTEGER NOT NULL,"                          \
    " run_id INTEGER NOT NULL REFERENCES runs(id),"                                                \
    " params TEXT NOT NULL"                                                                        \
    ");"                                                                                           \
    "CREATE INDEX sweep_points_sweep ON sweep_points(sweep_id, point);"                            \
    "CREATE TABLE sweep_params ("                                                                  \
    " sweep_id INTEGER NOT NULL REFERENCES sweeps(id),"                                            \
    " point INTEGER NOT NULL, dim INTEGER NOT NULL,"                                               \
    " path TEXT NOT NULL, value TEXT NOT NULL, x REAL"                                             \
    ");"                                                                                           \
    "CREATE INDEX sweep_params_sweep ON sweep_params(sweep_id, point);"

/* Added in version 5: the run's t-visibility curve (run.h, models/observe/visibility.h), one
 * row per window in ascending t_ms; p_fresh NULL for a window without reads. */
#define VISIBILITY_SQL                                                                             \
    "CREATE TABLE visibility ("                                                                    \
    " run_id INTEGER NOT NULL REFERENCES runs(id),"                                                \
    " t_ms REAL NOT NULL," /* the window's start, ms after the newest acknowledged write */        \
    " reads INTEGER NOT NULL,"                                                                     \
    " p_fresh REAL"                                                                                \
    ");"                                                                                           \
    "CREATE INDEX visibility_run_id ON visibility(run_id);"

static const char schema_sql[]
    = "CREATE TABLE runs ("
      " id INTEGER PRIMARY KEY,"
      " started TEXT,"  /* ISO-8601 UTC, from the CLI's wall clock */
      " scenario TEXT," /* the scenario's name */
      " scenario_file TEXT,"
      " scenario_text TEXT,"   /* the whole file, byte for byte */
      " scenario_sha256 TEXT," /* of scenario_text, lowercase hex */
      " pattern TEXT,"
      " seed INTEGER," /* uint64 stored as its int64 bit pattern */
      " simulated_s REAL,"
      " wall_s REAL,"
      " events INTEGER," /* engine events executed */
      " version TEXT"    /* mrsim version */
      ");"
      "CREATE TABLE metrics ("
      " run_id INTEGER NOT NULL REFERENCES runs(id),"
      " scope TEXT NOT NULL," /* 'all', 'op', 'region' or 'client' */
      " key TEXT NOT NULL,"   /* '' for all, the op or the region name */
      " metric TEXT NOT NULL,"
      " value REAL" /* NULL when the value is NaN */
      ");"
      "CREATE TABLE events ("
      " run_id INTEGER NOT NULL REFERENCES runs(id),"
      " t_s REAL NOT NULL," /* simulated seconds from the run's start */
      " kind TEXT NOT NULL,"
      " detail TEXT NOT NULL"
      ");"
      "CREATE INDEX metrics_run_id ON metrics(run_id);"
      "CREATE INDEX events_run_id ON events(run_id);" SERIES_SQL LATENCY_HIST_SQL SWEEP_SQL
          VISIBILITY_SQL
      /* PRAGMA takes no bound parameters; this is a constant, not a value from outside. It is
     * part of the enclosing transaction, like the tables. */
      "PRAGMA user_version = 5;";

/* migrate_sql[v] brings a file of version v to version v + 1, inside the transaction that
 * ensure_schema() opened; ensure_schema() runs the steps from the file's version up in that
 * one transaction (1 -> 2 -> 3 -> 4) and then sets user_version, so the file is at the old version
 * or the new one, never in between. */
static const char *const migrate_sql[DB_SCHEMA_VERSION] = {
    [1] = SERIES_SQL,
    [2] = LATENCY_HIST_SQL,
    [3] = SWEEP_SQL,
    [4] = VISIBILITY_SQL,
};

/* The schema texts above hard-code the version; keep them in step. */
_Static_assert(DB_SCHEMA_VERSION == 5,
               "update the PRAGMA user_version in schema_sql and "
               "set_version_sql, and add a migration step");
static const char set_version_sql[] = "PRAGMA user_version = 5;";

/* Fill err with SIM_EIO, the database path as err->file and a message ending in SQLite's own
 * explanation (sqlite3_errmsg, or the code's generic text when the handle has none). */
int db__fail(sim_err *err, const char *path, sqlite3 *h, int rc, const char *what)
{
    const char *why
        = (h && sqlite3_errcode(h) != SQLITE_OK) ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
    sim_err_set(err, SIM_EIO, NULL, "%s: %s", what, why);
    if (err)
        snprintf(err->file, sizeof err->file, "%s", path);
    return SIM_EIO;
}

/* Run a single statement that returns one integer (a PRAGMA or a count) into *out. */
int db__query_int(sqlite3 *h, const char *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(st, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_ERROR; /* these queries always return a row */
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* Roll back the open transaction, if any, keeping the error that made us roll back: the
 * caller has already copied sqlite3_errmsg into its sim_err. */
void db__rollback(sqlite3 *h)
{
    if (!sqlite3_get_autocommit(h))
        sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
}

/* Run sql (BEGIN IMMEDIATE, a journal mode change), retrying while the database is busy.
 * The busy timeout covers the usual case, but SQLite does not call the busy handler when
 * waiting could deadlock or while another process recovers the WAL, and returns SQLITE_BUSY
 * at once; a short sleep and another try then succeed. Attempts are counted rather than
 * timed: nothing below cli/ reads the clock. */
static int exec_busy(sqlite3 *h, const char *sql)
{
    int rc = SQLITE_BUSY;
    for (int attempt = 0; attempt < DB_BUSY_RETRIES; attempt++) {
        rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY)
            break;
        sqlite3_sleep(DB_BUSY_RETRY_MS);
    }
    return rc;
}

/* Bring a database of version 0 (empty) or an older version to DB_SCHEMA_VERSION, or leave a
 * current one alone. */
static int ensure_schema(db_conn *db, sim_err *err)
{
    sqlite3 *h = db->h;
    int      version = 0, ntables = 0;
    /* The first read of the file: a file that is not SQLite fails here. */
    int rc = db__query_int(h, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK)
        return db__fail(err, db->path, h, rc, "cannot read the results database");
    if (version == DB_SCHEMA_VERSION)
        return 0;
    if (version > DB_SCHEMA_VERSION || version < 0)
        goto newer;

    const char *what = version == 0 ? "cannot create the results database schema"
                                    : "cannot upgrade the results database schema";
    rc = exec_busy(h, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return db__fail(err, db->path, h, rc, what);
    /* Re-read under the write lock: another process may have created or upgraded the schema
     * since. */
    rc = db__query_int(h, "PRAGMA user_version", &version);
    if (rc == SQLITE_OK && version == 0)
        rc = db__query_int(h, "SELECT count(*) FROM sqlite_master", &ntables);
    if (rc != SQLITE_OK) {
        db__fail(err, db->path, h, rc, what);
        db__rollback(h);
        return SIM_EIO;
    }
    if (version == DB_SCHEMA_VERSION) {
        db__rollback(h);
        return 0;
    }
    if (version > DB_SCHEMA_VERSION || version < 0) {
        db__rollback(h);
        goto newer;
    }
    if (version == 0 && ntables != 0) {
        db__rollback(h);
        sim_err_set(err, SIM_EIO, NULL,
                    "not an mrsim results database: expected an empty file or schema "
                    "version %d, found %d tables and no version",
                    DB_SCHEMA_VERSION, ntables);
        if (err)
            snprintf(err->file, sizeof err->file, "%s", db->path);
        return SIM_EIO;
    }
    if (version == 0) {
        rc = sqlite3_exec(h, schema_sql, NULL, NULL, NULL);
    } else {
        for (int v = version; rc == SQLITE_OK && v < DB_SCHEMA_VERSION; v++)
            rc = sqlite3_exec(h, migrate_sql[v], NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(h, set_version_sql, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        db__fail(err, db->path, h, rc, what);
        db__rollback(h);
        return SIM_EIO;
    }
    return 0;

newer:
    sim_err_set(err, SIM_EIO, NULL,
                "results database schema version %d is not one this mrsim can write "
                "(expected %d or older, or an empty file); use a newer mrsim or another --db",
                version, DB_SCHEMA_VERSION);
    if (err)
        snprintf(err->file, sizeof err->file, "%s", db->path);
    return SIM_EIO;
}

int db_open(const char *path, db_conn **out, sim_err *err)
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
    int rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        /* sqlite3_open_v2 returns a handle even on most failures, carrying the message. */
        db__fail(err, path, db->h, rc, "cannot open the results database");
        db_close(db);
        return SIM_EIO;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
    rc = sqlite3_exec(db->h, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        db__fail(err, path, db->h, rc, "cannot open the results database");
        db_close(db);
        return SIM_EIO;
    }
    /* A damaged file is refused before anything is written to it (db-check.c). */
    int ret = db__quick_check(db->h, path, err);
    if (ret == 0)
        ret = ensure_schema(db, err);
    if (ret < 0) {
        db_close(db);
        return ret;
    }
    /* WAL: readers (plots, a baseline) never block the writers, and parallel writers (check
     * --jobs, sweep) only queue on the write lock. The mode is stored in the file, so this is
     * a no-op after the first open; it comes after the schema's first read so that a file
     * that is not SQLite is reported as such. */
    rc = exec_busy(db->h, "PRAGMA journal_mode = WAL");
    if (rc != SQLITE_OK) {
        db__fail(err, path, db->h, rc, "cannot open the results database");
        db_close(db);
        return SIM_EIO;
    }
    *out = db;
    return 0;
}

void db_close(db_conn *db)
{
    if (!db)
        return;
    /* Every statement is finalized before the function that prepared it returns, so close
     * cannot be refused for statements still open. */
    sqlite3_close(db->h);
    sim_free(db->path);
    sim_free(db);
}

/* A uint64 as the int64 with the same bit pattern, without relying on the
 * implementation-defined conversion of out-of-range values. */
sqlite3_int64 db__u64_bits(uint64_t v)
{
    if (v <= (uint64_t)INT64_MAX)
        return (sqlite3_int64)v;
    return -(sqlite3_int64)(UINT64_MAX - v) - 1;
}

/* Bind a NUL-terminated string, or NULL. The strings outlive the statement's step, so
 * SQLITE_STATIC spares a copy. */
int db__bind_str(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Bind a double; NaN becomes NULL (SQLite would store NaN as NULL anyway, but silently). */
int db__bind_real(sqlite3_stmt *st, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

/* Step a bound INSERT to completion and reset it for the next row. */
int db__step_insert(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_reset(st);
    return rc;
}

static int insert_run(sqlite3 *h, const run_result *r, const db_run_info *info, sqlite3_int64 *id)
{
    static const char sql[]
        = "INSERT INTO runs (started, scenario, scenario_file, scenario_text, scenario_sha256,"
          " pattern, seed, simulated_s, wall_s, events, version)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    const scn_scenario *s = r->scn;
    char                sha[SHA256_HEX_LEN + 1];
    sha256_hex(s->text, s->text ? s->text_len : 0, sha);

    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 1, info->started);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 2, s->name);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 3, s->file);
    if (rc == SQLITE_OK)
        rc = s->text ? sqlite3_bind_text64(st, 4, s->text, (sqlite3_uint64)s->text_len,
                                           SQLITE_STATIC, SQLITE_UTF8)
                     : sqlite3_bind_null(st, 4);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 5, sha, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 6, r->pattern);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 7, db__u64_bits(r->seed));
    if (rc == SQLITE_OK)
        rc = db__bind_real(st, 8, sim_time_s(r->simulated));
    if (rc == SQLITE_OK)
        rc = db__bind_real(st, 9, info->wall_s);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 10, db__u64_bits(r->events));
    if (rc == SQLITE_OK)
        rc = db__bind_str(st, 11, info->version);
    if (rc == SQLITE_OK)
        rc = db__step_insert(st);
    if (rc == SQLITE_OK)
        *id = sqlite3_last_insert_rowid(h);
    sqlite3_finalize(st);
    return rc;
}

static int insert_metrics(sqlite3 *h, const run_result *r, sqlite3_int64 id)
{
    static const char sql[]
        = "INSERT INTO metrics (run_id, scope, key, metric, value) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < r->nmetrics; i++) {
        const run_metric *m = &r->metrics[i];
        rc = sqlite3_bind_int64(st, 1, id);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 2, run_scope_name(m->scope));
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 3, m->key ? m->key : "");
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 4, m->name);
        if (rc == SQLITE_OK)
            rc = db__bind_real(st, 5, m->value);
        if (rc == SQLITE_OK)
            rc = db__step_insert(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int insert_events(sqlite3 *h, const run_result *r, sqlite3_int64 id)
{
    static const char sql[]
        = "INSERT INTO events (run_id, t_s, kind, detail) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < r->nlog; i++) {
        const run_event *e = &r->log[i];
        rc = sqlite3_bind_int64(st, 1, id);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_double(st, 2, sim_time_s(e->t));
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 3, e->kind);
        /* detail is a fixed buffer; bound with its length so a missing NUL cannot overrun. */
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(st, 4, e->detail, (int)strnlen(e->detail, sizeof e->detail),
                                   SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = db__step_insert(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int insert_series(sqlite3 *h, const run_result *r, sqlite3_int64 id)
{
    static const char sql[]
        = "INSERT INTO series (run_id, t_s, region, metric, value) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    /* sqlite3_reset keeps the bindings, so the run id is bound once for every row. */
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    for (size_t i = 0; rc == SQLITE_OK && i < r->nseries; i++) {
        const run_point *p = &r->series[i];
        rc = sqlite3_bind_double(st, 2, sim_time_s(p->t));
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 3, p->region);
        if (rc == SQLITE_OK)
            rc = db__bind_str(st, 4, p->metric);
        if (rc == SQLITE_OK)
            rc = db__bind_real(st, 5, p->value);
        if (rc == SQLITE_OK)
            rc = db__step_insert(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* One row per non-empty bucket of r->latency (none when the run kept no histogram). */
static int insert_latency_hist(sqlite3 *h, const run_result *r, sqlite3_int64 id)
{
    if (!r->latency)
        return SQLITE_OK;
    static const char sql[]
        = "INSERT INTO latency_hist (run_id, lo_ns, hi_ns, count) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    size_t   iter = 0;
    sim_time lo = 0, hi = 0;
    uint64_t count = 0;
    while (rc == SQLITE_OK && stat_hist_next_bucket(r->latency, &iter, &lo, &hi, &count)) {
        rc = sqlite3_bind_int64(st, 2, lo);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 3, hi);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 4, db__u64_bits(count));
        if (rc == SQLITE_OK)
            rc = db__step_insert(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* One row per window of the run's t-visibility curve. */
static int insert_visibility(sqlite3 *h, const run_result *r, sqlite3_int64 id)
{
    static const char sql[]
        = "INSERT INTO visibility (run_id, t_ms, reads, p_fresh) VALUES (?1, ?2, ?3, ?4)";
    if (!r->nvisibility)
        return SQLITE_OK;
    sqlite3_stmt *st = NULL;
    int           rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    for (size_t i = 0; rc == SQLITE_OK && i < r->nvisibility; i++) {
        rc = sqlite3_bind_double(st, 2, r->visibility[i].t_ms);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 3, db__u64_bits(r->visibility[i].reads));
        if (rc == SQLITE_OK)
            rc = db__bind_real(st, 4, r->visibility[i].p_fresh);
        if (rc == SQLITE_OK)
            rc = db__step_insert(st);
    }
    sqlite3_finalize(st);
    return rc;
}

int db_write_run(db_conn *db, const run_result *r, const db_run_info *info, int64_t *run_id,
                 sim_err *err)
{
    assert(db && r && r->scn && info);
    sqlite3      *h = db->h;
    sqlite3_int64 id = 0;
    int           rc = exec_busy(h, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return db__fail(err, db->path, h, rc, "cannot write the run to the results database");
    rc = insert_run(h, r, info, &id);
    if (rc == SQLITE_OK)
        rc = insert_metrics(h, r, id);
    if (rc == SQLITE_OK)
        rc = insert_events(h, r, id);
    if (rc == SQLITE_OK)
        rc = insert_series(h, r, id);
    if (rc == SQLITE_OK)
        rc = insert_latency_hist(h, r, id);
    if (rc == SQLITE_OK)
        rc = insert_visibility(h, r, id);
    if (rc == SQLITE_OK && info->sweep)
        rc = db__insert_sweep_link(h, info->sweep, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        db__fail(err, db->path, h, rc, "cannot write the run to the results database");
        db__rollback(h);
        return SIM_EIO;
    }
    if (run_id)
        *run_id = id;
    return 0;
}
