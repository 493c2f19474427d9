/* repl.h - replication between regions: asynchronous log shipping and synchronous quorum
 * writes. This is code under test: each region's replicator knows its own store, log and
 * clock, the messages that reach it and its timers - nothing else.
 *
 * Every write accepted by a region is stamped with that region's clock (wall or HLC),
 * applied to its own store through the resolver, and appended to its log with the next
 * per-origin sequence number. For each other region, a shipper sends the log in order, in
 * batches of at most max_batch entries every 'batch' interval ("0ms": every write at once).
 * A receiver applies only the next entries in sequence (a gap means a lost batch: it drops
 * what follows and waits, go-back-N), skips duplicates (idempotent apply), never sends a
 * change back to its origin, and acknowledges cumulatively. A shipper that sees no progress
 * for 'resend' goes back to the first unacknowledged entry and sends again, so a partition
 * delays replication but loses nothing the origin still has. At most four batches' worth of
 * entries are unacknowledged on a link at once (a send window), and each resend that brings
 * no acknowledgement doubles the wait before the next (up to 64 x 'resend'), so a link to an
 * unreachable region costs a window now and then, not its whole backlog every second. Entries leave the log once
 * every region has acknowledged them.
 *
 * Sync mode is the same log, shipped at once, with the client's acknowledgement held until
 * 'quorum' regions (the origin included) have applied the write; without a quorum by
 * 'timeout' the client gets an error, and the write stays applied wherever it got to and goes
 * on replicating in the background.
 *
 * Message payloads: a batch message names (origin, first sequence, count); the receiver
 * reads those entries from the origin's log when the message arrives. That stands for
 * copying them into the message: log entries never change, and an entry stays in the log
 * until its receiver has acknowledged it, which is after it arrived.
 *
 * The replicators act through models/env.h: a region that is down neither sends nor
 * receives, because the world runs none of its handlers; nothing here asks whether a region
 * is up. Applies, commits and conflicts are told to the observers (env_observe). */
#ifndef MRSIM_REPL_H
#define MRSIM_REPL_H

#include "env.h"
#include "deploy.h"
#include "store.h"

#define REPL_APPLY_TAG    (UINT64_C(1) << 62) /* set in the tags of apply jobs (env_submit_apply) */
#define REPL_HEADER_BYTES 64                  /* per message and per entry, on top of values */

typedef struct repl repl; /* opaque */

/* A sync write reached its quorum (ok) or timed out (!ok). token is repl_write()'s. */
typedef void repl_done_fn(void *ctx, uint64_t token, bool ok);

/* The replicators of every region (env_regions(e)) under pattern p, for the data model
 * 'data', each acting through e. stores has a store per region and, like e and data,
 * outlives the repl. rank: alphabetical rank of each region
 * (for the resolver). done may be NULL for async patterns. It listens to the replication
 * messages and to restarts. 0 or SIM_ENOMEM. */
int  repl_new(env *e, const scn_data *data, const scn_pattern *p, store *const *stores,
              const uint8_t *rank, repl_done_fn *done, void *done_ctx, repl **out, sim_err *err);
void repl_free(repl *r); /* NULL is a no-op */

/* A client's write accepted at region 'origin': key's 'field' is set and element set_elem
 * joins its set. Returns the write id. With sync replication, done(token, ok) follows
 * later; with async the caller acknowledges the client at once. */
uint64_t repl_write(repl *r, uint32_t origin, uint64_t key, uint32_t field, uint32_t set_elem,
                    bool measured, uint64_t token);

/* An apply job handed to target's servers (its tag has REPL_APPLY_TAG) finished: applied,
 * or refused by a full queue (the entries come again with the origin's resend). */
void repl_apply_served(repl *r, uint32_t target, uint64_t tag, env_status status);

/* The region's own data plane, told that a replicated write of key was applied at target
 * (so that a cache in front of the store drops the key). */
typedef void repl_key_fn(void *ctx, uint32_t target, uint64_t key);
void         repl_set_key_hook(repl *r, repl_key_fn *fn, void *ctx);
/* Which entries a target may hold (residency): fn(ctx, key, target) false leaves the entry
 * out of every batch to that target, which passes over it as applied. A static rule every
 * region knows, so shipper and receiver agree without saying so. NULL: everything. */
typedef bool repl_filter_fn(void *ctx, uint64_t key, uint32_t target);
void         repl_set_filter(repl *r, repl_filter_fn *fn, void *ctx);
/* Nothing left to ship or to be acknowledged, in any region's log. */
bool repl_idle(const repl *r);
/* Bytes sent over the link a -> b (batches and acknowledgements), and in total. */
uint64_t repl_link_bytes(const repl *r, uint32_t a, uint32_t b);
uint64_t repl_bytes(const repl *r);
/* Entries waiting in region r's log (not yet acknowledged by every region). */
uint64_t repl_backlog(const repl *r, uint32_t region);

/* --- failover ------------------------------------------------------------------------
 * What the failover controller and the regions' own processes use to fence a replaced
 * primary's log and to rebuild a replica. Each call stands for something a region does to
 * its own state when a control message reaches it.
 *
 * Every write is stamped with its region's epoch (repl_set_epoch: the newest the region has
 * heard of). A fence says: origin's entries after 'after' stamped with an epoch below
 * 'epoch' are void - the writes a replaced primary took beyond the point its successor had
 * reached. A receiver acknowledges void entries without applying them, flagging the ack, so
 * that the old primary's log drains and the old primary learns (repl_set_stale_hook) that a
 * replica knows a newer primary; such acks count for no sync quorum. Because the stamp, not
 * the sequence alone, decides, a primary promoted again writes entries nobody voids at
 * once, before anyone has heard of its promotion. */

typedef struct repl_fence {
    uint32_t origin, epoch;
    uint64_t after;
} repl_fence;

/* How far target has applied origin's log (origin's own last sequence when target ==
 * origin). */
uint64_t repl_position(const repl *r, uint32_t target, uint32_t origin);
/* How far target has received origin's log in order (applied, or waiting to be). */
uint64_t repl_received(const repl *r, uint32_t target, uint32_t origin);
/* The epoch region stamps on its writes from now on. */
void repl_set_epoch(repl *r, uint32_t region, uint32_t epoch);
/* The fences target knows: a copy of f[0 .. n), replacing what it knew. */
void   repl_set_fences(repl *r, uint32_t target, const repl_fence *f, size_t n);
void   repl_add_fence(repl *r, uint32_t target, repl_fence f);
size_t repl_fences(const repl *r, uint32_t target, const repl_fence **out);
/* Origin heard from target that its entries are void there. */
typedef void repl_stale_fn(void *ctx, uint32_t origin, uint32_t target);
void         repl_set_stale_hook(repl *r, repl_stale_fn *fn, void *ctx);
/* Rebuilding a replica from a snapshot, in two halves, each done by the region it concerns.
 * At the source: take a snapshot of its store, applied positions and fences for target;
 * *bytes is its size (counted on the link source -> target), *id names it. 0 or
 * SIM_ENOMEM. At the target, when the transfer is over: install it (target's store,
 * positions and fences become the snapshot's) and free it; then repl_rewind(). A transfer
 * that never arrives is dropped. */
int  repl_snapshot_take(repl *r, uint32_t source, uint32_t target, uint32_t *id, uint64_t *bytes);
void repl_snapshot_install(repl *r, uint32_t target, uint32_t source, uint32_t id);
void repl_snapshot_drop(repl *r, uint32_t id);
/* The bytes of a snapshot of region's store (what a resync of it transfers). */
uint64_t repl_resync_bytes(const repl *r, uint32_t region);
/* Target tells every origin where it now is, so that each sends again from there. */
void repl_rewind(repl *r, uint32_t target);
/* The commit time of origin's entry seq while it is still in the log (not yet acknowledged
 * everywhere), else -1. For the harness (RPO), not for code under test. */
sim_time repl_commit_time(const repl *r, uint32_t origin, uint64_t seq);

#endif
