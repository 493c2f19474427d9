/* test_db.c - the results database: what db_write_run stores, read back with the SQLite API.
 *
 * Each test gets a fresh temporary directory. The run written is built by hand (a scenario
 * record, metrics including a NaN, two events, series points including a NaN), so these
 * tests do not depend on the models. Failures in the middle of a write are injected with
 * SQLite triggers that RAISE(ABORT) on a chosen row: the runs row and some metric, event or
 * series rows are already inserted when the failure hits, which is exactly the partial state
 * the transaction must undo. A version-1 file (before 'series') is built with the version-1
 * schema text, as an mrsim of that version wrote it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "sha256.h"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/mrsim-test-db-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/results.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture                 *f = *state;
    char                     p[160];
    static const char *const suffixes[] = { "", "-journal", "-wal", "-shm" };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* --- a hand-made run ---------------------------------------------------------------- */

static const char scenario_text[]
    = "{\"name\": \"outage \\\"at peak\\\"\", \"duration\": \"30s\"}\n";

static scn_scenario test_scenario = {
    .file = "scenarios/outage.json",
    .text = (char *)scenario_text,
    .text_len = sizeof scenario_text - 1,
    .name = "outage \"at peak\"",
    .seed = 7,
};

static run_metric test_metrics[] = {
    { RUN_SCOPE_ALL, "", "requests", 1000 },
    { RUN_SCOPE_ALL, "", "availability", 0.995 },
    { RUN_SCOPE_ALL, "", "mean_ms", NAN },
    { RUN_SCOPE_OP, "read", "p99_ms", 12.5 },
    { RUN_SCOPE_OP, "write", "p99_ms", 40.25 },
    { RUN_SCOPE_REGION, "us-east-1", "utilization", 0.5 },
};

static run_event test_log[] = {
    { 5 * SIM_S, "fault_start", "region_down us-east-1" },
    { 15 * SIM_S + 500 * SIM_MS, "fault_end", "region_down us-east-1" },
};

static run_point test_series[] = {
    { SIM_S, "us-east-1", "requests", 120 },
    { SIM_S, "us-east-1", "p99_ms", 12.5 },
    { SIM_S, "eu-west-1", "p99_ms", NAN },
    { 2 * SIM_S, "us-east-1", "requests", 95 },
    { 2 * SIM_S + 500 * SIM_MS, "us-east-1", "p99_ms", 14.25 },
};

static run_result test_run(void)
{
    run_result r = {
        .scn = &test_scenario,
        .pattern = "independent",
        .seed = 7,
        .simulated = 31 * SIM_S + 250 * SIM_MS,
        .events = 123456789,
        .metrics = test_metrics,
        .nmetrics = sizeof test_metrics / sizeof test_metrics[0],
        .log = test_log,
        .nlog = sizeof test_log / sizeof test_log[0],
        .series = test_series,
        .nseries = sizeof test_series / sizeof test_series[0],
    };
    return r;
}

static const db_run_info test_info = {
    .started = "2024-05-01T12:34:56.789Z",
    .wall_s = 2.5,
    .version = "0.1.0",
};

/* --- reading back --------------------------------------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    return h;
}

static void raw_exec(sqlite3 *h, const char *sql)
{
    char *msg = NULL;
    int   rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

static int64_t raw_int(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int64_t count_rows(const char *path, const char *table)
{
    sqlite3 *h = raw_open(path);
    char     sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    int64_t n = raw_int(h, sql);
    sqlite3_close(h);
    return n;
}

static void write_ok(const char *path, const run_result *r, int64_t want_id)
{
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(path, &db, &err), 0);
    int64_t id = -1;
    assert_int_equal(db_write_run(db, r, &test_info, &id, &err), 0);
    assert_int_equal(id, want_id);
    db_close(db);
}

/* --- tests ---------------------------------------------------------------------------- */

static void test_db_open_creates_current_schema(void **state)
{
    fixture *f = *state;
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(f->path, &db, &err), 0);
    assert_non_null(db);
    db_close(db);

    sqlite3 *h = raw_open(f->path);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), DB_SCHEMA_VERSION);
    assert_int_equal(DB_SCHEMA_VERSION, 5);
    assert_int_equal(raw_int(h,
                             "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                             " AND name IN ('runs', 'metrics', 'events', 'series',"
                             " 'latency_hist', 'sweeps', 'sweep_points', 'sweep_params',"
                             " 'visibility')"),
                     9);
    assert_int_equal(raw_int(h,
                             "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                             " AND name IN ('metrics_run_id', 'events_run_id',"
                             " 'series_run_id', 'latency_hist_run_id')"),
                     4);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM runs"), 0);
    sqlite3_close(h);
}

static void test_db_write_stores_every_column(void **state)
{
    fixture   *f = *state;
    run_result r = test_run();
    write_ok(f->path, &r, 1);

    sqlite3      *h = raw_open(f->path);
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(
            h,
            "SELECT id, started, scenario, scenario_file, scenario_text, scenario_sha256, pattern,"
            " seed, simulated_s, wall_s, events, version FROM runs",
            -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char sha[SHA256_HEX_LEN + 1];
    sha256_hex(scenario_text, sizeof scenario_text - 1, sha);
    assert_int_equal(sqlite3_column_int64(st, 0), 1);
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "2024-05-01T12:34:56.789Z");
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "outage \"at peak\"");
    assert_string_equal((const char *)sqlite3_column_text(st, 3), "scenarios/outage.json");
    assert_string_equal((const char *)sqlite3_column_text(st, 4), scenario_text);
    assert_int_equal(sqlite3_column_bytes(st, 4), sizeof scenario_text - 1);
    assert_string_equal((const char *)sqlite3_column_text(st, 5), sha);
    assert_string_equal((const char *)sqlite3_column_text(st, 6), "independent");
    assert_int_equal(sqlite3_column_int64(st, 7), 7);
    assert_true(sqlite3_column_double(st, 8) == 31.25);
    assert_true(sqlite3_column_double(st, 9) == 2.5);
    assert_int_equal(sqlite3_column_int64(st, 10), 123456789);
    assert_string_equal((const char *)sqlite3_column_text(st, 11), "0.1.0");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);

    /* Metrics in the result's order, NaN as NULL. */
    assert_int_equal(sqlite3_prepare_v2(
                         h, "SELECT run_id, scope, key, metric, value FROM metrics ORDER BY rowid",
                         -1, &st, NULL),
                     SQLITE_OK);
    static const char *const scopes[] = { "all", "all", "all", "op", "op", "region" };
    for (size_t i = 0; i < r.nmetrics; i++) {
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 1);
        assert_string_equal((const char *)sqlite3_column_text(st, 1), scopes[i]);
        assert_string_equal((const char *)sqlite3_column_text(st, 2), test_metrics[i].key);
        assert_string_equal((const char *)sqlite3_column_text(st, 3), test_metrics[i].name);
        if (isnan(test_metrics[i].value)) {
            assert_int_equal(sqlite3_column_type(st, 4), SQLITE_NULL);
        } else {
            assert_int_equal(sqlite3_column_type(st, 4), SQLITE_FLOAT);
            assert_true(sqlite3_column_double(st, 4) == test_metrics[i].value);
        }
    }
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);

    assert_int_equal(
        sqlite3_prepare_v2(h, "SELECT run_id, t_s, kind, detail FROM events ORDER BY rowid", -1,
                           &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), 1);
    assert_true(sqlite3_column_double(st, 1) == 5.0);
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "fault_start");
    assert_string_equal((const char *)sqlite3_column_text(st, 3), "region_down us-east-1");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_double(st, 1) == 15.5);
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "fault_end");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);

    /* Series points in the result's order, times in seconds, NaN as NULL. */
    assert_int_equal(sqlite3_prepare_v2(
                         h, "SELECT run_id, t_s, region, metric, value FROM series ORDER BY rowid",
                         -1, &st, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < r.nseries; i++) {
        const run_point *p = &test_series[i];
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 1);
        assert_int_equal(sqlite3_column_type(st, 1), SQLITE_FLOAT);
        assert_true(sqlite3_column_double(st, 1) == sim_time_s(p->t));
        assert_string_equal((const char *)sqlite3_column_text(st, 2), p->region);
        assert_string_equal((const char *)sqlite3_column_text(st, 3), p->metric);
        if (isnan(p->value)) {
            assert_int_equal(sqlite3_column_type(st, 4), SQLITE_NULL);
        } else {
            assert_int_equal(sqlite3_column_type(st, 4), SQLITE_FLOAT);
            assert_true(sqlite3_column_double(st, 4) == p->value);
        }
    }
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    assert_true(raw_int(h, "SELECT count(*) FROM series WHERE t_s = 2.5") == 1);
    sqlite3_close(h);
}

static void test_db_reopen_appends_runs(void **state)
{
    fixture   *f = *state;
    run_result r = test_run();
    write_ok(f->path, &r, 1);
    r.seed = 8;
    write_ok(f->path, &r, 2);
    assert_int_equal(count_rows(f->path, "runs"), 2);
    assert_int_equal(count_rows(f->path, "metrics"), 2 * (int64_t)r.nmetrics);
    assert_int_equal(count_rows(f->path, "events"), 2 * (int64_t)r.nlog);
    assert_int_equal(count_rows(f->path, "series"), 2 * (int64_t)r.nseries);
}

static void test_db_seed_is_stored_as_int64_bit_pattern(void **state)
{
    fixture   *f = *state;
    run_result r = test_run();
    r.seed = (uint64_t)INT64_MAX;
    write_ok(f->path, &r, 1);
    r.seed = UINT64_MAX;
    write_ok(f->path, &r, 2);
    r.seed = 0;
    write_ok(f->path, &r, 3);
    sqlite3 *h = raw_open(f->path);
    assert_true(raw_int(h, "SELECT seed FROM runs WHERE id = 1") == INT64_MAX);
    assert_true(raw_int(h, "SELECT seed FROM runs WHERE id = 2") == -1);
    assert_true(raw_int(h, "SELECT seed FROM runs WHERE id = 3") == 0);
    sqlite3_close(h);
}

static void test_db_empty_run_writes_one_row(void **state)
{
    fixture   *f = *state;
    run_result r = test_run();
    r.nmetrics = 0;
    r.nlog = 0;
    r.series = NULL;
    r.nseries = 0;
    r.pattern = NULL;
    write_ok(f->path, &r, 1);
    assert_int_equal(count_rows(f->path, "runs"), 1);
    assert_int_equal(count_rows(f->path, "metrics"), 0);
    assert_int_equal(count_rows(f->path, "events"), 0);
    assert_int_equal(count_rows(f->path, "series"), 0);
}

/* Write one good run, install the trigger (which fails some insert in the middle of the next
 * write), and check that the failed write left nothing behind and the connection still works. */
static void check_failed_write_leaves_nothing(const char *path, const char *trigger_sql)
{
    run_result r = test_run();
    write_ok(path, &r, 1);

    sqlite3 *h = raw_open(path);
    raw_exec(h, trigger_sql);
    sqlite3_close(h);

    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(path, &db, &err), 0);
    int64_t id = -1;
    assert_int_equal(db_write_run(db, &r, &test_info, &id, &err), SIM_EIO);
    assert_int_equal(id, -1);
    assert_int_equal(err.code, SIM_EIO);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.msg, "injected failure"));

    /* Only the first run is there, whole. */
    assert_int_equal(count_rows(path, "runs"), 1);
    assert_int_equal(count_rows(path, "metrics"), (int64_t)r.nmetrics);
    assert_int_equal(count_rows(path, "events"), (int64_t)r.nlog);
    assert_int_equal(count_rows(path, "series"), (int64_t)r.nseries);

    /* The connection is still usable: no transaction was left open. */
    h = raw_open(path);
    raw_exec(h, "DROP TRIGGER fail_insert");
    sqlite3_close(h);
    assert_int_equal(db_write_run(db, &r, &test_info, &id, &err), 0);
    assert_int_equal(count_rows(path, "runs"), 2);
    assert_int_equal(count_rows(path, "series"), 2 * (int64_t)r.nseries);
    db_close(db);
}

static void test_db_failed_metric_insert_leaves_no_partial_run(void **state)
{
    fixture *f = *state;
    /* The fourth metric (read p99) fails: the run row and three metrics are in by then. */
    check_failed_write_leaves_nothing(
        f->path,
        "CREATE TRIGGER fail_insert BEFORE INSERT ON metrics WHEN NEW.key = 'read'"
        " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
}

static void test_db_failed_event_insert_leaves_no_partial_run(void **state)
{
    fixture *f = *state;
    check_failed_write_leaves_nothing(
        f->path,
        "CREATE TRIGGER fail_insert BEFORE INSERT ON events WHEN NEW.kind = 'fault_end'"
        " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
}

static void test_db_failed_series_insert_leaves_no_partial_run(void **state)
{
    fixture *f = *state;
    /* The fourth point fails: the run row, every metric and event and three points are in. */
    check_failed_write_leaves_nothing(
        f->path,
        "CREATE TRIGGER fail_insert BEFORE INSERT ON series WHEN NEW.t_s = 2.0"
        " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
}

/* The schema of version 1, as mrsim wrote it before 'series' existed. */
static const char schema_v1_sql[]
    = "CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT, scenario TEXT,"
      " scenario_file TEXT, scenario_text TEXT, scenario_sha256 TEXT, pattern TEXT,"
      " seed INTEGER, simulated_s REAL, wall_s REAL, events INTEGER, version TEXT);"
      "CREATE TABLE metrics (run_id INTEGER NOT NULL REFERENCES runs(id), scope TEXT NOT NULL,"
      " key TEXT NOT NULL, metric TEXT NOT NULL, value REAL);"
      "CREATE TABLE events (run_id INTEGER NOT NULL REFERENCES runs(id), t_s REAL NOT NULL,"
      " kind TEXT NOT NULL, detail TEXT NOT NULL);"
      "CREATE INDEX metrics_run_id ON metrics(run_id);"
      "CREATE INDEX events_run_id ON events(run_id);"
      "PRAGMA user_version = 1;"
      "INSERT INTO runs (id, scenario, seed) VALUES (1, 'old run', 3);"
      "INSERT INTO metrics VALUES (1, 'all', '', 'requests', 42);"
      "INSERT INTO events VALUES (1, 1.5, 'fault_start', 'region_down r0');";

static void test_db_version_1_is_migrated(void **state)
{
    fixture *f = *state;
    sqlite3 *h = raw_open(f->path);
    raw_exec(h, schema_v1_sql);
    sqlite3_close(h);

    /* Opening upgrades it; the old run is kept and new runs (with series) append. */
    run_result r = test_run();
    write_ok(f->path, &r, 2);
    write_ok(f->path, &r, 3); /* a second open finds it current */
    h = raw_open(f->path);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), DB_SCHEMA_VERSION);
    assert_int_equal(raw_int(h,
                             "SELECT count(*) FROM sqlite_master WHERE"
                             " (type = 'table' AND name IN ('series', 'latency_hist'))"
                             " OR (type = 'index' AND name IN ('series_run_id',"
                             " 'latency_hist_run_id'))"),
                     4);
    assert_int_equal(raw_int(h,
                             "SELECT count(*) FROM runs WHERE id = 1 AND scenario = 'old run'"
                             " AND seed = 3"),
                     1);
    assert_int_equal(raw_int(h, "SELECT value FROM metrics WHERE run_id = 1"), 42);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM events WHERE run_id = 1"), 1);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM series WHERE run_id = 1"), 0);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM series WHERE run_id = 3"),
                     (int64_t)r.nseries);
    sqlite3_close(h);
}

/* Version 2: version 1 plus 'series', before 'latency_hist' existed. */
static void test_db_version_2_is_migrated(void **state)
{
    fixture *f = *state;
    sqlite3 *h = raw_open(f->path);
    raw_exec(h, schema_v1_sql);
    raw_exec(h,
             "CREATE TABLE series (run_id INTEGER NOT NULL REFERENCES runs(id),"
             " t_s REAL NOT NULL, region TEXT NOT NULL, metric TEXT NOT NULL, value REAL);"
             "CREATE INDEX series_run_id ON series(run_id);"
             "INSERT INTO series VALUES (1, 1.0, 'r0', 'requests', 5);"
             "PRAGMA user_version = 2;");
    sqlite3_close(h);

    run_result r = test_run();
    write_ok(f->path, &r, 2);
    h = raw_open(f->path);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), DB_SCHEMA_VERSION);
    assert_int_equal(raw_int(h,
                             "SELECT count(*) FROM sqlite_master WHERE name IN"
                             " ('latency_hist', 'latency_hist_run_id')"),
                     2);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM series WHERE run_id = 1"), 1);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM latency_hist"), 0);
    sqlite3_close(h);
}

static int collect_bucket(void *ctx, int64_t lo, int64_t hi, int64_t count)
{
    int64_t *rows = ctx; /* rows[0] = n, then (lo, hi, count) triples */
    int64_t  n = rows[0]++;
    assert_true(n < 8);
    rows[1 + 3 * n] = lo;
    rows[2 + 3 * n] = hi;
    rows[3 + 3 * n] = count;
    return 0;
}

/* The t-visibility curve (version 5) is stored window by window; a window without reads has
 * a NaN share, stored as NULL. */
static void test_db_visibility_rows(void **state)
{
    fixture   *f = *state;
    run_result r = test_run();
    r.nvisibility = 2;
    r.visibility[0] = (struct run_visibility){ 0, 120, 0.75 };
    r.visibility[1] = (struct run_visibility){ 1, 0, NAN };
    write_ok(f->path, &r, 1);
    sqlite3 *h = raw_open(f->path);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM visibility WHERE run_id = 1"), 2);
    assert_int_equal(raw_int(h, "SELECT reads FROM visibility WHERE t_ms = 0"), 120);
    assert_int_equal(
        raw_int(h, "SELECT count(*) FROM visibility WHERE t_ms = 0 AND p_fresh = 0.75"), 1);
    assert_int_equal(
        raw_int(h, "SELECT count(*) FROM visibility WHERE t_ms = 1 AND p_fresh IS NULL"), 1);
    sqlite3_close(h);
}

/* The latency histogram is stored bucket by bucket, ascending, and read back the same. */
static void test_db_latency_hist_round_trip(void **state)
{
    fixture   *f = *state;
    stat_hist *lat = NULL;
    assert_int_equal(stat_hist_new(&lat), 0);
    for (int i = 0; i < 3; i++)
        stat_hist_record(lat, 100); /* exact bucket [100, 101) */
    stat_hist_record(lat, 5 * SIM_MS);
    stat_hist_record(lat, SIM_S);
    run_result r = test_run();
    r.latency = lat;
    write_ok(f->path, &r, 1);

    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(f->path, &db, &err), 0);
    int64_t rows[1 + 3 * 8] = { 0 };
    assert_int_equal(db_read_latency_hist(db, 1, collect_bucket, rows, &err), 0);
    db_close(db);
    assert_int_equal(rows[0], 3);
    size_t   iter = 0;
    sim_time lo, hi;
    uint64_t count;
    for (int64_t k = 0; k < rows[0]; k++) {
        assert_true(stat_hist_next_bucket(lat, &iter, &lo, &hi, &count));
        assert_int_equal(rows[1 + 3 * k], lo);
        assert_int_equal(rows[2 + 3 * k], hi);
        assert_int_equal(rows[3 + 3 * k], (int64_t)count);
    }
    assert_false(stat_hist_next_bucket(lat, &iter, &lo, &hi, &count));
    assert_int_equal(rows[1], 100);
    assert_int_equal(rows[3], 3);
    assert_true(rows[4] <= 5 * SIM_MS && 5 * SIM_MS < rows[5]);
    stat_hist_free(lat);
}

static int collect_run(void *ctx, const db_run_row *run)
{
    int64_t *ids = ctx; /* ids[0] = n, then the ids */
    ids[1 + ids[0]++] = run->id;
    assert_string_equal(run->scenario, "outage \"at peak\"");
    return 0;
}

/* The runs to plot: the latest run of each (pattern, seed) of the latest scenario, grouped
 * by pattern in the order the patterns first ran, then by seed. */
static void test_db_plot_runs_latest_per_pattern(void **state)
{
    fixture   *f = *state;
    run_result r = test_run();
    write_ok(f->path, &r, 1);
    r.pattern = "b";
    write_ok(f->path, &r, 2);
    r.pattern = "independent";
    write_ok(f->path, &r, 3);
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(f->path, &db, &err), 0);
    int64_t ids[8] = { 0 };
    assert_int_equal(db_plot_runs(db, 0, 0, NULL, collect_run, ids, &err), 2);
    assert_int_equal(ids[1], 3);
    assert_int_equal(ids[2], 2);
    memset(ids, 0, sizeof ids);
    assert_int_equal(db_plot_runs(db, 1, 0, NULL, collect_run, ids, &err), 1);
    assert_int_equal(ids[1], 1);
    assert_int_equal(db_plot_runs(db, 0, 0, "other", collect_run, ids, &err), 0);
    double v = 0;
    assert_int_equal(db_read_metric(db, 3, "op", "write", "p99_ms", &v, &err), 1);
    assert_true(v == 40.25);
    assert_int_equal(db_read_metric(db, 3, "all", "", "mean_ms", &v, &err), 1);
    assert_true(isnan(v));
    assert_int_equal(db_read_metric(db, 3, "all", "", "nope", &v, &err), 0);
    db_close(db);
}

/* A migration that fails halfway (here: a table in the way of the new one) leaves the file at
 * version 1, with nothing of version 2 in it. */
static void test_db_failed_migration_leaves_version_1(void **state)
{
    fixture *f = *state;
    sqlite3 *h = raw_open(f->path);
    raw_exec(h, schema_v1_sql);
    raw_exec(h, "CREATE TABLE series (x TEXT)");
    sqlite3_close(h);

    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(f->path, &db, &err), SIM_EIO);
    assert_null(db);
    assert_string_equal(err.file, f->path);
    assert_non_null(strstr(err.msg, "cannot upgrade the results database schema"));
    h = raw_open(f->path);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), 1);
    assert_int_equal(raw_int(h,
                             "SELECT count(*) FROM sqlite_master WHERE name ="
                             " 'series_run_id'"),
                     0);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM runs"), 1);
    sqlite3_close(h);
}

static void test_db_newer_schema_is_refused(void **state)
{
    fixture *f = *state;
    sqlite3 *h = raw_open(f->path);
    raw_exec(h, "CREATE TABLE runs (id INTEGER PRIMARY KEY); PRAGMA user_version = 6");
    sqlite3_close(h);

    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(f->path, &db, &err), SIM_EIO);
    assert_null(db);
    assert_string_equal(err.file, f->path);
    assert_non_null(strstr(err.msg, "schema version 6"));
    assert_non_null(strstr(err.msg, "newer mrsim"));
    /* and left alone */
    h = raw_open(f->path);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), 6);
    sqlite3_close(h);
}

static void test_db_foreign_database_is_refused(void **state)
{
    fixture *f = *state;
    sqlite3 *h = raw_open(f->path);
    raw_exec(h, "CREATE TABLE runs (x TEXT)");
    sqlite3_close(h);

    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(f->path, &db, &err), SIM_EIO);
    assert_null(db);
    assert_non_null(strstr(err.msg, "not an mrsim results database"));
    h = raw_open(f->path);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), 0);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM sqlite_master"), 1);
    sqlite3_close(h);
}

static void test_db_non_sqlite_file_is_refused(void **state)
{
    fixture *f = *state;
    FILE    *fp = fopen(f->path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 100; i++)
        fputs("this is a text file, not a database\n", fp);
    fclose(fp);

    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(f->path, &db, &err), SIM_EIO);
    assert_null(db);
    assert_string_equal(err.file, f->path);
    assert_non_null(strstr(err.msg, "not a database"));
}

static void test_db_missing_directory_is_an_error(void **state)
{
    fixture *f = *state;
    char     path[192];
    snprintf(path, sizeof path, "%s/no-such-dir/results.db", f->dir);
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(path, &db, &err), SIM_EIO);
    assert_null(db);
    assert_int_equal(err.code, SIM_EIO);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.msg, "cannot open the results database"));
}

static void test_db_open_out_of_memory(void **state)
{
    fixture *f = *state;
    for (long n = 1; n <= 2; n++) {
        db_conn *db = NULL;
        sim_err  err = { 0 };
        sim_alloc_fail_at(n);
        assert_int_equal(db_open(f->path, &db, &err), SIM_ENOMEM);
        sim_alloc_fail_at(0);
        assert_null(db);
        assert_int_equal(err.code, SIM_ENOMEM);
    }
}

static int collect_seed(void *ctx, const db_run_row *run)
{
    int64_t *ids = ctx; /* ids[0] = n, then id and seed pairs */
    ids[1 + 2 * ids[0]] = run->id;
    ids[2 + 2 * ids[0]++] = (int64_t)run->seed;
    assert_string_equal(run->scenario_file, "scenarios/outage.json");
    assert_string_equal(run->scenario_text, scenario_text);
    return 0;
}

/* Several seeds: every seed of each pattern, seeds in order whatever order they ran in; a
 * run of the same name but another text (an edited file) starts a new set. */
static void test_db_plot_runs_every_seed_of_the_latest_text(void **state)
{
    fixture   *f = *state;
    run_result r = test_run();
    int64_t    id = 1;
    uint64_t   seeds[] = { 9, 7, 8 };
    for (size_t p = 0; p < 2; p++) {
        r.pattern = p ? "b" : "a";
        for (size_t k = 0; k < 3; k++) {
            r.seed = seeds[k];
            write_ok(f->path, &r, id++);
        }
    }
    r.pattern = "a";
    r.seed = 7;
    write_ok(f->path, &r, id++); /* id 7 replaces id 2 */
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(f->path, &db, &err), 0);
    int64_t got[16] = { 0 };
    assert_int_equal(db_plot_runs(db, 0, 0, NULL, collect_seed, got, &err), 6);
    static const int64_t want[] = { 7, 7, 3, 8, 1, 9, 5, 7, 6, 8, 4, 9 };
    for (size_t i = 0; i < 12; i++)
        assert_int_equal(got[1 + i], want[i]);
    /* From id 5 on: b's seeds 7 and 8 (ids 5, 6), then a's rerun of seed 7 (id 7). */
    memset(got, 0, sizeof got);
    assert_int_equal(db_plot_runs(db, 0, 5, NULL, collect_seed, got, &err), 3);
    static const int64_t want_from5[] = { 5, 7, 6, 8, 7, 7 };
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(got[1 + i], want_from5[i]);
    db_close(db);

    /* The same name with another text: only that run. */
    scn_scenario      edited = test_scenario;
    static const char text2[] = "{\"name\": \"outage \\\"at peak\\\"\", \"duration\": \"31s\"}\n";
    edited.text = (char *)text2;
    edited.text_len = sizeof text2 - 1;
    r.scn = &edited;
    write_ok(f->path, &r, id++);
    assert_int_equal(db_open(f->path, &db, &err), 0);
    memset(got, 0, sizeof got);
    assert_int_equal(db_plot_runs(db, 0, 0, "outage \"at peak\"", collect_run, got, &err), 1);
    assert_int_equal(got[1], 8);
    db_close(db);
}

/* --- sweeps (version 4) ----------------------------------------------------------------- */

/* Version 3: everything but the sweep tables, as an mrsim before sweeps wrote it. */
static void test_db_version_3_is_migrated(void **state)
{
    fixture   *f = *state;
    run_result r = test_run();
    write_ok(f->path, &r, 1);
    sqlite3 *h = raw_open(f->path);
    raw_exec(h,
             "DROP TABLE sweep_params; DROP TABLE sweep_points; DROP TABLE sweeps;"
             "DROP TABLE visibility; PRAGMA user_version = 3;");
    sqlite3_close(h);

    write_ok(f->path, &r, 2);
    h = raw_open(f->path);
    assert_int_equal(raw_int(h, "PRAGMA user_version"), DB_SCHEMA_VERSION);
    assert_int_equal(raw_int(h,
                             "SELECT count(*) FROM sqlite_master WHERE name IN"
                             " ('sweeps', 'sweep_points', 'sweep_params',"
                             " 'sweep_points_sweep', 'sweep_params_sweep',"
                             " 'visibility', 'visibility_run_id')"),
                     7);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM runs"), 2);
    sqlite3_close(h);
}

static const db_sweep_info test_sweep = {
    .hash = "abc",
    .scenario = "s",
    .file = "s.json",
    .npoints = 4,
    .nseeds = 2,
    .dims = "regions[*].servers\tfaults[0].region",
    .started = "2024-05-01T00:00:00.000Z",
    .version = "0.1.0",
};

/* Write run r as point p, seed index k of sweep id into db. */
static void write_point(db_conn *db, int64_t id, int64_t p, uint32_t k)
{
    static const char *const paths[] = { "regions[*].servers", "faults[0].region" };
    static const char *const values[] = { "8", "eu-west-1" };
    static const double      xs[] = { 8, NAN };
    run_result               r = test_run();
    db_sweep_link            l = { .sweep_id = id,
                                   .point = p,
                                   .k = k,
                                   .seed = 7 + k,
                                   .params = "regions[*].servers=8 faults[0].region=eu-west-1",
                                   .ndims = 2,
                                   .paths = paths,
                                   .values = values,
                                   .xs = xs };
    db_run_info              info = test_info;
    info.sweep = &l;
    sim_err err = { 0 };
    assert_int_equal(db_write_run(db, &r, &info, NULL, &err), 0);
}

static int count_runs(void *ctx, const db_sweep_run *r)
{
    int64_t *n = ctx;
    assert_int_equal(r->point * 2 + r->k, *n); /* in the order written */
    (*n)++;
    return 0;
}

static void test_db_sweep_rows_and_reopen(void **state)
{
    fixture *f = *state;
    db_conn *db = NULL;
    sim_err  err = { 0 };
    int64_t  id = 0, id2 = 0;
    assert_int_equal(db_open(f->path, &db, &err), 0);
    assert_int_equal(db_sweep_open(db, &test_sweep, &id, &err), 0); /* new */
    write_point(db, id, 0, 0);
    write_point(db, id, 0, 1);
    write_point(db, id, 1, 0);
    assert_int_equal(db_sweep_open(db, &test_sweep, &id2, &err), 1); /* found again */
    assert_int_equal(id2, id);
    db_sweep_info shard = test_sweep;
    shard.shard = "1/2"; /* another row */
    assert_int_equal(db_sweep_open(db, &shard, &id2, &err), 0);
    assert_true(id2 != id);
    int64_t n = 0;
    assert_int_equal(db_sweep_runs(db, id, count_runs, &n, &err), 3);
    assert_int_equal(n, 3);
    db_close(db);
    sqlite3 *h = raw_open(f->path);
    /* one params row per dimension, with the first seed of each point only */
    assert_int_equal(raw_int(h, "SELECT count(*) FROM sweep_params"), 4);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM sweep_params WHERE x IS NULL"), 2);
    assert_int_equal(raw_int(h, "SELECT count(*) FROM sweep_points WHERE seed = 8"), 1);
    sqlite3_close(h);
}

/* A run copied by db_sweep_import has the same rows as written, under a new id. */
static void test_db_sweep_import_copies_row_for_row(void **state)
{
    fixture *f = *state;
    char     src_path[600];
    snprintf(src_path, sizeof src_path, "%s.src", f->path);
    remove(src_path);
    db_conn *src = NULL, *dst = NULL, *direct = NULL;
    sim_err  err = { 0 };
    int64_t  sid = 0, did = 0, xid = 0;
    assert_int_equal(db_open(src_path, &src, &err), 0);
    assert_int_equal(db_sweep_open(src, &test_sweep, &sid, &err), 0);
    write_point(src, sid, 1, 0);
    write_point(src, sid, 1, 1);
    write_point(src, sid, 3, 0);
    assert_int_equal(db_open(f->path, &dst, &err), 0);
    assert_int_equal(db_sweep_open(dst, &test_sweep, &did, &err), 0);
    write_point(dst, did, 0, 0); /* something before: the ids must move */
    assert_int_equal(db_begin(dst, &err), 0);
    assert_int_equal(db_sweep_import(dst, did, src, sid, 1, &err), 2);
    assert_int_equal(db_sweep_import(dst, did, src, sid, -1, &err), 3);
    assert_int_equal(db_commit(dst, &err), 0);
    db_close(src);
    db_close(dst);
    remove(src_path);
    /* The same writes made directly give the same rows. */
    assert_int_equal(db_open(src_path, &direct, &err), 0);
    assert_int_equal(db_sweep_open(direct, &test_sweep, &xid, &err), 0);
    write_point(direct, xid, 0, 0);
    write_point(direct, xid, 1, 0);
    write_point(direct, xid, 1, 1);
    write_point(direct, xid, 1, 0);
    write_point(direct, xid, 1, 1);
    write_point(direct, xid, 3, 0);
    db_close(direct);
    sqlite3                 *a = raw_open(f->path), *b = raw_open(src_path);
    static const char *const q[] = {
        "SELECT count(*) FROM runs",
        "SELECT count(*) FROM metrics",
        "SELECT count(*) FROM events",
        "SELECT count(*) FROM series",
        "SELECT count(*) FROM sweep_points",
        "SELECT count(*) FROM sweep_params",
        "SELECT sum(run_id * 7 + point * 3 + k) FROM sweep_points",
        "SELECT sum(length(params)) FROM sweep_points",
        "SELECT max(run_id) FROM metrics",
        "SELECT count(DISTINCT run_id) FROM series",
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        assert_int_equal(raw_int(a, q[i]), raw_int(b, q[i]));
    assert_int_equal(raw_int(a, "SELECT count(*) FROM runs"), 6);
    sqlite3_close(a);
    sqlite3_close(b);
    remove(src_path);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_db_open_creates_current_schema),
        T(test_db_write_stores_every_column),
        T(test_db_reopen_appends_runs),
        T(test_db_seed_is_stored_as_int64_bit_pattern),
        T(test_db_empty_run_writes_one_row),
        T(test_db_failed_metric_insert_leaves_no_partial_run),
        T(test_db_failed_event_insert_leaves_no_partial_run),
        T(test_db_failed_series_insert_leaves_no_partial_run),
        T(test_db_version_1_is_migrated),
        T(test_db_version_2_is_migrated),
        T(test_db_version_3_is_migrated),
        T(test_db_sweep_rows_and_reopen),
        T(test_db_sweep_import_copies_row_for_row),
        T(test_db_latency_hist_round_trip),
        T(test_db_visibility_rows),
        T(test_db_plot_runs_latest_per_pattern),
        T(test_db_plot_runs_every_seed_of_the_latest_text),
        T(test_db_failed_migration_leaves_version_1),
        T(test_db_newer_schema_is_refused),
        T(test_db_foreign_database_is_refused),
        T(test_db_non_sqlite_file_is_refused),
        T(test_db_missing_directory_is_an_error),
        T(test_db_open_out_of_memory),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
