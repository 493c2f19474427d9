/* rng.h - named random streams over GSL generators.
 *
 * Every component (a client population, a region's servers, a sender's network jitter) draws
 * from its own stream, seeded from (scenario seed, stable stream name). Adding a region or a
 * client therefore adds streams but never changes the numbers any other stream draws.
 *
 * The seed hash, fixed forever because results depend on it:
 *     h = FNV-1a 64 of the name's bytes (offset basis 0xcbf29ce484222325,
 *         prime 0x100000001b3)
 *     x = splitmix64(h ^ splitmix64(scenario_seed))
 * where splitmix64(z) is: z += 0x9e3779b97f4a7c15; z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9;
 * z = (z ^ z >> 27) * 0x94d049bb133111eb; return z ^ z >> 31.
 * The generator is GSL's taus2 (L'Ecuyer 1996, period 2^88, 24 bytes of state, so that
 * thousands of streams stay in cache), which takes 32 bits of seed: it is seeded with
 * (x ^ x >> 32) & 0xffffffff, and 0 is replaced by 1. */
#ifndef MRSIM_RNG_H
#define MRSIM_RNG_H

#include <gsl/gsl_rng.h>

#include "sim.h"

/* Exposed so the hot path can draw through an inline call; treat the field as private. */
typedef struct sim_rng {
    gsl_rng *gen; /* owned */
} sim_rng;

/* The 64-bit value described above (before folding to 32 bits). */
uint64_t sim_rng_seed_for(uint64_t scenario_seed, const char *name);

/* A new stream for (scenario_seed, name). Returns 0 or SIM_ENOMEM. */
int  sim_rng_new(uint64_t scenario_seed, const char *name, sim_rng **out);
void sim_rng_free(sim_rng *r); /* NULL is a no-op */

/* Uniform on [0, 1). */
static inline double sim_rng_uniform(sim_rng *r) { return gsl_rng_uniform(r->gen); }
/* Uniform on (0, 1): never 0, for logarithms. */
static inline double sim_rng_uniform_pos(sim_rng *r) { return gsl_rng_uniform_pos(r->gen); }
/* Uniform integer on [0, n); 1 <= n <= 2^32 - 1 (GSL's limit for a 32-bit generator). */
static inline uint64_t sim_rng_below(sim_rng *r, uint64_t n)
{
    return gsl_rng_uniform_int(r->gen, (unsigned long)n);
}
/* Exponential with the given mean (any unit), through gsl_ran_exponential. */
double sim_rng_exponential(sim_rng *r, double mean);
/* The GSL generator, for gsl_ran_* calls in the distribution code. Borrowed. */
static inline gsl_rng *sim_rng_gsl(sim_rng *r) { return r->gen; }

#endif
