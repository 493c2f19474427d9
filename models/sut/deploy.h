/* deploy.h - the deployment the code under test is configured with: the pattern, its
 * replication, resolver, clock and cache, health checking, DNS, the failover controller and
 * the data model. These are the configuration records of the modules in models/sut/; the
 * scenario loader (models/scenario/) fills them, and a module is built from an environment
 * (models/env.h) and its record, never from the scenario, which also holds the world's
 * ground truth (regions' servers, faults, clients).
 *
 * The records keep the scn_ prefix of the loader that fills them: every scenario file,
 * error message and test names them so, and a rename would change nothing but spelling. */
#ifndef MRSIM_DEPLOY_H
#define MRSIM_DEPLOY_H

#include "dist.h"
#include "env.h"
#include "sim.h"

#define SCN_MAX_FIELDS 8 /* largest data.fields */

typedef enum scn_op { SCN_READ, SCN_WRITE, SCN_OP_COUNT } scn_op;

/* --- patterns: the deployments a scenario compares ------------------------------------ */

typedef enum scn_pattern_kind {
    SCN_PATTERN_INDEPENDENT,    /* no replication; the baseline when a scenario
                                                 names no pattern */
    SCN_PATTERN_ACTIVE_ACTIVE,  /* every region takes reads and writes */
    SCN_PATTERN_READ_LOCAL,     /* reads local, writes to the primary */
    SCN_PATTERN_ACTIVE_PASSIVE, /* the primary takes everything; secondaries
                                                 stand by, replicated; failover promotes */
    SCN_PATTERN_LEADERLESS,     /* Dynamo-style N/R/W quorums (sut/leaderless.h) */
    SCN_PATTERN_GEO,            /* geo-partitioned: keys written at their home (sut/geo.h) */
    SCN_PATTERN_KIND_COUNT
} scn_pattern_kind;

typedef enum scn_repl_mode { SCN_REPL_NONE, SCN_REPL_ASYNC, SCN_REPL_SYNC } scn_repl_mode;
typedef enum scn_resolver { SCN_RESOLVER_LWW, SCN_RESOLVER_MERGE } scn_resolver;
typedef enum scn_clock_kind { SCN_CLOCK_WALL, SCN_CLOCK_HLC } scn_clock_kind;

typedef struct scn_replication {
    scn_repl_mode mode;      /* default async (none for independent) */
    sim_time      batch;     /* async: shipping interval; default 50ms;
                                                 "0ms" ships every write at once */
    uint32_t      max_batch; /* entries per batch message; default 500 */
    sim_time      resend;    /* unacknowledged entries are sent again after
                                                 this; default 1s */
    uint32_t      quorum;    /* sync: regions (the accepting one included)
                                                 that must apply before the client is
                                                 acknowledged; default a majority,
                                                 nregions / 2 + 1. Async and none: 1 (the
                                                 accepting region alone) */
    sim_time      timeout;   /* sync: no quorum by then is an error to the
                                                 client; default 1s */
    uint32_t      n, r, w;   /* leaderless: replicas per key (1 .. min(regions,
                                8), default min(3, regions)); answers a read and
                                acks a write wait for (1 .. n, default n/2 + 1) */
} scn_replication;

/* Leaderless: the WARS latency model of the PBS paper (Bailis et al., VLDB 2012), per
 * replica and message: W (write to replica), A (its ack), R (read to replica), S (its
 * answer), as processing delays added at each replica to the network's. */
typedef enum scn_wars {
    SCN_WARS_NONE,      /* no delay beyond the network and the servers */
    SCN_WARS_LNKD_SSD,  /* LinkedIn, SSDs */
    SCN_WARS_LNKD_DISK, /* LinkedIn, spinning disks */
    SCN_WARS_YMMR,      /* Yammer */
    SCN_WARS_COUNT
} scn_wars;

typedef struct scn_cache {
    bool      enabled; /* read-local: a cache in front of each
                                                 replica; default true */
    uint64_t  size;    /* keys held per region (LRU); default 1000 */
    dist_spec hit;     /* time to serve a hit, ns; default constant
                                                 100us */
} scn_cache;

typedef struct scn_pattern {
    char            *name;    /* the key in "patterns" */
    scn_pattern_kind kind;    /* "kind", or the name when it is a kind */
    int32_t          primary; /* read-local, active-passive: the first
                                                 primary region; else -1 */
    scn_replication  replication;
    scn_resolver     resolver;                 /* default lww */
    scn_clock_kind   clock;                    /* timestamps for lww; default wall */
    sim_time         ryw_window;               /* read-local: a session that wrote within
                                                 this reads from the primary; default 5s */
    scn_cache        cache;                    /* read-local only */
    uint32_t         servers[ENV_MAX_REGIONS]; /* "servers": this pattern's servers per region
                                                  (index as regions), 0 = the region's own */
    scn_wars         wars;                     /* leaderless: replica delays; default none */
    bool             read_repair;              /* leaderless: repair stale replicas a read saw;
                                     default true */
    /* leaderless: sloppy quorums with hinted handoff (sut/leaderless.h); default false */
    bool sloppy;
    /* geo-partitioned: a replica serves reads while it is known to be this close to the
     * key's owner; 0: reads go to the owner; default 5s */
    sim_time max_staleness;
    /* geo-partitioned: a secondary home that has not heard the owner this long takes the
     * partition over; 0: never; default 10s */
    sim_time failover_after;
} scn_pattern;

/* Health checking (routing.health): checkers at vantage regions probe every other region. */
typedef struct scn_health {
    bool     enabled;         /* a "routing": {"health": ...} was given */
    sim_time interval;        /* between probes of one target; default 10s */
    sim_time timeout;         /* a probe unanswered this long failed; default
                                                 2s; at most interval */
    uint32_t unhealthy_after; /* consecutive failures; default 3 */
    uint32_t healthy_after;   /* consecutive successes; default 2 */
    uint64_t checkers;        /* bit r: region r is a vantage point; default
                                                 every region */
    uint32_t quorum;          /* checkers that must see a region down for it
                                                 to be unhealthy (capped at its voters, the
                                                 checkers other than itself); 0, the
                                                 default: a majority of its voters */
    bool     lane;            /* probes skip the region's queue (a priority
                                                 lane); default false: they wait like any
                                                 request */
} scn_health;

/* DNS routing (routing.policy, routing.dns_ttl, ...): clients find their region through a
 * geo DNS whose answers come from the health view, and cache them. */
typedef enum scn_policy {
    SCN_POLICY_DEFAULT, /* the pattern's own: primary for writes of
                                                 read-local, nearest otherwise */
    SCN_POLICY_PRIMARY, /* the primary while healthy, else the first
                                                 healthy region in scenario order */
    SCN_POLICY_NEAREST, /* the nearest healthy region */
    SCN_POLICY_SCORED,  /* the best score among the 3 nearest healthy */
    SCN_POLICY_COUNT
} scn_policy;

typedef struct scn_dns {
    bool       enabled; /* "routing" has "policy" or "dns_ttl" */
    scn_policy policy;
    int32_t    primary;     /* policy primary: the primary region (default
                                                 the pattern's primary, else region 0) */
    sim_time   ttl;         /* answer lifetime in client caches; 60s */
    sim_time   lookup;      /* a client's resolution when its cached answer expired: the
                               round trip to its recursive resolver; 20ms */
    sim_time   propagation; /* a change (a failover's update, a health verdict) to visible
                               at the DNS service's edge; 30s */
    double     ignore_ttl;  /* share of sessions that keep answers longer;
                                                 default 0 */
    sim_time   stale_for;   /* ... by this much; default 10m */
    double     w_distance, w_latency, w_reliability; /* scored weights; default 1 each */
} scn_dns;

/* Disaster recovery ("failover"): the controller that promotes a secondary when the
 * primary is lost. It manages every active-passive pattern, and read-local patterns when the
 * scenario has a "failover" section. */
typedef struct scn_failover {
    bool     given;         /* the scenario has a "failover" section */
    bool     automatic;     /* fail over on its own when the health view
                                                 loses the primary; default true (false:
                                                 only the "failover" faults, drills) */
    sim_time check_every;   /* how often it looks; default 30s */
    int32_t  controller;    /* the region it runs in; default -1: the
                                                 first region that is not the primary */
    bool     fence;         /* an old primary that comes back stays fenced
                                                 (serves nothing) instead of rejoining as a
                                                 secondary; default false */
    sim_time step_timeout;  /* a step's messages unanswered this long:
                                                 the step failed; default 5s */
    sim_time promote_delay; /* a promoted standby's restart as a writer, after it has
                               replayed its backlog; default 30s */
    sim_time cooldown;      /* after a rollback or an abort, no automatic
                                                 failover for this long; default 5m */
} scn_failover;

/* The data model: every key holds a record of 'fields' fields and a set; a write sets one
 * field (drawn uniformly) and adds one element to the set. */
typedef struct scn_data {
    uint32_t fields;      /* 1 .. 8; default 1 (whole-record writes) */
    uint32_t value_bytes; /* bytes of a value on the wire; default 1024 */
    sim_time drain;       /* after the run, faults are healed and
                                                 replication drains for at most this long
                                                 before divergence is measured; default 10m */
} scn_data;

/* Who owns the data (keys.space "own", clients[].home, residency): one record per client
 * population, in client order, filled by the run from the loader's resolution. */
typedef struct scn_owner {
    bool     keys_own; /* the population's keys are its alone */
    uint64_t key_base; /* they are key_base .. key_base + key_count - 1 */
    uint64_t key_count;
    int32_t  home;      /* own keys: the region they live at; -1 for shared keys */
    int32_t  secondary; /* own keys: the region that takes them over, or -1 */
    uint64_t allowed;   /* bit r: the population's data may be stored in region r */
} scn_owner;

typedef struct scn_ownership {
    const scn_owner *owners; /* per client population */
    size_t           n;
} scn_ownership;

/* The population that owns key, or -1 for a shared key. Own ranges are few (one per
 * population), so a scan is as fast as anything cleverer. */
static inline int32_t scn_ownership_owner(const scn_ownership *o, uint64_t key)
{
    for (size_t i = 0; i < o->n; i++) {
        const scn_owner *c = &o->owners[i];
        if (c->keys_own && key >= c->key_base && key - c->key_base < c->key_count)
            return (int32_t)i;
    }
    return -1;
}

/* Whether pattern p is run by a failover controller (active-passive always; read-local when
 * the scenario has a "failover" section). */
static inline bool scn_pattern_managed(const scn_pattern *p, const scn_failover *f)
{
    return p->kind == SCN_PATTERN_ACTIVE_PASSIVE || (p->kind == SCN_PATTERN_READ_LOCAL && f->given);
}

#endif
