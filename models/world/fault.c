/* fault.c - fault start/end events and the recomputation of the world's faulty state.
 *
 * Recomputing everything from the active set at each transition costs O(faults x regions^2)
 * at most, a few times per run, and makes overlapping faults correct by construction; the
 * alternative, undoing each fault's own change, breaks as soon as two faults touch the same
 * region or link. */
#include "fault.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dist.h"

struct fault_timeline {
    sim_engine         *e;
    const scn_scenario *scn;
    net                *net;
    region *const      *regions;
    clock_state        *clocks; /* may be NULL */
    bool                healed; /* fault_timeline_heal() was called */
    fault_log_fn       *log;
    void               *log_ctx;
    fault_command_fn   *command; /* may be NULL */
    void               *command_ctx;
    fault_watch_fn     *watch; /* may be NULL */
    void               *watch_ctx;
    fault_cut_fn       *client_cut; /* may be NULL */
    void               *client_cut_ctx;
    fault_control_fn   *control; /* may be NULL */
    void               *control_ctx;
    bool               *active;      /* per fault */
    bool               *flap_down;   /* per fault: a flap in the down part of its cycle */
    dist              **extra;       /* per fault: link_degrade latency, owned */
    sim_time           *skew_offset; /* per region: clock error in force */
    double             *skew_drift;
    uint8_t            *groups;    /* scratch: combined partition groups */
    uint32_t           *signature; /* scratch: per region, groups seen so far */
};

static void on_fault_start(sim_engine *e, void *ctx, uint64_t arg);
static void on_fault_end(sim_engine *e, void *ctx, uint64_t arg);

int fault_timeline_new(sim_engine *e, const scn_scenario *s, net *n, region *const *regions,
                       clock_state *clocks, fault_log_fn *log, void *log_ctx, fault_timeline **out,
                       sim_err *err)
{
    fault_timeline *f = sim_calloc(1, sizeof *f);
    if (!f)
        goto fail;
    f->e = e;
    f->scn = s;
    f->net = n;
    f->regions = regions;
    f->clocks = clocks;
    f->log = log;
    f->log_ctx = log_ctx;
    f->active = sim_calloc(s->nfaults, sizeof *f->active);
    f->flap_down = sim_calloc(s->nfaults, sizeof *f->flap_down);
    f->extra = sim_calloc(s->nfaults, sizeof *f->extra);
    f->skew_offset = sim_calloc(s->nregions, sizeof *f->skew_offset);
    f->skew_drift = sim_calloc(s->nregions, sizeof *f->skew_drift);
    f->groups = sim_calloc(s->nregions, sizeof *f->groups);
    f->signature = sim_calloc(s->nregions, sizeof *f->signature);
    if (!f->active || !f->flap_down || !f->extra || !f->skew_offset || !f->skew_drift || !f->groups
        || !f->signature)
        goto fail;
    for (size_t i = 0; i < s->nfaults; i++) {
        const scn_fault *sf = &s->faults[i];
        if (sf->kind == SCN_FAULT_LINK_DEGRADE && sf->has_extra) {
            int rc = dist_new_at(&sf->extra, &f->extra[i], err, "faults[%zu].latency", i);
            if (rc < 0) {
                fault_timeline_free(f);
                return rc;
            }
        }
        sim_at(e, sf->at, on_fault_start, f, i);
        if (sf->end != SIM_TIME_MAX)
            sim_at(e, sf->end, on_fault_end, f, i);
    }
    *out = f;
    return 0;
fail:
    fault_timeline_free(f);
    return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the fault timeline");
}

void fault_timeline_free(fault_timeline *f)
{
    if (!f)
        return;
    if (f->extra)
        for (size_t i = 0; i < f->scn->nfaults; i++)
            dist_free(f->extra[i]);
    sim_free(f->extra);
    sim_free(f->active);
    sim_free(f->flap_down);
    sim_free(f->skew_offset);
    sim_free(f->skew_drift);
    sim_free(f->groups);
    sim_free(f->signature);
    sim_free(f);
}

/* Combine the active partitions: regions share a group only if they share one in every
 * active partition. Group ids are given in order of the lowest region index in each group,
 * so the result does not depend on the order of the faults. Returns false if none is
 * active. */
static bool combine_partitions(fault_timeline *f)
{
    const scn_scenario *s = f->scn;
    bool                any = false;
    memset(f->groups, 0, s->nregions);
    for (size_t i = 0; i < s->nfaults; i++) {
        if (!f->active[i] || s->faults[i].kind != SCN_FAULT_PARTITION)
            continue;
        any = true;
        /* Refine: the new group of r is the pair (old group, this fault's group), renumbered
         * densely in region order. */
        uint8_t next = 0;
        for (size_t r = 0; r < s->nregions; r++)
            f->signature[r] = (uint32_t)f->groups[r] << 8 | s->faults[i].group_of[r];
        uint8_t *renamed = f->groups; /* rewritten in place, region by region */
        for (size_t r = 0; r < s->nregions; r++) {
            size_t first = r;
            for (size_t q = 0; q < r; q++)
                if (f->signature[q] == f->signature[r]) {
                    first = q;
                    break;
                }
            renamed[r] = first == r ? next++ : renamed[first];
        }
    }
    return any;
}

static void apply(fault_timeline *f)
{
    const scn_scenario *s = f->scn;
    net_set_partition(f->net, combine_partitions(f) ? f->groups : NULL);
    net_clear_degradations(f->net);
    net_clear_cuts(f->net);
    for (size_t i = 0; i < s->nfaults; i++)
        if (f->active[i] && s->faults[i].kind == SCN_FAULT_LINK_CUT)
            net_cut_link(f->net, s->faults[i].region, s->faults[i].region_b);
    for (size_t r = 0; r < s->nregions; r++) {
        bool     down = false;
        double   factor = 1.0;
        uint32_t servers = UINT32_MAX; /* as configured */
        uint64_t zones_down = 0;
        sim_time offset = 0;
        double   drift = 0;
        for (size_t i = 0; i < s->nfaults; i++) {
            const scn_fault *sf = &s->faults[i];
            if (!f->active[i] || sf->region != r)
                continue;
            if (sf->kind == SCN_FAULT_REGION_DOWN
                || (sf->kind == SCN_FAULT_FLAP && f->flap_down[i]))
                down = true;
            else if (sf->kind == SCN_FAULT_BROWNOUT)
                factor *= sf->factor;
            else if (sf->kind == SCN_FAULT_ZONE_DOWN)
                zones_down |= UINT64_C(1) << sf->zone;
            else if (sf->kind == SCN_FAULT_CAPACITY)
                servers = sf->servers;
            else if (sf->kind == SCN_FAULT_CLOCK_SKEW) {
                offset = sf->offset;
                drift = sf->drift_ppm;
            }
        }
        bool was_down = region_is_down(f->regions[r]);
        region_set_down(f->regions[r], down);
        if (down && !was_down)
            net_stream_reset(f->net, (uint32_t)r); /* a crash loses its connections */
        if (was_down != down && f->watch)
            f->watch(f->watch_ctx, sim_now(f->e), (uint32_t)r, !down);
        region_set_brownout(f->regions[r], factor);
        region_set_servers(f->regions[r], servers, zones_down);
        /* A clock is reset only when its error changes, so that drift keeps accumulating
         * across unrelated transitions. */
        if (offset != f->skew_offset[r] || drift != f->skew_drift[r]) {
            f->skew_offset[r] = offset;
            f->skew_drift[r] = drift;
            /* A skew that ends is slewed back, as NTP does; one that starts is a step. */
            if (f->clocks && offset == 0 && drift == 0)
                clock_slew_error(&f->clocks[r], sim_now(f->e), 0, 0, CLOCK_SLEW_PPM);
            else if (f->clocks)
                clock_set_error(&f->clocks[r], sim_now(f->e), offset, drift);
        }
    }
    if (f->control) {
        uint32_t down = 0;
        for (size_t i = 0; i < s->nfaults; i++) {
            if (!f->active[i])
                continue;
            if (s->faults[i].kind == SCN_FAULT_DNS_DOWN)
                down |= FAULT_DOWN_DNS_UPDATES | (s->faults[i].mute ? FAULT_DOWN_DNS_ANSWERS : 0);
            else if (s->faults[i].kind == SCN_FAULT_HEALTH_DOWN)
                down |= FAULT_DOWN_HEALTH;
        }
        f->control(f->control_ctx, down);
    }
    if (f->client_cut)
        for (uint32_t c = 0; c < s->nclients; c++)
            for (uint32_t r = 0; r < s->nregions; r++) {
                uint32_t n = 0;
                for (size_t i = 0; i < s->nfaults; i++) {
                    const scn_fault *sf = &s->faults[i];
                    if (f->active[i] && sf->kind == SCN_FAULT_CLIENT_CUT && sf->client == c
                        && sf->region == r && fault_cut_sessions(s, sf) > n)
                        n = fault_cut_sessions(s, sf);
                }
                f->client_cut(f->client_cut_ctx, c, r, n);
            }
    /* Degraded links: losses combine, the latest-listed extra latency applies. Links are
     * visited once each (a < b) in index order. */
    for (uint32_t a = 0; a < s->nregions; a++) {
        for (uint32_t b = a + 1; b < s->nregions; b++) {
            bool   hit = false;
            double keep = 1.0;
            dist  *extra = NULL;
            for (size_t i = 0; i < s->nfaults; i++) {
                const scn_fault *sf = &s->faults[i];
                if (!f->active[i] || sf->kind != SCN_FAULT_LINK_DEGRADE)
                    continue;
                if (!((sf->region == a && sf->region_b == b)
                      || (sf->region == b && sf->region_b == a)))
                    continue;
                hit = true;
                keep *= 1.0 - sf->loss;
                if (f->extra[i])
                    extra = f->extra[i];
            }
            if (hit)
                net_degrade_link(f->net, a, b, extra, 1.0 - keep);
        }
    }
}

static void describe(const fault_timeline *f, size_t i, char *buf, size_t n)
{
    const scn_scenario *s = f->scn;
    const scn_fault    *sf = &s->faults[i];
    const char         *kind = scn_fault_kind_name(sf->kind);
    switch (sf->kind) {
    case SCN_FAULT_REGION_DOWN:
        snprintf(buf, n, "%s %s", kind, s->regions[sf->region].name);
        break;
    case SCN_FAULT_BROWNOUT:
        snprintf(buf, n, "%s %s x%g", kind, s->regions[sf->region].name, sf->factor);
        break;
    case SCN_FAULT_CLOCK_SKEW: {
        char off[32];
        sim_time_format(sf->offset, off, sizeof off);
        snprintf(buf, n, "%s %s offset %s drift %gppm", kind, s->regions[sf->region].name, off,
                 sf->drift_ppm);
        break;
    }
    case SCN_FAULT_LINK_DEGRADE:
        snprintf(buf, n, "%s %s/%s loss %g%s", kind, s->regions[sf->region].name,
                 s->regions[sf->region_b].name, sf->loss, sf->has_extra ? " +latency" : "");
        break;
    case SCN_FAULT_LINK_CUT:
        snprintf(buf, n, "%s %s->%s", kind, s->regions[sf->region].name,
                 s->regions[sf->region_b].name);
        break;
    case SCN_FAULT_FLAP: {
        char p[32], d[32];
        sim_time_format(sf->period, p, sizeof p);
        sim_time_format(sf->down_for, d, sizeof d);
        snprintf(buf, n, "%s %s down %s every %s", kind, s->regions[sf->region].name, d, p);
        break;
    }
    case SCN_FAULT_DNS_DOWN:
        snprintf(buf, n, "%s updates%s", kind, sf->mute ? " answers" : "");
        break;
    case SCN_FAULT_ZONE_DOWN:
        snprintf(buf, n, "%s %s zone %u of %u", kind, s->regions[sf->region].name,
                 (unsigned)sf->zone, (unsigned)s->regions[sf->region].zones);
        break;
    case SCN_FAULT_CAPACITY:
        snprintf(buf, n, "%s %s %u servers", kind, s->regions[sf->region].name,
                 (unsigned)sf->servers);
        break;
    case SCN_FAULT_CLIENT_CUT:
        snprintf(buf, n, "%s %s x %s %u of %u sessions", kind, s->clients[sf->client].name,
                 s->regions[sf->region].name, (unsigned)fault_cut_sessions(s, sf),
                 (unsigned)s->clients[sf->client].sessions);
        break;
    case SCN_FAULT_PARTITION: {
        /* "partition us-east-1 | eu-west-1 ap-southeast-1": regions listed by group. */
        size_t  used = (size_t)snprintf(buf, n, "%s", kind);
        uint8_t maxg = 0;
        for (size_t r = 0; r < s->nregions; r++)
            if (sf->group_of[r] > maxg)
                maxg = sf->group_of[r];
        for (unsigned g = 0; g <= maxg && used < n; g++) {
            if (g > 0)
                used += (size_t)snprintf(buf + used, n - used, " |");
            for (size_t r = 0; r < s->nregions && used < n; r++)
                if (sf->group_of[r] == g)
                    used += (size_t)snprintf(buf + used, n - used, " %s", s->regions[r].name);
        }
        break;
    }
    default:
        snprintf(buf, n, "%s", kind);
    }
}

static void on_flap(sim_engine *e, void *ctx, uint64_t arg);

static void transition(fault_timeline *f, size_t i, bool start)
{
    if (f->healed || f->active[i] == start)
        return;
    f->active[i] = start;
    if (f->scn->faults[i].kind == SCN_FAULT_FLAP) { /* a cycle starts down */
        f->flap_down[i] = start;
        if (start)
            sim_after(f->e, f->scn->faults[i].down_for, on_flap, f, i);
    }
    apply(f);
    char detail[128];
    describe(f, i, detail, sizeof detail);
    if (f->log)
        f->log(f->log_ctx, sim_now(f->e), start ? "fault_start" : "fault_end", detail);
}

static void on_fault_start(sim_engine *e, void *ctx, uint64_t arg)
{
    fault_timeline  *f = ctx;
    const scn_fault *sf = &f->scn->faults[arg];
    if (sf->kind == SCN_FAULT_FAILOVER) { /* a command, never active */
        if (f->healed)
            return;
        char detail[96];
        snprintf(detail, sizeof detail, "planned failover to %s",
                 sf->region == UINT32_MAX ? "(controller's choice)"
                                          : f->scn->regions[sf->region].name);
        if (f->log)
            f->log(f->log_ctx, sim_now(e), "drill", detail);
        if (f->command)
            f->command(f->command_ctx, sim_now(e), sf->region);
        return;
    }
    transition(f, (size_t)arg, true);
}

/* A flap's next half cycle: up after 'down', down again at the start of the next period. */
static void on_flap(sim_engine *e, void *ctx, uint64_t arg)
{
    fault_timeline  *f = ctx;
    const scn_fault *sf = &f->scn->faults[arg];
    if (f->healed || !f->active[arg])
        return; /* the fault ended meanwhile */
    bool down = !f->flap_down[arg];
    f->flap_down[arg] = down;
    sim_after(e, down ? sf->down_for : sf->period - sf->down_for, on_flap, f, arg);
    apply(f);
    char detail[96];
    snprintf(detail, sizeof detail, "%s %s", f->scn->regions[sf->region].name,
             down ? "down" : "up");
    if (f->log)
        f->log(f->log_ctx, sim_now(e), "flap", detail);
}

static void on_fault_end(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    transition(ctx, (size_t)arg, false);
}

void fault_timeline_heal(fault_timeline *f)
{
    for (size_t i = 0; i < f->scn->nfaults; i++)
        if (f->active[i])
            transition(f, i, false);
    f->healed = true;
}

void fault_set_command(fault_timeline *f, fault_command_fn *fn, void *ctx)
{
    f->command = fn;
    f->command_ctx = ctx;
}

void fault_set_control(fault_timeline *f, fault_control_fn *fn, void *ctx)
{
    f->control = fn;
    f->control_ctx = ctx;
}

void fault_set_client_cut(fault_timeline *f, fault_cut_fn *fn, void *ctx)
{
    f->client_cut = fn;
    f->client_cut_ctx = ctx;
}

uint32_t fault_cut_sessions(const scn_scenario *s, const scn_fault *sf)
{
    uint32_t sessions = s->clients[sf->client].sessions;
    long     n = lround(sf->fraction * (double)sessions);
    if (n < 1)
        n = 1;
    return n > (long)sessions ? sessions : (uint32_t)n;
}

void fault_set_watch(fault_timeline *f, fault_watch_fn *fn, void *ctx)
{
    f->watch = fn;
    f->watch_ctx = ctx;
}

size_t fault_active_count(const fault_timeline *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->scn->nfaults; i++)
        n += f->active[i];
    return n;
}
