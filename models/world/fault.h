/* fault.h - the scenario's timeline of failures, applied to the world as the run goes on.
 *
 * Every fault has a start and (optionally) an end event. At each of them the timeline marks
 * the fault active or not and then recomputes the whole faulty state of the world from the
 * set of active faults, rather than undoing one fault's changes; overlapping faults therefore
 * compose without special cases:
 *   region_down   a region is down while any region_down fault on it is active;
 *   partition     two regions can talk only if every active partition puts them in one group;
 *   link_degrade  losses of active degradations of a link combine; the extra latency of the
 *                 latest-listed active one applies;
 *   brownout      factors of active brown-outs of a region multiply;
 *   clock_skew    the latest-listed active skew of a region sets its clock (offset, drift);
 *   link_cut      messages from a to b are lost while any link_cut from a to b is active
 *                 (one way: b to a pass; see net.h for streams).
 *   client_cut    sessions 0 .. n-1 of a client population cannot reach a region, where n
 *                 is the fraction of its sessions, rounded to the nearest (at least 1); of
 *                 several active cuts of one population and region the largest applies.
 *                 Sessions are numbered as the workload hands requests to them, uniformly,
 *                 so a fraction F of sessions carries a fraction F of the traffic;
 *   zone_down     a zone's servers are out of service while any zone_down of it is active;
 *   capacity      the latest-listed active capacity fault of a region sets its servers
 *                 (zones still lost stay lost); see region_set_servers();
 *   dns_down      the DNS service takes no updates while any is active, and answers no
 *                 lookups while one with "answers": false is;
 *   health_down   the checkers' reports to their subscribers are lost while any is active;
 *   flap          the region is down for 'down' at the start of every 'period' while the
 *                 fault is active (as a region_down), each outage logged as "flap".
 * Each start and end is also written to the run's event log through the log callback.
 *
 * A "failover" entry is not a fault of the world but a command to the failover controller
 * (a planned drill): at its time the command callback is called, and it is logged as
 * "drill". Region crashes and restarts are reported to the watch callback, which is how a
 * region's own process learns it has just restarted. */
#ifndef MRSIM_FAULT_H
#define MRSIM_FAULT_H

#include "clock.h"
#include "engine.h"
#include "net.h"
#include "region.h"
#include "scn.h"

typedef struct fault_timeline fault_timeline; /* opaque */

/* kind is "fault_start" or "fault_end"; detail describes the fault ("region_down
 * us-east-1"). Both are valid only during the call. */
typedef void fault_log_fn(void *ctx, sim_time t, const char *kind, const char *detail);

/* Schedule the faults of s on e, to act on n, regions[0 .. s->nregions) and the regions'
 * clocks (clocks may be NULL: skews are then only logged). All must outlive the timeline.
 * 0, SIM_EINVAL (a bad latency distribution) or SIM_ENOMEM. */
int  fault_timeline_new(sim_engine *e, const scn_scenario *s, net *n, region *const *regions,
                        clock_state *clocks, fault_log_fn *log, void *log_ctx, fault_timeline **out,
                        sim_err *err);
void fault_timeline_free(fault_timeline *f); /* NULL is a no-op */

/* End every active fault now (logged as fault_end): the world is healed, for the drain at
 * the end of a run. Later start events do nothing. */
void fault_timeline_heal(fault_timeline *f);
/* How many faults are active now. */
size_t fault_active_count(const fault_timeline *f);

/* A planned failover to region 'to' (UINT32_MAX: the controller chooses) is due. */
typedef void fault_command_fn(void *ctx, sim_time t, uint32_t to);
/* Region went down (up = false) or came back up (up = true). */
typedef void fault_watch_fn(void *ctx, sim_time t, uint32_t region, bool up);
/* Sessions 0 .. sessions-1 of population 'client' now cannot reach 'region' (0: all can);
 * called for every population and region at each transition. */
typedef void fault_cut_fn(void *ctx, uint32_t client, uint32_t region, uint32_t sessions);
/* The control-plane services out of order now (FAULT_DOWN_* bits, 0: none); called at each
 * transition. */
#define FAULT_DOWN_DNS_UPDATES UINT32_C(1) /* messages to the DNS service are lost */
#define FAULT_DOWN_DNS_ANSWERS UINT32_C(2) /* lookups get no answer */
#define FAULT_DOWN_HEALTH      UINT32_C(4) /* health reports are lost */
typedef void fault_control_fn(void *ctx, uint32_t down);
/* Set any before the run; NULL (the default) ignores. */
void fault_set_control(fault_timeline *f, fault_control_fn *fn, void *ctx);
void fault_set_command(fault_timeline *f, fault_command_fn *fn, void *ctx);
void fault_set_watch(fault_timeline *f, fault_watch_fn *fn, void *ctx);
void fault_set_client_cut(fault_timeline *f, fault_cut_fn *fn, void *ctx);
/* The sessions a client_cut fault 'sf' cuts (see above). */
uint32_t fault_cut_sessions(const scn_scenario *s, const scn_fault *sf);

#endif
