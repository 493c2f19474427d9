/* visibility.h - the t-visibility curve: how soon a write becomes visible to reads.
 *
 * For every measured successful read the oracle knows the newest write of the key that had
 * been acknowledged before the read was issued, and whether the read returned it (or
 * something newer). The read's age is t = issued - that write's acknowledgement. Reads are
 * counted in windows [t_i, t_{i+1}) over the fixed points t = 0, 1, 2, 5, 10, 20, 50, 100,
 * 200, 500 and 1000 ms (the last window is [1000 ms, 2000 ms)); p_fresh is the share of
 * a window's reads that returned the write. Reads of keys with no acknowledged write, and
 * reads older than 2 s, are not counted. This is the PBS paper's t-visibility (Bailis et al.,
 * VLDB 2012), measured rather than modelled, averaged over each window. */
#ifndef MRSIM_VISIBILITY_H
#define MRSIM_VISIBILITY_H

#include "sim.h"

#define VISIBILITY_POINTS 11

typedef struct visibility visibility; /* opaque */

typedef struct visibility_point {
    double   t_ms;    /* the window's start */
    uint64_t reads;   /* reads whose age fell in the window */
    double   p_fresh; /* share of them that returned the write; NaN without reads */
} visibility_point;

int  visibility_new(visibility **out); /* 0 or SIM_ENOMEM */
void visibility_free(visibility *v);   /* NULL is a no-op */
/* A read 'age' ns after the acknowledgement of the newest write it should see; fresh: it
 * returned that write or a newer one. Negative ages and ages past the last window are
 * ignored. */
void visibility_record(visibility *v, sim_time age, bool fresh);
/* The curve: out has VISIBILITY_POINTS entries. */
void visibility_curve(const visibility *v, visibility_point *out);
/* The window start of point i, ms (0 <= i < VISIBILITY_POINTS). */
double visibility_t_ms(size_t i);

#endif
