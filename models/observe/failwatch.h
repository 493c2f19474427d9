/* failwatch.h - what a run measures about failovers, from ground truth.
 *
 * The failover controller (dr.h) is code under test and reports only what it did; this
 * watcher sits with the oracle and judges it against what really happened:
 *   false failover  a failover (not a drill, not a rollback) whose old primary was in fact up when its
 *                   successor was promoted (a partition or a slow link fooled the checkers);
 *   split brain     time during which two or more regions that are up each take writes
 *                   (believe they are primary); raised as an alert when it starts;
 *   RPO             at each promotion, the old primary's log beyond the point the new
 *                   primary had reached is fenced: the oracle counts the acknowledged
 *                   writes in it that were lost (rpo_writes); rpo_ms is the data-loss
 *                   window, from the commit of the last write the successor had to the
 *                   failure (the old primary going down; for a false failover, its last
 *                   lost write), the longest over the run's failovers that lost writes, 0
 *                   when none did (failwatch_get() after oracle_finish());
 *   failover time   from the first "failover.detect" of the first failover that completes
 *                   (a failover restarted on its way keeps its first detect) to its
 *                   "failover.done". */
#ifndef MRSIM_FAILWATCH_H
#define MRSIM_FAILWATCH_H

#include "dr.h"
#include "oracle.h"
#include "region.h"
#include "repl.h"
#include "scn.h"

typedef struct failwatch failwatch; /* opaque */

/* Alerts go to log(ctx, t, "alert", detail). Everything passed must outlive it. */
typedef void failwatch_log_fn(void *ctx, sim_time t, const char *kind, const char *detail);
int          failwatch_new(const scn_scenario *s, region *const *regions, repl *rp, oracle *o,
                           failwatch_log_fn *log, void *log_ctx, failwatch **out, sim_err *err);
void         failwatch_free(failwatch *f); /* NULL is a no-op */
void         failwatch_set_dr(failwatch *f, const dr *d);

/* What happened, as it happens. */
void failwatch_step(failwatch *f, sim_time t, const char *kind); /* "failover.*" */
void failwatch_promoted(failwatch *f, sim_time t, uint32_t from, uint32_t to, uint64_t fence,
                        bool planned, bool rollback);
void failwatch_changed(failwatch *f, sim_time t); /* a role or a region's up/down state */
/* Close the books at time t (the end of arrivals): split brain still going counts to t. */
void failwatch_stop(failwatch *f, sim_time t);

typedef struct failwatch_figures {
    uint64_t failovers; /* promotions that took effect, drills too,
                                                 a rollback's not */
    uint64_t false_failovers;
    double   rpo_ms; /* NaN before any failover */
    double   split_brain_s;
    double   failover_s; /* NaN without a completed failover */
} failwatch_figures;
failwatch_figures failwatch_get(const failwatch *f);

#endif
