/* failwatch.c - ground truth about failovers: split brain, false failovers, RPO. */
#include "failwatch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct failwatch {
    const scn_scenario *scn;
    region *const *regions;
    repl       *repl;
    oracle     *oracle;
    const dr   *dr;
    failwatch_log_fn *log;
    void       *log_ctx;
    bool        stopped;
    sim_time    split_since;                  /* -1: no split brain now */
    sim_time    split_ns;
    sim_time    first_detect;                 /* -1: none yet */
    double      failover_s;
    double      rpo_ms;
    uint64_t    failovers, false_failovers;
};

int failwatch_new(const scn_scenario *s, region *const *regions, repl *rp, oracle *o,
                  failwatch_log_fn *log, void *log_ctx, failwatch **out, sim_err *err)
{
    failwatch *f = sim_calloc(1, sizeof *f);
    if (!f)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the failover "
                           "watcher");
    *f = (failwatch){.scn = s, .regions = regions, .repl = rp, .oracle = o, .log = log,
                     .log_ctx = log_ctx, .split_since = -1, .first_detect = -1,
                     .failover_s = NAN, .rpo_ms = NAN};
    *out = f;
    return 0;
}

void failwatch_free(failwatch *f) { sim_free(f); }
void failwatch_set_dr(failwatch *f, const dr *d) { f->dr = d; }

void failwatch_step(failwatch *f, sim_time t, const char *kind)
{
    if (strcmp(kind, "failover.detect") == 0 && f->first_detect < 0)
        f->first_detect = t;
    else if (strcmp(kind, "failover.done") == 0 && f->first_detect >= 0 && isnan(f->failover_s))
        f->failover_s = sim_time_s(t - f->first_detect);
}

void failwatch_promoted(failwatch *f, sim_time t, uint32_t from, uint32_t to, uint64_t fence,
                        bool planned, bool rollback)
{
    (void)t;
    (void)to;
    if (!rollback)
        f->failovers++;
    if (!planned && !rollback && !region_is_down(f->regions[from]))
        f->false_failovers++;
    uint64_t last = repl_position(f->repl, from, from);
    oracle_fence(f->oracle, from, fence, last);
    double span = 0;
    if (last > fence) {
        sim_time first_at = repl_commit_time(f->repl, from, fence + 1);
        sim_time last_at = repl_commit_time(f->repl, from, last);
        if (first_at >= 0 && last_at >= 0)
            span = sim_time_ms(last_at - first_at);
    }
    if (isnan(f->rpo_ms) || span > f->rpo_ms)
        f->rpo_ms = span;
}

void failwatch_changed(failwatch *f, sim_time t)
{
    if (f->stopped || !f->dr)
        return;
    uint32_t writers[2], n = 0;
    for (uint32_t r = 0; r < f->scn->nregions; r++)
        if (!region_is_down(f->regions[r]) && dr_takes_writes(f->dr, r)) {
            if (n < 2)
                writers[n] = r;
            n++;
        }
    if (n >= 2 && f->split_since < 0) {
        f->split_since = t;
        char detail[160];
        snprintf(detail, sizeof detail, "split brain: %s and %s both take writes",
                 f->scn->regions[writers[0]].name, f->scn->regions[writers[1]].name);
        f->log(f->log_ctx, t, "alert", detail);
    } else if (n < 2 && f->split_since >= 0) {
        f->split_ns += t - f->split_since;
        f->split_since = -1;
        f->log(f->log_ctx, t, "alert_end", "split brain over: one region takes writes");
    }
}

void failwatch_stop(failwatch *f, sim_time t)
{
    if (f->stopped)
        return;
    if (f->split_since >= 0)
        f->split_ns += t - f->split_since;
    f->split_since = -1;
    f->stopped = true;
}

failwatch_figures failwatch_get(const failwatch *f)
{
    return (failwatch_figures){
        .failovers = f->failovers,
        .false_failovers = f->false_failovers,
        .rpo_ms = f->rpo_ms,
        .split_brain_s = sim_time_s(f->split_ns),
        .failover_s = f->failover_s,
    };
}
