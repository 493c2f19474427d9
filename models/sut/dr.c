/* dr.c - the failover module's regions: their roles and their handling of control messages
 * (the controller's steps are in dr-ctl.c).
 *
 * Control messages are env messages (models/env.h) of kind ENV_MSG_DR over the streams
 * between regions, with a 'msg' as their payload. A reply carries the op (the controller's
 * step) of the message it answers. A snapshot for a rebuild travels as one stream message
 * of the snapshot's size, so it takes the link's serialization time and queues behind
 * earlier bytes.
 *
 * Announcements are records too: the epoch, the primary, the primary it replaced (and
 * whether that one stepped down when asked), and how many of the controller's fences are in
 * force. Fences are only ever appended, so "the first n" names a list no one will change. A
 * region adopts the newest announcement it hears. */
#include "dr-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CATCH_UP_POLL (10 * SIM_MS) /* a drill's target checks its progress */
#define SNAPSHOT_BYTES_PER_S                                                                       \
    100e6 /* what a syncing region expects a snapshot to
                                              cross at, bytes/s: its patience, not the link */

_Static_assert(sizeof(msg) <= ENV_MSG_PAYLOAD, "a control message must fit a payload");

static void on_message(env *e, void *ctx, const env_msg *m);
static void on_region_timer(env *e, void *ctx, uint64_t arg);
static void on_stale(void *ctx, uint32_t origin, uint32_t target);
static void on_restart(env *e, void *ctx, uint32_t region);
static void region_receive(dr *d, const msg *m);

static const char *const ROLE_NAMES[DR_ROLE_COUNT] = {
    [DR_PRIMARY] = "primary", [DR_SECONDARY] = "secondary", [DR_RECOVERING] = "recovering",
    [DR_SYNCING] = "syncing", [DR_FENCED] = "fenced",
};

const char *dr_role_name(dr_role role) { return ROLE_NAMES[role]; }

const char *dr__name_of(const dr *d, uint32_t r)
{
    return r == NO_REGION ? "(none)" : env_region_name(d->env, r);
}

void dr__event(dr *d, const char *kind, const char *fmt, ...)
{
    char    detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    d->hooks.event(d->hooks.ctx, env_now(d->env), kind, detail);
}

/* Room for element n of an array that grows by doubling; running out of memory in the
 * middle of a run is not an error a run can report. */
void dr__grow(void *pp, size_t *cap, size_t n, size_t sz, const char *what)
{
    if (sim_grow(pp, cap, n, sz) < 0)
        sim_panic("out of memory growing the %s past %zu", what, n);
}

/* --- create ------------------------------------------------------------------------ */

announcement *dr__new_announcement(dr *d, uint32_t primary, uint32_t old, bool graceful)
{
    dr__grow(&d->anns, &d->anns_cap, d->nanns, sizeof *d->anns, "announcements");
    announcement *a = &d->anns[d->nanns++];
    *a = (announcement){ .epoch = d->epoch,
                         .primary = primary,
                         .old = old,
                         .graceful = graceful,
                         .nfences = d->nfences };
    return a;
}

int dr_new(env *e, const scn_failover *cfg, const scn_dns *dns, const scn_pattern *p, repl *rp,
           health *h, const dr_hooks *hooks, dr **out, sim_err *err)
{
    if (env_regions(e) < 2)
        return sim_err_set(err, SIM_EINVAL, NULL, "a failover controller needs two regions");
    dr           *d = sim_calloc(1, sizeof *d);
    region_state *rs = sim_calloc(env_regions(e), sizeof *rs);
    if (!d || !rs) {
        sim_free(d);
        sim_free(rs);
        return sim_err_set(err, SIM_ENOMEM, NULL,
                           "out of memory building the failover "
                           "controller");
    }
    *d = (dr){ .env = e,
               .dns = dns,
               .cfg = cfg,
               .repl = rp,
               .health = h,
               .hooks = *hooks,
               .nregions = (uint32_t)env_regions(e),
               .rs = rs };
    d->primary = (uint32_t)p->primary;
    d->ctl = cfg->controller >= 0 ? (uint32_t)cfg->controller : (d->primary == 0 ? 1 : 0);
    for (uint32_t r = 0; r < d->nregions; r++)
        d->rs[r] = (region_state){ .role = r == d->primary ? DR_PRIMARY : DR_SECONDARY,
                                   .primary = d->primary,
                                   .sync_from = NO_REGION };
    dr__new_announcement(d, d->primary, NO_REGION, true);
    repl_set_stale_hook(rp, on_stale, d);
    env_listen(e, ENV_MSG_DR, on_message, d);
    env_on_restart(e, on_restart, d);
    if (dr__ctl_init(d) < 0) {
        dr_free(d);
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the failover controller");
    }
    *out = d;
    return 0;
}

void dr_free(dr *d)
{
    if (!d)
        return;
    dr__ctl_fini(d);
    sim_free(d->anns);
    sim_free(d->fences);
    sim_free(d->rs);
    sim_free(d);
}

/* --- messages ---------------------------------------------------------------------- */

static void send_sized(dr *d, msg_kind kind, uint32_t from, uint32_t to, uint64_t a, uint64_t b,
                       uint32_t op, uint64_t bytes)
{
    env_msg *m = env_msg_new(d->env, ENV_MSG_DR, from, to);
    *ENV_PAYLOAD(m, msg) = (msg){ kind, from, to, op, a, b };
    env_send(d->env, ENV_STREAM, m, bytes);
}

/* A region's message; replies carry the op of the step they answer. */
void dr__send(dr *d, msg_kind kind, uint32_t from, uint32_t to, uint64_t a, uint64_t b, uint32_t op)
{
    send_sized(d, kind, from, to, a, b, op, ENV_HEADER_BYTES);
}

void dr__ctl_send(dr *d, msg_kind kind, uint32_t to, uint64_t a, uint64_t b)
{
    send_sized(d, kind, d->ctl, to, a, b, d->op, ENV_HEADER_BYTES);
}

static void on_message(env *e, void *ctx, const env_msg *em)
{
    (void)e;
    dr *d = ctx;
    msg m = *ENV_PAYLOAD(em, const msg);
    switch (m.kind) {
    case M_DEMOTED:
    case M_STATUS_REPLY:
    case M_PROMOTED:
    case M_VERIFY_REPLY:
    case M_ANNOUNCE_ACK:
    case M_REJOIN:
        dr__ctl_receive(d, &m);
        break;
    default:
        region_receive(d, &m);
    }
}

/* --- the regions ------------------------------------------------------------------- */

static void set_role(dr *d, uint32_t r, dr_role role)
{
    dr_role was = d->rs[r].role;
    if (was == role)
        return;
    d->rs[r].role = role;
    dr__event(d, "failover.role", "%s: %s -> %s", dr__name_of(d, r), dr_role_name(was),
              dr_role_name(role));
    d->hooks.roles_changed(d->hooks.ctx, env_now(d->env));
}

static void set_epoch(dr *d, uint32_t r, uint32_t epoch)
{
    d->rs[r].epoch = epoch;
    repl_set_epoch(d->repl, r, epoch);
}

static void arm_region_timer(dr *d, uint32_t r, sim_time after)
{
    env_cancel(d->env, d->rs[r].timer);
    d->rs[r].timer = env_after(d->env, r, after, on_region_timer, d, r);
}

/* How long a snapshot of region r's store takes to cross, as r can estimate it. */
static sim_time snapshot_time(const dr *d, uint64_t bytes)
{
    (void)d;
    return (sim_time)((double)bytes / SNAPSHOT_BYTES_PER_S * 1e9);
}

static void start_sync(dr *d, uint32_t r, uint32_t from)
{
    d->rs[r].sync_from = from;
    set_role(d, r, DR_SYNCING);
    dr__send(d, M_SYNC_REQ, r, from, 0, 0, 0);
    /* The snapshot is as large as this region's own store; ask again only after it should
     * have arrived. */
    uint64_t bytes = repl_resync_bytes(d->repl, r);
    arm_region_timer(d, r, 2 * d->cfg->step_timeout + 2 * snapshot_time(d, bytes));
}

static void ask_controller(dr *d, uint32_t r)
{
    dr__send(d, M_REJOIN, r, d->ctl, 0, 0, 0);
    arm_region_timer(d, r, d->cfg->step_timeout);
}

/* Region r adopts announcement a (if it is news). */
static void adopt(dr *d, uint32_t r, const announcement *a)
{
    region_state *s = &d->rs[r];
    if (a->epoch < s->epoch)
        return;
    /* Fences new to this region: if it applied entries beyond one (or wrote them, as the
     * replaced primary), it holds writes the new primary will never have, and must be
     * rebuilt. */
    bool diverged = false;
    for (size_t i = s->nfences; i < a->nfences; i++)
        if (repl_position(d->repl, r, d->fences[i].origin) > d->fences[i].after)
            diverged = true;
    if (a->nfences > s->nfences) {
        repl_set_fences(d->repl, r, d->fences, a->nfences);
        s->nfences = a->nfences;
    }
    set_epoch(d, r, a->epoch);
    s->primary = a->primary;
    if (a->primary == r) { /* still, or again, the primary */
        set_role(d, r, DR_PRIMARY);
        return;
    }
    if (r == a->old && !a->graceful && d->cfg->fence) {
        set_role(d, r, DR_FENCED); /* a primary that was lost stays out */
        return;
    }
    if (s->role == DR_FENCED)
        return;
    if (diverged)
        start_sync(d, r, a->primary);
    else if (s->role != DR_SYNCING)
        set_role(d, r, DR_SECONDARY);
}

/* The payload of a promote: a = epoch << 32 | rollback << 17 | planned << 16 | old; b = the
 * sequence of old's log a drill's target must reach first (0: none). */
uint64_t dr__promote_arg(uint32_t epoch, bool planned, bool rollback, uint32_t old)
{
    return (uint64_t)epoch << 32 | (uint64_t)rollback << 17 | (uint64_t)planned << 16 | old;
}

/* Region r carries out promote m: it becomes primary at the promote's epoch, fencing the old
 * primary's log where it has got to. A drill's target first waits until it has the old
 * primary's last write, for at most step_timeout. A promote to an epoch this region has
 * passed is stale and ignored; the one that made it primary is answered again. */
static void promote(dr *d, uint32_t r, const msg *m, sim_time since)
{
    sim_time      now = env_now(d->env);
    uint32_t      epoch = (uint32_t)(m->a >> 32), old = (uint32_t)(m->a & 0xffff);
    bool          planned = (m->a >> 16) & 1, rollback = (m->a >> 17) & 1;
    region_state *s = &d->rs[r];
    if (epoch == s->epoch && s->role == DR_PRIMARY && s->primary == r) {
        dr__send(d, M_PROMOTED, r, m->from, s->promoted_fence, s->promoted_next, m->op);
        return;
    }
    if (epoch <= s->epoch)
        return;
    if (s->promoting && (uint32_t)(s->pending.a >> 32) == epoch)
        return; /* the same promote again (a restarted controller): already under way */
    s->pending = *m;
    s->pending_since = since;
    /* A drill's target first catches up with the demoted primary (for at most a step). */
    if (m->b && repl_position(d->repl, r, old) < m->b && now - since < d->cfg->step_timeout) {
        s->promoting = true;
        arm_region_timer(d, r, CATCH_UP_POLL);
        return;
    }
    /* Then, as a database does, it replays what it has received of the old primary's log and
     * not yet applied (at its servers' apply speed), and restarts as a writer, which takes
     * failover.promote_delay. */
    if (s->promote_ready_at == 0) {
        if (repl_received(d->repl, r, old) > repl_position(d->repl, r, old)) {
            s->promoting = true;
            arm_region_timer(d, r, CATCH_UP_POLL);
            return;
        }
        s->promote_ready_at = sim_time_add_sat(now, d->cfg->promote_delay);
    }
    if (now < s->promote_ready_at) {
        s->promoting = true;
        arm_region_timer(d, r, s->promote_ready_at - now);
        return;
    }
    s->promoting = false;
    s->promote_ready_at = 0;
    uint64_t fence = repl_position(d->repl, r, old);
    s->promoted_fence = fence;
    s->promoted_next = repl_position(d->repl, r, r) + 1;
    /* Its own fence on the old primary's log, in force before any announcement. */
    repl_add_fence(d->repl, r, (repl_fence){ .origin = old, .epoch = epoch, .after = fence });
    set_epoch(d, r, epoch);
    s->primary = r;
    set_role(d, r, DR_PRIMARY);
    d->hooks.promoted(d->hooks.ctx, now, old, r, fence, planned, rollback);
    dr__send(d, M_PROMOTED, r, m->from, fence, s->promoted_next, m->op);
}

static void region_receive(dr *d, const msg *m)
{
    uint32_t      r = m->to;
    region_state *s = &d->rs[r];
    switch (m->kind) {
    case M_DEMOTE:
        if (s->role == DR_PRIMARY || s->role == DR_RECOVERING)
            set_role(d, r, DR_SECONDARY);
        dr__send(d, M_DEMOTED, r, m->from, repl_position(d->repl, r, r), 0, m->op);
        break;
    case M_STATUS:
        dr__send(d, M_STATUS_REPLY, r, m->from, repl_position(d->repl, r, (uint32_t)m->a), s->role,
                 m->op);
        break;
    case M_PROMOTE:
        promote(d, r, m, env_now(d->env));
        break;
    case M_VERIFY:
        dr__send(d, M_VERIFY_REPLY, r, m->from, s->role, s->epoch, m->op);
        break;
    case M_ANNOUNCE:
        adopt(d, r, &d->anns[m->a]);
        dr__send(d, M_ANNOUNCE_ACK, r, m->from, d->anns[m->a].epoch, 0, m->op);
        break;
    case M_SYNC_REQ: {
        /* The source serves a snapshot only while it is the primary (and has the memory for
         * it); otherwise the requester's timer asks again. */
        uint32_t id;
        uint64_t bytes;
        if (s->role == DR_PRIMARY && repl_snapshot_take(d->repl, r, m->from, &id, &bytes) == 0)
            send_sized(d, M_SYNC_DONE, r, m->from, bytes, id, m->op, ENV_HEADER_BYTES + bytes);
        break;
    }
    case M_SYNC_DONE:
        if (s->role != DR_SYNCING || s->sync_from != m->from) {
            repl_snapshot_drop(d->repl, (uint32_t)m->b); /* one it no longer waits for */
        } else {
            s->sync_from = NO_REGION;
            repl_snapshot_install(d->repl, r, m->from, (uint32_t)m->b);
            repl_rewind(d->repl, r); /* every origin: send again from here */
            d->hooks.resynced(d->hooks.ctx, r);
            set_role(d, r, DR_SECONDARY);
        }
        break;
    default:
        break;
    }
}

static void on_region_timer(env *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr           *d = ctx;
    uint32_t      r = (uint32_t)arg;
    region_state *s = &d->rs[r];
    s->timer = 0;
    if (s->promoting) {
        s->promoting = false; /* carried on below, or armed again */
        msg m = s->pending;
        promote(d, r, &m, s->pending_since);
    } else if (s->role == DR_RECOVERING) {
        ask_controller(d, r);
    } else if (s->role == DR_SYNCING) {
        start_sync(d, r, s->primary); /* the primary may have changed meanwhile */
    }
}

/* A replica voided what region 'origin' sent: it knows a newer primary. A primary that
 * hears so stops taking writes and asks the controller what it is. */
static void on_stale(void *ctx, uint32_t origin, uint32_t target)
{
    dr *d = ctx;
    if (d->rs[origin].role != DR_PRIMARY)
        return;
    dr__event(d, "failover.stale", "%s: %s voids its writes; it stops taking them",
              dr__name_of(d, origin), dr__name_of(d, target));
    set_role(d, origin, DR_RECOVERING);
    ask_controller(d, origin);
}

/* Region r's process started again after a crash. Its role is on disk; a pending promote
 * and its timers were memory. */
static void on_restart(env *e, void *ctx, uint32_t r)
{
    (void)e;
    dr           *d = ctx;
    region_state *s = &d->rs[r];
    s->promoting = false; /* a crash forgets a pending promote */
    s->promote_ready_at = 0;
    s->timer = 0;
    if (r == d->ctl)
        dr__ctl_restarted(d);
    if (s->role == DR_PRIMARY) {
        /* A primary back from a crash cannot know whether it was replaced meanwhile. */
        set_role(d, r, DR_RECOVERING);
        ask_controller(d, r);
    } else if (s->role == DR_RECOVERING) {
        ask_controller(d, r);
    } else if (s->role == DR_SYNCING) {
        start_sync(d, r, s->primary);
    }
}

/* --- query --------------------------------------------------------------------------- */

dr_role dr_role_of(const dr *d, uint32_t region) { return d->rs[region].role; }

bool dr_takes_writes(const dr *d, uint32_t region) { return d->rs[region].role == DR_PRIMARY; }

bool dr_serves_reads(const dr *d, uint32_t region)
{
    dr_role r = d->rs[region].role;
    return r == DR_PRIMARY || r == DR_SECONDARY || r == DR_RECOVERING;
}

uint64_t dr_failovers(const dr *d) { return d->failovers; }
uint64_t dr_rollbacks(const dr *d) { return d->rollbacks; }
