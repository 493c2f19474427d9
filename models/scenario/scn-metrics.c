/* scn-metrics.c - the names of the metrics a run reports, and where each exists, so that a
 * name in "expect", "sweep.slo", --slo or --minimize is checked when the scenario loads, with
 * its JSON path, before any run: a typo used to cost a whole sweep and then an error.
 *
 * The table below is the list of scenarios/README.md, "Metrics"; models/run-metrics.c makes
 * the figures. tests/unit/test_client.c runs a scenario and checks that the two agree in both
 * directions (every metric a run reports is here, with its scopes, and every name here is
 * reported by some run), so neither can change without the other. A table rather than asking
 * run-metrics.c: the loader sits below the run and must not build a world to learn names. */
#include "scn-int.h"

#include <string.h>

#define A SCN_METRIC_ALL
#define O SCN_METRIC_OP
#define R SCN_METRIC_REGION
#define C SCN_METRIC_CLIENT

static const struct {
    const char *name;
    unsigned    where; /* scn_metric_where bits */
} metrics[] = {
    /* Request figures: the whole run, each operation, region and client population. */
    { "requests", A | O | R | C },
    { "ok", A | O | R | C },
    { "errors", A | O | R | C },
    { "timeouts", A | O | R | C },
    { "rejected", A | O | R | C },
    { "failed", A | O | R | C },
    { "no_region", A | O | R | C },
    { "availability", A | O | R | C },
    { "throughput_rps", A | O | R | C },
    { "mean_ms", A | O | R | C },
    { "p50_ms", A | O | R | C },
    { "p90_ms", A | O | R | C },
    { "p99_ms", A | O | R | C },
    { "p999_ms", A | O | R | C },
    { "max_ms", A | O | R | C },
    { "utilization", A | R },
    /* A client population's reads as the oracle judged them, and its latency per operation. */
    { "reads", A | C },
    { "stale_reads", A | C },
    { "stale_read_rate", A | C },
    { "ryw_violations", A | C },
    { "read_p50_ms", C },
    { "read_p99_ms", C },
    { "write_p50_ms", C },
    { "write_p99_ms", C },
    /* Consistency, recovery, health and DNS: the whole run only. */
    { "staleness_p99_ms", A },
    { "monotonic_violations", A },
    { "writes_acked", A },
    { "writes_final", A },
    { "writes_overwritten", A },
    { "lost_writes", A },
    { "writes_unacked_applied", A },
    { "conflicts", A },
    { "read_repairs", A },
    { "hinted_handoffs", A },
    { "takeovers", A },
    { "residency_violations", A },
    { "residency_entries_outside", A },
    { "divergent_keys_at_end", A },
    { "divergent_keys", A },
    { "drained", A },
    { "repl_bytes", A },
    { "cache_hit_rate", A },
    { "detect_s", A },
    { "rto_s", A },
    { "dns_stale_requests", A },
    { "dns_move_s", A },
    { "false_health_downs", A },
    { "probes_failed", A },
    { "failovers", A },
    { "false_failovers", A },
    { "rollbacks", A },
    { "failover_s", A },
    { "rpo_writes", A },
    { "rpo_ms", A },
    { "split_brain_s", A },
    { "split_brain_lost", A },
    /* Replication lag (whole run, and into each region) and cost (whole run, each region). */
    { "repl_lag_p50_ms", A | R },
    { "repl_lag_p99_ms", A | R },
    { "repl_lag_max_ms", A | R },
    { "egress_gb", A | R },
    { "transfer_cost_per_hour", A | R },
    { "cost_per_hour", A | R },
    { "cost_per_month", A | R },
};

#undef A
#undef O
#undef R
#undef C

size_t scn_metric_count(void) { return N_OF(metrics); }

const char *scn_metric_name(size_t i, unsigned *where)
{
    if (i >= N_OF(metrics))
        return NULL;
    if (where)
        *where = metrics[i].where;
    return metrics[i].name;
}

unsigned scn_metric_where_of(const char *name)
{
    for (size_t i = 0; i < N_OF(metrics); i++)
        if (strcmp(metrics[i].name, name) == 0)
            return metrics[i].where;
    return 0;
}

static const char *where_text(unsigned where)
{
    switch (where) {
    case SCN_METRIC_OP:
        return "per operation (\"op\")";
    case SCN_METRIC_REGION:
        return "per region (\"region\")";
    case SCN_METRIC_CLIENT:
        return "per client population (\"client\")";
    default:
        return "for the whole run";
    }
}

int scn_metric_check(const char *name, unsigned where, const char *path, sim_err *err)
{
    char     k[64];
    unsigned have = scn_metric_where_of(name);
    if (have & where)
        return 0;
    if (have) {
        char   list[160] = "";
        size_t len = 0;
        for (unsigned b = SCN_METRIC_ALL; b <= SCN_METRIC_CLIENT; b <<= 1)
            if (have & b) {
                int w = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "",
                                 where_text(b));
                len += w > 0 && (size_t)w < sizeof list - len ? (size_t)w : 0;
            }
        return sim_err_set(err, SIM_EINVAL, path, "metric \"%s\" is not reported %s; it is: %s",
                           scn__clip(name, k, sizeof k), where_text(where), list);
    }
    /* A suggestion: the first metric that starts with the name ("rto" -> "rto_s"), else the
     * nearest by edit distance, if it is a near miss. */
    const char *near = NULL;
    size_t      dmin = 4, len = strlen(name);
    for (size_t i = 0; i < N_OF(metrics); i++) {
        size_t d = len >= 2 && strncmp(metrics[i].name, name, len) == 0
            ? 0
            : scn__edit_distance(name, metrics[i].name);
        if (d < dmin && (metrics[i].where & where)) {
            dmin = d;
            near = metrics[i].name;
        }
    }
    if (near)
        return sim_err_set(err, SIM_EINVAL, path,
                           "unknown metric \"%s\"; did you mean \"%s\"? (every metric: "
                           "scenarios/README.md, \"Metrics\")",
                           scn__clip(name, k, sizeof k), near);
    return sim_err_set(err, SIM_EINVAL, path,
                       "unknown metric \"%s\" (every metric: scenarios/README.md, \"Metrics\")",
                       scn__clip(name, k, sizeof k));
}

unsigned scn_expect_where(const scn_expect *x)
{
    if (x->op)
        return SCN_METRIC_OP;
    if (x->region)
        return SCN_METRIC_REGION;
    if (x->client)
        return SCN_METRIC_CLIENT;
    return SCN_METRIC_ALL;
}
