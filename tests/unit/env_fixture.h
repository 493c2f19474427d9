/* env_fixture.h - an environment (models/env.h) over a test's own world parts, whose
 * observations go to an oracle (or nowhere), as models/run.c wires a run. */
#ifndef MRSIM_TEST_ENV_FIXTURE_H
#define MRSIM_TEST_ENV_FIXTURE_H

#include "env-world.h"
#include "oracle.h"

typedef struct env_fixture {
    sim_engine *engine;
    oracle     *oracle; /* may be NULL */
    env        *env;
} env_fixture;

static inline void env_fixture_fact(void *ctx, const env_fact *f)
{
    env_fixture *x = ctx;
    sim_time     now = sim_now(x->engine);
    if (!x->oracle)
        return;
    switch (f->kind) {
    case ENV_FACT_COMMIT:
        *f->annotation = oracle_commit(x->oracle, f->key, f->field, f->write_id, now, f->measured);
        break;
    case ENV_FACT_OVERWRITTEN:
        oracle_overwritten(x->oracle, f->write_id);
        break;
    case ENV_FACT_APPLIED:
        oracle_applied(x->oracle, f->region, f->commit, now);
        break;
    case ENV_FACT_CONFLICT:
        oracle_conflict(x->oracle);
        break;
    case ENV_FACT_CACHED: /* residency is judged by run.c, not by the fixture */
        break;
    }
}

/* x must stay where it is while the env lives (the env keeps a pointer to it). clocks may
 * be NULL only if nothing reads a clock. 0 or SIM_ENOMEM. */
static inline int env_fixture_new(env_fixture *x, sim_engine *e, const scn_scenario *s, net *n,
                                  region *const *regions, clock_state *clocks, oracle *o)
{
    x->engine = e;
    x->oracle = o;
    return env_new(&(env_world_config){ .engine = e,
                                        .scn = s,
                                        .net = n,
                                        .regions = regions,
                                        .clocks = clocks,
                                        .seed = s->seed,
                                        .dns_propagation = s->dns.propagation,
                                        .observe = env_fixture_fact,
                                        .observe_ctx = x },
                   &x->env, NULL);
}

#endif
