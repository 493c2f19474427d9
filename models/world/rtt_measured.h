/* rtt_measured.h - a shipped table of measured round-trip times between cloud regions.
 *
 * A scenario with "network": {"rtt": "measured"} takes the RTT between two regions from this
 * table when both names are in it (pairs it lacks fall back to the geo formula; the caller
 * does that). The table holds one median RTT per unordered pair of AWS regions, from one
 * public cloudping.co snapshot; the source and how it was reduced are in rtt_measured.c and
 * scenarios/README.md. Lookups are by exact region code ("us-east-1") and order-insensitive.
 *
 * The same table gives an approximate location (the metro area of the region) for each
 * region it knows, so that a scenario may leave out "location" for a known cloud region. */
#ifndef MRSIM_RTT_MEASURED_H
#define MRSIM_RTT_MEASURED_H

#include <stdbool.h>
#include <stddef.h>

#include "sim.h"

/* The measured median round trip between regions a and b, in either order. Returns false
 * (and leaves *rtt alone) when either name is unknown or a and b are the same region. */
bool rtt_measured_find(const char *a, const char *b, sim_time *rtt);

/* The approximate location of a known region, in degrees. Returns false (and leaves the
 * outputs alone) for an unknown name. */
bool rtt_measured_location(const char *region, double *lat, double *lon);

/* The regions in the table, for listings and tests: 0 .. rtt_measured_count()-1, in
 * alphabetical order; NULL when i is out of range. */
size_t      rtt_measured_count(void);
const char *rtt_measured_region(size_t i);

#endif
