/* bench-hold.c - the classic hold model: the queue holds N events at Exp(1 ms) times; each
 * step pops the earliest and schedules one new event at now + Exp(1 ms), so the queue size
 * stays N. Usage: bench-hold [N [STEPS]] (defaults 100000 10000000). Prints one line of JSON.
 * Only the run is timed; setup (filling the queue) is not. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"
#include "engine.h"
#include "rng.h"

typedef struct hold {
    sim_rng *rng;   /* the one stream, "hold" */
    uint64_t steps; /* events to run */
    uint64_t done;  /* events run */
} hold;

static sim_time draw_delay(sim_rng *r)
{
    return sim_time_from_ns(sim_rng_exponential(r, 1e6)); /* Exp(1 ms), in ns */
}

static void hold_event(sim_engine *e, void *ctx, uint64_t arg)
{
    hold *h = ctx;
    sim_after(e, draw_delay(h->rng), hold_event, h, arg);
    if (++h->done == h->steps)
        sim_engine_stop(e);
}

int main(int argc, char **argv)
{
    if (argc > 3) {
        fprintf(stderr, "usage: bench-hold [N [STEPS]]\n");
        return 2;
    }
    uint64_t    n = argc > 1 ? bench_count("bench-hold", argv[1], "N") : 100000;
    hold        h = { .steps = argc > 2 ? bench_count("bench-hold", argv[2], "STEPS") : 10000000 };
    sim_engine *e;
    if (sim_engine_new(&e) != 0 || sim_rng_new(1, "hold", &h.rng) != 0) {
        fprintf(stderr, "bench-hold: out of memory\n");
        return 1;
    }
    for (uint64_t i = 0; i < n; i++)
        sim_after(e, draw_delay(h.rng), hold_event, &h, i);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sim_engine_run(e, SIM_TIME_MAX);
    double secs = bench_seconds_since(&t0);

    printf("{\"bench\": \"hold\", \"n\": %" PRIu64 ", \"events\": %" PRIu64
           ", \"seconds\": %.3f, \"events_per_s\": %.0f, \"peak_rss_kb\": %ld}\n",
           n, sim_engine_executed(e), secs, (double)sim_engine_executed(e) / secs,
           bench_peak_rss_kb());
    sim_rng_free(h.rng);
    sim_engine_free(e);
    return 0;
}
