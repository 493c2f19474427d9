/* compare.c - the side-by-side comparison of a scenario's patterns: build, table, JSON.
 *
 * The rows are a fixed list (row_specs below) rather than every metric the runs have: a
 * comparison is read across, and a few dozen per-region rows would bury the handful of
 * figures that tell patterns apart. The list includes metrics that later models add (RPO,
 * RTO, failovers, ...); a row appears as soon as some run reports its metric, so those need no
 * change here.
 *
 * Building does the arithmetic once (means, intervals, marks) into plain arrays, and both
 * printers only read them, so the table and the JSON can never disagree about which value is
 * best. The terminal table is printed in two passes over one cell formatter, as in table.c:
 * the first measures the columns, the second prints.
 *
 * Cells are formatted per kind of metric (latency, ratio, count, bytes, money) with the mean and the
 * half-width in the same format, "12.3 ±0.4". The half-width is shown only with several
 * seeds; with one seed there is no interval to show. */
#include "compare.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "stat.h"
#include "table.h"

/* --- rows ----------------------------------------------------------------------------- */

static const struct row_spec {
    const char    *op; /* "read"/"write" (scope op), NULL (scope all) */
    const char    *metric;
    compare_better better;
    table_fmt      kind;
} row_specs[] = {
    /* Each operation's latency, then its availability right under it: latency counts the
     * requests that succeeded, so it is read next to how many did (mark_best's rule). */
    { "read", "p50_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { "read", "p99_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { "read", "availability", COMPARE_HIGHER, TABLE_FMT_AVAIL },
    { "write", "p50_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { "write", "p99_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { "write", "availability", COMPARE_HIGHER, TABLE_FMT_AVAIL },
    { NULL, "availability", COMPARE_HIGHER, TABLE_FMT_AVAIL },
    { NULL, "errors", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "stale_read_rate", COMPARE_LOWER, TABLE_FMT_SHARE },
    { NULL, "staleness_p99_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "ryw_violations", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "monotonic_violations", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "lost_writes", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "conflicts", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "divergent_keys", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "repl_lag_p99_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "repl_bytes", COMPARE_LOWER, TABLE_FMT_BYTES },
    { NULL, "rpo_writes", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "rpo_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "rto_s", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "failover_s", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "failovers", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "false_failovers", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "split_brain_s", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "split_brain_lost", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "no_region", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "egress_gb", COMPARE_LOWER, TABLE_FMT_NUM },
    { NULL, "cost_per_hour", COMPARE_LOWER, TABLE_FMT_MONEY },
    { NULL, "cost_per_month", COMPARE_LOWER, TABLE_FMT_MONEY },
}, client_specs[] = {
    /* --by client: a block of these per client population (scope client). */
    { NULL, "read_p50_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "read_p99_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "write_p50_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "write_p99_ms", COMPARE_LOWER, TABLE_FMT_MS },
    { NULL, "availability", COMPARE_HIGHER, TABLE_FMT_AVAIL },
    { NULL, "errors", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "no_region", COMPARE_LOWER, TABLE_FMT_COUNT },
    { NULL, "stale_read_rate", COMPARE_LOWER, TABLE_FMT_SHARE },
    { NULL, "ryw_violations", COMPARE_LOWER, TABLE_FMT_COUNT },
};
#define NSPECS  (sizeof row_specs / sizeof row_specs[0])
#define NCSPECS (sizeof client_specs / sizeof client_specs[0])

static const struct row_spec *spec_of(const compare_row *row)
{
    const struct row_spec *specs = row->client ? client_specs : row_specs;
    size_t                 n = row->client ? NCSPECS : NSPECS;
    for (size_t i = 0; i < n; i++)
        if (strcmp(specs[i].metric, row->metric) == 0
            && (specs[i].op == row->op
                || (specs[i].op && row->op && strcmp(specs[i].op, row->op) == 0)))
            return &specs[i];
    return NULL; /* rows are only ever made from the specs */
}

/* --- build ---------------------------------------------------------------------------- */

static bool find(const run_result *r, const struct row_spec *spec, const char *client, double *v)
{
    if (client)
        return run_metric_find(r, RUN_SCOPE_CLIENT, client, spec->metric, v);
    if (spec->op)
        return run_metric_find(r, RUN_SCOPE_OP, spec->op, spec->metric, v);
    return run_metric_find(r, RUN_SCOPE_ALL, "", spec->metric, v);
}

/* Whether a row is a latency of requests (which counts the successful ones only). */
static bool is_latency(const compare_row *row)
{
    static const char *const names[]
        = { "p50_ms", "p99_ms", "read_p50_ms", "read_p99_ms", "write_p50_ms", "write_p99_ms" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(row->metric, names[i]) == 0)
            return true;
    return false;
}

/* Mark the patterns whose mean is the best of the row; none when every pattern with a value
 * has the same mean (one value alone is such a row). Patterns without a value (n == 0) and
 * those not eligible take no part; eligible may be NULL (all are). */
static void mark_best(compare_row *row, size_t np, const bool *eligible)
{
    bool   have = false, have_all = false;
    double best = 0, worst = 0, lo = 0, hi = 0;
    for (size_t p = 0; p < np; p++) {
        double m = row->values[p].mean;
        if (row->values[p].n == 0)
            continue;
        if (!have_all || m < lo)
            lo = m;
        if (!have_all || m > hi)
            hi = m;
        have_all = true;
        if (eligible && !eligible[p])
            continue;
        bool better = row->better == COMPARE_HIGHER ? m > best : m < best;
        bool worse = row->better == COMPARE_HIGHER ? m < worst : m > worst;
        if (!have || better)
            best = m;
        if (!have || worse)
            worst = m;
        have = true;
    }
    /* No mark when every pattern with a value has the same mean: nothing tells them apart. */
    for (size_t p = 0; p < np; p++)
        row->best[p] = have && lo != hi && row->values[p].n > 0 && (!eligible || eligible[p])
            && row->values[p].mean == best;
}

/* The best-mark rule of the latency rows (compare.h): a latency counts only the requests
 * that succeeded, so a pattern that failed more of them may look fast by having dropped its
 * slow requests. Only the patterns whose availability (of the same operation, or the same
 * client population) is the best may carry the mark: with one seed, exactly the highest;
 * with several, every pattern whose 95% interval reaches the interval of the highest mean.
 * avail is the availability row of the latency row's scope. */
static void eligible_by_availability(const compare_row *avail, size_t np, bool *eligible)
{
    double best = -1, best_lo = -1;
    for (size_t p = 0; p < np; p++)
        if (avail->values[p].n > 0 && avail->values[p].mean > best) {
            best = avail->values[p].mean;
            double h = isnan(avail->values[p].ci95) ? 0 : avail->values[p].ci95;
            best_lo = best - h;
        }
    for (size_t p = 0; p < np; p++) {
        const compare_value *v = &avail->values[p];
        double               h = isnan(v->ci95) ? 0 : v->ci95;
        /* No availability measured at all (runs read back without it): nothing to go by. */
        eligible[p] = best < 0 || (v->n > 0 && (v->mean == best || v->mean + h >= best_lo));
    }
}

/* Fill row (already counted in t) from the runs. */
static int fill_row(compare_table *t, compare_row *row, const struct row_spec *spec,
                    const char *client, const run_result *const *runs, double *xs)
{
    size_t npatterns = t->npatterns, nseeds = t->nseeds;
    double v;
    row->metric = spec->metric;
    row->op = spec->op;
    row->client = client;
    row->better = spec->better;
    row->values = sim_calloc(npatterns, sizeof *row->values);
    row->best = sim_calloc(npatterns, sizeof *row->best);
    if (!row->values || !row->best)
        return SIM_ENOMEM;
    for (size_t p = 0; p < npatterns; p++) {
        size_t n = 0;
        for (size_t k = 0; k < nseeds; k++)
            if (find(runs[p * nseeds + k], spec, client, &v) && isfinite(v))
                xs[n++] = v;
        compare_value *cv = &row->values[p];
        cv->n = n;
        cv->mean = NAN;
        cv->ci95 = NAN;
        if (n > 0) {
            double hw = 0;
            stat_ci95(xs, n, &cv->mean, &hw);
            if (n >= 2)
                cv->ci95 = hw;
        }
    }
    return 0;
}

/* A row appears when some run measured something for it: a metric no run has, or that is
 * NaN everywhere (an rto_s without an outage), says nothing. */
static bool present(const compare_table *t, const struct row_spec *spec, const char *client,
                    const run_result *const *runs)
{
    double v;
    for (size_t j = 0; j < t->npatterns * t->nseeds; j++)
        if (find(runs[j], spec, client, &v) && !isnan(v))
            return true;
    return false;
}

/* Apply the marks once every row is filled: latency rows by the availability rule. */
static int mark_rows(compare_table *t, const run_result *const *runs, double *xs)
{
    bool *eligible = sim_calloc(t->npatterns, sizeof *eligible);
    if (!eligible)
        return SIM_ENOMEM;
    for (size_t i = 0; i < t->nrows; i++) {
        compare_row *row = &t->rows[i];
        if (!is_latency(row)) {
            mark_best(row, t->npatterns, NULL);
            continue;
        }
        /* The availability of the row's scope: an operation's, a client's, or the run's. */
        struct row_spec avail_spec = { row->op, "availability", COMPARE_HIGHER, TABLE_FMT_AVAIL };
        compare_row     avail = { 0 };
        int             rc = fill_row(t, &avail, &avail_spec, row->client, runs, xs);
        if (rc == 0) {
            eligible_by_availability(&avail, t->npatterns, eligible);
            mark_best(row, t->npatterns, eligible);
        }
        sim_free(avail.values);
        sim_free(avail.best);
        if (rc < 0) {
            sim_free(eligible);
            return rc;
        }
    }
    sim_free(eligible);
    return 0;
}

int compare_table_new(const run_result *const *runs, size_t npatterns, size_t nseeds,
                      compare_table **out)
{
    return compare_table_new_by(runs, npatterns, nseeds, false, out);
}

int compare_table_new_by(const run_result *const *runs, size_t npatterns, size_t nseeds,
                         bool by_client, compare_table **out)
{
    assert(runs && npatterns >= 1 && nseeds >= 1);
    *out = NULL;
    double        *xs = NULL;
    const char   **clients = NULL;
    size_t         nclients = 0;
    compare_table *t = sim_calloc(1, sizeof *t);
    if (!t)
        goto fail;
    t->scn = runs[0]->scn;
    t->seed = runs[0]->seed;
    t->nseeds = nseeds;
    t->npatterns = npatterns;
    /* The client populations, in the order the first run reports them (a run read back
     * from the database has no scenario to ask). */
    if (by_client) {
        clients = sim_calloc(runs[0]->nmetrics + 1, sizeof *clients);
        if (!clients)
            goto fail;
        for (size_t i = 0; i < runs[0]->nmetrics; i++) {
            const run_metric *m = &runs[0]->metrics[i];
            bool              seen = m->scope != RUN_SCOPE_CLIENT;
            for (size_t c = 0; c < nclients && !seen; c++)
                seen = strcmp(clients[c], m->key) == 0;
            if (!seen)
                clients[nclients++] = m->key;
        }
    }
    t->patterns = sim_calloc(npatterns, sizeof *t->patterns);
    t->rows = sim_calloc(NSPECS + nclients * NCSPECS, sizeof *t->rows);
    xs = sim_calloc(nseeds, sizeof *xs);
    if (!t->patterns || !t->rows || !xs)
        goto fail;
    for (size_t p = 0; p < npatterns; p++)
        t->patterns[p] = runs[p * nseeds]->pattern;

    for (size_t i = 0; i < NSPECS; i++) {
        if (!present(t, &row_specs[i], NULL, runs))
            continue;
        t->nrows++; /* counted now, so that fail: frees what fill_row allocated */
        if (fill_row(t, &t->rows[t->nrows - 1], &row_specs[i], NULL, runs, xs) < 0)
            goto fail;
    }
    for (size_t c = 0; c < nclients; c++)
        for (size_t i = 0; i < NCSPECS; i++) {
            const char *client = clients[c];
            if (!present(t, &client_specs[i], client, runs))
                continue;
            t->nrows++;
            if (fill_row(t, &t->rows[t->nrows - 1], &client_specs[i], client, runs, xs) < 0)
                goto fail;
        }
    if (mark_rows(t, runs, xs) < 0)
        goto fail;
    sim_free(xs);
    sim_free(clients);
    *out = t;
    return 0;

fail:
    sim_free(xs);
    sim_free(clients);
    compare_table_free(t);
    return SIM_ENOMEM;
}

void compare_table_free(compare_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows; i++) {
        sim_free(t->rows[i].values);
        sim_free(t->rows[i].best);
    }
    sim_free(t->rows);
    sim_free(t->patterns);
    sim_free(t);
}

/* --- terminal table ------------------------------------------------------------------- */

/* A row's label: "read p99_ms" for the per-operation rows, "users london read_p99_ms" for a
 * client population's, the metric name otherwise. */
void compare_row_label(char *buf, size_t n, const compare_row *row)
{
    if (row->client)
        snprintf(buf, n, "users %s %s", row->client, row->metric);
    else if (row->op)
        snprintf(buf, n, "%s %s", row->op, row->metric);
    else
        snprintf(buf, n, "%s", row->metric);
}

/* The cell of pattern p in row: "12.3", with several seeds "12.3 ±0.4" (no interval when the
 * cell rests on a single run), "-" when no run of the pattern has a value. The mark is not
 * part of the cell: it goes in a column of its own right after it. */
void compare_cell_text(char *buf, size_t n, const compare_table *t, const compare_row *row,
                       size_t p)
{
    table_fmt            kind = spec_of(row)->kind;
    const compare_value *cv = &row->values[p];
    char                 mean[64], ci[64];
    table_format(mean, sizeof mean, kind, cv->mean);
    if (t->nseeds < 2 || cv->n < 2) {
        snprintf(buf, n, "%s", mean);
        return;
    }
    if (cv->ci95 == 0)
        snprintf(ci, sizeof ci, "0"); /* "0", not "0.000%": the runs all agree */
    else
        table_format(ci, sizeof ci, kind == TABLE_FMT_AVAIL ? TABLE_FMT_SHARE : kind,
                     cv->ci95); /* rounded */
    snprintf(buf, n, "%s ±%s", mean, ci);
}

/* A duration for people: "12.3 ms", "45.2 s", "10.4 min", "2.1 h". */
static void human_duration(char *buf, size_t n, double ms)
{
    char num[40];
    if (fabs(ms) < 1000) {
        table_format(num, sizeof num, TABLE_FMT_MS, ms);
        snprintf(buf, n, "%s ms", num);
    } else if (fabs(ms) < 120e3) {
        snprintf(buf, n, "%.3g s", ms / 1e3);
    } else if (fabs(ms) < 7200e3) {
        snprintf(buf, n, "%.3g min", ms / 60e3);
    } else {
        snprintf(buf, n, "%.3g h", ms / 3600e3);
    }
}

/* A value with its unit, for people (the HTML report). */
static void human_value(char *buf, size_t n, const compare_row *row, double v, bool halfwidth)
{
    table_fmt kind = spec_of(row)->kind;
    size_t    len = strlen(row->metric);
    bool      secs = len > 2 && strcmp(row->metric + len - 2, "_s") == 0;
    char      num[40];
    if (isnan(v)) {
        snprintf(buf, n, "-");
        return;
    }
    switch (kind) {
    case TABLE_FMT_MS:
        if (secs && fabs(v) < 1)
            snprintf(buf, n, "%.3g s", v); /* "0 s", not "0 ms", for a figure in seconds */
        else
            human_duration(buf, n, secs ? v * 1e3 : v);
        return;
    case TABLE_FMT_BYTES:
        if (fabs(v) >= 1e9)
            snprintf(buf, n, "%.3g GB", v / 1e9);
        else if (fabs(v) >= 1e6)
            snprintf(buf, n, "%.3g MB", v / 1e6);
        else if (fabs(v) >= 1e3)
            snprintf(buf, n, "%.3g kB", v / 1e3);
        else
            snprintf(buf, n, "%.0f B", v);
        return;
    case TABLE_FMT_NUM:
        table_format(num, sizeof num, kind, v);
        snprintf(buf, n, "%s%s", num, strstr(row->metric, "_gb") ? " GB" : "");
        return;
    case TABLE_FMT_MONEY:
        table_format(num, sizeof num, kind, v);
        snprintf(buf, n, "%s %s", num, strstr(row->metric, "month") ? "/month" : "/hour");
        return;
    case TABLE_FMT_COUNT:
        /* Grouped from a thousand on ("37,533"); a mean below that keeps its decimals. */
        table_format(num, sizeof num, fabs(v) >= 1000 ? TABLE_FMT_BYTES : kind, v);
        snprintf(buf, n, "%s", num);
        return;
    default:
        table_format(buf, n, halfwidth && kind == TABLE_FMT_AVAIL ? TABLE_FMT_SHARE : kind, v);
        return;
    }
}

void compare_cell_human(char *buf, size_t n, const compare_table *t, const compare_row *row,
                        size_t p)
{
    const compare_value *cv = &row->values[p];
    char                 mean[72], ci[72];
    human_value(mean, sizeof mean, row, cv->mean, false);
    if (t->nseeds < 2 || cv->n < 2) {
        snprintf(buf, n, "%s", mean);
        return;
    }
    human_value(ci, sizeof ci, row, cv->ci95, true);
    snprintf(buf, n, "%s ±%s", mean, cv->ci95 == 0 ? "0" : ci);
}

static void put_padded(FILE *out, const char *s, size_t width, bool right)
{
    size_t w = table_text_width(s);
    if (right)
        for (size_t i = w; i < width; i++)
            fputc(' ', out);
    table_put_text(out, s);
    if (!right)
        for (size_t i = w; i < width; i++)
            fputc(' ', out);
}

static void put_seeds(FILE *out, const compare_table *t)
{
    if (t->nseeds == 1)
        fprintf(out, "seed: %" PRIu64, t->seed);
    else
        fprintf(out, "seeds: %" PRIu64 "..%" PRIu64 " (%zu runs per pattern)", t->seed,
                t->seed + (uint64_t)(t->nseeds - 1), t->nseeds);
}

/* Characters of pattern p's column: its widest cell or its name. (Widths count characters,
 * not bytes: "±" is two bytes.) */
static size_t column_width(const compare_table *t, size_t p)
{
    char   cell[160];
    size_t w = table_text_width(t->patterns[p]);
    for (size_t i = 0; i < t->nrows; i++) {
        compare_cell_text(cell, sizeof cell, t, &t->rows[i], p);
        if (table_text_width(cell) > w)
            w = table_text_width(cell);
    }
    return w;
}

void compare_table_print(FILE *out, const compare_table *t)
{
    char cell[160];
    fputs("scenario: ", out);
    table_put_text(out, t->scn && t->scn->name ? t->scn->name : "-");
    fputs("  ", out);
    put_seeds(out, t);
    fputs("\n\n", out);

    /* Pass 1: the label column's width; the pattern columns are measured as they are
     * printed (column_width), which costs a few hundred formatted cells and no storage. */
    size_t wlabel = strlen("metric");
    for (size_t i = 0; i < t->nrows; i++) {
        compare_row_label(cell, sizeof cell, &t->rows[i]);
        if (table_text_width(cell) > wlabel)
            wlabel = table_text_width(cell);
    }

    /* Pass 2: header and rows. Each column is the right-aligned cell and then its mark, a
     * '*' or a space (left out at the end of a line, so no line ends in blanks). */
    put_padded(out, "metric", wlabel, false);
    for (size_t p = 0; p < t->npatterns; p++) {
        fputs("  ", out);
        put_padded(out, t->patterns[p], column_width(t, p), true);
        if (p + 1 < t->npatterns)
            fputc(' ', out);
    }
    fputc('\n', out);
    for (size_t i = 0; i < t->nrows; i++) {
        const compare_row *row = &t->rows[i];
        compare_row_label(cell, sizeof cell, row);
        put_padded(out, cell, wlabel, false);
        for (size_t p = 0; p < t->npatterns; p++) {
            compare_cell_text(cell, sizeof cell, t, row, p);
            fputs("  ", out);
            put_padded(out, cell, column_width(t, p), true);
            if (row->best[p])
                fputc('*', out);
            else if (p + 1 < t->npatterns)
                fputc(' ', out);
        }
        fputc('\n', out);
    }
    if (t->nrows == 0)
        fputs("(no metrics to compare)\n", out);

    fputc('\n', out);
    if (t->nrows > 0)
        fputs("* best mean in its row (unrounded): the lowest, or the highest for availability;\n"
              "  no mark when all are equal; a latency counts successful requests only, so it\n"
              "  is marked only among the patterns with the best availability of its scope\n",
              out);
    if (t->nseeds > 1)
        fprintf(out, "mean over %zu seeds ± the half-width of its 95%% confidence interval\n",
                t->nseeds);
}

/* --- JSON ----------------------------------------------------------------------------- */

static void json_row(FILE *out, const compare_table *t, const compare_row *row)
{
    fputs("    {\"metric\": ", out);
    table_json_str(out, row->metric);
    if (row->op) {
        fputs(", \"op\": ", out);
        table_json_str(out, row->op);
    }
    if (row->client) {
        fputs(", \"client\": ", out);
        table_json_str(out, row->client);
    }
    fprintf(out, ", \"better\": \"%s\",\n     \"values\": {",
            row->better == COMPARE_HIGHER ? "higher" : "lower");
    for (size_t p = 0; p < t->npatterns; p++) {
        const compare_value *cv = &row->values[p];
        fputs(p ? ", " : "", out);
        table_json_str(out, t->patterns[p]);
        fputs(": {\"mean\": ", out);
        table_json_num(out, cv->mean);
        fputs(", \"ci95\": ", out);
        table_json_num(out, cv->ci95);
        fprintf(out, ", \"n\": %zu}", cv->n);
    }
    fputs("},\n     \"best\": [", out);
    bool first = true;
    for (size_t p = 0; p < t->npatterns; p++) {
        if (!row->best[p])
            continue;
        fputs(first ? "" : ", ", out);
        first = false;
        table_json_str(out, t->patterns[p]);
    }
    fputs("]}", out);
}

void compare_table_print_json(FILE *out, const compare_table *t)
{
    fputs("{\n  \"scenario\": ", out);
    table_json_str(out, t->scn ? t->scn->name : NULL);
    fputs(",\n  \"file\": ", out);
    table_json_str(out, t->scn ? t->scn->file : NULL);
    fprintf(out, ",\n  \"seed\": %" PRIu64 ",\n  \"seeds\": %zu,\n  \"patterns\": [", t->seed,
            t->nseeds);
    for (size_t p = 0; p < t->npatterns; p++) {
        fputs(p ? ", " : "", out);
        table_json_str(out, t->patterns[p]);
    }
    fputs("],\n  \"rows\": [", out);
    for (size_t i = 0; i < t->nrows; i++) {
        fputs(i ? ",\n" : "\n", out);
        json_row(out, t, &t->rows[i]);
    }
    fputs(t->nrows ? "\n  ]\n}\n" : "]\n}\n", out);
}
