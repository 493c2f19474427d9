/* dr.c - the failover module's regions: their roles and their handling of control messages
 * (the controller's steps are in dr-ctl.c).
 *
 * Control messages are few (a handful per failover, one announcement per region per check
 * while some region has not answered), so each is a record in a growing array and the
 * network carries its index; nothing here is on a request's path. A reply carries the op
 * (the controller's step) of the message it answers.
 *
 * Announcements are records too: the epoch, the primary, the primary it replaced (and
 * whether that one stepped down when asked), and how many of the controller's fences are in
 * force. Fences are only ever appended, so "the first n" names a list no one will change. A
 * region adopts the newest announcement it hears. */
#include "dr-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CATCH_UP_POLL        (10 * SIM_MS) /* a drill's target checks its progress */
#define SNAPSHOT_BYTES_PER_S 100e6         /* a resync's transfer rate, bytes/s */

static void on_message(sim_engine *e, void *ctx, uint64_t arg);
static void on_region_timer(sim_engine *e, void *ctx, uint64_t arg);
static void on_snapshot_sent(sim_engine *e, void *ctx, uint64_t arg);
static void on_stale(void *ctx, uint32_t origin, uint32_t target);
static void region_receive(dr *d, const msg *m, uint64_t idx);

static const char *const ROLE_NAMES[DR_ROLE_COUNT] = {
    [DR_PRIMARY] = "primary", [DR_SECONDARY] = "secondary", [DR_RECOVERING] = "recovering",
    [DR_SYNCING] = "syncing", [DR_FENCED] = "fenced",
};

const char *dr_role_name(dr_role role) { return ROLE_NAMES[role]; }

const char *dr__name_of(const dr *d, uint32_t r)
{
    return r == NO_REGION ? "(none)" : d->scn->regions[r].name;
}

void dr__event(dr *d, const char *kind, const char *fmt, ...)
{
    char    detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    d->hooks.event(d->hooks.ctx, sim_now(d->e), kind, detail);
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

int dr_new(sim_engine *e, net *n, const scn_scenario *s, const scn_pattern *p, const topo *t,
           region *const *regions, repl *rp, health *h, route *rt, const dr_hooks *hooks, dr **out,
           sim_err *err)
{
    (void)t;
    if (s->nregions < 2)
        return sim_err_set(err, SIM_EINVAL, NULL, "a failover controller needs two regions");
    dr           *d = sim_calloc(1, sizeof *d);
    region_state *rs = sim_calloc(s->nregions, sizeof *rs);
    if (!d || !rs) {
        sim_free(d);
        sim_free(rs);
        return sim_err_set(err, SIM_ENOMEM, NULL,
                           "out of memory building the failover "
                           "controller");
    }
    *d = (dr){ .e = e,
               .net = n,
               .scn = s,
               .cfg = &s->failover,
               .regions = regions,
               .repl = rp,
               .health = h,
               .route = rt,
               .hooks = *hooks,
               .nregions = (uint32_t)s->nregions,
               .rs = rs };
    d->primary = (uint32_t)p->primary;
    d->ctl = s->failover.controller >= 0 ? (uint32_t)s->failover.controller
                                         : (d->primary == 0 ? 1 : 0);
    for (uint32_t r = 0; r < d->nregions; r++)
        d->rs[r] = (region_state){ .role = r == d->primary ? DR_PRIMARY : DR_SECONDARY,
                                   .primary = d->primary,
                                   .sync_from = NO_REGION };
    dr__new_announcement(d, d->primary, NO_REGION, true);
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

static void send_sized(dr *d, msg_kind kind, uint32_t from, uint32_t to, uint64_t a, uint64_t b,
                       uint32_t op)
{
    if (region_is_down(d->regions[from]))
        return; /* a dead process sends nothing */
    dr__grow(&d->msgs, &d->msgs_cap, d->nmsgs, sizeof *d->msgs, "control messages");
    d->msgs[d->nmsgs] = (msg){ kind, from, to, op, a, b };
    net_stream_send(d->net, from, to, NET_HEADER_BYTES, on_message, d, d->nmsgs++);
}

/* A region's message; replies carry the op of the step they answer. */
void dr__send(dr *d, msg_kind kind, uint32_t from, uint32_t to, uint64_t a, uint64_t b, uint32_t op)
{
    send_sized(d, kind, from, to, a, b, op);
}

void dr__ctl_send(dr *d, msg_kind kind, uint32_t to, uint64_t a, uint64_t b)
{
    send_sized(d, kind, d->ctl, to, a, b, d->op);
}

static void on_message(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr *d = ctx;
    msg m = d->msgs[arg]; /* a copy: handlers may grow the records */
    if (region_is_down(d->regions[m.to]))
        return; /* a down region hears nothing */
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
        region_receive(d, &m, arg);
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
    sim_time      now = sim_now(d->e);
    uint32_t      epoch = (uint32_t)(m->a >> 32), old = (uint32_t)(m->a & 0xffff);
    bool          planned = (m->a >> 16) & 1, rollback = (m->a >> 17) & 1;
    region_state *s = &d->rs[r];
    if (epoch == s->epoch && s->role == DR_PRIMARY && s->primary == r) {
        dr__send(d, M_PROMOTED, r, m->from, s->promoted_fence, s->promoted_next, m->op);
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
    repl_add_fence(d->repl, r, (repl_fence){ .origin = old, .epoch = epoch, .after = fence });
    set_epoch(d, r, epoch);
    s->primary = r;
    set_role(d, r, DR_PRIMARY);
    d->hooks.promoted(d->hooks.ctx, now, old, r, fence, planned, rollback);
    dr__send(d, M_PROMOTED, r, m->from, fence, s->promoted_next, m->op);
}

static void region_receive(dr *d, const msg *m, uint64_t idx)
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
        promote(d, r, m, sim_now(d->e));
        break;
    case M_VERIFY:
        dr__send(d, M_VERIFY_REPLY, r, m->from, s->role, s->epoch, m->op);
        break;
    case M_ANNOUNCE:
        adopt(d, r, &d->anns[m->a]);
        dr__send(d, M_ANNOUNCE_ACK, r, m->from, d->anns[m->a].epoch, 0, m->op);
        break;
    case M_SYNC_REQ:
        /* The source serves a snapshot only while it is the primary; otherwise the
         * requester's timer asks again. */
        if (s->role == DR_PRIMARY) {
            uint64_t bytes = repl_resync(d->repl, m->from, r);
            d->msgs[idx] = (msg){ M_SYNC_DONE, r, m->from, m->op, bytes, 0 }; /* reused */
            sim_after(d->e, snapshot_time(d, bytes), on_snapshot_sent, d, idx);
        }
        break;
    case M_SYNC_DONE:
        if (s->role == DR_SYNCING && s->sync_from == m->from) {
            s->sync_from = NO_REGION;
            repl_rewind(d->repl, r); /* every origin: send again from here */
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
    dr        *d = ctx;
    const msg *m = &d->msgs[arg];
    if (!region_is_down(d->regions[m->from]))
        net_stream_send(d->net, m->from, m->to, m->a, on_message, d, arg); /* the snapshot */
}

static void on_region_timer(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    dr           *d = ctx;
    uint32_t      r = (uint32_t)(arg & 0xff);
    region_state *s = &d->rs[r];
    if ((uint32_t)(arg >> 8) != s->gen || region_is_down(d->regions[r]))
        return;
    if (s->promoting) {
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

void dr_region_watch(void *dr_ctx, sim_time t, uint32_t r, bool up)
{
    (void)t;
    dr *d = dr_ctx;
    if (!up)
        return;
    region_state *s = &d->rs[r];
    s->promoting = false; /* a crash forgets a pending promote */
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
