/* run.c - assemble the world for one run, drive it, and collect what it measured.
 *
 * Data flows one way: the workload issues requests, the network carries them, regions serve
 * them, and each finished request comes back here as a wl_outcome that is counted in a cell
 * per (region, operation); run-metrics.c turns the cells and the oracle's figures into
 * metrics after the run. */
#include "run-int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DRAIN_CHECK_EVERY (10 * SIM_MS) /* how often the drain looks for idle logs */

_Static_assert(sizeof((run_result *)0)->visibility / sizeof(struct run_visibility)
                   == VISIBILITY_POINTS,
               "run_result holds every point of the t-visibility curve");

/* --- collecting -------------------------------------------------------------------- */

static void on_outcome(void *ctx, const wl_outcome *o)
{
    world *w = ctx;
    if (o->issued < w->scn->warmup)
        return; /* arrivals in [warmup, duration) are measured */
    cell *c = &w->cells[o->region * SCN_OP_COUNT + o->op];
    cell *cc = &w->client_cells[o->client * SCN_OP_COUNT + o->op];
    c->requests++;
    cc->requests++;
    if (o->result == WL_OK && o->op == SCN_READ) {
        /* The oracle judged this read just before the outcome: a rise of its RYW count
         * since the last outcome is this read's, so this client's. */
        uint64_t ryw = oracle_ryw_violations(w->oracle);
        w->client_reads[o->client]++;
        w->client_stale[o->client] += o->stale;
        w->client_ryw[o->client] += ryw - w->ryw_seen;
        w->ryw_seen = ryw;
    }
    size_t slot = (size_t)(sim_now(w->engine) / w->scn->monitor.interval);
    if (slot < w->nslots) { /* for the affected clients' recovery (RTO) */
        uint32_t *tally = &w->by_client[2 * ((size_t)o->client * w->nslots + slot)];
        tally[0]++;
        tally[1] += o->result == WL_OK;
    }
    mon_request(w->mon, o->region, o->result == WL_OK, o->latency);
    if (o->result == WL_OK && o->op == SCN_READ)
        mon_read(w->mon, o->region, o->stale);
    switch (o->result) {
    case WL_OK:
        c->ok++;
        cc->ok++;
        stat_hist_record(c->latency, o->latency);
        stat_hist_record(cc->latency, o->latency);
        break;
    case WL_TIMEOUT:
        c->timeouts++;
        cc->timeouts++;
        break;
    case WL_REJECTED:
        c->rejected++;
        cc->rejected++;
        break;
    case WL_FAILED:
        c->failed++;
        cc->failed++;
        break;
    case WL_NO_REGION:
        c->no_region++;
        cc->no_region++;
        break;
    default:
        sim_panic("unknown request result %d", (int)o->result);
    }
}

static void log_event(world *w, sim_time t, const char *kind, const char *detail);

static void on_fault_log(void *ctx, sim_time t, const char *kind, const char *detail)
{
    log_event(ctx, t, kind, detail);
}

static void on_control(void *ctx, uint32_t down)
{
    world *w = ctx;
    env_set_dns_updates_down(w->env, down & FAULT_DOWN_DNS_UPDATES);
    env_set_health_down(w->env, down & FAULT_DOWN_HEALTH);
    wl_set_dns_answers_down(w->wl, down & FAULT_DOWN_DNS_ANSWERS);
}

static void on_client_cut(void *ctx, uint32_t client, uint32_t region, uint32_t sessions)
{
    world *w = ctx;
    wl_cut_sessions(w->wl, client, region, sessions);
}

/* The health view flipped. Ground truth decides what it means: a flip to unhealthy while a
 * region_down fault holds the region is a detection (its delay counts towards detect_s);
 * while the region is up it is a false alarm. */
static void on_health_change(void *ctx, sim_time t, uint32_t region, bool healthy)
{
    world              *w = ctx;
    const scn_scenario *s = w->scn;
    char                detail[96];
    snprintf(detail, sizeof detail, "%s", s->regions[region].name);
    log_event(w, t, healthy ? "health_up" : "health_down", detail);
    if (healthy)
        return;
    if (!region_is_down(w->regions[region])) {
        w->false_downs++;
        return;
    }
    for (size_t i = 0; i < s->nfaults; i++) {
        const scn_fault *f = &s->faults[i];
        if (f->kind == SCN_FAULT_REGION_DOWN && f->region == region && f->at <= t && t < f->end
            && !w->fault_detected[i]) {
            w->fault_detected[i] = true;
            w->detect_sum_s += sim_time_s(t - f->at);
            w->detected++;
        }
    }
}

static void on_alert(void *ctx, sim_time t, const char *kind, const char *detail)
{
    log_event(ctx, t, kind, detail);
}

/* --- the failover controller's reports, judged by the failover watcher --------------- */

static void on_dr_event(void *ctx, sim_time t, const char *kind, const char *detail)
{
    world *w = ctx;
    log_event(w, t, kind, detail);
    failwatch_step(w->failwatch, t, kind);
}

static void on_dr_promoted(void *ctx, sim_time t, uint32_t from, uint32_t to, uint64_t fence,
                           bool planned, bool rollback)
{
    world *w = ctx;
    failwatch_promoted(w->failwatch, t, from, to, fence, planned, rollback);
}

static void on_dr_roles(void *ctx, sim_time t)
{
    world *w = ctx;
    failwatch_changed(w->failwatch, t);
}

static void on_dr_resynced(void *ctx, uint32_t region)
{
    world *w = ctx;
    dp_region_resynced(w->dp, region);
}

/* A region crashed or came back: a restarted region's processes start again. */
static void on_region_watch(void *ctx, sim_time t, uint32_t region, bool up)
{
    world *w = ctx;
    if (up)
        env_region_restarted(w->env, region);
    if (w->failwatch)
        failwatch_changed(w->failwatch, t);
}

/* What the code under test tells through env_observe(), for the oracle and monitoring. */
static void on_fact(void *ctx, const env_fact *f)
{
    world   *w = ctx;
    sim_time now = sim_now(w->engine);
    switch (f->kind) {
    case ENV_FACT_COMMIT:
        *f->annotation = oracle_commit(w->oracle, f->key, f->field, f->write_id, now, f->measured);
        if (!f->relay)
            residency_placed(w->residency, f->key, f->region);
        break;
    case ENV_FACT_OVERWRITTEN:
        oracle_overwritten(w->oracle, f->write_id);
        break;
    case ENV_FACT_APPLIED:
        oracle_applied(w->oracle, f->region, f->commit, now);
        mon_lag(w->mon, f->region, now - f->commit);
        residency_placed(w->residency, f->key, f->region);
        break;
    case ENV_FACT_CONFLICT:
        oracle_conflict(w->oracle);
        break;
    case ENV_FACT_CACHED:
        residency_placed(w->residency, f->key, f->region);
        break;
    }
}

/* Which regions' stores should hold a key, for the oracle's divergence count: the
 * placements of the leaderless and geo-partitioned patterns. */
static bool ll_holds(void *ctx, uint64_t key, uint32_t store)
{
    uint32_t reps[LL_MAX_N], n = ll_replicas(ctx, key, reps);
    for (uint32_t i = 0; i < n; i++)
        if (reps[i] == store)
            return true;
    return false;
}

static bool geo_holds(void *ctx, uint64_t key, uint32_t store)
{
    return geo_may_hold(ctx, key, store);
}

/* A request reached a region: a region that is down hears nothing. */
static void on_request_arrival(void *ctx, uint32_t region, scn_op op, uint64_t tag)
{
    world *w = ctx;
    if (!region_is_down(w->regions[region]))
        dp_request(w->dp, region, op, tag);
}

static bool view_healthy(void *ctx, uint32_t region)
{
    world *w = ctx;
    return health_is_healthy(w->health, region);
}

static void log_event(world *w, sim_time t, const char *kind, const char *detail)
{
    run_result *r = w->result;
    if (r->nlog == w->log_cap) {
        size_t     cap = w->log_cap ? w->log_cap * 2 : 16;
        run_event *log = sim_realloc(r->log, cap * sizeof *log);
        if (!log) {
            sim_engine_fail(w->engine, SIM_ENOMEM,
                            "out of memory growing the event log to %zu entries", cap);
            return;
        }
        r->log = log;
        w->log_cap = cap;
    }
    run_event *ev = &r->log[r->nlog++];
    ev->t = t;
    ev->kind = kind;
    sim_utf8_copy(ev->detail, sizeof ev->detail, detail); /* never half a character */
}

static void on_progress(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    world *w = ctx;
    w->progress_ticks++;
    w->opts->progress(w->opts->progress_ctx, sim_now(e), w->scn->duration, sim_engine_executed(e));
    if (sim_now(e) + w->progress_every < w->scn->duration)
        sim_after(e, w->progress_every, on_progress, w, 0);
}

/* --- the run ----------------------------------------------------------------------- */

static void world_free(world *w)
{
    fault_timeline_free(w->faults);
    sim_free(w->fault_detected);
    failwatch_free(w->failwatch);
    dr_free(w->dr);
    route_free(w->route);
    sim_free(w->geo_nearest);
    sim_free(w->geo_rtt);
    mon_free(w->mon);
    health_free(w->health);
    repl_free(w->repl);
    ll_free(w->ll);
    geo_free(w->geo);
    visibility_free(w->vis);
    dp_free(w->dp);
    wl_free(w->wl);
    if (w->stores)
        for (size_t i = 0; i < w->scn->nregions; i++)
            store_free(w->stores[i]);
    sim_free(w->stores);
    sim_free(w->clocks);
    sim_free(w->rank);
    oracle_free(w->oracle);
    residency_free(w->residency);
    if (w->regions)
        for (size_t i = 0; i < w->scn->nregions; i++)
            region_free(w->regions[i]);
    sim_free(w->regions);
    if (w->cells)
        for (size_t i = 0; i < w->scn->nregions * SCN_OP_COUNT; i++)
            stat_hist_free(w->cells[i].latency);
    sim_free(w->cells);
    if (w->client_cells)
        for (size_t i = 0; i < w->scn->nclients * SCN_OP_COUNT; i++)
            stat_hist_free(w->client_cells[i].latency);
    sim_free(w->client_cells);
    sim_free(w->client_reads);
    sim_free(w->client_stale);
    sim_free(w->client_ryw);
    sim_free(w->by_client);
    env_free(w->env);
    net_free(w->net);
    topo_free(w->topo);
    sim_engine_free(w->engine);
}

/* Region i's NTP error, drawn once from clock.error on its own stream ("clock/<name>"), so
 * that it changes nothing else's draws. */
static int draw_clock_error(const scn_scenario *s, uint32_t i, uint64_t seed, clock_state *c,
                            sim_err *err)
{
    char     name[160];
    sim_rng *rng = NULL;
    dist    *d = NULL;
    snprintf(name, sizeof name, "clock/%s", s->regions[i].name);
    int rc = sim_rng_new(seed, name, &rng);
    if (rc == 0)
        rc = dist_new_at(&s->clock_error, &d, err, "clock.error");
    if (rc == 0)
        clock_set_ntp(c, sim_time_from_ns(dist_sample(d, rng)));
    dist_free(d);
    sim_rng_free(rng);
    return rc < 0 && rc != SIM_EINVAL ? sim_err_set(err, rc, NULL, "out of memory for the clocks")
                                      : rc;
}

/* Alphabetical rank of each region's name: the tie-break of the resolvers. */
static void rank_regions(const scn_scenario *s, uint8_t *rank)
{
    for (size_t a = 0; a < s->nregions; a++) {
        rank[a] = 0;
        for (size_t b = 0; b < s->nregions; b++)
            if (strcmp(s->regions[b].name, s->regions[a].name) < 0)
                rank[a]++;
    }
}

static uint64_t key_space(const scn_scenario *s)
{
    uint64_t keys = 1;
    for (size_t i = 0; i < s->nclients; i++)
        if (s->clients[i].key_base + s->clients[i].key_count > keys)
            keys = s->clients[i].key_base + s->clients[i].key_count;
    return keys;
}

/* What the DNS service knows of its clients' whereabouts, from the topology. */
static int build_geo(world *w, route_geo *geo, sim_err *err)
{
    uint32_t nc = (uint32_t)w->scn->nclients, nr = (uint32_t)w->scn->nregions;
    w->geo_nearest = sim_calloc((size_t)nc * nr + 1, sizeof *w->geo_nearest);
    w->geo_rtt = sim_calloc((size_t)nc * nr + 1, sizeof *w->geo_rtt);
    if (!w->geo_nearest || !w->geo_rtt)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the DNS service");
    for (uint32_t c = 0; c < nc; c++)
        for (uint32_t k = 0; k < nr; k++) {
            w->geo_nearest[(size_t)c * nr + k] = topo_client_region(w->topo, c, k);
            w->geo_rtt[(size_t)c * nr + k] = topo_rtt(w->topo, topo_client_endpoint(w->topo, c), k);
        }
    *geo = (route_geo){ nc, nr, w->geo_nearest, w->geo_rtt };
    return 0;
}

static int world_build(world *w, uint64_t seed, sim_err *err)
{
    const scn_scenario *s = w->scn;
    const uint32_t      nr = (uint32_t)s->nregions;
    int                 rc;
    if ((rc = sim_engine_new(&w->engine)) < 0)
        return sim_err_set(err, rc, NULL, "out of memory creating the engine");
    w->regions = sim_calloc(nr, sizeof *w->regions);
    w->stores = sim_calloc(nr, sizeof *w->stores);
    w->clocks = sim_calloc(nr, sizeof *w->clocks);
    w->rank = sim_calloc(nr, sizeof *w->rank);
    w->cells = sim_calloc(nr * SCN_OP_COUNT, sizeof *w->cells);
    w->nslots = (size_t)(s->duration / s->monitor.interval) + 2; /* requests end late */
    w->by_client = sim_calloc(2 * s->nclients * w->nslots, sizeof *w->by_client);
    w->client_cells = sim_calloc(s->nclients * SCN_OP_COUNT, sizeof *w->client_cells);
    w->client_reads = sim_calloc(s->nclients, sizeof *w->client_reads);
    w->client_stale = sim_calloc(s->nclients, sizeof *w->client_stale);
    w->client_ryw = sim_calloc(s->nclients, sizeof *w->client_ryw);
    if (!w->regions || !w->stores || !w->clocks || !w->rank || !w->cells || !w->by_client
        || !w->client_cells || !w->client_reads || !w->client_stale || !w->client_ryw)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the world");
    for (size_t i = 0; i < nr * SCN_OP_COUNT; i++)
        if (stat_hist_new(&w->cells[i].latency) < 0)
            return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the world");
    for (size_t i = 0; i < s->nclients * SCN_OP_COUNT; i++)
        if (stat_hist_new(&w->client_cells[i].latency) < 0)
            return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the world");
    rank_regions(s, w->rank);
    for (uint32_t i = 0; i < nr; i++) {
        clock_init(&w->clocks[i]);
        if ((rc = draw_clock_error(s, i, seed, &w->clocks[i], err)) < 0)
            return rc;
        if ((rc = store_new(key_space(s), s->data.fields, nr, &w->stores[i], err)) < 0)
            return rc;
    }
    if ((rc = topo_new(s, &w->topo, err)) < 0
        || (rc = net_new(w->engine, s, w->topo, seed, &w->net, err)) < 0
        || (rc = oracle_new(s, &w->oracle, err)) < 0
        || (rc = residency_new(s, &w->residency, err)) < 0
        || (rc = env_new(&(env_world_config){ .engine = w->engine,
                                              .scn = s,
                                              .net = w->net,
                                              .regions = w->regions,
                                              .clocks = w->clocks,
                                              .seed = seed,
                                              .dns_propagation = s->dns.propagation,
                                              .observe = on_fact,
                                              .observe_ctx = w },
                         &w->env, err))
            < 0
        || (rc = wl_new(w->engine, s, w->pat, w->topo, w->net, w->oracle, seed, on_outcome, w,
                        &w->wl, err))
            < 0
        || (rc = dp_new(w->env, w->pat, &s->data, w->stores, &w->dp, err)) < 0)
        return rc;
    /* Merge resolves each field on its own: so does the oracle's judgement of reads. */
    if (w->pat->resolver == SCN_RESOLVER_MERGE && oracle_judge_fields(w->oracle) < 0)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the oracle");
    env_set_clients(w->env, w->wl);
    for (uint32_t i = 0; i < nr; i++)
        if ((rc = region_new(w->engine, s, i, seed, s->warmup, s->duration, dp_served, w->dp,
                             &w->regions[i], err))
            < 0)
            return rc;
    if ((rc = repl_new(w->env, &s->data, w->pat, w->stores, w->rank, dp_write_settled, w->dp,
                       &w->repl, err))
        < 0)
        return rc;
    dp_set_repl(w->dp, w->repl);
    /* Who owns the data, as the code under test is configured with it. */
    scn_owner *owners = w->owners;
    for (size_t c = 0; c < s->nclients; c++)
        owners[c] = (scn_owner){ .keys_own = s->clients[c].keys_own,
                                 .key_base = s->clients[c].key_base,
                                 .key_count = s->clients[c].key_count,
                                 .home = s->clients[c].home,
                                 .secondary = s->clients[c].secondary,
                                 .allowed = s->clients[c].allowed };
    scn_ownership own = { owners, s->nclients };
    if (w->pat->kind == SCN_PATTERN_LEADERLESS) {
        if ((rc = ll_new(w->env, &own, &s->data, w->pat, w->stores, w->rank, dp_leaderless_done,
                         w->dp, &w->ll, err))
            < 0)
            return rc;
        dp_set_leaderless(w->dp, w->ll);
        oracle_set_holder(w->oracle, ll_holds, w->ll);
    }
    if (w->pat->kind == SCN_PATTERN_GEO) {
        if ((rc
             = geo_new(w->env, &own, &s->data, w->pat, w->repl, dp_geo_serve, w->dp, &w->geo, err))
            < 0)
            return rc;
        dp_set_geo(w->dp, w->geo);
        oracle_set_holder(w->oracle, geo_holds, w->geo);
    }
    if (visibility_new(&w->vis) < 0)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the world");
    oracle_set_visibility(w->oracle, w->vis);
    wl_set_deliver(w->wl, on_request_arrival, w);
    if ((rc = mon_new(w->engine, s, w->regions, on_alert, w, &w->mon, err)) < 0)
        return rc;
    w->fault_detected = sim_calloc(s->nfaults ? s->nfaults : 1, sizeof *w->fault_detected);
    if (!w->fault_detected)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the world");
    /* A failover controller needs health checking and DNS: with their defaults when the
     * scenario configures neither. */
    bool failover = scn_pattern_has_failover(s, w->pat);
    if (s->health.enabled || failover) {
        if ((rc = health_new(w->env, &s->health, on_health_change, w, &w->health, err)) < 0)
            return rc;
        dp_set_health(w->dp, w->health);
        mon_set_health(w->mon, view_healthy, w);
    }
    if (scn_pattern_uses_dns(s, w->pat)) {
        route_geo geo;
        if ((rc = build_geo(w, &geo, err)) < 0
            || (rc = route_new(w->env, &s->dns, w->pat, failover, &geo, w->health, &w->route, err))
                < 0)
            return rc;
        wl_set_route(w->wl, w->route);
    }
    if ((rc = fault_timeline_new(w->engine, s, w->net, w->regions, w->clocks, on_fault_log, w,
                                 &w->faults, err))
        < 0)
        return rc;
    fault_set_watch(w->faults, on_region_watch, w);
    fault_set_client_cut(w->faults, on_client_cut, w);
    fault_set_control(w->faults, on_control, w);
    if (!failover)
        return 0;
    const dr_hooks hooks = { .ctx = w,
                             .event = on_dr_event,
                             .promoted = on_dr_promoted,
                             .roles_changed = on_dr_roles,
                             .resynced = on_dr_resynced };
    if ((rc = failwatch_new(s, w->regions, w->repl, w->oracle, on_alert, w, &w->failwatch, err)) < 0
        || (rc = dr_new(w->env, &s->failover, &s->dns, w->pat, w->repl, w->health, &hooks, &w->dr,
                        err))
            < 0)
        return rc;
    failwatch_set_dr(w->failwatch, w->dr);
    dp_set_dr(w->dp, w->dr);
    fault_set_command(w->faults, dr_drill, w->dr);
    return 0;
}

/* The stores whose state counts at the end: every region's but those of fenced primaries,
 * which are out of the system. Returns how many, in 'out'. */
static uint32_t live_stores(const world *w, store **out)
{
    uint32_t n = 0;
    for (uint32_t r = 0; r < w->scn->nregions; r++)
        if (!w->dr || dr_role_of(w->dr, r) != DR_FENCED)
            out[n++] = w->stores[r];
    return n;
}

/* During the drain: stop the engine once no log has anything left to ship. */
static void on_drain_check(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    world *w = ctx;
    if (repl_idle(w->repl))
        sim_engine_stop(e);
    else
        sim_after(e, DRAIN_CHECK_EVERY, on_drain_check, w, 0);
}

/* A pool or series that could not grow failed the engine (sim_engine_fail): the run is an
 * error, not a result, and nothing of it is returned. */
static int run_failed(world *w, sim_err *err)
{
    const char *what;
    int         rc = sim_engine_error(w->engine, &what);
    if (rc < 0) {
        sim_err_set(err, rc, NULL, "%s at %.3fs of simulated time (%s pattern); nothing is stored",
                    what, sim_time_s(sim_now(w->engine)),
                    w->pat->name ? w->pat->name : "independent");
    }
    return rc;
}

int run_scenario(const scn_scenario *s, const run_options *opts, run_result **out, sim_err *err)
{
    static const run_options no_options = { 0 };
    if (!opts)
        opts = &no_options;
    scn_pattern independent = scn_pattern_independent();
    world       w = {
              .scn = s, .pat = opts->pattern ? opts->pattern : &independent, .err = err, .opts = opts
    };
    run_result *r = sim_calloc(1, sizeof *r);
    int         rc = SIM_ENOMEM;
    /* A pattern with servers of its own ("patterns.NAME.servers") runs, and is costed, on a
     * copy of the scenario whose regions have them; the result names the scenario given. */
    scn_scenario sized;
    scn_region  *regions = NULL;
    bool         resized = false;
    for (size_t i = 0; i < s->nregions; i++)
        resized = resized || w.pat->servers[i] > 0;
    if (resized) {
        if (!(regions = sim_malloc(s->nregions * sizeof *regions))) {
            sim_err_set(err, rc, NULL, "out of memory creating the result");
            goto done;
        }
        memcpy(regions, s->regions, s->nregions * sizeof *regions);
        for (size_t i = 0; i < s->nregions; i++)
            if (w.pat->servers[i] > 0)
                regions[i].servers = w.pat->servers[i];
        sized = *s;
        sized.regions = regions;
        w.scn = &sized;
    }
    if (!r || stat_hist_new(&r->latency) < 0) {
        sim_err_set(err, rc, NULL, "out of memory creating the result");
        goto done;
    }
    w.result = r;
    r->scn = s;
    r->pattern = opts->pattern ? opts->pattern->name : "independent";
    r->seed = opts->has_seed ? opts->seed : s->seed;
    if ((rc = world_build(&w, r->seed, err)) < 0)
        goto done;

    wl_start(w.wl);
    mon_start(w.mon);
    if (w.health)
        health_start(w.health);
    if (w.dr)
        dr_start(w.dr);
    if (w.geo)
        geo_start(w.geo);
    if (opts->progress) {
        w.progress_every = opts->progress_every > 0 ? opts->progress_every : s->duration / 100;
        if (w.progress_every <= 0)
            w.progress_every = 1;
        sim_after(w.engine, w.progress_every, on_progress, &w, 0);
    }
    sim_engine_run(w.engine, s->duration);
    if ((rc = run_failed(&w, err)) < 0)
        goto done;
    if (w.failwatch)
        failwatch_stop(w.failwatch, sim_now(w.engine));
    /* Arrivals are over; let every request in flight finish. Pending fault ends and other
     * timers past this point are of no consequence and are dropped with the engine. */
    if (!wl_end_arrivals(w.wl))
        sim_engine_run(w.engine, SIM_TIME_MAX);
    if (w.health)
        health_stop(w.health);
    /* Heal the world and let replication drain before the final account. */
    store *live[SCN_MAX_REGIONS];
    oracle_mark_arrivals_end(w.oracle, live, live_stores(&w, live));
    fault_timeline_heal(w.faults);
    if (!repl_idle(w.repl)) {
        sim_after(w.engine, DRAIN_CHECK_EVERY, on_drain_check, &w, 0);
        sim_engine_run(w.engine, sim_time_add_sat(sim_now(w.engine), s->data.drain));
    }
    if ((rc = run_failed(&w, err)) < 0)
        goto done;
    oracle_finish(w.oracle, live, live_stores(&w, live), repl_idle(w.repl));
    r->simulated = sim_now(w.engine);
    visibility_point curve[VISIBILITY_POINTS];
    visibility_curve(w.vis, curve);
    for (size_t i = 0; i < VISIBILITY_POINTS; i++)
        r->visibility[i]
            = (struct run_visibility){ curve[i].t_ms, curve[i].reads, curve[i].p_fresh };
    r->nvisibility = VISIBILITY_POINTS;
    /* Progress reports are the CLI's business, not the model's: leave them out, so that the
     * count is the same with and without a terminal. */
    r->events = sim_engine_executed(w.engine) - w.progress_ticks;
    if ((rc = run__build_metrics(&w)) < 0 || (rc = run__build_series(&w)) < 0)
        sim_err_set(err, rc, NULL, "out of memory collecting the metrics");
done:
    world_free(&w);
    sim_free(regions);
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
    sim_free(r->series);
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
    static const char *const names[RUN_SCOPE_COUNT] = { "all", "op", "region", "client" };
    return scope < RUN_SCOPE_COUNT ? names[scope] : "?";
}
