/* test_table.c - the terminal summary and the JSON document, from hand-made run results.
 *
 * Output goes to an open_memstream buffer. The JSON is parsed back with cJSON (tests may use
 * it; product code outside the scenario loader may not) and checked value by value; its exact
 * number spellings are checked on the text, since a parser would hide them. */
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

#include "table.h"

/* --- hand-made results ------------------------------------------------------------------ */

static scn_scenario test_scenario = {
    .file = "scenarios/outage.json",
    .name = "outage at peak",
    .seed = 7,
};

static run_metric test_metrics[] = {
    { RUN_SCOPE_ALL, "", "requests", 1000 },
    { RUN_SCOPE_ALL, "", "ok", 995 },
    { RUN_SCOPE_ALL, "", "errors", 5 },
    { RUN_SCOPE_ALL, "", "timeouts", 3 },
    { RUN_SCOPE_ALL, "", "rejected", 2 },
    { RUN_SCOPE_ALL, "", "availability", 0.995 },
    { RUN_SCOPE_ALL, "", "throughput_rps", 33.3333333333333 },
    { RUN_SCOPE_ALL, "", "mean_ms", 3.14159 },
    { RUN_SCOPE_ALL, "", "p50_ms", 2.5 },
    { RUN_SCOPE_ALL, "", "p90_ms", 12.75 },
    { RUN_SCOPE_ALL, "", "p99_ms", 140.5 },
    { RUN_SCOPE_ALL, "", "p999_ms", 1234.5 },
    { RUN_SCOPE_ALL, "", "max_ms", NAN },
    { RUN_SCOPE_ALL, "", "stale_reads", 9007199254740993.0 }, /* 2^53 + 1: not integral-safe */
    { RUN_SCOPE_OP, "read", "requests", 900 },
    { RUN_SCOPE_OP, "read", "p99_ms", 10.125 },
    { RUN_SCOPE_OP, "write", "requests", 100 },
    { RUN_SCOPE_OP, "write", "p99_ms", -0.0 },
    { RUN_SCOPE_REGION, "us-east-1", "requests", 600 },
    { RUN_SCOPE_REGION, "us-east-1", "utilization", 0.4567 },
    { RUN_SCOPE_REGION, "são-paulo-1", "requests", 400 },
    { RUN_SCOPE_REGION, "são-paulo-1", "utilization", INFINITY },
};
#define NMETRICS (sizeof test_metrics / sizeof test_metrics[0])

static run_event test_log[] = {
    { 5 * SIM_S, "fault_start", "region_down us-east-1" },
    { 15 * SIM_S + 500 * SIM_MS, "fault_end", "region_down us-east-1" },
};

static run_result test_run(void)
{
    run_result r = {
        .scn = &test_scenario,
        .pattern = "independent",
        .seed = UINT64_C(18446744073709551615),
        .simulated = 31 * SIM_S + 250 * SIM_MS,
        .events = 123456789,
        .metrics = test_metrics,
        .nmetrics = NMETRICS,
        .log = test_log,
        .nlog = 2,
    };
    return r;
}

/* Run fn into a memory buffer and return the text (free it). */
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

static char *json_of(const scn_scenario *s, const run_result *const *runs, const double *wall,
                     size_t n)
{
    capture c;
    table_print_json(capture_start(&c), s, runs, wall, n);
    return capture_end(&c);
}

static cJSON *parse(const char *text)
{
    cJSON *doc = cJSON_Parse(text);
    if (!doc)
        fail_msg("not JSON:\n%s", text);
    return doc;
}

static double num(const cJSON *obj, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsNumber(n))
        fail_msg("%s: expected a number", name);
    return n->valuedouble;
}

static const char *str(const cJSON *obj, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(n))
        fail_msg("%s: expected a string", name);
    return n->valuestring;
}

/* --- JSON -------------------------------------------------------------------------------- */

static void test_json_layout_and_values(void **state)
{
    (void)state;
    run_result        r = test_run();
    const run_result *runs[] = { &r };
    double            wall = 2.5;
    char             *text = json_of(&test_scenario, runs, &wall, 1);
    cJSON            *doc = parse(text);

    assert_string_equal(str(doc, "scenario"), "outage at peak");
    assert_string_equal(str(doc, "file"), "scenarios/outage.json");
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "runs");
    assert_true(cJSON_IsArray(arr));
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    const cJSON *run = cJSON_GetArrayItem(arr, 0);
    assert_string_equal(str(run, "pattern"), "independent");
    assert_true(num(run, "simulated_s") == 31.25);
    assert_true(num(run, "events") == 123456789);
    assert_true(num(run, "wall_s") == 2.5);

    /* The whole-run metrics, every one of them, in the result's order. */
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(run, "metrics");
    assert_true(cJSON_IsObject(m));
    const cJSON *it = m->child;
    for (size_t i = 0; i < NMETRICS && test_metrics[i].scope == RUN_SCOPE_ALL; i++) {
        assert_non_null(it);
        assert_string_equal(it->string, test_metrics[i].name);
        if (isnan(test_metrics[i].value))
            assert_true(cJSON_IsNull(it));
        else
            assert_true(fabs(it->valuedouble - test_metrics[i].value)
                        <= 1e-9 * fabs(test_metrics[i].value));
        it = it->next;
    }
    assert_null(it);

    const cJSON *by_op = cJSON_GetObjectItemCaseSensitive(run, "by_op");
    assert_int_equal(cJSON_GetArraySize(by_op), 2);
    assert_string_equal(by_op->child->string, "read");
    assert_string_equal(by_op->child->next->string, "write");
    const cJSON *read = cJSON_GetObjectItemCaseSensitive(by_op, "read");
    assert_int_equal(cJSON_GetArraySize(read), 2);
    assert_true(num(read, "requests") == 900);
    assert_true(num(read, "p99_ms") == 10.125);
    assert_true(num(cJSON_GetObjectItemCaseSensitive(by_op, "write"), "p99_ms") == 0);

    const cJSON *by_region = cJSON_GetObjectItemCaseSensitive(run, "by_region");
    assert_int_equal(cJSON_GetArraySize(by_region), 2);
    assert_string_equal(by_region->child->string, "us-east-1");
    assert_string_equal(by_region->child->next->string, "são-paulo-1");
    assert_true(num(cJSON_GetObjectItemCaseSensitive(by_region, "us-east-1"), "utilization")
                == 0.4567);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(by_region, "são-paulo-1"), "utilization")));

    const cJSON *log = cJSON_GetObjectItemCaseSensitive(run, "log");
    assert_true(cJSON_IsArray(log));
    assert_int_equal(cJSON_GetArraySize(log), 2);
    const cJSON *e = cJSON_GetArrayItem(log, 1);
    assert_true(num(e, "t_s") == 15.5);
    assert_string_equal(str(e, "kind"), "fault_end");
    assert_string_equal(str(e, "detail"), "region_down us-east-1");

    cJSON_Delete(doc);
    free(text);
}

/* Spellings a parser would hide: integers without a fraction, uint64 exact, -0 as 0, large
 * or fractional values with %.10g, NaN and infinity as null. */
static void test_json_number_spelling(void **state)
{
    (void)state;
    run_result        r = test_run();
    const run_result *runs[] = { &r };
    char             *text = json_of(&test_scenario, runs, NULL, 1);
    assert_non_null(strstr(text, "\"seed\": 18446744073709551615,"));
    assert_non_null(strstr(text, "\"events\": 123456789,"));
    assert_non_null(strstr(text, "\"wall_s\": null,"));
    assert_non_null(strstr(text, "\"simulated_s\": 31.25,"));
    assert_non_null(strstr(text, "{\"requests\": 1000, \"ok\": 995,"));
    assert_non_null(strstr(text, "\"throughput_rps\": 33.33333333,"));
    assert_non_null(strstr(text, "\"max_ms\": null,"));
    assert_non_null(strstr(text, "\"stale_reads\": 9.007199255e+15}"));
    assert_non_null(strstr(text, "{\"requests\": 100, \"p99_ms\": 0}"));
    assert_non_null(strstr(text, "\"utilization\": null}"));
    assert_non_null(strstr(text, "{\"t_s\": 5, \"kind\": \"fault_start\""));
    assert_null(strstr(text, "nan"));
    assert_null(strstr(text, "inf"));
    assert_int_equal(text[strlen(text) - 1], '\n');
    free(text);
}

static void test_json_escapes_strings(void **state)
{
    (void)state;
    /* Quote, backslash, newline, tab, other controls, DEL, valid UTF-8 (2, 3 and 4 bytes),
     * and invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a
     * surrogate. */
    static const char name[] = "a \"quoted\" \\name\\\nline2\ttab\x01\x1f\x7f "
                               "Zürich 東京 \xF0\x9F\x98\x80 "
                               "bad:\x80|\xE6\x9D|\xC0\xAF|\xED\xA0\x80|";
    scn_scenario      s = { .file = "dir/\"odd\".json", .name = (char *)name };
    run_result        r = test_run();
    r.scn = &s;
    run_event ev = { 0, "fault_start", "detail with \"quotes\" and \x02" };
    r.log = &ev;
    r.nlog = 1;
    const run_result *runs[] = { &r };
    char             *text = json_of(&s, runs, NULL, 1);
    assert_non_null(strstr(
        text, "\"scenario\": \"a \\\"quoted\\\" \\\\name\\\\\\nline2\\ttab\\u0001\\u001f\\u007f "));
    cJSON *doc = parse(text);

    const char *want = "a \"quoted\" \\name\\\nline2\ttab\x01\x1f\x7f "
                       "Zürich 東京 \xF0\x9F\x98\x80 "
                       "bad:\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|"
                       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|";
    assert_string_equal(str(doc, "scenario"), want);
    assert_string_equal(str(doc, "file"), "dir/\"odd\".json");
    const cJSON *e = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "runs"), 0), "log"),
        0);
    assert_string_equal(str(e, "detail"), "detail with \"quotes\" and \x02");
    /* No raw control character anywhere but the layout's own newlines. */
    for (const char *p = text; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    cJSON_Delete(doc);
    free(text);
}

static void test_json_several_runs_and_empty_run(void **state)
{
    (void)state;
    run_result a = test_run();
    run_result b = test_run();
    b.pattern = NULL;
    b.seed = 8;
    b.nmetrics = 0;
    b.nlog = 0;
    const run_result *runs[] = { &a, &b };
    double            wall[] = { 1, NAN };
    char             *text = json_of(&test_scenario, runs, wall, 2);
    cJSON            *doc = parse(text);
    const cJSON      *arr = cJSON_GetObjectItemCaseSensitive(doc, "runs");
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    const cJSON *rb = cJSON_GetArrayItem(arr, 1);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(rb, "pattern")));
    assert_true(num(rb, "seed") == 8);
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(rb, "wall_s")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rb, "metrics")), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rb, "by_op")), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rb, "by_region")), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rb, "log")), 0);
    cJSON_Delete(doc);
    free(text);

    text = json_of(&test_scenario, NULL, NULL, 0);
    doc = parse(text);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "runs")), 0);
    cJSON_Delete(doc);
    free(text);
}

/* The same result twice gives the same bytes. */
static void test_json_is_deterministic(void **state)
{
    (void)state;
    run_result        r = test_run();
    const run_result *runs[] = { &r };
    double            wall = 0.125;
    char             *t1 = json_of(&test_scenario, runs, &wall, 1);
    char             *t2 = json_of(&test_scenario, runs, &wall, 1);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
}

/* --- terminal table ---------------------------------------------------------------------- */

static char *summary_of(const run_result *r)
{
    capture c;
    table_print_summary(capture_start(&c), r);
    return capture_end(&c);
}

/* The line of the table whose first word is label, copied into buf. */
static const char *table_line(const char *text, const char *label, char *buf, size_t n)
{
    size_t len = strlen(label);
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        size_t      linelen = eol ? (size_t)(eol - p) : strlen(p);
        if (linelen > len && strncmp(p, label, len) == 0 && p[len] == ' ') {
            snprintf(buf, n, "%.*s", (int)linelen, p);
            return buf;
        }
        p += linelen + (eol ? 1 : 0);
    }
    fail_msg("no line starting with '%s' in:\n%s", label, text);
    return NULL;
}

static void test_summary_rows_and_cells(void **state)
{
    (void)state;
    run_result r = test_run();
    char      *text = summary_of(&r);
    char       line[512];

    assert_non_null(strstr(text,
                           "scenario: outage at peak  pattern: independent  "
                           "seed: 18446744073709551615  simulated: 31.25s"));
    table_line(text, "scope", line, sizeof line);
    assert_non_null(strstr(line, "requests"));
    assert_non_null(strstr(line, "p99.9"));

    table_line(text, "all", line, sizeof line);
    static const char *const cells[]
        = { "1000", "995",  "5",     "3",     "2",    "99.500%", "33.3",
            "3.14", "2.50", "12.75", "140.5", "1234", "-",       "-" };
    const char *p = line + strlen("all");
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        char word[32];
        int  used = 0;
        assert_int_equal(sscanf(p, "%31s%n", word, &used), 1);
        assert_string_equal(word, cells[i]);
        p += used;
    }

    table_line(text, "read", line, sizeof line);
    assert_non_null(strstr(line, " 900 "));
    table_line(text, "write", line, sizeof line);
    table_line(text, "us-east-1", line, sizeof line);
    assert_non_null(strstr(line, "45.7%"));
    table_line(text, "são-paulo-1", line, sizeof line);
    assert_non_null(strstr(line, "inf"));

    /* A metric without a column is listed below the table. */
    assert_non_null(strstr(text, "other metrics:\n  all: stale_reads=9.0072e+15\n"));

    /* The event log. */
    assert_non_null(strstr(text, "event log:\n"));
    table_line(text, "  5s", line, sizeof line);
    assert_non_null(strstr(line, "fault_start  region_down us-east-1"));
    assert_non_null(strstr(text, "  15.5s  fault_end    region_down us-east-1\n"));
    free(text);
}

/* Every row of the table has the same width in characters, whatever the names. */
static void test_summary_columns_align(void **state)
{
    (void)state;
    run_result  r = test_run();
    char       *text = summary_of(&r);
    const char *start = strstr(text, "\nscope");
    assert_non_null(start);
    start++;
    size_t want = 0;
    for (int row = 0; row < 6; row++) {
        const char *eol = strchr(start, '\n');
        assert_non_null(eol);
        size_t chars = 0;
        for (const char *q = start; q < eol; q++)
            if (((unsigned char)*q & 0xC0) != 0x80)
                chars++;
        if (row == 0)
            want = chars;
        assert_int_equal(chars, want);
        start = eol + 1;
    }
    free(text);
}

static void test_summary_hides_control_characters(void **state)
{
    (void)state;
    scn_scenario s = { .name = "evil\x1b[2Jname\nline" };
    run_result   r = test_run();
    r.scn = &s;
    char *text = summary_of(&r);
    assert_non_null(strstr(text, "scenario: evil?[2Jname?line  pattern"));
    assert_null(strchr(text, '\x1b'));
    free(text);
}

static void test_summary_without_metrics_or_events(void **state)
{
    (void)state;
    run_result r = test_run();
    r.nmetrics = 0;
    r.nlog = 0;
    char *text = summary_of(&r);
    assert_non_null(strstr(text, "(no metrics)"));
    assert_null(strstr(text, "event log"));
    assert_null(strstr(text, "other metrics"));
    free(text);
}

/* Cell formats: money to the cent with thousands grouped, never a tiny amount shown as
 * free; bytes grouped whole; other quantities to four significant digits. */
static void test_format_money_bytes_numbers(void **state)
{
    (void)state;
    static const struct {
        table_fmt   kind;
        double      v;
        const char *want;
    } cases[] = {
        { TABLE_FMT_MONEY, 6045.451672, "6,045.45" },
        { TABLE_FMT_MONEY, 1234567.891, "1,234,567.89" },
        { TABLE_FMT_MONEY, 8.24, "8.24" },
        { TABLE_FMT_MONEY, 0, "0.00" },
        { TABLE_FMT_MONEY, 0.004, "<0.01" },
        { TABLE_FMT_MONEY, -12.5, "-12.50" },
        { TABLE_FMT_MONEY, NAN, "-" },
        { TABLE_FMT_BYTES, 157935744, "157,935,744" },
        { TABLE_FMT_BYTES, 999, "999" },
        { TABLE_FMT_NUM, 0.150133, "0.1501" },
        { TABLE_FMT_NUM, 0.0000256, "2.56e-05" },
        { TABLE_FMT_NUM, 12.3456, "12.35" },
        { TABLE_FMT_NUM, 123456.7, "123457" },
        { TABLE_FMT_NUM, 0, "0" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        table_format(buf, sizeof buf, cases[i].kind, cases[i].v);
        if (strcmp(buf, cases[i].want) != 0)
            fail_msg("case %zu: \"%s\", expected \"%s\"", i, buf, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_layout_and_values),
        cmocka_unit_test(test_json_number_spelling),
        cmocka_unit_test(test_json_escapes_strings),
        cmocka_unit_test(test_json_several_runs_and_empty_run),
        cmocka_unit_test(test_json_is_deterministic),
        cmocka_unit_test(test_summary_rows_and_cells),
        cmocka_unit_test(test_summary_columns_align),
        cmocka_unit_test(test_summary_hides_control_characters),
        cmocka_unit_test(test_summary_without_metrics_or_events),
        cmocka_unit_test(test_format_money_bytes_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
