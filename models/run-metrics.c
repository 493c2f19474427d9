/* run-metrics.c - what one run measured, as metrics: the request figures per (region,
 * operation) cell summed into the whole run, each operation and each region, and per
 * (client population, operation) cell into each population (by_client) (histograms
 * merge exactly, so a p99 of the whole run is the p99 of all its requests, not an average
 * of regional p99s), the oracle's consistency figures, recovery, failover and cost, and the
 * monitor's per-interval series. Names and definitions: scenarios/README.md, "Metrics". */
#include "run-int.h"

#include <math.h>
#include <string.h>

static const char *const all_key = "";

static int add_metric(run_result *r, size_t *cap, run_scope scope, const char *key,
                      const char *name, double value)
{
    if (r->nmetrics == *cap) {
        size_t      n = *cap ? *cap * 2 : 64;
        run_metric *m = sim_realloc(r->metrics, n * sizeof *m);
        if (!m)
            return SIM_ENOMEM;
        r->metrics = m;
        *cap = n;
    }
    r->metrics[r->nmetrics++] = (run_metric){ scope, key, name, value };
    return 0;
}

/* The request figures of one scope, from its summed counts and merged histogram.
 * utilization < 0 means the scope has none (operations). */
static int add_request_metrics(world *w, size_t *cap, run_scope scope, const char *key,
                               const cell *sum, double utilization)
{
    run_result      *r = w->result;
    const stat_hist *h = sum->latency;
    double           window_s = sim_time_s(w->scn->duration - w->scn->warmup);
    const struct {
        const char *name;
        double      value;
    } m[] = {
        { "requests", (double)sum->requests },
        { "ok", (double)sum->ok },
        { "errors", (double)(sum->requests - sum->ok) },
        { "timeouts", (double)sum->timeouts },
        { "rejected", (double)sum->rejected },
        { "failed", (double)sum->failed },
        { "no_region", (double)sum->no_region },
        { "availability", sum->requests ? (double)sum->ok / (double)sum->requests : 1.0 },
        { "throughput_rps", (double)sum->ok / window_s },
        /* No successful request, no latency: NaN (null in JSON and the database), never a
         * 0 that would look like the best latency in a comparison. */
        { "mean_ms", sum->ok ? stat_hist_mean(h) / 1e6 : NAN },
        { "p50_ms", sum->ok ? stat_hist_quantile(h, 0.50) / 1e6 : NAN },
        { "p90_ms", sum->ok ? stat_hist_quantile(h, 0.90) / 1e6 : NAN },
        { "p99_ms", sum->ok ? stat_hist_quantile(h, 0.99) / 1e6 : NAN },
        { "p999_ms", sum->ok ? stat_hist_quantile(h, 0.999) / 1e6 : NAN },
        { "max_ms", sum->ok ? sim_time_ms(stat_hist_max(h)) : NAN },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (add_metric(r, cap, scope, key, m[i].name, m[i].value) < 0)
            return SIM_ENOMEM;
    if (utilization >= 0 && add_metric(r, cap, scope, key, "utilization", utilization) < 0)
        return SIM_ENOMEM;
    return 0;
}

static int add_lag_metrics(run_result *r, size_t *cap, run_scope scope, const char *key,
                           const stat_hist *lag)
{
    bool any = stat_hist_count(lag) > 0; /* nothing replicated: no lag figures */
    const struct {
        const char *name;
        double      value;
    } m[] = {
        { "repl_lag_p50_ms", any ? stat_hist_quantile(lag, 0.50) / 1e6 : NAN },
        { "repl_lag_p99_ms", any ? stat_hist_quantile(lag, 0.99) / 1e6 : NAN },
        { "repl_lag_max_ms", any ? sim_time_ms(stat_hist_max(lag)) : NAN },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (add_metric(r, cap, scope, key, m[i].name, m[i].value) < 0)
            return SIM_ENOMEM;
    return 0;
}

/* Recovery time: from the start of the fault that first lowered the success rate of some
 * client population to the moment the populations it affected are back to 99% of their
 * rate before any fault. Every kind of fault counts, not only outages and partitions: a
 * latency spike that trips a false failover, a brown-out that overflows queues or a drill
 * lowers the clients' success as surely as an outage does. Per monitor interval (by the
 * time requests ended): the first interval, from the first fault's on, in which some
 * client's success rate fell below 99% of its own rate before the first fault is blamed on
 * the latest fault that had started by that interval's end; a client is affected when its
 * rate fell below in some interval from that fault's on; the recovery ends with the first
 * interval, after one that fell below, in which the affected clients together are back at
 * 99% of their rate before the faults. 0 when no client was affected; NaN without a fault,
 * a rate before it, or a recovery before the run ended. */
static double recovery_s(const world *w)
{
    const scn_scenario *s = w->scn;
    sim_time            first = SIM_TIME_MAX;
    for (size_t i = 0; i < s->nfaults; i++)
        if (s->faults[i].at < first)
            first = s->faults[i].at;
    if (first == SIM_TIME_MAX)
        return NAN;
    const sim_time len = s->monitor.interval;
    /* Slots are bounded by the ones the run keeps: validation refuses faults at or after
     * the end, and this keeps the index in range regardless. */
#define SLOT_OF(t) ((size_t)((t) / len) < w->nslots ? (size_t)((t) / len) : w->nslots)
    const size_t first_after = SLOT_OF(first);
    double       base[SCN_MAX_CLIENTS] = { 0 }; /* success rate before the faults; 0: none */
    for (size_t c = 0; c < s->nclients; c++) {
        const uint32_t *t = &w->by_client[2 * c * w->nslots];
        double          ok = 0, all = 0;
        for (size_t i = 0; i < first_after; i++) {
            all += t[2 * i];
            ok += t[2 * i + 1];
        }
        base[c] = all > 0 ? ok / all : 0;
    }
    /* below(c, i): client c's interval i fell below 99% of its rate before the faults. */
#define BELOW(c, i)                                                                                \
    (base[c] > 0 && w->by_client[2 * ((c)*w->nslots + (i))] > 0                                    \
     && w->by_client[2 * ((c)*w->nslots + (i)) + 1]                                                \
         < 0.99 * base[c] * w->by_client[2 * ((c)*w->nslots + (i))])
    size_t drop = w->nslots;
    for (size_t i = first_after; i < w->nslots && drop == w->nslots; i++)
        for (size_t c = 0; c < s->nclients && drop == w->nslots; c++)
            if (BELOW(c, i))
                drop = i;
    if (drop == w->nslots)
        return 0.0;
    sim_time at = first;
    for (size_t i = 0; i < s->nfaults; i++)
        if (s->faults[i].at < (sim_time)(drop + 1) * len && s->faults[i].at > at)
            at = s->faults[i].at;
    const size_t from = SLOT_OF(at);
    bool         affected[SCN_MAX_CLIENTS] = { false };
    double       base_ok = 0, base_all = 0;
    for (size_t c = 0; c < s->nclients; c++) {
        for (size_t i = from; i < w->nslots && !affected[c]; i++)
            affected[c] = BELOW(c, i);
        if (affected[c]) {
            const uint32_t *t = &w->by_client[2 * c * w->nslots];
            for (size_t i = 0; i < first_after; i++) {
                base_all += t[2 * i];
                base_ok += t[2 * i + 1];
            }
        }
    }
#undef BELOW
#undef SLOT_OF
    bool fell = false;
    for (size_t i = from; i < w->nslots; i++) {
        double ok = 0, all = 0;
        for (size_t c = 0; c < s->nclients; c++)
            if (affected[c]) {
                all += w->by_client[2 * (c * w->nslots + i)];
                ok += w->by_client[2 * (c * w->nslots + i) + 1];
            }
        if (all == 0)
            continue;
        if (ok < 0.99 * (base_ok / base_all) * all)
            fell = true;
        else if (fell)
            return sim_time_s((sim_time)(i + 1) * len - at);
    }
    return NAN;
}

/* The oracle's figures, for the whole run. Names and definitions: scenarios/README.md. */
static int add_consistency_metrics(world *w, size_t *cap)
{
    run_result       *r = w->result;
    oracle_figures    f = oracle_get_figures(w->oracle);
    wl_dns_stats      dns = wl_get_dns_stats(w->wl);
    uint64_t          lookups = dp_cache_hits(w->dp) + dp_cache_misses(w->dp);
    failwatch_figures fw = w->failwatch ? failwatch_get(w->failwatch) : (failwatch_figures){ 0 };
    const struct {
        const char *name;
        double      value;
    } m[] = {
        { "reads", (double)f.reads },
        { "stale_reads", (double)f.stale_reads },
        { "stale_read_rate", f.reads ? (double)f.stale_reads / (double)f.reads : 0.0 },
        { "staleness_p99_ms", stat_hist_quantile(oracle_staleness(w->oracle), 0.99) / 1e6 },
        { "ryw_violations", (double)f.ryw_violations },
        { "monotonic_violations", (double)f.monotonic_violations },
        { "writes_acked", (double)f.writes_acked },
        { "writes_final", (double)f.writes_final },
        { "writes_overwritten", (double)f.writes_overwritten },
        { "lost_writes", (double)f.writes_lost },
        { "writes_unacked_applied", (double)f.writes_unacked_applied },
        { "conflicts", (double)f.conflicts },
        { "read_repairs", w->ll ? (double)ll_repairs(w->ll) : NAN },
        { "hinted_handoffs", w->ll ? (double)ll_handoffs(w->ll) : NAN },
        { "takeovers", w->geo ? (double)geo_takeovers(w->geo) : NAN },
        { "residency_violations", (double)residency_get(w->residency).violations },
        { "residency_entries_outside", (double)residency_get(w->residency).entries },
        { "divergent_keys_at_end", (double)f.divergent_keys_before_drain },
        { "divergent_keys", (double)f.divergent_keys },
        { "drained", f.drained ? 1.0 : 0.0 },
        { "repl_bytes", (double)repl_bytes(w->repl) },
        { "cache_hit_rate", lookups ? (double)dp_cache_hits(w->dp) / (double)lookups : 0.0 },
        { "detect_s", w->detected ? w->detect_sum_s / (double)w->detected : NAN },
        { "rto_s", recovery_s(w) },
        { "dns_stale_requests", w->route ? (double)dns.stale_requests : NAN },
        { "dns_move_s", dns.moves ? dns.move_sum_s / (double)dns.moves : NAN },
        { "false_health_downs", w->health ? (double)w->false_downs : NAN },
        { "probes_failed", w->health ? (double)health_probes_failed(w->health) : NAN },
        /* Failover figures exist for patterns under a failover controller; for the others
         * they would be a 0 that means "not applicable", so they are NaN. */
        { "failovers", w->dr ? (double)fw.failovers : NAN },
        { "false_failovers", w->dr ? (double)fw.false_failovers : NAN },
        { "rollbacks", w->dr ? (double)dr_rollbacks(w->dr) : NAN },
        { "failover_s", w->dr ? fw.failover_s : NAN },
        { "rpo_writes", w->dr && fw.failovers ? (double)f.rpo_writes : NAN },
        { "rpo_ms", w->dr ? fw.rpo_ms : NAN },
        { "split_brain_s", w->dr ? fw.split_brain_s : NAN },
        { "split_brain_lost", w->dr && fw.failovers ? (double)f.split_brain_lost : NAN },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (add_metric(r, cap, RUN_SCOPE_ALL, all_key, m[i].name, m[i].value) < 0)
            return SIM_ENOMEM;
    return add_lag_metrics(r, cap, RUN_SCOPE_ALL, all_key, oracle_lag_all(w->oracle));
}

/* Cost and egress (cost.h): the whole run's, or one region's. */
static int add_cost_metrics(world *w, size_t *cap, run_scope scope, const char *key, int32_t region)
{
    cost_figures f = region < 0 ? cost_of_run(w->scn, w->net)
                                : cost_of_region(w->scn, w->net, (uint32_t)region);
    const struct {
        const char *name;
        double      value;
    } m[] = {
        { "egress_gb", f.egress_gb },
        { "transfer_cost_per_hour", f.transfer_hour },
        { "cost_per_hour", f.total_hour },
        { "cost_per_month", f.total_hour * COST_HOURS_PER_MONTH },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (add_metric(w->result, cap, scope, key, m[i].name, m[i].value) < 0)
            return SIM_ENOMEM;
    return 0;
}

static void cell_add(cell *into, const cell *from)
{
    into->requests += from->requests;
    into->ok += from->ok;
    into->timeouts += from->timeouts;
    into->rejected += from->rejected;
    into->failed += from->failed;
    into->no_region += from->no_region;
    stat_hist_merge(into->latency, from->latency);
}

/* One client population's figures (scope client): its requests wherever they were served,
 * its reads as the oracle judged them, and its latency per operation. sum is scratch. */
static int add_client_metrics(world *w, size_t *cap, size_t c, cell *sum)
{
    const char *name = w->scn->clients[c].name;
    sum->requests = sum->ok = sum->timeouts = sum->rejected = sum->failed = sum->no_region = 0;
    stat_hist_reset(sum->latency);
    for (int op = 0; op < SCN_OP_COUNT; op++)
        cell_add(sum, &w->client_cells[c * SCN_OP_COUNT + op]);
    int rc = add_request_metrics(w, cap, RUN_SCOPE_CLIENT, name, sum, -1);
    if (rc < 0)
        return rc;
    uint64_t    reads = w->client_reads[c], stale = w->client_stale[c];
    const cell *rd = &w->client_cells[c * SCN_OP_COUNT + SCN_READ];
    const cell *wr = &w->client_cells[c * SCN_OP_COUNT + SCN_WRITE];
    const struct {
        const char *name;
        double      value;
    } m[] = {
        { "reads", (double)reads },
        { "stale_reads", (double)stale },
        { "stale_read_rate", reads ? (double)stale / (double)reads : 0.0 },
        { "ryw_violations", (double)w->client_ryw[c] },
        { "read_p50_ms", rd->ok ? stat_hist_quantile(rd->latency, 0.50) / 1e6 : NAN },
        { "read_p99_ms", rd->ok ? stat_hist_quantile(rd->latency, 0.99) / 1e6 : NAN },
        { "write_p50_ms", wr->ok ? stat_hist_quantile(wr->latency, 0.50) / 1e6 : NAN },
        { "write_p99_ms", wr->ok ? stat_hist_quantile(wr->latency, 0.99) / 1e6 : NAN },
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (add_metric(w->result, cap, RUN_SCOPE_CLIENT, name, m[i].name, m[i].value) < 0)
            return SIM_ENOMEM;
    return 0;
}

int run__build_metrics(world *w)
{
    const scn_scenario *s = w->scn;
    run_result         *r = w->result;
    size_t              cap = 0;
    cell                sum = { 0 };
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
    if (rc == 0)
        rc = add_consistency_metrics(w, &cap);
    if (rc == 0)
        rc = add_cost_metrics(w, &cap, RUN_SCOPE_ALL, all_key, -1);

    for (int op = 0; op < SCN_OP_COUNT && rc == 0; op++) {
        sum.requests = sum.ok = sum.timeouts = sum.rejected = sum.failed = sum.no_region = 0;
        stat_hist_reset(sum.latency);
        for (size_t reg = 0; reg < s->nregions; reg++)
            cell_add(&sum, &w->cells[reg * SCN_OP_COUNT + op]);
        rc = add_request_metrics(w, &cap, RUN_SCOPE_OP, scn_op_name(op), &sum, -1);
    }
    for (size_t reg = 0; reg < s->nregions && rc == 0; reg++) {
        sum.requests = sum.ok = sum.timeouts = sum.rejected = sum.failed = sum.no_region = 0;
        stat_hist_reset(sum.latency);
        for (int op = 0; op < SCN_OP_COUNT; op++)
            cell_add(&sum, &w->cells[reg * SCN_OP_COUNT + op]);
        rc = add_request_metrics(w, &cap, RUN_SCOPE_REGION, s->regions[reg].name, &sum,
                                 region_utilization(w->regions[reg]));
        if (rc == 0)
            rc = add_lag_metrics(r, &cap, RUN_SCOPE_REGION, s->regions[reg].name,
                                 oracle_lag(w->oracle, (uint32_t)reg));
        if (rc == 0)
            rc = add_cost_metrics(w, &cap, RUN_SCOPE_REGION, s->regions[reg].name, (int32_t)reg);
    }
    for (size_t c = 0; c < s->nclients && rc == 0; c++)
        rc = add_client_metrics(w, &cap, c, &sum);
    stat_hist_free(sum.latency);
    return rc;
}

/* The monitor's points, by interval, then region, then metric. */
int run__build_series(world *w)
{
    const scn_scenario *s = w->scn;
    run_result         *r = w->result;
    size_t              n = mon_intervals(w->mon) * s->nregions * MON_METRIC_COUNT;
    if (n == 0)
        return 0;
    r->series = sim_calloc(n, sizeof *r->series);
    if (!r->series)
        return SIM_ENOMEM;
    for (size_t i = 0; i < mon_intervals(w->mon); i++)
        for (uint32_t reg = 0; reg < s->nregions; reg++)
            for (int m = 0; m < MON_METRIC_COUNT; m++)
                r->series[r->nseries++] = (run_point){
                    .t = mon_interval_end(w->mon, i),
                    .region = s->regions[reg].name,
                    .metric = mon_metric_name((mon_metric)m),
                    .value = mon_value(w->mon, i, reg, (mon_metric)m),
                };
    return 0;
}
