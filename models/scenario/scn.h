/* scn.h - scenario files: JSON in, plain checked structs out.
 *
 * scn_load() parses a scenario with cJSON, checks every field (types, ranges, units, names
 * of regions referred to) and copies it into the records below; the cJSON tree never leaves
 * the loader (scn*.c, the only files that include cJSON.h). Unknown fields are errors, so
 * that a typo cannot silently fall back to a default. An error names the file, the JSON path and
 * what was expected (`regions[2].servers: expected a positive integer, got -3`); a JSON
 * syntax error gives the line and column.
 *
 * Everything in a loaded scenario is resolved: durations are sim_time, distributions are
 * dist_spec records in nanoseconds, region references are indices into regions[], defaults
 * are filled in. The models never see a name they have to look up. scenarios/README.md is the
 * reference for every field, its unit and its default. */
#ifndef MRSIM_SCN_H
#define MRSIM_SCN_H

#include "dist.h"
#include "sim.h"

#define SCN_MAX_REGIONS  64 /* region indices fit in a byte with room */
#define SCN_MAX_CLIENTS  256
#define SCN_MAX_PATTERNS 32 /* members of "patterns"; bounds the name checks */
#define SCN_MAX_FIELDS                                                                             \
    8 /* largest data.fields: STORE_MAX_FIELDS in
                                                 store.h (the loader does not depend on it) */
#define SCN_MAX_FILE_BYTES                                                                         \
    (4u << 20) /* larger scenario texts are refused: a cJSON
                                                 tree costs ~30x the text in the worst case */
#define SCN_MAX_DEPTH                                                                              \
    32 /* deepest JSON nesting accepted (a scenario
                                                 needs 7); deeper text is refused unparsed */

/* What a scenario may ask of one run, checked at load time (scn-limits.c; scenarios/README.md,
 * "Limits"): the memory its requests in flight and its series would take, estimated from
 * stated costs per item, and the requests and probes it would simulate. */
#define SCN_MEMORY_BUDGET (4.0 * 1024 * 1024 * 1024) /* bytes: 4 GiB */
#define SCN_MAX_WORK      1e9 /* requests, and separately health probes, per run */

typedef enum scn_op { SCN_READ, SCN_WRITE, SCN_OP_COUNT } scn_op;

/* A scenario owns everything its records point to. Empirical distributions (in regions'
 * service times, the network jitter, link_degrade latency) have xs and ps pointing into one
 * block owned by the scenario: xs is its start and ps = xs + npoints. */
typedef struct scn_region {
    char     *name;                  /* unique; no '/' or whitespace */
    double    lat, lon;              /* degrees; default for a region named like
                                                 one in rtt_measured.h: its location */
    uint32_t  servers;               /* >= 1 */
    dist_spec service[SCN_OP_COUNT]; /* service time per operation, ns */
    uint32_t  queue_limit;           /* waiting requests beyond which new ones are
                                                 rejected; UINT32_MAX = unlimited (default) */
} scn_region;

typedef enum scn_rtt_mode {
    SCN_RTT_GEO,      /* from great-circle distance (default) */
    SCN_RTT_MEASURED, /* the shipped table of measured RTTs */
    SCN_RTT_TABLE,    /* the scenario's own "a/b": "76ms" pairs */
} scn_rtt_mode;

typedef struct scn_rtt_pair {
    uint32_t a, b; /* region indices, a < b (whatever order
                                                 the file named them in) */
    sim_time rtt;  /* round trip, ns */
} scn_rtt_pair;

typedef struct scn_network {
    scn_rtt_mode  rtt_mode;
    scn_rtt_pair *pairs;        /* SCN_RTT_TABLE: the listed pairs */
    size_t        npairs;       /* pairs not listed fall back to geo */
    sim_time      base;         /* added to every geo RTT; default 1ms */
    double        route_factor; /* fibre path / great circle; default 1.5 */
    bool          has_jitter;
    dist_spec     jitter; /* extra one-way delay per message, ns */
    double        loss;   /* probability a message is dropped, [0, 1) */
} scn_network;

typedef struct scn_rate_step {
    sim_time at;   /* from this time on ... */
    double   rate; /* ... the base rate is this, per second */
} scn_rate_step;

typedef struct scn_client {
    char          *name;              /* unique; default "client<i>" */
    double         lat, lon;          /* degrees */
    int32_t        at_region;         /* located at this region (given by name), or -1 */
    double         rate;              /* requests per second, > 0; with steps,
                                                 the rate before the first step (>= 0,
                                                 default 0) */
    double         diurnal_amplitude; /* rate * (1 + A sin(2 pi t / period)); 0 = flat */
    sim_time       diurnal_period;    /* default 24h */
    scn_rate_step *steps;             /* ascending 'at'; they replace 'rate' */
    size_t         nsteps;
    double         read_ratio; /* share of reads, [0, 1]; default 0.9 */
    uint64_t       key_count;  /* keys 0 .. key_count-1; default 1000 */
    bool           key_zipf;   /* zipf over the keys, else uniform */
    double         key_s;      /* zipf exponent; default 1.0 */
    uint32_t       sessions;   /* session ids drawn uniformly; default 100 */
    sim_time       timeout;    /* per attempt; default 1s */
    uint32_t       retries;    /* attempts after the first; default 2 */
    sim_time       backoff;    /* wait before retry k: backoff * 2^(k-1);
                                                 default 50ms */
    uint8_t        field_mask; /* fields its writes set (one drawn uniformly
                                                 among them); default all of data.fields */
    /* Key ownership and residency (scn-residency.c; scenarios/README.md, "Who owns the
     * data"). Resolved after every client is read. */
    bool     keys_own;       /* keys.space "own": its keys are its alone */
    uint64_t key_base;       /* its keys are key_base .. key_base + key_count - 1; shared
                                keys start at 0, own ranges follow them in client order */
    int32_t  home;           /* own keys: the region they live at (clients[].home, default
                                the region nearest the population); -1 for shared keys */
    int32_t  residency_rule; /* the residency rule that names it, or -1 */
    int32_t  secondary;      /* own keys: the region that takes them over when their home is
                                lost (geo-partitioned; clients[].secondary), or -1: the
                                allowed region nearest the home */
    uint64_t allowed;        /* bit r: its data may be stored in region r; all regions when
                                no rule names it */
} scn_client;

/* A data residency rule ("residency"): the data of the clients it names may be stored,
 * replicated or cached only in 'regions'. */
typedef struct scn_residency {
    uint64_t regions; /* bit r: region r is allowed */
} scn_residency;

typedef enum scn_fault_kind {
    SCN_FAULT_REGION_DOWN,
    SCN_FAULT_PARTITION,
    SCN_FAULT_LINK_DEGRADE,
    SCN_FAULT_BROWNOUT,
    SCN_FAULT_CLOCK_SKEW,
    SCN_FAULT_FAILOVER, /* a planned failover (a drill): a command to
                                                 the failover controller, not a fault of the
                                                 world; no "for" */
    SCN_FAULT_KIND_COUNT
} scn_fault_kind;

typedef struct scn_fault {
    scn_fault_kind kind;
    sim_time       at;        /* start, ns from the run's start */
    sim_time       end;       /* at + for; SIM_TIME_MAX when it never ends */
    uint32_t       region;    /* region_down, brownout, clock_skew;
                                                 link_degrade: one end; failover: the
                                                 target ("to"), or UINT32_MAX to let the
                                                 controller choose */
    uint32_t       region_b;  /* link_degrade: the other end */
    uint8_t       *group_of;  /* partition: group of each region (nregions
                                                 entries): regions in groups[g] get g,
                                                 unlisted regions share group ngroups */
    bool           has_extra; /* link_degrade: extra one-way latency */
    dist_spec      extra;
    double         loss;      /* link_degrade: drop probability [0, 1] */
    double         factor;    /* brownout: service time multiplier >= 1 */
    sim_time       offset;    /* clock_skew: clock offset, may be negative */
    double         drift_ppm; /* clock_skew: drift, parts per million */
} scn_fault;

typedef struct scn_expect {
    char  *metric;                /* a metric name, as in the --json maps */
    char  *pattern, *op, *region; /* filters, NULL when absent */
    char  *client;                /* filter: a client population's name, or NULL */
    bool   has_min, has_max, has_equals;
    double min, max, equals;
    bool   bound_ci; /* "bound": "ci": with several seeds, the whole
                                                 95% confidence interval must meet the bounds
                                                 (max against its upper end, min against its
                                                 lower end); else ("mean") the mean must */
} scn_expect;

/* --- metric names (scn-metrics.c) ------------------------------------------------------ */

/* Where a metric exists: bits of the scopes a run reports it in. */
typedef enum scn_metric_where {
    SCN_METRIC_ALL = 1,    /* the whole run */
    SCN_METRIC_OP = 2,     /* per operation ("op") */
    SCN_METRIC_REGION = 4, /* per serving region ("region") */
    SCN_METRIC_CLIENT = 8, /* per client population ("client") */
} scn_metric_where;

size_t scn_metric_count(void);
/* The i-th metric name (NULL past the end) and, when where is not NULL, its scope bits. */
const char *scn_metric_name(size_t i, unsigned *where);
/* The scope bits of metric 'name', 0 when no run reports it. */
unsigned scn_metric_where_of(const char *name);
/* 0 when a run reports 'name' in scope 'where' (one scn_metric_where bit); else SIM_EINVAL
 * with path and a message ("unknown metric \"rto\"; did you mean \"rto_s\"? ..."). */
int scn_metric_check(const char *name, unsigned where, const char *path, sim_err *err);
/* The scope an expectation's filters ask for (op, region, client or the whole run). */
unsigned scn_expect_where(const scn_expect *x);

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
    scn_resolver     resolver;    /* default lww */
    scn_clock_kind   clock;       /* timestamps for lww; default wall */
    sim_time         ryw_window;  /* read-local: a session that wrote within
                                                 this reads from the primary; default 5s */
    scn_cache        cache;       /* read-local only */
    scn_wars         wars;        /* leaderless: replica delays; default none */
    bool             read_repair; /* leaderless: repair stale replicas a read saw;
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
    bool     given;        /* the scenario has a "failover" section */
    bool     automatic;    /* fail over on its own when the health view
                                                 loses the primary; default true (false:
                                                 only the "failover" faults, drills) */
    sim_time check_every;  /* how often it looks; default 30s */
    int32_t  controller;   /* the region it runs in; default -1: the
                                                 first region that is not the primary */
    bool     fence;        /* an old primary that comes back stays fenced
                                                 (serves nothing) instead of rejoining as a
                                                 secondary; default false */
    sim_time step_timeout; /* a step's messages unanswered this long:
                                                 the step failed; default 5s */
    sim_time cooldown;     /* after a rollback or an abort, no automatic
                                                 failover for this long; default 5m */
} scn_failover;

/* Monitoring: per region, per interval, the series stored for plots, and alerts. */
typedef struct scn_monitor {
    sim_time interval;         /* "monitor": {"interval"}; default 1s */
    sim_time alert_lag;        /* "alerts": {"lag"}: replication lag (p99 in
                                                 an interval) above this alerts; default 60s */
    double   alert_error_rate; /* "alerts": {"error_rate"}: share of failed
                                                 requests in an interval; default 0.05 */
} scn_monitor;

/* The data model: every key holds a record of 'fields' fields and a set; a write sets one
 * field (drawn uniformly) and adds one element to the set. */
typedef struct scn_data {
    uint32_t fields;      /* 1 .. 8; default 1 (whole-record writes) */
    uint32_t value_bytes; /* bytes of a value on the wire; default 1024 */
    sim_time drain;       /* after the run, faults are healed and
                                                 replication drains for at most this long
                                                 before divergence is measured; default 10m */
} scn_data;

/* Prices (the "cost" section), in the scenario's unit of money (USD in the docs, but only
 * numbers here). Resolved: one server price per region and one transfer price per ordered
 * pair of regions, so the cost figures need no lookups. */
typedef struct scn_cost {
    bool    enabled;     /* a "cost" section was given; without one a run
                                                 has no cost figures (NaN), only egress */
    double *server_hour; /* [nregions]: one server for one hour, >= 0 */
    double *transfer_gb; /* [nregions * nregions], [from * nregions + to]:
                                                 per GB (1e9 bytes) sent from -> to, >= 0;
                                                 the diagonal is 0 */
    double  fixed_month; /* fixed costs per month (730 h), >= 0 */
} scn_cost;

typedef struct scn_scenario {
    char             *file; /* path it was loaded from */
    char             *text; /* the file's bytes, NUL-terminated */
    size_t            text_len;
    char             *name;     /* default: the file name */
    uint64_t          seed;     /* default 1 */
    uint32_t          seeds;    /* runs per pattern for check and compare:
                                                 seed .. seed + seeds - 1; default 1 */
    sim_time          duration; /* > 0, required */
    sim_time          warmup;   /* < duration; default 0 */
    scn_region       *regions;
    size_t            nregions; /* >= 1 */
    scn_network       network;
    scn_client       *clients;
    size_t            nclients; /* >= 1 */
    scn_fault        *faults;
    size_t            nfaults; /* sorted by 'at', stable */
    scn_expect       *expects;
    size_t            nexpects;
    scn_pattern      *patterns;
    size_t            npatterns; /* in file order; none: independent regions */
    scn_data          data;
    scn_health        health; /* routing.health */
    scn_dns           dns;    /* routing's DNS settings */
    scn_failover      failover;
    scn_monitor       monitor;
    scn_cost          cost;
    struct scn_sweep *sweep;     /* the "sweep" section (scn-vary.h), or NULL */
    scn_residency    *residency; /* "residency" rules, in file order */
    size_t            nresidency;
    uint64_t          key_space; /* keys 0 .. key_space - 1 over every population */
} scn_scenario;

/* Load and check a scenario file. Returns 0 and a scenario the caller frees with scn_free,
 * or SIM_EINVAL (err names file, JSON path and problem), SIM_EIO (cannot read the file) or
 * SIM_ENOMEM. err->file is the path for every error. A text longer than SCN_MAX_FILE_BYTES,
 * nested deeper than SCN_MAX_DEPTH or holding a NUL byte is SIM_EINVAL. */
int scn_load(const char *path, scn_scenario **out, sim_err *err);
/* The same from text in memory (len bytes, need not be NUL-terminated; it is copied);
 * 'file' names it in errors and in the scenario, and gives the default name. */
int  scn_parse(const char *file, const char *text, size_t len, scn_scenario **out, sim_err *err);
void scn_free(scn_scenario *s); /* NULL is a no-op */

/* The population that owns key (keys.space "own"), or -1 for a shared key. */
int32_t scn_key_owner(const scn_scenario *s, uint64_t key);
/* Whether key's data may be stored in region (residency); shared keys may be anywhere. */
bool scn_key_allowed(const scn_scenario *s, uint64_t key, uint32_t region);

/* Index of the region with this name, or -1. */
int         scn_region_index(const scn_scenario *s, const char *name);
const char *scn_op_name(scn_op op); /* "read", "write" */
const char *scn_fault_kind_name(scn_fault_kind k);
const char *scn_pattern_kind_name(scn_pattern_kind k); /* "active-active", ... */
/* Whether pattern p runs under a failover controller: every active-passive pattern, and a
 * read-local one when s has a "failover" section. */
bool scn_pattern_has_failover(const scn_scenario *s, const scn_pattern *p);
/* Whether clients find regions through DNS under p: when "routing" sets up DNS, and always
 * under a failover controller (whose "update DNS" step needs it; DNS defaults then). */
bool scn_pattern_uses_dns(const scn_scenario *s, const scn_pattern *p);
/* Index of the pattern with this name, or -1. */
int scn_pattern_index(const scn_scenario *s, const char *name);
/* The settings of the independent-regions baseline (no replication), for scenarios that
 * name no pattern: what a pattern {"independent": {}} loads as. Its name points to a static
 * string; nothing in it is to be freed. */
scn_pattern scn_pattern_independent(void);

#endif
