/* scn-limits.c - upper limits on what a scenario may ask a run to hold or do, checked at load
 * time so that a scenario that validates never makes a run abort or run for ever.
 *
 * Every field has its own range elsewhere; the dangers are products of fields that are each
 * reasonable: a rate times the time its requests stay in flight, regions times monitoring
 * intervals, checkers times regions times probes. Each product is turned into bytes (or, for
 * work, into requests and probes) with a stated cost per item and compared with a stated
 * budget, SCN_MEMORY_BUDGET and SCN_MAX_WORK in scn.h. The costs are upper estimates of what
 * the models keep per item (the request record with its timers, events and oracle entry; one
 * double per series metric), not measurements, so a scenario that passes stays well inside
 * the budget and one that fails is told what it would need.
 *
 * Rejected alternative: checking only at run time, when a pool cannot grow. That is still done
 * (the engine fails the run with SIM_ENOMEM), but by then the machine may have swapped for an
 * hour; a scenario file should be refused by `mrsim validate` in CI instead. */
#include <math.h>
#include <stdio.h>

#include "scn-int.h"

/* Upper estimates of the bytes each item costs a run; scenarios/README.md, "Limits". */
#define BYTES_PER_REQUEST_IN_FLIGHT                                                                \
    512.0                              /* request record, its timeout and message events,
                                             the oracle's write record, a queue slot */
#define BYTES_PER_REGION_INTERVAL 64.0 /* the monitor keeps 8 doubles per region and interval */
#define BYTES_PER_CLIENT_INTERVAL 8.0  /* the per-client tallies behind rto_s */

/* The highest rate a client reaches: its base rate or its largest step, times the diurnal
 * peak. */
static double peak_rate(const scn_client *c)
{
    double r = c->rate; /* before the first step, 'rate' applies */
    for (size_t i = 0; i < c->nsteps; i++)
        r = fmax(r, c->steps[i].rate);
    return r * (1 + c->diurnal_amplitude);
}

/* How long one request may stay alive, in seconds: every attempt's timeout and every
 * back-off (doubling, as wl.c does), never more than the run and its drain. */
static double request_life_s(const scn_scenario *s, const scn_client *c)
{
    double   life = (double)(c->retries + 1) * sim_time_s(c->timeout);
    unsigned shift = c->retries < 40 ? c->retries : 40;
    life += sim_time_s(c->backoff) * (ldexp(1.0, (int)shift) - 1);
    return fmin(life, sim_time_s(s->duration) + sim_time_s(s->data.drain));
}

/* "1.5 GB", "640 MB": decimal units, three significant figures. */
static const char *fmt_bytes(double b, char *buf, size_t n)
{
    static const char *const unit[] = { "bytes", "kB", "MB", "GB", "TB", "PB", "EB" };
    size_t                   u = 0;
    while (b >= 1000 && u + 1 < sizeof unit / sizeof unit[0]) {
        b /= 1000;
        u++;
    }
    snprintf(buf, n, "%.3g %s", b, unit[u]);
    return buf;
}

static int over_budget(const char *path, const char *what, double need, sim_err *err)
{
    char b1[32], b2[32];
    return sim_err_set(err, SIM_EINVAL, path,
                       "%s would need about %s, above the memory budget of %s a run may plan "
                       "for (see \"Limits\" in scenarios/README.md)",
                       what, fmt_bytes(need, b1, sizeof b1),
                       fmt_bytes(SCN_MEMORY_BUDGET, b2, sizeof b2));
}

int scn__check_limits(const scn_scenario *s, sim_err *err)
{
    char   p[PATH_N], pc[PATH_N], b[32];
    double dur_s = sim_time_s(s->duration);

    /* Requests in flight: rate times life, summed over clients; the path names the client
     * that contributes most. Work: arrivals over the run. */
    double in_flight = 0, arrivals = 0, worst = -1, busiest = -1;
    size_t worst_i = 0, busiest_i = 0;
    for (size_t i = 0; i < s->nclients; i++) {
        const scn_client *c = &s->clients[i];
        double            n = peak_rate(c) * request_life_s(s, c);
        in_flight += n;
        arrivals += peak_rate(c) * dur_s;
        if (peak_rate(c) > busiest) {
            busiest = peak_rate(c);
            busiest_i = i;
        }
        if (n > worst) {
            worst = n;
            worst_i = i;
        }
    }
    const char *cpath = scn__pjoin(p, scn__pindex(pc, "clients", worst_i), "rate");
    if (in_flight * BYTES_PER_REQUEST_IN_FLIGHT > SCN_MEMORY_BUDGET) {
        char what[160];
        snprintf(what, sizeof what,
                 "the clients' peak rates with their timeouts and retries keep about %.3g "
                 "requests in flight, which",
                 in_flight);
        return over_budget(cpath, what, in_flight * BYTES_PER_REQUEST_IN_FLIGHT, err);
    }
    if (arrivals > SCN_MAX_WORK)
        return sim_err_set(
            err, SIM_EINVAL, scn__pjoin(p, scn__pindex(pc, "clients", busiest_i), "rate"),
            "the clients' peak rates over the duration (\"%s\") make about %.3g "
            "requests, above the %.3g a run may simulate (see \"Limits\" in "
            "scenarios/README.md); lower the rates or the duration",
            (sim_time_format(s->duration, b, sizeof b), b), arrivals, (double)SCN_MAX_WORK);

    /* Health probes: every checker probes every other region once per interval. */
    if (s->health.enabled) {
        double checkers = (double)__builtin_popcountll(s->health.checkers);
        double probes = checkers * (double)(s->nregions > 1 ? s->nregions - 1 : 0)
            * (dur_s / sim_time_s(s->health.interval));
        if (probes > SCN_MAX_WORK)
            return sim_err_set(err, SIM_EINVAL, "routing.health.interval",
                               "%.0f checkers each probing %zu other regions every \"%s\" "
                               "make about %.3g probes over the duration, above the %.3g a run "
                               "may simulate (see \"Limits\" in scenarios/README.md); set a "
                               "longer interval",
                               checkers, s->nregions - 1,
                               (sim_time_format(s->health.interval, b, sizeof b), b), probes,
                               (double)SCN_MAX_WORK);
    }

    /* Series: per region and per client, one row per monitoring interval. */
    double intervals = floor(dur_s / sim_time_s(s->monitor.interval)) + 2;
    double series = intervals
        * ((double)s->nregions * BYTES_PER_REGION_INTERVAL
           + (double)s->nclients * BYTES_PER_CLIENT_INTERVAL);
    if (series > SCN_MEMORY_BUDGET) {
        char what[160];
        snprintf(what, sizeof what, "the monitoring series of %zu regions over %.0f intervals",
                 s->nregions, intervals);
        return over_budget("monitor.interval", what, series, err);
    }
    return 0;
}
