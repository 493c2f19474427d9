/* env.h - the one door between the code under test (models/sut/) and the world.
 *
 * A replicator, a health checker, a failover controller or a data plane is a process in a
 * region. Through this door it gets what such a process has and nothing more: the time, timers
 * that die with its region, messages to and from other regions over a transport, its own
 * random streams, its region's wall clock, its region's servers, and the deployment's static
 * configuration (region names and locations, as a config file would give them). It never
 * learns whether another region is up, where a partition runs or what the oracle knows; it
 * *tells* the observers what it did through env_observe() and nothing comes back.
 *
 * Acting as a region. One env serves a whole run, and every call names the region on whose
 * behalf it is made: env_after(e, r, ...) is a timer of the process in region r. Code under
 * test keeps per-region state in arrays and touches only the acting region's entries; the
 * rule is one of discipline, checked by review and by tests/unit/test_seam.sh, which fails
 * when a file under models/sut/ includes a header of the world or calls the oracle.
 *
 * Liveness is the world's business. A crashed region's handlers simply never run: a timer set
 * by region r never fires once r has crashed (its epoch changed), and a message never reaches
 * a region that is down. Stream messages are also dropped when either end crashed between the
 * send and the delivery (the connection died with the process). So code under test contains
 * no "is that region down?" test at all.
 *
 * Memory and disk. A region's store survives a crash (it is on disk); everything else a
 * module keeps per region is memory, lost at a crash: a module that cares registers a
 * restart hook (env_on_restart) and rebuilds its memory there.
 *
 * Messages are records from a pool (env_msg_new), with a kind, ends and a typed payload of at
 * most ENV_MSG_PAYLOAD bytes: each module declares its payload struct and ties its size to
 * the limit with a _Static_assert, and reads it with ENV_PAYLOAD(). env_send() takes the
 * record; the receiving handler borrows it for the duration of the call. */
#ifndef MRSIM_ENV_H
#define MRSIM_ENV_H

#include "engine.h"
#include "rng.h"
#include "sim.h"

#define ENV_MAX_REGIONS  64 /* regions of a deployment; verdicts fit a 64-bit mask */
#define ENV_MSG_PAYLOAD  48 /* bytes of a message's typed payload */
#define ENV_HEADER_BYTES 64 /* bytes on the wire of a control message (framing, TLS, RPC) */
#define ENV_DNS          UINT32_C(0xfffe) /* the address of the DNS service (outside every region) */

typedef struct env env;       /* opaque; the world implements it (models/world/env.c) */
typedef uint64_t   env_timer; /* handle of a timer; 0 is "none" */

/* How a message travels between two regions (models/world/net.h has the details). */
typedef enum env_transport {
    ENV_STREAM,   /* like TCP: in order, retransmitted, serialised at the pair's bandwidth */
    ENV_DATAGRAM, /* like UDP: independent delay, loss and reordering */
} env_transport;

/* Every kind of message the code under test sends; a module listens to its own kinds. */
typedef enum env_msg_kind {
    ENV_MSG_REPL_BATCH,    /* replication: entries of an origin's log */
    ENV_MSG_REPL_ACK,      /* replication: a cumulative acknowledgement */
    ENV_MSG_INVALIDATE,    /* read-local: drop a key from a cache */
    ENV_MSG_PROBE,         /* health: a probe to a region */
    ENV_MSG_PROBE_ANSWER,  /* health: the probe's answer */
    ENV_MSG_HEALTH_REPORT, /* health: a checker's verdict on a target, to its subscribers */
    ENV_MSG_DNS_UPDATE,    /* failover controller to the DNS service: a new primary */
    ENV_MSG_DR,            /* failover: controller <-> regions */
    ENV_MSG_LL_WRITE,      /* leaderless: a coordinator's write to a replica */
    ENV_MSG_LL_ACK,        /* leaderless: the replica's acknowledgement */
    ENV_MSG_LL_READ,       /* leaderless: a coordinator's read of a replica */
    ENV_MSG_LL_ANSWER,     /* leaderless: the replica's answer (its version) */
    ENV_MSG_LL_REPAIR,     /* leaderless: read repair, the newest version to a stale replica */
    ENV_MSG_LL_HANDOFF,    /* leaderless: a hinted write, from its stand-in to its replica */
    ENV_MSG_LL_HINT_ACK,   /* leaderless: the replica has it: the hint can go */
    ENV_MSG_GEO_FORWARD,   /* geo-partitioned: a served request, on to its key's home */
    ENV_MSG_GEO_CLOSED,    /* geo-partitioned: a home's heartbeat (ownership, log position) */
    ENV_MSG_KIND_COUNT
} env_msg_kind;

typedef struct env_msg {
    env_msg_kind kind;
    uint32_t     from, to; /* region indexes, or ENV_DNS */
    union {
        unsigned char bytes[ENV_MSG_PAYLOAD];
        uint64_t      align;
    } payload;
} env_msg;

/* The payload of m as a 'type' (a struct no larger than ENV_MSG_PAYLOAD). */
#define ENV_PAYLOAD(m, type) ((type *)(void *)(m)->payload.bytes)

typedef void env_timer_fn(env *e, void *ctx, uint64_t arg);
typedef void env_recv_fn(env *e, void *ctx, const env_msg *m);

/* What code under test tells the observers (oracle, watchers, monitoring). */
typedef enum env_fact_kind {
    ENV_FACT_COMMIT,      /* region committed a client's write: key, field, write_id,
                             measured; 'annotation' points at the record's trace slot */
    ENV_FACT_OVERWRITTEN, /* write_id was overwritten at its origin by a write that knew it */
    ENV_FACT_APPLIED,     /* region applied a replicated write: key, commit (its origin's
                             commit time as shipped in the entry) */
    ENV_FACT_CONFLICT,    /* region resolved a concurrent write */
    ENV_FACT_CACHED,      /* region put key's record in a cache (residency) */
} env_fact_kind;

typedef struct env_fact {
    env_fact_kind kind;
    uint32_t      region;
    uint64_t      key;
    uint32_t      field;
    uint64_t      write_id;
    sim_time      commit;     /* ENV_FACT_APPLIED */
    bool          measured;   /* ENV_FACT_COMMIT */
    uint64_t     *annotation; /* ENV_FACT_COMMIT: filled by the observer; never read back */
    bool          relay;      /* ENV_FACT_COMMIT: the region only stamps and relays the write
                                 (a leaderless coordinator that is no replica): it keeps none
                                 of it */
} env_fact;

/* --- time and timers ----------------------------------------------------------------- */

sim_time env_now(const env *e);
/* fn(e, ctx, arg) after 'delay' >= 0, as a timer of region's process: it never fires once
 * that region has crashed. */
env_timer env_after(env *e, uint32_t region, sim_time delay, env_timer_fn *fn, void *ctx,
                    uint64_t arg);
void      env_cancel(env *e, env_timer t); /* 0, fired or cancelled already: a no-op */

/* --- messages ------------------------------------------------------------------------ */

/* A zeroed message of kind k from 'from' to 'to', from the pool. */
env_msg *env_msg_new(env *e, env_msg_kind k, uint32_t from, uint32_t to);
/* Send m ('bytes' on the wire, framing included) over transport t; takes m. Its handler runs
 * at the receiver when (and if) it arrives. Messages to ENV_DNS reach the DNS service after
 * routing.dns_propagation, whatever the transport. */
void env_send(env *e, env_transport t, env_msg *m, uint64_t bytes);
/* Messages of kind k are handed to fn(e, ctx, m). One listener per kind. */
void env_listen(env *e, env_msg_kind k, env_recv_fn *fn, void *ctx);

/* --- the process's own resources ------------------------------------------------------- */

/* A random stream derived from the run's seed and 'name' (stable names keep streams
 * independent). 0 or SIM_ENOMEM; the caller frees it with sim_rng_free. */
int env_rng_new(const env *e, const char *name, sim_rng **out);
/* Region's wall clock now, ns: true time plus its error (skew, drift). */
int64_t env_wall_ns(const env *e, uint32_t region);
/* Region's hybrid logical clock: a timestamp for a local event, and the merge of a remote
 * one (HLC, Kulkarni et al. 2014). */
int64_t env_hlc_local(env *e, uint32_t region);
void    env_hlc_receive(env *e, uint32_t region, int64_t remote);
/* Hand work to region's servers (queue, service time, brown-out); the world calls the data
 * plane's completion hook when it is served or refused. tag is the caller's. */
void env_submit(env *e, uint32_t region, int op, uint64_t tag);
/* Hand region's servers the apply of 'entries' replicated entries: one job, queued with the
 * requests, slowed by a brown-out, refused by a full queue; its completion comes back to the
 * data plane's hook like a request's, with this tag. */
void env_submit_apply(env *e, uint32_t region, uint32_t entries, uint64_t tag);
/* After a crash, when region's process starts again: fn(e, ctx, region). */
typedef void env_restart_fn(env *e, void *ctx, uint32_t region);
void         env_on_restart(env *e, env_restart_fn *fn, void *ctx);

/* The process ran out of memory growing 'what': the run fails with SIM_ENOMEM and stores
 * nothing (the caller carries on without what it could not grow). */
void env_fail(env *e, const char *what);

/* --- the deployment's configuration (static, known to every process) ------------------- */

uint32_t    env_regions(const env *e);
const char *env_region_name(const env *e, uint32_t region);
double      env_region_km(const env *e, uint32_t a, uint32_t b); /* great-circle distance */

/* --- clients: requests and answers ------------------------------------------------------
 * A client's request message reaches the data plane of a region (the world calls its
 * delivery hook with the message's tag). Its content is read with env_request_of(), as the
 * message carries it, deadline included: a request whose client has given up is one whose
 * deadline has passed, as gRPC's deadline propagation tells a server. The answer goes back
 * with env_respond(); a read's answer carries the record (env_answer_read), a write's the id
 * of the write it committed (env_answer_write), before env_respond() sends it. */

typedef enum env_status {
    ENV_OK,        /* served */
    ENV_REJECTED,  /* queue full, or the region serves nothing in its role */
    ENV_READ_ONLY, /* a write refused in read-only mode */
    ENV_FAILED,    /* served, but the write failed (no quorum) */
    ENV_STATUS_COUNT
} env_status;

typedef struct env_request {
    uint32_t client; /* the client population */
    uint32_t region; /* the region it was sent to */
    uint64_t key;
    uint32_t field;    /* writes: the field set */
    uint32_t set_elem; /* writes: the element added, 0..63 */
    uint32_t session;  /* global session id */
    bool     measured; /* issued inside the measurement window */
    sim_time deadline; /* the client gives up on this attempt at this time, ns */
} env_request;

struct store_cell; /* models/sut/store.h */

/* The request a tag names; false when the tag names no request any more (its client has
 * finished with it and reused the record). */
bool env_request_of(const env *e, uint64_t tag, env_request *out);
void env_answer_read(env *e, uint64_t tag, const struct store_cell *cells);
void env_answer_write(env *e, uint64_t tag, uint64_t write_id);
void env_respond(env *e, uint32_t region, uint64_t tag, env_status status);

/* --- telling the observers ------------------------------------------------------------- */

void env_observe(env *e, const env_fact *f);

#endif
