/* cost.c - servers x price, bytes x price per pair, fixed costs: arithmetic only.
 *
 * Sums run in region order, so the same run gives the same bits. The transfer rate is
 * computed per pair from whole bytes (bytes / 1e9 x 3600 / window_s) rather than from a
 * rounded egress figure, so a cheap pair's bytes are not priced at an expensive pair's
 * rate by way of a shared total. */
#include "cost.h"

#include <math.h>

cost_figures cost_of_region(const scn_scenario *s, const net *n, uint32_t r)
{
    const scn_cost *c = &s->cost;
    double       hours = sim_time_s(s->duration - s->warmup) / 3600.0; /* > 0: warmup < duration */
    cost_figures f = { 0 };
    for (uint32_t b = 0; b < s->nregions; b++) {
        if (b == r)
            continue;
        double gb = (double)net_cross_bytes(n, r, b) / COST_BYTES_PER_GB;
        f.egress_gb += gb;
        if (c->enabled)
            f.transfer_hour += gb / hours * c->transfer_gb[(size_t)r * s->nregions + b];
    }
    if (!c->enabled) {
        f.server_hour = f.transfer_hour = f.total_hour = NAN;
        return f;
    }
    f.server_hour = s->regions[r].servers * c->server_hour[r];
    f.total_hour = f.server_hour + f.transfer_hour;
    return f;
}

cost_figures cost_of_run(const scn_scenario *s, const net *n)
{
    cost_figures all = { 0 };
    for (uint32_t r = 0; r < s->nregions; r++) {
        cost_figures f = cost_of_region(s, n, r);
        all.egress_gb += f.egress_gb;
        all.server_hour += f.server_hour;
        all.transfer_hour += f.transfer_hour;
        all.total_hour += f.total_hour;
    }
    all.total_hour += s->cost.enabled ? s->cost.fixed_month / COST_HOURS_PER_MONTH : NAN;
    return all;
}
