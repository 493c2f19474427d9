/* rng.c - named random streams: the seed hash and the GSL generator behind each stream.
 *
 * A stream's seed depends only on (scenario seed, stream name), through the hash fixed in
 * rng.h: FNV-1a over the name, mixed with the scenario seed by splitmix64. Both are tiny,
 * portable and well understood; a cryptographic hash would add a dependency and buy nothing,
 * since the seeds need to be well spread, not secret. The 64-bit result is folded to the 32
 * bits the generator takes by xoring the halves, so no bit of the hash is simply thrown away.
 *
 * The generator is GSL's taus2 (L'Ecuyer's maximally equidistributed combined Tausworthe
 * generator, period 2^88). mt19937 was the first choice; its 2.5 KB of state per stream
 * made a simulation with a thousand streams (PHOLD, or a large scenario's clients, regions
 * and senders) spend most of each event in cache misses on generator state: PHOLD 1024 x 16
 * ran at 9.2 M events/s with mt19937 and 13.7 M with taus2, whose state is 24 bytes.
 * It is allocated by gsl_rng_alloc() (plain malloc, outside the
 * sim_malloc fault hook). GSL reports a failed allocation through its error handler, whose
 * default aborts; we switch the handler off for that one call so that out of memory comes
 * back as SIM_ENOMEM, and restore whatever handler the program had set. */
#include "rng.h"

#include <assert.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#define FNV_OFFSET_BASIS UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME        UINT64_C(0x100000001b3)

static uint64_t splitmix64(uint64_t z)
{
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t sim_rng_seed_for(uint64_t scenario_seed, const char *name)
{
    assert(name);
    uint64_t h = FNV_OFFSET_BASIS;
    /* Bytes as unsigned char: a signed char would sign-extend names with UTF-8 in them and
     * make the hash depend on the platform's char signedness. */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= FNV_PRIME;
    }
    return splitmix64(h ^ splitmix64(scenario_seed));
}

int sim_rng_new(uint64_t scenario_seed, const char *name, sim_rng **out)
{
    *out = NULL;
    uint64_t      x = sim_rng_seed_for(scenario_seed, name);
    unsigned long seed = (unsigned long)((x ^ (x >> 32)) & UINT64_C(0xffffffff));
    if (seed == 0)
        seed = 1; /* taus2 maps 0 to 1 itself; say so here too */

    sim_rng *r = sim_malloc(sizeof *r);
    if (!r)
        return SIM_ENOMEM;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    r->gen = gsl_rng_alloc(gsl_rng_taus2);
    gsl_set_error_handler(old);
    if (!r->gen) {
        sim_free(r);
        return SIM_ENOMEM;
    }
    gsl_rng_set(r->gen, seed);
    *out = r;
    return 0;
}

void sim_rng_free(sim_rng *r)
{
    if (!r)
        return;
    gsl_rng_free(r->gen);
    sim_free(r);
}

double sim_rng_exponential(sim_rng *r, double mean) { return gsl_ran_exponential(r->gen, mean); }
