/* baseline.c - regressions against an earlier run (the rules are in baseline.h).
 *
 * The baseline run is read once into plain memory (scope, key, name, value per metric) so
 * that the database can be closed before the CLI forks its workers: an SQLite connection must
 * not cross a fork. A lookup is a linear scan; a run has a few hundred metrics and is compared
 * once, so a hash table would only add code.
 *
 * Directions are a short table of exact names first, then rules on the name's form, so a
 * metric a later model adds ("rpo_s", "split_brain_s", "cost_usd") gets the evident
 * direction without touching this file; a name that matches nothing is not compared rather
 * than guessed. */
#include "baseline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct base_metric {
    run_scope scope;
    char     *key;   /* ours */
    char     *name;  /* ours */
    double    value; /* NaN when nothing was measured */
} base_metric;

struct baseline_run {
    int64_t      id; /* runs.id in the baseline database */
    base_metric *m;
    size_t       n, cap;
};

/* --- directions ------------------------------------------------------------------------ */

static const char *const lower_worse[] = {
    "availability", "throughput_rps", "ok", "cache_hit_rate", "drained", "writes_final",
};
/* Workload sizes and shares of it, whose change says nothing good or bad by itself. */
static const char *const no_direction[] = {
    "requests", "reads", "writes_acked", "writes_overwritten", "utilization",
};
/* Words that make a count or a rate higher-is-worse wherever they appear in the name. */
static const char *const worse_words[] = {
    "error",     "timeout", "rejected",  "failed",   "no_region",   "stale",
    "violation", "lost",    "divergent", "conflict", "unacked",     "bytes",
    "cost",      "lag",     "rpo",       "rto",      "split_brain", "false_",
};

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

baseline_dir baseline_direction(const char *name)
{
    if (in_list(name, lower_worse, COUNT(lower_worse)) || strncmp(name, "availability", 12) == 0
        || strncmp(name, "throughput", 10) == 0)
        return BASELINE_LOWER_WORSE;
    if (in_list(name, no_direction, COUNT(no_direction)))
        return BASELINE_NONE;
    /* Durations: latencies and their quantiles, lag, detection, RTO, RPO, split brain. */
    if (ends_with(name, "_ms") || ends_with(name, "_s"))
        return BASELINE_HIGHER_WORSE;
    for (size_t i = 0; i < COUNT(worse_words); i++)
        if (strstr(name, worse_words[i]))
            return BASELINE_HIGHER_WORSE;
    return BASELINE_NONE;
}

/* --- loading --------------------------------------------------------------------------- */

void baseline_run_free(baseline_run *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        sim_free(b->m[i].key);
        sim_free(b->m[i].name);
    }
    sim_free(b->m);
    sim_free(b);
}

int64_t baseline_run_id(const baseline_run *b) { return b->id; }

static int scope_of(const char *text, run_scope *out)
{
    for (int s = 0; s < RUN_SCOPE_COUNT; s++) {
        if (strcmp(text, run_scope_name((run_scope)s)) == 0) {
            *out = (run_scope)s;
            return 0;
        }
    }
    return SIM_EINVAL;
}

static int add_metric(void *ctx, const char *scope, const char *key, const char *name, double value)
{
    baseline_run *b = ctx;
    run_scope     sc;
    if (scope_of(scope, &sc) < 0)
        return 0; /* a scope a newer mrsim wrote: not ours */
    if (b->n == b->cap) {
        size_t       ncap = b->cap ? b->cap * 2 : 64;
        base_metric *p = sim_realloc(b->m, ncap * sizeof *p);
        if (!p)
            return SIM_ENOMEM;
        b->m = p;
        b->cap = ncap;
    }
    base_metric m = { sc, sim_strdup(key), sim_strdup(name), value };
    if (!m.key || !m.name) {
        sim_free(m.key);
        sim_free(m.name);
        return SIM_ENOMEM;
    }
    b->m[b->n++] = m;
    return 0;
}

int baseline_load(db_conn *db, const char *scenario, const char *pattern, uint64_t seed,
                  baseline_run **out, sim_err *err)
{
    *out = NULL;
    int64_t id = 0;
    int     rc = db_find_run(db, scenario, pattern, seed, &id, err);
    if (rc <= 0)
        return rc;
    baseline_run *b = sim_calloc(1, sizeof *b);
    if (!b)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory reading a baseline run");
    b->id = id;
    rc = db_read_metrics(db, id, add_metric, b, err);
    if (rc < 0) {
        if (rc == SIM_ENOMEM)
            sim_err_set(err, SIM_ENOMEM, NULL, "out of memory reading a baseline run");
        baseline_run_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

/* --- comparing ------------------------------------------------------------------------- */

static const base_metric *find(const baseline_run *b, const run_metric *m)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->m[i].scope == m->scope && strcmp(b->m[i].key, m->key) == 0
            && strcmp(b->m[i].name, m->name) == 0)
            return &b->m[i];
    return NULL;
}

/* Whether going from before (a number) to now is a regression in direction d; *change is
 * the relative change. */
static bool worse(baseline_dir d, double before, double now, double tolerance, double *change)
{
    if (isnan(now)) {
        *change = NAN;
        return true; /* measured before, nothing now */
    }
    if (before == 0) {
        *change = now > 0 ? INFINITY : now < 0 ? -INFINITY : 0;
        return d == BASELINE_HIGHER_WORSE ? now > 0 : now < 0;
    }
    *change = (now - before) / fabs(before);
    return d == BASELINE_HIGHER_WORSE ? *change > tolerance : *change < -tolerance;
}

int baseline_compare(const baseline_run *b, const run_result *r, double tolerance, baseline_fn *fn,
                     void *ctx, size_t *compared)
{
    size_t ncompared = 0;
    int    nregressions = 0;
    for (size_t i = 0; i < r->nmetrics; i++) {
        const run_metric  *m = &r->metrics[i];
        baseline_dir       d = baseline_direction(m->name);
        const base_metric *bm = d == BASELINE_NONE ? NULL : find(b, m);
        if (!bm)
            continue;
        ncompared++;
        if (isnan(bm->value))
            continue; /* nothing before: anything now is news */
        baseline_regression g = { .metric = m, .before = bm->value, .now = m->value };
        if (!worse(d, bm->value, m->value, tolerance, &g.change))
            continue;
        nregressions++;
        int rc = fn ? fn(ctx, &g) : 0;
        if (rc != 0)
            return rc;
    }
    if (compared)
        *compared = ncompared;
    return nregressions;
}

/* --- text ------------------------------------------------------------------------------ */

void baseline_metric_name(const run_metric *m, char *buf, size_t n)
{
    switch (m->scope) {
    case RUN_SCOPE_OP:
        snprintf(buf, n, "%s{op=%s}", m->name, m->key);
        break;
    case RUN_SCOPE_REGION:
        snprintf(buf, n, "%s{region=%s}", m->name, m->key);
        break;
    case RUN_SCOPE_CLIENT:
        snprintf(buf, n, "%s{client=%s}", m->name, m->key);
        break;
    default:
        snprintf(buf, n, "%s", m->name);
        break;
    }
}

void baseline_describe(const baseline_regression *g, char *buf, size_t n)
{
    if (isnan(g->now))
        snprintf(buf, n, "baseline %.10g, now nothing", g->before);
    else if (isinf(g->change))
        snprintf(buf, n, "baseline %.10g, now %.10g, %sinf%%", g->before, g->now,
                 g->change > 0 ? "+" : "-");
    else
        snprintf(buf, n, "baseline %.10g, now %.10g, %+.2f%%", g->before, g->now,
                 100.0 * g->change);
}
