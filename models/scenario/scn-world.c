/* scn-world.c - the scenario loader's world sections: regions, network, clients (faults are
 * in scn-faults.c).
 *
 * These describe the ground truth a run simulates. Each reader checks one object against
 * its field list and reads it with the getters of scn-json.c, writing straight into the
 * calloc'ed scenario so that scn_free() frees whatever was set before a failure. Time
 * distributions (service times, network jitter, link_degrade latency, and the deployment's
 * cache hit times) are read here too: constraints between time-valued parameters are
 * checked before dist_check() so that messages show durations as the file wrote them, not
 * nanoseconds. */
#include "scn-int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtt_measured.h"

static const char TIME_DISTS[]
    = "constant, uniform, exponential, normal, lognormal, gamma, weibull, pareto, empirical";

/* ---- distributions ---- */

static const char *const F_CONSTANT[] = { "dist", "value" };
static const char *const F_UNIFORM[] = { "dist", "min", "max" };
static const char *const F_EXPONENTIAL[] = { "dist", "mean" };
static const char *const F_NORMAL[] = { "dist", "mean", "sd" };
static const char *const F_LOGNORMAL[] = { "dist", "median", "sigma", "mean", "sd" };
static const char *const F_SHAPED[] = { "dist", "shape", "scale" };
static const char *const F_EMPIRICAL[] = { "dist", "points" };

/* A required duration parameter, in ns as a double; 'positive' rejects zero. */
static int time_param(const cJSON *obj, const char *path, const char *key, bool positive,
                      double *out, sim_err *err)
{
    char         p[PATH_N];
    const cJSON *n = scn__field(obj, key);
    if (!n)
        return scn__missing(path, key, err);
    sim_time t;
    int      rc = positive ? scn__get_pos_dur(n, scn__pjoin(p, path, key), &t, err)
                           : scn__get_dur(n, scn__pjoin(p, path, key), false, &t, err);
    if (rc < 0)
        return rc;
    *out = (double)t;
    return 0;
}

/* A required plain-number parameter; its range is dist_check()'s business. */
static int num_param(const cJSON *obj, const char *path, const char *key, double *out, sim_err *err)
{
    char         p[PATH_N];
    const cJSON *n = scn__field(obj, key);
    if (!n)
        return scn__missing(path, key, err);
    return scn__get_any_num(n, scn__pjoin(p, path, key), out, err);
}

/* Empirical points: [["1ms", 0], ["5ms", 0.5], ...]. The one block for xs and ps is stored in
 * d at once, so that whoever owns d frees it even when a later point is bad. */
static int empirical_points(const cJSON *obj, const char *path, dist_spec *d, sim_err *err)
{
    char         p[PATH_N], pp[PATH_N], pq[PATH_N], b[FOUND_N], s1[64], s2[64];
    const cJSON *pts = scn__field(obj, "points");
    if (!pts)
        return scn__missing(path, "points", err);
    scn__pjoin(p, path, "points");
    size_t n;
    TRY(scn__get_array(pts, p, "point", "[duration, probability] points", 0, SIZE_MAX, &n, err));
    if (n < 2)
        return sim_err_set(err, SIM_EINVAL, p, "expected at least 2 points, got %zu", n);
    double *block = sim_calloc(2 * n, sizeof *block);
    if (!block)
        return scn__no_memory(err);
    d->xs = block;
    d->ps = block + n;
    d->npoints = n;
    size_t       i = 0;
    const cJSON *prev_x = NULL;
    for (const cJSON *pt = pts->child; pt; pt = pt->next, i++) {
        scn__pindex(pp, p, i);
        if (!cJSON_IsArray(pt) || scn__count_children(pt) != 2)
            return sim_err_set(
                err, SIM_EINVAL, pp, "expected a [duration, probability] pair, got %s",
                cJSON_IsArray(pt) ? "an array of another length" : scn__found(pt, b));
        sim_time x;
        if (scn__get_dur(pt->child, scn__pindex(pq, pp, 0), false, &x, err) < 0)
            return SIM_EINVAL;
        if (i > 0 && !((double)x > block[i - 1]))
            return sim_err_set(err, SIM_EINVAL, pq,
                               "expected durations in ascending order, got \"%s\" after \"%s\"",
                               scn__clip(pt->child->valuestring, s1, sizeof s1),
                               scn__clip(prev_x->valuestring, s2, sizeof s2));
        block[i] = (double)x;
        prev_x = pt->child;
        if (scn__get_num(pt->child->next, scn__pindex(pq, pp, 1), 0, false, 1, false,
                         "a cumulative probability in [0, 1]", &block[n + i], err)
            < 0)
            return SIM_EINVAL;
    }
    return 0;
}

/* A distribution of times: {"dist": NAME, params...}, durations in ns. */
int scn__parse_time_dist(const cJSON *n, const char *path, dist_spec *d, sim_err *err)
{
    char b[FOUND_N], p[PATH_N], k[64], s1[64], s2[64];
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected a distribution such as {\"dist\": \"exponential\", "
                           "\"mean\": \"1ms\"}, got %s",
                           scn__found(n, b));
    const cJSON *kn = scn__field(n, "dist");
    if (!kn)
        return scn__missing(path, "dist", err);
    scn__pjoin(p, path, "dist");
    if (!cJSON_IsString(kn))
        return sim_err_set(err, SIM_EINVAL, p, "expected a distribution name (one of %s), got %s",
                           TIME_DISTS, scn__found(kn, b));
    dist_kind kind = dist_kind_from_name(kn->valuestring);
    if (kind == DIST_BERNOULLI || kind == DIST_ZIPF)
        return sim_err_set(err, SIM_EINVAL, p,
                           "\"%s\" is not a distribution of times; expected one of %s",
                           kn->valuestring, TIME_DISTS);
    if (kind == DIST_KIND_COUNT)
        return sim_err_set(err, SIM_EINVAL, p, "unknown distribution \"%s\"; expected one of %s",
                           scn__clip(kn->valuestring, k, sizeof k), TIME_DISTS);

    const char *const *known = NULL;
    size_t             nknown = 0;
    switch (kind) {
    case DIST_CONSTANT:
        known = F_CONSTANT;
        nknown = N_OF(F_CONSTANT);
        break;
    case DIST_UNIFORM:
        known = F_UNIFORM;
        nknown = N_OF(F_UNIFORM);
        break;
    case DIST_EXPONENTIAL:
        known = F_EXPONENTIAL;
        nknown = N_OF(F_EXPONENTIAL);
        break;
    case DIST_NORMAL:
        known = F_NORMAL;
        nknown = N_OF(F_NORMAL);
        break;
    case DIST_LOGNORMAL:
        known = F_LOGNORMAL;
        nknown = N_OF(F_LOGNORMAL);
        break;
    case DIST_GAMMA:
    case DIST_WEIBULL:
    case DIST_PARETO:
        known = F_SHAPED;
        nknown = N_OF(F_SHAPED);
        break;
    case DIST_EMPIRICAL:
        known = F_EMPIRICAL;
        nknown = N_OF(F_EMPIRICAL);
        break;
    default:
        sim_panic("scn: time distribution kind %d has no field list", (int)kind);
    }
    if (scn__check_fields(n, path, known, nknown, err) < 0)
        return SIM_EINVAL;

    memset(d, 0, sizeof *d);
    d->kind = kind;
    int rc = 0;
    switch (kind) {
    case DIST_CONSTANT:
        rc = time_param(n, path, "value", false, &d->value, err);
        break;
    case DIST_UNIFORM:
        rc = time_param(n, path, "min", false, &d->min, err);
        if (rc == 0)
            rc = time_param(n, path, "max", false, &d->max, err);
        if (rc == 0 && d->max < d->min)
            rc = sim_err_set(err, SIM_EINVAL, scn__pjoin(p, path, "max"),
                             "expected a duration >= min (\"%s\"), got \"%s\"",
                             scn__clip(scn__field(n, "min")->valuestring, s1, sizeof s1),
                             scn__clip(scn__field(n, "max")->valuestring, s2, sizeof s2));
        break;
    case DIST_EXPONENTIAL:
        rc = time_param(n, path, "mean", true, &d->mean, err);
        break;
    case DIST_NORMAL:
        rc = time_param(n, path, "mean", false, &d->mean, err);
        if (rc == 0)
            rc = time_param(n, path, "sd", false, &d->sd, err);
        break;
    case DIST_LOGNORMAL: {
        bool by_median = scn__field(n, "median") || scn__field(n, "sigma");
        bool by_mean = scn__field(n, "mean") || scn__field(n, "sd");
        if (by_median && by_mean)
            return sim_err_set(err, SIM_EINVAL, path,
                               "a lognormal distribution takes either median and sigma or "
                               "mean and sd, not both");
        d->by_mean = by_mean;
        if (by_mean) {
            rc = time_param(n, path, "mean", true, &d->mean, err);
            if (rc == 0)
                rc = time_param(n, path, "sd", false, &d->sd, err);
        } else {
            rc = time_param(n, path, "median", true, &d->median, err);
            if (rc == 0)
                rc = num_param(n, path, "sigma", &d->sigma, err);
        }
        break;
    }
    case DIST_GAMMA:
    case DIST_WEIBULL:
    case DIST_PARETO:
        rc = num_param(n, path, "shape", &d->shape, err);
        if (rc == 0)
            rc = time_param(n, path, "scale", true, &d->scale, err);
        break;
    case DIST_EMPIRICAL:
        rc = empirical_points(n, path, d, err);
        break;
    default:
        break;
    }
    if (rc < 0)
        return rc;
    rc = dist_check(d, err);
    if (rc < 0)
        sim_err_prefix_path(err, path);
    return rc;
}

void scn__spec_fini(dist_spec *d)
{
    /* Only empirical specs own memory: the one block that xs points to (ps is inside it). */
    if (d->kind == DIST_EMPIRICAL)
        sim_free((void *)d->xs);
    d->xs = d->ps = NULL;
}

/* ---- regions ---- */

static const char *const F_REGION[]
    = { "name", "location", "servers", "service", "queue_limit", "zones" };
static const char *const F_SERVICE[] = { "read", "write", "apply" };

int scn__parse_region(scn_scenario *s, size_t idx, const cJSON *n, const char *path, sim_err *err)
{
    char        p[PATH_N], k[64], pp[PATH_N], pq[PATH_N];
    scn_region *r = &s->regions[idx];
    if (scn__check_fields(n, path, F_REGION, N_OF(F_REGION), err) < 0)
        return SIM_EINVAL;

    const cJSON *v = scn__field(n, "name");
    const char  *name = NULL;
    if (!v)
        return scn__missing(path, "name", err);
    if (scn__get_str(v, scn__pjoin(p, path, "name"), true, &name, err) < 0)
        return SIM_EINVAL;
    for (const char *c = name; *c; c++)
        if (*c == '/' || *c == ' ' || (*c >= '\t' && *c <= '\r'))
            return sim_err_set(err, SIM_EINVAL, p,
                               "expected a region name without '/' or whitespace, got \"%s\"",
                               scn__clip(name, k, sizeof k));
    int prev = scn_region_index(s, name);
    if (prev >= 0)
        return sim_err_set(err, SIM_EINVAL, p, "duplicate region name \"%s\" (also %s)",
                           scn__clip(name, k, sizeof k),
                           scn__pjoin(pq, scn__pindex(pp, "regions", (size_t)prev), "name"));
    if (scn__dup_str(name, &r->name, err) < 0)
        return SIM_ENOMEM;

    if ((v = scn__field(n, "location"))) {
        if (scn__get_latlon(v, scn__pjoin(p, path, "location"), &r->lat, &r->lon, err) < 0)
            return SIM_EINVAL;
    } else if (!rtt_measured_location(name, &r->lat, &r->lon)) {
        return sim_err_set(err, SIM_EINVAL, path,
                           "missing required field \"location\" (only known cloud regions "
                           "such as \"us-east-1\" have a default)");
    }

    uint64_t u;
    if (!(v = scn__field(n, "servers")))
        return scn__missing(path, "servers", err);
    if (scn__get_uint(v, scn__pjoin(p, path, "servers"), 1, 100000, &u, err) < 0)
        return SIM_EINVAL;
    r->servers = (uint32_t)u;
    r->zones = 1;
    if ((v = scn__field(n, "zones"))) {
        uint64_t most = r->servers < 64 ? r->servers : 64; /* a zone has a server; a mask */
        if (scn__get_uint(v, scn__pjoin(p, path, "zones"), 1, most, &u, err) < 0)
            return SIM_EINVAL;
        r->zones = (uint32_t)u;
    }

    r->service[SCN_READ] = (dist_spec){ .kind = DIST_EXPONENTIAL, .mean = 1e6 };
    r->service[SCN_WRITE] = (dist_spec){ .kind = DIST_EXPONENTIAL, .mean = 2e6 };
    if ((v = scn__field(n, "service"))) {
        scn__pjoin(p, path, "service");
        if (scn__check_fields(v, p, F_SERVICE, N_OF(F_SERVICE), err) < 0)
            return SIM_EINVAL;
        for (int op = 0; op < SCN_OP_COUNT; op++) {
            const cJSON *d = scn__field(v, scn_op_name((scn_op)op));
            if (d)
                TRY(scn__parse_time_dist(d, scn__pjoin(pp, p, scn_op_name((scn_op)op)),
                                         &r->service[op], err));
        }
    }
    /* Applying a replicated write costs what taking a client's write does, unless the
     * scenario says otherwise. */
    r->apply = r->service[SCN_WRITE];
    if ((v = scn__field(n, "service")) && (v = scn__field(v, "apply")))
        TRY(scn__parse_time_dist(v, scn__pjoin(pp, p, "apply"), &r->apply, err));

    r->queue_limit = UINT32_MAX;
    if ((v = scn__field(n, "queue_limit"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "queue_limit"), 0, UINT32_MAX, &u, err) < 0)
            return SIM_EINVAL;
        r->queue_limit = (uint32_t)u;
    }
    return 0;
}

/* ---- network ---- */

static const char *const F_NETWORK[]
    = { "rtt", "route_factor", "base", "jitter", "loss", "bandwidth" };

/* The "a/b" key of one entry of a per-pair table ('section': "network.rtt" or
 * "network.bandwidth"): the two regions as lo < hi. seen[lo][hi] marks pairs already listed. */
static int parse_pair_key(const scn_scenario *s, const char *section, const cJSON *table,
                          const cJSON *c, uint8_t seen[SCN_MAX_REGIONS][SCN_MAX_REGIONS],
                          uint32_t *lo_out, uint32_t *hi_out, sim_err *err)
{
    char        p[PATH_N], k[64], k2[64], name[PATH_N];
    const char *key = c->string;
    scn__pjoin(p, section, key);
    const char *slash = strchr(key, '/');
    if (!slash || strchr(slash + 1, '/') || slash == key || slash[1] == '\0')
        return sim_err_set(err, SIM_EINVAL, p,
                           "expected a key of the form \"regionA/regionB\", got \"%s\"",
                           scn__clip(key, k, sizeof k));
    snprintf(name, sizeof name, "%.*s", (int)(slash - key), key);
    int a = scn_region_index(s, name), b = scn_region_index(s, slash + 1);
    if (a < 0)
        return scn__unknown_region(s, p, name, err);
    if (b < 0)
        return scn__unknown_region(s, p, slash + 1, err);
    if (a == b)
        return sim_err_set(err, SIM_EINVAL, p, "expected two different regions, got \"%s\"",
                           scn__clip(key, k, sizeof k));
    int lo = a < b ? a : b, hi = a < b ? b : a;
    if (seen[lo][hi]) {
        /* Find the first key naming this pair, for the message. */
        for (const cJSON *q = table->child; q != c; q = q->next) {
            const char *qs = strchr(q->string, '/');
            if (!qs)
                continue; /* "default" in a bandwidth table */
            snprintf(name, sizeof name, "%.*s", (int)(qs - q->string), q->string);
            int qa = scn_region_index(s, name), qb = scn_region_index(s, qs + 1);
            if ((qa == a && qb == b) || (qa == b && qb == a)) {
                if (strcmp(q->string, key) == 0)
                    return sim_err_set(err, SIM_EINVAL, section, "duplicate field \"%s\"",
                                       scn__clip(key, k, sizeof k));
                return sim_err_set(
                    err, SIM_EINVAL, p, "\"%s\" names the same pair of regions as \"%s\"",
                    scn__clip(key, k, sizeof k), scn__clip(q->string, k2, sizeof k2));
            }
        }
        sim_panic("scn: pair %d/%d marked seen but not found", a, b);
    }
    seen[lo][hi] = 1;
    *lo_out = (uint32_t)lo;
    *hi_out = (uint32_t)hi;
    return 0;
}

/* One "a/b": "76ms" entry of an rtt table. */
static int parse_rtt_pair(scn_scenario *s, const cJSON *rtt, const cJSON *c, size_t i,
                          uint8_t seen[SCN_MAX_REGIONS][SCN_MAX_REGIONS], sim_err *err)
{
    char          p[PATH_N];
    scn_rtt_pair *pair = &s->network.pairs[i];
    TRY(parse_pair_key(s, "network.rtt", rtt, c, seen, &pair->a, &pair->b, err));
    return scn__get_pos_dur(c, scn__pjoin(p, "network.rtt", c->string), &pair->rtt, err);
}

static int parse_rtt(scn_scenario *s, const cJSON *n, sim_err *err)
{
    char         b[FOUND_N], k[64];
    scn_network *net = &s->network;
    if (cJSON_IsString(n)) {
        if (strcmp(n->valuestring, "geo") == 0)
            net->rtt_mode = SCN_RTT_GEO;
        else if (strcmp(n->valuestring, "measured") == 0)
            net->rtt_mode = SCN_RTT_MEASURED;
        else
            return sim_err_set(err, SIM_EINVAL, "network.rtt",
                               "unknown rtt mode \"%s\"; expected \"geo\", \"measured\" or an "
                               "object of \"a/b\": \"76ms\" pairs",
                               scn__clip(n->valuestring, k, sizeof k));
        return 0;
    }
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, "network.rtt",
                           "expected \"geo\", \"measured\" or an object of \"a/b\": \"76ms\" "
                           "pairs, got %s",
                           scn__found(n, b));
    net->rtt_mode = SCN_RTT_TABLE;
    size_t count = scn__count_children(n);
    if (count == 0)
        return 0;
    net->pairs = sim_calloc(count, sizeof *net->pairs);
    if (!net->pairs)
        return scn__no_memory(err);
    uint8_t seen[SCN_MAX_REGIONS][SCN_MAX_REGIONS] = { { 0 } };
    size_t  i = 0;
    for (const cJSON *c = n->child; c; c = c->next, i++) {
        TRY(parse_rtt_pair(s, n, c, i, seen, err));
        net->npairs = i + 1;
    }
    return 0;
}

/* A bandwidth such as "100MB/s" or "1Gbit/s" (decimal units: k = 1e3, M = 1e6, G = 1e9; B
 * is a byte, bit an eighth of one), as bytes/s > 0. */
static int parse_bandwidth_value(const cJSON *n, const char *path, double *out, sim_err *err)
{
    static const struct {
        const char *unit;
        double      bytes;
    } units[] = { { "B/s", 1 },          { "kB/s", 1e3 },      { "MB/s", 1e6 },
                  { "GB/s", 1e9 },       { "bit/s", 1.0 / 8 }, { "kbit/s", 1e3 / 8 },
                  { "Mbit/s", 1e6 / 8 }, { "Gbit/s", 1e9 / 8 } };
    char b[FOUND_N], k[64];
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected a bandwidth such as \"100MB/s\" or \"1Gbit/s\", got %s",
                           scn__found(n, b));
    const char *text = n->valuestring;
    char       *end = NULL;
    double      v = strtod(text, &end);
    if (end != text && isfinite(v) && v > 0)
        for (size_t i = 0; i < N_OF(units); i++)
            if (strcmp(end, units[i].unit) == 0) {
                *out = v * units[i].bytes;
                return 0;
            }
    return sim_err_set(err, SIM_EINVAL, path,
                       "expected a bandwidth such as \"100MB/s\" or \"1Gbit/s\" (units B/s, "
                       "kB/s, MB/s, GB/s, bit/s, kbit/s, Mbit/s, Gbit/s), got \"%s\"",
                       scn__clip(text, k, sizeof k));
}

/* "bandwidth": "100MB/s" for every pair, or {"default": "100MB/s", "a/b": "1Gbit/s", ...}
 * with per-pair overrides (both directions). */
static int parse_bandwidth(scn_scenario *s, const cJSON *n, sim_err *err)
{
    char         b[FOUND_N], p[PATH_N];
    scn_network *net = &s->network;
    if (cJSON_IsString(n))
        return parse_bandwidth_value(n, "network.bandwidth", &net->bandwidth, err);
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, "network.bandwidth",
                           "expected a bandwidth such as \"100MB/s\" or an object of "
                           "\"default\" and \"a/b\": \"100MB/s\" pairs, got %s",
                           scn__found(n, b));
    size_t count = scn__count_children(n);
    if (count == 0)
        return 0;
    net->bw_pairs = sim_calloc(count, sizeof *net->bw_pairs);
    if (!net->bw_pairs)
        return scn__no_memory(err);
    uint8_t seen[SCN_MAX_REGIONS][SCN_MAX_REGIONS] = { { 0 } };
    bool    have_default = false;
    for (const cJSON *c = n->child; c; c = c->next) {
        scn__pjoin(p, "network.bandwidth", c->string);
        if (strcmp(c->string, "default") == 0) {
            if (have_default)
                return sim_err_set(err, SIM_EINVAL, "network.bandwidth",
                                   "duplicate field \"default\"");
            have_default = true;
            TRY(parse_bandwidth_value(c, p, &net->bandwidth, err));
            continue;
        }
        scn_bandwidth_pair *pair = &net->bw_pairs[net->nbw_pairs];
        TRY(parse_pair_key(s, "network.bandwidth", n, c, seen, &pair->a, &pair->b, err));
        TRY(parse_bandwidth_value(c, p, &pair->bytes_per_s, err));
        net->nbw_pairs++;
    }
    return 0;
}

int scn__parse_network(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_network *net = &s->network;
    net->rtt_mode = SCN_RTT_GEO;
    net->base = SIM_MS;
    net->route_factor = 1.5;
    if (!n)
        return 0;
    if (scn__check_fields(n, "network", F_NETWORK, N_OF(F_NETWORK), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = scn__field(n, "rtt")))
        TRY(parse_rtt(s, v, err));
    if ((v = scn__field(n, "route_factor"))
        && scn__get_num(v, "network.route_factor", 0, true, INFINITY, false, "a number > 0",
                        &net->route_factor, err)
            < 0)
        return SIM_EINVAL;
    if ((v = scn__field(n, "base")) && scn__get_dur(v, "network.base", false, &net->base, err) < 0)
        return SIM_EINVAL;
    if ((v = scn__field(n, "jitter"))) {
        TRY(scn__parse_time_dist(v, "network.jitter", &net->jitter, err));
        net->has_jitter = true;
    }
    if ((v = scn__field(n, "loss"))
        && scn__get_num(v, "network.loss", 0, false, 1, true, "a number in [0, 1)", &net->loss, err)
            < 0)
        return SIM_EINVAL;
    if ((v = scn__field(n, "bandwidth")))
        TRY(parse_bandwidth(s, v, err));
    return 0;
}

/* ---- clocks ---- */

static const char *const F_CLOCK[] = { "error" };

/* "clock": {"error": a distribution of times}. The default, normal with sd 0.5 ms, is a
 * clock kept by NTP over a provider's network: chrony's README gives "within a few
 * milliseconds" between machines synchronised over the Internet and "tens of microseconds"
 * on a LAN; a cloud region's hosts sit between the two. */
int scn__parse_clock(scn_scenario *s, const cJSON *n, sim_err *err)
{
    s->clock_error = (dist_spec){ .kind = DIST_NORMAL, .mean = 0, .sd = 0.5e6 };
    if (!n)
        return 0;
    char p[PATH_N];
    if (scn__check_fields(n, "clock", F_CLOCK, N_OF(F_CLOCK), err) < 0)
        return SIM_EINVAL;
    const cJSON *v = scn__field(n, "error");
    if (v && scn__parse_time_dist(v, scn__pjoin(p, "clock", "error"), &s->clock_error, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* ---- clients ---- */

static const char *const F_CLIENT[]
    = { "name",        "location",        "rate",    "read_ratio", "keys",
        "sessions",    "read_own_writes", "timeout", "retries",    "backoff",
        "avoid_after", "avoid_for",       "diurnal", "steps",      "fields",
        "home",        "secondary" };
static const char *const F_KEYS[] = { "count", "dist", "s", "space" };
static const char *const F_DIURNAL[] = { "amplitude", "period" };
static const char *const F_STEP[] = { "at", "rate" };

static int parse_steps(scn_client *c, const cJSON *n, const char *path, sim_err *err)
{
    char   p[PATH_N], ps[PATH_N], s1[64], s2[64];
    size_t count;
    scn__pjoin(p, path, "steps");
    TRY(scn__get_array(n, p, "step", "steps", 1, SIZE_MAX, &count, err));
    c->steps = sim_calloc(count, sizeof *c->steps);
    if (!c->steps)
        return scn__no_memory(err);
    c->nsteps = count;
    size_t       i = 0;
    const cJSON *prev_at = NULL;
    for (const cJSON *st = n->child; st; st = st->next, i++) {
        scn__pindex(ps, p, i);
        if (scn__check_fields(st, ps, F_STEP, N_OF(F_STEP), err) < 0)
            return SIM_EINVAL;
        const cJSON *at = scn__field(st, "at"), *rate = scn__field(st, "rate");
        if (!at)
            return scn__missing(ps, "at", err);
        if (!rate)
            return scn__missing(ps, "rate", err);
        char pa[PATH_N];
        if (scn__get_dur(at, scn__pjoin(pa, ps, "at"), false, &c->steps[i].at, err) < 0)
            return SIM_EINVAL;
        if (i > 0 && c->steps[i].at <= c->steps[i - 1].at)
            return sim_err_set(err, SIM_EINVAL, pa,
                               "expected a time after the previous step's \"%s\", got \"%s\"",
                               scn__clip(prev_at->valuestring, s1, sizeof s1),
                               scn__clip(at->valuestring, s2, sizeof s2));
        prev_at = at;
        if (scn__get_num(rate, scn__pjoin(pa, ps, "rate"), 0, false, INFINITY, false,
                         "a non-negative number", &c->steps[i].rate, err)
            < 0)
            return SIM_EINVAL;
    }
    return 0;
}

static int parse_keys(scn_client *c, const cJSON *n, const char *path, sim_err *err)
{
    char     p[PATH_N], k[64];
    uint64_t u;
    if (scn__check_fields(n, path, F_KEYS, N_OF(F_KEYS), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = scn__field(n, "count"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "count"), 1, 100000000, &u, err) < 0)
            return SIM_EINVAL;
        c->key_count = u;
    }
    if ((v = scn__field(n, "dist"))) {
        const char *d = NULL;
        if (scn__get_str(v, scn__pjoin(p, path, "dist"), false, &d, err) < 0)
            return SIM_EINVAL;
        if (strcmp(d, "zipf") == 0)
            c->key_zipf = true;
        else if (strcmp(d, "uniform") != 0)
            return sim_err_set(err, SIM_EINVAL, p, "expected \"uniform\" or \"zipf\", got \"%s\"",
                               scn__clip(d, k, sizeof k));
    }
    if ((v = scn__field(n, "s"))) {
        scn__pjoin(p, path, "s");
        if (!c->key_zipf)
            return sim_err_set(err, SIM_EINVAL, p, "\"s\" applies only with \"dist\": \"zipf\"");
        if (scn__get_num(v, p, 0, false, INFINITY, false, "a non-negative number", &c->key_s, err)
            < 0)
            return SIM_EINVAL;
    }
    if ((v = scn__field(n, "space"))) {
        static const char *const spaces[] = { "shared", "own" };
        int                      own = 0;
        if (scn__get_choice(v, scn__pjoin(p, path, "space"), spaces, 2, "\"shared\" or \"own\"",
                            &own, err)
            < 0)
            return SIM_EINVAL;
        c->keys_own = own == 1;
    }
    return 0;
}

int scn__parse_client(scn_scenario *s, size_t idx, const cJSON *n, const char *path, sim_err *err)
{
    char        p[PATH_N], k[64], pp[PATH_N];
    scn_client *c = &s->clients[idx];
    uint64_t    u;
    if (scn__check_fields(n, path, F_CLIENT, N_OF(F_CLIENT), err) < 0)
        return SIM_EINVAL;

    const cJSON *v;
    char         defname[32];
    const char  *name = defname;
    snprintf(defname, sizeof defname, "client%zu", idx);
    if ((v = scn__field(n, "name"))
        && scn__get_str(v, scn__pjoin(p, path, "name"), true, &name, err) < 0)
        return SIM_EINVAL;
    for (size_t j = 0; j < idx; j++)
        if (strcmp(s->clients[j].name, name) == 0)
            return sim_err_set(err, SIM_EINVAL, v ? scn__pjoin(p, path, "name") : path,
                               "duplicate client name \"%s\" (also %s)",
                               scn__clip(name, k, sizeof k), scn__pindex(pp, "clients", j));
    if (scn__dup_str(name, &c->name, err) < 0)
        return SIM_ENOMEM;

    c->at_region = -1;
    if (!(v = scn__field(n, "location")))
        return scn__missing(path, "location", err);
    scn__pjoin(p, path, "location");
    if (cJSON_IsString(v)) {
        uint32_t r = 0;
        if (scn__get_region(s, v, p, &r, err) < 0)
            return SIM_EINVAL;
        c->at_region = (int32_t)r;
        c->lat = s->regions[r].lat;
        c->lon = s->regions[r].lon;
    } else if (cJSON_IsArray(v)) {
        if (scn__get_latlon(v, p, &c->lat, &c->lon, err) < 0)
            return SIM_EINVAL;
    } else {
        char b[FOUND_N];
        return sim_err_set(err, SIM_EINVAL, p,
                           "expected [latitude, longitude] or a region name, got %s",
                           scn__found(v, b));
    }

    if ((v = scn__field(n, "steps")))
        TRY(parse_steps(c, v, path, err));
    if ((v = scn__field(n, "rate"))) {
        bool steps = c->nsteps > 0;
        if (scn__get_num(v, scn__pjoin(p, path, "rate"), 0, !steps, INFINITY, false,
                         steps ? "a non-negative number" : "a number > 0", &c->rate, err)
            < 0)
            return SIM_EINVAL;
    } else if (c->nsteps == 0) {
        return sim_err_set(err, SIM_EINVAL, path, "missing required field \"rate\" (or \"steps\")");
    }

    c->read_ratio = 0.9;
    if ((v = scn__field(n, "read_ratio"))
        && scn__get_num(v, scn__pjoin(p, path, "read_ratio"), 0, false, 1, false,
                        "a number in [0, 1]", &c->read_ratio, err)
            < 0)
        return SIM_EINVAL;

    c->key_count = 1000;
    c->key_zipf = false;
    c->key_s = 1.0;
    if ((v = scn__field(n, "keys")))
        TRY(parse_keys(c, v, scn__pjoin(p, path, "keys"), err));

    c->home = -1;
    c->residency_rule = -1;
    if ((v = scn__field(n, "home"))) {
        uint32_t r = 0;
        if (!c->keys_own)
            return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, path, "home"),
                               "\"home\" applies only with \"keys\": {\"space\": \"own\"}");
        if (scn__get_region(s, v, scn__pjoin(p, path, "home"), &r, err) < 0)
            return SIM_EINVAL;
        c->home = (int32_t)r;
    }

    c->secondary = -1;
    if ((v = scn__field(n, "secondary"))) {
        uint32_t r = 0;
        if (!c->keys_own)
            return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, path, "secondary"),
                               "\"secondary\" applies only with \"keys\": {\"space\": \"own\"}");
        if (scn__get_region(s, v, scn__pjoin(p, path, "secondary"), &r, err) < 0)
            return SIM_EINVAL;
        c->secondary = (int32_t)r;
    }

    c->sessions = 100;
    if ((v = scn__field(n, "sessions"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "sessions"), 1, 10000000, &u, err) < 0)
            return SIM_EINVAL;
        c->sessions = (uint32_t)u;
    }
    c->read_own_writes = 0;
    if ((v = scn__field(n, "read_own_writes"))
        && scn__get_num(v, scn__pjoin(p, path, "read_own_writes"), 0, false, 1, false,
                        "a number in [0, 1]", &c->read_own_writes, err)
            < 0)
        return SIM_EINVAL;
    c->timeout = SIM_S;
    if ((v = scn__field(n, "timeout"))
        && scn__get_pos_dur(v, scn__pjoin(p, path, "timeout"), &c->timeout, err) < 0)
        return SIM_EINVAL;
    c->retries = 2;
    if ((v = scn__field(n, "retries"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "retries"), 0, 100, &u, err) < 0)
            return SIM_EINVAL;
        c->retries = (uint32_t)u;
    }
    c->backoff = 50 * SIM_MS;
    if ((v = scn__field(n, "backoff"))
        && scn__get_dur(v, scn__pjoin(p, path, "backoff"), false, &c->backoff, err) < 0)
        return SIM_EINVAL;
    c->avoid_after = 5;
    if ((v = scn__field(n, "avoid_after"))) {
        if (scn__get_uint(v, scn__pjoin(p, path, "avoid_after"), 1, 100, &u, err) < 0)
            return SIM_EINVAL;
        c->avoid_after = (uint32_t)u;
    }
    c->avoid_for = 30 * SIM_S;
    if ((v = scn__field(n, "avoid_for"))
        && scn__get_dur(v, scn__pjoin(p, path, "avoid_for"), false, &c->avoid_for, err) < 0)
        return SIM_EINVAL;

    /* Which fields this client's writes set; checked against data.fields once that is read. */
    c->field_mask = 0;
    if ((v = scn__field(n, "fields"))) {
        size_t count;
        scn__pjoin(p, path, "fields");
        if (scn__get_array(v, p, "field index", "field indices", 1, SCN_MAX_FIELDS, &count, err)
            < 0)
            return SIM_EINVAL;
        size_t k = 0;
        for (const cJSON *f = v->child; f; f = f->next, k++) {
            if (scn__get_uint(f, scn__pindex(pp, p, k), 0, SCN_MAX_FIELDS - 1, &u, err) < 0)
                return SIM_EINVAL;
            c->field_mask |= (uint8_t)(1u << u);
        }
    }

    c->diurnal_amplitude = 0;
    c->diurnal_period = 24 * SIM_HOUR;
    if ((v = scn__field(n, "diurnal"))) {
        scn__pjoin(p, path, "diurnal");
        if (scn__check_fields(v, p, F_DIURNAL, N_OF(F_DIURNAL), err) < 0)
            return SIM_EINVAL;
        const cJSON *a = scn__field(v, "amplitude"), *per = scn__field(v, "period");
        if (!a)
            return scn__missing(p, "amplitude", err);
        if (scn__get_num(a, scn__pjoin(pp, p, "amplitude"), 0, false, 1, false,
                         "a number in [0, 1]", &c->diurnal_amplitude, err)
            < 0)
            return SIM_EINVAL;
        if (per && scn__get_pos_dur(per, scn__pjoin(pp, p, "period"), &c->diurnal_period, err) < 0)
            return SIM_EINVAL;
    }
    return 0;
}
