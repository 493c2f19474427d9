/* scn-residency.c - who owns the data: key spaces, homes and residency rules.
 *
 * Key spaces. Populations with keys.space "shared" (the default) draw from one key space,
 * keys 0 .. n - 1, where n is the largest of their key counts. Each population with "own"
 * gets a range of its own after the shared keys, in client order, so that no two
 * populations ever write the same key. The ranges are resolved here, once, so the models
 * see plain numbers (key_base) and never a name.
 *
 * Homes. An owned key lives at its owner's home: clients[].home, or else the region nearest
 * the population by great-circle distance (ties: the earlier region in the file). The
 * loader uses great-circle distance rather than the network's RTT mode because a home is
 * where the data is put, a deployment decision taken from a map, not from a measurement.
 *
 * Residency. "residency" is a list of rules {"clients": [names], "regions": [names]}: the
 * data of those populations may live only in those regions. A rule can only bind owned
 * keys: a shared key is written by every population, so it has no single owner whose rule
 * could apply, and the loader says so rather than guessing. A population named by two rules
 * is refused for the same reason, and so is a home outside the allowed regions. */
#include "scn-int.h"

#include <math.h>
#include <string.h>

static const char *const F_RULE[] = { "clients", "regions" };

static double km_between(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, rad = 3.14159265358979323846 / 180;
    double       dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double       a = sin(dlat / 2) * sin(dlat / 2)
        + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

static uint32_t nearest_region(const scn_scenario *s, const scn_client *c)
{
    if (c->at_region >= 0)
        return (uint32_t)c->at_region;
    uint32_t best = 0;
    double   best_km = INFINITY;
    for (uint32_t r = 0; r < s->nregions; r++) {
        double km = km_between(c->lat, c->lon, s->regions[r].lat, s->regions[r].lon);
        if (km < best_km) { /* strict: the earlier region wins a tie */
            best_km = km;
            best = r;
        }
    }
    return best;
}

static int parse_rule(scn_scenario *s, size_t idx, const cJSON *n, const char *path, sim_err *err)
{
    char   p[PATH_N], pp[PATH_N], k[64];
    size_t count;
    TRY(scn__check_fields(n, path, F_RULE, N_OF(F_RULE), err));
    const cJSON *regions = scn__field(n, "regions"), *clients = scn__field(n, "clients");
    if (!clients)
        return scn__missing(path, "clients", err);
    if (!regions)
        return scn__missing(path, "regions", err);
    scn__pjoin(p, path, "regions");
    TRY(scn__get_array(regions, p, "region name", "region names", 1, SCN_MAX_REGIONS, &count, err));
    uint64_t allowed = 0;
    size_t   i = 0;
    for (const cJSON *r = regions->child; r; r = r->next, i++) {
        uint32_t ri = 0;
        TRY(scn__get_region(s, r, scn__pindex(pp, p, i), &ri, err));
        allowed |= UINT64_C(1) << ri;
    }
    s->residency[idx].regions = allowed;
    scn__pjoin(p, path, "clients");
    TRY(scn__get_array(clients, p, "client name", "client names", 1, SCN_MAX_CLIENTS, &count, err));
    i = 0;
    for (const cJSON *c = clients->child; c; c = c->next, i++) {
        scn__pindex(pp, p, i);
        if (!cJSON_IsString(c)) {
            char b[FOUND_N];
            return sim_err_set(err, SIM_EINVAL, pp, "expected a client name, got %s",
                               scn__found(c, b));
        }
        size_t ci = 0;
        while (ci < s->nclients && strcmp(s->clients[ci].name, c->valuestring) != 0)
            ci++;
        if (ci == s->nclients)
            return sim_err_set(err, SIM_EINVAL, pp, "unknown client \"%s\"",
                               scn__clip(c->valuestring, k, sizeof k));
        scn_client *cl = &s->clients[ci];
        if (!cl->keys_own)
            return sim_err_set(err, SIM_EINVAL, pp,
                               "client \"%s\" shares its keys with every population: a "
                               "residency rule needs \"keys\": {\"space\": \"own\"}",
                               scn__clip(cl->name, k, sizeof k));
        if (cl->residency_rule >= 0)
            return sim_err_set(err, SIM_EINVAL, pp,
                               "client \"%s\" is already bound by residency[%d]",
                               scn__clip(cl->name, k, sizeof k), (int)cl->residency_rule);
        cl->residency_rule = (int32_t)idx;
        cl->allowed = allowed;
        if (!(allowed >> cl->home & 1))
            return sim_err_set(err, SIM_EINVAL, pp,
                               "client \"%s\" has its home in %s, which the rule does not allow",
                               scn__clip(cl->name, k, sizeof k), s->regions[cl->home].name);
        if (cl->secondary >= 0 && !(allowed >> cl->secondary & 1))
            return sim_err_set(err, SIM_EINVAL, pp,
                               "client \"%s\" has its secondary home in %s, which the rule does "
                               "not allow",
                               scn__clip(cl->name, k, sizeof k), s->regions[cl->secondary].name);
    }
    return 0;
}

int scn__parse_residency(scn_scenario *s, const cJSON *n, sim_err *err)
{
    uint64_t all = s->nregions >= 64 ? UINT64_MAX : (UINT64_C(1) << s->nregions) - 1;
    uint64_t shared = 0;
    for (size_t i = 0; i < s->nclients; i++)
        if (!s->clients[i].keys_own && s->clients[i].key_count > shared)
            shared = s->clients[i].key_count;
    uint64_t next = shared;
    for (size_t i = 0; i < s->nclients; i++) {
        scn_client *c = &s->clients[i];
        c->allowed = all;
        c->residency_rule = -1;
        if (!c->keys_own) {
            c->key_base = 0;
            c->home = -1;
            continue;
        }
        c->key_base = next;
        next += c->key_count;
        if (c->home < 0)
            c->home = (int32_t)nearest_region(s, c);
        if (c->secondary == c->home) {
            char pc[PATH_N], p[PATH_N];
            return sim_err_set(
                err, SIM_EINVAL, scn__pjoin(p, scn__pindex(pc, "clients", i), "secondary"),
                "expected a region other than the home (%s)", s->regions[c->home].name);
        }
    }
    s->key_space = next ? next : 1;
    if (!n)
        return 0;
    char   p[PATH_N];
    size_t count;
    TRY(scn__get_array(n, "residency", "rule", "rules", 0, SCN_MAX_CLIENTS, &count, err));
    if (count && !(s->residency = sim_calloc(count, sizeof *s->residency)))
        return scn__no_memory(err);
    s->nresidency = count;
    size_t i = 0;
    for (const cJSON *r = n->child; r; r = r->next, i++)
        TRY(parse_rule(s, i, r, scn__pindex(p, "residency", i), err));
    return 0;
}

int32_t scn_key_owner(const scn_scenario *s, uint64_t key)
{
    /* Own ranges are ascending in client order; clients are few (<= SCN_MAX_CLIENTS). */
    for (size_t i = 0; i < s->nclients; i++) {
        const scn_client *c = &s->clients[i];
        if (c->keys_own && key >= c->key_base && key - c->key_base < c->key_count)
            return (int32_t)i;
    }
    return -1;
}

bool scn_key_allowed(const scn_scenario *s, uint64_t key, uint32_t region)
{
    int32_t owner = scn_key_owner(s, key);
    return owner < 0 || (s->clients[owner].allowed >> region & 1);
}
