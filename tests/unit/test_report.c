/* test_report.c - the HTML report: escaping of text from scenario files, and the page's
 * structure on small runs built in code (world_fixture.h), stored in a temporary database
 * and reported with the real gnuplot: one inline <svg> per plot, the sections, the
 * comparison table, the events, no script, and hostile names present only as text.
 *
 * gnuplot is required (gnuplot-nox, in .ci/deps), as for test_plot. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "report.h"
#include "run.h"
#include "world_fixture.h"
#include "outage_fixture.h"

static int setup(void **state) { return tfix_setup(state, "report", "report.html"); }
static int teardown(void **state) { return tfix_teardown(state); }

/* report_html_escape(s) as a string. */
static const char *escaped(const char *s)
{
    static char buf[1024];
    memset(buf, 0, sizeof buf);
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    assert_non_null(f);
    report_html_escape(f, s);
    fclose(f);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("missing %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int report_ok(const char *db_path, const report_options *o)
{
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(db_path, &db, &err), 0);
    int rc = report_write(db, o, &err);
    db_close(db);
    if (rc < 0)
        fail_msg("report_write: %s: %s", err.file, err.msg);
    return rc;
}

/* Only the database and the report are left in dir: no temporary page or plot folder. */
static void no_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "results.db")
            && strcmp(e->d_name, "report.html"))
            fail_msg("left behind in %s: %s", dir, e->d_name);
    closedir(d);
}

/* --- tests ---------------------------------------------------------------------------- */

static void test_report_escape_markup_quotes_and_bad_bytes(void **state)
{
    (void)state;
    assert_string_equal(escaped("</pre><script>alert('x')</script> & \"q\""),
                        "&lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
                        "&quot;q&quot;");
    /* Tabs and newlines stay (the scenario's text is shown in <pre>); other control
     * characters and DEL do not. */
    assert_string_equal(escaped("a\tb\nc\x01\x7f"), "a\tb\nc&#xFFFD;&#xFFFD;");
    /* Valid UTF-8 passes; a stray continuation byte, a truncated sequence, an overlong
     * form, a surrogate and a code point past U+10FFFF do not. */
    assert_string_equal(escaped("caf\xc3\xa9 \xc2\xb1 \xe2\x82\xac \xf0\x9f\x98\x80"),
                        "caf\xc3\xa9 \xc2\xb1 \xe2\x82\xac \xf0\x9f\x98\x80");
    assert_string_equal(escaped("\x80|\xc3|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80"),
                        "&#xFFFD;|&#xFFFD;|&#xFFFD;&#xFFFD;|&#xFFFD;&#xFFFD;&#xFFFD;|"
                        "&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;");
    assert_string_equal(escaped(""), "");
}

static void test_report_page_structure(void **state)
{
    tfix   *t = *state;
    fixture f;
    store_outage_runs(&f, t->db, 2);
    report_options o = { .out_path = t->out };
    int            n = report_ok(t->db, &o);
    /* Per pattern latency, availability and consistency; then the CDF, the t-visibility
     * curve and the comparison. */
    assert_int_equal(n, 9);
    char *page = slurp(t->out);
    assert_memory_equal(page, "<!DOCTYPE html>\n<html lang=\"en\">", 31);
    assert_non_null(strstr(page, "</body>\n</html>\n"));
    assert_int_equal(count(page, "<svg"), 9);
    assert_int_equal(count(page, "</svg>"), 9);
    assert_int_equal(count(page, "<figure id=\"plot-"), 9);
    assert_int_equal(count(page, "<?xml"), 0); /* the SVGs' prologs were cut */
    assert_int_equal(count(page, "<script"), 0);
    assert_non_null(strstr(page, "Content-Security-Policy"));
    for (const char *const *id
         = (const char *const[]){ "id=\"scenario\"", "id=\"comparison-table\"", "id=\"plots\"",
                                  "id=\"events\"", "id=\"plot-latency-independent\"",
                                  "id=\"plot-consistency-active-active\"", "id=\"plot-cdf\"",
                                  "id=\"plot-visibility\"", "id=\"plot-compare\"", NULL };
         *id; id++)
        if (!strstr(page, *id))
            fail_msg("the page lacks %s", *id);
    /* The table: a column per pattern, with several seeds the interval. */
    assert_non_null(strstr(page, "<th>independent</th><th>active-active</th>"));
    assert_non_null(strstr(page, "<tr><td class=\"l\">availability</td>"));
    assert_non_null(strstr(page, " ±"));
    assert_non_null(strstr(page, "seeds 1 to 2"));
    /* The events of each pattern's first seed. */
    assert_int_equal(count(page, "<td class=\"l\">fault_start</td>"), 2);
    assert_int_equal(count(page, "<td class=\"l\">region_down r0</td>"), 4);
    free(page);
    no_leftovers(t->dir);

    /* --run: one run, its three plots over time, the CDF, the t-visibility curve and the
     * comparison. */
    o.run_id = 3;
    assert_int_equal(report_ok(t->db, &o), 6);
    no_leftovers(t->dir);
}

static void test_report_hostile_names_are_only_text(void **state)
{
    tfix   *t = *state;
    fixture f;
    char    marker[128], name[512], text[512];
    snprintf(marker, sizeof marker, "%s/pwned", t->dir);
    snprintf(name, sizeof name,
             "</title></h1><script>alert(1)</script>'; system('touch %s')\n"
             "<img src=x onerror=alert(2)>",
             marker);
    snprintf(text, sizeof text, "{\"name\": \"</pre><script>alert(3)</script>\"} & more");
    fixture_init(&f, 2, 4);
    f.s.name = name;
    f.s.text = text;
    f.s.text_len = strlen(text);
    f.s.duration = 4 * SIM_S;
    f.regions[1].name = "<b>r1</b>";
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(t->db, &db, &err), 0);
    run_result *r = NULL;
    assert_int_equal(run_scenario(&f.s, NULL, &r, &err), 0);
    static const db_run_info info = { .started = "2024-05-01T00:00:00.000Z", .version = "t" };
    assert_int_equal(db_write_run(db, r, &info, NULL, &err), 0);
    run_result_free(r);
    db_close(db);

    report_options o = { .out_path = t->out };
    assert_int_equal(report_ok(t->db, &o), 5);
    assert_int_not_equal(access(marker, F_OK), 0);
    char *page = slurp(t->out);
    assert_int_equal(count(page, "<script"), 0);
    assert_int_equal(count(page, "<img"), 0);
    assert_int_equal(count(page, "<b>r1"), 0);
    assert_non_null(strstr(page, "&lt;/title&gt;&lt;/h1&gt;&lt;script&gt;alert(1)"));
    assert_non_null(strstr(page,
                           "&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;"
                           "&quot;} &amp; more"));
    /* The structure around them is intact. */
    const char *title = strstr(page, "<title>mrsim report: ");
    assert_non_null(title);
    const char *title_end = strstr(title, "</title>");
    assert_non_null(title_end);
    assert_null(memchr(title + 1, '<', (size_t)(title_end - title - 1)));
    assert_int_equal(count(page, "<svg"), 5);
    free(page);
}

static void test_report_no_runs_writes_nothing(void **state)
{
    tfix   *t = *state;
    fixture f;
    store_outage_runs(&f, t->db, 2);
    db_conn *db = NULL;
    sim_err  err = { 0 };
    assert_int_equal(db_open(t->db, &db, &err), 0);
    report_options o = { .out_path = t->out, .scenario = "nope" };
    assert_int_equal(report_write(db, &o, &err), SIM_ENOENT);
    assert_non_null(strstr(err.msg, "no runs of scenario \"nope\""));
    o = (report_options){ .out_path = t->out, .run_id = 99 };
    assert_int_equal(report_write(db, &o, &err), SIM_ENOENT);
    char bad[256];
    snprintf(bad, sizeof bad, "%s/no/such/dir/report.html", t->dir);
    o = (report_options){ .out_path = bad };
    assert_int_equal(report_write(db, &o, &err), SIM_EIO);
    db_close(db);
    assert_int_not_equal(access(t->out, F_OK), 0);
    no_leftovers(t->dir);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_escape_markup_quotes_and_bad_bytes),
        T(test_report_page_structure),
        T(test_report_hostile_names_are_only_text),
        T(test_report_no_runs_writes_nothing),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
