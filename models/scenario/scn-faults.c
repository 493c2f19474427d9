/* scn-faults.c - the scenario loader's "faults": the timeline of failures (and drills).
 *
 * Each kind takes its own fields and no other kind's; a partition's groups become a group
 * number per region; faults are sorted by start time once read, keeping file order for
 * equal starts. */
#include "scn-int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const scn__fault_kinds[SCN_FAULT_KIND_COUNT] = {
    [SCN_FAULT_REGION_DOWN] = "region_down",
    [SCN_FAULT_PARTITION] = "partition",
    [SCN_FAULT_LINK_DEGRADE] = "link_degrade",
    [SCN_FAULT_BROWNOUT] = "brownout",
    [SCN_FAULT_CLOCK_SKEW] = "clock_skew",
    [SCN_FAULT_FAILOVER] = "failover",
    [SCN_FAULT_LINK_CUT] = "link_cut",
    [SCN_FAULT_CLIENT_CUT] = "client_cut",
    [SCN_FAULT_ZONE_DOWN] = "zone_down",
    [SCN_FAULT_CAPACITY] = "capacity",
    [SCN_FAULT_DNS_DOWN] = "dns_down",
    [SCN_FAULT_HEALTH_DOWN] = "health_down",
    [SCN_FAULT_FLAP] = "flap",
};

static const char *const F_FAULT[]
    = { "kind",     "at",     "for",     "region",  "groups", "between", "latency",
        "loss",     "factor", "offset",  "drift",   "to",     "from",    "clients",
        "fraction", "zone",   "servers", "answers", "period", "down" };

/* The fields each kind takes besides kind, at and for. */
static const char *const F_FAULT_KIND[SCN_FAULT_KIND_COUNT][4] = {
    [SCN_FAULT_REGION_DOWN] = { "region" },
    [SCN_FAULT_PARTITION] = { "groups" },
    [SCN_FAULT_LINK_DEGRADE] = { "between", "latency", "loss" },
    [SCN_FAULT_BROWNOUT] = { "region", "factor" },
    [SCN_FAULT_CLOCK_SKEW] = { "region", "offset", "drift" },
    [SCN_FAULT_FAILOVER] = { "to" },
    [SCN_FAULT_LINK_CUT] = { "from", "to" },
    [SCN_FAULT_CLIENT_CUT] = { "clients", "region", "fraction" },
    [SCN_FAULT_ZONE_DOWN] = { "region", "zone" },
    [SCN_FAULT_CAPACITY] = { "region", "servers" },
    [SCN_FAULT_DNS_DOWN] = { "answers" }, /* health_down takes nothing */
    [SCN_FAULT_FLAP] = { "region", "period", "down" },
};

static bool fault_takes(scn_fault_kind kind, const char *key)
{
    if (strcmp(key, "kind") == 0 || strcmp(key, "at") == 0)
        return true;
    if (strcmp(key, "for") == 0)
        return kind != SCN_FAULT_FAILOVER; /* a command happens once; it has no length */
    for (size_t i = 0; i < 4 && F_FAULT_KIND[kind][i]; i++)
        if (strcmp(key, F_FAULT_KIND[kind][i]) == 0)
            return true;
    return false;
}

static int parse_partition(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path,
                           sim_err *err)
{
    char         p[PATH_N], pg[PATH_N], pr[PATH_N], b[FOUND_N], k[64];
    const cJSON *groups = scn__field(n, "groups");
    if (!groups)
        return scn__missing(path, "groups", err);
    scn__pjoin(p, path, "groups");
    size_t ngroups;
    TRY(scn__get_array(groups, p, "group", "groups (arrays of region names)", 1, s->nregions,
                       &ngroups, err));
    f->group_of = sim_malloc(s->nregions);
    if (!f->group_of)
        return scn__no_memory(err);
    /* UINT8_MAX marks "not listed yet"; group ids are at most SCN_MAX_REGIONS. */
    memset(f->group_of, UINT8_MAX, s->nregions);
    bool   any = false;
    size_t g = 0;
    for (const cJSON *grp = groups->child; grp; grp = grp->next, g++) {
        scn__pindex(pg, p, g);
        if (!cJSON_IsArray(grp))
            return sim_err_set(err, SIM_EINVAL, pg, "expected an array of region names, got %s",
                               scn__found(grp, b));
        size_t j = 0;
        for (const cJSON *rn = grp->child; rn; rn = rn->next, j++) {
            uint32_t r = 0;
            if (scn__get_region(s, rn, scn__pindex(pr, pg, j), &r, err) < 0)
                return SIM_EINVAL;
            if (f->group_of[r] != UINT8_MAX)
                return sim_err_set(err, SIM_EINVAL, pr, "region \"%s\" is already in %s[%u]",
                                   scn__clip(rn->valuestring, k, sizeof k), p,
                                   (unsigned)f->group_of[r]);
            f->group_of[r] = (uint8_t)g;
            any = true;
        }
    }
    if (!any)
        return sim_err_set(err, SIM_EINVAL, p, "expected at least one non-empty group");
    bool split = false;
    for (size_t r = 0; r < s->nregions; r++) {
        if (f->group_of[r] == UINT8_MAX)
            f->group_of[r] = (uint8_t)ngroups;
        if (f->group_of[r] != f->group_of[0])
            split = true;
    }
    if (!split)
        return sim_err_set(err, SIM_EINVAL, p,
                           "expected regions in at least two groups, got all in one (a "
                           "partition that separates nothing)");
    return 0;
}

static int parse_link_cut(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path,
                          sim_err *err)
{
    char         p[PATH_N], k[64];
    const cJSON *from = scn__field(n, "from"), *to = scn__field(n, "to");
    if (!from)
        return scn__missing(path, "from", err);
    if (!to)
        return scn__missing(path, "to", err);
    if (scn__get_region(s, from, scn__pjoin(p, path, "from"), &f->region, err) < 0
        || scn__get_region(s, to, scn__pjoin(p, path, "to"), &f->region_b, err) < 0)
        return SIM_EINVAL;
    if (f->region == f->region_b)
        return sim_err_set(err, SIM_EINVAL, p,
                           "expected a region other than \"from\", got \"%s\" for both",
                           scn__clip(to->valuestring, k, sizeof k));
    return 0;
}

static int parse_client_cut(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path,
                            sim_err *err)
{
    char         p[PATH_N], b[FOUND_N], k[64];
    const cJSON *v = scn__field(n, "clients");
    if (!v)
        return scn__missing(path, "clients", err);
    scn__pjoin(p, path, "clients");
    if (!cJSON_IsString(v))
        return sim_err_set(err, SIM_EINVAL, p, "expected a client population's name, got %s",
                           scn__found(v, b));
    size_t i = 0;
    while (i < s->nclients && strcmp(s->clients[i].name, v->valuestring) != 0)
        i++;
    if (i == s->nclients)
        return sim_err_set(err, SIM_EINVAL, p, "unknown client population \"%s\"",
                           scn__clip(v->valuestring, k, sizeof k));
    f->client = (uint32_t)i;
    f->fraction = 1.0;
    if ((v = scn__field(n, "fraction")))
        return scn__get_num(v, scn__pjoin(p, path, "fraction"), 0, true, 1, false,
                            "a number in (0, 1]", &f->fraction, err);
    return 0;
}

static int parse_link_degrade(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path,
                              sim_err *err)
{
    char         p[PATH_N], pi[PATH_N], b[FOUND_N], k[64];
    const cJSON *between = scn__field(n, "between"), *v;
    if (!between)
        return scn__missing(path, "between", err);
    scn__pjoin(p, path, "between");
    if (!cJSON_IsArray(between) || scn__count_children(between) != 2)
        return sim_err_set(err, SIM_EINVAL, p, "expected [regionA, regionB], got %s",
                           cJSON_IsArray(between) ? "an array of another length"
                                                  : scn__found(between, b));
    if (scn__get_region(s, between->child, scn__pindex(pi, p, 0), &f->region, err) < 0
        || scn__get_region(s, between->child->next, scn__pindex(pi, p, 1), &f->region_b, err) < 0)
        return SIM_EINVAL;
    if (f->region == f->region_b)
        return sim_err_set(err, SIM_EINVAL, p, "expected two different regions, got \"%s\" twice",
                           scn__clip(between->child->valuestring, k, sizeof k));
    bool latency = false, loss = false;
    if ((v = scn__field(n, "latency"))) {
        TRY(scn__parse_time_dist(v, scn__pjoin(pi, path, "latency"), &f->extra, err));
        f->has_extra = latency = true;
    }
    if ((v = scn__field(n, "loss"))) {
        if (scn__get_num(v, scn__pjoin(pi, path, "loss"), 0, false, 1, false, "a number in [0, 1]",
                         &f->loss, err)
            < 0)
            return SIM_EINVAL;
        loss = true;
    }
    if (!latency && !loss)
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected \"latency\" or \"loss\" (or both) in a link_degrade fault");
    return 0;
}

int scn__parse_fault(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path, sim_err *err)
{
    char p[PATH_N], k[64];
    if (scn__check_fields(n, path, F_FAULT, N_OF(F_FAULT), err) < 0)
        return SIM_EINVAL;
    const cJSON *v = scn__field(n, "kind");
    const char  *kind = NULL;
    if (!v)
        return scn__missing(path, "kind", err);
    if (scn__get_str(v, scn__pjoin(p, path, "kind"), false, &kind, err) < 0)
        return SIM_EINVAL;
    int ki = 0;
    while (ki < SCN_FAULT_KIND_COUNT && strcmp(kind, scn__fault_kinds[ki]) != 0)
        ki++;
    if (ki == SCN_FAULT_KIND_COUNT)
        return sim_err_set(err, SIM_EINVAL, p,
                           "unknown fault kind \"%s\"; expected one of region_down, partition, "
                           "link_degrade, brownout, clock_skew, failover, link_cut, client_cut, "
                           "zone_down, capacity, dns_down, health_down, flap",
                           scn__clip(kind, k, sizeof k));
    f->kind = (scn_fault_kind)ki;
    for (const cJSON *c = n->child; c; c = c->next)
        if (!fault_takes(f->kind, c->string))
            return sim_err_set(err, SIM_EINVAL, path, "field \"%s\" does not apply to a %s fault",
                               c->string, kind);

    if (!(v = scn__field(n, "at")))
        return scn__missing(path, "at", err);
    if (scn__get_dur(v, scn__pjoin(p, path, "at"), false, &f->at, err) < 0)
        return SIM_EINVAL;
    /* A fault that starts when the run is over does nothing but could be mistaken for one
     * that happened; it is refused, so every per-interval figure derived from a fault's
     * start (rto_s) indexes an interval the run has. */
    if (f->at >= s->duration) {
        char d[32];
        sim_time_format(s->duration, d, sizeof d);
        return sim_err_set(err, SIM_EINVAL, p,
                           "expected a time before the end of the run (duration \"%s\"), got "
                           "\"%s\"",
                           d, scn__clip(v->valuestring, k, sizeof k));
    }
    f->end = SIM_TIME_MAX;
    if ((v = scn__field(n, "for"))) {
        sim_time len;
        if (scn__get_pos_dur(v, scn__pjoin(p, path, "for"), &len, err) < 0)
            return SIM_EINVAL;
        f->end = sim_time_add_sat(f->at, len);
    }

    switch (f->kind) {
    case SCN_FAULT_REGION_DOWN:
    case SCN_FAULT_BROWNOUT:
    case SCN_FAULT_CLOCK_SKEW:
    case SCN_FAULT_CLIENT_CUT:
    case SCN_FAULT_ZONE_DOWN:
    case SCN_FAULT_CAPACITY:
    case SCN_FAULT_FLAP:
        if (!(v = scn__field(n, "region")))
            return scn__missing(path, "region", err);
        if (scn__get_region(s, v, scn__pjoin(p, path, "region"), &f->region, err) < 0)
            return SIM_EINVAL;
        break;
    default:
        break;
    }

    switch (f->kind) {
    case SCN_FAULT_REGION_DOWN:
        return 0;
    case SCN_FAULT_FAILOVER:
        f->region = UINT32_MAX;
        if ((v = scn__field(n, "to")))
            return scn__get_region(s, v, scn__pjoin(p, path, "to"), &f->region, err);
        return 0;
    case SCN_FAULT_PARTITION:
        return parse_partition(s, f, n, path, err);
    case SCN_FAULT_LINK_DEGRADE:
        return parse_link_degrade(s, f, n, path, err);
    case SCN_FAULT_LINK_CUT:
        return parse_link_cut(s, f, n, path, err);
    case SCN_FAULT_CLIENT_CUT:
        return parse_client_cut(s, f, n, path, err);
    case SCN_FAULT_ZONE_DOWN: {
        uint64_t u;
        if (!(v = scn__field(n, "zone")))
            return scn__missing(path, "zone", err);
        uint32_t zones = s->regions[f->region].zones; /* regions[].zones, default 1 */
        if (scn__get_uint(v, scn__pjoin(p, path, "zone"), 0, zones - 1, &u, err) < 0)
            return SIM_EINVAL;
        f->zone = (uint32_t)u;
        return 0;
    }
    case SCN_FAULT_HEALTH_DOWN:
        return 0;
    case SCN_FAULT_FLAP:
        if (!(v = scn__field(n, "period")))
            return scn__missing(path, "period", err);
        if (scn__get_pos_dur(v, scn__pjoin(p, path, "period"), &f->period, err) < 0)
            return SIM_EINVAL;
        if (!(v = scn__field(n, "down")))
            return scn__missing(path, "down", err);
        if (scn__get_pos_dur(v, scn__pjoin(p, path, "down"), &f->down_for, err) < 0)
            return SIM_EINVAL;
        if (f->down_for >= f->period)
            return sim_err_set(err, SIM_EINVAL, p,
                               "expected less than \"period\" (a region that never comes back "
                               "is a region_down), got \"%s\"",
                               scn__clip(v->valuestring, k, sizeof k));
        return 0;
    case SCN_FAULT_DNS_DOWN:
        if ((v = scn__field(n, "answers"))) {
            if (!cJSON_IsBool(v)) {
                char b[FOUND_N];
                return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, path, "answers"),
                                   "expected true or false, got %s", scn__found(v, b));
            }
            f->mute = cJSON_IsFalse(v);
        }
        return 0;
    case SCN_FAULT_CAPACITY: {
        uint64_t u;
        if (!(v = scn__field(n, "servers")))
            return scn__missing(path, "servers", err);
        if (scn__get_uint(v, scn__pjoin(p, path, "servers"), 0, 100000, &u, err) < 0)
            return SIM_EINVAL;
        f->servers = (uint32_t)u;
        return 0;
    }
    case SCN_FAULT_BROWNOUT:
        if (!(v = scn__field(n, "factor")))
            return scn__missing(path, "factor", err);
        return scn__get_num(v, scn__pjoin(p, path, "factor"), 1, false, INFINITY, false,
                            "a number >= 1", &f->factor, err);
    case SCN_FAULT_CLOCK_SKEW: {
        const cJSON *off = scn__field(n, "offset"), *drift = scn__field(n, "drift");
        if (!off && !drift)
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected \"offset\" or \"drift\" (or both) in a clock_skew fault");
        if (off && scn__get_dur(off, scn__pjoin(p, path, "offset"), true, &f->offset, err) < 0)
            return SIM_EINVAL;
        if (drift
            && scn__get_num(drift, scn__pjoin(p, path, "drift"), -1e6, false, 1e6, false,
                            "a drift in ppm in [-1000000, 1000000]", &f->drift_ppm, err)
                < 0)
            return SIM_EINVAL;
        return 0;
    }
    default:
        sim_panic("scn: fault kind %d not handled", (int)f->kind);
    }
}

/* Faults sorted by start time; equal starts keep file order (qsort is not stable, so the
 * key includes the file position). */
typedef struct {
    sim_time at;
    size_t   idx;
} fault_order;

static int fault_order_cmp(const void *pa, const void *pb)
{
    const fault_order *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

int scn__sort_faults(scn_scenario *s, sim_err *err)
{
    if (s->nfaults < 2)
        return 0;
    fault_order *order = sim_calloc(s->nfaults, sizeof *order);
    scn_fault   *sorted = sim_calloc(s->nfaults, sizeof *sorted);
    if (!order || !sorted) {
        sim_free(order);
        sim_free(sorted);
        return scn__no_memory(err);
    }
    for (size_t i = 0; i < s->nfaults; i++)
        order[i] = (fault_order){ s->faults[i].at, i };
    qsort(order, s->nfaults, sizeof *order, fault_order_cmp);
    for (size_t i = 0; i < s->nfaults; i++)
        sorted[i] = s->faults[order[i].idx]; /* moves ownership of group_of and extra */
    sim_free(s->faults);
    sim_free(order);
    s->faults = sorted;
    return 0;
}
