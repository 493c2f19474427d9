/* geo.h - the geo-partitioned pattern's routing, follower reads and ownership (code under
 * test).
 *
 * Partitions and homes. Keys are grouped in partitions: each population with its own keys
 * (keys.space "own") is one partition, homed at the population's home; shared keys are
 * partitioned by region, key k homed at region k mod M (M regions). Each partition has a
 * secondary home: the region nearest its home (great circle, ties by index) among those its
 * residency rule allows, if any.
 *
 * Writes. A write is committed by its partition's owner (at first, the home): the region a
 * client's request reached serves it and, when it is not the owner, forwards it there (one
 * message; the owner answers the client directly, without queueing it again). The owner's
 * replicator ships it asynchronously only to regions the key's residency rule allows
 * (repl_set_filter); other regions never hold it.
 *
 * Reads. The owner serves them; so does any region that holds the key (allowed by
 * residency) while it knows its copy is at most max_staleness behind the owner: owners send
 * every region that may hold their data a heartbeat every max_staleness / 2 (at least every
 * failover_after / 3) with their log's position and the time; a replica that has applied
 * the log up to a heartbeat's position is known current as of that heartbeat's time - a
 * closed timestamp, as CockroachDB's follower reads use. Otherwise the read goes to the
 * owner.
 *
 * Ownership failover. The heartbeats are also the owner's pulse. A partition's secondary
 * home that has heard no heartbeat from the owner for failover_after takes the partition
 * over, with the next epoch, and says so in its own heartbeats; a region believes the owner
 * with the highest epoch it has heard. A region whose process restarts has forgotten who
 * owns what: until it hears a heartbeat or failover_after passes, it refuses requests for
 * partitions it would otherwise own (clients retry elsewhere), which keeps an old home that
 * comes back from writing as an owner beside the new one. Ownership does not fail back.
 * Writes the old home took and had not shipped when it failed are shipped when it returns
 * and lose to newer writes under last-write-wins: the RPO is the home's replication lag.
 *
 * A forwarded request may be forwarded once more (two hops) while beliefs settle; after
 * that it is refused. */
#ifndef MRSIM_GEO_H
#define MRSIM_GEO_H

#include "env.h"
#include "repl.h"
#include "deploy.h"

typedef struct geo geo; /* opaque */

typedef enum geo_action {
    GEO_SERVE,     /* serve it here */
    GEO_FORWARDED, /* sent on to the owner: its answer goes to the client from there */
    GEO_REFUSE,    /* nobody known to own it: refuse (the client retries) */
} geo_action;

/* A forwarded request reached 'region' and is to be served there (serve: true) or refused
 * (false). tag is the client request's. */
typedef void geo_serve_fn(void *ctx, uint32_t region, scn_op op, uint64_t tag, bool serve);

/* The geo-partitioned routing of every region of s under p, replicating through r (it sets
 * r's filter). 0 or SIM_ENOMEM. */
int  geo_new(env *e, const scn_ownership *s, const scn_data *data, const scn_pattern *p, repl *r,
             geo_serve_fn *serve, void *serve_ctx, geo **out, sim_err *err);
void geo_free(geo *g); /* NULL is a no-op */
/* Start the owners' heartbeats and the secondaries' watch (before the run). */
void geo_start(geo *g);

/* A request for key, served by region's servers: serve it here, or forward it. */
geo_action geo_route(geo *g, uint32_t region, scn_op op, uint64_t key, uint64_t tag);

/* Whether key's data may be stored at region (residency). */
bool geo_may_hold(const geo *g, uint64_t key, uint32_t region);
/* Ownership changes taken, in total. */
uint64_t geo_takeovers(const geo *g);

#endif
