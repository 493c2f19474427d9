/* expect.c - expectations against runs: the verdicts, the lines a person reads and the
 * JUnit XML a CI server reads.
 *
 * A verdict is computed once, in expect_eval(), and everything else formats it: the line, the
 * JUnit failure message and the counts all come from the same expect_case, so they can never
 * disagree. The report keeps copies of the few strings it needs (file, scenario name, the
 * case's name and message) rather than pointers into scenarios and runs, so the CLI may free
 * each scenario's runs as soon as they are checked.
 *
 * The XML is written by hand, like every other document mrsim writes; libxml2 would be a
 * dependency for a dozen lines of output. Its one difficulty is escaping: user strings (file
 * names, pattern names, metric names) may hold anything, and XML 1.0 forbids most control
 * characters even as character references, so those become U+FFFD rather than "&#1;".
 *
 * The JUnit file is replaced atomically (temporary file, fsync, rename): CI jobs often
 * collect reports with globs, and a half-written file would fail the job's report parser
 * rather than show the results. */
#include "expect.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "table.h"

/* --- numbers -------------------------------------------------------------------------- */

/* A bound: the fewest digits that read back as the same double ("0.999", not
 * "0.99899999999999999911"). */
static void format_bound(double v, char *buf, size_t n)
{
    snprintf(buf, n, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, n, "%.17g", v);
}

bool expect_meets_ci(const scn_expect *x, double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        return false;
    if (x->has_min && !(lo >= x->min))
        return false;
    if (x->has_max && !(hi <= x->max))
        return false;
    if (x->has_equals && !(lo == x->equals && hi == x->equals))
        return false;
    return true;
}

bool expect_meets(const scn_expect *x, double v)
{
    if (isnan(v))
        return false; /* nothing measured meets no bound */
    if (x->has_min && !(v >= x->min))
        return false;
    if (x->has_max && !(v <= x->max))
        return false;
    if (x->has_equals && !(v == x->equals))
        return false;
    return true;
}

/* A measured value: "%.10g" unless the printed number would get another verdict than the
 * value itself (a failing 0.99899999999 printed as "0.999" next to ">= 0.999"); then more
 * digits, up to 17, which always read back exactly. */
static void format_measured(const scn_expect *x, double v, char *buf, size_t n)
{
    bool verdict = expect_meets(x, v);
    for (int prec = 10; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (expect_meets(x, strtod(buf, NULL)) == verdict)
            return;
    }
}

/* --- one case ------------------------------------------------------------------------- */

bool expect_applies(const scn_expect *x, const run_result *r)
{
    return !x->pattern || strcmp(x->pattern, r->pattern) == 0;
}

bool expect_scope(const scn_expect *x, run_scope *scope, const char **key)
{
    *scope = RUN_SCOPE_ALL;
    *key = "";
    if (!!x->op + !!x->region + !!x->client > 1)
        return false; /* no run has figures per operation per region (the loader refuses) */
    if (x->op) {
        *scope = RUN_SCOPE_OP;
        *key = x->op;
    } else if (x->region) {
        *scope = RUN_SCOPE_REGION;
        *key = x->region;
    } else if (x->client) {
        *scope = RUN_SCOPE_CLIENT;
        *key = x->client;
    }
    return true;
}

/* x against the mean r and its interval's half-width in ci (NULL: one run). */
static expect_case eval_seeds(const scn_expect *x, const run_result *r, const run_result *ci,
                              size_t nseeds)
{
    expect_case c = expect_eval(x, r);
    c.nseeds = nseeds;
    if (!ci || nseeds < 2 || c.status == EXPECT_ERROR)
        return c;
    run_scope   scope;
    const char *key;
    double      h = NAN;
    if (expect_scope(x, &scope, &key))
        run_metric_find(ci, scope, key, x->metric, &h);
    c.ci = h;
    if (x->bound_ci)
        c.status = expect_meets_ci(x, c.measured - h, c.measured + h) ? EXPECT_PASS : EXPECT_FAIL;
    return c;
}

expect_case expect_eval(const scn_expect *x, const run_result *r)
{
    expect_case c
        = { .x = x, .pattern = r->pattern, .status = EXPECT_ERROR, .measured = NAN, .nseeds = 1 };
    run_scope   scope;
    const char *key;
    if (!expect_scope(x, &scope, &key))
        return c;
    double v = NAN;
    if (!run_metric_find(r, scope, key, x->metric, &v))
        return c;
    c.measured = v;
    c.status = expect_meets(x, v) ? EXPECT_PASS : EXPECT_FAIL;
    return c;
}

/* Append to buf (of n bytes, holding a string) what fmt says, truncating: descriptions are
 * bounded by EXPECT_TEXT_MAX on purpose (a vsnprintf, which the compiler does not flag). */
static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

/* The bounds alone: ">= 1 and <= 40", "== 0". */
static void describe_bounds(const scn_expect *x, char *buf, size_t n)
{
    char        num[40];
    const char *sep = "";
    buf[0] = '\0';
    if (x->has_min) {
        format_bound(x->min, num, sizeof num);
        append(buf, n, "%s>= %s", sep, num);
        sep = " and ";
    }
    if (x->has_max) {
        format_bound(x->max, num, sizeof num);
        append(buf, n, "%s<= %s", sep, num);
        sep = " and ";
    }
    if (x->has_equals) {
        format_bound(x->equals, num, sizeof num);
        append(buf, n, "%s== %s", sep, num);
    }
}

/* The filters as "{op=read,region=eu-west-1}", or "" without any. */
static void describe_filters(const scn_expect *x, char *buf, size_t n)
{
    buf[0] = '\0';
    if (!x->op && !x->region && !x->client)
        return;
    append(buf, n, "{");
    if (x->op)
        append(buf, n, "op=%s%s", x->op, x->region || x->client ? "," : "");
    if (x->region)
        append(buf, n, "region=%s%s", x->region, x->client ? "," : "");
    if (x->client)
        append(buf, n, "client=%s", x->client);
    append(buf, n, "}");
}

void expect_describe(const scn_expect *x, char *buf, size_t n)
{
    char filters[EXPECT_TEXT_MAX], bounds[EXPECT_TEXT_MAX];
    describe_filters(x, filters, sizeof filters);
    describe_bounds(x, bounds, sizeof bounds);
    snprintf(buf, n, "%s%s %s%s", x->metric, filters, bounds, x->bound_ci ? " (95% CI)" : "");
}

void expect_case_message(const expect_case *c, char *buf, size_t n)
{
    const scn_expect *x = c->x;
    char              num[40], bounds[EXPECT_TEXT_MAX], filters[EXPECT_TEXT_MAX], ci[64] = "";
    if (c->nseeds > 1 && c->status != EXPECT_ERROR && !isnan(c->measured)) {
        char h[40];
        format_measured(x, c->ci, h, sizeof h);
        snprintf(ci, sizeof ci, " +- %s over %zu seeds", h, c->nseeds);
    }
    const char *what = c->nseeds > 1 ? "mean" : "measured";
    switch (c->status) {
    case EXPECT_PASS:
        format_measured(x, c->measured, num, sizeof num);
        snprintf(buf, n, "%s %s%s", what, num, ci);
        break;
    case EXPECT_FAIL:
        describe_bounds(x, bounds, sizeof bounds);
        if (isnan(c->measured))
            snprintf(num, sizeof num, "nothing");
        else
            format_measured(x, c->measured, num, sizeof num);
        snprintf(buf, n, "%s %s%s, expected %s", what, num, ci, bounds);
        break;
    case EXPECT_ERROR:
        if (x->op && x->region) {
            snprintf(buf, n,
                     "no metric \"%s\" per operation and region: runs have figures "
                     "per operation or per region; give \"op\" or \"region\", not both",
                     x->metric);
            break;
        }
        describe_filters(x, filters, sizeof filters);
        if (filters[0])
            snprintf(buf, n, "unknown metric \"%s\" for %.*s", x->metric, (int)strlen(filters) - 2,
                     filters + 1); /* without the braces */
        else
            snprintf(buf, n, "unknown metric \"%s\"", x->metric);
        break;
    }
}

static const char *status_word(expect_status s)
{
    static const char *const words[] = { "PASS", "FAIL", "ERROR" };
    return words[s];
}

/* "[pattern] description": the case's name in lines and in JUnit. */
static void case_name(const scn_expect *x, const char *pattern, char *buf, size_t n)
{
    char desc[EXPECT_TEXT_MAX];
    expect_describe(x, desc, sizeof desc);
    buf[0] = '\0';
    append(buf, n, "[%s] %s", pattern, desc); /* truncating a long name is fine */
}

/* One line from its parts, shared by cases and the scenario-level SKIP. */
static void print_line(FILE *out, const char *word, const char *file, const char *name,
                       const char *msg)
{
    fprintf(out, "%-5s ", word);
    table_put_text(out, file);
    fputs("  ", out);
    table_put_text(out, name);
    if (msg) {
        fputs("  (", out);
        table_put_text(out, msg);
        fputc(')', out);
    }
    fputc('\n', out);
}

void expect_case_print(FILE *out, const char *file, const expect_case *c)
{
    char name[EXPECT_TEXT_MAX], msg[EXPECT_TEXT_MAX];
    case_name(c->x, c->pattern, name, sizeof name);
    expect_case_message(c, msg, sizeof msg);
    print_line(out, status_word(c->status), file, name, msg);
}

/* --- the report ----------------------------------------------------------------------- */

typedef struct report_case {
    char         *name; /* "[pattern] description", or "load" */
    char         *msg;  /* failure or error message; NULL for a pass */
    expect_status status;
    bool          errored; /* could not be checked: <error> in JUnit */
} report_case;

typedef struct report_suite {
    char        *file;      /* the scenario's file: the suite's name */
    char        *classname; /* the scenario's name, or the file */
    report_case *cases;
    size_t       ncases, cap;
    size_t       failures, errors;
} report_suite;

struct expect_report {
    report_suite *suites;
    size_t        nsuites, cap;
    size_t        passed, failed; /* cases of expectations */
};

int expect_report_new(expect_report **out)
{
    *out = sim_calloc(1, sizeof **out);
    return *out ? 0 : SIM_ENOMEM;
}

void expect_report_free(expect_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->nsuites; i++) {
        report_suite *s = &rep->suites[i];
        for (size_t k = 0; k < s->ncases; k++) {
            sim_free(s->cases[k].name);
            sim_free(s->cases[k].msg);
        }
        sim_free(s->cases);
        sim_free(s->file);
        sim_free(s->classname);
    }
    sim_free(rep->suites);
    sim_free(rep);
}

/* Grow *arr (of *cap elements of size sz) to hold one more than 'used'. */
static int reserve(void **arr, size_t *cap, size_t used, size_t sz)
{
    if (used < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / sz)
        return SIM_ENOMEM;
    void *p = sim_realloc(*arr, ncap * sz);
    if (!p)
        return SIM_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

static report_suite *add_suite(expect_report *rep, const char *file, const char *classname)
{
    if (reserve((void **)&rep->suites, &rep->cap, rep->nsuites, sizeof *rep->suites) < 0)
        return NULL;
    report_suite *s = &rep->suites[rep->nsuites];
    *s = (report_suite){ 0 };
    s->file = sim_strdup(file);
    s->classname = sim_strdup(classname);
    if (!s->file || !s->classname) {
        sim_free(s->file);
        sim_free(s->classname);
        return NULL;
    }
    rep->nsuites++;
    return s;
}

/* Add a case; takes copies of name and msg (which may be NULL). */
static int add_case(report_suite *s, const char *name, const char *msg, expect_status status,
                    bool errored)
{
    if (reserve((void **)&s->cases, &s->cap, s->ncases, sizeof *s->cases) < 0)
        return SIM_ENOMEM;
    report_case c = { .name = sim_strdup(name),
                      .msg = msg ? sim_strdup(msg) : NULL,
                      .status = status,
                      .errored = errored };
    if (!c.name || (msg && !c.msg)) {
        sim_free(c.name);
        sim_free(c.msg);
        return SIM_ENOMEM;
    }
    s->cases[s->ncases++] = c;
    if (errored)
        s->errors++;
    else if (status != EXPECT_PASS)
        s->failures++;
    return 0;
}

int expect_report_check(expect_report *rep, const scn_scenario *s, const run_result *const *runs,
                        size_t nruns, FILE *out, bool quiet)
{
    return expect_report_check_seeds(rep, s, runs, NULL, nruns, 1, out, quiet);
}

int expect_report_check_seeds(expect_report *rep, const scn_scenario *s,
                              const run_result *const *runs, const run_result *const *cis,
                              size_t nruns, size_t nseeds, FILE *out, bool quiet)
{
    report_suite *suite = add_suite(rep, s->file, s->name);
    if (!suite)
        return SIM_ENOMEM;
    if (s->nexpects == 0 && !quiet)
        print_line(out, "SKIP", s->file, "no expectations", NULL);
    char name[EXPECT_TEXT_MAX], msg[EXPECT_TEXT_MAX];
    for (size_t i = 0; i < s->nexpects; i++) {
        const scn_expect *x = &s->expects[i];
        size_t            applied = 0;
        for (size_t k = 0; k < nruns; k++) {
            if (!expect_applies(x, runs[k]))
                continue;
            applied++;
            expect_case c = eval_seeds(x, runs[k], cis ? cis[k] : NULL, nseeds);
            case_name(c.x, c.pattern, name, sizeof name);
            expect_case_message(&c, msg, sizeof msg);
            if (c.status != EXPECT_PASS || !quiet)
                print_line(out, status_word(c.status), s->file, name, msg);
            if (add_case(suite, name, c.status == EXPECT_PASS ? NULL : msg, c.status, false) < 0)
                return SIM_ENOMEM;
            if (c.status == EXPECT_PASS)
                rep->passed++;
            else
                rep->failed++;
        }
        if (applied == 0) {
            /* The loader makes every pattern filter name a pattern, and the CLI runs every
             * pattern, so this takes a caller that passed only some of the runs. */
            case_name(x, x->pattern ? x->pattern : "*", name, sizeof name);
            snprintf(msg, sizeof msg, "no run of pattern \"%s\"", x->pattern ? x->pattern : "*");
            print_line(out, "ERROR", s->file, name, msg);
            if (add_case(suite, name, msg, EXPECT_ERROR, false) < 0)
                return SIM_ENOMEM;
            rep->failed++;
        }
    }
    return 0;
}

int expect_report_error(expect_report *rep, const char *file, const char *what, const char *msg)
{
    report_suite *suite = add_suite(rep, file, file);
    if (!suite)
        return SIM_ENOMEM;
    return add_case(suite, what, msg, EXPECT_ERROR, true);
}

int expect_report_add_case(expect_report *rep, const char *name, const char *msg)
{
    assert(rep->nsuites > 0);
    return add_case(&rep->suites[rep->nsuites - 1], name, msg, msg ? EXPECT_FAIL : EXPECT_PASS,
                    false);
}

size_t expect_report_passed(const expect_report *rep) { return rep->passed; }

size_t expect_report_failed(const expect_report *rep) { return rep->failed; }

/* --- JUnit XML ------------------------------------------------------------------------ */

/* The length of the valid UTF-8 sequence at s encoding an XML character, or 0 (an invalid,
 * overlong or truncated sequence, a surrogate, U+FFFE/U+FFFF, or past U+10FFFF). ASCII is
 * handled by the caller. */
static size_t utf8_xml_char(const unsigned char *s)
{
    uint32_t cp;
    size_t   len;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        cp = s[0] & 0x1Fu;
        len = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        cp = s[0] & 0x0Fu;
        len = 3;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        cp = s[0] & 0x07u;
        len = 4;
    } else {
        return 0; /* a continuation byte, 0xC0/0xC1 or > 0xF4 */
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0; /* also stops at the terminating NUL */
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE
        || cp == 0xFFFF)
        return 0;
    return len;
}

/* Write s as XML text fit for an attribute value or element content. */
static void xml_put(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        unsigned char ch = *s;
        switch (ch) {
        case '&':
            fputs("&amp;", out);
            s++;
            continue;
        case '<':
            fputs("&lt;", out);
            s++;
            continue;
        case '>':
            fputs("&gt;", out);
            s++;
            continue;
        case '"':
            fputs("&quot;", out);
            s++;
            continue;
        case '\'':
            fputs("&apos;", out);
            s++;
            continue;
        /* References, so that attribute-value normalization keeps them as they are. */
        case '\t':
            fputs("&#9;", out);
            s++;
            continue;
        case '\n':
            fputs("&#10;", out);
            s++;
            continue;
        case '\r':
            fputs("&#13;", out);
            s++;
            continue;
        default:
            break;
        }
        if (ch < 0x20) {
            fputs("&#xFFFD;", out); /* not allowed in XML 1.0, even as &#1; */
            s++;
        } else if (ch < 0x80) {
            fputc(ch, out);
            s++;
        } else {
            size_t len = utf8_xml_char(s);
            if (len == 0) {
                fputs("&#xFFFD;", out);
                s++;
            } else {
                fwrite(s, 1, len, out);
                s += len;
            }
        }
    }
}

int expect_report_write_junit(const expect_report *rep, FILE *out)
{
    size_t tests = 0, failures = 0, errors = 0;
    for (size_t i = 0; i < rep->nsuites; i++) {
        tests += rep->suites[i].ncases;
        failures += rep->suites[i].failures;
        errors += rep->suites[i].errors;
    }
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"mrsim check\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
            tests, failures, errors);
    for (size_t i = 0; i < rep->nsuites; i++) {
        const report_suite *s = &rep->suites[i];
        fputs("  <testsuite name=\"", out);
        xml_put(out, s->file);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", s->ncases, s->failures,
                s->errors);
        for (size_t k = 0; k < s->ncases; k++) {
            const report_case *c = &s->cases[k];
            fputs("    <testcase classname=\"", out);
            xml_put(out, s->classname);
            fputs("\" name=\"", out);
            xml_put(out, c->name);
            if (!c->msg) {
                fputs("\"/>\n", out);
                continue;
            }
            fprintf(out, "\">\n      <%s message=\"", c->errored ? "error" : "failure");
            xml_put(out, c->msg);
            fputs("\"/>\n    </testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    return ferror(out) ? SIM_EIO : 0;
}

int expect_report_save_junit(const expect_report *rep, const char *path, sim_err *err)
{
    /* outfile.c: "-", devices and FIFOs in place, symlinks followed, otherwise a temporary
     * file beside the target renamed over it, removed on every error and on signals. */
    out_file o;
    int      rc = out_open(&o, path, "the JUnit report", err);
    if (rc < 0)
        return rc;
    if (expect_report_write_junit(rep, o.f) < 0) {
        out_abort(&o);
        sim_err_set(err, SIM_EIO, NULL, "cannot write the JUnit report");
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        return SIM_EIO;
    }
    return out_commit(&o, "the JUnit report", err);
}
