/* residency.h - the residency judge: where each population's data actually went.
 *
 * The code under test tells the observers every place a key's data lands: a write committed
 * at a region, a replicated entry applied at a region, a record put in a region's cache.
 * Against the scenario's residency rules (scn.h, scn_key_allowed) this counts
 *   violations   distinct (key, region) pairs where a key's data was placed outside the
 *                regions its owner's rule allows (a pair counts once, however often);
 *   entries      every such landing (each commit, applied entry or cache fill outside).
 * Every landing counts, in warm-up and drain too: data that left its jurisdiction once has
 * left it, whenever it happened.
 *
 * Memory: one bit per (key, region) when the scenario has residency rules, nothing
 * otherwise. */
#ifndef MRSIM_RESIDENCY_H
#define MRSIM_RESIDENCY_H

#include "scn.h"

typedef struct residency residency; /* opaque */

typedef struct residency_figures {
    uint64_t violations; /* distinct (key, region) placements outside */
    uint64_t entries;    /* landings outside, counted each time */
} residency_figures;

/* A judge for s, which must outlive it. 0 or SIM_ENOMEM. */
int  residency_new(const scn_scenario *s, residency **out, sim_err *err);
void residency_free(residency *r); /* NULL is a no-op */

/* key's data landed at region (committed, applied or cached there). */
void residency_placed(residency *r, uint64_t key, uint32_t region);

residency_figures residency_get(const residency *r);

#endif
