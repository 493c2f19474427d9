/* topo.c - distances, the base RTT matrix and each client's regions ordered by distance.
 * Regions' round trips come from the scenario's mode (the formula over the great-circle
 * distance, a given table, or the measured table); a client's from the formula, except
 * under the measured table, where it is its last mile plus the table's round trip from its
 * nearest region (client_measured_rtt()).
 *
 * Everything is computed once at setup into flat arrays (endpoints x endpoints RTTs, clients
 * x regions orderings), so the hot path only indexes. With at most 64 regions and 256
 * clients the matrix is about 800 KB, so it is stored whole rather than per pair on demand. */
#include "topo.h"

#include <math.h>
#include <stdlib.h>

#include "rtt_measured.h"

struct topo {
    const scn_scenario *scn;
    uint32_t            nregions, nendpoints;
    sim_time           *rtt;   /* nendpoints x nendpoints, ns */
    uint32_t           *order; /* nclients x nregions, nearest first */
};

double topo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double       dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double       h = sin(dlat / 2) * sin(dlat / 2)
        + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    if (h > 1.0)
        h = 1.0; /* rounding near antipodes */
    return 2.0 * TOPO_EARTH_RADIUS_KM * asin(sqrt(h));
}

sim_time topo_geo_rtt(const scn_network *net, double km)
{
    double ms = 2.0 * km / TOPO_FIBRE_KM_PER_MS * net->route_factor;
    return net->base + sim_time_from_ns(ms * 1e6);
}

static void endpoint_location(const scn_scenario *s, uint32_t ep, double *lat, double *lon)
{
    if (ep < s->nregions) {
        *lat = s->regions[ep].lat;
        *lon = s->regions[ep].lon;
    } else {
        *lat = s->clients[ep - s->nregions].lat;
        *lon = s->clients[ep - s->nregions].lon;
    }
}

/* The RTT between two distinct regions under the scenario's rtt mode. */
static sim_time region_pair_rtt(const scn_scenario *s, uint32_t a, uint32_t b)
{
    const scn_network *net = &s->network;
    if (net->rtt_mode == SCN_RTT_TABLE) {
        for (size_t i = 0; i < net->npairs; i++) {
            const scn_rtt_pair *p = &net->pairs[i];
            if ((p->a == a && p->b == b) || (p->a == b && p->b == a))
                return p->rtt;
        }
    } else if (net->rtt_mode == SCN_RTT_MEASURED) {
        sim_time rtt;
        if (rtt_measured_find(s->regions[a].name, s->regions[b].name, &rtt))
            return rtt;
    }
    const scn_region *ra = &s->regions[a], *rb = &s->regions[b];
    return topo_geo_rtt(net, topo_distance_km(ra->lat, ra->lon, rb->lat, rb->lon));
}

/* A client's round trip to 'region' under "rtt": "measured": the table's (or, for a pair
 * it lacks, the formula's) round trip from the region nearest the client to the target,
 * plus the last mile, the formula's round trip over the client's distance to that nearest
 * region. The client's traffic enters the provider's backbone at its nearest region, as a
 * user's does at the nearest point of presence, so the inter-region part is what was
 * measured; only the access leg is modelled. Rejected: the formula over the whole distance
 * (the old rule), which ignored the table: a London client reached us-east-1 in a 90.8 ms
 * p50 read where the table's eu-west-1/us-east-1 round trip is 70 ms. Needs t->order. */
static sim_time client_measured_rtt(const topo *t, uint32_t client, uint32_t region)
{
    const scn_scenario *s = t->scn;
    uint32_t            near = t->order[(size_t)client * t->nregions];
    double              km = topo_distance_km(s->clients[client].lat, s->clients[client].lon,
                                              s->regions[near].lat, s->regions[near].lon);
    sim_time            last_mile = topo_geo_rtt(&s->network, km);
    return near == region ? last_mile : region_pair_rtt(s, near, region) + last_mile;
}

/* Sort key for a client's regions: distance, then index, so ties are deterministic. */
typedef struct {
    double   km;
    uint32_t region;
} by_distance;

static int by_distance_cmp(const void *pa, const void *pb)
{
    const by_distance *a = pa, *b = pb;
    if (a->km != b->km)
        return a->km < b->km ? -1 : 1;
    return a->region < b->region ? -1 : (a->region > b->region);
}

int topo_new(const scn_scenario *s, topo **out, sim_err *err)
{
    topo        *t = sim_calloc(1, sizeof *t);
    by_distance *tmp = NULL;
    if (!t)
        goto fail;
    t->scn = s;
    t->nregions = (uint32_t)s->nregions;
    t->nendpoints = (uint32_t)(s->nregions + s->nclients);
    t->rtt = sim_calloc((size_t)t->nendpoints * t->nendpoints, sizeof *t->rtt);
    t->order = sim_calloc(s->nclients * s->nregions, sizeof *t->order);
    tmp = sim_calloc(s->nregions, sizeof *tmp);
    if (!t->rtt || !t->order || !tmp)
        goto fail;

    for (size_t c = 0; c < s->nclients; c++) {
        for (uint32_t r = 0; r < t->nregions; r++) {
            tmp[r].km = topo_distance_km(s->clients[c].lat, s->clients[c].lon, s->regions[r].lat,
                                         s->regions[r].lon);
            tmp[r].region = r;
        }
        /* A client placed at a region by name belongs to that region even if another region
         * shares its coordinates. */
        if (s->clients[c].at_region >= 0)
            tmp[s->clients[c].at_region].km = -1.0;
        qsort(tmp, t->nregions, sizeof *tmp, by_distance_cmp);
        for (uint32_t k = 0; k < t->nregions; k++)
            t->order[c * t->nregions + k] = tmp[k].region;
    }
    for (uint32_t a = 0; a < t->nendpoints; a++) {
        for (uint32_t b = a + 1; b < t->nendpoints; b++) {
            sim_time rtt;
            if (a < t->nregions && b < t->nregions)
                rtt = region_pair_rtt(s, a, b);
            else if (a < t->nregions && s->network.rtt_mode == SCN_RTT_MEASURED)
                rtt = client_measured_rtt(t, b - t->nregions, a);
            else {
                double la, oa, lb, ob;
                endpoint_location(s, a, &la, &oa);
                endpoint_location(s, b, &lb, &ob);
                rtt = topo_geo_rtt(&s->network, topo_distance_km(la, oa, lb, ob));
            }
            t->rtt[(size_t)a * t->nendpoints + b] = rtt;
            t->rtt[(size_t)b * t->nendpoints + a] = rtt;
        }
    }
    sim_free(tmp);
    *out = t;
    return 0;
fail:
    sim_free(tmp);
    topo_free(t);
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the topology");
}

void topo_free(topo *t)
{
    if (!t)
        return;
    sim_free(t->rtt);
    sim_free(t->order);
    sim_free(t);
}

uint32_t topo_regions(const topo *t) { return t->nregions; }
uint32_t topo_endpoints(const topo *t) { return t->nendpoints; }

sim_time topo_rtt(const topo *t, uint32_t a, uint32_t b)
{
    return t->rtt[(size_t)a * t->nendpoints + b];
}

uint32_t topo_client_region(const topo *t, uint32_t client, uint32_t k)
{
    return t->order[(size_t)client * t->nregions + k % t->nregions];
}

const char *topo_endpoint_name(const topo *t, uint32_t ep)
{
    if (ep < t->nregions)
        return t->scn->regions[ep].name;
    return t->scn->clients[ep - t->nregions].name;
}
