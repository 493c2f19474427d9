/* cost.h - what a deployment costs to run: its servers, the bytes it sends across regions
 * and its fixed costs, from the scenario's prices (the "cost" section, scn_cost) and the
 * bytes the network counted (net_cross_bytes).
 *
 * Per hour, for region r:
 *     servers_r x server_hour_r  +  sum over b != r of  GB_per_hour(r -> b) x transfer_gb(r, b)
 * and for the deployment, the sum over its regions plus fixed_month / COST_HOURS_PER_MONTH.
 * A month is 730 hours (8760 / 12), as cloud price lists count it.
 *
 * Two decisions a reader must know:
 * - Servers are those configured (regions[*].servers), paid for whether busy, idle or down:
 *   a region_down fault does not stop the bill, and capacity planning sizes what is paid for.
 * - Transfer per hour is the measured window's average rate: the bytes sent between warmup
 *   and duration (net.h) times one hour over (duration - warmup). A GB is 1e9 bytes. A run of
 *   ten minutes with a fault in it extrapolates that fault to the hour; to price a steady
 *   hour, run a steady scenario. */
#ifndef MRSIM_COST_H
#define MRSIM_COST_H

#include "net.h"
#include "scn.h"

#define COST_HOURS_PER_MONTH 730.0
#define COST_BYTES_PER_GB    1e9

typedef struct cost_figures {
    double egress_gb;     /* GB sent to other regions in the window */
    double server_hour;   /* money per hour for the servers */
    double transfer_hour; /* money per hour for the transfer: egress at the
                                                 window's rate, priced per pair */
    double total_hour;    /* servers + transfer (+ fixed for the whole
                                                 deployment), money per hour */
} cost_figures;

/* Region r's figures (as sender of the transfer). Without a cost section (s->cost.enabled
 * false) every money figure is NaN; egress_gb is always measured. */
cost_figures cost_of_region(const scn_scenario *s, const net *n, uint32_t r);
/* The whole deployment's: every region's summed in region order, plus the fixed costs. */
cost_figures cost_of_run(const scn_scenario *s, const net *n);

#endif
