/* scn-cost.c - the "cost" section: what servers, cross-region transfer and fixed items cost.
 *
 *     "cost": {"server_hour": 0.10, "transfer_gb": 0.02, "fixed_month": 500,
 *              "regions": {"ap-southeast-1": {"server_hour": 0.12, "transfer_gb": 0.09}},
 *              "pairs": [{"from": "us-east-1", "to": "eu-west-1", "transfer_gb": 0.01}]}
 *
 * Prices resolve from the general to the specific: the section's own price, then the
 * region's ("regions", keyed by region name; for transfer, the region the bytes leave, which
 * is how public clouds bill egress), then an ordered pair ("pairs"). The loader writes the
 * result into one price per region and one per ordered pair (scn_cost), so a run looks up
 * no names. One field name, transfer_gb, means the same at every level.
 *
 * Why a pair is one direction: cloud transfer prices depend on where the bytes leave, and
 * replication between a primary and its replicas is lopsided, so a symmetric pair would
 * hide the one direction that matters. A pair listed twice is an error, as any duplicate.
 *
 * Money is a plain number in whatever unit the file's author uses (USD in the docs); a
 * price is any finite number >= 0. */
#include "scn-int.h"

#include <math.h>
#include <string.h>

static const char *const F_COST[]
    = { "server_hour", "transfer_gb", "fixed_month", "regions", "pairs" };
static const char *const F_COST_REGION[] = { "server_hour", "transfer_gb" };
static const char *const F_COST_PAIR[] = { "from", "to", "transfer_gb" };

static int get_price(const cJSON *n, const char *path, double *out, sim_err *err)
{
    return scn__get_num(n, path, 0, false, INFINITY, false, "a non-negative number", out, err);
}

/* The price at 'key' of obj, if present, into *out; *out is left alone otherwise. */
static int opt_price(const cJSON *obj, const char *parent, const char *key, double *out,
                     sim_err *err)
{
    char         p[PATH_N];
    const cJSON *v = scn__field(obj, key);
    return v ? get_price(v, scn__pjoin(p, parent, key), out, err) : 0;
}

/* Set region r's transfer price to every other region. */
static void set_row(scn_cost *c, size_t nr, size_t r, double price)
{
    for (size_t to = 0; to < nr; to++)
        c->transfer_gb[r * nr + to] = to == r ? 0.0 : price;
}

/* "regions": {NAME: {"server_hour", "transfer_gb"}}: overrides of the defaults. */
static int parse_regions(scn_scenario *s, const cJSON *n, sim_err *err)
{
    char      p[PATH_N], b[FOUND_N], k[64];
    scn_cost *c = &s->cost;
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, "cost.regions",
                           "expected an object of region names, got %s", scn__found(n, b));
    for (const cJSON *r = n->child; r; r = r->next) {
        scn__pjoin(p, "cost.regions", r->string);
        int idx = scn_region_index(s, r->string);
        if (idx < 0)
            return scn__unknown_region(s, p, r->string, err);
        for (const cJSON *q = n->child; q != r; q = q->next)
            if (strcmp(q->string, r->string) == 0)
                return sim_err_set(err, SIM_EINVAL, "cost.regions", "duplicate field \"%s\"",
                                   scn__clip(r->string, k, sizeof k));
        TRY(scn__check_fields(r, p, F_COST_REGION, N_OF(F_COST_REGION), err));
        TRY(opt_price(r, p, "server_hour", &c->server_hour[idx], err));
        double price = NAN;
        TRY(opt_price(r, p, "transfer_gb", &price, err));
        if (!isnan(price))
            set_row(c, s->nregions, (size_t)idx, price);
    }
    return 0;
}

/* "pairs": [{"from", "to", "transfer_gb"}]: one direction each, every field required. */
static int parse_pairs(scn_scenario *s, const cJSON *n, sim_err *err)
{
    char   p[PATH_N], q[PATH_N];
    size_t count, nr = s->nregions;
    TRY(scn__get_array(n, "cost.pairs", "pair", "pairs", 0, SIZE_MAX, &count, err));
    /* Index + 1 of the entry that priced each ordered pair, for the duplicate message. */
    uint32_t seen[SCN_MAX_REGIONS][SCN_MAX_REGIONS] = { { 0 } };
    size_t   i = 0;
    for (const cJSON *e = n->child; e; e = e->next, i++) {
        scn__pindex(p, "cost.pairs", i);
        TRY(scn__check_fields(e, p, F_COST_PAIR, N_OF(F_COST_PAIR), err));
        uint32_t                 from, to;
        double                   price;
        static const char *const required[] = { "from", "to", "transfer_gb" };
        for (size_t f = 0; f < N_OF(required); f++)
            if (!scn__field(e, required[f]))
                return scn__missing(p, required[f], err);
        TRY(scn__get_region(s, scn__field(e, "from"), scn__pjoin(q, p, "from"), &from, err));
        TRY(scn__get_region(s, scn__field(e, "to"), scn__pjoin(q, p, "to"), &to, err));
        TRY(get_price(scn__field(e, "transfer_gb"), scn__pjoin(q, p, "transfer_gb"), &price, err));
        if (from == to)
            return sim_err_set(err, SIM_EINVAL, p,
                               "expected two different regions, got \"%s\" for both",
                               s->regions[from].name);
        if (seen[from][to])
            return sim_err_set(err, SIM_EINVAL, p,
                               "the pair %s -> %s is priced already by cost.pairs[%u]",
                               s->regions[from].name, s->regions[to].name, seen[from][to] - 1);
        seen[from][to] = (uint32_t)i + 1;
        s->cost.transfer_gb[(size_t)from * nr + to] = price;
    }
    return 0;
}

int scn__parse_cost(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_cost *c = &s->cost;
    size_t    nr = s->nregions;
    if (!n)
        return 0; /* no prices: the run reports no cost */
    TRY(scn__check_fields(n, "cost", F_COST, N_OF(F_COST), err));
    double server = 0, transfer = 0;
    TRY(opt_price(n, "cost", "server_hour", &server, err));
    TRY(opt_price(n, "cost", "transfer_gb", &transfer, err));
    TRY(opt_price(n, "cost", "fixed_month", &c->fixed_month, err));
    c->server_hour = sim_calloc(nr, sizeof *c->server_hour);
    c->transfer_gb = sim_calloc(nr * nr, sizeof *c->transfer_gb);
    if (!c->server_hour || !c->transfer_gb)
        return scn__no_memory(err);
    for (size_t r = 0; r < nr; r++) {
        c->server_hour[r] = server;
        set_row(c, nr, r, transfer);
    }
    const cJSON *v;
    if ((v = scn__field(n, "regions")))
        TRY(parse_regions(s, v, err));
    if ((v = scn__field(n, "pairs")))
        TRY(parse_pairs(s, v, err));
    c->enabled = true;
    return 0;
}
