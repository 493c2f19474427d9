/* scn-failover.c - the scenario loader's "failover" section: the disaster-recovery
 * controller's settings.
 *
 * The section is optional: every active-passive pattern has a controller with these
 * defaults, and a read-local pattern gets one only when the section is present (without it
 * read-local keeps its primary for the whole run, as before). */
#include "scn-int.h"

static const char *const F_FAILOVER[] = { "automatic",    "check_every",   "controller", "fence",
                                          "step_timeout", "promote_delay", "cooldown" };

int scn__parse_failover(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_failover *f = &s->failover;
    *f = (scn_failover){
        .automatic = true,
        .check_every = 30 * SIM_S,
        .controller = -1,
        .step_timeout = 5 * SIM_S,
        .cooldown = 5 * SIM_MIN,
        /* "Failover times are typically less than 35 seconds" (Amazon RDS API Reference,
         * FailoverDBCluster, for Multi-AZ DB clusters). */
        .promote_delay = 30 * SIM_S,
    };
    if (!n)
        return 0;
    TRY(scn__check_fields(n, "failover", F_FAILOVER, N_OF(F_FAILOVER), err));
    if (s->nregions < 2)
        return sim_err_set(err, SIM_EINVAL, "failover",
                           "failover needs at least two regions (a secondary to promote), "
                           "got %zu",
                           s->nregions);
    f->given = true;
    const cJSON *v;
    if ((v = scn__field(n, "automatic")))
        TRY(scn__get_bool(v, "failover.automatic", &f->automatic, err));
    if ((v = scn__field(n, "check_every")))
        TRY(scn__get_pos_dur(v, "failover.check_every", &f->check_every, err));
    if ((v = scn__field(n, "controller"))) {
        uint32_t r = 0;
        TRY(scn__get_region(s, v, "failover.controller", &r, err));
        f->controller = (int32_t)r;
    }
    if ((v = scn__field(n, "fence")))
        TRY(scn__get_bool(v, "failover.fence", &f->fence, err));
    if ((v = scn__field(n, "step_timeout")))
        TRY(scn__get_pos_dur(v, "failover.step_timeout", &f->step_timeout, err));
    if ((v = scn__field(n, "promote_delay")))
        TRY(scn__get_dur(v, "failover.promote_delay", false, &f->promote_delay, err));
    if ((v = scn__field(n, "cooldown")))
        TRY(scn__get_dur(v, "failover.cooldown", false, &f->cooldown, err));
    return 0;
}
