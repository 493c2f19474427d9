/* test_compare.c - the side-by-side comparison, from hand-made run results.
 *
 * Each test builds a few run_results with only the metrics it is about, so that which rows
 * appear is part of what is checked. The JSON is parsed back with cJSON (tests may use it);
 * the terminal table is checked on its text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "compare.h"

static scn_scenario test_scenario = {
    .file = "scenarios/outage.json",
    .name = "outage at peak",
    .seed = 7,
};

/* Up to 4 patterns x 4 seeds of runs, each with its own few metrics. */
#define MAX_RUNS    16
#define MAX_METRICS 8

typedef struct fixture {
    run_result        runs[MAX_RUNS];
    run_metric        metrics[MAX_RUNS][MAX_METRICS];
    const run_result *ptrs[MAX_RUNS];
    size_t            npatterns, nseeds;
} fixture;

static const char *const pattern_names[]
    = { "active-passive", "active-active", "read-local", "independent" };

static void fixture_init(fixture *f, size_t npatterns, size_t nseeds)
{
    memset(f, 0, sizeof *f);
    f->npatterns = npatterns;
    f->nseeds = nseeds;
    for (size_t p = 0; p < npatterns; p++)
        for (size_t k = 0; k < nseeds; k++) {
            size_t i = p * nseeds + k;
            f->runs[i].scn = &test_scenario;
            f->runs[i].pattern = pattern_names[p];
            f->runs[i].seed = 7 + k;
            f->runs[i].metrics = f->metrics[i];
            f->ptrs[i] = &f->runs[i];
        }
}

/* Give run (p, k) the metric (scope, key, name) = v. */
static void put(fixture *f, size_t p, size_t k, run_scope scope, const char *key, const char *name,
                double v)
{
    run_result *r = &f->runs[p * f->nseeds + k];
    assert_true(r->nmetrics < MAX_METRICS);
    r->metrics[r->nmetrics++] = (run_metric){ scope, key, name, v };
}

/* Give every seed of pattern p the whole-run metric name = v. */
static void put_all(fixture *f, size_t p, const char *name, double v)
{
    for (size_t k = 0; k < f->nseeds; k++)
        put(f, p, k, RUN_SCOPE_ALL, "", name, v);
}

static compare_table *build(fixture *f)
{
    compare_table *t = NULL;
    assert_int_equal(compare_table_new(f->ptrs, f->npatterns, f->nseeds, &t), 0);
    assert_non_null(t);
    return t;
}

static const compare_row *row_of(const compare_table *t, const char *op, const char *metric)
{
    for (size_t i = 0; i < t->nrows; i++) {
        const compare_row *r = &t->rows[i];
        bool               same_op = op ? r->op && strcmp(r->op, op) == 0 : r->op == NULL;
        if (same_op && strcmp(r->metric, metric) == 0)
            return r;
    }
    fail_msg("no row %s %s", op ? op : "", metric);
    return NULL;
}

/* The best marks of a row as a string of 0/1, one per pattern: "010". */
static const char *marks(const compare_table *t, const compare_row *r)
{
    static char buf[8];
    for (size_t p = 0; p < t->npatterns; p++)
        buf[p] = r->best[p] ? '1' : '0';
    buf[t->npatterns] = '\0';
    return buf;
}

/* --- best marks ------------------------------------------------------------------------ */

static void test_compare_lower_is_better(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    put_all(&f, 0, "lost_writes", 5);
    put_all(&f, 1, "lost_writes", 3);
    put_all(&f, 2, "lost_writes", 7);
    compare_table     *t = build(&f);
    const compare_row *r = row_of(t, NULL, "lost_writes");
    assert_int_equal(r->better, COMPARE_LOWER);
    assert_string_equal(marks(t, r), "010");
    compare_table_free(t);
}

/* Cost rows: the cheapest pattern is best, and money prints to the cent. */
static void test_compare_cost_rows_lower_is_better(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    const double month[3] = { 6049.38, 6018.8, 6045.45 }, gb[3] = { 0.2583, 0, 0.1501 };
    for (size_t p = 0; p < 3; p++) {
        put_all(&f, p, "cost_per_hour", month[p] / 730);
        put_all(&f, p, "cost_per_month", month[p]);
        put_all(&f, p, "egress_gb", gb[p]);
    }
    compare_table *t = build(&f);
    const char    *rows[] = { "egress_gb", "cost_per_hour", "cost_per_month" };
    for (size_t i = 0; i < 3; i++) {
        const compare_row *r = row_of(t, NULL, rows[i]);
        assert_int_equal(r->better, COMPARE_LOWER);
        assert_string_equal(marks(t, r), "010");
    }
    char  *text = NULL;
    size_t len = 0;
    FILE  *out = open_memstream(&text, &len);
    assert_non_null(out);
    compare_table_print(out, t);
    fclose(out);
    assert_non_null(strstr(text, "6,018.80*"));
    free(text);
    compare_table_free(t);
}

static void test_compare_availability_higher_is_better(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    put_all(&f, 0, "availability", 0.99);
    put_all(&f, 1, "availability", 0.9);
    put_all(&f, 2, "availability", 0.999);
    compare_table     *t = build(&f);
    const compare_row *r = row_of(t, NULL, "availability");
    assert_int_equal(r->better, COMPARE_HIGHER);
    assert_string_equal(marks(t, r), "001");
    compare_table_free(t);
}

static void test_compare_ties_all_marked(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    put_all(&f, 0, "conflicts", 2);
    put_all(&f, 1, "conflicts", 9);
    put_all(&f, 2, "conflicts", 2);
    put_all(&f, 0, "availability", 1);
    put_all(&f, 1, "availability", 1);
    put_all(&f, 2, "availability", 0.5);
    compare_table *t = build(&f);
    assert_string_equal(marks(t, row_of(t, NULL, "conflicts")), "101");
    assert_string_equal(marks(t, row_of(t, NULL, "availability")), "110");
    compare_table_free(t);
}

static void test_compare_all_equal_marks_none(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    for (size_t p = 0; p < 3; p++) {
        put_all(&f, p, "errors", 0);
        put_all(&f, p, "availability", 1);
    }
    compare_table *t = build(&f);
    assert_string_equal(marks(t, row_of(t, NULL, "errors")), "000");
    assert_string_equal(marks(t, row_of(t, NULL, "availability")), "000");
    compare_table_free(t);
}

/* A pattern without the metric (or with NaN) has no value and takes no part: the other two
 * are compared; a row where only one pattern has a value marks none. */
static void test_compare_missing_values_take_no_part(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    put_all(&f, 0, "rto_s", 40);
    put_all(&f, 1, "rto_s", NAN);
    put_all(&f, 2, "rto_s", 55);
    put_all(&f, 1, "failovers", 2);
    compare_table     *t = build(&f);
    const compare_row *r = row_of(t, NULL, "rto_s");
    assert_string_equal(marks(t, r), "100");
    assert_int_equal(r->values[1].n, 0);
    assert_true(isnan(r->values[1].mean));
    r = row_of(t, NULL, "failovers");
    assert_string_equal(marks(t, r), "000");
    assert_int_equal(r->values[0].n, 0);
    assert_int_equal(r->values[1].n, 1);
    compare_table_free(t);
}

/* --- rows and aggregation -------------------------------------------------------------- */

/* Only metrics some run has become rows, in the fixed order whatever the runs' order;
 * per-operation latency rows come first; metrics not in the list are ignored. */
static void test_compare_rows_present_in_fixed_order(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 1);
    put_all(&f, 0, "repl_bytes", 100);
    put_all(&f, 0, "requests", 10); /* not a comparison row */
    put(&f, 0, 0, RUN_SCOPE_OP, "write", "p99_ms", 9);
    put(&f, 1, 0, RUN_SCOPE_OP, "read", "p50_ms", 1);
    put(&f, 1, 0, RUN_SCOPE_REGION, "us-east-1", "p99_ms", 3); /* per region: no row */
    put_all(&f, 1, "availability", 1);
    put_all(&f, 1, "p99_ms", 4); /* whole run: no row either */
    compare_table *t = build(&f);
    assert_int_equal(t->nrows, 4);
    assert_string_equal(t->rows[0].op, "read");
    assert_string_equal(t->rows[0].metric, "p50_ms");
    assert_string_equal(t->rows[1].op, "write");
    assert_string_equal(t->rows[1].metric, "p99_ms");
    assert_null(t->rows[2].op);
    assert_string_equal(t->rows[2].metric, "availability");
    assert_string_equal(t->rows[3].metric, "repl_bytes");
    assert_int_equal(t->npatterns, 2);
    assert_string_equal(t->patterns[0], "active-passive");
    assert_string_equal(t->patterns[1], "active-active");
    assert_int_equal(t->seed, 7);
    compare_table_free(t);
}

/* Each cell is the mean of its pattern's seeds with stat_ci95's half-width; NaN values are
 * left out; best is decided on the means. */
static void test_compare_mean_and_ci_over_seeds(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    const double a[] = { 10, 12, 11, 13 }, b[] = { 9, 15, 14, NAN };
    for (size_t k = 0; k < 4; k++) {
        put(&f, 0, k, RUN_SCOPE_OP, "read", "p99_ms", a[k]);
        put(&f, 1, k, RUN_SCOPE_OP, "read", "p99_ms", b[k]);
    }
    put(&f, 0, 2, RUN_SCOPE_ALL, "", "lost_writes", 4); /* one seed only: n 1, no CI */
    compare_table *t = build(&f);
    assert_int_equal(t->nseeds, 4);
    const compare_row *r = row_of(t, "read", "p99_ms");

    double mean, hw;
    assert_int_equal(stat_ci95(a, 4, &mean, &hw), 0);
    assert_int_equal(r->values[0].n, 4);
    assert_true(r->values[0].mean == mean && mean == 11.5);
    assert_true(r->values[0].ci95 == hw && hw > 0);
    assert_int_equal(stat_ci95(b, 3, &mean, &hw), 0);
    assert_int_equal(r->values[1].n, 3);
    assert_true(r->values[1].mean == mean);
    assert_true(fabs(r->values[1].mean - 38.0 / 3) < 1e-12);
    assert_true(r->values[1].ci95 == hw);
    /* t(0.975, 2) = 4.302653, s = sqrt(31/3): the half-width by hand. */
    assert_true(fabs(hw - 4.302652729749464 * sqrt(31.0 / 3) / sqrt(3)) < 1e-6);
    assert_string_equal(marks(t, r), "10");

    r = row_of(t, NULL, "lost_writes");
    assert_int_equal(r->values[0].n, 1);
    assert_true(r->values[0].mean == 4);
    assert_true(isnan(r->values[0].ci95));
    compare_table_free(t);
}

/* The latency rule: a pattern that failed more requests of an operation never has that
 * operation's best latency, however fast its successful requests were (an outage: the
 * primary's clients fail and the survivors look quick). */
static void test_compare_latency_best_needs_best_availability(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 1);
    put(&f, 0, 0, RUN_SCOPE_OP, "read", "p99_ms", 240); /* fast, but failed 11% */
    put(&f, 0, 0, RUN_SCOPE_OP, "read", "availability", 0.889);
    put(&f, 1, 0, RUN_SCOPE_OP, "read", "p99_ms", 1128); /* slow, served everything */
    put(&f, 1, 0, RUN_SCOPE_OP, "read", "availability", 1.0);
    put(&f, 2, 0, RUN_SCOPE_OP, "read", "p99_ms", 1130);
    put(&f, 2, 0, RUN_SCOPE_OP, "read", "availability", 0.9988);
    compare_table     *t = build(&f);
    const compare_row *r = row_of(t, "read", "p99_ms");
    assert_string_equal(marks(t, r), "010");
    /* The availability is in the row right under the operation's latency rows. */
    assert_true(&t->rows[1] == r || &t->rows[0] == r);
    assert_string_equal(t->rows[(size_t)(r - t->rows) + 1].metric, "availability");
    assert_string_equal(t->rows[(size_t)(r - t->rows) + 1].op, "read");
    compare_table_free(t);

    /* Equal availability: the fastest is marked as before. */
    fixture_init(&f, 2, 1);
    put(&f, 0, 0, RUN_SCOPE_OP, "write", "p50_ms", 5);
    put(&f, 0, 0, RUN_SCOPE_OP, "write", "availability", 1.0);
    put(&f, 1, 0, RUN_SCOPE_OP, "write", "p50_ms", 9);
    put(&f, 1, 0, RUN_SCOPE_OP, "write", "availability", 1.0);
    t = build(&f);
    assert_string_equal(marks(t, row_of(t, "write", "p50_ms")), "10");
    compare_table_free(t);

    /* Several seeds: availabilities whose 95% intervals meet are as good as each other. */
    fixture_init(&f, 2, 2);
    const double avail_a[] = { 0.998, 1.0 }, avail_b[] = { 1.0, 1.0 };
    for (size_t k = 0; k < 2; k++) {
        put(&f, 0, k, RUN_SCOPE_OP, "read", "p99_ms", 10);
        put(&f, 0, k, RUN_SCOPE_OP, "read", "availability", avail_a[k]);
        put(&f, 1, k, RUN_SCOPE_OP, "read", "p99_ms", 20);
        put(&f, 1, k, RUN_SCOPE_OP, "read", "availability", avail_b[k]);
    }
    t = build(&f);
    assert_string_equal(marks(t, row_of(t, "read", "p99_ms")), "10");
    compare_table_free(t);
}

/* --- output ---------------------------------------------------------------------------- */

typedef struct capture {
    char  *buf;
    size_t len;
    FILE  *fp;
} capture;

static FILE *capture_start(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->fp = open_memstream(&c->buf, &c->len);
    assert_non_null(c->fp);
    return c->fp;
}

static char *capture_end(capture *c)
{
    assert_int_equal(fclose(c->fp), 0);
    return c->buf;
}

/* The line of text that starts with prefix, copied into buf. */
static const char *line_of(const char *text, const char *prefix, char *buf, size_t n)
{
    for (const char *s = text; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
        if (strncmp(s, prefix, strlen(prefix)) == 0) {
            const char *e = strchr(s, '\n');
            size_t      len = e ? (size_t)(e - s) : strlen(s);
            snprintf(buf, n, "%.*s", (int)len, s);
            return buf;
        }
    }
    fail_msg("no line starting with \"%s\" in:\n%s", prefix, text);
    return NULL;
}

static void fixture_two_by_two(fixture *f)
{
    fixture_init(f, 2, 2);
    put(f, 0, 0, RUN_SCOPE_OP, "write", "p99_ms", 20);
    put(f, 0, 1, RUN_SCOPE_OP, "write", "p99_ms", 22);
    put(f, 1, 0, RUN_SCOPE_OP, "write", "p99_ms", 30);
    put(f, 1, 1, RUN_SCOPE_OP, "write", "p99_ms", 30);
    put(f, 0, 0, RUN_SCOPE_ALL, "", "availability", 0.875); /* binary fractions: */
    put(f, 0, 1, RUN_SCOPE_ALL, "", "availability", 0.625); /* the mean is exact */
    put_all(f, 1, "availability", 1);
    put_all(f, 0, "divergent_keys", 0);
    put_all(f, 1, "divergent_keys", 0);
    put(f, 1, 0, RUN_SCOPE_ALL, "", "rpo_writes", 3);
}

static void test_compare_table_text(void **state)
{
    (void)state;
    fixture f;
    fixture_two_by_two(&f);
    compare_table *t = build(&f);
    capture        c;
    compare_table_print(capture_start(&c), t);
    char *text = capture_end(&c);
    char  line[256];

    assert_non_null(strstr(text, "scenario: outage at peak  seeds: 7..8 (2 runs per pattern)"));
    line_of(text, "metric", line, sizeof line);
    assert_non_null(strstr(line, "active-passive"));
    assert_non_null(strstr(line, "active-active"));
    assert_true(strstr(line, "active-passive") < strstr(line, "active-active"));
    /* The mean and its half-width, the mark after the best, none after the other. */
    line_of(text, "write p99_ms", line, sizeof line);
    assert_non_null(strstr(line, "21.00 ±12.71*"));
    assert_non_null(strstr(line, "30.00 ±0"));
    assert_null(strstr(line, "±0*"));
    line_of(text, "availability", line, sizeof line);
    assert_non_null(strstr(line, "75.000% ±158.8"));
    assert_non_null(strstr(line, "100% ±0*"));
    line_of(text, "divergent_keys", line, sizeof line);
    assert_null(strchr(line, '*'));
    line_of(text, "rpo_writes", line, sizeof line); /* one run: no interval, no mark */
    assert_non_null(strstr(line, "-"));
    assert_null(strchr(line, '*'));
    assert_null(strstr(line, "±"));
    /* The footer says what '*' and '±' mean. */
    line_of(text, "* best", line, sizeof line);
    assert_non_null(strstr(text, "mean over 2 seeds"));
    /* Columns line up: every row is as wide as the header, marks aside. */
    assert_null(strstr(text, " \n"));
    free(text);
    compare_table_free(t);
}

static cJSON *item(const cJSON *obj, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!n)
        fail_msg("no member %s", name);
    return (cJSON *)n;
}

static const cJSON *json_row(const cJSON *rows, const char *op, const char *metric)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, rows)
    {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(r, "op");
        bool same_op = op ? cJSON_IsString(o) && strcmp(o->valuestring, op) == 0 : o == NULL;
        if (same_op && strcmp(item(r, "metric")->valuestring, metric) == 0)
            return r;
    }
    fail_msg("no JSON row %s %s", op ? op : "", metric);
    return NULL;
}

static void test_compare_json(void **state)
{
    (void)state;
    fixture f;
    fixture_two_by_two(&f);
    compare_table *t = build(&f);
    capture        c;
    compare_table_print_json(capture_start(&c), t);
    char  *text = capture_end(&c);
    cJSON *doc = cJSON_Parse(text);
    if (!doc)
        fail_msg("not JSON:\n%s", text);

    assert_string_equal(item(doc, "scenario")->valuestring, "outage at peak");
    assert_string_equal(item(doc, "file")->valuestring, "scenarios/outage.json");
    assert_true(item(doc, "seeds")->valuedouble == 2);
    assert_true(item(doc, "seed")->valuedouble == 7);
    const cJSON *pats = item(doc, "patterns");
    assert_int_equal(cJSON_GetArraySize(pats), 2);
    assert_string_equal(cJSON_GetArrayItem(pats, 0)->valuestring, "active-passive");
    assert_string_equal(cJSON_GetArrayItem(pats, 1)->valuestring, "active-active");

    const cJSON *rows = item(doc, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), (int)t->nrows);
    assert_int_equal(t->nrows, 4);
    /* Rows in the table's order. */
    for (size_t i = 0; i < t->nrows; i++)
        assert_string_equal(item(cJSON_GetArrayItem(rows, (int)i), "metric")->valuestring,
                            t->rows[i].metric);

    const cJSON *r = json_row(rows, "write", "p99_ms");
    assert_string_equal(item(r, "better")->valuestring, "lower");
    const cJSON *v = item(item(r, "values"), "active-passive");
    assert_true(item(v, "mean")->valuedouble == 21);
    assert_true(fabs(item(v, "ci95")->valuedouble - t->rows[0].values[0].ci95) < 1e-8);
    assert_true(item(v, "n")->valuedouble == 2);
    const cJSON *best = item(r, "best");
    assert_int_equal(cJSON_GetArraySize(best), 1);
    assert_string_equal(cJSON_GetArrayItem(best, 0)->valuestring, "active-passive");

    r = json_row(rows, NULL, "availability");
    assert_string_equal(item(r, "better")->valuestring, "higher");
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "op"));
    best = item(r, "best");
    assert_int_equal(cJSON_GetArraySize(best), 1);
    assert_string_equal(cJSON_GetArrayItem(best, 0)->valuestring, "active-active");

    r = json_row(rows, NULL, "divergent_keys");
    assert_int_equal(cJSON_GetArraySize(item(r, "best")), 0);

    /* A pattern with no value: mean and ci95 null, n 0; one run: ci95 null. */
    r = json_row(rows, NULL, "rpo_writes");
    v = item(item(r, "values"), "active-passive");
    assert_true(cJSON_IsNull(item(v, "mean")));
    assert_true(cJSON_IsNull(item(v, "ci95")));
    assert_true(item(v, "n")->valuedouble == 0);
    v = item(item(r, "values"), "active-active");
    assert_true(item(v, "mean")->valuedouble == 3);
    assert_true(cJSON_IsNull(item(v, "ci95")));
    assert_true(item(v, "n")->valuedouble == 1);

    cJSON_Delete(doc);
    free(text);
    compare_table_free(t);
}

/* Names from scenario files are escaped in the JSON and defanged in the table. */
static void test_compare_hostile_names(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 1);
    f.runs[0].pattern = "a\"b\\c\n";
    f.runs[1].pattern = "\x1b[31mred";
    put_all(&f, 0, "errors", 1);
    put_all(&f, 1, "errors", 2);
    compare_table *t = build(&f);
    capture        c;
    compare_table_print(capture_start(&c), t);
    char *text = capture_end(&c);
    assert_null(strchr(text, '\x1b'));
    assert_non_null(strstr(text, "a\"b\\c?"));
    free(text);
    compare_table_print_json(capture_start(&c), t);
    text = capture_end(&c);
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    assert_string_equal(cJSON_GetArrayItem(item(doc, "patterns"), 0)->valuestring, "a\"b\\c\n");
    assert_string_equal(cJSON_GetArrayItem(item(doc, "patterns"), 1)->valuestring, "\x1b[31mred");
    cJSON_Delete(doc);
    free(text);
    compare_table_free(t);
}

/* Every allocation compare_table_new makes can fail: SIM_ENOMEM, no table, no leak (ASan). */
static void test_compare_out_of_memory(void **state)
{
    (void)state;
    fixture f;
    fixture_two_by_two(&f);
    compare_table *t = NULL;
    sim_alloc_fail_at(0);
    assert_int_equal(compare_table_new(f.ptrs, 2, 2, &t), 0);
    long made = sim_alloc_fail_at(0);
    compare_table_free(t);
    assert_true(made >= 4);
    for (long nth = 1; nth <= made; nth++) {
        sim_alloc_fail_at(nth);
        int rc = compare_table_new(f.ptrs, 2, 2, &t);
        sim_alloc_fail_at(0);
        assert_int_equal(rc, SIM_ENOMEM);
        assert_null(t);
    }
    compare_table_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare_lower_is_better),
        cmocka_unit_test(test_compare_availability_higher_is_better),
        cmocka_unit_test(test_compare_ties_all_marked),
        cmocka_unit_test(test_compare_all_equal_marks_none),
        cmocka_unit_test(test_compare_missing_values_take_no_part),
        cmocka_unit_test(test_compare_rows_present_in_fixed_order),
        cmocka_unit_test(test_compare_mean_and_ci_over_seeds),
        cmocka_unit_test(test_compare_latency_best_needs_best_availability),
        cmocka_unit_test(test_compare_table_text),
        cmocka_unit_test(test_compare_cost_rows_lower_is_better),
        cmocka_unit_test(test_compare_json),
        cmocka_unit_test(test_compare_hostile_names),
        cmocka_unit_test(test_compare_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
