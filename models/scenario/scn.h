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

#include "deploy.h"
#include "dist.h"
#include "sim.h"

#define SCN_MAX_REGIONS  ENV_MAX_REGIONS /* region indices fit in a byte with room */
#define SCN_MAX_CLIENTS  256
#define SCN_MAX_PATTERNS 32 /* members of "patterns"; bounds the name checks */
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

/* A scenario owns everything its records point to. Empirical distributions (in regions'
 * service times, the network jitter, link_degrade latency) have xs and ps pointing into one
 * block owned by the scenario: xs is its start and ps = xs + npoints. */
typedef struct scn_region {
    char     *name;                  /* unique; no '/' or whitespace */
    double    lat, lon;              /* degrees; default for a region named like
                                                 one in rtt_measured.h: its location */
    uint32_t  servers;               /* >= 1 */
    uint32_t  zones;                 /* 1 .. min(servers, 64); server i is in zone
                                        i % zones; default 1 */
    dist_spec service[SCN_OP_COUNT]; /* service time per operation, ns */
    dist_spec apply;                 /* service time of one replicated entry, ns;
                                        default: the write's */
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

typedef struct scn_bandwidth_pair {
    uint32_t a, b;        /* region indices, a < b */
    double   bytes_per_s; /* > 0 */
} scn_bandwidth_pair;

typedef struct scn_network {
    scn_rtt_mode  rtt_mode;
    scn_rtt_pair *pairs;        /* SCN_RTT_TABLE: the listed pairs */
    size_t        npairs;       /* pairs not listed fall back to geo */
    sim_time      base;         /* added to every geo RTT; default 1ms */
    double        route_factor; /* fibre path / great circle; default 1.5 */
    bool          has_jitter;
    dist_spec     jitter; /* extra one-way delay per message, ns */
    double        loss;   /* probability a message is dropped, [0, 1) */

    /* Streams: bytes/s of one stream for every pair (0: the network's default,
     * NET_BANDWIDTH_DEFAULT in net.h), and per-pair overrides (both directions). */
    double              bandwidth;
    scn_bandwidth_pair *bw_pairs;
    size_t              nbw_pairs;
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
    double         read_ratio;      /* share of reads, [0, 1]; default 0.9 */
    uint64_t       key_count;       /* keys 0 .. key_count-1; default 1000 */
    bool           key_zipf;        /* zipf over the keys, else uniform */
    double         key_s;           /* zipf exponent; default 1.0 */
    uint32_t       sessions;        /* session ids drawn uniformly; default 100 */
    double         read_own_writes; /* probability that a session's read targets a key it
                                       wrote recently (its last WL_SESSION_KEYS acknowledged
                                       writes), [0, 1]; default 0 */
    sim_time       timeout;         /* per attempt; default 1s */
    uint32_t       retries;         /* attempts after the first; default 2 */
    sim_time       backoff;         /* wait before retry k: backoff * 2^(k-1);
                                                 default 50ms */
    uint32_t       avoid_after;     /* consecutive attempts of a session that a region
                                       timed out or refused before the session avoids it;
                                       default 5 */
    sim_time       avoid_for;       /* ... for this long; default 30s */
    uint8_t        field_mask;      /* fields its writes set (one drawn uniformly
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
    SCN_FAULT_FAILOVER,   /* a planned failover (a drill): a command to
                                                 the failover controller, not a fault of the
                                                 world; no "for" */
    SCN_FAULT_LINK_CUT,   /* a one-way cut: region -> region_b lost */
    SCN_FAULT_CLIENT_CUT, /* sessions of a client cannot reach a region */
    SCN_FAULT_ZONE_DOWN,  /* a zone's servers of a region are gone */
    SCN_FAULT_CAPACITY,   /* a region's servers set to a count */
    SCN_FAULT_DNS_DOWN,   /* the DNS service takes no updates (nor answers) */
    /* the checkers' reports are lost */
    SCN_FAULT_HEALTH_DOWN,
    SCN_FAULT_FLAP, /* a region down for 'down_for' at the start of every 'period' */
    SCN_FAULT_KIND_COUNT
} scn_fault_kind;

typedef struct scn_fault {
    scn_fault_kind kind;
    sim_time       at;        /* start, ns from the run's start */
    sim_time       end;       /* at + for; SIM_TIME_MAX when it never ends */
    uint32_t       region;    /* region_down, brownout, clock_skew, client_cut,
                                 zone_down, capacity;
                                                 link_degrade: one end; link_cut: from; failover: the
                                                 target ("to"), or UINT32_MAX to let the
                                                 controller choose */
    uint32_t       region_b;  /* link_degrade: the other end; link_cut: to */
    uint8_t       *group_of;  /* partition: group of each region (nregions
                                                 entries): regions in groups[g] get g,
                                                 unlisted regions share group ngroups */
    bool           has_extra; /* link_degrade: extra one-way latency */
    dist_spec      extra;
    double         loss;      /* link_degrade: drop probability [0, 1] */
    double         factor;    /* brownout: service time multiplier >= 1 */
    sim_time       offset;    /* clock_skew: clock offset, may be negative */
    double         drift_ppm; /* clock_skew: drift, parts per million */
    uint32_t       client;    /* client_cut: the population (index in clients[]) */
    uint32_t       zone;      /* zone_down: the zone, < the region's zones */
    uint32_t       servers;   /* capacity: the region's servers meanwhile */
    bool           mute;      /* dns_down: "answers": false, lookups fail too */
    double         fraction;  /* client_cut: share of its sessions cut, (0, 1];
                                 default 1 */
    sim_time       period;    /* flap: one down-and-up cycle, ns */
    sim_time       down_for;  /* flap: the down part of each cycle, < period */
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

/* Monitoring: per region, per interval, the series stored for plots, and alerts. */
typedef struct scn_monitor {
    sim_time interval;         /* "monitor": {"interval"}; default 1s */
    sim_time alert_lag;        /* "alerts": {"lag"}: replication lag (p99 in
                                                 an interval) above this alerts; default 60s */
    double   alert_error_rate; /* "alerts": {"error_rate"}: share of failed
                                                 requests in an interval; default 0.05 */
} scn_monitor;

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
    dist_spec         clock_error; /* "clock.error": each region's wall clock error, ns,
                                      drawn once per run (NTP's residual offset); default
                                      normal, mean 0, sd 0.5ms */
    struct scn_sweep *sweep;       /* the "sweep" section (scn-vary.h), or NULL */
    scn_residency    *residency;   /* "residency" rules, in file order */
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
