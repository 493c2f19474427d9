/* residency.c - a bit per (key, region) remembers where data has already been seen, so that
 * a pair counts once among the violations; landings are counted every time. Keys of shared
 * key spaces and of populations no rule names are never outside, so the check costs one
 * owner lookup per landing, and nothing at all in scenarios without rules. */
#include "residency.h"

struct residency {
    const scn_scenario *scn;
    uint64_t           *seen; /* key * nregions + region; NULL without rules */
    residency_figures   f;
};

int residency_new(const scn_scenario *s, residency **out, sim_err *err)
{
    residency *r = sim_calloc(1, sizeof *r);
    if (!r)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the residency judge");
    r->scn = s;
    if (s->nresidency) {
        uint64_t bits = s->key_space * (uint64_t)s->nregions;
        r->seen = sim_calloc((size_t)(bits / 64 + 1), sizeof *r->seen);
        if (!r->seen) {
            sim_free(r);
            return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the residency judge");
        }
    }
    *out = r;
    return 0;
}

void residency_free(residency *r)
{
    if (!r)
        return;
    sim_free(r->seen);
    sim_free(r);
}

void residency_placed(residency *r, uint64_t key, uint32_t region)
{
    if (!r->seen || scn_key_allowed(r->scn, key, region))
        return;
    r->f.entries++;
    uint64_t bit = key * (uint64_t)r->scn->nregions + region;
    if (!(r->seen[bit / 64] >> (bit % 64) & 1)) {
        r->seen[bit / 64] |= UINT64_C(1) << (bit % 64);
        r->f.violations++;
    }
}

residency_figures residency_get(const residency *r) { return r->f; }
