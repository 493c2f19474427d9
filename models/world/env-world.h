/* env-world.h - building the environment (models/env.h) from the world's parts: what the
 * run assembles and the code under test never sees. */
#ifndef MRSIM_ENV_WORLD_H
#define MRSIM_ENV_WORLD_H

#include "clock.h"
#include "env.h"
#include "net.h"
#include "region.h"
#include "scn.h"
#include "wl.h"

typedef void env_observe_fn(void *ctx, const env_fact *f);

typedef struct env_world_config {
    sim_engine         *engine;
    const scn_scenario *scn;
    net                *net;
    region *const      *regions;         /* scn->nregions */
    wl                 *wl;              /* the clients, for requests and answers; may be
                                            NULL until set with env_set_clients() */
    clock_state        *clocks;          /* scn->nregions */
    uint64_t            seed;            /* the run's seed, for env_rng_new */
    sim_time            dns_propagation; /* of messages to and from the DNS service, ns */
    env_observe_fn     *observe;         /* may be NULL */
    void               *observe_ctx;
} env_world_config;

/* Everything in cfg must outlive the env. 0 or SIM_ENOMEM. */
int  env_new(const env_world_config *cfg, env **out, sim_err *err);
void env_free(env *e); /* NULL is a no-op */
/* The clients whose requests the data plane reads and answers (built after the env). */
void env_set_clients(env *e, wl *w);
/* Region's process has started again after a crash: run the restart hooks. */
void env_region_restarted(env *e, uint32_t region);
/* Control-plane outages (dns_down, health_down): while DNS updates are down, messages to
 * the DNS service are lost (it accepts no change); while health is down, health reports are
 * lost at their send (reports already on their way arrive). Lost ones count as dropped. */
void env_set_dns_updates_down(env *e, bool down);
void env_set_health_down(env *e, bool down);
/* Messages that reached a dead end (a down region, a broken connection). */
uint64_t env_messages_dropped(const env *e);

#endif
