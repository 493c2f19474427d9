/* leaderless.h - Dynamo-style leaderless replication with N/R/W quorums (code under test).
 *
 * Placement. Each key lives on N regions, chosen by a fixed rule every process knows:
 *   - a key owned by a population (keys.space "own") lives at its home first, then at the
 *     regions nearest the home (great-circle distance, ties by region index), skipping
 *     regions its residency rule forbids; when fewer than N regions are allowed, it lives
 *     on all the allowed ones (and R, W are capped at that count);
 *   - a shared key k lives on regions k mod M, k+1 mod M, ..., k+N-1 mod M (M regions), a
 *     ring as in consistent hashing with one token per region.
 *
 * Coordination. The region a client's request reaches is its coordinator (the client's
 * nearest region, or the next on a retry). After its servers have served the request, the
 * coordinator sends it to all N replicas and answers the client at W acknowledgements
 * (writes) or R answers (reads, the newest version by last-write-wins order wins). A write
 * is stamped at the coordinator with its clock (wall or HLC, the pattern's "clock") and
 * applied at each replica by last-write-wins. Without W (or R) answers within
 * replication.timeout the client gets an error; the write stays wherever it got to.
 *
 * Read repair. When every replica of a read has answered, the coordinator sends the newest
 * version it saw to each replica that answered with an older one (read_repair, default
 * on).
 *
 * Sloppy quorums (sloppy, default off). A replica that has not acknowledged a write within a
 * quarter of replication.timeout gets a stand-in: the next region of the key's preference
 * list (beyond its N replicas, within residency), which keeps the write as a hint,
 * acknowledges it (counting towards W) and offers it to the replica every 500 ms until the
 * replica acknowledges. Hints are on disk (they survive the holder's crash). Reads are not
 * sloppy: they ask the N replicas only. Without it, a replica that is down simply does not
 * answer.
 *
 * WARS. With a "wars" model each replica adds the PBS paper's delays to the network's: W
 * before it applies a write, A before it sends the ack, R before it reads, S before it sends
 * the answer (Bailis et al., "Probabilistically Bounded Staleness for Practical Partial
 * Quorums", VLDB 2012, section 5; tests/validation/README.md has the parameters and their
 * source).
 *
 * Records are whole (data.fields must be 1): a message carries the version itself (the
 * record's cell), so nothing is read from another region's memory. Superseding a version by
 * a newer-stamped one is last-write-wins doing its job, and is told to the observers as an
 * overwrite, not a loss. */
#ifndef MRSIM_LEADERLESS_H
#define MRSIM_LEADERLESS_H

#include "env.h"
#include "deploy.h"
#include "store.h"

#define LL_MAX_N 8 /* replicas per key */

typedef struct ll ll; /* opaque */

/* A request settled: ok, and for a read the version returned (one cell, NULL for writes
 * and failures). tag is the caller's. */
typedef void ll_done_fn(void *ctx, uint64_t tag, bool ok, const store_cell *read);

/* The leaderless coordinators and replicas of every region of s under pattern p (kind
 * leaderless). stores, rank and e outlive it. 0, SIM_EINVAL (data.fields is not 1) or
 * SIM_ENOMEM. */
int  ll_new(env *e, const scn_ownership *s, const scn_data *data, const scn_pattern *p,
            store *const *stores, const uint8_t *rank, ll_done_fn *done, void *done_ctx, ll **out,
            sim_err *err);
void ll_free(ll *l); /* NULL is a no-op */

/* A client's write of key reached coordinator 'coord' and was served: stamp it, tell the
 * observers, send it to the key's replicas. Returns the write id; done() follows. */
uint64_t ll_write(ll *l, uint32_t coord, uint64_t key, uint32_t set_elem, bool measured,
                  uint64_t tag);
/* A client's read of key at 'coord'; done() follows with the newest of R answers. */
void ll_read(ll *l, uint32_t coord, uint64_t key, uint64_t tag);

/* The replicas of key (the placement above): fills out[0 .. n) and returns n. */
uint32_t ll_replicas(const ll *l, uint64_t key, uint32_t out[LL_MAX_N]);
/* Effective quorums for key: r and w capped at its replica count. */
uint32_t ll_r_of(const ll *l, uint64_t key);
uint32_t ll_w_of(const ll *l, uint64_t key);
/* Read repairs sent, in total. */
uint64_t ll_repairs(const ll *l);
/* Hints delivered to their replicas (sloppy quorums), in total. */
uint64_t ll_handoffs(const ll *l);

#endif
