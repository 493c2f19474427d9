/* world_fixture.h - scenarios built in code for the world's unit tests, so that the models
 * can be tested without the scenario parser. A fixture owns plain arrays sized for the few
 * regions and clients a test needs; nothing in it is heap-allocated, so there is nothing to
 * free. */
#ifndef MRSIM_WORLD_FIXTURE_H
#define MRSIM_WORLD_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "scn.h"

#define FIX_REGIONS 4
#define FIX_CLIENTS 4
#define FIX_FAULTS  4

typedef struct fixture {
    scn_scenario s;
    scn_region   regions[FIX_REGIONS];
    scn_client   clients[FIX_CLIENTS];
    scn_fault    faults[FIX_FAULTS];
    uint8_t      groups[FIX_FAULTS][FIX_REGIONS];
    char         names[FIX_REGIONS + FIX_CLIENTS][32];
} fixture;

static inline dist_spec fix_constant_ms(double ms)
{
    return (dist_spec){ .kind = DIST_CONSTANT, .value = ms * 1e6 };
}

static inline dist_spec fix_exponential_ms(double ms)
{
    return (dist_spec){ .kind = DIST_EXPONENTIAL, .mean = ms * 1e6 };
}

/* nregions regions "r0".. along the equator 10 degrees apart (about 1112 km), each with
 * 'servers' servers and constant 1 ms service; one client "c0" at region 0, 100 req/s, all
 * reads, timeout 1s, 2 retries, backoff 50ms; no network base, no jitter, a 10 s run; the
 * loader's monitor defaults (1s intervals, alerts at 60s lag and 5% errors). */
static inline void fixture_init(fixture *f, size_t nregions, uint32_t servers)
{
    memset(f, 0, sizeof *f);
    scn_scenario *s = &f->s;
    s->file = "fixture.json";
    s->name = "fixture";
    s->seed = 1;
    s->duration = 10 * SIM_S;
    s->regions = f->regions;
    s->nregions = nregions;
    for (size_t i = 0; i < nregions; i++) {
        snprintf(f->names[i], sizeof f->names[i], "r%zu", i);
        f->regions[i] = (scn_region){
            .name = f->names[i],
            .lat = 0,
            .lon = 10.0 * (double)i,
            .servers = servers,
            .service = { fix_constant_ms(1), fix_constant_ms(1) },
            .queue_limit = UINT32_MAX,
        };
    }
    s->network = (scn_network){ .rtt_mode = SCN_RTT_GEO, .base = 0, .route_factor = 1.5 };
    s->clients = f->clients;
    s->nclients = 1;
    for (size_t i = 0; i < FIX_CLIENTS; i++) {
        snprintf(f->names[FIX_REGIONS + i], sizeof f->names[0], "c%zu", i);
        f->clients[i] = (scn_client){
            .name = f->names[FIX_REGIONS + i],
            .lat = 0,
            .lon = 0,
            .at_region = 0,
            .rate = 100,
            .read_ratio = 1.0,
            .key_count = 1000,
            .key_s = 1.0,
            .sessions = 100,
            .timeout = SIM_S,
            .retries = 2,
            .backoff = 50 * SIM_MS,
            .diurnal_period = 24 * SIM_HOUR,
            .field_mask = 1,
        };
    }
    s->faults = f->faults;
    s->nfaults = 0;
    s->data = (scn_data){ .fields = 1, .value_bytes = 1024, .drain = 10 * SIM_MIN };
    s->monitor
        = (scn_monitor){ .interval = SIM_S, .alert_lag = 60 * SIM_S, .alert_error_rate = 0.05 };
    /* The loader's defaults for the sections a fixture leaves out: health checking and DNS
     * off but with their settings (a failover controller turns both on), the controller's. */
    s->health = (scn_health){ .interval = 10 * SIM_S,
                              .timeout = 2 * SIM_S,
                              .unhealthy_after = 3,
                              .healthy_after = 2,
                              .checkers = (UINT64_C(1) << nregions) - 1 };
    s->dns = (scn_dns){ .primary = -1,
                        .ttl = 60 * SIM_S,
                        .stale_for = 10 * SIM_MIN,
                        .w_distance = 1,
                        .w_latency = 1,
                        .w_reliability = 1 };
    s->failover = (scn_failover){ .automatic = true,
                                  .check_every = 30 * SIM_S,
                                  .controller = -1,
                                  .step_timeout = 5 * SIM_S,
                                  .cooldown = 5 * SIM_MIN };
}

/* Append a fault; returns it for the caller to fill in kind-specific fields. */
static inline scn_fault *fixture_fault(fixture *f, scn_fault_kind kind, sim_time at, sim_time end)
{
    scn_fault *sf = &f->faults[f->s.nfaults];
    *sf = (scn_fault){ .kind = kind, .at = at, .end = end, .factor = 1.0 };
    sf->group_of = f->groups[f->s.nfaults];
    f->s.nfaults++;
    return sf;
}

/* A pattern of this kind with the loader's defaults (scenarios/README.md, "Patterns"), for
 * tests that build patterns in code: async replication unless independent (batch 50ms,
 * max_batch 500, resend 1s, quorum 1), lww, wall clocks, ryw_window 5s; read-local gets
 * primary region 0 and its cache, active-passive primary region 0. A test that switches to sync sets the quorum too. */
static inline void fixture_pattern(scn_pattern *p, scn_pattern_kind kind)
{
    *p = scn_pattern_independent();
    p->name = (char *)scn_pattern_kind_name(kind);
    p->kind = kind;
    if (kind != SCN_PATTERN_INDEPENDENT)
        p->replication.mode = SCN_REPL_ASYNC;
    if (kind == SCN_PATTERN_READ_LOCAL) {
        p->primary = 0;
        p->cache.enabled = true;
    }
    if (kind == SCN_PATTERN_ACTIVE_PASSIVE)
        p->primary = 0;
}

#endif
