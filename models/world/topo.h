/* topo.h - the static geography of a scenario: where regions and clients are, the base
 * round-trip time between every pair of endpoints, and each client's regions by distance.
 *
 * Endpoints are numbered regions first (0 .. nregions-1), then clients (nregions + i), so one
 * small integer names any sender or receiver of a message.
 *
 * Round-trip times: client <-> region is always geographic; region <-> region follows
 * network.rtt ("geo", "measured" or the scenario's own pairs, with geo for pairs not listed).
 * Geographic RTT = base + 2 * great-circle distance / (200 km per ms) * route_factor: light
 * in fibre covers about 200 km per ms and fibre routes are longer than the great circle. */
#ifndef MRSIM_TOPO_H
#define MRSIM_TOPO_H

#include "scn.h"

#define TOPO_EARTH_RADIUS_KM 6371.0088 /* mean radius (IUGG) */
#define TOPO_FIBRE_KM_PER_MS 200.0

typedef struct topo topo; /* opaque */

/* Great-circle distance in km between two points given in degrees (haversine). */
double topo_distance_km(double lat1, double lon1, double lat2, double lon2);
/* The geographic RTT over a distance, with the scenario's base and route_factor. */
sim_time topo_geo_rtt(const scn_network *net, double km);

/* Build the geography of s, which must outlive the topo. 0 or SIM_ENOMEM. */
int  topo_new(const scn_scenario *s, topo **out, sim_err *err);
void topo_free(topo *t); /* NULL is a no-op */

uint32_t               topo_regions(const topo *t);
uint32_t               topo_endpoints(const topo *t); /* regions + clients */
static inline uint32_t topo_client_endpoint(const topo *t, uint32_t client)
{
    return topo_regions(t) + client;
}
/* Base round-trip time between two endpoints, ns (0 between an endpoint and itself). */
sim_time topo_rtt(const topo *t, uint32_t a, uint32_t b);
/* The k-th nearest region to a client (k = 0 is the nearest), by great-circle distance;
 * ties go to the lower region index. k is taken modulo the number of regions. */
uint32_t topo_client_region(const topo *t, uint32_t client, uint32_t k);
/* The name of an endpoint, for stream names and logs: a region's or a client's name. */
const char *topo_endpoint_name(const topo *t, uint32_t ep);

#endif
