/* dr-ctl.c - the failover controller: detect, demote, select, promote, DNS, propagate,
 * verify, and rollback or abort (dr.h tells the steps). It runs in one region and acts only
 * through messages: dr.c carries them and plays the regions' side, the checkers' reports
 * make its own health view (health.h), and a DNS change is a message to the DNS service. A
 * controller that has no quorum of fresh reports on the primary does nothing and logs why
 * (failover.wait): unknown is not down. Each step bumps 'op'; replies and timers carry the op they belong to, so
 * an answer that arrives after its step has timed out changes nothing. */
#include "dr-int.h"

static void on_tick(env *e, void *ctx, uint64_t arg);
static void on_step_timeout(env *e, void *ctx, uint64_t arg);
static void go_select(dr *d);
static void go_promote(dr *d, uint32_t target, uint32_t old);
static void start(dr *d, bool planned, uint32_t want, const char *why);
static void abort_failover(dr *d, const char *why);
static void go_verify(dr *d);

static void arm_step(dr *d, sim_time after)
{
    env_after(d->env, d->ctl, after, on_step_timeout, d, d->op);
}

/* Not reported down by a quorum of fresh reports. A region the view knows nothing about is
 * still worth asking: its answer (or its silence) is the evidence the step waits for. */
static bool view_not_down(const dr *d, uint32_t r)
{
    return health_view_verdict(d->view, r) != HEALTH_DOWN;
}

/* The DNS change: a message to the DNS service, visible after its propagation delay. */
static void update_dns(dr *d, uint32_t primary)
{
    env_msg *m = env_msg_new(d->env, ENV_MSG_DNS_UPDATE, d->ctl, ENV_DNS);
    *ENV_PAYLOAD(m, route_dns_update) = (route_dns_update){ .primary = primary, .epoch = d->epoch };
    env_send(d->env, ENV_STREAM, m, ENV_HEADER_BYTES);
}

/* The newest announcement to every region that has not acknowledged it. */
static void announce(dr *d)
{
    const announcement *a = &d->anns[d->nanns - 1];
    for (uint32_t r = 0; r < d->nregions; r++)
        if (d->acked[r] < a->epoch)
            dr__ctl_send(d, M_ANNOUNCE, r, d->nanns - 1, 0);
}

static void go_idle(dr *d)
{
    d->phase = P_IDLE;
    d->op++;
}

/* Give up: the old primary stays primary. It may have been demoted, so it is told so in a
 * new announcement, repeated until it answers. */
static void abort_failover(dr *d, const char *why)
{
    dr__event(d, "failover.abort", "%s; %s stays primary", why, dr__name_of(d, d->old));
    d->quiet_until = env_now(d->env) + d->cfg->cooldown;
    d->primary = d->old;
    d->epoch++;
    dr__new_announcement(d, d->old, NO_REGION, true);
    go_idle(d);
    announce(d);
}

/* Begin a failover away from the current primary; why: what the detect event says (NULL:
 * the health view lost it). */
static void start(dr *d, bool planned, uint32_t want, const char *why)
{
    d->planned = planned;
    d->rolling_back = false;
    d->old = d->primary;
    d->want = want;
    d->started = env_now(d->env);
    d->old_answered = false;
    d->old_last = 0;
    if (planned)
        dr__event(d, "failover.detect", "drill: planned failover away from %s",
                  dr__name_of(d, d->old));
    else if (why)
        dr__event(d, "failover.detect", "%s: %s", dr__name_of(d, d->old), why);
    else {
        uint32_t down, fresh = health_view_fresh(d->view, d->old, &down);
        dr__event(d, "failover.detect",
                  "primary %s down in the controller's view (%u of %u fresh reports)",
                  dr__name_of(d, d->old), down, fresh);
    }
    d->phase = P_DEMOTE;
    d->op++;
    dr__ctl_send(d, M_DEMOTE, d->old, 0, 0);
    arm_step(d, d->cfg->step_timeout);
}

static void go_select(dr *d)
{
    d->phase = P_SELECT;
    d->op++;
    d->asked = d->answered = 0;
    d->best = NO_REGION;
    d->best_pos = 0;
    for (uint32_t r = 0; r < d->nregions; r++) {
        if (r == d->old || (d->want != NO_REGION && r != d->want))
            continue;
        if (!view_not_down(d, r))
            continue;
        dr__ctl_send(d, M_STATUS, r, d->old, 0);
        d->asked++;
    }
    if (d->asked == 0) {
        abort_failover(d, "no healthy secondary to promote");
        return;
    }
    arm_step(d, d->cfg->step_timeout);
}

static double km_between(const dr *d, uint32_t a, uint32_t b)
{
    return env_region_km(d->env, a, b);
}

static void candidate(dr *d, uint32_t r, uint64_t pos, dr_role role)
{
    if (role != DR_SECONDARY)
        return; /* syncing or fenced replicas are not ready */
    bool better = d->best == NO_REGION || pos > d->best_pos
        || (pos == d->best_pos && km_between(d, r, d->old) < km_between(d, d->best, d->old));
    if (better) {
        d->best = r;
        d->best_pos = pos;
    }
}

static void choose(dr *d)
{
    if (d->best == NO_REGION) {
        abort_failover(d, "no secondary answered as ready");
        return;
    }
    if (d->old_answered)
        dr__event(d, "failover.select", "target %s: has %s's log up to %llu of %llu",
                  dr__name_of(d, d->best), dr__name_of(d, d->old), (unsigned long long)d->best_pos,
                  (unsigned long long)d->old_last);
    else
        dr__event(d, "failover.select",
                  "target %s: has %s's log up to %llu (the old primary's "
                  "end is unknown)",
                  dr__name_of(d, d->best), dr__name_of(d, d->old), (unsigned long long)d->best_pos);
    go_promote(d, d->best, d->old);
}

/* Promote 'target' in place of 'old' (in a rollback: the old primary in place of the
 * failed target). */
static void go_promote(dr *d, uint32_t target, uint32_t old)
{
    d->phase = P_PROMOTE;
    d->op++;
    d->target = d->rolling_back ? d->target : target;
    bool     planned = d->planned && !d->rolling_back;
    uint64_t catch_up = planned && d->old_answered ? d->old_last : 0;
    dr__ctl_send(d, M_PROMOTE, target, dr__promote_arg(d->epoch + 1, planned, d->rolling_back, old),
                 catch_up);
    /* A drill's catch-up may take a step; the promotion itself its replay and delay. */
    arm_step(d, 3 * d->cfg->step_timeout + d->cfg->promote_delay);
}

/* The promote took effect: record the fence, announce the new primary to every region at
 * once (so that replicas learn the fence, and a primary promoted again is known as such,
 * as early as possible), and point DNS at it. */
static void promoted(dr *d, uint32_t primary, uint32_t replaced, uint64_t fence)
{
    d->epoch++;
    dr__grow(&d->fences, &d->fences_cap, d->nfences, sizeof *d->fences, "fences");
    d->fences[d->nfences++] = (repl_fence){ .origin = replaced, .epoch = d->epoch, .after = fence };
    dr__new_announcement(d, primary, replaced, !d->rolling_back && d->old_answered);
    d->acked[primary] = d->epoch;
    d->primary = primary;
    update_dns(d, primary);
    announce(d);
    if (d->rolling_back) {
        dr__event(d, "failover.rollback", "%s is primary again at epoch %u; DNS points back at it",
                  dr__name_of(d, primary), d->epoch);
        d->rollbacks++;
        d->quiet_until = env_now(d->env) + d->cfg->cooldown;
        go_idle(d);
        return;
    }
    d->failovers++;
    dr__event(d, "failover.promote",
              "%s is primary at epoch %u; %s's log fenced after entry "
              "%llu",
              dr__name_of(d, primary), d->epoch, dr__name_of(d, replaced),
              (unsigned long long)fence);
    char ttl[32], prop[32];
    sim_time_format(d->dns->ttl, ttl, sizeof ttl);
    sim_time_format(d->dns->propagation, prop, sizeof prop);
    dr__event(d, "failover.dns", "DNS answers %s once the update propagates (%s; TTL %s)",
              dr__name_of(d, primary), prop, ttl);
    d->phase = P_PROPAGATE;
    d->op++;
    /* The change is visible after its propagation; cached answers expire one TTL later. */
    arm_step(d, sim_time_add_sat(d->dns->propagation, d->dns->ttl));
}

static void go_verify(dr *d)
{
    d->phase = P_VERIFY;
    d->op++;
    dr__ctl_send(d, M_VERIFY, d->target, 0, 0);
    arm_step(d, d->cfg->step_timeout);
}

/* Verification failed. Going back to the old primary helps only if it is there: otherwise
 * the failed target is the primary to fail over from, at once. */
static void verify_failed(dr *d, const char *why)
{
    dr__event(d, "failover.verify", "failed: %s", why);
    if (!d->old_answered || !view_not_down(d, d->old)) {
        dr__event(d, "failover.abort", "%s is not there to go back to; failing over from %s",
                  dr__name_of(d, d->old), dr__name_of(d, d->target));
        go_idle(d);
        start(d, false, NO_REGION, why); /* d->primary is the target now */
        return;
    }
    d->rolling_back = true;
    go_promote(d, d->old, d->target);
}

void dr__ctl_receive(dr *d, const msg *m)
{
    if (m->kind == M_ANNOUNCE_ACK) {
        if (m->a > d->acked[m->from])
            d->acked[m->from] = (uint32_t)m->a;
        return;
    }
    if (m->kind == M_REJOIN) {
        /* In the middle of a failover the answer would be out of date; the region asks
         * again. */
        if (d->phase == P_IDLE)
            dr__ctl_send(d, M_ANNOUNCE, m->from, d->nanns - 1, 0);
        return;
    }
    if (m->op != d->op)
        return; /* an answer to a step already over */
    switch (m->kind) {
    case M_DEMOTED:
        if (d->phase == P_DEMOTE) {
            d->old_answered = true;
            d->old_last = m->a;
            dr__event(d, "failover.demote", "%s stopped taking writes after entry %llu",
                      dr__name_of(d, d->old), (unsigned long long)m->a);
            go_select(d);
        }
        break;
    case M_STATUS_REPLY:
        if (d->phase == P_SELECT) {
            candidate(d, m->from, m->a, (dr_role)m->b);
            if (++d->answered == d->asked)
                choose(d);
        }
        break;
    case M_PROMOTED:
        if (d->phase != P_PROMOTE)
            break;
        if (d->rolling_back && m->from == d->old)
            promoted(d, d->old, d->target, m->a);
        else if (!d->rolling_back && m->from == d->target)
            promoted(d, d->target, d->old, m->a);
        break;
    case M_VERIFY_REPLY:
        if (d->phase != P_VERIFY)
            break;
        if ((dr_role)m->a == DR_PRIMARY && m->b == d->epoch && view_not_down(d, d->target)) {
            dr__event(d, "failover.verify", "%s answers as primary and is healthy",
                      dr__name_of(d, d->target));
            dr__event(d, "failover.done", "%s -> %s in %.1fs", dr__name_of(d, d->old),
                      dr__name_of(d, d->target), sim_time_s(env_now(d->env) - d->started));
            go_idle(d);
        } else {
            verify_failed(d,
                          (dr_role)m->a != DR_PRIMARY ? "the target does not answer as primary"
                                                      : "the target is down in the view");
        }
        break;
    default:
        break;
    }
}

static void on_step_timeout(env *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr *d = ctx;
    if ((uint32_t)arg != d->op)
        return; /* stale */
    switch (d->phase) {
    case P_DEMOTE:
        dr__event(d, "failover.demote", "%s did not answer (unreachable or down); going on",
                  dr__name_of(d, d->old));
        go_select(d);
        break;
    case P_SELECT:
        choose(d);
        break;
    case P_PROMOTE:
        if (d->rolling_back) {
            /* The target stays primary as announced; it is unhealthy, so the next check
             * fails over from it, after the cooldown. */
            dr__event(d, "failover.rollback", "%s did not answer; %s stays primary",
                      dr__name_of(d, d->old), dr__name_of(d, d->target));
            d->quiet_until = env_now(d->env) + d->cfg->cooldown;
            go_idle(d);
        } else {
            dr__event(d, "failover.promote", "%s did not answer", dr__name_of(d, d->target));
            abort_failover(d, "the target was not promoted");
        }
        break;
    case P_PROPAGATE:
        dr__event(d, "failover.propagate", "one TTL has passed since the DNS update");
        go_verify(d);
        break;
    case P_VERIFY:
        verify_failed(d, "the target did not answer");
        break;
    default:
        break;
    }
}

/* The primary's verdict in the controller's view, and the decision it leads to. Without
 * a quorum of fresh reports the controller cannot tell a dead primary from its own
 * isolation, so it waits, and says so once each time it starts waiting. */
static void check_primary(dr *d)
{
    health_verdict v = health_view_verdict(d->view, d->primary);
    if (v != HEALTH_UNKNOWN)
        d->waiting = false;
    if (v == HEALTH_UNKNOWN && !d->waiting) {
        d->waiting = true;
        uint32_t down, fresh = health_view_fresh(d->view, d->primary, &down);
        dr__event(d, "failover.wait",
                  "no quorum of fresh health reports on %s (%u fresh of %u needed): "
                  "not failing over",
                  dr__name_of(d, d->primary), fresh, health_view_quorum(d->view, d->primary));
    }
    if (v == HEALTH_DOWN && d->cfg->automatic && env_now(d->env) >= d->quiet_until)
        start(d, false, NO_REGION, NULL);
}

static void on_tick(env *e, void *ctx, uint64_t arg)
{
    (void)arg;
    dr *d = ctx;
    env_after(e, d->ctl, d->cfg->check_every, on_tick, d, 0);
    announce(d); /* to whoever has not answered yet */
    if (d->phase == P_IDLE)
        check_primary(d);
}

void dr_start(dr *d) { env_after(d->env, d->ctl, d->cfg->check_every, on_tick, d, 0); }

int dr__ctl_init(dr *d) { return health_subscribe(d->health, d->ctl, NULL, NULL, &d->view); }

void dr__ctl_fini(dr *d) { (void)d; }

static void on_drill(env *e, void *ctx, uint64_t to);

/* A drill is an operator's command to the controller's process: lost if it is down. */
void dr_drill(void *dr_ctx, sim_time t, uint32_t to)
{
    (void)t;
    dr *d = dr_ctx;
    env_after(d->env, d->ctl, 0, on_drill, d, to);
}

static void on_drill(env *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr      *d = ctx;
    uint32_t to = (uint32_t)arg;
    if (d->phase != P_IDLE) {
        dr__event(d, "failover.abort", "drill ignored: a failover is in progress");
        return;
    }
    if (to == d->primary) {
        dr__event(d, "failover.abort", "drill ignored: %s is already primary", dr__name_of(d, to));
        return;
    }
    start(d, true, to, NULL);
}

/* The controller's process restarted (its state kept, as a control plane keeps it in a
 * replicated store): a failover that had sent its promote goes on from there (promote is
 * idempotent at the region); one that had not is abandoned. */
void dr__ctl_restarted(dr *d)
{
    dr_start(d); /* its timers died with it */
    if (d->phase == P_IDLE)
        return;
    if (d->phase == P_PROMOTE) {
        dr__event(d, "failover.resume", "the controller restarted; promoting %s again",
                  dr__name_of(d, d->rolling_back ? d->old : d->target));
        go_promote(d, d->rolling_back ? d->old : d->target, d->rolling_back ? d->target : d->old);
    } else if (d->phase > P_PROMOTE) {
        /* Promoted and announced already: check the result. */
        dr__event(d, "failover.resume", "the controller restarted; verifying %s",
                  dr__name_of(d, d->target));
        go_verify(d);
    } else {
        abort_failover(d, "the controller restarted during a failover");
    }
}
