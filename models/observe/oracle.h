/* oracle.h - the consistency oracle: ground truth about every write and read.
 *
 * The oracle is the only observer that sees the whole world. The world tells it when a write
 * commits at its origin, when a write is overwritten there by one that knew it, when the
 * client hears the write acknowledged (or gives up on it), when a replica applies a write,
 * and what a successful read returned. From that it counts, with these definitions:
 *
 *   stale read     the version returned is older than the newest write of the key that had
 *                  been acknowledged before the read was issued and was not fenced off by a
 *                  failover (oracle_fence()); staleness is measured in
 *                  versions (commits of the key in between) and in ms (how long before the
 *                  read was issued that newest write was acknowledged).
 *   RYW violation  a session reads a key and the field it last wrote holds a write older than
 *                  that session's own last acknowledged write of it.
 *   monotonic      a session reads a version older than one it read before.
 *   lost write     an acknowledged write that is in no replica's final state and was not
 *                  overwritten by a write that knew it.
 *   divergent key  after the drain, a key whose replicas do not all hold the same record.
 *   lag            time from a write's commit at its origin to its apply at a target.
 *
 * Versions: each cell of a store carries kseq, the write's position in its key's true
 * commit order (the oracle hands it out at commit). A read's version is the largest kseq
 * among the record's cells.
 *
 * Memory: per key a few words (the last two acknowledged writes); per write in flight one
 * entry until it is acknowledged or abandoned; per acknowledged write not yet overwritten one
 * entry (so: bounded by the key space times fields, plus writes lost); per session the 8 keys
 * it used last (RYW and monotonic reads are checked over those: a key a session has not
 * touched for 8 other keys is one it no longer remembers). */
#ifndef MRSIM_ORACLE_H
#define MRSIM_ORACLE_H

#include "scn.h"
#include "stat.h"
#include "store.h"
#include "visibility.h"

#define ORACLE_SESSION_KEYS 8

typedef struct oracle oracle; /* opaque */

/* The figures of one run, after oracle_finish(). */
typedef struct oracle_figures {
    uint64_t reads; /* successful measured reads */
    uint64_t stale_reads;
    uint64_t ryw_violations;
    uint64_t monotonic_violations;
    uint64_t writes_acked;           /* measured acknowledged writes */
    uint64_t writes_final;           /* ... that are in the final state */
    uint64_t writes_overwritten;     /* ... overwritten by a write that knew them */
    uint64_t writes_lost;            /* ... neither: lost */
    uint64_t writes_unacked_applied; /* committed, never acknowledged (client gave up
                                                 or sync quorum failed), applied anyway */
    uint64_t rpo_writes;             /* lost writes a failover fenced: written by
                                                 the old primary before its successor took
                                                 over, never received by it */
    uint64_t split_brain_lost;       /* lost writes an old primary took after its
                                                 successor took over */
    uint64_t conflicts;
    uint64_t divergent_keys;              /* after the drain */
    uint64_t divergent_keys_before_drain; /* when arrivals ended */
    bool     drained;                     /* replication was idle when measured */
} oracle_figures;

/* --- create / destroy -------------------------------------------------------------- */

/* An oracle for s's key space (the largest key count of its clients), fields and sessions
 * (the sum of the clients' sessions). 0 or SIM_ENOMEM. */
int  oracle_new(const scn_scenario *s, oracle **out, sim_err *err);
void oracle_free(oracle *o); /* NULL is a no-op */

/* Judge each field of a record on its own (the merge resolver, where fields are resolved
 * independently): a read is stale when any field misses that field's newest acknowledged
 * write. Without it a record is one version, its newest cell (last-write-wins takes records
 * whole). No effect with one field. Call before the first write. 0 or SIM_ENOMEM. */
int oracle_judge_fields(oracle *o);

/* --- writes ------------------------------------------------------------------------ */

/* A write committed at its origin at true time now: returns its kseq, to be stored in its
 * cell. measured: the request arrived inside the measurement window. */
uint64_t oracle_commit(oracle *o, uint64_t key, uint32_t field, uint64_t write_id, sim_time now,
                       bool measured);
/* The write was overwritten at its origin by a later write that had it in its record. */
void oracle_overwritten(oracle *o, uint64_t write_id);
/* The client heard the write acknowledged (session: the global session id). */
void oracle_acked(oracle *o, uint64_t write_id, uint32_t session, sim_time now);
/* The client gave up on the write (timeout, error): it was never acknowledged. */
void oracle_abandoned(oracle *o, uint64_t write_id);
/* A replicated write was applied at 'target'; commit is its true commit time. */
void oracle_applied(oracle *o, uint32_t target, sim_time commit, sim_time now);
/* A replicated write met a concurrent record at a replica. */
void oracle_conflict(oracle *o);
/* A failover fenced origin's log after entry 'after'; 'upto' was its last entry when its
 * successor took over. Its lost writes in (after, upto] count as rpo_writes, later ones as
 * split_brain_lost. From now on reads are no longer judged against the writes in (after,
 * upto]: they are lost, and counted once as such, not as every later read's staleness.
 * Returns the fence's index, for oracle_fence_lost(). */
size_t oracle_fence(oracle *o, uint32_t origin, uint64_t after, uint64_t upto);
/* region became primary when its own log was at 'position': its writes after that count
 * again, if a fence had doomed them (oracle_fence(): until then, an old primary's writes
 * beyond its fence are split brain and will not survive). */
void oracle_promoted(oracle *o, uint32_t region, uint64_t position);
/* After oracle_finish(): the lowest and highest sequence of fence i's lost writes counted
 * in rpo_writes; false when it lost none. */
bool oracle_fence_lost(const oracle *o, size_t i, uint64_t *lo, uint64_t *hi);

/* --- reads ------------------------------------------------------------------------- */

/* A successful read of key by session, issued at 'issued' and answered at 'answered' with
 * record 'got' (only its cells are looked at). measured as for writes. A session may have
 * several requests in flight: its own write counts against a read only if it was
 * acknowledged before the read was issued, and a previous read only if it was answered
 * before this one was issued. Returns true when the read is measured and stale (the verdict
 * counted in stale_reads), so that the run can also count it per region and interval. */
bool oracle_read(oracle *o, uint64_t key, const store_record *got, uint32_t session,
                 sim_time issued, sim_time answered, bool measured);

/* Divergence under a placement (leaderless, geo-partitioned): fn(ctx, key, i) tells whether
 * store i (region i: no store is left out under these patterns) should hold key; only those
 * are compared. NULL: every store holds every key. */
typedef bool oracle_holder_fn(void *ctx, uint64_t key, uint32_t store);
void         oracle_set_holder(oracle *o, oracle_holder_fn *fn, void *ctx);

/* Also count each measured read in v (the t-visibility curve); v outlives o, NULL stops. */
void oracle_set_visibility(oracle *o, visibility *v);

/* A hint that key's state will be needed soon (a read's answer is on its way): fetch it
 * into the cache. No effect on any figure. */
void oracle_prefetch(const oracle *o, uint64_t key);
/* The same for a committed write whose acknowledgement is on its way. */
void oracle_prefetch_write(const oracle *o, uint64_t write_id);

/* --- the end ----------------------------------------------------------------------- */

/* Snapshot divergence now (call when arrivals end). */
void oracle_mark_arrivals_end(oracle *o, store *const *stores, uint32_t nstores);
/* Final accounting over the replicas' stores after the drain. drained: replication had
 * nothing left to ship. */
void oracle_finish(oracle *o, store *const *stores, uint32_t nstores, bool drained);

/* --- query ------------------------------------------------------------------------- */

oracle_figures oracle_get_figures(const oracle *o);
/* The RYW violations counted so far (oracle_get_figures' ryw_violations, without copying the
 * figures: read after every read, to give each violation to its client population). */
uint64_t oracle_ryw_violations(const oracle *o);
/* Staleness of stale reads, ns (how long ago the missed write was acknowledged). */
const stat_hist *oracle_staleness(const oracle *o);
/* Stale reads' distance in versions (count, as a histogram of integers). */
const stat_hist *oracle_stale_versions(const oracle *o);
/* Replication lag per target region (ns), and over all targets. */
const stat_hist *oracle_lag(const oracle *o, uint32_t target);
const stat_hist *oracle_lag_all(const oracle *o);
/* Writes the oracle holds now: in flight, plus measured acknowledged writes that no later
 * write knew (the memory that grows with the run rather than with the key space). */
size_t oracle_tracked_writes(const oracle *o);

#endif
