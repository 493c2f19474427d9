/* failwatch.c - ground truth about failovers: split brain, false failovers, RPO. */
#include "failwatch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A promotion's fence: what is needed to measure its data-loss window once the oracle
 * knows whether it lost anything, kept at the promotion because the log drops entries
 * later. The window runs from the commit of the last write the successor had (entry
 * 'after'; when that entry has already left the log, the first entry beyond it, which is
 * the nearest bound still known) to the failure: the moment the old primary went down or,
 * when it did not (a false failover), the commit of its last write that was lost.
 * Rejected: the span from the first lost write to the last, which is 0 for a single lost
 * write however long ago the successor stopped receiving. */
typedef struct fence_rec {
    size_t    oracle_index;
    uint64_t  after;   /* commit[i] is entry after + 1 + i's */
    sim_time  had_at;  /* commit of the last write the successor had; -1: unknown */
    sim_time  down_at; /* the old primary went down at; -1: it was up */
    sim_time *commit;
    size_t    n;
} fence_rec;

struct failwatch {
    fence_rec          *fences;
    size_t              nfences, fences_cap;
    const scn_scenario *scn;
    region *const      *regions;
    repl               *repl;
    oracle             *oracle;
    const dr           *dr;
    failwatch_log_fn   *log;
    void               *log_ctx;
    bool                stopped;
    sim_time            split_since; /* -1: no split brain now */
    sim_time            split_ns;
    sim_time            detect;   /* first detect of the failover under way; -1: none */
    sim_time            abort_at; /* last "failover.abort"; -1: none */
    sim_time            down_at[SCN_MAX_REGIONS]; /* down since; -1: up */
    double              failover_s;
    uint64_t            failovers, false_failovers;
};

int failwatch_new(const scn_scenario *s, region *const *regions, repl *rp, oracle *o,
                  failwatch_log_fn *log, void *log_ctx, failwatch **out, sim_err *err)
{
    failwatch *f = sim_calloc(1, sizeof *f);
    if (!f)
        return sim_err_set(err, SIM_ENOMEM, NULL,
                           "out of memory building the failover "
                           "watcher");
    *f = (failwatch){ .scn = s,
                      .regions = regions,
                      .repl = rp,
                      .oracle = o,
                      .log = log,
                      .log_ctx = log_ctx,
                      .split_since = -1,
                      .detect = -1,
                      .abort_at = -1,
                      .failover_s = NAN };
    for (uint32_t r = 0; r < SCN_MAX_REGIONS; r++)
        f->down_at[r] = -1;
    *out = f;
    return 0;
}

void failwatch_free(failwatch *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nfences; i++)
        sim_free(f->fences[i].commit);
    sim_free(f->fences);
    sim_free(f);
}
void failwatch_set_dr(failwatch *f, const dr *d) { f->dr = d; }

/* A failover can restart on its way: a target that fails verification is failed over from
 * at once (an abort and a new detect at the same instant). Its time runs from the first
 * detect. An abort that ends it (the old primary stays) or a rollback closes it, so the
 * next detect starts a new one. */
void failwatch_step(failwatch *f, sim_time t, const char *kind)
{
    if (strcmp(kind, "failover.detect") == 0) {
        if (f->detect < 0 || (f->abort_at >= 0 && f->abort_at < t))
            f->detect = t;
        f->abort_at = -1;
    } else if (strcmp(kind, "failover.abort") == 0) {
        f->abort_at = t;
    } else if (strcmp(kind, "failover.rollback") == 0) {
        f->detect = -1;
    } else if (strcmp(kind, "failover.done") == 0 && f->detect >= 0) {
        if (isnan(f->failover_s))
            f->failover_s = sim_time_s(t - f->detect);
        f->detect = -1;
    }
}

void failwatch_promoted(failwatch *f, sim_time t, uint32_t from, uint32_t to, uint64_t fence,
                        bool planned, bool rollback)
{
    (void)t;
    if (!rollback)
        f->failovers++;
    if (!planned && !rollback && !region_is_down(f->regions[from]))
        f->false_failovers++;
    uint64_t last = repl_position(f->repl, from, from);
    oracle_promoted(f->oracle, to, repl_position(f->repl, to, to));
    if (sim_grow(&f->fences, &f->fences_cap, f->nfences, sizeof *f->fences) < 0)
        sim_panic("out of memory growing the failover records past %zu", f->nfences);
    fence_rec *rec = &f->fences[f->nfences++];
    *rec = (fence_rec){ .oracle_index = oracle_fence(f->oracle, from, fence, last),
                        .after = fence,
                        .had_at = fence ? repl_commit_time(f->repl, from, fence) : -1,
                        .down_at = region_is_down(f->regions[from]) ? f->down_at[from] : -1,
                        .n = last > fence ? last - fence : 0 };
    if (rec->n && !(rec->commit = sim_calloc(rec->n, sizeof *rec->commit)))
        sim_panic("out of memory keeping %zu commit times", rec->n);
    for (size_t i = 0; i < rec->n; i++)
        rec->commit[i] = repl_commit_time(f->repl, from, fence + 1 + i);
    if (rec->had_at < 0 && rec->n)
        rec->had_at = rec->commit[0];
}

void failwatch_changed(failwatch *f, sim_time t)
{
    for (uint32_t r = 0; r < f->scn->nregions; r++) {
        bool down = region_is_down(f->regions[r]);
        if (down && f->down_at[r] < 0)
            f->down_at[r] = t;
        else if (!down)
            f->down_at[r] = -1;
    }
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

/* The longest data-loss window over the fences that lost acknowledged writes (see
 * fence_rec); 0 when none did. */
static double rpo_window_ms(const failwatch *f)
{
    double span = f->nfences ? 0 : NAN;
    for (size_t i = 0; i < f->nfences; i++) {
        const fence_rec *rec = &f->fences[i];
        uint64_t         lo, hi;
        if (!oracle_fence_lost(f->oracle, rec->oracle_index, &lo, &hi))
            continue;
        sim_time from = rec->had_at >= 0 ? rec->had_at : rec->commit[lo - rec->after - 1];
        sim_time to = rec->down_at >= 0 ? rec->down_at : rec->commit[hi - rec->after - 1];
        if (from >= 0 && to >= from && sim_time_ms(to - from) > span)
            span = sim_time_ms(to - from);
    }
    return span;
}

failwatch_figures failwatch_get(const failwatch *f)
{
    return (failwatch_figures){
        .failovers = f->failovers,
        .false_failovers = f->false_failovers,
        .rpo_ms = rpo_window_ms(f),
        .split_brain_s = sim_time_s(f->split_ns),
        .failover_s = f->failover_s,
    };
}
