/* test_plot.c - plots from a results database: small scenarios built in code
 * (world_fixture.h) are run, stored in a temporary database and plotted in PNG and SVG with
 * the real gnuplot; every image must exist and look like one. A scenario whose names are
 * gnuplot commands must render with those names as text and run nothing.
 *
 * gnuplot is required (gnuplot-nox, in .ci/deps): without it these tests fail and say so,
 * rather than skip, so that CI cannot lose the plots silently. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "plot.h"
#include "run.h"
#include "world_fixture.h"
#include "outage_fixture.h"

static int setup(void **state) { return tfix_setup(state, "plot", "plots"); }
static int teardown(void **state) { return tfix_teardown(state); }

static void require_gnuplot(void)
{
    const char *path = getenv("PATH");
    char        buf[4096];
    snprintf(buf, sizeof buf, "%s", path ? path : "/usr/bin:/bin");
    for (char *dir = strtok(buf, ":"); dir; dir = strtok(NULL, ":")) {
        char prog[4200];
        snprintf(prog, sizeof prog, "%s/gnuplot", dir);
        if (access(prog, X_OK) == 0)
            return;
    }
    fail_msg("gnuplot not found on PATH: install gnuplot-nox (see .ci/deps); the plot tests "
             "need the real program");
}

/* The whole of a small text file into buf (size n), NUL-terminated; fails the test when
 * missing. */
static size_t slurp(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("missing %s", path);
    size_t got = fread(buf, 1, n - 1, f);
    fclose(f);
    buf[got] = '\0';
    return got;
}

static void check_image(const char *dir, const char *name, plot_format fmt)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, fmt == PLOT_PNG ? "png" : "svg");
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("missing image %s", path);
    char   head[512] = { 0 };
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    if (n == 0)
        fail_msg("empty image %s", path);
    if (fmt == PLOT_PNG)
        assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
    else if (!strstr(head, "<svg"))
        fail_msg("%s does not start like an SVG", path);
}

static void on_file(void *ctx, const char *path)
{
    (void)path;
    (*(int *)ctx)++;
}

static int plot_ok(const char *db_path, const plot_options *o)
{
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(db_path, &db, &err), 0);
    int files = 0;
    int rc = plot_db(db, o, on_file, &files, &err);
    db_close(db);
    if (rc < 0)
        fail_msg("plot_db: %s: %s", err.file, err.msg);
    assert_int_equal(rc, files);
    return rc;
}

/* --- tests ---------------------------------------------------------------------------- */

static void test_plot_quote_doubles_quotes_and_drops_control_chars(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(plot_quote("a'b\nc\td", out, sizeof out), 10);
    assert_string_equal(out, "'a''b c d'");
    /* Truncation never leaves half of a doubled quote. */
    plot_quote("abcd'", out, 8);
    assert_string_equal(out, "'abcd'");
    plot_quote("", out, 3);
    assert_string_equal(out, "''");
}

static void test_plot_every_kind_in_png_and_svg(void **state)
{
    tfix *t = *state;
    require_gnuplot();
    fixture f;
    store_outage_runs(&f, t->db, 1);
    static const char *const names[] = { "latency-independent",
                                         "availability-independent",
                                         "consistency-independent",
                                         "latency-active-active",
                                         "availability-active-active",
                                         "consistency-active-active",
                                         "cdf",
                                         "visibility",
                                         "compare" };
    for (int k = 0; k < 2; k++) {
        plot_format  fmt = k ? PLOT_SVG : PLOT_PNG;
        plot_options o = { .out_dir = t->out, .format = fmt };
        assert_int_equal(plot_ok(t->db, &o), 9);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            check_image(t->out, names[i], fmt);
    }
    /* --run: that run alone. */
    plot_options one = { .run_id = 2, .out_dir = t->out, .format = PLOT_PNG };
    assert_int_equal(plot_ok(t->db, &one), 6);
    /* The stale-read rate reached the consistency plot's data: a column per region. */
    char path[256], line[4096];
    snprintf(path, sizeof path, "%s/consistency-active-active.tsv", t->out);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    fclose(fp);
    assert_non_null(strstr(line, "r0 lo\tr0 hi\tr1\tr1 lo\tr1 hi\tr0\t"));
}

static void test_plot_hostile_names_are_only_text(void **state)
{
    tfix *t = *state;
    require_gnuplot();
    char marker[128], name[512], region[256];
    snprintf(marker, sizeof marker, "%s/pwned", t->dir);
    snprintf(name, sizeof name, "x'; system('touch %s'); '\n\"y`touch %s` @title \\", marker,
             marker);
    snprintf(region, sizeof region, "r\"; system('touch %s')\t#", marker);
    fixture f;
    store_outage_runs(&f, t->db, 1);
    /* Store a second scenario with hostile names, then plot it (the latest). */
    f.s.name = name;
    f.regions[1].name = region;
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_ACTIVE_ACTIVE);
    p.name = (char *)"a'b; system('touch x')";
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(t->db, &db, &err), 0);
    run_options o = { .pattern = &p };
    run_result *r = NULL;
    assert_int_equal(run_scenario(&f.s, &o, &r, &err), 0);
    static const db_run_info info = { .started = "2024-05-01T00:00:00.000Z", .version = "t" };
    assert_int_equal(db_write_run(db, r, &info, NULL, &err), 0);
    run_result_free(r);
    db_close(db);

    plot_options po = { .out_dir = t->out, .format = PLOT_SVG };
    assert_int_equal(plot_ok(t->db, &po), 6);
    assert_int_not_equal(access(marker, F_OK), 0);
    assert_int_not_equal(access("x", F_OK), 0);
    check_image(t->out, "latency-a_b__system__touch_x__", PLOT_SVG);
    /* The title is there as text (XML-escaped by gnuplot's SVG terminal). */
    char path[256], buf[65536] = { 0 };
    snprintf(path, sizeof path, "%s/cdf.svg", t->out);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    assert_true(n > 0);
    assert_non_null(strstr(buf, "system("));
}

/* Failover steps in the event log (kinds starting with "failover", as the failover
 * controller writes them) are marked with their step's name; fault windows with their kind.
 * The steps are added by hand to a real run, so the test does not depend on a controller. */
static void test_plot_marks_failover_steps_and_fault_kinds(void **state)
{
    tfix *t = *state;
    require_gnuplot();
    fixture f;
    fixture_init(&f, 2, 4);
    f.s.duration = 8 * SIM_S;
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 3 * SIM_S, 6 * SIM_S);
    down->region = 0;
    run_result *r = NULL;
    sim_err     err = { 0 };
    assert_int_equal(run_scenario(&f.s, NULL, &r, &err), 0);
    static const char *const kinds[]
        = { "failover.detect", "failover.promote", "failover.dns", "failover_rollback" };
    run_event *log = sim_realloc(r->log, (r->nlog + 4) * sizeof *log);
    assert_non_null(log);
    r->log = log;
    for (size_t i = 0; i < 4; i++) {
        run_event *e = &r->log[r->nlog++];
        *e = (run_event){ .t = (sim_time)(4 + i) * SIM_S, .kind = kinds[i] };
        snprintf(e->detail, sizeof e->detail, "r0 -> r1 '\"; system('x')");
    }
    db_conn *db = NULL;
    assert_int_equal(db_open(t->db, &db, &err), 0);
    static const db_run_info info = { .started = "2024-05-01T00:00:00.000Z", .version = "t" };
    assert_int_equal(db_write_run(db, r, &info, NULL, &err), 0);
    db_close(db);
    run_result_free(r);

    plot_options o = { .out_dir = t->out, .format = PLOT_SVG };
    assert_int_equal(plot_ok(t->db, &o), 5);
    static char buf[1 << 20];
    char        path[256];
    snprintf(path, sizeof path, "%s/latency-independent.svg", t->out);
    slurp(path, buf, sizeof buf);
    for (const char *const *w
         = (const char *const[]){ "detect", "promote", "dns", "rollback", "region_down",
                                  "failover 1", "failover (steps below)", NULL };
         *w; w++)
        if (!strstr(buf, *w))
            fail_msg("latency plot lacks the marker text \"%s\"", *w);
}

/* Three seeds of two patterns: every plot over time carries the mean and a finite 95% band,
 * the comparison has error bars, and one seed alone has no band. */
static void test_plot_seeds_mean_and_band(void **state)
{
    tfix *t = *state;
    require_gnuplot();
    fixture f;
    fixture_init(&f, 2, 4);
    f.s.duration = 6 * SIM_S;
    f.clients[0].read_ratio = 0.8;
    /* Random service times, so that the seeds differ in every figure. */
    for (size_t i = 0; i < 2; i++)
        f.regions[i].service[SCN_READ] = f.regions[i].service[SCN_WRITE] = fix_exponential_ms(2);
    scn_pattern aa;
    fixture_pattern(&aa, SCN_PATTERN_ACTIVE_ACTIVE);
    const scn_pattern *patterns[] = { NULL, &aa };
    db_conn           *db = NULL;
    sim_err            err = { 0 };
    assert_int_equal(db_open(t->db, &db, &err), 0);
    static const db_run_info info = { .started = "2024-05-01T00:00:00.000Z", .version = "t" };
    for (size_t p = 0; p < 2; p++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            run_options o = { .pattern = patterns[p], .has_seed = true, .seed = seed };
            run_result *r = NULL;
            assert_int_equal(run_scenario(&f.s, &o, &r, &err), 0);
            assert_int_equal(db_write_run(db, r, &info, NULL, &err), 0);
            run_result_free(r);
        }
    }
    db_close(db);
    plot_options o = { .out_dir = t->out, .format = PLOT_SVG };
    assert_int_equal(plot_ok(t->db, &o), 9);

    /* The latency table: t_s, then r0 p50, lo, hi, ...; a row in the middle of the run has a
     * band around its mean. */
    static char buf[1 << 20];
    char        path[256];
    snprintf(path, sizeof path, "%s/latency-active-active.tsv", t->out);
    slurp(path, buf, sizeof buf);
    assert_non_null(strstr(buf, "t_s\tr0 p50\tr0 p50 lo\tr0 p50 hi\tr0 p99\t"));
    char *row = strchr(buf, '\n') + 1;
    row = strchr(row, '\n') + 1; /* the second interval */
    double tt, mean, lo, hi;
    assert_int_equal(sscanf(row, "%lf\t%lf\t%lf\t%lf", &tt, &mean, &lo, &hi), 4);
    if (!(lo <= mean && mean <= hi && lo < hi))
        fail_msg("no band around the mean p50: %.200s", row);
    snprintf(path, sizeof path, "%s/compare.tsv", t->out);
    slurp(path, buf, sizeof buf);
    /* One line per metric; per pattern its mean, half-width and the value as text. */
    assert_non_null(strstr(buf, "metric\tindependent\tci95\tlabel\tactive-active\tci95\tlabel\n"));
    row = strchr(buf, '\n') + 1;
    char   metric[64];
    double p99, ci;
    assert_int_equal(sscanf(row, "%63s\t%lf\t%lf", metric, &p99, &ci), 3);
    assert_string_equal(metric, "p99_ms");
    assert_true(ci > 0);
    snprintf(path, sizeof path, "%s/latency-independent.svg", t->out);
    slurp(path, buf, sizeof buf);
    assert_non_null(strstr(buf, "(mean of 3 seeds, 95% band)"));

    /* One run alone: no band. */
    o.run_id = 2;
    assert_int_equal(plot_ok(t->db, &o), 6);
    snprintf(path, sizeof path, "%s/latency-independent.tsv", t->out);
    slurp(path, buf, sizeof buf);
    row = strchr(strchr(buf, '\n') + 1, '\n') + 1;
    char lo_text[16];
    assert_int_equal(sscanf(row, "%lf\t%lf\t%15s", &tt, &mean, lo_text), 3);
    assert_string_equal(lo_text, "NaN");
}

static void test_plot_missing_gnuplot_is_a_clear_error(void **state)
{
    tfix   *t = *state;
    fixture f;
    store_outage_runs(&f, t->db, 1);
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", t->dir, 1); /* a folder without gnuplot */
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(t->db, &db, &err), 0);
    plot_options o = { .out_dir = t->out };
    int          rc = plot_db(db, &o, NULL, NULL, &err);
    db_close(db);
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    }
    assert_int_equal(rc, SIM_ENOENT);
    assert_string_equal(err.msg, "gnuplot not found; install gnuplot-nox");
}

static void test_plot_unknown_scenario_and_run(void **state)
{
    tfix *t = *state;
    require_gnuplot();
    fixture f;
    store_outage_runs(&f, t->db, 1);
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(t->db, &db, &err), 0);
    plot_options o = { .out_dir = t->out, .scenario = "nope" };
    assert_int_equal(plot_db(db, &o, NULL, NULL, &err), SIM_ENOENT);
    assert_non_null(strstr(err.msg, "no runs of scenario \"nope\""));
    o = (plot_options){ .out_dir = t->out, .run_id = 99 };
    assert_int_equal(plot_db(db, &o, NULL, NULL, &err), SIM_ENOENT);
    assert_non_null(strstr(err.msg, "no run with id 99"));
    db_close(db);
}

static void test_plot_dir_env_override(void **state)
{
    tfix *t = *state;
    require_gnuplot();
    fixture f;
    store_outage_runs(&f, t->db, 1);
    setenv("MRSIM_PLOT_DIR", t->dir, 1); /* no scripts there */
    assert_string_equal(plot_script_dir(), t->dir);
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(t->db, &db, &err), 0);
    plot_options o = { .out_dir = t->out };
    int          rc = plot_db(db, &o, NULL, NULL, &err);
    db_close(db);
    unsetenv("MRSIM_PLOT_DIR");
    assert_int_equal(rc, SIM_EIO);
    assert_non_null(strstr(err.msg, "MRSIM_PLOT_DIR"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plot_quote_doubles_quotes_and_drops_control_chars),
        T(test_plot_every_kind_in_png_and_svg),
        T(test_plot_hostile_names_are_only_text),
        T(test_plot_marks_failover_steps_and_fault_kinds),
        T(test_plot_seeds_mean_and_band),
        T(test_plot_missing_gnuplot_is_a_clear_error),
        T(test_plot_unknown_scenario_and_run),
        T(test_plot_dir_env_override),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
