/* dr.h - disaster recovery: the failover controller, and what each region believes about
 * its own role. Code under test: the controller learns about the world only from the health
 * view (what the checkers' probes found) and from the answers to its own messages; a region
 * learns its role only from the controller's messages. Nobody reads whether a region is
 * really up. That is what lets a run show a false failover during a latency spike, or two
 * primaries during a partition, without anyone scripting it.
 *
 * Roles. One region starts as primary (it accepts writes); the others are secondaries
 * (read-only replicas). A region changes role only when a control message reaches it:
 * demote (primary -> secondary), promote (-> primary), an announcement of a new primary
 * (a primary that was replaced becomes a secondary, or stays fenced with failover.fence:
 * it then serves nothing). A primary that restarts after a crash does not trust its memory:
 * it is "recovering" (read-only) until the controller tells it what it is.
 *
 * The controller runs in one region (failover.controller) and, every check_every, looks at
 * the health view; when it has lost the primary (automatic), or when a planned failover is
 * due (a drill), it runs these steps, each an event in the run's log ("failover.<step>"):
 *   detect      the primary is unhealthy (or: a drill starts);
 *   demote      tell the old primary to stop taking writes; wait for its answer up to
 *               step_timeout (it may be unreachable: then go on);
 *   select      ask every secondary the health view calls healthy how far it has applied the
 *               old primary's log; the one furthest ahead wins (least lag), ties to the
 *               nearer to the old primary, then scenario order; no answer: abort;
 *   promote     tell it to become primary at a new epoch; it fences the old primary's log
 *               from the point it had reached (later entries are never applied anywhere
 *               that learns of the fence) - the writes beyond that point are the RPO;
 *               in a drill it first waits (up to step_timeout) until it has everything the
 *               demoted primary wrote, so a drill loses nothing;
 *   dns         point DNS at it (route_set_primary);
 *   propagate   wait one DNS TTL for clients' caches;
 *   verify      ask it again: healthy in the view and answering as primary. Otherwise
 *   rollback    DNS back to the old primary, which is told it is primary again at a newer
 *               epoch (the target is demoted), and no automatic failover for 'cooldown';
 *   done        then the new primary is announced to every region (again every check_every
 *               until each has answered).
 * A region that learns of a fence and finds it has applied entries beyond it (a replica that
 * was ahead of the new primary, or the old primary itself) has writes nobody else will ever
 * have: it rebuilds itself from the new primary (a snapshot, repl_resync) before serving
 * again. If the controller cannot reach the old primary (a partition), the old primary goes on
 * taking writes from the clients that still reach it: two primaries, measured as split brain
 * by the run, and the writes it takes are lost when it learns of the new primary. */
#ifndef MRSIM_DR_H
#define MRSIM_DR_H

#include "env.h"
#include "health.h"
#include "repl.h"
#include "route.h"
#include "deploy.h"

typedef enum dr_role {
    DR_PRIMARY,    /* takes reads and writes */
    DR_SECONDARY,  /* read-only replica */
    DR_RECOVERING, /* a primary back from a crash, waiting to be
                                                 told its role: read-only */
    DR_SYNCING,    /* rebuilding from the primary: serves nothing */
    DR_FENCED,     /* a replaced primary kept out: serves nothing */
    DR_ROLE_COUNT
} dr_role;

typedef struct dr dr; /* opaque */

/* How the controller reports to the world around it (the run). None may be NULL. */
typedef struct dr_hooks {
    void *ctx;
    /* A step, as an event of the run's log: kind "failover.<step>". */
    void (*event)(void *ctx, sim_time t, const char *kind, const char *detail);
    /* Region 'to' became primary in place of 'from' (a promote took effect), having applied
     * from's log up to 'fence'. planned: a drill; rollback: undoing a failed failover. */
    void (*promoted)(void *ctx, sim_time t, uint32_t from, uint32_t to, uint64_t fence,
                     bool planned, bool rollback);
    /* Some region's role changed. */
    void (*roles_changed)(void *ctx, sim_time t);
    /* Region was rebuilt from a snapshot: what it cached is void. */
    void (*resynced)(void *ctx, uint32_t region);
} dr_hooks;

/* The controller (configured by cfg; dns: the DNS it updates) and region roles of pattern p
 * (scn_pattern_managed(p, cfg)), whose first primary is p->primary, acting through e. The controller subscribes to h's reports
 * (the run creates health checking and DNS with their defaults when the scenario has none)
 * and sends its DNS changes to the DNS service (route.h). Everything passed must outlive it.
 * 0 or SIM_ENOMEM. */
int  dr_new(env *e, const scn_failover *cfg, const scn_dns *dns, const scn_pattern *p, repl *rp,
            health *h, const dr_hooks *hooks, dr **out, sim_err *err);
void dr_free(dr *d); /* NULL is a no-op */
/* Start the controller's checks. */
void dr_start(dr *d);
/* A planned failover to region 'to' (UINT32_MAX: the controller chooses), a fault_command_fn. */
void dr_drill(void *dr_ctx, sim_time t, uint32_t to);

/* What region believes it is; whether it takes writes (primary) and serves reads. */
dr_role     dr_role_of(const dr *d, uint32_t region);
bool        dr_takes_writes(const dr *d, uint32_t region);
bool        dr_serves_reads(const dr *d, uint32_t region);
const char *dr_role_name(dr_role role);

/* Promotions that took effect, and rollbacks, so far. */
uint64_t dr_failovers(const dr *d);
uint64_t dr_rollbacks(const dr *d);

#endif
