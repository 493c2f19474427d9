/* visibility.c - two counters per window; the windows are few and fixed, so a read is placed
 * by a linear scan from the top. */
#include "visibility.h"

#include <math.h>

static const double points_ms[VISIBILITY_POINTS] = { 0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
#define LAST_END_MS 2000.0

struct visibility {
    uint64_t reads[VISIBILITY_POINTS];
    uint64_t fresh[VISIBILITY_POINTS];
};

int visibility_new(visibility **out)
{
    *out = sim_calloc(1, sizeof **out);
    return *out ? 0 : SIM_ENOMEM;
}

void visibility_free(visibility *v) { sim_free(v); }

double visibility_t_ms(size_t i) { return points_ms[i]; }

void visibility_record(visibility *v, sim_time age, bool fresh)
{
    /* Compared in integer ns: the window edges are whole milliseconds. */
    if (age < 0 || age >= (sim_time)LAST_END_MS * SIM_MS)
        return;
    size_t i = VISIBILITY_POINTS - 1;
    while (age < (sim_time)points_ms[i] * SIM_MS)
        i--;
    v->reads[i]++;
    v->fresh[i] += fresh;
}

void visibility_curve(const visibility *v, visibility_point *out)
{
    for (size_t i = 0; i < VISIBILITY_POINTS; i++)
        out[i] = (visibility_point){
            .t_ms = points_ms[i],
            .reads = v->reads[i],
            .p_fresh = v->reads[i] ? (double)v->fresh[i] / (double)v->reads[i] : NAN,
        };
}
