/* dr.c - the failover controller's steps and the regions' handling of control messages.
 *
 * Control messages are few (a handful per failover, one announcement per region per check
 * while some region has not answered), so each is a record in a growing array and the
 * network carries its index; nothing here is on a request's path. Each of the controller's
 * steps bumps 'op', and replies and timers carry the op they belong to, so an answer that
 * arrives after its step has timed out changes nothing.
 *
 * Announcements are records too: the epoch, the primary, the primary it replaced (and
 * whether that one stepped down when asked), and how many of the controller's fences are in
 * force. Fences are only ever appended, so "the first n" names a list no one will change. A
 * region adopts the newest announcement it hears.
 *
 * The controller keeps its state (epoch, primary, fences, the step it is at) as a control
 * plane keeps it in a replicated store: when its process restarts in the middle of a
 * failover, a failover that had reached the promote step is taken up again there (promote
 * is idempotent at the region), one that had not is abandoned. */
#include "dr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NO_REGION     UINT32_MAX
#define CATCH_UP_POLL (10 * SIM_MS)           /* a drill's target checks its progress */
#define SNAPSHOT_BYTES_PER_S 100e6            /* a resync's transfer rate, bytes/s */

typedef enum msg_kind {
    M_DEMOTE, M_DEMOTED, M_STATUS, M_STATUS_REPLY, M_PROMOTE, M_PROMOTED, M_VERIFY,
    M_VERIFY_REPLY, M_ANNOUNCE, M_ANNOUNCE_ACK, M_REJOIN, M_SYNC_REQ, M_SYNC_DONE,
} msg_kind;

typedef struct msg {
    msg_kind kind;
    uint32_t from, to;
    uint32_t op;                              /* the controller's step it belongs to */
    uint64_t a, b;                            /* the payload, by kind */
} msg;

typedef struct announcement {
    uint32_t epoch, primary, old;             /* old: NO_REGION when nobody was replaced */
    bool     graceful;                        /* old stepped down when asked */
    size_t   nfences;                         /* the controller's first nfences fences */
} announcement;

typedef struct region_state {
    dr_role  role;
    uint32_t epoch;                           /* of the newest announcement or promote */
    uint32_t primary;                         /* who it believes is primary */
    uint32_t sync_from;                       /* SYNCING: the source */
    uint32_t gen;                             /* bumped by each retry timer set */
    size_t   nfences;                         /* of the controller's fences, those it knows */
    uint64_t promoted_fence, promoted_next;   /* its answer to the promote that made it
                                                 primary, for a repeated promote */
    bool     promoting;                       /* a drill's target catching up: */
    msg      pending;                         /* ... the promote it will carry out */
    sim_time pending_since;
} region_state;

typedef enum phase {
    P_IDLE, P_DEMOTE, P_SELECT, P_PROMOTE, P_PROPAGATE, P_VERIFY,
} phase;

struct dr {
    sim_engine *e;
    net        *net;
    const scn_scenario *scn;
    const scn_failover *cfg;
    region *const *regions;
    repl       *repl;
    health     *health;
    route      *route;
    dr_hooks    hooks;
    uint32_t    nregions;
    region_state *rs;

    msg          *msgs;    size_t nmsgs, msgs_cap;
    announcement *anns;    size_t nanns, anns_cap;
    repl_fence   *fences;  size_t nfences, fences_cap;

    /* the controller */
    uint32_t ctl;                             /* its region */
    uint32_t epoch, primary;                  /* what it has made so */
    uint32_t acked[SCN_MAX_REGIONS];          /* per region: epoch it has acknowledged */
    phase    phase;
    uint32_t op;
    bool     planned, rolling_back;
    uint32_t old, want;                       /* want: a drill's target, or NO_REGION */
    uint32_t target;
    sim_time started;
    bool     old_answered;
    uint64_t old_last;                        /* the old primary's last sequence (demoted) */
    uint32_t asked, answered, best;
    uint64_t best_pos;
    sim_time quiet_until;                     /* no automatic failover before (cooldown) */
    uint64_t failovers, rollbacks;
};

static void on_message(sim_engine *e, void *ctx, uint64_t arg);
static void on_tick(sim_engine *e, void *ctx, uint64_t arg);
static void on_step_timeout(sim_engine *e, void *ctx, uint64_t arg);
static void on_region_timer(sim_engine *e, void *ctx, uint64_t arg);
static void on_snapshot_sent(sim_engine *e, void *ctx, uint64_t arg);
static void on_stale(void *ctx, uint32_t origin, uint32_t target);
static void go_select(dr *d);
static void go_promote(dr *d, uint32_t target, uint32_t old);
static void start(dr *d, bool planned, uint32_t want, const char *why);
static void abort_failover(dr *d, const char *why);
static void go_verify(dr *d);

static const char *const ROLE_NAMES[DR_ROLE_COUNT] = {
    [DR_PRIMARY] = "primary", [DR_SECONDARY] = "secondary", [DR_RECOVERING] = "recovering",
    [DR_SYNCING] = "syncing", [DR_FENCED] = "fenced",
};

const char *dr_role_name(dr_role role) { return ROLE_NAMES[role]; }

static const char *name_of(const dr *d, uint32_t r)
{
    return r == NO_REGION ? "(none)" : d->scn->regions[r].name;
}

/* kind is a string literal ("failover.<step>"): the event log keeps the pointer. */
static void event(dr *d, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void event(dr *d, const char *kind, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    d->hooks.event(d->hooks.ctx, sim_now(d->e), kind, detail);
}

/* Room for element n of an array that grows by doubling; running out of memory in the
 * middle of a run is not an error a run can report. */
static void grow(void *pp, size_t *cap, size_t n, size_t sz, const char *what)
{
    if (sim_grow(pp, cap, n, sz) < 0)
        sim_panic("out of memory growing the %s past %zu", what, n);
}

/* --- create ------------------------------------------------------------------------ */

static announcement *new_announcement(dr *d, uint32_t primary, uint32_t old, bool graceful)
{
    grow(&d->anns, &d->anns_cap, d->nanns, sizeof *d->anns, "announcements");
    announcement *a = &d->anns[d->nanns++];
    *a = (announcement){.epoch = d->epoch, .primary = primary, .old = old,
                        .graceful = graceful, .nfences = d->nfences};
    return a;
}

int dr_new(sim_engine *e, net *n, const scn_scenario *s, const scn_pattern *p, const topo *t,
           region *const *regions, repl *rp, health *h, route *rt, const dr_hooks *hooks,
           dr **out, sim_err *err)
{
    (void)t;
    if (s->nregions < 2)
        return sim_err_set(err, SIM_EINVAL, NULL, "a failover controller needs two regions");
    dr *d = sim_calloc(1, sizeof *d);
    region_state *rs = sim_calloc(s->nregions, sizeof *rs);
    if (!d || !rs) {
        sim_free(d);
        sim_free(rs);
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the failover "
                           "controller");
    }
    *d = (dr){.e = e, .net = n, .scn = s, .cfg = &s->failover, .regions = regions, .repl = rp,
              .health = h, .route = rt, .hooks = *hooks, .nregions = (uint32_t)s->nregions,
              .rs = rs};
    d->primary = (uint32_t)p->primary;
    d->ctl = s->failover.controller >= 0 ? (uint32_t)s->failover.controller
                                         : (d->primary == 0 ? 1 : 0);
    for (uint32_t r = 0; r < d->nregions; r++)
        d->rs[r] = (region_state){.role = r == d->primary ? DR_PRIMARY : DR_SECONDARY,
                                  .primary = d->primary, .sync_from = NO_REGION};
    new_announcement(d, d->primary, NO_REGION, true);
    repl_set_stale_hook(rp, on_stale, d);
    *out = d;
    return 0;
}

void dr_free(dr *d)
{
    if (!d)
        return;
    sim_free(d->msgs);
    sim_free(d->anns);
    sim_free(d->fences);
    sim_free(d->rs);
    sim_free(d);
}

/* --- messages ---------------------------------------------------------------------- */

static void send_sized(dr *d, msg_kind kind, uint32_t from, uint32_t to, uint64_t a,
                       uint64_t b, uint32_t op)
{
    if (region_is_down(d->regions[from]))
        return;                               /* a dead process sends nothing */
    grow(&d->msgs, &d->msgs_cap, d->nmsgs, sizeof *d->msgs, "control messages");
    d->msgs[d->nmsgs] = (msg){kind, from, to, op, a, b};
    net_send(d->net, from, to, on_message, d, d->nmsgs++);
}

/* A region's message; replies carry the op of the step they answer. */
static void send(dr *d, msg_kind kind, uint32_t from, uint32_t to, uint64_t a, uint64_t b,
                 uint32_t op)
{
    send_sized(d, kind, from, to, a, b, op);
}

static void ctl_send(dr *d, msg_kind kind, uint32_t to, uint64_t a, uint64_t b)
{
    send_sized(d, kind, d->ctl, to, a, b, d->op);
}

static void arm_step(dr *d, sim_time after)
{
    sim_after(d->e, after, on_step_timeout, d, d->op);
}

/* --- the regions ------------------------------------------------------------------- */

static void set_role(dr *d, uint32_t r, dr_role role)
{
    dr_role was = d->rs[r].role;
    if (was == role)
        return;
    d->rs[r].role = role;
    event(d, "failover.role", "%s: %s -> %s", name_of(d, r), ROLE_NAMES[was], ROLE_NAMES[role]);
    d->hooks.roles_changed(d->hooks.ctx, sim_now(d->e));
}

static void set_epoch(dr *d, uint32_t r, uint32_t epoch)
{
    d->rs[r].epoch = epoch;
    repl_set_epoch(d->repl, r, epoch);
}

static void arm_region_timer(dr *d, uint32_t r, sim_time after)
{
    d->rs[r].gen++;
    sim_after(d->e, after, on_region_timer, d, (uint64_t)d->rs[r].gen << 8 | r);
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
    send(d, M_SYNC_REQ, r, from, 0, 0, 0);
    /* The snapshot is as large as this region's own store; ask again only after it should
     * have arrived. */
    uint64_t bytes = repl_resync_bytes(d->repl, r);
    arm_region_timer(d, r, 2 * d->cfg->step_timeout + 2 * snapshot_time(d, bytes));
}

static void ask_controller(dr *d, uint32_t r)
{
    send(d, M_REJOIN, r, d->ctl, 0, 0, 0);
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
    if (a->primary == r) {                    /* still, or again, the primary */
        set_role(d, r, DR_PRIMARY);
        return;
    }
    if (r == a->old && !a->graceful && d->cfg->fence) {
        set_role(d, r, DR_FENCED);            /* a primary that was lost stays out */
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
static uint64_t promote_arg(uint32_t epoch, bool planned, bool rollback, uint32_t old)
{
    return (uint64_t)epoch << 32 | (uint64_t)rollback << 17 | (uint64_t)planned << 16 | old;
}

/* Region r carries out promote m: it becomes primary at the promote's epoch, fencing the old
 * primary's log where it has got to. A drill's target first waits until it has the old
 * primary's last write, for at most step_timeout. A promote to an epoch this region has
 * passed is stale and ignored; the one that made it primary is answered again. */
static void promote(dr *d, uint32_t r, const msg *m, sim_time since)
{
    sim_time now = sim_now(d->e);
    uint32_t epoch = (uint32_t)(m->a >> 32), old = (uint32_t)(m->a & 0xffff);
    bool planned = (m->a >> 16) & 1, rollback = (m->a >> 17) & 1;
    region_state *s = &d->rs[r];
    if (epoch == s->epoch && s->role == DR_PRIMARY && s->primary == r) {
        send(d, M_PROMOTED, r, m->from, s->promoted_fence, s->promoted_next, m->op);
        return;
    }
    if (epoch <= s->epoch)
        return;
    if (m->b && repl_position(d->repl, r, old) < m->b && now - since < d->cfg->step_timeout) {
        s->promoting = true;
        s->pending = *m;
        s->pending_since = since;
        arm_region_timer(d, r, CATCH_UP_POLL);
        return;
    }
    s->promoting = false;
    uint64_t fence = repl_position(d->repl, r, old);
    s->promoted_fence = fence;
    s->promoted_next = repl_position(d->repl, r, r) + 1;
    /* Its own fence on the old primary's log, in force before any announcement. */
    repl_add_fence(d->repl, r, (repl_fence){.origin = old, .epoch = epoch, .after = fence});
    set_epoch(d, r, epoch);
    s->primary = r;
    set_role(d, r, DR_PRIMARY);
    d->hooks.promoted(d->hooks.ctx, now, old, r, fence, planned, rollback);
    send(d, M_PROMOTED, r, m->from, fence, s->promoted_next, m->op);
}

static void region_receive(dr *d, const msg *m, uint64_t idx)
{
    uint32_t r = m->to;
    region_state *s = &d->rs[r];
    switch (m->kind) {
    case M_DEMOTE:
        if (s->role == DR_PRIMARY || s->role == DR_RECOVERING)
            set_role(d, r, DR_SECONDARY);
        send(d, M_DEMOTED, r, m->from, repl_position(d->repl, r, r), 0, m->op);
        break;
    case M_STATUS:
        send(d, M_STATUS_REPLY, r, m->from, repl_position(d->repl, r, (uint32_t)m->a),
             s->role, m->op);
        break;
    case M_PROMOTE:
        promote(d, r, m, sim_now(d->e));
        break;
    case M_VERIFY:
        send(d, M_VERIFY_REPLY, r, m->from, s->role, s->epoch, m->op);
        break;
    case M_ANNOUNCE:
        adopt(d, r, &d->anns[m->a]);
        send(d, M_ANNOUNCE_ACK, r, m->from, d->anns[m->a].epoch, 0, m->op);
        break;
    case M_SYNC_REQ:
        /* The source serves a snapshot only while it is the primary; otherwise the
         * requester's timer asks again. */
        if (s->role == DR_PRIMARY) {
            uint64_t bytes = repl_resync(d->repl, m->from, r);
            d->msgs[idx] = (msg){M_SYNC_DONE, r, m->from, m->op, bytes, 0};   /* reused */
            sim_after(d->e, snapshot_time(d, bytes), on_snapshot_sent, d, idx);
        }
        break;
    case M_SYNC_DONE:
        if (s->role == DR_SYNCING && s->sync_from == m->from) {
            s->sync_from = NO_REGION;
            repl_rewind(d->repl, r);          /* every origin: send again from here */
            d->hooks.resynced(d->hooks.ctx, r);
            set_role(d, r, DR_SECONDARY);
        }
        break;
    default:
        break;
    }
}

static void on_snapshot_sent(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr *d = ctx;
    const msg *m = &d->msgs[arg];
    if (!region_is_down(d->regions[m->from]))
        net_send_sized(d->net, m->from, m->to, m->a, on_message, d, arg);   /* the snapshot */
}

static void on_region_timer(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr *d = ctx;
    uint32_t r = (uint32_t)(arg & 0xff);
    region_state *s = &d->rs[r];
    if ((uint32_t)(arg >> 8) != s->gen || region_is_down(d->regions[r]))
        return;
    if (s->promoting) {
        msg m = s->pending;
        promote(d, r, &m, s->pending_since);
    } else if (s->role == DR_RECOVERING) {
        ask_controller(d, r);
    } else if (s->role == DR_SYNCING) {
        start_sync(d, r, s->primary);         /* the primary may have changed meanwhile */
    }
}

/* A replica voided what region 'origin' sent: it knows a newer primary. A primary that
 * hears so stops taking writes and asks the controller what it is. */
static void on_stale(void *ctx, uint32_t origin, uint32_t target)
{
    dr *d = ctx;
    if (d->rs[origin].role != DR_PRIMARY)
        return;
    event(d, "failover.stale", "%s: %s voids its writes; it stops taking them",
          name_of(d, origin), name_of(d, target));
    set_role(d, origin, DR_RECOVERING);
    ask_controller(d, origin);
}

void dr_region_watch(void *dr_ctx, sim_time t, uint32_t r, bool up)
{
    (void)t;
    dr *d = dr_ctx;
    if (!up)
        return;
    region_state *s = &d->rs[r];
    s->promoting = false;                     /* a crash forgets a pending promote */
    if (r == d->ctl && d->phase != P_IDLE) {
        if (d->phase == P_PROMOTE) {
            /* The promote may have taken effect: send it again (it is idempotent). */
            event(d, "failover.resume", "the controller restarted; promoting %s again",
                  name_of(d, d->rolling_back ? d->old : d->target));
            go_promote(d, d->rolling_back ? d->old : d->target,
                       d->rolling_back ? d->target : d->old);
        } else if (d->phase > P_PROMOTE) {
            /* Promoted and announced already: check the result. */
            event(d, "failover.resume", "the controller restarted; verifying %s",
                  name_of(d, d->target));
            go_verify(d);
        } else {
            abort_failover(d, "the controller restarted during a failover");
        }
    }
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

/* --- the controller ----------------------------------------------------------------- */


/* The newest announcement to every region that has not acknowledged it. */
static void announce(dr *d)
{
    const announcement *a = &d->anns[d->nanns - 1];
    for (uint32_t r = 0; r < d->nregions; r++)
        if (d->acked[r] < a->epoch)
            ctl_send(d, M_ANNOUNCE, r, d->nanns - 1, 0);
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
    event(d, "failover.abort", "%s; %s stays primary", why, name_of(d, d->old));
    d->quiet_until = sim_now(d->e) + d->cfg->cooldown;
    d->primary = d->old;
    d->epoch++;
    new_announcement(d, d->old, NO_REGION, true);
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
    d->started = sim_now(d->e);
    d->old_answered = false;
    d->old_last = 0;
    if (planned)
        event(d, "failover.detect", "drill: planned failover away from %s", name_of(d, d->old));
    else if (why)
        event(d, "failover.detect", "%s: %s", name_of(d, d->old), why);
    else
        event(d, "failover.detect", "primary %s unhealthy in the health view (%u checkers see "
              "it down)", name_of(d, d->old), health_votes_down(d->health, d->old));
    d->phase = P_DEMOTE;
    d->op++;
    ctl_send(d, M_DEMOTE, d->old, 0, 0);
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
        if (!health_is_healthy(d->health, r))
            continue;
        ctl_send(d, M_STATUS, r, d->old, 0);
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
    const scn_region *ra = &d->scn->regions[a], *rb = &d->scn->regions[b];
    return topo_distance_km(ra->lat, ra->lon, rb->lat, rb->lon);
}

static void candidate(dr *d, uint32_t r, uint64_t pos, dr_role role)
{
    if (role != DR_SECONDARY)
        return;                               /* syncing or fenced replicas are not ready */
    bool better = d->best == NO_REGION || pos > d->best_pos ||
                  (pos == d->best_pos &&
                   km_between(d, r, d->old) < km_between(d, d->best, d->old));
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
        event(d, "failover.select", "target %s: has %s's log up to %llu of %llu",
              name_of(d, d->best), name_of(d, d->old), (unsigned long long)d->best_pos,
              (unsigned long long)d->old_last);
    else
        event(d, "failover.select", "target %s: has %s's log up to %llu (the old primary's "
              "end is unknown)", name_of(d, d->best), name_of(d, d->old),
              (unsigned long long)d->best_pos);
    go_promote(d, d->best, d->old);
}

/* Promote 'target' in place of 'old' (in a rollback: the old primary in place of the
 * failed target). */
static void go_promote(dr *d, uint32_t target, uint32_t old)
{
    d->phase = P_PROMOTE;
    d->op++;
    d->target = d->rolling_back ? d->target : target;
    bool planned = d->planned && !d->rolling_back;
    uint64_t catch_up = planned && d->old_answered ? d->old_last : 0;
    ctl_send(d, M_PROMOTE, target, promote_arg(d->epoch + 1, planned, d->rolling_back, old),
             catch_up);
    arm_step(d, 3 * d->cfg->step_timeout);    /* a drill's catch-up may take one */
}

/* The promote took effect: record the fence, announce the new primary to every region at
 * once (so that replicas learn the fence, and a primary promoted again is known as such,
 * as early as possible), and point DNS at it. */
static void promoted(dr *d, uint32_t primary, uint32_t replaced, uint64_t fence)
{
    d->epoch++;
    grow(&d->fences, &d->fences_cap, d->nfences, sizeof *d->fences, "fences");
    d->fences[d->nfences++] = (repl_fence){.origin = replaced, .epoch = d->epoch,
                                           .after = fence};
    new_announcement(d, primary, replaced, !d->rolling_back && d->old_answered);
    d->acked[primary] = d->epoch;
    d->primary = primary;
    route_set_primary(d->route, primary, sim_now(d->e));
    announce(d);
    if (d->rolling_back) {
        event(d, "failover.rollback", "%s is primary again at epoch %u; DNS points back at it",
              name_of(d, primary), d->epoch);
        d->rollbacks++;
        d->quiet_until = sim_now(d->e) + d->cfg->cooldown;
        go_idle(d);
        return;
    }
    d->failovers++;
    event(d, "failover.promote", "%s is primary at epoch %u; %s's log fenced after entry %llu",
          name_of(d, primary), d->epoch, name_of(d, replaced), (unsigned long long)fence);
    char ttl[32];
    sim_time_format(d->scn->dns.ttl, ttl, sizeof ttl);
    event(d, "failover.dns", "DNS answers %s (TTL %s)", name_of(d, primary), ttl);
    d->phase = P_PROPAGATE;
    d->op++;
    arm_step(d, d->scn->dns.ttl);
}

static void go_verify(dr *d)
{
    d->phase = P_VERIFY;
    d->op++;
    ctl_send(d, M_VERIFY, d->target, 0, 0);
    arm_step(d, d->cfg->step_timeout);
}

/* Verification failed. Going back to the old primary helps only if it is there: otherwise
 * the failed target is the primary to fail over from, at once. */
static void verify_failed(dr *d, const char *why)
{
    event(d, "failover.verify", "failed: %s", why);
    if (!d->old_answered || !health_is_healthy(d->health, d->old)) {
        event(d, "failover.abort", "%s is not there to go back to; failing over from %s",
              name_of(d, d->old), name_of(d, d->target));
        go_idle(d);
        start(d, false, NO_REGION, why);      /* d->primary is the target now */
        return;
    }
    d->rolling_back = true;
    go_promote(d, d->old, d->target);
}

static void ctl_receive(dr *d, const msg *m)
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
            ctl_send(d, M_ANNOUNCE, m->from, d->nanns - 1, 0);
        return;
    }
    if (m->op != d->op)
        return;                               /* an answer to a step already over */
    switch (m->kind) {
    case M_DEMOTED:
        if (d->phase == P_DEMOTE) {
            d->old_answered = true;
            d->old_last = m->a;
            event(d, "failover.demote", "%s stopped taking writes after entry %llu",
                  name_of(d, d->old), (unsigned long long)m->a);
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
        if ((dr_role)m->a == DR_PRIMARY && m->b == d->epoch &&
            health_is_healthy(d->health, d->target)) {
            event(d, "failover.verify", "%s answers as primary and is healthy",
                  name_of(d, d->target));
            event(d, "failover.done", "%s -> %s in %.1fs", name_of(d, d->old),
                  name_of(d, d->target), sim_time_s(sim_now(d->e) - d->started));
            go_idle(d);
        } else {
            verify_failed(d, (dr_role)m->a != DR_PRIMARY ? "the target does not answer as "
                          "primary" : "the target is unhealthy");
        }
        break;
    default:
        break;
    }
}

static void on_step_timeout(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr *d = ctx;
    if ((uint32_t)arg != d->op || region_is_down(d->regions[d->ctl]))
        return;                               /* stale, or the controller's process died */
    switch (d->phase) {
    case P_DEMOTE:
        event(d, "failover.demote", "%s did not answer (unreachable or down); going on",
              name_of(d, d->old));
        go_select(d);
        break;
    case P_SELECT:
        choose(d);
        break;
    case P_PROMOTE:
        if (d->rolling_back) {
            /* The target stays primary as announced; it is unhealthy, so the next check
             * fails over from it, after the cooldown. */
            event(d, "failover.rollback", "%s did not answer; %s stays primary",
                  name_of(d, d->old), name_of(d, d->target));
            d->quiet_until = sim_now(d->e) + d->cfg->cooldown;
            go_idle(d);
        } else {
            event(d, "failover.promote", "%s did not answer", name_of(d, d->target));
            abort_failover(d, "the target was not promoted");
        }
        break;
    case P_PROPAGATE:
        event(d, "failover.propagate", "one TTL has passed since the DNS update");
        go_verify(d);
        break;
    case P_VERIFY:
        verify_failed(d, "the target did not answer");
        break;
    default:
        break;
    }
}

static void on_message(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr *d = ctx;
    msg m = d->msgs[arg];                     /* a copy: handlers may grow the records */
    if (region_is_down(d->regions[m.to]))
        return;                               /* a down region hears nothing */
    switch (m.kind) {
    case M_DEMOTED: case M_STATUS_REPLY: case M_PROMOTED: case M_VERIFY_REPLY:
    case M_ANNOUNCE_ACK: case M_REJOIN:
        ctl_receive(d, &m);
        break;
    default:
        region_receive(d, &m, arg);
    }
}

static void on_tick(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    dr *d = ctx;
    sim_after(e, d->cfg->check_every, on_tick, d, 0);
    if (region_is_down(d->regions[d->ctl]))
        return;                               /* the controller's process is down */
    announce(d);                              /* to whoever has not answered yet */
    if (d->phase != P_IDLE)
        return;
    if (d->cfg->automatic && sim_now(e) >= d->quiet_until &&
        !health_is_healthy(d->health, d->primary))
        start(d, false, NO_REGION, NULL);
}

void dr_start(dr *d)
{
    sim_after(d->e, d->cfg->check_every, on_tick, d, 0);
}

void dr_drill(void *dr_ctx, sim_time t, uint32_t to)
{
    (void)t;
    dr *d = dr_ctx;
    if (region_is_down(d->regions[d->ctl]))
        return;
    if (d->phase != P_IDLE) {
        event(d, "failover.abort", "drill ignored: a failover is in progress");
        return;
    }
    if (to == d->primary) {
        event(d, "failover.abort", "drill ignored: %s is already primary", name_of(d, to));
        return;
    }
    start(d, true, to, NULL);
}

/* --- query --------------------------------------------------------------------------- */

dr_role dr_role_of(const dr *d, uint32_t region) { return d->rs[region].role; }

bool dr_takes_writes(const dr *d, uint32_t region)
{
    return d->rs[region].role == DR_PRIMARY;
}

bool dr_serves_reads(const dr *d, uint32_t region)
{
    dr_role r = d->rs[region].role;
    return r == DR_PRIMARY || r == DR_SECONDARY || r == DR_RECOVERING;
}

uint64_t dr_failovers(const dr *d) { return d->failovers; }
uint64_t dr_rollbacks(const dr *d) { return d->rollbacks; }
