/* dp.h - the data plane of each region: what happens to a request once it reaches a region.
 * Code under test, like the replicators: it works on its own region's store, cache and
 * replicator, and answers through messages.
 *
 * A read is served by the region's servers and returns the local replica's record; with
 * read-local/write-global and a cache, a cached key is answered from the cache without
 * queueing for a server, after the cache's hit time. A write, after service, goes to the
 * region's replicator (which stamps, applies and logs it) and is acknowledged at once, or,
 * with sync replication, when its quorum is reached. Under read-local/write-global only the
 * primary takes writes (others refuse them as read-only); the primary also sends every other
 * region an invalidation of the key, and invalidates its own cache.
 *
 * A request whose client has already given up on it (its attempt timed out) is dropped
 * when it reaches the region or when its service ends, before anything is written: requests
 * carry their deadline, as gRPC deadline propagation does. */
#ifndef MRSIM_DP_H
#define MRSIM_DP_H

#include "cache.h"
#include "dr.h"
#include "env.h"
#include "geo.h"
#include "health.h"
#include "leaderless.h"
#include "repl.h"
#include "deploy.h"
#include "store.h"

typedef struct dp dp; /* opaque */

/* The data plane of every region under pattern p and data model data, acting through e.
 * Everything passed must outlive it.
 * It creates the caches (read-local) itself. 0, SIM_EINVAL (a bad cache hit distribution)
 * or SIM_ENOMEM. */
int  dp_new(env *e, const scn_pattern *p, const scn_data *data, store *const *stores, dp **out,
            sim_err *err);
void dp_free(dp *d); /* NULL is a no-op */
/* The replicator the data plane writes through; set before the run starts. */
void dp_set_repl(dp *d, repl *r);
/* The health checkers whose probes wait in the regions' queues (NULL: none). */
void dp_set_health(dp *d, health *h);

/* The failover controller whose roles decide which region takes writes (NULL: none; then
 * read-local's primary is fixed). A secondary refuses writes as read-only; a syncing or
 * fenced region refuses everything. */
void dp_set_dr(dp *d, const dr *r);
/* Region was rebuilt from a snapshot: drop everything its cache holds. */
void dp_region_resynced(dp *d, uint32_t region);
/* A request message reached 'region' (a wl_deliver_fn). */
void dp_request(void *dp_ctx, uint32_t region, scn_op op, uint64_t tag);
/* A region's servers finished a request (a region_done_fn). */
void dp_served(void *dp_ctx, uint32_t region, uint64_t tag, scn_op op, env_status status);
/* A sync write reached its quorum or failed (a repl_done_fn). */
void dp_write_settled(void *dp_ctx, uint64_t token, bool ok);

/* Under the leaderless pattern: served requests go to its coordinators (NULL: none). */
void dp_set_leaderless(dp *d, ll *l);
/* A leaderless request settled (an ll_done_fn). */
void dp_leaderless_done(void *dp_ctx, uint64_t tag, bool ok, const store_cell *read);

/* Under the geo-partitioned pattern: its routing decides where served requests go (NULL:
 * none). */
void dp_set_geo(dp *d, geo *g);
/* A request forwarded by the geo routing reached its owner (a geo_serve_fn). */
void dp_geo_serve(void *dp_ctx, uint32_t region, scn_op op, uint64_t tag, bool serve);

/* Cache hits and misses over all regions. */
uint64_t dp_cache_hits(const dp *d);
uint64_t dp_cache_misses(const dp *d);

#endif
