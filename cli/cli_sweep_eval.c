/* cli_sweep_eval.c - `mrsim sweep`'s figures, objectives, search and report.
 *
 * Figures: an objective's metric at a point is the mean over the point's seeds with the
 * half-width of its 95% confidence interval (stat_ci95, Student's t), read back from the
 * stored runs. An objective holds at a point when its bounds hold for the whole interval
 * (confidence "bound", the default: mean + ci <= max, mean - ci >= min; expect_meets_ci) or
 * for the mean (confidence "mean"). A value a run did not measure (NaN) fails every bound.
 *
 * The search (--minimize PATH) is a bisection over the index of PATH's values: candidate v
 * passes when every objective holds at every point whose PATH is v (every combination of the
 * other dimensions: every region lost, every load, ...). It assumes monotonicity: if v
 * passes, every larger value passes. It evaluates the largest value first (if that fails,
 * nothing does) and then halves, so a dimension of n values costs 1 + ceil(log2 n)
 * candidates rather than n. Without monotonicity the answer is a value that passes whose
 * predecessor fails, not necessarily the smallest; the grid (no --minimize) shows all.
 *
 * --minimize METRIC: every point of the grid is run and the answer is the point, among those
 * where every objective holds, with the smallest mean of METRIC (ties: the lower point). */
#include "cli_sweep.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "stat.h"
#include "table.h"

typedef struct fig {
    double mean, ci; /* NaN mean: something was not measured */
    bool   holds;
} fig;

/* The figures shown when the sweep has no objectives. */
static const scn_expect default_figs[] = { { .metric = "availability" }, { .metric = "p99_ms" } };

static const scn_expect *figs_of(const sweep *s, size_t *n)
{
    if (s->sw->nslo > 0) {
        *n = s->sw->nslo;
        return s->sw->slo;
    }
    *n = sizeof default_figs / sizeof default_figs[0];
    return default_figs;
}

/* Objective x at point p over its seeds (all stored). */
static int point_fig(sweep *s, size_t p, const scn_expect *x, fig *f)
{
    double      v[SCN_SWEEP_MAX_SEEDS];
    run_scope   scope;
    const char *key;
    sim_err     err = { 0 };
    char        desc[256];
    if (!expect_scope(x, &scope, &key)) {
        expect_describe(x, desc, sizeof desc);
        fprintf(stderr, "%s: %s: give \"op\" or \"region\", not both\n", s->file, desc);
        return CLI_EXIT_FAIL;
    }
    for (size_t k = 0; k < s->nseeds; k++) {
        /* ensure() ran the point and reload() read its ids back: every seed is stored. */
        assert(s->run_of[p * s->nseeds + k] != 0);
        int rc = db_read_metric(s->db, s->run_of[p * s->nseeds + k], run_scope_name(scope), key,
                                x->metric, &v[k], &err);
        if (rc < 0)
            return cli_print_error(&err);
        if (rc == 0) {
            expect_describe(x, desc, sizeof desc);
            fprintf(stderr, "%s: objective %s: unknown metric \"%s\"%s%s\n", s->file, desc,
                    x->metric, key[0] ? " for " : "", key);
            return CLI_EXIT_FAIL;
        }
    }
    *f = (fig){ .mean = NAN, .ci = NAN };
    bool nan = false;
    for (size_t k = 0; k < s->nseeds; k++)
        nan = nan || isnan(v[k]);
    if (!nan)
        stat_ci95(v, s->nseeds, &f->mean, &f->ci);
    f->holds = s->sw->confidence == SCN_CONF_MEAN
        ? expect_meets(x, f->mean)
        : expect_meets_ci(x, f->mean - f->ci, f->mean + f->ci);
    return 0;
}

/* Whether every objective holds at p. */
static int point_holds(sweep *s, size_t p, bool *holds)
{
    *holds = true;
    for (size_t i = 0; i < s->sw->nslo; i++) {
        fig f;
        int rc = point_fig(s, p, &s->sw->slo[i], &f);
        if (rc)
            return rc;
        *holds = *holds && f.holds;
    }
    return 0;
}

/* Run the points of pts[0..n) that are not stored yet. */
static int ensure(sweep *s, const size_t *pts, size_t n)
{
    size_t *jobs = sim_calloc(n * s->nseeds + 1, sizeof *jobs);
    if (!jobs) {
        fprintf(stderr, "mrsim sweep: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    size_t nj = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < s->nseeds; k++)
            jobs[nj++] = pts[i] * s->nseeds + k;
    for (size_t i = 0; i < nj; i++)
        if (s->run_of[jobs[i]] != 0)
            s->runs_done++;
    s->runs_total += nj;
    int rc = sweep_run_jobs(s, jobs, nj);
    sim_free(jobs);
    return rc;
}

static void point_params(const sweep *s, size_t p, char *buf, size_t n)
{
    size_t idx[SCN_SWEEP_MAX_DIMS], len = 0;
    scn_sweep_coords(s->sw, p, idx);
    buf[0] = '\0';
    for (size_t d = 0; d < s->sw->ndims && len + 1 < n; d++) {
        int w = snprintf(buf + len, n - len, "%s%s=%s", d ? " " : "", s->sw->dims[d].path,
                         s->sw->dims[d].values[idx[d]].label);
        len += w > 0 ? (size_t)w : 0;
    }
}

/* A number for people: no exponent, thousands grouped ("12,345"); up to 6 significant
 * digits below 1000 (an availability needs them: 0.99938). */
static void human(char *buf, size_t n, double v, int sig)
{
    double a = fabs(v);
    if (a >= 1000) {
        table_format(buf, n, TABLE_FMT_COUNT, v);
        return;
    }
    if (a == 0) {
        snprintf(buf, n, "0");
        return;
    }
    int decimals = sig - 1 - (int)floor(log10(a));
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    snprintf(buf, n, "%.*f", decimals, v);
    /* Trailing zeros say nothing: "0.99938", not "0.999380". */
    if (strchr(buf, '.')) {
        char *end = buf + strlen(buf);
        while (end[-1] == '0')
            *--end = '\0';
        if (end[-1] == '.')
            end[-1] = '\0';
    }
}

/* fig's text: "12.3±0.4"; for a point that measured nothing, what happened instead of
 * "nan±nan": "collapsed: 0 of 12,000 requests served" when no request of the objective's
 * scope succeeded, "not measured" otherwise (an rto_s with no recovery in the run). */
static int fig_text(sweep *s, size_t p, const scn_expect *x, const fig *f, char *buf, size_t n)
{
    if (!isnan(f->mean)) {
        char m[48], h[48];
        human(m, sizeof m, f->mean, 6);
        human(h, sizeof h, f->ci, 2);
        snprintf(buf, n, "%s±%s", m, h);
        return 0;
    }
    scn_expect req = *x, ok = *x;
    req.metric = "requests";
    ok.metric = "ok";
    if (scn_metric_where_of(x->metric) & scn_metric_where_of("requests")) {
        fig fr, fo;
        int rc = point_fig(s, p, &req, &fr);
        if (rc == 0)
            rc = point_fig(s, p, &ok, &fo);
        if (rc)
            return rc;
        if (!isnan(fo.mean) && fo.mean == 0) {
            char num[40];
            table_format(num, sizeof num, TABLE_FMT_COUNT, round(fr.mean));
            snprintf(buf, n, "collapsed: 0 of %s requests served", num);
            return 0;
        }
    }
    snprintf(buf, n, "not measured");
    return 0;
}

/* One report line for point p: its parameters, each figure "metric=mean±ci", PASS/FAIL. */
static int print_point(sweep *s, size_t p, bool *holds)
{
    char              params[1024], desc[256], text[128];
    size_t            nf;
    const scn_expect *figs = figs_of(s, &nf);
    point_params(s, p, params, sizeof params);
    fprintf(s->out, "%s", params);
    bool all = true;
    for (size_t i = 0; i < nf; i++) {
        fig f;
        int rc = point_fig(s, p, &figs[i], &f);
        if (rc == 0)
            rc = fig_text(s, p, &figs[i], &f, text, sizeof text);
        if (rc)
            return rc;
        all = all && f.holds;
        expect_describe(&figs[i], desc, sizeof desc);
        char *sp = strchr(desc, ' '); /* the metric and its filters, no bounds */
        if (sp)
            *sp = '\0';
        fprintf(s->out, "  %s=%s", desc, text);
    }
    if (s->sw->minimize && s->sw->minimize_dim < 0) {
        fig        f;
        scn_expect m = { .metric = s->sw->minimize };
        int        rc = point_fig(s, p, &m, &f);
        if (rc == 0)
            rc = fig_text(s, p, &m, &f, text, sizeof text);
        if (rc)
            return rc;
        fprintf(s->out, "  %s=%s", m.metric, text);
    }
    fprintf(s->out, "%s\n", s->sw->nslo ? (all ? "  PASS" : "  FAIL") : "");
    *holds = s->sw->nslo > 0 && all;
    return 0;
}

/* Print the evaluated points; *any: some point meets every objective. */
static int print_points(sweep *s, const bool *evaluated, bool *any)
{
    *any = false;
    for (size_t p = 0; p < s->npoints; p++) {
        if (!evaluated[p])
            continue;
        bool h = false;
        int  rc = print_point(s, p, &h);
        if (rc)
            return rc;
        *any = *any || h;
    }
    return 0;
}

/* Bisection over dimension md. *found is the answer's value index, or -1. */
static int bisect(sweep *s, bool *evaluated, long *found, size_t *npts)
{
    const scn_sweep *sw = s->sw;
    size_t           md = (size_t)sw->minimize_dim, nv = sw->dims[md].nvalues;
    size_t           per = s->npoints / nv;
    size_t          *pts = sim_calloc(per, sizeof *pts);
    if (!pts)
        return CLI_EXIT_FAIL;
    /* Estimate for the progress line: 1 + ceil(log2 nv) candidates. */
    long lo = 0, hi = (long)nv - 1, cand = hi;
    *found = -1;
    *npts = per;
    int rc = 0;
    for (bool first = true;; first = false) {
        size_t n = 0, idx[SCN_SWEEP_MAX_DIMS];
        for (size_t p = 0; p < s->npoints; p++) {
            scn_sweep_coords(sw, p, idx);
            if (idx[md] == (size_t)cand)
                pts[n++] = p;
        }
        if ((rc = ensure(s, pts, n)) != 0)
            break;
        bool ok = true;
        for (size_t i = 0; i < n && rc == 0; i++) {
            bool h;
            rc = point_holds(s, pts[i], &h);
            ok = ok && h;
            evaluated[pts[i]] = true;
        }
        if (rc)
            break;
        if (!s->quiet)
            fprintf(stderr, "%s=%s: %s\n", sw->dims[md].path, sw->dims[md].values[cand].label,
                    ok ? "every objective holds" : "an objective fails");
        if (first && !ok)
            break; /* the largest value fails: none passes */
        if (ok) {
            *found = cand;
            hi = cand;
        } else {
            lo = cand + 1;
        }
        if (lo >= hi) {
            *found = hi;
            break;
        }
        cand = lo + (hi - lo) / 2;
    }
    sim_free(pts);
    return rc;
}

/* Check the sweep's expectations on min_found against value (NaN: none found). */
static int check_expects(sweep *s, double value)
{
    char desc[256];
    int  status = 0;
    for (size_t i = 0; i < s->sw->nexpects; i++) {
        const scn_expect *x = &s->sw->expects[i];
        bool              ok = expect_meets(x, value);
        expect_describe(x, desc, sizeof desc);
        if (isnan(value))
            fprintf(s->out, "%s %s  %s  (measured nothing)\n", ok ? "PASS " : "FAIL ", s->file,
                    desc);
        else
            fprintf(s->out, "%s %s  %s  (measured %.10g)\n", ok ? "PASS " : "FAIL ", s->file, desc,
                    value);
        if (!ok)
            status = CLI_EXIT_FAIL;
    }
    return status;
}

static const char *conf_text(const sweep *s)
{
    return s->sw->confidence == SCN_CONF_MEAN ? "the mean" : "the 95% CI bound";
}

/* The mean of cost_per_month over the points whose dimension md has value index v (every
 * combination of the other dimensions), into text ("cost_per_month 4,380.50"); "" when no
 * run reports a cost. */
static int cost_text(sweep *s, size_t md, size_t v, char *text, size_t n)
{
    double     sum = 0;
    size_t     k = 0, idx[SCN_SWEEP_MAX_DIMS];
    scn_expect m = { .metric = "cost_per_month" };
    text[0] = '\0';
    for (size_t p = 0; p < s->npoints; p++) {
        scn_sweep_coords(s->sw, p, idx);
        if (idx[md] != v || s->run_of[p * s->nseeds] == 0)
            continue;
        fig f;
        int rc = point_fig(s, p, &m, &f);
        if (rc)
            return rc;
        if (!isnan(f.mean))
            sum += f.mean, k++;
    }
    if (k > 0 && sum > 0) {
        char num[48];
        table_format(num, sizeof num, TABLE_FMT_MONEY, sum / (double)k);
        snprintf(text, n, "cost_per_month %s", num);
    }
    return 0;
}

/* The exit status of a sweep with objectives: 1 when no point meets them all (nothing to
 * recommend), as `mrsim check` exits 1 on a failed expectation; a shard judges nothing. */
static int slo_status(const sweep *s, bool any)
{
    return s->sw->nslo > 0 && s->shard_n == 1 && !any ? CLI_EXIT_FAIL : 0;
}

static int evaluate(sweep *s)
{
    const scn_sweep *sw = s->sw;
    bool            *evaluated = sim_calloc(s->npoints, sizeof *evaluated);
    size_t          *pts = sim_calloc(s->npoints, sizeof *pts);
    int              rc = CLI_EXIT_FAIL;
    bool             any = false;
    if (!evaluated || !pts)
        goto done;
    bool   search = sw->minimize_dim >= 0 && s->shard_n == 1;
    long   found = -1;
    size_t per = 0;
    if (search) {
        if ((rc = bisect(s, evaluated, &found, &per)) != 0)
            goto done;
    } else {
        size_t n = 0;
        for (size_t p = 0; p < s->npoints; p++)
            if (sweep_mine(s, p))
                pts[n++] = p, evaluated[p] = true;
        if ((rc = ensure(s, pts, n)) != 0)
            goto done;
    }
    if ((rc = print_points(s, evaluated, &any)) != 0)
        goto done;
    if (!s->quiet && s->ran == 0)
        fprintf(stderr, "every run was already stored in %s\n", s->db_path);
    if (s->shard_n > 1) {
        if (sw->minimize)
            fprintf(s->out,
                    "minimum: found on the merged database (mrsim merge, then the same "
                    "sweep with --db on it)\n");
        goto done;
    }
    double value = NAN;
    if (s->answer && sw->minimize) {
        s->answer->minimized = true;
        snprintf(s->answer->what, sizeof s->answer->what, "%s", sw->minimize);
    }
    if (search) {
        const scn_vary *d = &sw->dims[sw->minimize_dim];
        if (found < 0) {
            fprintf(s->out, "minimum: none: %s=%s, the largest value, fails the objectives\n",
                    d->path, d->values[d->nvalues - 1].label);
        } else {
            char cost[96];
            value = d->values[found].x;
            if ((rc = cost_text(s, (size_t)sw->minimize_dim, (size_t)found, cost, sizeof cost)))
                goto done;
            fprintf(s->out,
                    "minimum: %s=%s (every objective holds at all %zu points of the other "
                    "dimensions, judged by %s over %zu seeds",
                    d->path, d->values[found].label, per, conf_text(s), s->nseeds);
            if (found > 0) /* bisection tried found - 1: it failed */
                fprintf(s->out, "; %s=%s fails", d->path, d->values[found - 1].label);
            fprintf(s->out, ")%s%s\n", cost[0] ? "; " : "", cost);
            if (s->answer)
                snprintf(s->answer->text, sizeof s->answer->text, "%s=%s%s%s", d->path,
                         d->values[found].label, cost[0] ? ", " : "", cost);
        }
    } else if (sw->minimize) {
        long       best = -1;
        fig        bf = { 0 };
        scn_expect m = { .metric = sw->minimize };
        for (size_t p = 0; p < s->npoints; p++) {
            bool h;
            fig  f;
            if ((rc = point_holds(s, p, &h)) != 0 || (rc = point_fig(s, p, &m, &f)) != 0)
                goto done;
            if (h && !isnan(f.mean) && (best < 0 || f.mean < bf.mean))
                best = (long)p, bf = f;
        }
        if (best < 0) {
            fprintf(s->out, "minimum: none: no point meets every objective\n");
        } else {
            char params[1024];
            point_params(s, (size_t)best, params, sizeof params);
            value = bf.mean;
            char mean[48], h[48];
            human(mean, sizeof mean, bf.mean, 10);
            human(h, sizeof h, bf.ci, 2);
            fprintf(s->out,
                    "minimum: %s=%s±%s at %s (every objective holds there, judged by %s over "
                    "%zu seeds)\n",
                    m.metric, mean, h, params, conf_text(s), s->nseeds);
            if (s->answer)
                snprintf(s->answer->text, sizeof s->answer->text, "%s=%s at %.300s", m.metric, mean,
                         params);
        }
    }
    rc = check_expects(s, value);
    if (rc == 0)
        rc = slo_status(s, any);
    /* --minimize PATH found no value meeting the objectives at every point of the others. */
    if (rc == 0 && search && found < 0 && sw->nslo > 0)
        rc = CLI_EXIT_FAIL;
    s->verdict = true;
    if (rc == CLI_EXIT_FAIL && sw->nslo > 0 && !any)
        fprintf(s->out, "no point meets every objective\n");
done:
    sim_free(evaluated);
    sim_free(pts);
    return rc;
}

int sweep_evaluate(sweep *s)
{
    /* The report is gathered in memory and written only when it is whole: an error on the
     * way (a database read failing) leaves nothing on stdout, not half a table. A verdict
     * (exit 1: an objective or an expectation not met) is a whole report. */
    char  *text = NULL;
    size_t len = 0;
    s->out = open_memstream(&text, &len);
    if (!s->out) {
        fprintf(stderr, "mrsim sweep: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    int  rc = evaluate(s);
    bool whole = fflush(s->out) == 0 && !ferror(s->out);
    bool verdict = rc == CLI_EXIT_FAIL && s->verdict;
    fclose(s->out);
    s->out = NULL;
    if (whole && (rc == 0 || verdict))
        fwrite(text, 1, len, stdout);
    free(text); /* open_memstream's buffer comes from malloc */
    return rc;
}
