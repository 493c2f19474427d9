/* test_baseline.c - regressions against a baseline run (analysis/baseline.h): which metrics
 * have which direction, the tolerance rule at its edges (a change exactly at the tolerance
 * passes, just above fails; from zero; to nothing), that undirected and unmatched metrics are
 * not compared, the text of a regression, and reading the baseline run from a results
 * database (the latest run of the name, pattern and seed; none is NULL; the file is only
 * read). Also: several processes writing to one database at once all get their runs in. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baseline.h"
#include "db.h"

/* --- directions ------------------------------------------------------------------------ */

static void test_baseline_directions(void **state)
{
    (void)state;
    static const char *const higher[] = {
        "p99_ms",
        "mean_ms",
        "max_ms",
        "errors",
        "timeouts",
        "rejected",
        "failed",
        "no_region",
        "stale_reads",
        "stale_read_rate",
        "staleness_p99_ms",
        "ryw_violations",
        "monotonic_violations",
        "lost_writes",
        "divergent_keys",
        "conflicts",
        "repl_bytes",
        "repl_lag_p99_ms",
        "rto_s",
        "detect_s",
        "false_health_downs",
        "probes_failed",
        "writes_unacked_applied",
        "dns_stale_requests",
        "rpo_s",
        "split_brain_s",
        "cost_usd",
    };
    static const char *const lower[] = {
        "availability", "throughput_rps", "ok", "cache_hit_rate", "drained", "writes_final",
    };
    static const char *const none[] = {
        "requests", "reads", "writes_acked", "writes_overwritten", "utilization", "servers",
    };
    for (size_t i = 0; i < sizeof higher / sizeof *higher; i++)
        assert_int_equal(baseline_direction(higher[i]), BASELINE_HIGHER_WORSE);
    for (size_t i = 0; i < sizeof lower / sizeof *lower; i++)
        assert_int_equal(baseline_direction(lower[i]), BASELINE_LOWER_WORSE);
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        assert_int_equal(baseline_direction(none[i]), BASELINE_NONE);
}

/* --- a baseline in a database, and new runs to compare with it ---------------------------- */

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/mrsim-test-baseline-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/base.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture                 *f = *state;
    char                     p[160];
    static const char *const suffixes[] = { "", "-journal", "-wal", "-shm" };
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static const char   scenario_text[] = "{\"name\": \"gate\"}\n";
static scn_scenario test_scenario = {
    .file = "gate.json",
    .text = (char *)scenario_text,
    .text_len = sizeof scenario_text - 1,
    .name = "gate",
    .seed = 3,
};

/* The baseline's figures. */
static run_metric base_metrics[] = {
    { RUN_SCOPE_ALL, "", "requests", 1000 }, /* no direction */
    { RUN_SCOPE_ALL, "", "availability", 0.99 }, { RUN_SCOPE_ALL, "", "p99_ms", 100 },
    { RUN_SCOPE_OP, "read", "p99_ms", 50 },      { RUN_SCOPE_REGION, "eu-west-1", "p99_ms", 80 },
    { RUN_SCOPE_ALL, "", "lost_writes", 0 },     { RUN_SCOPE_ALL, "", "detect_s", 12 },
    { RUN_SCOPE_ALL, "", "rto_s", NAN }, /* nothing measured before */
};
#define NMETRICS (sizeof base_metrics / sizeof *base_metrics)

static run_result make_run(run_metric *m, size_t n, const char *pattern, uint64_t seed)
{
    run_result r = { .scn = &test_scenario,
                     .pattern = pattern,
                     .seed = seed,
                     .simulated = 5 * SIM_S,
                     .metrics = m,
                     .nmetrics = n };
    return r;
}

static const db_run_info info
    = { .started = "2026-01-01T00:00:00.000Z", .wall_s = 1, .version = "test" };

static void write_run(const char *path, const run_result *r)
{
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(path, &db, &err), 0);
    assert_int_equal(db_write_run(db, r, &info, NULL, &err), 0);
    db_close(db);
}

static baseline_run *load(const char *path, const char *name, const char *pattern, uint64_t seed)
{
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open_readonly(path, &db, &err), 0);
    baseline_run *b = NULL;
    assert_int_equal(baseline_load(db, name, pattern, seed, &b, &err), 0);
    db_close(db);
    return b;
}

typedef struct found {
    size_t n;
    char   names[16][64];
    char   text[16][128];
} found;

static int collect(void *ctx, const baseline_regression *g)
{
    found *fd = ctx;
    assert_true(fd->n < 16);
    baseline_metric_name(g->metric, fd->names[fd->n], sizeof fd->names[0]);
    baseline_describe(g, fd->text[fd->n], sizeof fd->text[0]);
    fd->n++;
    return 0;
}

/* Compare a copy of the baseline's figures with metric i set to v; the regressions into fd. */
static int compare_with(const baseline_run *b, size_t i, double v, double tol, found *fd)
{
    run_metric now[NMETRICS];
    memcpy(now, base_metrics, sizeof now);
    now[i].value = v;
    run_result r = make_run(now, NMETRICS, "aa", 3);
    memset(fd, 0, sizeof *fd);
    return baseline_compare(b, &r, tol, collect, fd, NULL);
}

static void test_baseline_tolerance_edges(void **state)
{
    fixture   *f = *state;
    run_result base = make_run(base_metrics, NMETRICS, "aa", 3);
    write_run(f->path, &base);
    baseline_run *b = load(f->path, "gate", "aa", 3);
    assert_non_null(b);
    found fd;

    /* The same figures: nothing, and every directed metric with a value was compared. */
    size_t compared = 0;
    assert_int_equal(baseline_compare(b, &base, 0.05, collect, &fd, &compared), 0);
    assert_int_equal(compared, NMETRICS - 1); /* requests has no direction */

    /* p99 (index 2), higher is worse: +5% exactly is within, +6% is not; faster is fine. */
    assert_int_equal(compare_with(b, 2, 105, 0.05, &fd), 0);
    assert_int_equal(compare_with(b, 2, 106, 0.05, &fd), 1);
    assert_string_equal(fd.names[0], "p99_ms");
    assert_string_equal(fd.text[0], "baseline 100, now 106, +6.00%");
    assert_int_equal(compare_with(b, 2, 10, 0.05, &fd), 0);
    /* Per operation and per region, named as expectations name them. */
    assert_int_equal(compare_with(b, 3, 60, 0.05, &fd), 1);
    assert_string_equal(fd.names[0], "p99_ms{op=read}");
    assert_int_equal(compare_with(b, 4, 90, 0.05, &fd), 1);
    assert_string_equal(fd.names[0], "p99_ms{region=eu-west-1}");
    /* Availability (index 1), lower is worse: -6% fails, higher passes. */
    assert_int_equal(compare_with(b, 1, 0.93, 0.05, &fd), 1);
    assert_string_equal(fd.text[0], "baseline 0.99, now 0.93, -6.06%");
    assert_int_equal(compare_with(b, 1, 1.0, 0.05, &fd), 0);
    /* From zero, any loss is a regression, whatever the tolerance. */
    assert_int_equal(compare_with(b, 5, 1, 100.0, &fd), 1);
    assert_string_equal(fd.text[0], "baseline 0, now 1, +inf%");
    /* Measured before, nothing now: a regression; nothing before: never one. */
    assert_int_equal(compare_with(b, 6, NAN, 0.05, &fd), 1);
    assert_string_equal(fd.text[0], "baseline 12, now nothing");
    assert_int_equal(compare_with(b, 7, 30, 0.05, &fd), 0);
    /* No direction: never compared, whatever the change. */
    assert_int_equal(compare_with(b, 0, 1e9, 0.05, &fd), 0);
    /* A tolerance of 0: any worsening. */
    assert_int_equal(compare_with(b, 2, 100.0001, 0, &fd), 1);
    baseline_run_free(b);
}

static void test_baseline_unmatched_metrics_are_not_compared(void **state)
{
    fixture   *f = *state;
    run_result base = make_run(base_metrics, 3, "aa", 3); /* requests, availability, p99 */
    write_run(f->path, &base);
    baseline_run *b = load(f->path, "gate", "aa", 3);
    run_metric    now[] = {
           { RUN_SCOPE_ALL, "", "p99_ms", 1000 },             /* worse */
           { RUN_SCOPE_ALL, "", "lost_writes", 50 },          /* not in the baseline */
           { RUN_SCOPE_REGION, "us-east-1", "p99_ms", 1000 }, /* another key */
    };
    run_result r = make_run(now, 3, "aa", 3);
    found      fd = { 0 };
    size_t     compared = 0;
    assert_int_equal(baseline_compare(b, &r, 0.05, collect, &fd, &compared), 1);
    assert_int_equal(compared, 1);
    assert_string_equal(fd.names[0], "p99_ms");
    baseline_run_free(b);
}

static void test_baseline_load_takes_latest_of_name_pattern_seed(void **state)
{
    fixture   *f = *state;
    run_metric m1[] = { { RUN_SCOPE_ALL, "", "p99_ms", 10 } };
    run_metric m2[] = { { RUN_SCOPE_ALL, "", "p99_ms", 20 } };
    run_metric m3[] = { { RUN_SCOPE_ALL, "", "p99_ms", 30 } };
    run_result r1 = make_run(m1, 1, "aa", 3), r2 = make_run(m2, 1, "aa", 3);
    run_result other_seed = make_run(m3, 1, "aa", 4), other_pattern = make_run(m3, 1, "ap", 3);
    write_run(f->path, &r1); /* id 1 */
    write_run(f->path, &r2); /* id 2: the latest of (gate, aa, 3) */
    write_run(f->path, &other_seed);
    write_run(f->path, &other_pattern);
    baseline_run *b = load(f->path, "gate", "aa", 3);
    assert_non_null(b);
    assert_int_equal(baseline_run_id(b), 2);
    run_result now = make_run(m1, 1, "aa", 3);
    size_t     compared = 0;
    assert_int_equal(baseline_compare(b, &now, 0.05, NULL, NULL, &compared), 0); /* 10 < 20 */
    assert_int_equal(compared, 1);
    baseline_run_free(b);
    /* No such run: NULL, not an error. */
    assert_null(load(f->path, "gate", "aa", 99));
    assert_null(load(f->path, "other", "aa", 3));
    assert_null(load(f->path, "gate", "read-local", 3));
}

static void test_baseline_readonly_open_creates_nothing(void **state)
{
    fixture *f = *state;
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open_readonly(f->path, &db, &err), SIM_EIO);
    assert_null(db);
    assert_string_equal(err.file, f->path);
    struct stat st;
    assert_int_not_equal(stat(f->path, &st), 0); /* still no file */
    /* A file that is SQLite but not ours. */
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fclose(fp); /* empty: version 0 */
    err = (sim_err){ 0 };
    assert_int_equal(db_open_readonly(f->path, &db, &err), SIM_EIO);
    assert_non_null(strstr(err.msg, "schema version 1 to"));
}

/* Four processes each append five runs to one new file at the same moment: every run is
 * there, whole, and the file is in WAL mode. */
static void test_baseline_parallel_writers_all_get_in(void **state)
{
    fixture *f = *state;
    pid_t    kids[4];
    for (int k = 0; k < 4; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            run_result r = make_run(base_metrics, NMETRICS, "aa", (uint64_t)k);
            db_conn   *db = NULL;
            sim_err    err = { 0 };
            if (db_open(f->path, &db, &err) < 0)
                _exit(1);
            for (int i = 0; i < 5; i++)
                if (db_write_run(db, &r, &info, NULL, &err) < 0)
                    _exit(2);
            db_close(db);
            _exit(0);
        }
    }
    for (int k = 0; k < 4; k++) {
        int ws = 0;
        assert_int_equal(waitpid(kids[k], &ws, 0), kids[k]);
        assert_true(WIFEXITED(ws));
        assert_int_equal(WEXITSTATUS(ws), 0);
    }
    for (uint64_t seed = 0; seed < 4; seed++) {
        baseline_run *b = load(f->path, "gate", "aa", seed);
        assert_non_null(b);
        run_result r = make_run(base_metrics, NMETRICS, "aa", seed);
        size_t     compared = 0;
        assert_int_equal(baseline_compare(b, &r, 0, NULL, NULL, &compared), 0);
        assert_int_equal(compared, NMETRICS - 1);
        baseline_run_free(b);
    }
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    struct stat st;
    assert_int_equal(stat(wal, &st), 0); /* WAL mode leaves its log */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_directions),
        T(test_baseline_tolerance_edges),
        T(test_baseline_unmatched_metrics_are_not_compared),
        T(test_baseline_load_takes_latest_of_name_pattern_seed),
        T(test_baseline_readonly_open_creates_nothing),
        T(test_baseline_parallel_writers_all_get_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
