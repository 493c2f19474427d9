/* run.c - assemble the world for one run, drive it, and turn what it measured into metrics.
 *
 * Data flows one way: the workload issues requests, the network carries them, regions serve
 * them, and each finished request comes back here as a wl_outcome that is counted in a cell
 * per (region, operation). After the run the cells are summed into the per-operation,
 * per-region and whole-run figures; histograms merge exactly, so a p99 of the whole run is the
 * p99 of all its requests, not an average of regional p99s. */
#include "run.h"

#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "fault.h"
#include "net.h"
#include "region.h"
#include "topo.h"
#include "wl.h"

/* Counts of the requests that ended in one (region, operation). */
typedef struct cell {
    uint64_t   requests, ok, timeouts, rejected;
    stat_hist *latency;                       /* ok requests, ns */
} cell;

typedef struct world {
    const scn_scenario *scn;
    sim_engine     *engine;
    topo           *topo;
    net            *net;
    region        **regions;
    wl             *wl;
    fault_timeline *faults;
    cell           *cells;                    /* nregions x SCN_OP_COUNT */
    run_result     *result;
    size_t          log_cap;
    sim_err        *err;
    const run_options *opts;
    sim_time        progress_every;
    uint64_t        progress_ticks;           /* engine events spent on progress reports */
} world;

static const char *const all_key = "";

/* --- collecting -------------------------------------------------------------------- */

static void on_outcome(void *ctx, const wl_outcome *o)
{
    world *w = ctx;
    if (o->issued < w->scn->warmup)
        return;                               /* arrivals in [warmup, duration) are measured */
    cell *c = &w->cells[o->region * SCN_OP_COUNT + o->op];
    c->requests++;
    switch (o->result) {
    case WL_OK:
        c->ok++;
        stat_hist_record(c->latency, o->latency);
        break;
    case WL_TIMEOUT:
        c->timeouts++;
        break;
    case WL_REJECTED:
        c->rejected++;
        break;
    default:
        sim_panic("unknown request result %d", (int)o->result);
    }
}

static void on_fault_log(void *ctx, sim_time t, const char *kind, const char *detail)
{
    world *w = ctx;
    run_result *r = w->result;
    if (r->nlog == w->log_cap) {
        size_t cap = w->log_cap ? w->log_cap * 2 : 16;
        run_event *log = sim_realloc(r->log, cap * sizeof *log);
        if (!log)
            sim_panic("out of memory growing the event log to %zu entries", cap);
        r->log = log;
        w->log_cap = cap;
    }
    run_event *ev = &r->log[r->nlog++];
    ev->t = t;
    ev->kind = kind;
    snprintf(ev->detail, sizeof ev->detail, "%s", detail);
}

static void on_progress(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    world *w = ctx;
    w->progress_ticks++;
    w->opts->progress(w->opts->progress_ctx, sim_now(e), w->scn->duration,
                      sim_engine_executed(e));
    if (sim_now(e) + w->progress_every < w->scn->duration)
        sim_after(e, w->progress_every, on_progress, w, 0);
}

/* --- metrics ----------------------------------------------------------------------- */

static int add_metric(run_result *r, size_t *cap, run_scope scope, const char *key,
                      const char *name, double value)
{
    if (r->nmetrics == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        run_metric *m = sim_realloc(r->metrics, n * sizeof *m);
        if (!m)
            return SIM_ENOMEM;
        r->metrics = m;
        *cap = n;
    }
    r->metrics[r->nmetrics++] = (run_metric){scope, key, name, value};
    return 0;
}

/* The request figures of one scope, from its summed counts and merged histogram.
 * utilization < 0 means the scope has none (operations). */
static int add_request_metrics(world *w, size_t *cap, run_scope scope, const char *key,
                               const cell *sum, double utilization)
{
    run_result *r = w->result;
    const stat_hist *h = sum->latency;
    double window_s = sim_time_s(w->scn->duration - w->scn->warmup);
    const struct { const char *name; double value; } m[] = {
        {"requests", (double)sum->requests},
        {"ok", (double)sum->ok},
        {"errors", (double)(sum->requests - sum->ok)},
        {"timeouts", (double)sum->timeouts},
        {"rejected", (double)sum->rejected},
        {"availability", sum->requests ? (double)sum->ok / (double)sum->requests : 1.0},
        {"throughput_rps", (double)sum->ok / window_s},
        {"mean_ms", stat_hist_mean(h) / 1e6},
        {"p50_ms", stat_hist_quantile(h, 0.50) / 1e6},
        {"p90_ms", stat_hist_quantile(h, 0.90) / 1e6},
        {"p99_ms", stat_hist_quantile(h, 0.99) / 1e6},
        {"p999_ms", stat_hist_quantile(h, 0.999) / 1e6},
        {"max_ms", sim_time_ms(stat_hist_max(h))},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (add_metric(r, cap, scope, key, m[i].name, m[i].value) < 0)
            return SIM_ENOMEM;
    if (utilization >= 0 && add_metric(r, cap, scope, key, "utilization", utilization) < 0)
        return SIM_ENOMEM;
    return 0;
}

static void cell_add(cell *into, const cell *from)
{
    into->requests += from->requests;
    into->ok += from->ok;
    into->timeouts += from->timeouts;
    into->rejected += from->rejected;
    stat_hist_merge(into->latency, from->latency);
}

static int build_metrics(world *w)
{
    const scn_scenario *s = w->scn;
    run_result *r = w->result;
    size_t cap = 0;
    cell sum = {0};
    if (stat_hist_new(&sum.latency) < 0)
        return SIM_ENOMEM;
    int rc = 0;

    /* The whole run: every region's servers count equally in its utilisation. */
    double busy = 0, servers = 0;
    for (size_t reg = 0; reg < s->nregions; reg++) {
        busy += region_utilization(w->regions[reg]) * s->regions[reg].servers;
        servers += s->regions[reg].servers;
    }
    for (size_t i = 0; i < s->nregions * SCN_OP_COUNT; i++)
        cell_add(&sum, &w->cells[i]);
    stat_hist_merge(r->latency, sum.latency);
    rc = add_request_metrics(w, &cap, RUN_SCOPE_ALL, all_key, &sum, busy / servers);

    for (int op = 0; op < SCN_OP_COUNT && rc == 0; op++) {
        sum.requests = sum.ok = sum.timeouts = sum.rejected = 0;
        stat_hist_reset(sum.latency);
        for (size_t reg = 0; reg < s->nregions; reg++)
            cell_add(&sum, &w->cells[reg * SCN_OP_COUNT + op]);
        rc = add_request_metrics(w, &cap, RUN_SCOPE_OP, scn_op_name(op), &sum, -1);
    }
    for (size_t reg = 0; reg < s->nregions && rc == 0; reg++) {
        sum.requests = sum.ok = sum.timeouts = sum.rejected = 0;
        stat_hist_reset(sum.latency);
        for (int op = 0; op < SCN_OP_COUNT; op++)
            cell_add(&sum, &w->cells[reg * SCN_OP_COUNT + op]);
        rc = add_request_metrics(w, &cap, RUN_SCOPE_REGION, s->regions[reg].name, &sum,
                                 region_utilization(w->regions[reg]));
    }
    stat_hist_free(sum.latency);
    return rc;
}

/* --- the run ----------------------------------------------------------------------- */

static void world_free(world *w)
{
    fault_timeline_free(w->faults);
    wl_free(w->wl);
    if (w->regions)
        for (size_t i = 0; i < w->scn->nregions; i++)
            region_free(w->regions[i]);
    sim_free(w->regions);
    if (w->cells)
        for (size_t i = 0; i < w->scn->nregions * SCN_OP_COUNT; i++)
            stat_hist_free(w->cells[i].latency);
    sim_free(w->cells);
    net_free(w->net);
    topo_free(w->topo);
    sim_engine_free(w->engine);
}

static int world_build(world *w, uint64_t seed, sim_err *err)
{
    const scn_scenario *s = w->scn;
    int rc;
    if ((rc = sim_engine_new(&w->engine)) < 0)
        return sim_err_set(err, rc, NULL, "out of memory creating the engine");
    w->regions = sim_calloc(s->nregions, sizeof *w->regions);
    w->cells = sim_calloc(s->nregions * SCN_OP_COUNT, sizeof *w->cells);
    if (!w->regions || !w->cells)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the world");
    for (size_t i = 0; i < s->nregions * SCN_OP_COUNT; i++)
        if (stat_hist_new(&w->cells[i].latency) < 0)
            return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the world");
    if ((rc = topo_new(s, &w->topo, err)) < 0 ||
        (rc = net_new(w->engine, s, w->topo, seed, &w->net, err)) < 0 ||
        (rc = wl_new(w->engine, s, w->topo, w->net, w->regions, seed, on_outcome, w, &w->wl,
                     err)) < 0)
        return rc;
    for (uint32_t i = 0; i < s->nregions; i++)
        if ((rc = region_new(w->engine, s, i, seed, s->warmup, s->duration, wl_region_done,
                             w->wl, &w->regions[i], err)) < 0)
            return rc;
    return fault_timeline_new(w->engine, s, w->net, w->regions, on_fault_log, w, &w->faults,
                              err);
}

int run_scenario(const scn_scenario *s, const run_options *opts, run_result **out,
                 sim_err *err)
{
    static const run_options no_options = {0};
    if (!opts)
        opts = &no_options;
    world w = {.scn = s, .err = err, .opts = opts};
    run_result *r = sim_calloc(1, sizeof *r);
    int rc = SIM_ENOMEM;
    if (!r || stat_hist_new(&r->latency) < 0) {
        sim_err_set(err, rc, NULL, "out of memory creating the result");
        goto done;
    }
    w.result = r;
    r->scn = s;
    r->pattern = "independent";
    r->seed = opts->has_seed ? opts->seed : s->seed;
    if ((rc = world_build(&w, r->seed, err)) < 0)
        goto done;

    wl_start(w.wl);
    if (opts->progress) {
        w.progress_every = opts->progress_every > 0 ? opts->progress_every : s->duration / 100;
        if (w.progress_every <= 0)
            w.progress_every = 1;
        sim_after(w.engine, w.progress_every, on_progress, &w, 0);
    }
    sim_engine_run(w.engine, s->duration);
    /* Arrivals are over; let every request in flight finish. Pending fault ends and other
     * timers past this point are of no consequence and are dropped with the engine. */
    if (!wl_end_arrivals(w.wl))
        sim_engine_run(w.engine, SIM_TIME_MAX);
    r->simulated = sim_now(w.engine);
    /* Progress reports are the CLI's business, not the model's: leave them out, so that the
     * count is the same with and without a terminal. */
    r->events = sim_engine_executed(w.engine) - w.progress_ticks;
    if ((rc = build_metrics(&w)) < 0)
        sim_err_set(err, rc, NULL, "out of memory collecting the metrics");
done:
    world_free(&w);
    if (rc < 0) {
        run_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void run_result_free(run_result *r)
{
    if (!r)
        return;
    sim_free(r->metrics);
    sim_free(r->log);
    stat_hist_free(r->latency);
    sim_free(r);
}

bool run_metric_find(const run_result *r, run_scope scope, const char *key, const char *name,
                     double *value)
{
    for (size_t i = 0; i < r->nmetrics; i++) {
        const run_metric *m = &r->metrics[i];
        if (m->scope == scope && strcmp(m->key, key) == 0 && strcmp(m->name, name) == 0) {
            *value = m->value;
            return true;
        }
    }
    return false;
}

const char *run_scope_name(run_scope scope)
{
    static const char *const names[RUN_SCOPE_COUNT] = {"all", "op", "region"};
    return scope < RUN_SCOPE_COUNT ? names[scope] : "?";
}
