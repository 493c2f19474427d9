/* test_expect.c - expectations against hand-made runs: verdicts, filters, messages, the
 * report's counts and lines, and the JUnit XML.
 *
 * Runs are built by hand with only the metrics a test is about, so that "the run has no such
 * metric" is as easy to set up as a value. The JUnit document is read back by a tiny XML
 * checker below (tags nest and close, attribute values hold only known entities and no raw
 * '<' or '&', nothing but blanks between elements, every byte is valid UTF-8) that also
 * counts elements and decodes attributes, so the test needs no XML library. */
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
#include <unistd.h>

#include "expect.h"

/* --- fixtures ------------------------------------------------------------------------- */

#define MAX_METRICS 8

typedef struct fixture_run {
    run_result r;
    run_metric metrics[MAX_METRICS];
} fixture_run;

static void run_init(fixture_run *f, const char *pattern)
{
    memset(f, 0, sizeof *f);
    f->r.pattern = pattern;
    f->r.seed = 1;
    f->r.metrics = f->metrics;
}

static void put(fixture_run *f, run_scope scope, const char *key, const char *name, double v)
{
    assert_true(f->r.nmetrics < MAX_METRICS);
    f->metrics[f->r.nmetrics++] = (run_metric){ scope, key, name, v };
}

static scn_expect max_of(const char *metric, double max)
{
    return (scn_expect){ .metric = (char *)metric, .has_max = true, .max = max };
}

static scn_expect min_of(const char *metric, double min)
{
    return (scn_expect){ .metric = (char *)metric, .has_min = true, .min = min };
}

static scn_expect equals_of(const char *metric, double v)
{
    return (scn_expect){ .metric = (char *)metric, .has_equals = true, .equals = v };
}

static const char *message(const expect_case *c)
{
    static char buf[EXPECT_TEXT_MAX];
    expect_case_message(c, buf, sizeof buf);
    return buf;
}

static const char *describe(const scn_expect *x)
{
    static char buf[EXPECT_TEXT_MAX];
    expect_describe(x, buf, sizeof buf);
    return buf;
}

/* Everything f printed so far, as a string the caller frees. */
static char *slurp(FILE *f)
{
    assert_int_equal(fflush(f), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    return buf;
}

/* --- bounds --------------------------------------------------------------------------- */

static void test_expect_max_passes_and_fails(void **state)
{
    (void)state;
    fixture_run f;
    run_init(&f, "active-active");
    put(&f, RUN_SCOPE_ALL, "", "p99_ms", 212.4);
    scn_expect ok = max_of("p99_ms", 250), tight = max_of("p99_ms", 200);

    expect_case c = expect_eval(&ok, &f.r);
    assert_int_equal(c.status, EXPECT_PASS);
    assert_true(c.measured == 212.4);
    assert_string_equal(message(&c), "measured 212.4");
    assert_string_equal(describe(&ok), "p99_ms <= 250");

    c = expect_eval(&tight, &f.r);
    assert_int_equal(c.status, EXPECT_FAIL);
    assert_string_equal(message(&c), "measured 212.4, expected <= 200");

    scn_expect at = max_of("p99_ms", 212.4); /* the bound itself passes */
    assert_int_equal(expect_eval(&at, &f.r).status, EXPECT_PASS);
}

static void test_expect_min_and_range(void **state)
{
    (void)state;
    fixture_run f;
    run_init(&f, "p");
    put(&f, RUN_SCOPE_ALL, "", "availability", 0.9995);
    scn_expect x = min_of("availability", 0.999);
    assert_int_equal(expect_eval(&x, &f.r).status, EXPECT_PASS);
    x.min = 0.9999;
    expect_case c = expect_eval(&x, &f.r);
    assert_int_equal(c.status, EXPECT_FAIL);
    assert_string_equal(message(&c), "measured 0.9995, expected >= 0.9999");

    scn_expect range
        = { .metric = "availability", .has_min = true, .min = 0.99, .has_max = true, .max = 0.999 };
    assert_string_equal(describe(&range), "availability >= 0.99 and <= 0.999");
    c = expect_eval(&range, &f.r);
    assert_int_equal(c.status, EXPECT_FAIL);
    assert_string_equal(message(&c), "measured 0.9995, expected >= 0.99 and <= 0.999");
}

static void test_expect_equals_is_exact(void **state)
{
    (void)state;
    fixture_run f;
    run_init(&f, "p");
    put(&f, RUN_SCOPE_ALL, "", "lost_writes", 0);
    put(&f, RUN_SCOPE_ALL, "", "conflicts", 1e-9);
    scn_expect lost = equals_of("lost_writes", 0), conflicts = equals_of("conflicts", 0);
    assert_string_equal(describe(&lost), "lost_writes == 0");
    assert_int_equal(expect_eval(&lost, &f.r).status, EXPECT_PASS);
    expect_case c = expect_eval(&conflicts, &f.r);
    assert_int_equal(c.status, EXPECT_FAIL); /* no tolerance, however small */
    assert_string_equal(message(&c), "measured 1e-09, expected == 0");
}

/* A failing value is never printed so that it looks as if it met its bound. */
static void test_expect_measured_has_the_digits_to_tell(void **state)
{
    (void)state;
    fixture_run f;
    run_init(&f, "p");
    put(&f, RUN_SCOPE_ALL, "", "availability", 0.99899999999);
    scn_expect  x = min_of("availability", 0.999);
    expect_case c = expect_eval(&x, &f.r);
    assert_int_equal(c.status, EXPECT_FAIL);
    assert_string_equal(message(&c), "measured 0.99899999999, expected >= 0.999");
}

static void test_expect_nan_measures_nothing(void **state)
{
    (void)state;
    fixture_run f;
    run_init(&f, "p");
    put(&f, RUN_SCOPE_ALL, "", "detect_s", NAN);
    scn_expect checks[]
        = { max_of("detect_s", 20), min_of("detect_s", 0), equals_of("detect_s", 0) };
    for (size_t i = 0; i < 3; i++) {
        expect_case c = expect_eval(&checks[i], &f.r);
        assert_int_equal(c.status, EXPECT_FAIL);
        assert_true(isnan(c.measured));
        assert_non_null(strstr(message(&c), "measured nothing, expected "));
    }
}

/* --- filters -------------------------------------------------------------------------- */

static void test_expect_pattern_filter(void **state)
{
    (void)state;
    fixture_run a, b;
    run_init(&a, "active-active");
    run_init(&b, "read-local");
    scn_expect any = max_of("p99_ms", 1), one = max_of("p99_ms", 1);
    one.pattern = "read-local";
    assert_true(expect_applies(&any, &a.r) && expect_applies(&any, &b.r));
    assert_false(expect_applies(&one, &a.r));
    assert_true(expect_applies(&one, &b.r));
}

static void test_expect_op_and_region_pick_their_scope(void **state)
{
    (void)state;
    fixture_run f;
    run_init(&f, "p");
    put(&f, RUN_SCOPE_ALL, "", "p99_ms", 500);
    put(&f, RUN_SCOPE_OP, "read", "p99_ms", 5);
    put(&f, RUN_SCOPE_OP, "write", "p99_ms", 300);
    put(&f, RUN_SCOPE_REGION, "us-east-1", "p99_ms", 7);
    put(&f, RUN_SCOPE_REGION, "eu-west-1", "p99_ms", 400);

    scn_expect x = max_of("p99_ms", 250);
    assert_true(expect_eval(&x, &f.r).measured == 500);
    x.op = "write";
    assert_string_equal(describe(&x), "p99_ms{op=write} <= 250");
    expect_case c = expect_eval(&x, &f.r);
    assert_true(c.measured == 300);
    assert_int_equal(c.status, EXPECT_FAIL);
    x.op = "read";
    assert_true(expect_eval(&x, &f.r).measured == 5);
    x.op = NULL;
    x.region = "us-east-1";
    assert_string_equal(describe(&x), "p99_ms{region=us-east-1} <= 250");
    c = expect_eval(&x, &f.r);
    assert_int_equal(c.status, EXPECT_PASS);
    assert_true(c.measured == 7);
    x.region = "eu-west-1";
    assert_true(expect_eval(&x, &f.r).measured == 400);

    /* Both: no run has figures per operation per region, so never a silent pass. */
    x.op = "read";
    c = expect_eval(&x, &f.r);
    assert_int_equal(c.status, EXPECT_ERROR);
    assert_non_null(strstr(message(&c), "not both"));
}

/* --- unknown metrics ------------------------------------------------------------------ */

static void test_expect_unknown_metric_is_an_error(void **state)
{
    (void)state;
    fixture_run f;
    run_init(&f, "p");
    put(&f, RUN_SCOPE_ALL, "", "p99_ms", 1);
    put(&f, RUN_SCOPE_ALL, "", "detect_s", 3);
    scn_expect  typo = max_of("p99ms", 250);
    expect_case c = expect_eval(&typo, &f.r);
    assert_int_equal(c.status, EXPECT_ERROR);
    assert_true(isnan(c.measured));
    assert_string_equal(message(&c), "unknown metric \"p99ms\"");

    scn_expect per_op = max_of("detect_s", 20); /* whole-run only */
    per_op.op = "read";
    c = expect_eval(&per_op, &f.r);
    assert_int_equal(c.status, EXPECT_ERROR);
    assert_string_equal(message(&c), "unknown metric \"detect_s\" for op=read");
}

/* --- the report ----------------------------------------------------------------------- */

static scn_expect report_expects[] = {
    { .metric = "availability", .has_min = true, .min = 0.99 },
    { .metric = "p99ms", .has_max = true, .max = 250 },
    { .metric = "lost_writes", .pattern = "merge", .has_equals = true, .equals = 0 },
    { .metric = "p99_ms", .op = "write", .has_max = true, .max = 250 },
};

static scn_scenario report_scenario = {
    .file = "scenarios/x.json",
    .name = "x",
    .expects = report_expects,
    .nexpects = 4,
};

static void report_runs(fixture_run *lww, fixture_run *merge)
{
    run_init(lww, "lww");
    run_init(merge, "merge");
    put(lww, RUN_SCOPE_ALL, "", "availability", 0.98);
    put(lww, RUN_SCOPE_ALL, "", "lost_writes", 4);
    put(lww, RUN_SCOPE_OP, "write", "p99_ms", 212.4);
    put(merge, RUN_SCOPE_ALL, "", "availability", 1);
    put(merge, RUN_SCOPE_ALL, "", "lost_writes", 0);
    put(merge, RUN_SCOPE_OP, "write", "p99_ms", 300);
}

static void test_expect_report_lines_and_counts(void **state)
{
    (void)state;
    fixture_run lww, merge;
    report_runs(&lww, &merge);
    const run_result *runs[] = { &lww.r, &merge.r };
    expect_report    *rep = NULL;
    assert_int_equal(expect_report_new(&rep), 0);
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(expect_report_check(rep, &report_scenario, runs, 2, out, false), 0);
    char       *text = slurp(out);
    const char *want
        = "FAIL  scenarios/x.json  [lww] availability >= 0.99  (measured 0.98, expected >= 0.99)\n"
          "PASS  scenarios/x.json  [merge] availability >= 0.99  (measured 1)\n"
          "ERROR scenarios/x.json  [lww] p99ms <= 250  (unknown metric \"p99ms\")\n"
          "ERROR scenarios/x.json  [merge] p99ms <= 250  (unknown metric \"p99ms\")\n"
          "PASS  scenarios/x.json  [merge] lost_writes == 0  (measured 0)\n"
          "PASS  scenarios/x.json  [lww] p99_ms{op=write} <= 250  (measured 212.4)\n"
          "FAIL  scenarios/x.json  [merge] p99_ms{op=write} <= 250  (measured 300, expected <= "
          "250)\n";
    assert_string_equal(text, want);
    free(text);
    fclose(out);
    /* The unknown metric counts as failed, never as passed. */
    assert_int_equal(expect_report_passed(rep), 3);
    assert_int_equal(expect_report_failed(rep), 4);

    /* Quiet: failures only. */
    out = tmpfile();
    assert_non_null(out);
    assert_int_equal(expect_report_check(rep, &report_scenario, runs, 2, out, true), 0);
    text = slurp(out);
    assert_null(strstr(text, "PASS"));
    assert_non_null(strstr(text, "FAIL  scenarios/x.json  [lww] availability"));
    free(text);
    fclose(out);
    assert_int_equal(expect_report_passed(rep), 6);
    assert_int_equal(expect_report_failed(rep), 8);
    expect_report_free(rep);
}

/* --- JUnit ---------------------------------------------------------------------------- */

/* What the checker found in a document. */
typedef struct xml_summary {
    int  testsuites, testsuite, testcase, failure, error;
    char suites_tests[16], suites_failures[16]; /* <testsuites> attributes */
    char suite_name[64][256];                   /* each <testsuite>'s name, decoded */
    char suite_tests[64][16], suite_failures[64][16];
    char classname[256]; /* the first <testcase>'s, decoded */
} xml_summary;

/* Decode the entities of an attribute value of len bytes into out; fails on an unknown one. */
static void decode_attr(const char *v, size_t len, char *out, size_t n)
{
    static const struct {
        const char *ent;
        char        ch;
    } ents[] = {
        { "&amp;", '&' },   { "&lt;", '<' },  { "&gt;", '>' },   { "&quot;", '"' },
        { "&apos;", '\'' }, { "&#9;", '\t' }, { "&#10;", '\n' }, { "&#13;", '\r' },
    };
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        assert_true(o + 5 < n);
        assert_true(v[i] != '<');
        if (v[i] != '&') {
            out[o++] = v[i++];
            continue;
        }
        bool known = false;
        for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !known; k++) {
            size_t el = strlen(ents[k].ent);
            if (i + el <= len && strncmp(v + i, ents[k].ent, el) == 0) {
                out[o++] = ents[k].ch;
                i += el;
                known = true;
            }
        }
        if (!known && i + 8 <= len && strncmp(v + i, "&#xFFFD;", 8) == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += 8;
            known = true;
        }
        if (!known)
            fail_msg("unknown entity at \"%.10s\"", v + i);
    }
    out[o] = '\0';
}

/* Every byte sequence is valid UTF-8 (no control characters but tab, LF, CR). */
static void check_utf8(const unsigned char *s)
{
    while (*s) {
        if (*s < 0x80) {
            assert_true(*s >= 0x20 || *s == '\n' || *s == '\t' || *s == '\r');
            s++;
            continue;
        }
        int len = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : *s >= 0xC2 ? 2 : 0;
        assert_true(len > 0 && *s <= 0xF4);
        for (int i = 1; i < len; i++)
            assert_int_equal(s[i] & 0xC0, 0x80);
        s += len;
    }
}

static void copy(char *dest, size_t n, const char *value)
{
    assert_true(strlen(value) < n);
    memcpy(dest, value, strlen(value) + 1);
}

static void parse_xml(const char *doc, xml_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    check_utf8((const unsigned char *)doc);
    const char *p = doc;
    const char *decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    assert_memory_equal(p, decl, strlen(decl));
    p += strlen(decl);
    char stack[8][32];
    int  depth = 0;
    bool root_seen = false;
    while (*p) {
        if (*p == ' ' || *p == '\n') {
            p++;
            continue;
        }
        assert_int_equal(*p, '<'); /* no text content in this vocabulary */
        p++;
        if (*p == '/') { /* a closing tag: matches the open one */
            p++;
            size_t len = strcspn(p, ">");
            assert_true(depth > 0);
            depth--;
            assert_int_equal(len, strlen(stack[depth]));
            assert_memory_equal(p, stack[depth], len);
            p += len + 1;
            continue;
        }
        size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz");
        assert_true(len > 0 && len < 32);
        char name[32];
        memcpy(name, p, len);
        name[len] = '\0';
        p += len;
        assert_true(depth > 0 || !root_seen); /* one root element */
        root_seen = true;
        int *count = strcmp(name, "testsuites") == 0 ? &sum->testsuites
            : strcmp(name, "testsuite") == 0         ? &sum->testsuite
            : strcmp(name, "testcase") == 0          ? &sum->testcase
            : strcmp(name, "failure") == 0           ? &sum->failure
            : strcmp(name, "error") == 0             ? &sum->error
                                                     : NULL;
        assert_non_null(count);
        (*count)++;
        for (;;) { /* attributes: name="value" */
            while (*p == ' ')
                p++;
            if (*p == '>' || *p == '/')
                break;
            size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyz");
            assert_true(an > 0);
            const char *attr = p;
            p += an;
            assert_int_equal(*p++, '=');
            assert_int_equal(*p++, '"');
            size_t vl = strcspn(p, "\"<");
            assert_int_equal(p[vl], '"');
            char value[512];
            decode_attr(p, vl, value, sizeof value);
#define ATTR(el, a, dest)                                                                          \
    if (strcmp(name, el) == 0 && an == strlen(a) && strncmp(attr, a, an) == 0)                     \
        copy(dest, sizeof dest, value);
            int s = sum->testsuite - 1;
            ATTR("testsuites", "tests", sum->suites_tests)
            ATTR("testsuites", "failures", sum->suites_failures)
            if (s >= 0 && s < 64) {
                ATTR("testsuite", "name", sum->suite_name[s])
                ATTR("testsuite", "tests", sum->suite_tests[s])
                ATTR("testsuite", "failures", sum->suite_failures[s])
            }
            if (sum->testcase == 1 && !sum->classname[0])
                ATTR("testcase", "classname", sum->classname)
#undef ATTR
            p += vl + 1;
        }
        if (*p == '/') {
            assert_int_equal(p[1], '>');
            p += 2;
        } else {
            p++;
            assert_true(depth < 8);
            snprintf(stack[depth++], sizeof stack[0], "%s", name);
        }
    }
    assert_int_equal(depth, 0);
    assert_true(root_seen);
}

static void test_expect_junit_escapes_and_counts(void **state)
{
    (void)state;
    fixture_run lww, merge;
    report_runs(&lww, &merge);
    const run_result *runs[] = { &lww.r, &merge.r };
    /* A name with every character XML cares about, a control character, a valid accented
     * letter and a byte that is not UTF-8. */
    scn_scenario s = report_scenario;
    s.name = "a&b <c> \"d\" 'e'\x01\tf caf\xC3\xA9 \xFF!";
    s.file = "scenarios/<odd>&.json";
    expect_report *rep = NULL;
    assert_int_equal(expect_report_new(&rep), 0);
    FILE *sink = tmpfile();
    assert_non_null(sink);
    assert_int_equal(expect_report_check(rep, &s, runs, 2, sink, false), 0);
    assert_int_equal(expect_report_check(rep, &report_scenario, runs, 1, sink, true), 0);
    assert_int_equal(
        expect_report_error(rep, "broken.json", "load", "invalid JSON at line 3, column 14"), 0);
    fclose(sink);

    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_equal(expect_report_write_junit(rep, out), 0);
    char *doc = slurp(out);
    fclose(out);
    xml_summary sum;
    parse_xml(doc, &sum);
    assert_int_equal(sum.testsuites, 1);
    assert_int_equal(sum.testsuite, 3);
    /* 7 cases, then 4 of the lww run alone (lost_writes is merge's), then the load error. */
    assert_int_equal(sum.testcase, 7 + 4 + 1);
    assert_int_equal(sum.failure, 4 + 3);
    assert_int_equal(sum.error, 1);
    assert_string_equal(sum.suites_tests, "12");
    assert_string_equal(sum.suites_failures, "7");
    assert_string_equal(sum.suite_name[0], "scenarios/<odd>&.json");
    assert_string_equal(sum.suite_tests[0], "7");
    assert_string_equal(sum.suite_failures[0], "4");
    assert_string_equal(sum.suite_name[1], "scenarios/x.json");
    assert_string_equal(sum.suite_tests[1], "4");
    assert_string_equal(sum.suite_failures[1], "3");
    assert_string_equal(sum.suite_name[2], "broken.json");
    assert_string_equal(sum.classname,
                        "a&b <c> \"d\" 'e'\xEF\xBF\xBD\tf caf\xC3\xA9 \xEF\xBF\xBD!");
    /* The failure message as the brief has it, escaped. */
    assert_non_null(strstr(doc, "<failure message=\"measured 300, expected &lt;= 250\"/>"));
    assert_non_null(strstr(doc, "<error message=\"invalid JSON at line 3, column 14\"/>"));
    free(doc);
    expect_report_free(rep);
}

static void test_expect_junit_save_is_atomic(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_expect_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], missing[128];
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    snprintf(missing, sizeof missing, "%s/no/such/dir/junit.xml", dir);

    fixture_run lww, merge;
    report_runs(&lww, &merge);
    const run_result *runs[] = { &lww.r, &merge.r };
    expect_report    *rep = NULL;
    assert_int_equal(expect_report_new(&rep), 0);
    FILE *sink = tmpfile();
    assert_int_equal(expect_report_check(rep, &report_scenario, runs, 2, sink, false), 0);
    fclose(sink);

    FILE *old = fopen(path, "w"); /* replaced, not appended to */
    assert_non_null(old);
    fputs("old contents\n", old);
    fclose(old);
    sim_err err = { 0 };
    assert_int_equal(expect_report_save_junit(rep, path, &err), 0);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    char *saved = calloc(1, 1 << 16);
    assert_non_null(saved);
    size_t got = fread(saved, 1, (1 << 16) - 1, in);
    assert_true(got > 0 && got < (1 << 16) - 1);
    fclose(in);
    FILE *mem = tmpfile();
    expect_report_write_junit(rep, mem);
    char *want = slurp(mem);
    fclose(mem);
    assert_string_equal(saved, want);
    free(saved);
    free(want);

    /* Only the report is left in the directory: no temporary file. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = junit.xml", dir);
    assert_int_equal(system(cmd), 0);

    assert_int_equal(expect_report_save_junit(rep, missing, &err), SIM_EIO);
    assert_string_equal(err.file, missing);
    assert_non_null(strstr(err.msg, "JUnit"));

    expect_report_free(rep);
    unlink(path);
    rmdir(dir);
}

/* Cases added beside the expectations (baseline comparisons) go to the last suite, count in
 * JUnit as tests and failures, and not in the expectation counts. */
static void test_expect_added_cases_in_junit(void **state)
{
    (void)state;
    fixture_run lww, merge;
    report_runs(&lww, &merge);
    const run_result *runs[] = { &lww.r, &merge.r };
    expect_report    *rep = NULL;
    assert_int_equal(expect_report_new(&rep), 0);
    FILE *sink = tmpfile();
    assert_int_equal(expect_report_check(rep, &report_scenario, runs, 2, sink, true), 0);
    fclose(sink);
    size_t passed = expect_report_passed(rep), failed = expect_report_failed(rep);
    assert_int_equal(expect_report_add_case(rep, "[lww] baseline", NULL), 0);
    assert_int_equal(expect_report_add_case(rep, "[merge] baseline p99_ms",
                                            "baseline 10, now 20, +100.00% (tolerance 5%)"),
                     0);
    assert_int_equal(expect_report_passed(rep), passed);
    assert_int_equal(expect_report_failed(rep), failed);

    FILE *out = tmpfile();
    assert_int_equal(expect_report_write_junit(rep, out), 0);
    char *doc = slurp(out);
    fclose(out);
    xml_summary sum;
    parse_xml(doc, &sum);
    assert_int_equal(sum.testsuite, 1);
    char want[16];
    snprintf(want, sizeof want, "%zu", passed + failed + 2);
    assert_string_equal(sum.suite_tests[0], want);
    snprintf(want, sizeof want, "%zu", failed + 1);
    assert_string_equal(sum.suite_failures[0], want);
    assert_non_null(strstr(doc, "name=\"[lww] baseline\"/>"));
    assert_non_null(strstr(doc,
                           "name=\"[merge] baseline p99_ms\">\n      <failure message="
                           "\"baseline 10, now 20, +100.00% (tolerance 5%)\"/>"));
    free(doc);
    expect_report_free(rep);
}

/* The interval form used by sweeps: min against the low end, max against the high end. */
static void test_expect_meets_ci_takes_the_whole_interval(void **state)
{
    (void)state;
    scn_expect mx = max_of("p99_ms", 200), mn = min_of("availability", 0.999);
    assert_true(expect_meets_ci(&mx, 150, 200));
    assert_false(expect_meets_ci(&mx, 150, 200.5)); /* the mean passes, the bound not */
    assert_true(expect_meets(&mx, 175));
    assert_true(expect_meets_ci(&mn, 0.999, 1));
    assert_false(expect_meets_ci(&mn, 0.9989, 1));
    assert_false(expect_meets_ci(&mx, NAN, NAN));
    scn_expect eq = equals_of("lost_writes", 0);
    assert_true(expect_meets_ci(&eq, 0, 0));
    assert_false(expect_meets_ci(&eq, 0, 1));
    run_scope   scope;
    const char *key;
    scn_expect  w = max_of("p99_ms", 1);
    w.op = "write";
    assert_true(expect_scope(&w, &scope, &key));
    assert_int_equal(scope, RUN_SCOPE_OP);
    assert_string_equal(key, "write");
    w.region = "eu-west-1";
    assert_false(expect_scope(&w, &scope, &key));
    w.op = NULL;
    assert_true(expect_scope(&w, &scope, &key));
    assert_int_equal(scope, RUN_SCOPE_REGION);
    assert_string_equal(key, "eu-west-1");
}

/* Several seeds: the bound applies to the mean, or with "bound": "ci" to the whole interval
 * (a mean of 9.9 +- 0.2 meets "<= 10" but not "<= 10 (95% CI)"). */
static void test_expect_seeds_mean_or_interval(void **state)
{
    (void)state;
    fixture_run mean, ci;
    run_init(&mean, "p");
    run_init(&ci, "p");
    put(&mean, RUN_SCOPE_ALL, "", "p99_ms", 9.9);
    put(&ci, RUN_SCOPE_ALL, "", "p99_ms", 0.2);
    scn_expect x[2] = { max_of("p99_ms", 10), max_of("p99_ms", 10) };
    x[1].bound_ci = true;
    scn_scenario      s = { .file = "s.json", .name = "s", .expects = x, .nexpects = 2 };
    const run_result *runs[] = { &mean.r }, *cis[] = { &ci.r };
    expect_report    *rep = NULL;
    assert_int_equal(expect_report_new(&rep), 0);
    FILE *out = tmpfile();
    assert_int_equal(expect_report_check_seeds(rep, &s, runs, cis, 1, 5, out, false), 0);
    char *text = slurp(out);
    fclose(out);
    assert_int_equal(expect_report_passed(rep), 1);
    assert_int_equal(expect_report_failed(rep), 1);
    assert_non_null(strstr(text, "PASS  s.json  [p] p99_ms <= 10  (mean 9.9 +- 0.2 over 5 seeds)"));
    assert_non_null(strstr(text,
                           "FAIL  s.json  [p] p99_ms <= 10 (95% CI)  (mean 9.9 +- 0.2 over "
                           "5 seeds, expected <= 10)"));
    free(text);
    expect_report_free(rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expect_max_passes_and_fails),
        cmocka_unit_test(test_expect_meets_ci_takes_the_whole_interval),
        cmocka_unit_test(test_expect_min_and_range),
        cmocka_unit_test(test_expect_equals_is_exact),
        cmocka_unit_test(test_expect_measured_has_the_digits_to_tell),
        cmocka_unit_test(test_expect_nan_measures_nothing),
        cmocka_unit_test(test_expect_pattern_filter),
        cmocka_unit_test(test_expect_op_and_region_pick_their_scope),
        cmocka_unit_test(test_expect_unknown_metric_is_an_error),
        cmocka_unit_test(test_expect_report_lines_and_counts),
        cmocka_unit_test(test_expect_junit_escapes_and_counts),
        cmocka_unit_test(test_expect_junit_save_is_atomic),
        cmocka_unit_test(test_expect_added_cases_in_junit),
        cmocka_unit_test(test_expect_seeds_mean_or_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
