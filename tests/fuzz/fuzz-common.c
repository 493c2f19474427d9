/* fuzz-common.c - the scenario caps shared by the harnesses that run scenarios (fuzz.h). */
#include "fuzz.h"

#define CAP_DURATION (2 * SIM_S)
#define CAP_RATE     2000.0 /* requests per second, all clients together */

void fuzz_cap_scenario(scn_scenario *s)
{
    if (s->duration > CAP_DURATION)
        s->duration = CAP_DURATION;
    if (s->warmup >= s->duration)
        s->warmup = s->duration / 2;
    double total = 0;
    for (size_t i = 0; i < s->nclients; i++) {
        scn_client *c = &s->clients[i];
        double      peak = c->rate;
        for (size_t k = 0; k < c->nsteps; k++)
            peak = peak > c->steps[k].rate ? peak : c->steps[k].rate;
        total += peak * (1 + c->diurnal_amplitude);
        if (c->sessions > 1000)
            c->sessions = 1000;
        if (c->key_count > 100000)
            c->key_count = 100000;
    }
    if (total > CAP_RATE) {
        double f = CAP_RATE / total;
        for (size_t i = 0; i < s->nclients; i++) {
            s->clients[i].rate *= f;
            for (size_t k = 0; k < s->clients[i].nsteps; k++)
                s->clients[i].steps[k].rate *= f;
        }
    }
    for (size_t i = 0; i < s->npatterns; i++)
        if (s->patterns[i].cache.size > 10000)
            s->patterns[i].cache.size = 10000;
    for (size_t i = 0; i < s->nregions; i++)
        if (s->regions[i].servers > 256) /* per-server state: 100000 costs a lot per run */
            s->regions[i].servers = 256;
    if (s->data.drain > SIM_S)
        s->data.drain = SIM_S;
    if (s->health.interval < 10 * SIM_MS) {
        s->health.interval = 10 * SIM_MS;
        if (s->health.timeout > s->health.interval)
            s->health.timeout = s->health.interval;
    }
    if (s->monitor.interval < 10 * SIM_MS)
        s->monitor.interval = 10 * SIM_MS;
}
