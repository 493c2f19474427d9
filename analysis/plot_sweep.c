/* plot_sweep.c - plots of a stored sweep (plot_sweep.h): the sweep's points, parameters and
 * runs read back from the database, each metric's mean and 95% CI per point (stat_ci95),
 * written as TSV and drawn by analysis/plots/sweep-line.gp and sweep-heat.gp through
 * plot_gnuplot (plot.c), so the gnuplot handling (fork/exec, no shell, quoting) is plot.c's.
 *
 * Everything read is kept in flat arrays indexed by point (and dimension or seed): a sweep
 * has at most SCN_SWEEP_MAX_POINTS points, and each metric is one pass over them. */
#include "plot_sweep.h"

#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"

#define MAX_DIMS   8
#define LABEL_N    64
#define MAX_OBJS   16
#define MAX_SERIES 64 /* curves of a line plot; more are left out */
#define VARS_N     4096

typedef struct obj {
    char   metric[64], scope[16], key[128];
    double lo, hi; /* bounds, NaN when absent */
} obj;

typedef struct sweep_data {
    int64_t want, id, npoints, nseeds;
    size_t  ndims;
    char    dims[MAX_DIMS][256];
    char    scenario[256], slo[4096], pattern[128], dimtext[1024];
    char (*labels)[LABEL_N]; /* [npoints * ndims] */
    double  *xs;             /* [npoints * ndims], NaN for names */
    int64_t *runs;           /* [npoints * nseeds], 0 = none */
    obj      objs[MAX_OBJS];
    size_t   nobjs;
} sweep_data;

static int oom(sim_err *err) { return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory"); }

static int on_sweep(void *ctx, const db_sweep_row *r)
{
    sweep_data *d = ctx;
    if (d->want > 0 && r->id != d->want)
        return 0;
    d->id = r->id;
    snprintf(d->pattern, sizeof d->pattern, "%s", r->pattern ? r->pattern : "");
    snprintf(d->dimtext, sizeof d->dimtext, "%s", r->dims);
    d->npoints = r->npoints;
    d->nseeds = r->nseeds;
    snprintf(d->scenario, sizeof d->scenario, "%s", r->scenario);
    snprintf(d->slo, sizeof d->slo, "%s", r->slo);
    d->ndims = 0;
    for (const char *p = r->dims; *p && d->ndims < MAX_DIMS;) {
        size_t len = strcspn(p, "\t");
        snprintf(d->dims[d->ndims++], sizeof d->dims[0], "%.*s", (int)len, p);
        p += len + (p[len] == '\t');
    }
    return 0;
}

static int on_param(void *ctx, int64_t point, int64_t dim, const char *path, const char *value,
                    double x)
{
    sweep_data *d = ctx;
    (void)path;
    if (point < 0 || point >= d->npoints || dim < 0 || (size_t)dim >= d->ndims)
        return 0;
    size_t i = (size_t)point * d->ndims + (size_t)dim;
    snprintf(d->labels[i], LABEL_N, "%s", value);
    d->xs[i] = x;
    return 0;
}

static int on_run(void *ctx, const db_sweep_run *r)
{
    sweep_data *d = ctx;
    if (r->point >= 0 && r->point < d->npoints && r->k >= 0 && r->k < d->nseeds)
        d->runs[r->point * d->nseeds + r->k] = r->run_id;
    return 0;
}

/* "metric\tscope\tkey\tmin\tmax" lines into objs. */
static void parse_slo(sweep_data *d)
{
    const char *p = d->slo;
    while (*p && d->nobjs < MAX_OBJS) {
        obj   *o = &d->objs[d->nobjs];
        char   lo[40] = "", hi[40] = "";
        size_t len = strcspn(p, "\n");
        char   line[512];
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        p += len + (p[len] == '\n');
        char *f[5] = { line };
        int   n = 1;
        for (char *c = line; *c && n < 5; c++)
            if (*c == '\t') {
                *c = '\0';
                f[n++] = c + 1;
            }
        if (n != 5)
            continue;
        /* %.*s: the fields are cut to fit (a longer one is not ours). */
        snprintf(o->metric, sizeof o->metric, "%.*s", (int)sizeof o->metric - 1, f[0]);
        snprintf(o->scope, sizeof o->scope, "%.*s", (int)sizeof o->scope - 1, f[1]);
        snprintf(o->key, sizeof o->key, "%.*s", (int)sizeof o->key - 1, f[2]);
        snprintf(lo, sizeof lo, "%.*s", (int)sizeof lo - 1, f[3]);
        snprintf(hi, sizeof hi, "%.*s", (int)sizeof hi - 1, f[4]);
        o->lo = lo[0] ? strtod(lo, NULL) : NAN;
        o->hi = hi[0] ? strtod(hi, NULL) : NAN;
        d->nobjs++;
    }
}

static void add_obj(sweep_data *d, const char *metric)
{
    if (d->nobjs == MAX_OBJS)
        return;
    obj *o = &d->objs[d->nobjs++];
    *o = (obj){ .lo = NAN, .hi = NAN };
    snprintf(o->metric, sizeof o->metric, "%s", metric);
    snprintf(o->scope, sizeof o->scope, "all");
}

/* Mean and CI half-width of o at point p (NaN when a seed is missing or measured nothing). */
static int point_value(db_conn *db, const sweep_data *d, const obj *o, int64_t p, double *mean,
                       double *ci, sim_err *err)
{
    double v[1000];
    *mean = *ci = NAN;
    if (d->nseeds > 1000)
        return 0;
    for (int64_t k = 0; k < d->nseeds; k++) {
        int64_t run = d->runs[p * d->nseeds + k];
        if (run == 0)
            return 0;
        int rc = db_read_metric(db, run, o->scope, o->key, o->metric, &v[k], err);
        if (rc < 0)
            return rc;
        if (rc == 0 || isnan(v[k]))
            return 0;
    }
    stat_ci95(v, (size_t)d->nseeds, mean, ci);
    return 0;
}

/* A varied path in words with its unit, for an axis: "regions[*].servers" -> "servers per
 * region", "routing.dns_ttl" -> "DNS TTL (s)"; a path it does not know stays as it is. */
static void path_words(const char *path, char *buf, size_t n)
{
    static const struct {
        const char *suffix, *words;
    } known[] = {
        { "regions[*].servers", "servers per region" },
        { ".servers", "servers" },
        { "routing.dns_ttl", "DNS TTL (s)" },
        { "clients[*].rate", "request rate of every client population (requests/s)" },
        { ".rate", "request rate (requests/s)" },
        { ".read_ratio", "share of reads" },
        { ".queue_limit", "queue limit (requests)" },
        { ".timeout", "client timeout (s)" },
        { ".interval", "interval (s)" },
        { ".batch", "replication batch (s)" },
        { "faults[0].region", "region lost" },
    };
    size_t len = strlen(path);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        size_t k = strlen(known[i].suffix);
        if (len >= k && strcmp(path + len - k, known[i].suffix) == 0) {
            if (known[i].suffix[0] == '.' && strncmp(path, "regions[", 8) == 0
                && strncmp(path, "regions[*]", 10) != 0)
                snprintf(buf, n, "%s of %.*s", known[i].words, (int)(len - k), path);
            else
                snprintf(buf, n, "%s", known[i].words);
            return;
        }
    }
    snprintf(buf, n, "%s", path);
}

/* A metric in words with its unit: "p99_ms" with op write -> "write p99 latency (ms)". */
static void metric_words(const char *metric, const char *scope, const char *key, char *buf,
                         size_t n)
{
    char        base[128];
    const char *q[] = { "p50", "p90", "p99", "p999", "mean", "max" };
    base[0] = '\0';
    for (size_t i = 0; i < sizeof q / sizeof q[0] && !base[0]; i++) {
        char name[16];
        snprintf(name, sizeof name, "%s_ms", q[i]);
        if (strcmp(metric, name) == 0)
            snprintf(base, sizeof base, "%s latency (ms)",
                     strcmp(q[i], "p999") == 0 ? "p99.9" : q[i]);
    }
    if (!base[0]) {
        size_t len = strlen(metric);
        if (strcmp(metric, "availability") == 0)
            snprintf(base, sizeof base, "availability (share of requests served)");
        else if (strncmp(metric, "cost_per_", 9) == 0)
            snprintf(base, sizeof base, "cost per %s (currency units)", metric + 9);
        else if (len > 3 && strcmp(metric + len - 3, "_ms") == 0)
            snprintf(base, sizeof base, "%.*s (ms)", (int)(len - 3), metric);
        else if (len > 2 && strcmp(metric + len - 2, "_s") == 0)
            snprintf(base, sizeof base, "%.*s (s)", (int)(len - 2), metric);
        else
            snprintf(base, sizeof base, "%s", metric);
    }
    if (key[0] && strcmp(scope, "op") == 0)
        snprintf(buf, n, "%s %s", key, base);
    else if (key[0])
        snprintf(buf, n, "%s, %s %s", base, scope, key);
    else
        snprintf(buf, n, "%s", base);
}

/* Whether every seed of point p ran and none served a request: the point collapsed. */
static int point_collapsed(db_conn *db, const sweep_data *d, int64_t p, bool *out, sim_err *err)
{
    *out = false;
    for (int64_t k = 0; k < d->nseeds; k++) {
        int64_t run = d->runs[p * d->nseeds + k];
        double  ok = NAN;
        if (run == 0)
            return 0;
        int rc = db_read_metric(db, run, "all", "", "ok", &ok, err);
        if (rc < 0)
            return rc;
        if (rc == 0 || ok != 0)
            return 0;
    }
    *out = true;
    return 0;
}

/* A file-name-safe form of s. */
static void slug(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; *s && o + 1 < n; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        out[o++] = ok ? c : '_';
    }
    out[o] = '\0';
}

/* A label as a TSV field: no tabs or line breaks. */
static void put_label(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' || *s == '"' ? ' ' : *s, f);
}

static void obj_name(const obj *o, char *buf, size_t n)
{
    if (o->key[0])
        snprintf(buf, n, "%s{%s=%s}", o->metric, o->scope, o->key);
    else
        snprintf(buf, n, "%s", o->metric);
}

static int write_fail(sim_err *err, const char *path)
{
    sim_err_set(err, SIM_EIO, NULL, "cannot write the plot data");
    snprintf(err->file, sizeof err->file, "%.*s", (int)sizeof err->file - 1, path);
    return SIM_EIO;
}

/* The series (curve) of point p: the labels of every dimension but xd. */
static void series_key(const sweep_data *d, int64_t p, size_t xd, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < d->ndims && len + 1 < n; j++) {
        if (j == xd)
            continue;
        int w = snprintf(buf + len, n - len, "%s%s=%s", len ? " " : "", d->dims[j],
                         d->labels[(size_t)p * d->ndims + j]);
        len += w > 0 ? (size_t)w : 0;
    }
    if (len >= n)
        buf[n - 1] = '\0';
}

static int line_plot(db_conn *db, const sweep_data *d, const obj *o, size_t xd,
                     const plot_sweep_options *opt, plot_file_fn *file, void *ctx, sim_err *err)
{
    static char keys[MAX_SERIES][256];
    size_t      nser = 0;
    char        name[256], base[200], path[4096], vars[VARS_N], q1[600], q2[600], q3[600];
    obj_name(o, name, sizeof name);
    slug(name, base, sizeof base);
    /* distinct x values, ascending (points are in grid order; values of a dimension may
     * not be sorted) */
    size_t  nx = 0;
    double *x = sim_calloc((size_t)d->npoints + 1, sizeof *x);
    if (!x)
        return oom(err);
    for (int64_t p = 0; p < d->npoints; p++) {
        if (d->runs[p * d->nseeds] == 0)
            continue; /* not run (a bisection skips points) */
        double v = d->xs[(size_t)p * d->ndims + xd];
        bool   seen = false;
        for (size_t i = 0; i < nx && !seen; i++)
            seen = x[i] == v;
        if (!seen && !isnan(v)) {
            size_t i = nx++;
            while (i > 0 && x[i - 1] > v)
                x[i] = x[i - 1], i--;
            x[i] = v;
        }
        char k[256];
        series_key(d, p, xd, k, sizeof k);
        bool known = false;
        for (size_t i = 0; i < nser && !known; i++)
            known = strcmp(keys[i], k) == 0;
        if (!known && nser < MAX_SERIES)
            snprintf(keys[nser++], sizeof keys[0], "%s", k);
    }
    snprintf(path, sizeof path, "%s/sweep-%s.tsv", opt->out_dir, base);
    FILE *f = fopen(path, "w");
    int   rc = 0;
    if (!f) {
        sim_free(x);
        return write_fail(err, path);
    }
    fprintf(f, "x");
    for (size_t s = 0; s < nser; s++) {
        for (int c = 0; c < 3; c++) {
            fputc('\t', f);
            put_label(f, keys[s][0] ? keys[s] : "mean over the seeds");
            fputs(c == 0 ? "" : c == 1 ? " lo" : " hi", f);
        }
    }
    fputc('\n', f);
    char   xt[1024] = "", cx[1024] = "";
    size_t xtl = 0, cxl = 0;
    double ymax = 0;
    for (size_t i = 0; i < nx && rc == 0; i++) {
        int w = snprintf(xt + xtl, sizeof xt - xtl, "%s%.10g", xtl ? " " : "", x[i]);
        if (w > 0 && (size_t)w < sizeof xt - xtl)
            xtl += (size_t)w;
        fprintf(f, "%.17g", x[i]);
        for (size_t s = 0; s < nser && rc == 0; s++) {
            double mean = NAN, ci = NAN;
            for (int64_t p = 0; p < d->npoints; p++) {
                char k[256];
                if (d->runs[p * d->nseeds] == 0 || d->xs[(size_t)p * d->ndims + xd] != x[i])
                    continue;
                series_key(d, p, xd, k, sizeof k);
                if (strcmp(k, keys[s]) == 0) {
                    rc = point_value(db, d, o, p, &mean, &ci, err);
                    /* A point that served nothing has no figure: it is marked on the axis
                     * rather than left out silently. */
                    bool dead = false;
                    if (rc == 0 && isnan(mean))
                        rc = point_collapsed(db, d, p, &dead, err);
                    if (dead) {
                        int w
                            = snprintf(cx + cxl, sizeof cx - cxl, "%s%.10g", cxl ? " " : "", x[i]);
                        if (w > 0 && (size_t)w < sizeof cx - cxl)
                            cxl += (size_t)w;
                    }
                    break;
                }
            }
            if (!isnan(mean) && mean + (isnan(ci) ? 0 : ci) > ymax)
                ymax = mean + (isnan(ci) ? 0 : ci);
            fprintf(f, "\t%.10g\t%.10g\t%.10g", mean, mean - ci, mean + ci);
        }
        fputc('\n', f);
    }
    sim_free(x);
    if ((ferror(f) | fclose(f)) != 0 && rc == 0)
        rc = write_fail(err, path);
    if (rc < 0)
        return rc;
    char        image[300], data[300];
    const char *ext = opt->format == PLOT_SVG ? "svg" : "png";
    snprintf(image, sizeof image, "sweep-%s.%s", base, ext);
    snprintf(data, sizeof data, "sweep-%s.tsv", base);
    char xw[256], yw[256], t[1200];
    path_words(d->dims[xd], xw, sizeof xw);
    metric_words(o->metric, o->scope, o->key, yw, sizeof yw);
    snprintf(t, sizeof t, "%s against %s%s%.100s: %.400s (mean of %lld seeds, 95%% band)", yw, xw,
             d->pattern[0] ? " under " : "", d->pattern, d->scenario, (long long)d->nseeds);
    plot_quote(t, q1, sizeof q1);
    plot_quote(xw, q2, sizeof q2);
    plot_quote(yw, q3, sizeof q3);
    int w = snprintf(vars, sizeof vars,
                     "fmt='%s'; out='%s'; data='%s'; title=%s; "
                     "xlabel=%s; ylabel=%s; nseries=%zu; xt='%s'; cx='%s'; ymax=%.10g; ",
                     ext, image, data, q1, q2, q3, nser, xt, cx, ymax);
    if (!isnan(o->lo) && w > 0 && (size_t)w < sizeof vars)
        w += snprintf(vars + w, sizeof vars - (size_t)w, "slo_lo=%.17g; ", o->lo);
    if (!isnan(o->hi) && w > 0 && (size_t)w < sizeof vars)
        snprintf(vars + w, sizeof vars - (size_t)w, "slo_hi=%.17g; ", o->hi);
    return plot_gnuplot(opt->out_dir, "sweep-line.gp", vars, image, file, ctx, err);
}

static int heat_map(db_conn *db, const sweep_data *d, const obj *o, const plot_sweep_options *opt,
                    plot_file_fn *file, void *ctx, sim_err *err)
{
    char name[256], base[200], path[4096], vars[VARS_N], q1[600], q2[600], q3[600], q4[600];
    obj_name(o, name, sizeof name);
    slug(name, base, sizeof base);
    snprintf(path, sizeof path, "%s/sweep-%s-heat.tsv", opt->out_dir, base);
    FILE *f = fopen(path, "w");
    if (!f)
        return write_fail(err, path);
    /* The cells: the values of each dimension in the order points that were run show them
     * (grid order, so the order of the values); a cell no run covers is NaN. */
    int64_t *first = sim_calloc(2 * (size_t)d->npoints + 2, sizeof *first);
    size_t   n[2] = { 0, 0 };
    if (!first) {
        fclose(f);
        return oom(err);
    }
    for (int64_t p = 0; p < d->npoints; p++) {
        if (d->runs[p * d->nseeds] == 0)
            continue;
        for (size_t j = 0; j < 2; j++) {
            int64_t *fj = first + j * (size_t)d->npoints;
            bool     seen = false;
            for (size_t i = 0; i < n[j] && !seen; i++)
                seen = strcmp(d->labels[(size_t)fj[i] * d->ndims + j],
                              d->labels[(size_t)p * d->ndims + j])
                    == 0;
            if (!seen)
                fj[n[j]++] = p;
        }
    }
    int rc = 0;
    fprintf(f, "ix\tiy\tmean\tx\ty\n");
    for (size_t ix = 0; ix < n[0] && rc == 0; ix++) {
        for (size_t iy = 0; iy < n[1] && rc == 0; iy++) {
            const char *lx = d->labels[(size_t)first[ix] * d->ndims];
            const char *ly = d->labels[(size_t)first[d->npoints + (int64_t)iy] * d->ndims + 1];
            double      mean = NAN, ci;
            for (int64_t p = 0; p < d->npoints; p++)
                if (d->runs[p * d->nseeds] != 0 && strcmp(d->labels[(size_t)p * d->ndims], lx) == 0
                    && strcmp(d->labels[(size_t)p * d->ndims + 1], ly) == 0) {
                    rc = point_value(db, d, o, p, &mean, &ci, err);
                    break;
                }
            fprintf(f, "%zu\t%zu\t%.10g\t", ix, iy, mean);
            put_label(f, lx);
            fputc('\t', f);
            put_label(f, ly);
            fputc('\n', f);
        }
    }
    sim_free(first);
    if ((ferror(f) | fclose(f)) != 0 && rc == 0)
        rc = write_fail(err, path);
    if (rc < 0)
        return rc;
    char        image[300], data[300];
    const char *ext = opt->format == PLOT_SVG ? "svg" : "png";
    snprintf(image, sizeof image, "sweep-%s-heat.%s", base, ext);
    snprintf(data, sizeof data, "sweep-%s-heat.tsv", base);
    char xw[256], yw[256], mw[256], t[1200];
    path_words(d->dims[0], xw, sizeof xw);
    path_words(d->dims[1], yw, sizeof yw);
    metric_words(o->metric, o->scope, o->key, mw, sizeof mw);
    snprintf(t, sizeof t, "%s (mean of %lld seeds) by %s and %s%s%.100s: %.300s", mw,
             (long long)d->nseeds, xw, yw, d->pattern[0] ? " under " : "", d->pattern, d->scenario);
    plot_quote(t, q1, sizeof q1);
    plot_quote(xw, q2, sizeof q2);
    plot_quote(yw, q3, sizeof q3);
    plot_quote(mw, q4, sizeof q4);
    snprintf(vars, sizeof vars,
             "fmt='%s'; out='%s'; data='%s'; title=%s; xlabel=%s; "
             "ylabel=%s; cblabel=%s; ",
             ext, image, data, q1, q2, q3, q4);
    return plot_gnuplot(opt->out_dir, "sweep-heat.gp", vars, image, file, ctx, err);
}

/* --- the patterns overlaid ---------------------------------------------------------- */

/* The sweeps of one scenario that differ only in their pattern (mrsim sweep --pattern all):
 * for each pattern its latest sweep with the same scenario, dimensions and objectives as the
 * reference d. */
typedef struct sibling_ctx {
    const sweep_data *ref;
    int64_t           id[MAX_SERIES];
    char              pattern[MAX_SERIES][128];
    size_t            n;
} sibling_ctx;

static int on_sibling(void *ctx, const db_sweep_row *r)
{
    sibling_ctx *c = ctx;
    if (!r->pattern || strcmp(r->scenario ? r->scenario : "", c->ref->scenario) != 0
        || strcmp(r->dims, c->ref->dimtext) != 0 || strcmp(r->slo ? r->slo : "", c->ref->slo) != 0
        || r->shard)
        return 0;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->pattern[i], r->pattern) == 0) {
            c->id[i] = r->id; /* a later sweep of the same pattern */
            return 0;
        }
    if (c->n < MAX_SERIES) {
        c->id[c->n] = r->id;
        snprintf(c->pattern[c->n++], sizeof c->pattern[0], "%s", r->pattern);
    }
    return 0;
}

static int load_sweep(db_conn *db, int64_t id, sweep_data *d, sim_err *err)
{
    memset(d, 0, sizeof *d);
    d->want = id;
    int rc = db_sweeps(db, on_sweep, d, err);
    if (rc < 0)
        return rc;
    size_t np = (size_t)d->npoints;
    d->labels = sim_calloc(np * d->ndims + 1, sizeof *d->labels);
    d->xs = sim_calloc(np * d->ndims + 1, sizeof *d->xs);
    d->runs = sim_calloc(np * (size_t)d->nseeds + 1, sizeof *d->runs);
    if (!d->labels || !d->xs || !d->runs)
        return oom(err);
    for (size_t i = 0; i < np * d->ndims; i++)
        d->xs[i] = NAN;
    if ((rc = db_sweep_params(db, d->id, on_param, d, err)) < 0
        || (rc = db_sweep_runs(db, d->id, on_run, d, err)) < 0)
        return rc;
    return 0;
}

static void free_sweep(sweep_data *d)
{
    sim_free(d->labels);
    sim_free(d->xs);
    sim_free(d->runs);
}

/* One curve per pattern: at each value of dimension xd the worst point over the other
 * dimensions (the highest mean, or the lowest for a metric with only a lower bound, such as
 * availability: "under every single-region loss"), with its 95% interval, in the pattern's
 * colour; the SLO's bounds dashed. sweep-METRIC-patterns.EXT. */
static int overlay_plot(db_conn *db, const sweep_data *ref, const sibling_ctx *sib, const obj *o,
                        size_t xd, const plot_sweep_options *opt, plot_file_fn *file, void *ctx,
                        sim_err *err)
{
    char name[256], base[200], path[4096], vars[VARS_N], q1[800], q2[600], q3[600];
    obj_name(o, name, sizeof name);
    slug(name, base, sizeof base);
    bool    worst_low = !isnan(o->lo) && isnan(o->hi);
    size_t  nx = 0;
    double  x[256];
    double *mean = sim_calloc(sib->n * 256, sizeof *mean),
           *half = sim_calloc(sib->n * 256, sizeof *half);
    if (!mean || !half) {
        sim_free(mean);
        sim_free(half);
        return oom(err);
    }
    for (size_t i = 0; i < sib->n * 256; i++)
        mean[i] = half[i] = NAN;
    int rc = 0;
    for (size_t s = 0; s < sib->n && rc == 0; s++) {
        sweep_data *d = sim_calloc(1, sizeof *d);
        if (!d) {
            rc = oom(err);
            break;
        }
        rc = load_sweep(db, sib->id[s], d, err);
        for (int64_t p = 0; rc == 0 && p < d->npoints; p++) {
            if (d->runs[p * d->nseeds] == 0)
                continue;
            double v = d->xs[(size_t)p * d->ndims + xd];
            if (isnan(v))
                continue;
            size_t i = 0;
            while (i < nx && x[i] != v)
                i++;
            if (i == nx) {
                if (nx == 256)
                    continue;
                x[nx++] = v;
            }
            double m, h;
            if ((rc = point_value(db, d, o, p, &m, &h, err)) < 0 || isnan(m))
                continue;
            double *cur = &mean[s * 256 + i];
            if (isnan(*cur) || (worst_low ? m < *cur : m > *cur)) {
                *cur = m;
                half[s * 256 + i] = h;
            }
        }
        free_sweep(d);
        sim_free(d);
    }
    /* x ascending, carrying each pattern's column along. */
    for (size_t i = 1; i < nx; i++)
        for (size_t j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double t = x[j];
            x[j] = x[j - 1], x[j - 1] = t;
            for (size_t s = 0; s < sib->n; s++) {
                double *a = &mean[s * 256], *b = &half[s * 256];
                t = a[j], a[j] = a[j - 1], a[j - 1] = t;
                t = b[j], b[j] = b[j - 1], b[j - 1] = t;
            }
        }
    snprintf(path, sizeof path, "%s/sweep-%s-patterns.tsv", opt->out_dir, base);
    FILE *f = rc == 0 ? fopen(path, "w") : NULL;
    if (rc == 0 && !f)
        rc = write_fail(err, path);
    char   xt[1024] = "", pcol[MAX_SERIES * 8 + 1] = "";
    size_t xtl = 0, pl = 0;
    double ymax = 0;
    if (f) {
        fputs("x", f);
        for (size_t s = 0; s < sib->n; s++) {
            for (int c = 0; c < 3; c++) {
                fputc('\t', f);
                put_label(f, sib->pattern[s]);
                fputs(c == 0 ? "" : c == 1 ? " lo" : " hi", f);
            }
            int w = snprintf(pcol + pl, sizeof pcol - pl, "%s ",
                             plot_pattern_colour(sib->pattern[s]));
            pl += w > 0 && (size_t)w < sizeof pcol - pl ? (size_t)w : 0;
        }
        fputc('\n', f);
        for (size_t i = 0; i < nx; i++) {
            int w = snprintf(xt + xtl, sizeof xt - xtl, "%s%.10g", xtl ? " " : "", x[i]);
            if (w > 0 && (size_t)w < sizeof xt - xtl)
                xtl += (size_t)w;
            fprintf(f, "%.17g", x[i]);
            for (size_t s = 0; s < sib->n; s++) {
                double m = mean[s * 256 + i], h = half[s * 256 + i];
                if (!isnan(m) && m + (isnan(h) ? 0 : h) > ymax)
                    ymax = m + (isnan(h) ? 0 : h);
                fprintf(f, "\t%.10g\t%.10g\t%.10g", m, m - h, m + h);
            }
            fputc('\n', f);
        }
        if ((ferror(f) | fclose(f)) != 0)
            rc = write_fail(err, path);
    }
    sim_free(mean);
    sim_free(half);
    if (rc < 0)
        return rc;
    char        image[300], data[300], xw[256], yw[256], t[1200];
    const char *ext = opt->format == PLOT_SVG ? "svg" : "png";
    snprintf(image, sizeof image, "sweep-%s-patterns.%s", base, ext);
    snprintf(data, sizeof data, "sweep-%s-patterns.tsv", base);
    path_words(ref->dims[xd], xw, sizeof xw);
    metric_words(o->metric, o->scope, o->key, yw, sizeof yw);
    snprintf(t, sizeof t,
             "%s against %s, per pattern (worst case over the other dimensions): %.300s", yw, xw,
             ref->scenario);
    plot_quote(t, q1, sizeof q1);
    plot_quote(xw, q2, sizeof q2);
    plot_quote(yw, q3, sizeof q3);
    int w = snprintf(vars, sizeof vars,
                     "fmt='%s'; out='%s'; data='%s'; title=%s; xlabel=%s; ylabel=%s; "
                     "nseries=%zu; xt='%s'; ymax=%.10g; pcol='%s'; ",
                     ext, image, data, q1, q2, q3, sib->n, xt, ymax, pcol);
    if (!isnan(o->lo) && w > 0 && (size_t)w < sizeof vars)
        w += snprintf(vars + w, sizeof vars - (size_t)w, "slo_lo=%.17g; ", o->lo);
    if (!isnan(o->hi) && w > 0 && (size_t)w < sizeof vars)
        snprintf(vars + w, sizeof vars - (size_t)w, "slo_hi=%.17g; ", o->hi);
    return plot_gnuplot(opt->out_dir, "sweep-line.gp", vars, image, file, ctx, err);
}

int plot_sweep(db_conn *db, const plot_sweep_options *o, plot_file_fn *file, void *ctx,
               sim_err *err)
{
    sweep_data *d = sim_calloc(1, sizeof *d);
    if (!d)
        return oom(err);
    d->want = o->sweep_id;
    int rc = db_sweeps(db, on_sweep, d, err), images = 0;
    if (rc < 0)
        goto done;
    if (d->id == 0) {
        rc = o->sweep_id > 0 ? sim_err_set(err, SIM_ENOENT, NULL,
                                           "no sweep with id %lld in "
                                           "the database",
                                           (long long)o->sweep_id)
                             : sim_err_set(err, SIM_ENOENT, NULL, "no sweep in the database");
        goto done;
    }
    size_t np = (size_t)d->npoints;
    d->labels = sim_calloc(np * d->ndims + 1, sizeof *d->labels);
    d->xs = sim_calloc(np * d->ndims + 1, sizeof *d->xs);
    d->runs = sim_calloc(np * (size_t)d->nseeds + 1, sizeof *d->runs);
    if (!d->labels || !d->xs || !d->runs) {
        rc = oom(err);
        goto done;
    }
    for (size_t i = 0; i < np * d->ndims; i++)
        d->xs[i] = NAN;
    if ((rc = db_sweep_params(db, d->id, on_param, d, err)) < 0
        || (rc = db_sweep_runs(db, d->id, on_run, d, err)) < 0)
        goto done;
    if (rc == 0) {
        rc = sim_err_set(err, SIM_ENOENT, NULL, "sweep %lld has no runs", (long long)d->id);
        goto done;
    }
    if (mkdir(o->out_dir, 0777) != 0 && errno != EEXIST) {
        rc = sim_err_set(err, SIM_EIO, NULL, "cannot create the plot directory: %s",
                         strerror(errno));
        snprintf(err->file, sizeof err->file, "%.*s", (int)sizeof err->file - 1, o->out_dir);
        goto done;
    }
    parse_slo(d);
    for (size_t i = 0; i < o->nmetrics; i++)
        add_obj(d, o->metrics[i]);
    if (d->nobjs == 0) {
        add_obj(d, "availability");
        add_obj(d, "p99_ms");
    }
    /* x: the first dimension that is numeric at every point that was run. */
    size_t xd = d->ndims;
    for (size_t j = 0; j < d->ndims && xd == d->ndims; j++) {
        bool numeric = true;
        for (size_t p = 0; p < np && numeric; p++)
            if (d->runs[p * (size_t)d->nseeds] != 0 && d->labels[p * d->ndims + j][0])
                numeric = !isnan(d->xs[p * d->ndims + j]);
        if (numeric)
            xd = j;
    }
    for (size_t i = 0; i < d->nobjs; i++) {
        if (xd < d->ndims) {
            if ((rc = line_plot(db, d, &d->objs[i], xd, o, file, ctx, err)) < 0)
                goto done;
            images++;
        }
        if (d->ndims == 2) {
            if ((rc = heat_map(db, d, &d->objs[i], o, file, ctx, err)) < 0)
                goto done;
            images++;
        }
    }
    /* The same sweep run for other patterns (--pattern all): their curves on one plot. */
    if (xd < d->ndims && d->pattern[0]) {
        sibling_ctx *sib = sim_calloc(1, sizeof *sib);
        if (!sib) {
            rc = oom(err);
            goto done;
        }
        sib->ref = d;
        rc = db_sweeps(db, on_sibling, sib, err);
        for (size_t i = 0; rc >= 0 && sib->n > 1 && i < d->nobjs; i++) {
            if ((rc = overlay_plot(db, d, sib, &d->objs[i], xd, o, file, ctx, err)) < 0)
                break;
            images++;
        }
        sim_free(sib);
        if (rc < 0)
            goto done;
    }
    rc = images;
    if (images == 0)
        rc = sim_err_set(err, SIM_ENOENT, NULL,
                         "nothing to plot: no numeric dimension and "
                         "not two dimensions");
done:
    if (d) {
        sim_free(d->labels);
        sim_free(d->xs);
        sim_free(d->runs);
    }
    sim_free(d);
    return rc;
}
