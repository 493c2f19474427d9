/* report.c - `mrsim report`'s work: the HTML page of report.h.
 *
 * Steps: pick the runs (db_plot_runs, grouped by pattern as plot.c groups them); rebuild
 * from the stored metrics a run_result per run holding only what the comparison reads (its
 * pattern, seed and whole-run and per-operation metrics), laid out patterns x seeds as
 * compare_table_new wants (a pattern with fewer seeds leaves empty results, which the table
 * counts as missing values); draw the plots in SVG into a temporary folder beside the page;
 * write the page to PATH.tmp-XXXXXX and rename it over PATH.
 *
 * Inlining an SVG: gnuplot's file starts with an XML declaration, which is not allowed
 * inside HTML, so the file is copied from its "<svg" on. gnuplot escapes '<' and '&' in the
 * text it writes (titles and keys come from scenario names), so the SVG cannot close its own
 * element early; the check for "<script" and "<foreignObject" is there in case a later
 * gnuplot or a changed terminal option ever adds either.
 *
 * Rejected: <img src="data:image/svg+xml;base64,..."> (the plots would be opaque to the
 * page's own text search and to a DOM check that every plot is there), and linking the SVG
 * files (the page would no longer be one file). */
#include "report.h"

#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"
#include "plot.h"
#include "run.h"

/* One stored run as the report needs it. */
typedef struct rrun {
    int64_t    id;
    char      *pattern; /* owned */
    uint64_t   seed;
    run_result r;    /* only pattern, seed and metrics (owned,
                                                 with their key and name strings) */
    size_t     mcap; /* room in r.metrics */
} rrun;

typedef struct report_state {
    rrun    *runs;
    size_t   nruns, cap;                  /* in db_plot_runs order: by pattern, seed */
    char    *scenario, *file, *text;      /* owned, of the first run */
    size_t   group[SCN_MAX_PATTERNS + 1]; /* run index where pattern group g starts */
    size_t   ngroups;
    char   **images;
    size_t   nimages, capi; /* owned paths of the plots, in drawing order */
    sim_err *err;
} report_state;

static int oom(sim_err *err)
{
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory while writing the report");
}

/* --- escaping --------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (n == 0 || (n == 2 && s[0] >= 0xe0))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* Overlong three- and four-byte forms, surrogates and code points past U+10FFFF. */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)
        || (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}

void report_html_escape(FILE *out, const char *s)
{
    if (!s)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_len(p);
        if (n == 0) {
            fputs("&#xFFFD;", out);
            p++;
            continue;
        }
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
                fputs("&#xFFFD;", out);
            else
                fwrite(p, 1, n, out);
        }
        p += n;
    }
}

/* --- reading the runs ------------------------------------------------------------------- */

static int on_run(void *ctx, const db_run_row *row)
{
    report_state *st = ctx;
    if (sim_grow(&st->runs, &st->cap, st->nruns, sizeof *st->runs) < 0)
        return SIM_ENOMEM;
    if (!st->scenario
        && (!(st->scenario = sim_strdup(row->scenario))
            || !(st->file = sim_strdup(row->scenario_file))
            || !(st->text = sim_strdup(row->scenario_text))))
        return SIM_ENOMEM;
    rrun *r = &st->runs[st->nruns];
    *r = (rrun){ .id = row->id, .seed = row->seed };
    if (!(r->pattern = sim_strdup(row->pattern)))
        return SIM_ENOMEM;
    st->nruns++;
    if (st->ngroups == 0 || strcmp(st->runs[st->group[st->ngroups - 1]].pattern, r->pattern)) {
        /* More patterns than a scenario can hold means runs of several scenarios: the
         * comparison keeps the first SCN_MAX_PATTERNS. */
        if (st->ngroups < SCN_MAX_PATTERNS)
            st->group[st->ngroups++] = st->nruns - 1;
    }
    return 0;
}

/* A stored metric into the run's shell; only the scopes the comparison reads. */
static int on_metric(void *ctx, const char *scope, const char *key, const char *name, double value)
{
    rrun       *rr = ctx;
    run_result *r = &rr->r;
    run_scope   sc = strcmp(scope, "all") == 0 ? RUN_SCOPE_ALL
          : strcmp(scope, "op") == 0           ? RUN_SCOPE_OP
          : strcmp(scope, "client") == 0       ? RUN_SCOPE_CLIENT
                                               : RUN_SCOPE_COUNT;
    if (sc == RUN_SCOPE_COUNT)
        return 0;
    if (sim_grow(&r->metrics, &rr->mcap, r->nmetrics, sizeof *r->metrics) < 0)
        return SIM_ENOMEM;
    run_metric *m = &r->metrics[r->nmetrics];
    *m = (run_metric){
        .scope = sc, .value = value, .key = sim_strdup(key), .name = sim_strdup(name)
    };
    r->nmetrics++; /* counted now, so that cleanup frees both */
    return m->key && m->name ? 0 : SIM_ENOMEM;
}

static void state_fini(report_state *st)
{
    for (size_t i = 0; i < st->nruns; i++) {
        run_result *r = &st->runs[i].r;
        for (size_t k = 0; k < r->nmetrics; k++) {
            sim_free((char *)r->metrics[k].key);
            sim_free((char *)r->metrics[k].name);
        }
        sim_free(r->metrics);
        sim_free(st->runs[i].pattern);
    }
    sim_free(st->runs);
    sim_free(st->scenario);
    sim_free(st->file);
    sim_free(st->text);
    for (size_t i = 0; i < st->nimages; i++)
        sim_free(st->images[i]);
    sim_free(st->images);
}

/* The comparison of the runs in st: patterns x (most seeds of any pattern), with empty
 * results where a pattern has fewer seeds. */
static int build_table(report_state *st, compare_table **out, run_result *empty,
                       const run_result ***layout)
{
    size_t np = st->ngroups, ns = 1;
    for (size_t g = 0; g < np; g++) {
        size_t end = g + 1 < np ? st->group[g + 1] : st->nruns;
        ns = end - st->group[g] > ns ? end - st->group[g] : ns;
    }
    const run_result **runs = sim_calloc(np * ns, sizeof *runs);
    if (!runs)
        return SIM_ENOMEM;
    for (size_t g = 0; g < np; g++) {
        size_t end = g + 1 < np ? st->group[g + 1] : st->nruns;
        for (size_t k = 0; k < ns; k++) {
            size_t i = st->group[g] + k;
            runs[g * ns + k] = i < end ? &st->runs[i].r : empty;
        }
    }
    *empty = (run_result){ .pattern = "" };
    *layout = runs;
    return compare_table_new_by(runs, np, ns, true, out); /* with a block per population */
}

/* --- plots ------------------------------------------------------------------------------ */

static void on_image(void *ctx, const char *path)
{
    report_state *st = ctx;
    if (st->nimages == SIZE_MAX)
        return; /* out of memory earlier: already reported */
    char *copy = sim_strdup(path);
    if (!copy || sim_grow(&st->images, &st->capi, st->nimages, sizeof *st->images) < 0) {
        sim_free(copy);
        for (size_t i = 0; i < st->nimages; i++)
            sim_free(st->images[i]);
        st->nimages = SIZE_MAX; /* checked after plot_db */
        return;
    }
    st->images[st->nimages++] = copy;
}

/* Copy the SVG at path into out from its "<svg" on. */
static int inline_svg(FILE *out, const char *path, sim_err *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long  n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && (buf = sim_malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
    } else {
        int e = errno;
        if (f)
            fclose(f);
        sim_free(buf);
        if (n >= 0 && !buf)
            return oom(err);
        sim_err_set(err, SIM_EIO, NULL, "cannot read the plot: %s", strerror(e));
        snprintf(err->file, sizeof err->file, "%.255s", path);
        return SIM_EIO;
    }
    fclose(f);
    const char *svg = strstr(buf, "<svg");
    int         rc = 0;
    if (!svg || strstr(svg, "<script") || strstr(svg, "<foreignObject")) {
        rc = sim_err_set(err, SIM_EIO, NULL,
                         "gnuplot wrote an SVG that cannot be embedded "
                         "(no <svg> element, or a script in it)");
        snprintf(err->file, sizeof err->file, "%.255s", path);
    } else {
        fputs(svg, out);
    }
    sim_free(buf);
    return rc;
}

/* --- the page --------------------------------------------------------------------------- */

static const char page_style[]
    = "body{font-family:sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}"
      "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
      "table{border-collapse:collapse;margin:1em 0}"
      "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;font-variant-numeric:"
      "tabular-nums}th{background:#f3f3f3}td.l,th.l{text-align:left}"
      "td.best{font-weight:bold;background:#e8f5e9}"
      "pre{background:#f7f7f7;border:1px solid #ddd;padding:1em;overflow:auto;max-height:30em}"
      "figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #eee}"
      "figcaption{font-weight:bold;margin-bottom:.3em}dt{font-weight:bold}dd{margin:0 0 .5em 1em}"
      ".note{color:#555;font-size:.9em}";

static void put_head(FILE *out, const report_state *st)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"generator\" content=\"mrsim " MRSIM_VERSION "\">\n<title>mrsim report: ",
          out);
    report_html_escape(out, st->scenario);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>mrsim report: ", page_style);
    report_html_escape(out, st->scenario);
    fputs("</h1>\n", out);
}

static void put_scenario(FILE *out, const report_state *st)
{
    fputs("<section id=\"scenario\">\n<h2>Scenario</h2>\n<dl>\n<dt>name</dt><dd>", out);
    report_html_escape(out, st->scenario);
    fputs("</dd>\n<dt>file</dt><dd>", out);
    report_html_escape(out, st->file);
    fputs("</dd>\n<dt>runs</dt><dd>", out);
    for (size_t g = 0; g < st->ngroups; g++) {
        size_t a = st->group[g], b = g + 1 < st->ngroups ? st->group[g + 1] : st->nruns;
        fputs(g ? "; " : "", out);
        report_html_escape(out, st->runs[a].pattern);
        fprintf(out, ": %zu run%s (seed%s %" PRIu64, b - a, b - a > 1 ? "s" : "",
                b - a > 1 ? "s" : "", st->runs[a].seed);
        if (b - a > 1)
            fprintf(out, " to %" PRIu64, st->runs[b - 1].seed);
        fprintf(out, ", run id%s %" PRId64, b - a > 1 ? "s" : "", st->runs[a].id);
        if (b - a > 1)
            fprintf(out, " to %" PRId64, st->runs[b - 1].id);
        fputs(")", out);
    }
    fputs(
        "</dd>\n</dl>\n<details>\n<summary>the scenario file</summary>\n<pre id=\"scenario-text\">",
        out);
    report_html_escape(out, st->text);
    fputs("</pre>\n</details>\n</section>\n", out);
}

static void put_table(FILE *out, const compare_table *t)
{
    char cell[160];
    fputs("<section id=\"comparison\">\n<h2>Comparison</h2>\n<table id=\"comparison-table\">\n"
          "<thead><tr><th class=\"l\">metric</th>",
          out);
    for (size_t p = 0; p < t->npatterns; p++) {
        fputs("<th>", out);
        report_html_escape(out, t->patterns[p]);
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < t->nrows; i++) {
        const compare_row *row = &t->rows[i];
        compare_row_label(cell, sizeof cell, row);
        fputs("<tr><td class=\"l\">", out);
        report_html_escape(out, cell);
        fputs("</td>", out);
        for (size_t p = 0; p < t->npatterns; p++) {
            compare_cell_human(cell, sizeof cell, t, row, p);
            fputs(row->best[p] ? "<td class=\"best\">" : "<td>", out);
            report_html_escape(out, cell);
            fputs(row->best[p] ? " *</td>" : "</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n<p class=\"note\">* best mean in its row (the lowest, or the "
          "highest for availability); no mark when all are equal. A latency counts successful "
          "requests only, so it is marked only among the patterns with the best availability "
          "of its operation or client population. Every cell carries its unit.",
          out);
    if (t->nseeds > 1)
        fputs(" With several seeds each cell is the mean ± the half-width of its 95% "
              "confidence interval.",
              out);
    fputs(" Metrics are defined in scenarios/README.md, \"Metrics\".</p>\n</section>\n", out);
}

/* The figure of the plot at path: its id and caption come from the file name, which
 * plot.c made from fixed words and a slug of the pattern name. */
static int put_plot(FILE *out, const char *path, sim_err *err)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strcspn(base, ".");
    fputs("<figure id=\"plot-", out);
    fprintf(out, "%.*s", (int)len, base);
    fputs("\" class=\"plot\">\n<figcaption>", out);
    static const struct {
        const char *prefix, *caption;
    } captions[] = {
        { "latency-", "Latency over time (p50 dashed, p99 solid, per region)" },
        { "availability-", "Availability and error rate over time" },
        { "consistency-", "Replication lag and stale-read rate over time per region" },
        { "cdf", "Latency CDF per pattern" },
        { "visibility", "t-visibility: share of reads that saw the newest acknowledged write" },
        { "compare", "Pattern comparison" },
    };
    for (size_t i = 0; i < sizeof captions / sizeof captions[0]; i++) {
        size_t n = strlen(captions[i].prefix);
        if (strncmp(base, captions[i].prefix, n) == 0) {
            fputs(captions[i].caption, out);
            if (captions[i].prefix[n - 1] == '-') {
                fputs(": ", out);
                fprintf(out, "%.*s", (int)(len - n), base + n);
            }
            break;
        }
    }
    fputs("</figcaption>\n", out);
    int rc = inline_svg(out, path, err);
    fputs("</figure>\n", out);
    return rc;
}

typedef struct event_ctx {
    FILE  *out;
    size_t n;
} event_ctx;

static int on_event(void *ctx, double t_s, const char *kind, const char *detail)
{
    event_ctx *e = ctx;
    if (e->n++ >= REPORT_MAX_EVENTS)
        return 0;
    fprintf(e->out, "<tr><td>%.3f</td><td class=\"l\">", t_s);
    report_html_escape(e->out, kind);
    fputs("</td><td class=\"l\">", e->out);
    report_html_escape(e->out, detail);
    fputs("</td></tr>\n", e->out);
    return 0;
}

/* The event log of each pattern's first seed. */
static int put_events(FILE *out, db_conn *db, const report_state *st, sim_err *err)
{
    fputs("<section id=\"events\">\n<h2>Events</h2>\n<p class=\"note\">Faults, failover "
          "steps, health flips and alerts of each pattern's first seed, in simulated "
          "seconds.</p>\n",
          out);
    for (size_t g = 0; g < st->ngroups; g++) {
        const rrun *r = &st->runs[st->group[g]];
        fputs("<h3>", out);
        report_html_escape(out, r->pattern);
        fprintf(out,
                " (seed %" PRIu64 ")</h3>\n<table class=\"events\">\n<thead><tr>"
                "<th>t (s)</th><th class=\"l\">kind</th><th class=\"l\">detail</th></tr>"
                "</thead>\n<tbody>\n",
                r->seed);
        event_ctx e = { out, 0 };
        int       rc = db_read_events(db, r->id, on_event, &e, err);
        if (rc < 0)
            return rc;
        fputs("</tbody>\n</table>\n", out);
        if (e.n == 0)
            fputs("<p class=\"note\">no events</p>\n", out);
        else if (e.n > REPORT_MAX_EVENTS)
            fprintf(out, "<p class=\"note\">%zu more events not shown</p>\n",
                    e.n - REPORT_MAX_EVENTS);
    }
    fputs("</section>\n", out);
    return 0;
}

/* --- entry point -------------------------------------------------------------------------- */

static int no_runs(const report_options *o, sim_err *err)
{
    if (o->run_id > 0)
        return sim_err_set(err, SIM_ENOENT, NULL, "no run with id %lld in the database",
                           (long long)o->run_id);
    if (o->scenario)
        return sim_err_set(err, SIM_ENOENT, NULL, "no runs of scenario \"%s\" in the database",
                           o->scenario);
    return sim_err_set(err, SIM_ENOENT, NULL, "no runs in the database");
}

/* The page itself, into out. */
static int put_page(FILE *out, db_conn *db, const report_state *st, const compare_table *t,
                    sim_err *err)
{
    put_head(out, st);
    put_scenario(out, st);
    put_table(out, t);
    fputs("<section id=\"plots\">\n<h2>Plots</h2>\n<p class=\"note\">Shaded: fault windows "
          "(labelled with the fault's kind); dashed red and dotted green lines: the health "
          "view marking a region down and up; purple lines: failover steps.",
          out);
    if (t->nseeds > 1)
        fputs(" With several seeds, lines are means over the seeds with their 95% confidence "
              "bands, markers are the first seed's, and bars carry 95% error bars.",
              out);
    fputs("</p>\n", out);
    for (size_t i = 0; i < st->nimages; i++) {
        int rc = put_plot(out, st->images[i], err);
        if (rc < 0)
            return rc;
    }
    fputs("</section>\n", out);
    int rc = put_events(out, db, st, err);
    if (rc < 0)
        return rc;
    fputs("<p class=\"note\">Written by mrsim " MRSIM_VERSION " from the results database; "
          "every figure is reproducible from the scenario file and the seeds above.</p>\n"
          "</body>\n</html>\n",
          out);
    return 0;
}

int report_write(db_conn *db, const report_options *o, sim_err *err)
{
    report_state       st = { .err = err };
    compare_table     *t = NULL;
    const run_result **layout = NULL;
    run_result         empty;
    char               tmpdir[PATH_MAX + 32] = "";
    out_file           page = { 0 };
    int                rc = db_plot_runs(db, o->run_id, o->min_id, o->scenario, on_run, &st, err);
    if (rc == SIM_ENOMEM)
        rc = oom(err);
    if (rc < 0)
        goto done;
    if (st.nruns == 0) {
        rc = no_runs(o, err);
        goto done;
    }
    for (size_t i = 0; i < st.nruns; i++) {
        rrun *r = &st.runs[i];
        if ((rc = db_read_metrics(db, r->id, on_metric, r, err)) < 0) {
            if (rc == SIM_ENOMEM)
                rc = oom(err);
            goto done;
        }
        r->r.pattern = r->pattern;
        r->r.seed = r->seed;
    }
    if ((rc = build_table(&st, &t, &empty, &layout)) < 0) {
        rc = oom(err);
        goto done;
    }

    /* The plots, in a folder of our own beside the page (same file system, no /tmp),
     * removed on every exit, signals included (outfile.c). */
    if ((rc = out_tmpdir(o->out_path, tmpdir, sizeof tmpdir, err)) < 0) {
        tmpdir[0] = '\0';
        goto done;
    }
    plot_options po = { .run_id = o->run_id,
                        .min_id = o->min_id,
                        .scenario = o->scenario,
                        .out_dir = tmpdir,
                        .format = PLOT_SVG };
    if ((rc = plot_db(db, &po, on_image, &st, err)) < 0)
        goto done;
    if (st.nimages == SIZE_MAX) {
        st.nimages = 0;
        rc = oom(err);
        goto done;
    }

    /* outfile.c: "-", a device or a FIFO is written in place; a symlink is followed; a
     * regular file is replaced by rename, with its permissions (a new one gets 0666 less
     * the umask: a report is a document to share). */
    if ((rc = out_open(&page, o->out_path, "the report", err)) < 0)
        goto done;
    if ((rc = put_page(page.f, db, &st, t, err)) < 0)
        goto done;
    if ((rc = out_commit(&page, "the report", err)) < 0)
        goto done;
    rc = (int)st.nimages;

done:
    if (st.nimages == SIZE_MAX)
        st.nimages = 0; /* on_image freed them */
    out_abort(&page);   /* nothing left to do after out_commit */
    if (tmpdir[0])
        out_tmpdir_remove(tmpdir);
    compare_table_free(t);
    sim_free(layout);
    state_fini(&st);
    return rc;
}
