/* scn-deploy.c - the scenario loader's deployment sections: patterns, data, routing, monitor,
 * alerts and expectations.
 *
 * These describe the code under test and what a run must show, and they refer to the world:
 * patterns and health checkers name regions, expectations name patterns, and the monitoring
 * interval is bounded by the duration; scn.c calls these readers only after what they refer
 * to has been read. As in scn-world.c, each reader checks its object's fields, reads them
 * with the getters of scn-json.c and writes straight into the scenario; an object's defaults
 * are set in one place before its fields are read (scn__pattern_defaults(),
 * health_defaults()). */
#include "scn-int.h"

#include <stdio.h>
#include <string.h>

/* ---- patterns ---- */

const char *const scn__pattern_kinds[SCN_PATTERN_KIND_COUNT] = {
    [SCN_PATTERN_INDEPENDENT] = "independent", [SCN_PATTERN_ACTIVE_ACTIVE] = "active-active",
    [SCN_PATTERN_READ_LOCAL] = "read-local",   [SCN_PATTERN_ACTIVE_PASSIVE] = "active-passive",
    [SCN_PATTERN_LEADERLESS] = "leaderless",   [SCN_PATTERN_GEO] = "geo-partitioned",
};
static const char PATTERN_KIND_LIST[] = "\"independent\", \"active-active\", \"read-local\", "
                                        "\"active-passive\", \"leaderless\" or \"geo-partitioned\"";
static const char *const REPL_MODES[] = {
    [SCN_REPL_NONE] = "none",
    [SCN_REPL_ASYNC] = "async",
    [SCN_REPL_SYNC] = "sync",
};
static const char *const RESOLVERS[]
    = { [SCN_RESOLVER_LWW] = "lww", [SCN_RESOLVER_MERGE] = "merge" };
static const char *const CLOCKS[] = { [SCN_CLOCK_WALL] = "wall", [SCN_CLOCK_HLC] = "hlc" };

static const char *const F_PATTERN[]
    = { "kind",          "primary",        "replication", "resolver", "clock",
        "ryw_window",    "cache",          "servers",     "wars",     "read_repair",
        "max_staleness", "failover_after", "sloppy" };
static const char *const F_REPLICATION[]
    = { "mode", "batch", "max_batch", "resend", "quorum", "timeout" };
static const char *const F_CACHE[] = { "enabled", "size", "hit" };

/* Every default of a pattern of this kind that does not depend on the scenario. A sync
 * quorum does (a majority of the regions), so parse_replication() sets it; with async and
 * none the accepting region alone acknowledges, which is a quorum of 1. The name is left
 * alone. */
void scn__pattern_defaults(scn_pattern *p, scn_pattern_kind kind)
{
    p->kind = kind;
    p->primary = -1;
    p->replication = (scn_replication){
        .mode = kind == SCN_PATTERN_INDEPENDENT ? SCN_REPL_NONE : SCN_REPL_ASYNC,
        .batch = 50 * SIM_MS,
        .max_batch = 500,
        .resend = SIM_S,
        .quorum = 1,
        .timeout = SIM_S,
    };
    p->resolver = SCN_RESOLVER_LWW;
    p->clock = SCN_CLOCK_WALL;
    p->ryw_window = 5 * SIM_S;
    p->max_staleness = 5 * SIM_S;
    p->failover_after = 10 * SIM_S;
    p->cache = (scn_cache){
        .enabled = kind == SCN_PATTERN_READ_LOCAL,
        .size = 1000,
        .hit = { .kind = DIST_CONSTANT, .value = 100e3 }, /* 100us */
    };
}

/* "primary" is for the kinds that have one; ryw_window and cache are read-local's own; every
 * kind takes the rest of F_PATTERN. */
static bool pattern_takes(scn_pattern_kind kind, const char *key)
{
    if (strcmp(key, "primary") == 0)
        return kind == SCN_PATTERN_READ_LOCAL || kind == SCN_PATTERN_ACTIVE_PASSIVE;
    if (strcmp(key, "ryw_window") == 0 || strcmp(key, "cache") == 0)
        return kind == SCN_PATTERN_READ_LOCAL;
    if (strcmp(key, "wars") == 0 || strcmp(key, "read_repair") == 0 || strcmp(key, "sloppy") == 0)
        return kind == SCN_PATTERN_LEADERLESS;
    if (strcmp(key, "max_staleness") == 0 || strcmp(key, "failover_after") == 0)
        return kind == SCN_PATTERN_GEO;
    return true;
}

static const char *pattern_kind_article(scn_pattern_kind kind)
{
    return kind == SCN_PATTERN_READ_LOCAL ? "a" : "an";
}

/* "replication": the mode first, because which other fields apply depends on it. */
static int parse_replication(const scn_scenario *s, scn_pattern *pat, const cJSON *n,
                             const char *path, sim_err *err)
{
    char             p[PATH_N];
    scn_replication *r = &pat->replication;
    uint64_t         u;
    if (pat->kind == SCN_PATTERN_LEADERLESS)
        return scn__parse_leaderless_replication(s, pat, n, path, err);
    if (scn__check_fields(n, path, F_REPLICATION, N_OF(F_REPLICATION), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = scn__field(n, "mode"))) {
        int m = 0;
        scn__pjoin(p, path, "mode");
        TRY(scn__get_choice(v, p, REPL_MODES, N_OF(REPL_MODES), "\"async\", \"sync\" or \"none\"",
                            &m, err));
        switch (pat->kind) {
        case SCN_PATTERN_INDEPENDENT:
            if (m != SCN_REPL_NONE)
                return sim_err_set(err, SIM_EINVAL, p,
                                   "an independent pattern does not replicate; expected "
                                   "\"none\", got \"%s\"",
                                   REPL_MODES[m]);
            break;
        case SCN_PATTERN_ACTIVE_ACTIVE:
        case SCN_PATTERN_ACTIVE_PASSIVE:
            if (m == SCN_REPL_NONE)
                return sim_err_set(err, SIM_EINVAL, p,
                                   "\"none\" is only for an independent pattern; expected "
                                   "\"async\" or \"sync\"");
            break;
        case SCN_PATTERN_GEO:
            if (m != SCN_REPL_ASYNC)
                return sim_err_set(err, SIM_EINVAL, p,
                                   "geo-partitioned replicates asynchronously from each key's "
                                   "home; expected \"async\", got \"%s\"",
                                   REPL_MODES[m]);
            break;
        case SCN_PATTERN_READ_LOCAL:
            if (m != SCN_REPL_ASYNC)
                return sim_err_set(err, SIM_EINVAL, p,
                                   "read-local replicates asynchronously from the primary; "
                                   "expected \"async\", got \"%s\"",
                                   REPL_MODES[m]);
            break;
        default: /* leaderless returned above */
            sim_panic("scn: pattern kind %d not handled", (int)pat->kind);
        }
        r->mode = (scn_repl_mode)m;
    }
    /* A field of another mode is an error rather than ignored: a "quorum" under async
     * replication would be a setting that silently does nothing. Sync ships every write at
     * once, so "batch" is async only; max_batch and resend apply to both. */
    for (const cJSON *c = n->child; c; c = c->next) {
        bool sync_only = strcmp(c->string, "quorum") == 0 || strcmp(c->string, "timeout") == 0;
        bool async_only = strcmp(c->string, "batch") == 0;
        if (r->mode == SCN_REPL_NONE && strcmp(c->string, "mode") != 0)
            return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, path, c->string),
                               "\"%s\" does not apply with \"mode\": \"none\" (nothing is "
                               "replicated)",
                               c->string);
        if ((sync_only && r->mode != SCN_REPL_SYNC) || (async_only && r->mode != SCN_REPL_ASYNC))
            return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, path, c->string),
                               "\"%s\" applies only with \"mode\": \"%s\"", c->string,
                               sync_only ? "sync" : "async");
    }

    if ((v = scn__field(n, "batch"))
        && scn__get_dur(v, scn__pjoin(p, path, "batch"), false, &r->batch, err) < 0)
        return SIM_EINVAL;
    if ((v = scn__field(n, "max_batch"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "max_batch"), 1, 65535, &u, err) < 0)
            return SIM_EINVAL;
        r->max_batch = (uint32_t)u;
    }
    if ((v = scn__field(n, "resend"))
        && scn__get_pos_dur(v, scn__pjoin(p, path, "resend"), &r->resend, err) < 0)
        return SIM_EINVAL;
    if (r->mode == SCN_REPL_SYNC) {
        r->quorum = (uint32_t)(s->nregions / 2 + 1);
        if ((v = scn__field(n, "quorum"))) {
            if (scn__get_uint(v, scn__pjoin(p, path, "quorum"), 1, s->nregions, &u, err) < 0)
                return SIM_EINVAL;
            r->quorum = (uint32_t)u;
        }
    }
    if ((v = scn__field(n, "timeout"))
        && scn__get_pos_dur(v, scn__pjoin(p, path, "timeout"), &r->timeout, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* "cache": false, true, or an object whose fields default as documented. */
static int parse_cache(scn_cache *c, const cJSON *n, const char *path, sim_err *err)
{
    char     b[FOUND_N], p[PATH_N];
    uint64_t u;
    if (cJSON_IsBool(n)) {
        c->enabled = cJSON_IsTrue(n);
        return 0;
    }
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected true, false or an object such as {\"size\": 1000}, got %s",
                           scn__found(n, b));
    if (scn__check_fields(n, path, F_CACHE, N_OF(F_CACHE), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    c->enabled = true;
    if ((v = scn__field(n, "enabled"))
        && scn__get_bool(v, scn__pjoin(p, path, "enabled"), &c->enabled, err) < 0)
        return SIM_EINVAL;
    if ((v = scn__field(n, "size"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "size"), 1, 100000000, &u, err) < 0)
            return SIM_EINVAL;
        c->size = u;
    }
    if ((v = scn__field(n, "hit")))
        return scn__parse_time_dist(v, scn__pjoin(p, path, "hit"), &c->hit, err);
    return 0;
}

/* One member of "patterns"; pat->name is already set. */
/* "servers": a count for every region (16), or an object of REGION: count ({"us-east-1":
 * 32}) for some; each overrides the region's "servers" under this pattern, so that each
 * pattern is costed and run at its own size in one file. */
static int parse_pattern_servers(const scn_scenario *s, scn_pattern *pat, const cJSON *n,
                                 const char *path, sim_err *err)
{
    char     p[PATH_N], b[FOUND_N];
    uint64_t u = 0;
    if (cJSON_IsNumber(n)) {
        TRY(scn__get_uint(n, path, 1, 100000, &u, err));
        for (size_t r = 0; r < s->nregions; r++)
            pat->servers[r] = (uint32_t)u;
        return 0;
    }
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected a server count for every region or an object of REGION: "
                           "count, got %s",
                           scn__found(n, b));
    for (const cJSON *c = n->child; c; c = c->next) {
        uint32_t r = 0;
        cJSON    name = { .type = cJSON_String, .valuestring = c->string };
        TRY(scn__get_region(s, &name, path, &r, err));
        TRY(scn__get_uint(c, scn__pjoin(p, path, c->string), 1, 100000, &u, err));
        pat->servers[r] = (uint32_t)u;
    }
    return 0;
}

static int parse_pattern(scn_scenario *s, scn_pattern *pat, const cJSON *n, const char *path,
                         sim_err *err)
{
    char p[PATH_N];
    int  c = 0;
    if (scn__check_fields(n, path, F_PATTERN, N_OF(F_PATTERN), err) < 0)
        return SIM_EINVAL;

    int kind = -1;
    for (int i = 0; i < SCN_PATTERN_KIND_COUNT; i++)
        if (strcmp(pat->name, scn__pattern_kinds[i]) == 0)
            kind = i;
    const cJSON *v = scn__field(n, "kind");
    if (v) {
        int given = 0;
        scn__pjoin(p, path, "kind");
        TRY(scn__get_choice(v, p, scn__pattern_kinds, N_OF(scn__pattern_kinds), PATTERN_KIND_LIST,
                            &given, err));
        /* A pattern called "read-local" that is active-active would be labelled wrongly in
         * every table and plot; that is a mistake in the file, not a choice. */
        if (kind >= 0 && given != kind)
            return sim_err_set(err, SIM_EINVAL, p,
                               "a pattern named \"%s\" must be of that kind, got \"%s\" (name "
                               "the pattern something else)",
                               pat->name, scn__pattern_kinds[given]);
        kind = given;
    } else if (kind < 0) {
        return sim_err_set(err, SIM_EINVAL, path,
                           "missing required field \"kind\" (the name is not a pattern kind: "
                           "independent, active-active, read-local, active-passive, leaderless, "
                           "geo-partitioned)");
    }
    scn__pattern_defaults(pat, (scn_pattern_kind)kind);
    for (const cJSON *f = n->child; f; f = f->next)
        if (!pattern_takes(pat->kind, f->string))
            return sim_err_set(err, SIM_EINVAL, path,
                               "field \"%s\" does not apply to %s %s "
                               "pattern",
                               f->string, pattern_kind_article(pat->kind),
                               scn__pattern_kinds[kind]);

    /* Read-local must name its primary (where writes go is its whole point); an
     * active-passive pattern's primary is the first region unless it names one. */
    if (pat->kind == SCN_PATTERN_ACTIVE_PASSIVE) {
        if (s->nregions < 2)
            return sim_err_set(err, SIM_EINVAL, path,
                               "an active-passive pattern needs at least "
                               "two regions (a primary and a standby), got %zu",
                               s->nregions);
        pat->primary = 0;
    }
    if (pat->kind == SCN_PATTERN_READ_LOCAL && !scn__field(n, "primary"))
        return scn__missing(path, "primary", err);
    if ((v = scn__field(n, "primary"))) {
        uint32_t r = 0;
        if (scn__get_region(s, v, scn__pjoin(p, path, "primary"), &r, err) < 0)
            return SIM_EINVAL;
        pat->primary = (int32_t)r;
    }
    if (pat->kind == SCN_PATTERN_LEADERLESS)
        TRY(scn__parse_leaderless(s, pat, n, path, err));
    if ((v = scn__field(n, "max_staleness")))
        TRY(scn__get_dur(v, scn__pjoin(p, path, "max_staleness"), false, &pat->max_staleness, err));
    if ((v = scn__field(n, "failover_after")))
        TRY(scn__get_dur(v, scn__pjoin(p, path, "failover_after"), false, &pat->failover_after,
                         err));
    if ((v = scn__field(n, "replication")))
        TRY(parse_replication(s, pat, v, scn__pjoin(p, path, "replication"), err));
    if ((v = scn__field(n, "resolver"))) {
        TRY(scn__get_choice(v, scn__pjoin(p, path, "resolver"), RESOLVERS, N_OF(RESOLVERS),
                            "\"lww\" or \"merge\"", &c, err));
        pat->resolver = (scn_resolver)c;
    }
    if ((v = scn__field(n, "clock"))) {
        TRY(scn__get_choice(v, scn__pjoin(p, path, "clock"), CLOCKS, N_OF(CLOCKS),
                            "\"wall\" or \"hlc\"", &c, err));
        pat->clock = (scn_clock_kind)c;
    }
    if ((v = scn__field(n, "ryw_window"))
        && scn__get_dur(v, scn__pjoin(p, path, "ryw_window"), false, &pat->ryw_window, err) < 0)
        return SIM_EINVAL;
    if ((v = scn__field(n, "cache")))
        TRY(parse_cache(&pat->cache, v, scn__pjoin(p, path, "cache"), err));
    if ((v = scn__field(n, "servers")))
        TRY(parse_pattern_servers(s, pat, v, scn__pjoin(p, path, "servers"), err));
    return 0;
}

int scn__parse_patterns(scn_scenario *s, const cJSON *n, sim_err *err)
{
    char b[FOUND_N], k[64], p[PATH_N];
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, "patterns",
                           "expected an object of named patterns such as {\"active-active\": "
                           "{}}, got %s",
                           scn__found(n, b));
    size_t count = scn__count_children(n);
    if (count > SCN_MAX_PATTERNS)
        return sim_err_set(err, SIM_EINVAL, "patterns", "expected at most %d patterns, got %zu",
                           SCN_MAX_PATTERNS, count);
    /* The names are checked before any pattern is read, as scn__check_fields() does for fixed
     * fields; cJSON keeps both members of a duplicated key, so we look for them. */
    for (const cJSON *c = n->child; c; c = c->next) {
        if (c->string[0] == '\0')
            return sim_err_set(err, SIM_EINVAL, "patterns",
                               "expected non-empty pattern names, got \"\"");
        for (const cJSON *e = n->child; e != c; e = e->next)
            if (strcmp(e->string, c->string) == 0)
                return sim_err_set(err, SIM_EINVAL, "patterns", "duplicate field \"%s\"",
                                   scn__clip(c->string, k, sizeof k));
    }
    if (count == 0)
        return 0;
    if (!(s->patterns = sim_calloc(count, sizeof *s->patterns)))
        return scn__no_memory(err);
    size_t i = 0;
    for (const cJSON *c = n->child; c; c = c->next, i++) {
        /* Counted first so that scn_free() frees what it holds, as for regions. */
        s->npatterns = i + 1;
        scn_pattern *pat = &s->patterns[i];
        if (scn__dup_str(c->string, &pat->name, err) < 0)
            return SIM_ENOMEM;
        TRY(parse_pattern(s, pat, c, scn__pjoin(p, "patterns", c->string), err));
    }
    return 0;
}

static void known_patterns(const scn_scenario *s, char *buf, size_t n)
{
    char   k[64];
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->npatterns && o < n; i++) {
        const char *name = scn__clip(s->patterns[i].name, k, sizeof k);
        if (o + strlen(name) + 8 >= n) {
            snprintf(buf + o, n - o, ", ...");
            return;
        }
        o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", name);
    }
}

/* ---- the data model ---- */

static const char *const F_DATA[] = { "fields", "value_bytes", "drain" };

int scn__parse_data(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_data *d = &s->data;
    uint64_t  u;
    d->fields = 1;
    d->value_bytes = 1024;
    d->drain = 10 * SIM_MIN;
    if (!n)
        return 0;
    if (scn__check_fields(n, "data", F_DATA, N_OF(F_DATA), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = scn__field(n, "fields"))) {
        if (scn__get_uint(v, "data.fields", 1, SCN_MAX_FIELDS, &u, err) < 0)
            return SIM_EINVAL;
        d->fields = (uint32_t)u;
    }
    if ((v = scn__field(n, "value_bytes"))) {
        if (scn__get_uint(v, "data.value_bytes", 0, 100000000, &u, err) < 0)
            return SIM_EINVAL;
        d->value_bytes = (uint32_t)u;
    }
    if ((v = scn__field(n, "drain")) && scn__get_pos_dur(v, "data.drain", &d->drain, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* ---- routing (health checking), monitoring, alerts ---- */

static const char *const F_ROUTING[]
    = { "health",     "policy",     "primary",   "dns_ttl", "dns_propagation",
        "dns_lookup", "ignore_ttl", "stale_for", "weights" };
static const char *const F_WEIGHTS[] = { "distance", "latency", "reliability" };
static const char *const POLICY_NAMES[SCN_POLICY_COUNT] = {
    [SCN_POLICY_DEFAULT] = NULL,
    [SCN_POLICY_PRIMARY] = "primary",
    [SCN_POLICY_NEAREST] = "nearest",
    [SCN_POLICY_SCORED] = "scored",
};
static const char *const F_HEALTH[]
    = { "interval", "timeout", "unhealthy_after", "healthy_after", "checkers", "quorum", "lane" };
static const char *const F_MONITOR[] = { "interval" };
static const char *const F_ALERTS[] = { "lag", "error_rate" };

#define MON_MIN_INTERVAL SIM_MS /* a finer monitoring interval is refused */
#define MON_MAX_INTERVALS                                                                          \
    10000000 /* duration / interval at most this: bounds the
                                                 series a run keeps */

static uint32_t count_bits(uint64_t x)
{
    uint32_t n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* The settings when "routing.health" is absent (then only 'enabled' is false) and the
 * defaults of every field it leaves out. */
static void health_defaults(scn_scenario *s)
{
    scn_health *h = &s->health;
    h->enabled = false;
    h->interval = 10 * SIM_S;
    h->timeout = 2 * SIM_S;
    h->unhealthy_after = 3;
    h->healthy_after = 2;
    /* nregions <= SCN_MAX_REGIONS = 64; shifting a uint64_t by 64 is undefined. */
    h->checkers = s->nregions >= 64 ? UINT64_MAX : (UINT64_C(1) << s->nregions) - 1;
    h->quorum = 0; /* a majority of each target's voters */
    h->lane = false;
}

/* "checkers": a non-empty array of region names, each at most once, as a bit mask. */
static int parse_checkers(const scn_scenario *s, const cJSON *n, const char *path, uint64_t *out,
                          sim_err *err)
{
    char   p[PATH_N], pp[PATH_N], k[64];
    size_t count;
    TRY(scn__get_array(n, path, "region", "region names", 1, SIZE_MAX, &count, err));
    uint64_t mask = 0;
    uint32_t at[SCN_MAX_REGIONS]; /* at[r]: where region r was listed */
    size_t   i = 0;
    for (const cJSON *c = n->child; c; c = c->next, i++) {
        uint32_t r = 0;
        if (scn__get_region(s, c, scn__pindex(p, path, i), &r, err) < 0)
            return SIM_EINVAL;
        if (mask & (UINT64_C(1) << r))
            return sim_err_set(err, SIM_EINVAL, p, "duplicate checker \"%s\" (also %s)",
                               scn__clip(c->valuestring, k, sizeof k),
                               scn__pindex(pp, path, at[r]));
        mask |= UINT64_C(1) << r;
        at[r] = (uint32_t)i;
    }
    *out = mask;
    return 0;
}

/* "routing.health". The checkers come before the quorum, whose range they set. */
static int parse_health(scn_scenario *s, const cJSON *n, sim_err *err)
{
    static const char path[] = "routing.health";
    char              p[PATH_N], s1[64], s2[64];
    scn_health       *h = &s->health;
    uint64_t          u;
    if (scn__check_fields(n, path, F_HEALTH, N_OF(F_HEALTH), err) < 0)
        return SIM_EINVAL;
    if (s->nregions < 2)
        return sim_err_set(err, SIM_EINVAL, path,
                           "health checking needs at least two regions (a checker probes only "
                           "other regions), got %zu",
                           s->nregions);
    h->enabled = true;
    const cJSON *v, *interval = scn__field(n, "interval"), *timeout = scn__field(n, "timeout");
    if (interval
        && scn__get_pos_dur(interval, scn__pjoin(p, path, "interval"), &h->interval, err) < 0)
        return SIM_EINVAL;
    if (timeout && scn__get_pos_dur(timeout, scn__pjoin(p, path, "timeout"), &h->timeout, err) < 0)
        return SIM_EINVAL;
    /* A probe is answered or failed before the next one goes out. An interval given alone
     * may fall below the default timeout; that is an error about the interval rather than
     * a timeout that silently shrinks to fit. */
    if (h->timeout > h->interval && timeout)
        return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, path, "timeout"),
                           "expected at most the interval (\"%s\"), got \"%s\"",
                           interval ? scn__clip(interval->valuestring, s1, sizeof s1) : "10s",
                           scn__clip(timeout->valuestring, s2, sizeof s2));
    if (h->timeout > h->interval)
        return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, path, "interval"),
                           "expected at least the default timeout (\"2s\"), got \"%s\"; set "
                           "a shorter \"timeout\"",
                           scn__clip(interval->valuestring, s1, sizeof s1));
    if ((v = scn__field(n, "unhealthy_after"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "unhealthy_after"), 1, 100, &u, err) < 0)
            return SIM_EINVAL;
        h->unhealthy_after = (uint32_t)u;
    }
    if ((v = scn__field(n, "healthy_after"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "healthy_after"), 1, 100, &u, err) < 0)
            return SIM_EINVAL;
        h->healthy_after = (uint32_t)u;
    }
    if ((v = scn__field(n, "checkers")))
        TRY(parse_checkers(s, v, scn__pjoin(p, path, "checkers"), &h->checkers, err));
    /* The quorum counts checkers that see the target down. A target that is itself a
     * checker is probed by the other checkers only, so it has one voter fewer. */
    uint32_t nc = count_bits(h->checkers);
    h->quorum = 0; /* a majority of each target's voters */
    if ((v = scn__field(n, "quorum"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "quorum"), 1, nc, &u, err) < 0)
            return SIM_EINVAL;
        h->quorum = (uint32_t)u;
    }
    if ((v = scn__field(n, "lane"))
        && scn__get_bool(v, scn__pjoin(p, path, "lane"), &h->lane, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* routing's DNS settings: the policy, the TTL and how clients keep answers, the scored
 * policy's weights. DNS routing is on when the policy or the TTL is given. */
static int parse_dns(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_dns *d = &s->dns;
    *d = (scn_dns){ .policy = SCN_POLICY_DEFAULT,
                    .primary = -1,
                    .ttl = 60 * SIM_S,
                    /* Route 53: "changes generally propagate to all Route 53 name servers
                     * within 60 seconds" (Developer Guide, "Editing records"); half that
                     * bound is the mean of a change spread evenly over it. */
                    .propagation = 30 * SIM_S,
                    .lookup = 20 * SIM_MS,
                    .ignore_ttl = 0,
                    .stale_for = 10 * SIM_MIN,
                    .w_distance = 1,
                    .w_latency = 1,
                    .w_reliability = 1 };
    if (!n)
        return 0;
    const cJSON *v;
    d->enabled = scn__field(n, "policy") || scn__field(n, "dns_ttl");
    if ((v = scn__field(n, "policy"))) {
        const char *name = "";
        TRY(scn__get_str(v, "routing.policy", true, &name, err));
        for (int k = 0; k < SCN_POLICY_COUNT; k++)
            if (POLICY_NAMES[k] && strcmp(name, POLICY_NAMES[k]) == 0)
                d->policy = (scn_policy)k;
        if (d->policy == SCN_POLICY_DEFAULT)
            return sim_err_set(err, SIM_EINVAL, "routing.policy",
                               "expected \"primary\", "
                               "\"nearest\" or \"scored\", got \"%s\"",
                               name);
    }
    if ((v = scn__field(n, "primary"))) {
        uint32_t r;
        TRY(scn__get_region(s, v, "routing.primary", &r, err));
        d->primary = (int32_t)r;
    }
    if ((v = scn__field(n, "dns_ttl")))
        TRY(scn__get_pos_dur(v, "routing.dns_ttl", &d->ttl, err));
    if ((v = scn__field(n, "dns_lookup")))
        TRY(scn__get_dur(v, "routing.dns_lookup", false, &d->lookup, err));
    if ((v = scn__field(n, "dns_propagation")))
        TRY(scn__get_dur(v, "routing.dns_propagation", false, &d->propagation, err));
    if ((v = scn__field(n, "ignore_ttl")))
        TRY(scn__get_num(v, "routing.ignore_ttl", 0, false, 1, false, "a number in [0, 1]",
                         &d->ignore_ttl, err));
    if ((v = scn__field(n, "stale_for")))
        TRY(scn__get_pos_dur(v, "routing.stale_for", &d->stale_for, err));
    if ((v = scn__field(n, "weights"))) {
        TRY(scn__check_fields(v, "routing.weights", F_WEIGHTS, N_OF(F_WEIGHTS), err));
        const struct {
            const char *name, *path;
            double     *dest;
        } w[] = {
            { "distance", "routing.weights.distance", &d->w_distance },
            { "latency", "routing.weights.latency", &d->w_latency },
            { "reliability", "routing.weights.reliability", &d->w_reliability },
        };
        for (size_t i = 0; i < N_OF(w); i++)
            if ((v = scn__field(scn__field(n, "weights"), w[i].name)))
                TRY(scn__get_num(v, w[i].path, 0, false, 1e6, false, "a number in [0, 1000000]",
                                 w[i].dest, err));
    }
    return 0;
}

int scn__parse_routing(scn_scenario *s, const cJSON *n, sim_err *err)
{
    health_defaults(s);
    if (n && scn__check_fields(n, "routing", F_ROUTING, N_OF(F_ROUTING), err) < 0)
        return SIM_EINVAL;
    TRY(parse_dns(s, n, err));
    if (!n)
        return 0;
    const cJSON *v = scn__field(n, "health");
    return v ? parse_health(s, v, err) : 0;
}

/* "monitor". The interval is bounded below and by the duration so that the series a run
 * keeps (a point per region, metric and interval) stay bounded. */
int scn__parse_monitor(scn_scenario *s, const cJSON *n, const cJSON *dur_node, sim_err *err)
{
    char         s1[64], s2[64];
    scn_monitor *m = &s->monitor;
    m->interval = SIM_S;
    const cJSON *v = NULL;
    if (n) {
        if (scn__check_fields(n, "monitor", F_MONITOR, N_OF(F_MONITOR), err) < 0)
            return SIM_EINVAL;
        if ((v = scn__field(n, "interval"))) {
            if (scn__get_pos_dur(v, "monitor.interval", &m->interval, err) < 0)
                return SIM_EINVAL;
            if (m->interval < MON_MIN_INTERVAL)
                return sim_err_set(err, SIM_EINVAL, "monitor.interval",
                                   "expected at least 1ms, got \"%s\"",
                                   scn__clip(v->valuestring, s1, sizeof s1));
        }
    }
    sim_time count = s->duration / m->interval;
    if (count > MON_MAX_INTERVALS && v)
        return sim_err_set(err, SIM_EINVAL, "monitor.interval",
                           "expected at most %d intervals in the duration (\"%s\"), got %lld "
                           "of \"%s\"",
                           MON_MAX_INTERVALS, scn__clip(dur_node->valuestring, s1, sizeof s1),
                           (long long)count, scn__clip(v->valuestring, s2, sizeof s2));
    if (count > MON_MAX_INTERVALS)
        return sim_err_set(err, SIM_EINVAL, "duration",
                           "expected at most %d monitoring intervals of 1s (the default) in "
                           "the duration, got %lld; set a longer monitor.interval",
                           MON_MAX_INTERVALS, (long long)count);
    return 0;
}

int scn__parse_alerts(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_monitor *m = &s->monitor;
    m->alert_lag = 60 * SIM_S;
    m->alert_error_rate = 0.05;
    if (!n)
        return 0;
    if (scn__check_fields(n, "alerts", F_ALERTS, N_OF(F_ALERTS), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = scn__field(n, "lag")) && scn__get_pos_dur(v, "alerts.lag", &m->alert_lag, err) < 0)
        return SIM_EINVAL;
    if ((v = scn__field(n, "error_rate"))
        && scn__get_num(v, "alerts.error_rate", 0, true, 1, false, "a number in (0, 1]",
                        &m->alert_error_rate, err)
            < 0)
        return SIM_EINVAL;
    return 0;
}

/* ---- expectations ---- */

static const char *const F_EXPECT[]
    = { "metric", "pattern", "op", "region", "client", "min", "max", "equals", "bound" };
static const char *const BOUNDS[] = { "mean", "ci" };

int scn__parse_expect(scn_scenario *s, scn_expect *x, const cJSON *n, const char *path,
                      sim_err *err)
{
    char         p[PATH_N], k[64], b1[32], b2[32];
    const char  *str = NULL;
    const cJSON *v;
    if (scn__check_fields(n, path, F_EXPECT, N_OF(F_EXPECT), err) < 0)
        return SIM_EINVAL;
    if (!(v = scn__field(n, "metric")))
        return scn__missing(path, "metric", err);
    if (scn__get_str(v, scn__pjoin(p, path, "metric"), true, &str, err) < 0)
        return SIM_EINVAL;
    if (scn__dup_str(str, &x->metric, err) < 0)
        return SIM_ENOMEM;
    if ((v = scn__field(n, "pattern"))) {
        char list[300];
        if (scn__get_str(v, scn__pjoin(p, path, "pattern"), true, &str, err) < 0)
            return SIM_EINVAL;
        /* Without patterns the run is the independent-regions baseline, named so. */
        if (s->npatterns == 0 && strcmp(str, "independent") != 0)
            return sim_err_set(err, SIM_EINVAL, p,
                               "unknown pattern \"%s\"; the scenario has no patterns, so the "
                               "only one is \"independent\"",
                               scn__clip(str, k, sizeof k));
        if (s->npatterns > 0 && scn_pattern_index(s, str) < 0) {
            known_patterns(s, list, sizeof list);
            return sim_err_set(err, SIM_EINVAL, p,
                               "unknown pattern \"%s\"; the scenario's patterns are: %s",
                               scn__clip(str, k, sizeof k), list);
        }
        if (scn__dup_str(str, &x->pattern, err) < 0)
            return SIM_ENOMEM;
    }
    if ((v = scn__field(n, "op"))) {
        if (scn__get_str(v, scn__pjoin(p, path, "op"), false, &str, err) < 0)
            return SIM_EINVAL;
        if (strcmp(str, "read") != 0 && strcmp(str, "write") != 0)
            return sim_err_set(err, SIM_EINVAL, p, "expected \"read\" or \"write\", got \"%s\"",
                               scn__clip(str, k, sizeof k));
        if (scn__dup_str(str, &x->op, err) < 0)
            return SIM_ENOMEM;
    }
    if ((v = scn__field(n, "region"))) {
        uint32_t r = 0;
        if (scn__get_region(s, v, scn__pjoin(p, path, "region"), &r, err) < 0)
            return SIM_EINVAL;
        if (scn__dup_str(s->regions[r].name, &x->region, err) < 0)
            return SIM_ENOMEM;
    }
    if ((v = scn__field(n, "client"))) {
        if (scn__get_str(v, scn__pjoin(p, path, "client"), true, &str, err) < 0)
            return SIM_EINVAL;
        size_t c = 0;
        while (c < s->nclients && strcmp(s->clients[c].name, str) != 0)
            c++;
        if (c == s->nclients)
            return sim_err_set(err, SIM_EINVAL, p, "unknown client population \"%s\"",
                               scn__clip(str, k, sizeof k));
        if (scn__dup_str(str, &x->client, err) < 0)
            return SIM_ENOMEM;
    }
    if (!!x->op + !!x->region + !!x->client > 1)
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected at most one of \"op\", \"region\", \"client\": runs have "
                           "no figures per operation per region (per client and operation: "
                           "the metrics read_p99_ms, write_p99_ms, ...)");
    if ((v = scn__field(n, "min"))) {
        if (scn__get_any_num(v, scn__pjoin(p, path, "min"), &x->min, err) < 0)
            return SIM_EINVAL;
        x->has_min = true;
    }
    if ((v = scn__field(n, "max"))) {
        if (scn__get_any_num(v, scn__pjoin(p, path, "max"), &x->max, err) < 0)
            return SIM_EINVAL;
        x->has_max = true;
        if (x->has_min && x->max < x->min)
            return sim_err_set(err, SIM_EINVAL, p, "expected a number >= min (%s), got %s",
                               scn__fmt_num(x->min, b1, sizeof b1),
                               scn__fmt_num(x->max, b2, sizeof b2));
    }
    if ((v = scn__field(n, "equals"))) {
        if (scn__get_any_num(v, scn__pjoin(p, path, "equals"), &x->equals, err) < 0)
            return SIM_EINVAL;
        x->has_equals = true;
    }
    if (!x->has_min && !x->has_max && !x->has_equals)
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected at least one of \"min\", \"max\", \"equals\"");
    if ((v = scn__field(n, "bound"))) {
        int which = 0;
        TRY(scn__get_choice(v, scn__pjoin(p, path, "bound"), BOUNDS, N_OF(BOUNDS),
                            "\"mean\" or \"ci\"", &which, err));
        x->bound_ci = which == 1;
    }
    return 0;
}

int scn__check_expect_metric(const scn_expect *x, const char *path, sim_err *err)
{
    char p[PATH_N];
    return scn_metric_check(x->metric, scn_expect_where(x), scn__pjoin(p, path, "metric"), err);
}
