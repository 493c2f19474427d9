/* plot-data.c - the data behind the plots over time: runs read from the results database
 * into tables, and the TSV files gnuplot draws from.
 *
 * A run's series (interval x region x metric rows) become a dense table of the few metrics
 * the plots use; its event log becomes fault windows (fault_start/fault_end matched by
 * detail; a start without an end runs to the end of the series), health flips and failover
 * steps. The plot kinds below derive their columns from that table, and write_series
 * averages them over the seeds of a pattern: the runs of one scenario text share their
 * intervals and regions, so interval i and column c mean the same thing in every run.
 *
 * Rejected: averaging the raw series rows in SQL (AVG ... GROUP BY t_s, region, metric).
 * Availability and the error rate are ratios of sums over regions, which must be formed per
 * run before averaging, and the interval needs the spread of the values anyway. */
#include "plot-int.h"

#include <math.h>
#include <string.h>

#include "stat.h"

static const char *const col_metric[PLOT_NCOLS] = {
    [PLOT_REQUESTS] = "requests", [PLOT_ERRORS] = "errors",       [PLOT_P50] = "p50_ms",
    [PLOT_P99] = "p99_ms",        [PLOT_LAG] = "repl_lag_p99_ms", [PLOT_STALE] = "stale_read_rate",
};

/* --- small helpers ------------------------------------------------------------------- */

void plot__put_field(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p == '"' ? '\'' : *p, f);
    if (!s[0])
        fputc('-', f); /* an empty header would shift the columns */
}

void plot__put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("NaN", f);
    else
        fprintf(f, "%.9g", v);
}

static double val(const plot_data *d, size_t i, size_t r, int col)
{
    return d->v[(i * d->nregions + r) * PLOT_NCOLS + (size_t)col];
}

/* --- reading one run ----------------------------------------------------------------- */

/* A new region: every row grows a slot, so rebuild the table (only happens while the first
 * interval is read, before there is much to copy). */
static int add_region(plot_data *d, const char *region)
{
    if (sim_grow(&d->regions, &d->capr, d->nregions, sizeof *d->regions) < 0
        || !(d->regions[d->nregions] = sim_strdup(region)))
        return SIM_ENOMEM;
    size_t  nr = d->nregions + 1, rows = d->capt ? d->capt : 1;
    double *v = sim_malloc(rows * nr * PLOT_NCOLS * sizeof *v);
    if (!v) {
        sim_free(d->regions[d->nregions]);
        return SIM_ENOMEM;
    }
    for (size_t k = 0; k < rows * nr * PLOT_NCOLS; k++)
        v[k] = NAN;
    for (size_t i = 0; i < d->nt; i++)
        for (size_t r = 0; r < d->nregions; r++)
            memcpy(&v[(i * nr + r) * PLOT_NCOLS], &d->v[(i * d->nregions + r) * PLOT_NCOLS],
                   PLOT_NCOLS * sizeof *v);
    sim_free(d->v);
    d->v = v;
    d->capv = rows;
    d->nregions = nr;
    return 0;
}

static int add_interval(plot_data *d, double t_s)
{
    size_t capt = d->capt;
    if (sim_grow(&d->t, &d->capt, d->nt, sizeof *d->t) < 0)
        return SIM_ENOMEM;
    if (d->capt > d->capv) {
        double *v = sim_realloc(d->v, d->capt * d->nregions * PLOT_NCOLS * sizeof *v);
        if (!v) {
            d->capt = capt;
            return SIM_ENOMEM;
        }
        d->v = v;
        d->capv = d->capt;
    }
    for (size_t k = 0; k < d->nregions * PLOT_NCOLS; k++)
        d->v[d->nt * d->nregions * PLOT_NCOLS + k] = NAN;
    d->t[d->nt++] = t_s;
    return 0;
}

static int on_point(void *ctx, double t_s, const char *region, const char *metric, double value)
{
    plot_data *d = ctx;
    int        col = -1;
    for (int c = 0; c < PLOT_NCOLS; c++)
        if (strcmp(metric, col_metric[c]) == 0)
            col = c;
    size_t reg = d->nregions;
    for (size_t i = 0; i < d->nregions; i++)
        if (strcmp(d->regions[i], region) == 0)
            reg = i;
    if (reg == d->nregions && add_region(d, region) < 0)
        return SIM_ENOMEM;
    if ((d->nt == 0 || d->t[d->nt - 1] != t_s) && add_interval(d, t_s) < 0)
        return SIM_ENOMEM;
    if (col >= 0)
        d->v[((d->nt - 1) * d->nregions + reg) * PLOT_NCOLS + (size_t)col] = value;
    return 0;
}

static int add_time(double **list, size_t *n, size_t *cap, double t_s)
{
    if (sim_grow(list, cap, *n, sizeof **list) < 0)
        return SIM_ENOMEM;
    (*list)[(*n)++] = t_s;
    return 0;
}

/* "failover.promote" -> "promote": what follows "failover" and one separator, reduced to
 * characters that are safe inside a quoted gnuplot string and in a word list. */
static void step_label(const char *kind, char *out, size_t n)
{
    const char *s = kind + strlen("failover");
    if (*s == '.' || *s == '_' || *s == '-' || *s == ':')
        s++;
    size_t j = 0;
    for (; *s && j + 1 < n; s++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        out[j++] = ok ? c : '_';
    }
    out[j] = '\0';
    if (j == 0)
        snprintf(out, n, "failover");
}

static int on_event(void *ctx, double t_s, const char *kind, const char *detail)
{
    plot_data *d = ctx;
    if (strcmp(kind, "fault_start") == 0) {
        if (sim_grow(&d->faults, &d->capf, d->nfaults, sizeof *d->faults) < 0)
            return SIM_ENOMEM;
        plot_window *w = &d->faults[d->nfaults++];
        *w = (plot_window){ .start_s = t_s, .end_s = NAN };
        snprintf(w->detail, sizeof w->detail, "%s", detail);
    } else if (strcmp(kind, "fault_end") == 0) {
        /* The earliest open window with the same detail: faults of one kind on one target
         * do not overlap, and if they did, first in first out is the natural pairing. */
        for (size_t i = 0; i < d->nfaults; i++) {
            plot_window *w = &d->faults[i];
            if (isnan(w->end_s) && strncmp(w->detail, detail, sizeof w->detail - 1) == 0) {
                w->end_s = t_s;
                break;
            }
        }
    } else if (strcmp(kind, "health_down") == 0) {
        return add_time(&d->down, &d->ndown, &d->capd, t_s);
    } else if (strcmp(kind, "health_up") == 0) {
        return add_time(&d->up, &d->nup, &d->capu, t_s);
    } else if (strncmp(kind, "failover", strlen("failover")) == 0) {
        if (sim_grow(&d->steps, &d->caps, d->nsteps, sizeof *d->steps) < 0)
            return SIM_ENOMEM;
        plot_step *s = &d->steps[d->nsteps++];
        s->t_s = t_s;
        step_label(kind, s->label, sizeof s->label);
    }
    return 0;
}

int plot__read_run(db_conn *db, int64_t run_id, plot_data *d, sim_err *err)
{
    int rc = db_read_series(db, run_id, on_point, d, err);
    if (rc == 0)
        rc = db_read_events(db, run_id, on_event, d, err);
    if (rc == SIM_ENOMEM)
        sim_err_set(err, SIM_ENOMEM, NULL, "out of memory while plotting");
    return rc;
}

void plot__data_fini(plot_data *d)
{
    for (size_t i = 0; i < d->nregions; i++)
        sim_free(d->regions[i]);
    sim_free(d->regions);
    sim_free(d->t);
    sim_free(d->v);
    sim_free(d->faults);
    sim_free(d->down);
    sim_free(d->up);
    sim_free(d->steps);
    memset(d, 0, sizeof *d);
}

/* --- the kinds of plots over time ------------------------------------------------------ */

static size_t per_region_2(const plot_data *d) { return 2 * d->nregions; }

/* Latency: p50 and p99 per region, ms: columns 2r (p50) and 2r + 1 (p99). */
static void latency_header(FILE *f, const plot_data *d, size_t c)
{
    plot__put_field(f, d->regions[c / 2]);
    fputs(c % 2 ? " p99" : " p50", f);
}

static double latency_value(const plot_data *d, size_t i, size_t c)
{
    return val(d, i, c / 2, c % 2 ? PLOT_P99 : PLOT_P50);
}

const plot_kind plot__latency = { "latency", true, per_region_2, latency_header, latency_value };

/* Availability and error rate in %, of the requests of all regions together. */
static size_t availability_ncols(const plot_data *d)
{
    (void)d;
    return 2;
}

static void availability_header(FILE *f, const plot_data *d, size_t c)
{
    (void)d;
    fputs(c == 0 ? "availability" : "error rate", f);
}

static double availability_value(const plot_data *d, size_t i, size_t c)
{
    double req = 0, errs = 0;
    for (size_t k = 0; k < d->nregions; k++) {
        double a = val(d, i, k, PLOT_REQUESTS), b = val(d, i, k, PLOT_ERRORS);
        req += isnan(a) ? 0 : a;
        errs += isnan(b) ? 0 : b;
    }
    if (req <= 0)
        return NAN;
    return c == 0 ? 100.0 * (1.0 - errs / req) : 100.0 * errs / req;
}

const plot_kind plot__availability
    = { "availability", false, availability_ncols, availability_header, availability_value };

/* Consistency: replication lag p99 per region (ms, columns 0 .. nreg-1), then the stale-read
 * rate per region (%, columns nreg .. 2 nreg - 1). */
static void consistency_header(FILE *f, const plot_data *d, size_t c)
{
    plot__put_field(f, d->regions[c % d->nregions]);
}

static double consistency_value(const plot_data *d, size_t i, size_t c)
{
    if (c < d->nregions)
        return val(d, i, c, PLOT_LAG);
    return 100.0 * val(d, i, c - d->nregions, PLOT_STALE);
}

const plot_kind plot__consistency
    = { "consistency", true, per_region_2, consistency_header, consistency_value };

/* --- writing --------------------------------------------------------------------------- */

bool plot__has_values(const plot_kind *k, plot_data *const *d, size_t n, size_t c0, size_t c1)
{
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < d[r]->nt; i++)
            for (size_t c = c0; c < c1 && c < k->ncols(d[r]); c++)
                if (!isnan(k->value(d[r], i, c)))
                    return true;
    return false;
}

/* Whether run d has interval i at time t_s and the same columns as the first run. */
static bool comparable(const plot_kind *k, const plot_data *d, const plot_data *first, size_t i)
{
    return i < d->nt && d->t[i] == first->t[i] && k->ncols(d) == k->ncols(first);
}

int plot__write_series(FILE *f, const plot_kind *k, plot_data *const *d, size_t n)
{
    const plot_data *first = d[0];
    size_t           nc = k->ncols(first);
    double          *xs = sim_malloc((n ? n : 1) * sizeof *xs);
    if (!xs)
        return SIM_ENOMEM;
    fputs("t_s", f);
    for (size_t c = 0; c < nc; c++) {
        for (int part = 0; part < 3; part++) {
            fputc('\t', f);
            k->header(f, first, c);
            fputs(part == 0 ? "" : part == 1 ? " lo" : " hi", f);
        }
    }
    fputc('\n', f);
    for (size_t i = 0; i < first->nt; i++) {
        plot__put_num(f, first->t[i]);
        for (size_t c = 0; c < nc; c++) {
            size_t m = 0;
            for (size_t r = 0; r < n; r++) {
                double x = comparable(k, d[r], first, i) ? k->value(d[r], i, c) : NAN;
                if (!isnan(x))
                    xs[m++] = x;
            }
            double mean = NAN, hw = NAN;
            if (m > 0)
                stat_ci95(xs, m, &mean, &hw);
            bool band = m >= 2;
            fputc('\t', f);
            plot__put_num(f, mean);
            fputc('\t', f);
            plot__put_num(f, band ? mean - hw : NAN);
            fputc('\t', f);
            plot__put_num(f, band ? mean + hw : NAN);
        }
        fputc('\n', f);
    }
    sim_free(xs);
    return 0;
}
