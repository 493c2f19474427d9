/* bench-phold.c - single-process PHOLD: LPS logical processes each start with POP events;
 * an event on an LP schedules one new event on a uniformly random LP at now + 1 us +
 * Exp(1 ms), drawing both numbers from the LP's own stream ("lp/<i>"). Usage:
 * bench-phold [LPS [POP [EVENTS]]] (defaults 1024 16 10000000). Prints one line of JSON.
 * Only the run is timed; setup is not. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"
#include "engine.h"
#include "rng.h"

typedef struct lp {
    sim_rng *rng;      /* the LP's stream */
    uint64_t received; /* events run on this LP */
} lp;

typedef struct phold {
    lp      *lps;
    uint64_t nlps;
    uint64_t events; /* events to run */
    uint64_t done;   /* events run */
} phold;

static sim_time draw_delay(sim_rng *r)
{
    return SIM_US + sim_time_from_ns(sim_rng_exponential(r, 1e6));
}

static void phold_event(sim_engine *e, void *ctx, uint64_t arg)
{
    phold *p = ctx;
    lp    *self = &p->lps[arg];
    self->received++;
    uint64_t dest = sim_rng_below(self->rng, p->nlps);
    sim_after(e, draw_delay(self->rng), phold_event, p, dest);
    if (++p->done == p->events)
        sim_engine_stop(e);
}

int main(int argc, char **argv)
{
    if (argc > 4) {
        fprintf(stderr, "usage: bench-phold [LPS [POP [EVENTS]]]\n");
        return 2;
    }
    phold p = {
        .nlps = argc > 1 ? bench_count("bench-phold", argv[1], "LPS") : 1024,
        .events = argc > 3 ? bench_count("bench-phold", argv[3], "EVENTS") : 10000000,
    };
    uint64_t pop = argc > 2 ? bench_count("bench-phold", argv[2], "POP") : 16;
    if (p.nlps > UINT32_MAX) {
        fprintf(stderr, "bench-phold: LPS: expected at most %" PRIu32 ", got %" PRIu64 "\n",
                UINT32_MAX, p.nlps);
        return 2;
    }
    sim_engine *e;
    p.lps = calloc(p.nlps, sizeof *p.lps);
    if (p.lps == NULL || sim_engine_new(&e) != 0) {
        fprintf(stderr, "bench-phold: out of memory\n");
        return 1;
    }
    for (uint64_t i = 0; i < p.nlps; i++) {
        char name[32];
        snprintf(name, sizeof name, "lp/%" PRIu64, i);
        if (sim_rng_new(1, name, &p.lps[i].rng) != 0) {
            fprintf(stderr, "bench-phold: out of memory\n");
            return 1;
        }
        for (uint64_t k = 0; k < pop; k++)
            sim_after(e, draw_delay(p.lps[i].rng), phold_event, &p, i);
    }

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sim_engine_run(e, SIM_TIME_MAX);
    double secs = bench_seconds_since(&t0);

    printf("{\"bench\": \"phold\", \"lps\": %" PRIu64 ", \"pop\": %" PRIu64 ", \"events\": %" PRIu64
           ", \"seconds\": %.3f, \"events_per_s\": %.0f, \"peak_rss_kb\": %ld}\n",
           p.nlps, pop, sim_engine_executed(e), secs, (double)sim_engine_executed(e) / secs,
           bench_peak_rss_kb());
    for (uint64_t i = 0; i < p.nlps; i++)
        sim_rng_free(p.lps[i].rng);
    free(p.lps);
    sim_engine_free(e);
    return 0;
}
