/* region.h - a region's servers: c identical servers in front of one FIFO queue (M/G/c).
 *
 * A request arrives with region_submit(). If the region is down it is dropped silently (the
 * client will time out). A write to a read-only region, or any request that finds the queue
 * at its limit, is answered at once with a rejection. Otherwise it is served by a free server
 * or waits; its service time is drawn from the region's distribution for its operation and
 * multiplied by the brown-out factor in force when service starts. When service ends, the
 * region calls the 'done' callback given at creation, which sends the response.
 *
 * Servers can be taken out of service and put back (zone_down, capacity faults): see
 * region_set_servers().
 *
 * A region going down loses everything it holds: waiting requests and requests in service
 * vanish without a response (service completions scheduled before the crash are recognised
 * by an epoch number and ignored). */
#ifndef MRSIM_REGION_H
#define MRSIM_REGION_H

#include "engine.h"
#include "env.h"
#include "scn.h"

typedef struct region region; /* opaque */

/* What became of a request handed to a region: env_status (models/env.h). */

/* Called when a request leaves the region with an answer. tag is what region_submit() got. */
typedef void region_done_fn(void *ctx, uint32_t region, uint64_t tag, scn_op op, env_status status);

typedef struct region_stats {
    uint64_t arrived;    /* requests submitted */
    uint64_t served;     /* finished service */
    uint64_t rejected;   /* queue full or read-only */
    uint64_t dropped;    /* arrived while down, or lost in a crash */
    uint64_t lost;       /* in service on a server taken away (also in dropped) */
    uint32_t queue_peak; /* most requests waiting at once */
} region_stats;

/* --- create / destroy -------------------------------------------------------------- */

/* Region 'index' of s; e and s must outlive it. Utilisation is measured over the window
 * [window_start, window_end). 0, SIM_EINVAL (a bad service distribution) or SIM_ENOMEM. */
int  region_new(sim_engine *e, const scn_scenario *s, uint32_t index, uint64_t seed,
                sim_time window_start, sim_time window_end, region_done_fn *done, void *done_ctx,
                region **out, sim_err *err);
void region_free(region *r); /* NULL is a no-op */

/* --- run --------------------------------------------------------------------------- */

void region_submit(region *r, scn_op op, uint64_t tag);
/* Apply 'entries' replicated log entries: one job whose service time is the sum of one
 * service.apply draw per entry (times the brown-out factor), queued with the requests and
 * refused like them by a full queue; a read-only region applies too. The done callback
 * gets op SCN_WRITE and this tag. Not counted in region_stats (they count requests). */
void region_submit_apply(region *r, uint32_t entries, uint64_t tag);

/* --- the world's faults ------------------------------------------------------------ */

void region_set_down(region *r, bool down);
void region_set_read_only(region *r, bool read_only);
void region_set_brownout(region *r, double factor); /* 1 = normal speed */
/* The servers in service: the first 'servers' (UINT32_MAX: as configured) less those of the
 * zones whose bit is set in zones_down. Server i is in zone i % zones (regions[].zones), so
 * zones split the servers evenly and a capacity change takes from every zone alike. A
 * server taken out of service loses the request it was serving (counted in dropped and
 * lost; no answer: the client times out); a batch of replicated entries it was
 * applying goes back to the head of the queue. Servers put back take waiting jobs at once.
 * Utilisation stays relative to the configured servers. */
void     region_set_servers(region *r, uint32_t servers, uint64_t zones_down);
uint32_t region_servers_online(const region *r);

/* --- query ------------------------------------------------------------------------- */

bool region_is_down(const region *r);
/* How many times the region has crashed: what a process held in memory before a crash is
 * gone once this changes. */
uint32_t     region_epoch(const region *r);
region_stats region_get_stats(const region *r);
/* Busy server time over the window / (servers x window length), as of now. */
double region_utilization(const region *r);
/* Busy server time since time 0 as of now, including service in progress: the integral of
 * the number of busy servers, in server-ns, not clipped to the window. The monitor takes its
 * difference over an interval. */
double region_busy_ns(const region *r);

#endif
