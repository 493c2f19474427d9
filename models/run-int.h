/* run-int.h - private to one run (run.c builds the world and drives it; run-metrics.c
 * turns what it measured into the run_result's metrics and series): the world both see. */
#ifndef MRSIM_RUN_INT_H
#define MRSIM_RUN_INT_H

#include "run.h"

#include "clock.h"
#include "cost.h"
#include "dp.h"
#include "dr.h"
#include "env-world.h"
#include "engine.h"
#include "failwatch.h"
#include "fault.h"
#include "health.h"
#include "mon.h"
#include "net.h"
#include "oracle.h"
#include "region.h"
#include "repl.h"
#include "residency.h"
#include "visibility.h"
#include "route.h"
#include "store.h"
#include "topo.h"
#include "wl.h"

/* Counts of the requests that ended in one (region, operation). */
typedef struct cell {
    uint64_t   requests, ok, timeouts, rejected, failed, no_region;
    stat_hist *latency; /* ok requests, ns */
} cell;

typedef struct world {
    const scn_scenario *scn;
    const scn_pattern  *pat;
    sim_engine         *engine;
    topo               *topo;
    net                *net;
    env                *env;
    region            **regions;
    store             **stores;
    clock_state        *clocks;
    uint8_t            *rank; /* alphabetical rank of each region's name */
    oracle             *oracle;
    residency          *residency; /* where owned data landed */
    wl                 *wl;
    dp                 *dp;
    repl               *repl;
    ll                 *ll;          /* the leaderless pattern's coordinators, or NULL */
    geo                *geo;         /* the geo-partitioned routing, or NULL */
    visibility         *vis;         /* the t-visibility curve */
    health             *health;      /* NULL without routing.health */
    route              *route;       /* NULL without DNS routing */
    uint32_t           *geo_nearest; /* the DNS service's view of its clients (route_geo) */
    sim_time           *geo_rtt;
    scn_owner           owners[SCN_MAX_CLIENTS]; /* who owns the data (scn_ownership) */
    mon                *mon;
    dr                 *dr;        /* NULL: no failover controller */
    failwatch          *failwatch; /* with dr */
    fault_timeline     *faults;
    double              detect_sum_s;   /* region_down faults the health view caught: */
    uint64_t            detected;       /* ... total and count of their delays */
    uint64_t            false_downs;    /* view flips to unhealthy of a region up */
    bool               *fault_detected; /* per fault */
    cell               *cells;          /* nregions x SCN_OP_COUNT */
    cell               *client_cells;   /* nclients x SCN_OP_COUNT: by the requests'
                                                 client population, for by_client */
    uint64_t           *client_reads;   /* per client: measured ok reads, ... */
    uint64_t           *client_stale;   /* ... of them stale, ... */
    uint64_t           *client_ryw;     /* ... and read-your-writes violations */
    uint64_t            ryw_seen;       /* the oracle's RYW count at the last outcome */
    uint32_t           *by_client;      /* per client, per monitor interval (by the
                                                 time requests end): requests, ok */
    size_t              nslots;         /* intervals per client */
    run_result         *result;
    size_t              log_cap;
    sim_err            *err;
    const run_options  *opts;
    sim_time            progress_every;
    uint64_t            progress_ticks; /* engine events spent on progress reports */
} world;

/* The metrics (whole run, per operation, per region) and the monitor's series of a finished
 * run into w->result. 0 or SIM_ENOMEM. */
int run__build_metrics(world *w);
int run__build_series(world *w);

#endif
