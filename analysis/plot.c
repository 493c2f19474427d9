/* plot.c - `mrsim plot`'s work: read runs from the results database, write TSV data files,
 * run gnuplot on the scripts in analysis/plots/.
 *
 * For each selected run the monitor's series are read into a table (interval x region x the
 * few metrics the plots use), the event log into fault windows (fault_start/fault_end matched
 * by detail; a start without an end runs to the end of the series) and health flips. Each
 * plot is one gnuplot process: "gnuplot -e VARS common.gp KIND.gp", started with fork/execv
 * (no shell) inside the output directory. VARS assigns only numbers, fixed words of ours,
 * slug-built file names, and the title as a quoted literal (plot_quote). Fault windows and
 * health flips go in VARS as lists of numbers that common.gp turns into shaded rectangles and
 * vertical lines.
 *
 * Rejected: generating a gnuplot script per plot in C (every piece of scenario text would
 * then be a quoting hazard in code, not only the title), and system()/popen() (a shell would
 * parse the command line, a second place for text to turn into code). */
#include "plot.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#ifndef PLOT_SCRIPT_DIR
#define PLOT_SCRIPT_DIR "analysis/plots"
#endif

#define MAX_VARS 8192                         /* the -e argument, bytes */

/* The series metrics the plots use, columns of the table. */
enum { COL_REQUESTS, COL_ERRORS, COL_P50, COL_P99, COL_LAG, NCOLS };
static const char *const col_metric[NCOLS] = {"requests", "errors", "p50_ms", "p99_ms",
                                              "repl_lag_p99_ms"};

/* Headline metrics of the comparison plot (scope all), in order; names known to compare.gp. */
static const char *const compare_metrics[] = {"p99_ms", "availability", "stale_read_rate",
                                              "lost_writes", "rto_s"};
#define NCOMPARE (sizeof compare_metrics / sizeof compare_metrics[0])

typedef struct plot_run {
    int64_t id;
    char   *pattern;                          /* owned */
    char    slug[96];                         /* file-name-safe pattern name */
    double  simulated_s;
} plot_run;

typedef struct run_list {
    plot_run *runs;
    size_t    n, cap;
    char     *scenario;                       /* owned: the first run's scenario name */
} run_list;

typedef struct fault_window {
    double start_s, end_s;                    /* end NaN while open */
    char   detail[128];
} fault_window;

/* One run's series and events. */
typedef struct run_data {
    char  **regions;   size_t nregions, capr; /* owned names, first-seen order */
    double *t;         size_t nt, capt;       /* interval ends, s */
    double *v;         size_t capv;           /* nt x nregions x NCOLS, NaN where missing */
    fault_window *faults; size_t nfaults, capf;
    double *down;      size_t ndown, capd;    /* health_down times, s */
    double *up;        size_t nup, capu;      /* health_up times, s */
    int     oom;                              /* an allocation failed while reading */
} run_data;

/* --- small helpers ------------------------------------------------------------------- */

const char *plot_script_dir(void)
{
    const char *env = getenv("MRSIM_PLOT_DIR");
    return env && env[0] ? env : PLOT_SCRIPT_DIR;
}

size_t plot_quote(const char *s, char *out, size_t n)
{
    assert(n >= 3);
    size_t j = 0;
    out[j++] = '\'';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t need = *p == '\'' ? 2 : 1;
        if (j + need + 2 > n)                 /* room for the closing quote and the NUL */
            break;
        if (*p == '\'') {
            out[j++] = '\'';
            out[j++] = '\'';
        } else {
            out[j++] = (*p < 0x20 || *p == 0x7f) ? ' ' : (char)*p;
        }
    }
    out[j++] = '\'';
    out[j] = '\0';
    return j;
}

/* Text for a TSV field: no tab, newline or other control character (they would split the
 * field or the row) and no double quote (gnuplot reads "..." in data as one quoted field). */
static void put_field(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p == '"' ? '\'' : *p, f);
    if (!s[0])
        fputc('-', f);                        /* an empty header would shift the columns */
}

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else
        fprintf(f, "%.9g", v);
}

/* Grow *p (elements of size sz) so that index 'need' fits. */
static int grow(void *pp, size_t *cap, size_t need, size_t sz)
{
    if (need < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    while (c <= need)
        c *= 2;
    void *q = sim_realloc(*(void **)pp, c * sz);
    if (!q)
        return SIM_ENOMEM;
    *(void **)pp = q;
    *cap = c;
    return 0;
}

static int oom(sim_err *err)
{
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory while plotting");
}

/* --- selecting runs ------------------------------------------------------------------ */

static void make_slug(const char *name, char *out, size_t n)
{
    size_t j = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && j + 1 < n; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
        out[j++] = ok ? (char)*p : '_';
    }
    out[j] = '\0';
    if (j == 0 || out[0] == '.')              /* no hidden or empty names */
        snprintf(out, n, "run");
}

static int on_run(void *ctx, const db_run_row *row)
{
    run_list *l = ctx;
    if (grow(&l->runs, &l->cap, l->n, sizeof *l->runs) < 0)
        return SIM_ENOMEM;
    plot_run *r = &l->runs[l->n];
    *r = (plot_run){.id = row->id, .simulated_s = row->simulated_s};
    if (!(r->pattern = sim_strdup(row->pattern)))
        return SIM_ENOMEM;
    if (!l->scenario && !(l->scenario = sim_strdup(row->scenario))) {
        sim_free(r->pattern);
        return SIM_ENOMEM;
    }
    make_slug(row->pattern, r->slug, 64);
    /* Two pattern names may make the same slug ("a b", "a_b"): the run id tells them apart. */
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->runs[i].slug, r->slug) == 0) {
            char base[64];
            memcpy(base, r->slug, sizeof base);   /* make_slug wrote at most 63 + NUL */
            snprintf(r->slug, sizeof r->slug, "%.63s-%lld", base, (long long)row->id);
            break;
        }
    }
    l->n++;
    return 0;
}

static void run_list_fini(run_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        sim_free(l->runs[i].pattern);
    sim_free(l->runs);
    sim_free(l->scenario);
}

/* --- reading one run ------------------------------------------------------------------ */

static int on_point(void *ctx, double t_s, const char *region, const char *metric, double value)
{
    run_data *d = ctx;
    int col = -1;
    for (int c = 0; c < NCOLS; c++)
        if (strcmp(metric, col_metric[c]) == 0)
            col = c;
    size_t reg = d->nregions;
    for (size_t i = 0; i < d->nregions; i++)
        if (strcmp(d->regions[i], region) == 0)
            reg = i;
    if (reg == d->nregions) {
        /* A new region: every row grows a slot, so rebuild the table (only happens while
         * the first interval is read, before there is much to copy). */
        if (grow(&d->regions, &d->capr, d->nregions, sizeof *d->regions) < 0 ||
            !(d->regions[d->nregions] = sim_strdup(region)))
            return SIM_ENOMEM;
        size_t nr = d->nregions + 1;
        double *v = sim_malloc((d->capt ? d->capt : 1) * nr * NCOLS * sizeof *v);
        if (!v) {
            sim_free(d->regions[d->nregions]);
            return SIM_ENOMEM;
        }
        for (size_t k = 0; k < (d->capt ? d->capt : 1) * nr * NCOLS; k++)
            v[k] = NAN;
        for (size_t i = 0; i < d->nt; i++)
            for (size_t r = 0; r < d->nregions; r++)
                memcpy(&v[(i * nr + r) * NCOLS], &d->v[(i * d->nregions + r) * NCOLS],
                       NCOLS * sizeof *v);
        sim_free(d->v);
        d->v = v;
        d->capv = (d->capt ? d->capt : 1);
        d->nregions = nr;
    }
    if (d->nt == 0 || d->t[d->nt - 1] != t_s) {
        size_t capt = d->capt;
        if (grow(&d->t, &d->capt, d->nt, sizeof *d->t) < 0)
            return SIM_ENOMEM;
        if (d->capt > d->capv) {
            double *v = sim_realloc(d->v, d->capt * d->nregions * NCOLS * sizeof *v);
            if (!v) {
                d->capt = capt;
                return SIM_ENOMEM;
            }
            d->v = v;
            d->capv = d->capt;
        }
        for (size_t k = 0; k < d->nregions * NCOLS; k++)
            d->v[d->nt * d->nregions * NCOLS + k] = NAN;
        d->t[d->nt++] = t_s;
    }
    if (col >= 0)
        d->v[((d->nt - 1) * d->nregions + reg) * NCOLS + (size_t)col] = value;
    return 0;
}

static int on_event(void *ctx, double t_s, const char *kind, const char *detail)
{
    run_data *d = ctx;
    if (strcmp(kind, "fault_start") == 0) {
        if (grow(&d->faults, &d->capf, d->nfaults, sizeof *d->faults) < 0)
            return SIM_ENOMEM;
        fault_window *w = &d->faults[d->nfaults++];
        *w = (fault_window){.start_s = t_s, .end_s = NAN};
        snprintf(w->detail, sizeof w->detail, "%s", detail);
    } else if (strcmp(kind, "fault_end") == 0) {
        /* The earliest open window with the same detail: faults of one kind on one target
         * do not overlap, and if they did, first in first out is the natural pairing. */
        for (size_t i = 0; i < d->nfaults; i++) {
            fault_window *w = &d->faults[i];
            if (isnan(w->end_s) && strncmp(w->detail, detail, sizeof w->detail - 1) == 0) {
                w->end_s = t_s;
                break;
            }
        }
    } else if (strcmp(kind, "health_down") == 0) {
        if (grow(&d->down, &d->capd, d->ndown, sizeof *d->down) < 0)
            return SIM_ENOMEM;
        d->down[d->ndown++] = t_s;
    } else if (strcmp(kind, "health_up") == 0) {
        if (grow(&d->up, &d->capu, d->nup, sizeof *d->up) < 0)
            return SIM_ENOMEM;
        d->up[d->nup++] = t_s;
    }
    return 0;
}

static void run_data_fini(run_data *d)
{
    for (size_t i = 0; i < d->nregions; i++)
        sim_free(d->regions[i]);
    sim_free(d->regions);
    sim_free(d->t);
    sim_free(d->v);
    sim_free(d->faults);
    sim_free(d->down);
    sim_free(d->up);
    memset(d, 0, sizeof *d);
}

static double val(const run_data *d, size_t i, size_t r, int col)
{
    return d->v[(i * d->nregions + r) * NCOLS + (size_t)col];
}

/* --- files and gnuplot ---------------------------------------------------------------- */

typedef struct plotter {
    const plot_options *o;
    const char *ext;                          /* "png" or "svg" */
    char  gnuplot[PATH_MAX];                  /* absolute path of the program */
    char  common[PATH_MAX];                   /* absolute path of common.gp */
    char  dir[PATH_MAX];                      /* the script directory, absolute */
    char  title[1024];                        /* quoted literal: the scenario's name */
    plot_file_fn *file;
    void *ctx;
    int   nimages;
} plotter;

/* err->file = path, cut to fit. */
static void set_file(sim_err *err, const char *path)
{
    if (err)
        snprintf(err->file, sizeof err->file, "%.*s", (int)sizeof err->file - 1, path);
}

static int io_fail(sim_err *err, const char *what, const char *path)
{
    sim_err_set(err, SIM_EIO, NULL, "%s: %s", what, strerror(errno));
    if (err)
        set_file(err, path);
    return SIM_EIO;
}

static FILE *open_data(const plotter *p, const char *name, char *path, size_t n, sim_err *err)
{
    snprintf(path, n, "%s/%s", p->o->out_dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        io_fail(err, "cannot write the plot data", path);
    return f;
}

static int close_data(FILE *f, const char *path, sim_err *err)
{
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad)
        return io_fail(err, "cannot write the plot data", path);
    return 0;
}

/* Find an executable 'name' on PATH into out. */
static bool find_program(const char *name, char *out, size_t n)
{
    const char *path = getenv("PATH");
    if (!path || !path[0])
        path = "/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        int w = snprintf(out, n, "%.*s/%s", (int)len, len ? path : ".", name);
        if (len == 0)
            w = snprintf(out, n, "./%s", name);
        if (w > 0 && (size_t)w < n && access(out, X_OK) == 0)
            return true;
        path += len + (colon ? 1 : 0);
    }
    return false;
}

/* Run "gnuplot -e vars common.gp script" in the output directory and wait for it. */
static int run_gnuplot(plotter *p, const char *script, const char *vars, const char *image,
                       sim_err *err)
{
    char script_path[PATH_MAX + 64];
    snprintf(script_path, sizeof script_path, "%s/%s", p->dir, script);
    if (access(script_path, R_OK) != 0)
        return io_fail(err, "cannot read the gnuplot script (set MRSIM_PLOT_DIR to the "
                            "folder of mrsim's analysis/plots)", script_path);
    char *argv[] = {p->gnuplot, "-e", (char *)vars, p->common, script_path, NULL};
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return io_fail(err, "cannot start gnuplot", p->gnuplot);
    if (pid == 0) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, STDIN_FILENO);
            close(fd);
        }
        if (chdir(p->o->out_dir) != 0)
            _exit(126);
        execv(p->gnuplot, argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return io_fail(err, "cannot wait for gnuplot", p->gnuplot);
    }
    char out[PATH_MAX + 64];
    snprintf(out, sizeof out, "%s/%s", p->o->out_dir, image);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        sim_err_set(err, SIM_EIO, NULL, "gnuplot failed on %s (%s %d)", script,
                    WIFEXITED(status) ? "exit status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        if (err)
            set_file(err, out);
        return SIM_EIO;
    }
    struct stat st;
    if (stat(out, &st) != 0 || st.st_size == 0) {
        sim_err_set(err, SIM_EIO, NULL, "gnuplot wrote no image from %s", script);
        if (err)
            set_file(err, out);
        return SIM_EIO;
    }
    p->nimages++;
    if (p->file)
        p->file(p->ctx, out);
    return 0;
}

/* Append printf-formatted text to vars (size MAX_VARS); false when it does not fit. */
static bool vars_add(char *vars, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool vars_add(char *vars, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(vars + *len, MAX_VARS - *len, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= MAX_VARS - *len) {
        vars[*len] = '\0';
        return false;
    }
    *len += (size_t)w;
    return true;
}

/* The variables every plot gets: format, image and data file names (slug-built), title. */
static size_t base_vars(const plotter *p, char *vars, const char *image, const char *data,
                        const char *title_literal)
{
    size_t len = 0;
    vars_add(vars, &len, "fmt='%s'; out='%s'; data='%s'; title=%s; ", p->ext, image, data,
             title_literal);
    return len;
}

/* Fault windows and health flips as lists of numbers: fx0, fx1 (start and end of each
 * window, s) and hdown, hup (times, s). Windows past the vars' room are dropped. */
static void marker_vars(const run_data *d, double end_s, char *vars, size_t *len)
{
    char x0[2048] = "", x1[2048] = "";
    size_t l0 = 0, l1 = 0;
    for (size_t i = 0; i < d->nfaults; i++) {
        double e = isnan(d->faults[i].end_s) ? end_s : d->faults[i].end_s;
        int w0 = snprintf(x0 + l0, sizeof x0 - l0, "%s%.9g", l0 ? " " : "", d->faults[i].start_s);
        if (w0 < 0 || (size_t)w0 >= sizeof x0 - l0)
            break;
        int w1 = snprintf(x1 + l1, sizeof x1 - l1, "%s%.9g", l1 ? " " : "", e);
        if (w1 < 0 || (size_t)w1 >= sizeof x1 - l1) {
            x0[l0] = '\0';
            break;
        }
        l0 += (size_t)w0;
        l1 += (size_t)w1;
    }
    vars_add(vars, len, "fx0='%s'; fx1='%s'; ", x0, x1);
    const double *lists[2] = {d->down, d->up};
    const size_t counts[2] = {d->ndown, d->nup};
    const char *names[2] = {"hdown", "hup"};
    for (int k = 0; k < 2; k++) {
        char buf[2048] = "";
        size_t l = 0;
        for (size_t i = 0; i < counts[k]; i++) {
            int w = snprintf(buf + l, sizeof buf - l, "%s%.9g", l ? " " : "", lists[k][i]);
            if (w < 0 || (size_t)w >= sizeof buf - l) {
                buf[l] = '\0';
                break;
            }
            l += (size_t)w;
        }
        vars_add(vars, len, "%s='%s'; ", names[k], buf);
    }
}

/* --- the plots -------------------------------------------------------------------------- */

/* The title of a per-pattern plot: "scenario - pattern", quoted. */
static void pattern_title(const run_list *l, const plot_run *r, char *out, size_t n)
{
    char raw[600];
    snprintf(raw, sizeof raw, "%.300s - %.280s", l->scenario, r->pattern);
    plot_quote(raw, out, n);
}

/* The data files of the plots over time: a header line, then one row per interval. */

/* t_s, then p50 and p99 per region. */
static void write_latency(FILE *f, const run_data *d)
{
    fputs("t_s", f);
    for (size_t k = 0; k < d->nregions; k++) {
        fputc('\t', f);
        put_field(f, d->regions[k]);
        fputs(" p50\t", f);
        put_field(f, d->regions[k]);
        fputs(" p99", f);
    }
    fputc('\n', f);
    for (size_t i = 0; i < d->nt; i++) {
        put_num(f, d->t[i]);
        for (size_t k = 0; k < d->nregions; k++) {
            fputc('\t', f);
            put_num(f, val(d, i, k, COL_P50));
            fputc('\t', f);
            put_num(f, val(d, i, k, COL_P99));
        }
        fputc('\n', f);
    }
}

/* Availability and error rate in %, summed over regions, and the requests behind them. */
static void write_availability(FILE *f, const run_data *d)
{
    fputs("t_s\tavailability\terror rate\trequests\n", f);
    for (size_t i = 0; i < d->nt; i++) {
        double req = 0, errs = 0;
        for (size_t k = 0; k < d->nregions; k++) {
            double a = val(d, i, k, COL_REQUESTS), b = val(d, i, k, COL_ERRORS);
            req += isnan(a) ? 0 : a;
            errs += isnan(b) ? 0 : b;
        }
        put_num(f, d->t[i]);
        fputc('\t', f);
        put_num(f, req > 0 ? 100.0 * (1.0 - errs / req) : NAN);
        fputc('\t', f);
        put_num(f, req > 0 ? 100.0 * errs / req : NAN);
        fputc('\t', f);
        put_num(f, req);
        fputc('\n', f);
    }
}

/* Replication lag p99 per region. */
static void write_lag(FILE *f, const run_data *d)
{
    fputs("t_s", f);
    for (size_t k = 0; k < d->nregions; k++) {
        fputc('\t', f);
        put_field(f, d->regions[k]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < d->nt; i++) {
        put_num(f, d->t[i]);
        for (size_t k = 0; k < d->nregions; k++) {
            fputc('\t', f);
            put_num(f, val(d, i, k, COL_LAG));
        }
        fputc('\n', f);
    }
}

/* One plot over time: KIND-SLUG.tsv written by 'write', drawn by KIND.gp into
 * KIND-SLUG.EXT, with the fault and health markers (and the region count when the script
 * draws a line per region). */
static int draw_over_time(plotter *p, const plot_run *r, const run_data *d, const char *kind,
                          void (*write)(FILE *, const run_data *), bool per_region,
                          const char *title, double end_s, char *vars, sim_err *err)
{
    char name[128], image[128], script[64], path[PATH_MAX + 128];
    snprintf(name, sizeof name, "%s-%s.tsv", kind, r->slug);
    snprintf(image, sizeof image, "%s-%s.%s", kind, r->slug, p->ext);
    snprintf(script, sizeof script, "%s.gp", kind);
    FILE *f = open_data(p, name, path, sizeof path, err);
    if (!f)
        return SIM_EIO;
    write(f, d);
    int rc = close_data(f, path, err);
    if (rc < 0)
        return rc;
    size_t len = base_vars(p, vars, image, name, title);
    if (per_region)
        vars_add(vars, &len, "nreg=%zu; ", d->nregions);
    marker_vars(d, end_s, vars, &len);
    return run_gnuplot(p, script, vars, image, err);
}

/* The plots over time of one run: latency, availability, and lag when any was measured. */
static int plot_run_series(plotter *p, const run_list *l, const plot_run *r,
                           const run_data *d, sim_err *err)
{
    char title[1300];
    pattern_title(l, r, title, sizeof title);
    double end_s = d->nt ? d->t[d->nt - 1] : r->simulated_s;
    char *vars = sim_malloc(MAX_VARS);
    if (!vars)
        return oom(err);
    bool lag = false;
    for (size_t i = 0; i < d->nt && !lag; i++)
        for (size_t k = 0; k < d->nregions && !lag; k++)
            lag = !isnan(val(d, i, k, COL_LAG));
    int rc = draw_over_time(p, r, d, "latency", write_latency, true, title, end_s, vars, err);
    if (rc == 0)
        rc = draw_over_time(p, r, d, "availability", write_availability, false, title, end_s,
                            vars, err);
    if (rc == 0 && lag)
        rc = draw_over_time(p, r, d, "lag", write_lag, true, title, end_s, vars, err);
    sim_free(vars);
    return rc;
}

/* The CDF's data: one block per pattern (header line, then latency_ms and the cumulative
 * fraction at each bucket's upper bound), blocks separated by two blank lines. */
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
    if (grow(&a->b, &a->cap, a->n, sizeof *a->b) < 0)
        return SIM_ENOMEM;
    a->b[a->n++] = (cdf_bucket){lo, hi, count};
    return 0;
}

static int plot_cdf(plotter *p, db_conn *db, const run_list *l, sim_err *err)
{
    char path[PATH_MAX + 128], image[64];
    snprintf(image, sizeof image, "cdf.%s", p->ext);
    FILE *f = open_data(p, "cdf.tsv", path, sizeof path, err);
    if (!f)
        return SIM_EIO;
    int rc = 0;
    size_t blocks = 0;
    cdf_acc a = {0};
    for (size_t i = 0; i < l->n && rc == 0; i++) {
        a.n = 0;
        if ((rc = db_read_latency_hist(db, l->runs[i].id, on_bucket, &a, err)) < 0) {
            if (rc == SIM_ENOMEM)
                oom(err);
            break;
        }
        double total = 0;
        for (size_t k = 0; k < a.n; k++)
            total += (double)a.b[k].count;
        if (total <= 0)
            continue;                         /* an older run without a histogram */
        if (blocks++)
            fputs("\n\n", f);
        fputs("latency_ms\t", f);
        put_field(f, l->runs[i].pattern);
        fputc('\n', f);
        double cum = 0;
        for (size_t k = 0; k < a.n; k++) {
            cum += (double)a.b[k].count;
            /* The top bucket has no finite upper bound: use its lower one. */
            int64_t x = a.b[k].hi_ns == INT64_MAX ? a.b[k].lo_ns : a.b[k].hi_ns;
            put_num(f, (double)x / 1e6);
            fputc('\t', f);
            put_num(f, cum / total);
            fputc('\n', f);
        }
    }
    sim_free(a.b);
    int crc = close_data(f, path, err);
    if (rc < 0)
        return rc;
    if (crc < 0)
        return crc;
    if (blocks == 0)
        return 0;                             /* nothing stored: no CDF */
    char vars[MAX_VARS];
    size_t len = base_vars(p, vars, image, "cdf.tsv", p->title);
    vars_add(vars, &len, "nblocks=%zu; ", blocks);
    return run_gnuplot(p, "cdf.gp", vars, image, err);
}

static int plot_compare(plotter *p, db_conn *db, const run_list *l, sim_err *err)
{
    double v[NCOMPARE];
    bool present[NCOMPARE] = {0};
    double *all = sim_calloc(l->n * NCOMPARE, sizeof *all);
    if (!all)
        return oom(err);
    int rc = 0;
    for (size_t i = 0; i < l->n && rc >= 0; i++) {
        for (size_t m = 0; m < NCOMPARE && rc >= 0; m++) {
            rc = db_read_metric(db, l->runs[i].id, "all", "", compare_metrics[m], &v[m], err);
            all[i * NCOMPARE + m] = v[m];
            if (rc > 0 && !isnan(v[m]))
                present[m] = true;
        }
    }
    if (rc < 0) {
        sim_free(all);
        return rc;
    }
    char path[PATH_MAX + 128], image[64], metrics[256] = "";
    snprintf(image, sizeof image, "compare.%s", p->ext);
    FILE *f = open_data(p, "compare.tsv", path, sizeof path, err);
    if (!f) {
        sim_free(all);
        return SIM_EIO;
    }
    fputs("pattern", f);
    size_t nm = 0, ml = 0;
    for (size_t m = 0; m < NCOMPARE; m++) {
        if (!present[m])
            continue;
        fprintf(f, "\t%s", compare_metrics[m]);
        ml += (size_t)snprintf(metrics + ml, sizeof metrics - ml, "%s%s", nm ? " " : "",
                               compare_metrics[m]);
        nm++;
    }
    fputc('\n', f);
    for (size_t i = 0; i < l->n; i++) {
        put_field(f, l->runs[i].pattern);
        for (size_t m = 0; m < NCOMPARE; m++) {
            if (!present[m])
                continue;
            fputc('\t', f);
            put_num(f, all[i * NCOMPARE + m]);
        }
        fputc('\n', f);
    }
    sim_free(all);
    if ((rc = close_data(f, path, err)) < 0)
        return rc;
    if (nm == 0)
        return 0;
    char vars[MAX_VARS];
    size_t len = base_vars(p, vars, image, "compare.tsv", p->title);
    vars_add(vars, &len, "metrics='%s'; npat=%zu; ", metrics, l->n);
    return run_gnuplot(p, "compare.gp", vars, image, err);
}

/* --- entry point ------------------------------------------------------------------------ */

/* path made absolute against the working directory (realpath is not in POSIX.1-2008 base
 * without XSI, and resolving links is not needed). Returns 0 or -1 when it does not fit. */
static int absolute(const char *path, char *out, size_t n)
{
    char cwd[PATH_MAX];
    int w;
    if (path[0] == '/')
        w = snprintf(out, n, "%s", path);
    else if (getcwd(cwd, sizeof cwd))
        w = snprintf(out, n, "%s/%s", cwd, path);
    else
        return -1;
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

static int make_dir(const char *dir, sim_err *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        errno = ENOTDIR;
        return io_fail(err, "cannot use the plot directory", dir);
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return io_fail(err, "cannot create the plot directory", dir);
    return 0;
}

int plot_db(db_conn *db, const plot_options *o, plot_file_fn *file, void *ctx, sim_err *err)
{
    assert(db && o && o->out_dir);
    plotter *p = sim_calloc(1, sizeof *p);
    if (!p)
        return oom(err);
    p->o = o;
    p->ext = o->format == PLOT_SVG ? "svg" : "png";
    p->file = file;
    p->ctx = ctx;
    run_list l = {0};
    run_data d = {0};
    int rc = 0;

    if (!find_program("gnuplot", p->gnuplot, sizeof p->gnuplot)) {
        rc = sim_err_set(err, SIM_ENOENT, NULL, "gnuplot not found; install gnuplot-nox");
        goto done;
    }
    /* Absolute, because gnuplot runs inside the output directory. */
    char common[PATH_MAX + 16];
    snprintf(common, sizeof common, "%s/common.gp", plot_script_dir());
    if (absolute(plot_script_dir(), p->dir, sizeof p->dir) < 0 ||
        absolute(common, p->common, sizeof p->common) < 0 || access(p->common, R_OK) != 0) {
        rc = io_fail(err, "cannot find the gnuplot scripts (set MRSIM_PLOT_DIR to the folder "
                          "of mrsim's analysis/plots)", common);
        goto done;
    }
    rc = db_plot_runs(db, o->run_id, o->scenario, on_run, &l, err);
    if (rc == SIM_ENOMEM)
        oom(err);
    if (rc < 0)
        goto done;
    if (l.n == 0) {
        if (o->run_id > 0)
            rc = sim_err_set(err, SIM_ENOENT, NULL, "no run with id %lld in the database",
                             (long long)o->run_id);
        else if (o->scenario)
            rc = sim_err_set(err, SIM_ENOENT, NULL, "no runs of scenario \"%s\" in the "
                             "database", o->scenario);
        else
            rc = sim_err_set(err, SIM_ENOENT, NULL, "no runs in the database");
        goto done;
    }
    if ((rc = make_dir(o->out_dir, err)) < 0)
        goto done;
    plot_quote(l.scenario, p->title, sizeof p->title);

    for (size_t i = 0; i < l.n; i++) {
        run_data_fini(&d);
        if ((rc = db_read_series(db, l.runs[i].id, on_point, &d, err)) < 0 ||
            (rc = db_read_events(db, l.runs[i].id, on_event, &d, err)) < 0) {
            if (rc == SIM_ENOMEM)
                oom(err);
            goto done;
        }
        if ((rc = plot_run_series(p, &l, &l.runs[i], &d, err)) < 0)
            goto done;
    }
    if ((rc = plot_cdf(p, db, &l, err)) < 0 || (rc = plot_compare(p, db, &l, err)) < 0)
        goto done;
    rc = p->nimages;

done:
    run_data_fini(&d);
    run_list_fini(&l);
    sim_free(p);
    return rc;
}

/* For other plot modules (plot_sweep.c): one gnuplot run with the same setup as plot_db. */
int plot_gnuplot(const char *out_dir, const char *script, const char *vars, const char *image,
                 plot_file_fn *file, void *ctx, sim_err *err)
{
    plot_options o = {.out_dir = out_dir};
    plotter *p = sim_calloc(1, sizeof *p);
    if (!p)
        return oom(err);
    p->o = &o;
    p->file = file;
    p->ctx = ctx;
    int rc = 0;
    char common[PATH_MAX + 16];
    snprintf(common, sizeof common, "%s/common.gp", plot_script_dir());
    if (!find_program("gnuplot", p->gnuplot, sizeof p->gnuplot))
        rc = sim_err_set(err, SIM_ENOENT, NULL, "gnuplot not found; install gnuplot-nox");
    else if (absolute(plot_script_dir(), p->dir, sizeof p->dir) < 0 ||
             absolute(common, p->common, sizeof p->common) < 0 || access(p->common, R_OK) != 0)
        rc = io_fail(err, "cannot find the gnuplot scripts (set MRSIM_PLOT_DIR to the folder "
                          "of mrsim's analysis/plots)", common);
    else if ((rc = make_dir(out_dir, err)) == 0)
        rc = run_gnuplot(p, script, vars, image, err);
    sim_free(p);
    return rc;
}
