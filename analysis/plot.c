/* plot.c - `mrsim plot`'s work: choose runs from the results database, write TSV data files,
 * run gnuplot on the scripts in analysis/plots/.
 *
 * The runs come grouped by pattern, one run per seed (db_plot_runs). For each pattern the
 * seeds' series are read (plot-data.c) and each plot over time is drawn from one data file
 * holding, per line, the mean over the seeds and its 95% confidence band (a single seed is a
 * band of nothing); the latency CDF pools the seeds' histograms; the comparison bars are the
 * means with the intervals as error bars. Each plot is one gnuplot process (plot-gnuplot.c)
 * whose VARS assign only numbers, fixed words of ours, slug-built file names, and the title
 * as a quoted literal (plot_quote). The markers (fault windows with their kind, health flips,
 * failover steps with their step name) go in VARS as lists of numbers and of words made of
 * [a-z0-9_-], which common.gp turns into shaded rectangles, vertical lines and labels. With
 * several seeds the markers are the first seed's: the faults are the same in every seed,
 * and one seed's failover steps read better than the overlay of all of them.
 *
 * Rejected: generating a gnuplot script per plot in C (every piece of scenario text would
 * then be a quoting hazard in code, not only the title). */
#include "plot.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot-int.h"
#include "stat.h"
#include "table.h"

#define MARK_LIST 4096 /* one marker list in VARS, bytes */

/* Headline metrics of the comparison plot (scope all), in order; names known to compare.gp. */
static const char *const compare_metrics[]
    = { "p99_ms", "availability", "stale_read_rate", "lost_writes", "rpo_writes", "rto_s" };
#define NCOMPARE (sizeof compare_metrics / sizeof compare_metrics[0])

/* The runs of one pattern, one per seed. */
typedef struct plot_group {
    char    *pattern;     /* owned */
    char     slug[96];    /* file-name-safe pattern name */
    double   simulated_s; /* of the first run */
    bool     has_hist;    /* the CDF has a block for it */
    int64_t *ids;
    size_t   n, cap; /* run ids, in seed order */
} plot_group;

typedef struct run_list {
    plot_group *g;
    size_t      n, cap;
    size_t      nruns;
    char       *scenario; /* owned: the first run's scenario name */
} run_list;

/* --- small helpers ------------------------------------------------------------------- */

static int oom(sim_err *err)
{
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory while plotting");
}

/* --- colours and units ---------------------------------------------------------------- */

/* One colour per pattern, the same in every plot (the comparison's bars, the CDF, the sweep
 * curves): the four built-in patterns have fixed colours, any other name one of six more by
 * a hash of the name (FNV-1a), so the same name is the same colour in every plot and every
 * scenario. A hash rather than the pattern's position: the position changes with --pattern
 * and between scenarios, and a review compares plots of several. */
const char *plot_pattern_colour(const char *pattern)
{
    static const struct {
        const char *name, *rgb;
    } fixed[] = {
        { "independent", "#7f7f7f" },
        { "active-passive", "#1f77b4" },
        { "active-active", "#2ca02c" },
        { "read-local", "#ff7f0e" },
    };
    static const char *const more[]
        = { "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#d62728" };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(pattern, fixed[i].name) == 0)
            return fixed[i].rgb;
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)pattern; *c; c++)
        h = (h ^ *c) * 16777619u;
    return more[h % (sizeof more / sizeof more[0])];
}

/* The unit of a time axis that ends at end_s: seconds up to 10 min, minutes up to 2 h, then
 * hours; *div is the unit in seconds. */
static const char *time_unit(double end_s, double *div)
{
    if (end_s > 7200) {
        *div = 3600;
        return "h";
    }
    if (end_s > 600) {
        *div = 60;
        return "min";
    }
    *div = 1;
    return "s";
}

/* --- selecting runs ------------------------------------------------------------------ */

static void make_slug(const char *name, char *out, size_t n)
{
    size_t j = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && j + 1 < n; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || *p == '-' || *p == '_' || *p == '.';
        out[j++] = ok ? (char)*p : '_';
    }
    out[j] = '\0';
    if (j == 0 || out[0] == '.') /* no hidden or empty names */
        snprintf(out, n, "run");
}

/* Rows come grouped by pattern (db_plot_runs' order): a new pattern opens a group. */
static int on_run(void *ctx, const db_run_row *row)
{
    run_list *l = ctx;
    if (!l->scenario && !(l->scenario = sim_strdup(row->scenario)))
        return SIM_ENOMEM;
    plot_group *g = l->n ? &l->g[l->n - 1] : NULL;
    if (!g || strcmp(g->pattern, row->pattern) != 0) {
        if (sim_grow(&l->g, &l->cap, l->n, sizeof *l->g) < 0)
            return SIM_ENOMEM;
        g = &l->g[l->n];
        *g = (plot_group){ .simulated_s = row->simulated_s };
        if (!(g->pattern = sim_strdup(row->pattern)))
            return SIM_ENOMEM;
        l->n++;
        make_slug(row->pattern, g->slug, 64);
        /* Two pattern names may make the same slug ("a b", "a_b"): the run id tells them
         * apart. */
        for (size_t i = 0; i + 1 < l->n; i++) {
            if (strcmp(l->g[i].slug, g->slug) == 0) {
                char base[64];
                memcpy(base, g->slug, sizeof base); /* make_slug wrote at most 63 + NUL */
                snprintf(g->slug, sizeof g->slug, "%.63s-%lld", base, (long long)row->id);
                break;
            }
        }
    }
    if (sim_grow(&g->ids, &g->cap, g->n, sizeof *g->ids) < 0)
        return SIM_ENOMEM;
    g->ids[g->n++] = row->id;
    l->nruns++;
    return 0;
}

static void run_list_fini(run_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        sim_free(l->g[i].pattern);
        sim_free(l->g[i].ids);
    }
    sim_free(l->g);
    sim_free(l->scenario);
}

/* --- files and gnuplot ---------------------------------------------------------------- */

/* A space-separated list being built in a fixed buffer; items past its room are dropped. */
typedef struct mark_list {
    char   s[MARK_LIST];
    size_t len;
} mark_list;

static bool list_add(mark_list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool list_add(mark_list *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (l->len)
        l->s[l->len++] = ' ';
    int w = vsnprintf(l->s + l->len, sizeof l->s - l->len, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= sizeof l->s - l->len) {
        l->len -= l->len ? 1 : 0;
        l->s[l->len] = '\0';
        return false;
    }
    l->len += (size_t)w;
    return true;
}

/* The first word of a fault's detail (its kind, "region_down"), [a-z0-9_-] only. */
static void fault_kind(const char *detail, char *out, size_t n)
{
    size_t j = 0;
    for (const char *s = detail; *s && *s != ' ' && j + 1 < n; s++) {
        bool ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-';
        out[j++] = ok ? *s : '_';
    }
    out[j] = '\0';
    if (j == 0)
        snprintf(out, n, "fault");
}

/* The markers of run d: fault windows fx0, fx1 (start and end, s) with their kinds flab;
 * health flips hdown, hup (s); failover steps fot (s) with their names fol. Parallel lists
 * stay parallel: an item goes in every list of its group or in none. */
static void marker_vars(const plot_data *d, double end_s, char *vars, size_t *len)
{
    mark_list x0 = { 0 }, x1 = { 0 }, lab = { 0 }, ft = { 0 }, fl = { 0 }, h = { 0 };
    for (size_t i = 0; i < d->nfaults; i++) {
        double e = isnan(d->faults[i].end_s) ? end_s : d->faults[i].end_s;
        char   kind[32];
        fault_kind(d->faults[i].detail, kind, sizeof kind);
        mark_list s0 = x0, s1 = x1, sl = lab;
        if (!list_add(&x0, "%.9g", d->faults[i].start_s) || !list_add(&x1, "%.9g", e)
            || !list_add(&lab, "%s", kind)) {
            x0 = s0, x1 = s1, lab = sl;
            break;
        }
    }
    plot__vars_add(vars, len, "fx0='%s'; fx1='%s'; flab='%s'; ", x0.s, x1.s, lab.s);
    /* Failover steps: one marker per failover (a "detect" step, or the first step, opens
     * one), at its first step, labelled "failover N"; its steps with their times go in the
     * key as one caption, "failover 1: detect 2.5, promote 2.6, ... done 7.0 (min)". Steps
     * a few seconds apart would otherwise pile up as unreadable labels. */
    double      div;
    const char *unit = time_unit(end_s, &div);
    size_t      nfo = 0;
    char        cap[600] = "", quoted[700];
    size_t      clen = 0;
    bool        first = true;
    for (size_t i = 0; i <= d->nsteps; i++) {
        bool opens = i < d->nsteps && (i == 0 || strcmp(d->steps[i].label, "detect") == 0);
        if ((opens || i == d->nsteps) && clen > 0) {
            plot_quote(cap, quoted, sizeof quoted);
            plot__vars_add(vars, len, "fcap%zu=%s; ", nfo, quoted);
            clen = 0;
        }
        if (i == d->nsteps)
            break;
        if (opens) {
            mark_list st = ft;
            if (nfo >= 9 || !list_add(&ft, "%.9g", d->steps[i].t_s)) {
                ft = st;
                break;
            }
            nfo++;
            clen = (size_t)snprintf(cap, sizeof cap, "failover %zu (%s):", nfo, unit);
            first = true;
        }
        /* A step repeated (one per region changing role) is listed once. */
        if (!opens && strcmp(d->steps[i].label, d->steps[i - 1].label) == 0)
            continue;
        if (clen < sizeof cap) {
            int w = snprintf(cap + clen, sizeof cap - clen, "%s %s %.3g", first ? "" : ",",
                             d->steps[i].label, d->steps[i].t_s / div);
            first = false;
            clen += w > 0 ? (size_t)w : 0;
            if (clen >= sizeof cap)
                clen = sizeof cap - 1;
        }
    }
    (void)fl;
    plot__vars_add(vars, len, "fot='%s'; nfo=%zu; tdiv=%.9g; tunit='%s'; ", ft.s, nfo, div, unit);
    for (size_t i = 0; i < d->ndown && list_add(&h, "%.9g", d->down[i]); i++)
        ;
    plot__vars_add(vars, len, "hdown='%s'; ", h.s);
    h = (mark_list){ 0 };
    for (size_t i = 0; i < d->nup && list_add(&h, "%.9g", d->up[i]); i++)
        ;
    plot__vars_add(vars, len, "hup='%s'; ", h.s);
}

/* --- the plots over time ------------------------------------------------------------------ */

/* The title of a plot over all patterns: "WHAT: scenario", quoted. */
static void scenario_title(const run_list *l, const char *what, char *out, size_t n)
{
    char raw[800];
    snprintf(raw, sizeof raw, "%s: %.500s", what, l->scenario);
    plot_quote(raw, out, n);
}

/* The title of a per-pattern plot: what it shows, the pattern, the scenario, and with
 * several seeds what the lines are; quoted. */
static void pattern_title(const run_list *l, const plot_group *g, const char *what, char *out,
                          size_t n)
{
    char raw[800];
    if (g->n > 1)
        snprintf(raw, sizeof raw, "%s under %.200s: %.280s (mean of %zu seeds, 95%% band)", what,
                 g->pattern, l->scenario, g->n);
    else
        snprintf(raw, sizeof raw, "%s under %.200s: %.280s", what, g->pattern, l->scenario);
    plot_quote(raw, out, n);
}

/* One plot over time: KIND-SLUG.tsv written from the seeds' tables, drawn by KIND.gp into
 * KIND-SLUG.EXT with the first seed's markers. */
static int draw_over_time(plot_runner *p, const plot_group *g, plot_data *const *d,
                          const plot_kind *k, const char *title, char *vars, sim_err *err)
{
    char name[128], image[128], script[64], path[PATH_MAX + 128];
    snprintf(name, sizeof name, "%s-%s.tsv", k->name, g->slug);
    snprintf(image, sizeof image, "%s-%s.%s", k->name, g->slug, p->ext);
    snprintf(script, sizeof script, "%s.gp", k->name);
    FILE *f = plot__open_data(p, name, path, sizeof path, err);
    if (!f)
        return SIM_EIO;
    int rc = plot__write_series(f, k, d, g->n);
    int crc = plot__close_data(f, path, err);
    if (rc < 0)
        return oom(err);
    if (crc < 0)
        return crc;
    size_t len = plot__base_vars(p, vars, image, name, title, g->n > 1);
    size_t nreg = d[0]->nregions;
    if (k->per_region)
        plot__vars_add(vars, &len, "nreg=%zu; ", nreg);
    /* Which halves of the consistency plot have data: gnuplot refuses to draw a panel whose
     * every point is undefined, so an empty one is drawn as a note instead. */
    if (k == &plot__consistency)
        plot__vars_add(vars, &len, "height=850; haslag=%d; hasstale=%d; ",
                       plot__has_values(k, d, g->n, 0, nreg),
                       plot__has_values(k, d, g->n, nreg, 2 * nreg));
    double end_s = d[0]->nt ? d[0]->t[d[0]->nt - 1] : g->simulated_s;
    plot__vars_add(vars, &len, "xend=%.9g; ", end_s > 0 ? end_s : 1);
    marker_vars(d[0], end_s, vars, &len);
    return plot__run_gnuplot(p, script, vars, image, err);
}

/* The plots over time of one pattern: latency, availability, and replication lag with the
 * stale-read rate when any was measured. */
static int plot_group_series(plot_runner *p, db_conn *db, const run_list *l, const plot_group *g,
                             sim_err *err)
{
    char        title[1800];
    plot_data  *data = sim_calloc(g->n, sizeof *data);
    plot_data **d = sim_calloc(g->n, sizeof *d);
    char       *vars = sim_malloc(MAX_VARS);
    int         rc = 0;
    if (!data || !d || !vars) {
        rc = oom(err);
        goto done;
    }
    for (size_t i = 0; i < g->n && rc == 0; i++) {
        d[i] = &data[i];
        rc = plot__read_run(db, g->ids[i], &data[i], err);
    }
    const plot_kind *kinds[] = { &plot__latency, &plot__availability, &plot__consistency };
    const char      *what[] = { "Latency per serving region", "Availability and errors",
                                "Replication lag and stale reads per region" };
    for (size_t k = 0; k < 3 && rc == 0; k++) {
        pattern_title(l, g, what[k], title, sizeof title);
        if (k < 2 || plot__has_values(kinds[k], d, g->n, 0, SIZE_MAX))
            rc = draw_over_time(p, g, d, kinds[k], title, vars, err);
    }
done:
    if (data)
        for (size_t i = 0; i < g->n; i++)
            plot__data_fini(&data[i]);
    sim_free(data);
    sim_free(d);
    sim_free(vars);
    return rc;
}

/* --- the latency CDF ------------------------------------------------------------------------ */

/* A pattern's latency histogram, pooled over its seeds: the buckets of every run, then sorted
 * and merged (the bucket bounds are the same in every run). */
typedef struct cdf_bucket {
    int64_t lo_ns, hi_ns, count;
} cdf_bucket;

typedef struct cdf_acc {
    cdf_bucket *b;
    size_t      n, cap;
} cdf_acc;

static int on_bucket(void *ctx, int64_t lo, int64_t hi, int64_t count)
{
    cdf_acc *a = ctx;
    if (sim_grow(&a->b, &a->cap, a->n, sizeof *a->b) < 0)
        return SIM_ENOMEM;
    a->b[a->n++] = (cdf_bucket){ lo, hi, count };
    return 0;
}

static int bucket_cmp(const void *pa, const void *pb)
{
    const cdf_bucket *a = pa, *b = pb;
    if (a->lo_ns != b->lo_ns)
        return a->lo_ns < b->lo_ns ? -1 : 1;
    return (a->hi_ns > b->hi_ns) - (a->hi_ns < b->hi_ns); /* equal ones are merged */
}

/* By window start alone, then by the other columns (so the order is total). */
static int bucket_cmp_lo(const void *pa, const void *pb)
{
    const cdf_bucket *a = pa, *b = pb;
    if (a->lo_ns != b->lo_ns)
        return a->lo_ns < b->lo_ns ? -1 : 1;
    if (a->hi_ns != b->hi_ns)
        return a->hi_ns < b->hi_ns ? -1 : 1;
    return (a->count > b->count) - (a->count < b->count);
}

static void merge_buckets(cdf_acc *a)
{
    qsort(a->b, a->n, sizeof *a->b, bucket_cmp);
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (j && a->b[j - 1].lo_ns == a->b[i].lo_ns && a->b[j - 1].hi_ns == a->b[i].hi_ns)
            a->b[j - 1].count += a->b[i].count;
        else
            a->b[j++] = a->b[i];
    }
    a->n = j;
}

/* One block of the CDF's data for group g: header line, then latency_ms and the cumulative
 * fraction at each bucket's upper bound. Returns 1 when written, 0 when g has no histogram. */
static int cdf_block(FILE *f, db_conn *db, const plot_group *g, cdf_acc *a, size_t blocks,
                     sim_err *err)
{
    a->n = 0;
    for (size_t k = 0; k < g->n; k++) {
        int rc = db_read_latency_hist(db, g->ids[k], on_bucket, a, err);
        if (rc < 0)
            return rc == SIM_ENOMEM ? oom(err) : rc;
    }
    merge_buckets(a);
    double total = 0;
    for (size_t k = 0; k < a->n; k++)
        total += (double)a->b[k].count;
    if (total <= 0)
        return 0; /* older runs without a histogram */
    if (blocks)
        fputs("\n\n", f);
    fputs("latency_ms\t", f);
    plot__put_field(f, g->pattern);
    fputc('\n', f);
    double cum = 0;
    for (size_t k = 0; k < a->n; k++) {
        cum += (double)a->b[k].count;
        /* The top bucket has no finite upper bound: use its lower one. */
        int64_t x = a->b[k].hi_ns == INT64_MAX ? a->b[k].lo_ns : a->b[k].hi_ns;
        plot__put_num(f, (double)x / 1e6);
        fputc('\t', f);
        plot__put_num(f, cum / total);
        fputc('\n', f);
    }
    return 1;
}

/* --- the t-visibility curve ---------------------------------------------------------------- */

/* One block of the visibility data for group g, pooled over its seeds (reads and fresh reads
 * summed per window): header, then the window start (ms) and the share of fresh reads, for
 * windows with reads. Returns 1 when written, 0 when g has no reads in any window. */
static int visibility_block(FILE *f, db_conn *db, const plot_group *g, cdf_acc *a, size_t blocks,
                            sim_err *err)
{
    a->n = 0;
    for (size_t k = 0; k < g->n; k++) {
        int rc = db_read_visibility(db, g->ids[k], on_bucket, a, err);
        if (rc < 0)
            return rc == SIM_ENOMEM ? oom(err) : rc;
    }
    /* Reuse the bucket merge: (t, reads, fresh) sorted by t; equal windows are summed. */
    qsort(a->b, a->n, sizeof *a->b, bucket_cmp_lo);
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (j && a->b[j - 1].lo_ns == a->b[i].lo_ns) {
            a->b[j - 1].hi_ns += a->b[i].hi_ns;
            a->b[j - 1].count += a->b[i].count;
        } else {
            a->b[j++] = a->b[i];
        }
    }
    a->n = j;
    bool any = false;
    for (size_t k = 0; k < a->n; k++)
        any |= a->b[k].hi_ns > 0;
    if (!any)
        return 0;
    if (blocks)
        fputs("\n\n", f);
    fputs("t_ms\t", f);
    plot__put_field(f, g->pattern);
    fputc('\n', f);
    for (size_t k = 0; k < a->n; k++) {
        if (a->b[k].hi_ns <= 0)
            continue;
        plot__put_num(f, (double)a->b[k].lo_ns / 1e3);
        fputc('\t', f);
        plot__put_num(f, (double)a->b[k].count / (double)a->b[k].hi_ns);
        fputc('\n', f);
    }
    return 1;
}

static int plot_visibility(plot_runner *p, db_conn *db, const run_list *l, sim_err *err)
{
    char path[PATH_MAX + 128], image[64];
    snprintf(image, sizeof image, "visibility.%s", p->ext);
    FILE *f = plot__open_data(p, "visibility.tsv", path, sizeof path, err);
    if (!f)
        return SIM_EIO;
    int     rc = 0;
    size_t  blocks = 0;
    cdf_acc a = { 0 };
    for (size_t i = 0; i < l->n && rc >= 0; i++)
        if ((rc = visibility_block(f, db, &l->g[i], &a, blocks, err)) > 0)
            blocks++;
    sim_free(a.b);
    int crc = plot__close_data(f, path, err);
    if (rc < 0)
        return rc;
    if (crc < 0)
        return crc;
    if (blocks == 0)
        return 0; /* no reads judged, or runs stored before version 5 */
    char   vars[MAX_VARS];
    size_t len = plot__base_vars(p, vars, image, "visibility.tsv", p->title, false);
    plot__vars_add(vars, &len, "nblocks=%zu; ", blocks);
    return plot__run_gnuplot(p, "visibility.gp", vars, image, err);
}

static int plot_cdf(plot_runner *p, db_conn *db, run_list *l, sim_err *err)
{
    char path[PATH_MAX + 128], image[64];
    snprintf(image, sizeof image, "cdf.%s", p->ext);
    FILE *f = plot__open_data(p, "cdf.tsv", path, sizeof path, err);
    if (!f)
        return SIM_EIO;
    int     rc = 0;
    size_t  blocks = 0;
    cdf_acc a = { 0 };
    for (size_t i = 0; i < l->n && rc >= 0; i++)
        if ((rc = cdf_block(f, db, &l->g[i], &a, blocks, err)) > 0) {
            blocks++;
            l->g[i].has_hist = true;
        }
    sim_free(a.b);
    int crc = plot__close_data(f, path, err);
    if (rc < 0)
        return rc;
    if (crc < 0)
        return crc;
    if (blocks == 0)
        return 0; /* nothing stored: no CDF */
    char vars[MAX_VARS];
    char title[700];
    scenario_title(l, "Latency CDF of successful requests, per pattern", title, sizeof title);
    size_t len = plot__base_vars(p, vars, image, "cdf.tsv", title, false);
    plot__vars_add(vars, &len, "nblocks=%zu; pcol='", blocks);
    for (size_t i = 0; i < l->n; i++)
        if (l->g[i].has_hist)
            plot__vars_add(vars, &len, "%s ", plot_pattern_colour(l->g[i].pattern));
    plot__vars_add(vars, &len, "'; ");
    return plot__run_gnuplot(p, "cdf.gp", vars, image, err);
}

/* --- the comparison ---------------------------------------------------------------------- */

/* Mean and 95% half-width of metric m over group g's runs into mean/hw (NaN when no run has
 * it; hw NaN with one value). Returns 0 or an error. */
static int group_metric(db_conn *db, const plot_group *g, const char *m, double *xs, double *mean,
                        double *hw, sim_err *err)
{
    size_t n = 0;
    for (size_t k = 0; k < g->n; k++) {
        double v;
        int    rc = db_read_metric(db, g->ids[k], "all", "", m, &v, err);
        if (rc < 0)
            return rc;
        if (rc > 0 && isfinite(v))
            xs[n++] = v;
    }
    *mean = *hw = NAN;
    if (n > 0)
        stat_ci95(xs, n, mean, hw);
    if (n < 2)
        *hw = NAN;
    return 0;
}

static int plot_compare(plot_runner *p, db_conn *db, const run_list *l, sim_err *err)
{
    size_t maxn = 1;
    for (size_t i = 0; i < l->n; i++)
        maxn = l->g[i].n > maxn ? l->g[i].n : maxn;
    double *all = sim_calloc(l->n * NCOMPARE * 2, sizeof *all);
    double *xs = sim_calloc(maxn, sizeof *xs);
    bool    present[NCOMPARE] = { 0 };
    int     rc = all && xs ? 0 : oom(err);
    for (size_t i = 0; i < l->n && rc >= 0; i++) {
        for (size_t m = 0; m < NCOMPARE && rc >= 0; m++) {
            double *v = &all[(i * NCOMPARE + m) * 2];
            rc = group_metric(db, &l->g[i], compare_metrics[m], xs, &v[0], &v[1], err);
            present[m] |= !isnan(v[0]);
        }
    }
    sim_free(xs);
    char  path[PATH_MAX + 128], image[64], metrics[256] = "";
    FILE *f = rc < 0 ? NULL : plot__open_data(p, "compare.tsv", path, sizeof path, err);
    if (!f) {
        sim_free(all);
        return rc < 0 ? rc : SIM_EIO;
    }
    snprintf(image, sizeof image, "compare.%s", p->ext);
    /* One line per metric, three columns per pattern: mean, 95% half-width and the value as
     * a person reads it ("2,914", "99.877%", "96 s"), which compare.gp prints on the bar, so
     * no number format is left to gnuplot (it would write 1.359e+04). */
    fputs("metric", f);
    for (size_t i = 0; i < l->n; i++) {
        fputc('\t', f);
        plot__put_field(f, l->g[i].pattern);
        fputs("\tci95\tlabel", f);
    }
    fputc('\n', f);
    size_t    nm = 0, ml = 0;
    mark_list tops = { 0 }, lows = { 0 }, labels = { 0 };
    for (size_t m = 0; m < NCOMPARE; m++) {
        if (!present[m])
            continue;
        fputs(compare_metrics[m], f);
        for (size_t i = 0; i < l->n; i++) {
            const double *v = &all[(i * NCOMPARE + m) * 2];
            char          text[64], num[48];
            table_fmt     kind = strcmp(compare_metrics[m], "availability") == 0 ? TABLE_FMT_AVAIL
                    : strcmp(compare_metrics[m], "stale_read_rate") == 0         ? TABLE_FMT_SHARE
                    : strstr(compare_metrics[m], "_ms") || strstr(compare_metrics[m], "_s")
                    ? TABLE_FMT_MS
                    : TABLE_FMT_COUNT;
            /* Counts and latencies from a thousand on: whole and grouped ("2,390", "1,132"). */
            if ((kind == TABLE_FMT_MS || kind == TABLE_FMT_COUNT) && fabs(v[0]) >= 100)
                table_format(num, sizeof num, TABLE_FMT_BYTES, round(v[0])); /* grouped */
            else
                table_format(num, sizeof num, kind, v[0]);
            const char *unit = strstr(compare_metrics[m], "_ms") ? " ms"
                : strcmp(compare_metrics[m], "rto_s") == 0       ? " s"
                                                                 : "";
            snprintf(text, sizeof text, "%s%s", num, isnan(v[0]) ? "" : unit);
            if (!isnan(v[0])) {
                char q[96];
                plot_quote(text, q, sizeof q);
                /* Above the error bar, but an availability's never above 100%. */
                double y = v[0] + (isnan(v[1]) ? 0 : v[1]);
                if (kind == TABLE_FMT_AVAIL && y > 1)
                    y = 1;
                list_add(&labels, "l%zu_%zu=%s; y%zu_%zu=%.9g;", nm + 1, i, q, nm + 1, i, y);
            }
            for (int k = 0; k < 2; k++) {
                fputc('\t', f);
                plot__put_num(f, v[k]);
            }
            fputc('\t', f);
            plot__put_field(f, text);
        }
        fputc('\n', f);
        ml += (size_t)snprintf(metrics + ml, sizeof metrics - ml, "%s%s", nm ? " " : "",
                               compare_metrics[m]);
        nm++;
        /* The panel's extent, in its unit (percent for the shares). */
        double sc = strcmp(compare_metrics[m], "availability") == 0
                || strcmp(compare_metrics[m], "stale_read_rate") == 0
            ? 100
            : 1;
        double hi = -INFINITY, lo = INFINITY;
        for (size_t i = 0; i < l->n; i++) {
            const double *v = &all[(i * NCOMPARE + m) * 2];
            double        h = isnan(v[1]) ? 0 : v[1];
            if (isnan(v[0]))
                continue;
            hi = fmax(hi, (v[0] + h) * sc);
            lo = fmin(lo, (v[0] - h) * sc);
        }
        list_add(&tops, "%.9g", hi);
        list_add(&lows, "%.9g", lo);
    }
    sim_free(all);
    if ((rc = plot__close_data(f, path, err)) < 0)
        return rc;
    if (nm == 0)
        return 0;
    char vars[MAX_VARS], title[700];
    scenario_title(l, "Patterns compared", title, sizeof title);
    size_t len = plot__base_vars(p, vars, image, "compare.tsv", title, maxn > 1);
    plot__vars_add(vars, &len, "metrics='%s'; npat=%zu; height=%d; tops='%s'; lows='%s'; pcol='",
                   metrics, l->n, nm > 3 ? 760 : 440, tops.s, lows.s);
    for (size_t i = 0; i < l->n; i++)
        plot__vars_add(vars, &len, "%s ", plot_pattern_colour(l->g[i].pattern));
    plot__vars_add(vars, &len, "'; %s ", labels.s);
    return plot__run_gnuplot(p, "compare.gp", vars, image, err);
}

/* --- entry point ------------------------------------------------------------------------ */

int plot_db(db_conn *db, const plot_options *o, plot_file_fn *file, void *ctx, sim_err *err)
{
    assert(db && o && o->out_dir);
    plot_runner *p = sim_calloc(1, sizeof *p);
    if (!p)
        return oom(err);
    p->o = o;
    p->ext = o->format == PLOT_SVG ? "svg" : "png";
    p->file = file;
    p->ctx = ctx;
    run_list l = { 0 };
    int      rc = 0;

    if (!plot__find_program("gnuplot", p->gnuplot, sizeof p->gnuplot)) {
        rc = sim_err_set(err, SIM_ENOENT, NULL, "gnuplot not found; install gnuplot-nox");
        goto done;
    }
    /* Absolute, because gnuplot runs inside the output directory. */
    char common[PATH_MAX + 16];
    snprintf(common, sizeof common, "%s/common.gp", plot_script_dir());
    if (plot__absolute(plot_script_dir(), p->dir, sizeof p->dir) < 0
        || plot__absolute(common, p->common, sizeof p->common) < 0
        || access(p->common, R_OK) != 0) {
        rc = plot__io_fail(err,
                           "cannot find the gnuplot scripts (set MRSIM_PLOT_DIR to the folder "
                           "of mrsim's analysis/plots)",
                           common);
        goto done;
    }
    rc = db_plot_runs(db, o->run_id, o->min_id, o->scenario, on_run, &l, err);
    if (rc == SIM_ENOMEM)
        oom(err);
    if (rc < 0)
        goto done;
    if (l.n == 0) {
        if (o->run_id > 0)
            rc = sim_err_set(err, SIM_ENOENT, NULL, "no run with id %lld in the database",
                             (long long)o->run_id);
        else if (o->scenario)
            rc = sim_err_set(err, SIM_ENOENT, NULL,
                             "no runs of scenario \"%s\" in the "
                             "database",
                             o->scenario);
        else
            rc = sim_err_set(err, SIM_ENOENT, NULL, "no runs in the database");
        goto done;
    }
    if ((rc = plot__make_dir(o->out_dir, err)) < 0)
        goto done;
    plot_quote(l.scenario, p->title, sizeof p->title);

    for (size_t i = 0; i < l.n; i++)
        if ((rc = plot_group_series(p, db, &l, &l.g[i], err)) < 0)
            goto done;
    if ((rc = plot_cdf(p, db, &l, err)) < 0 || (rc = plot_visibility(p, db, &l, err)) < 0
        || (rc = plot_compare(p, db, &l, err)) < 0)
        goto done;
    rc = p->nimages;

done:
    run_list_fini(&l);
    sim_free(p);
    return rc;
}

/* For other plot modules (plot_sweep.c): one gnuplot run with the same setup as plot_db. */
int plot_gnuplot(const char *out_dir, const char *script, const char *vars, const char *image,
                 plot_file_fn *file, void *ctx, sim_err *err)
{
    plot_options o = { .out_dir = out_dir };
    plot_runner *p = sim_calloc(1, sizeof *p);
    if (!p)
        return oom(err);
    *p = (plot_runner){ .o = &o, .file = file, .ctx = ctx };
    int  rc = 0;
    char common[PATH_MAX + 16];
    snprintf(common, sizeof common, "%s/common.gp", plot_script_dir());
    if (!plot__find_program("gnuplot", p->gnuplot, sizeof p->gnuplot))
        rc = sim_err_set(err, SIM_ENOENT, NULL, "gnuplot not found; install gnuplot-nox");
    else if (plot__absolute(plot_script_dir(), p->dir, sizeof p->dir) < 0
             || plot__absolute(common, p->common, sizeof p->common) < 0
             || access(p->common, R_OK) != 0)
        rc = plot__io_fail(err,
                           "cannot find the gnuplot scripts (set MRSIM_PLOT_DIR to the "
                           "folder of mrsim's analysis/plots)",
                           common);
    else if ((rc = plot__make_dir(out_dir, err)) == 0)
        rc = plot__run_gnuplot(p, script, vars, image, err);
    sim_free(p);
    return rc;
}
