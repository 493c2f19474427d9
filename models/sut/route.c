/* route.c - DNS answers per (client, operation), recomputed from the health view.
 *
 * Each answer is a small record (region, version, time of the last change), so resolving is
 * a lookup for the primary and nearest policies; only scored, whose inputs move with every
 * probe, is recomputed at each resolution. */
#include "route.h"

typedef struct answer {
    uint32_t region;     /* or ROUTE_NONE */
    uint64_t version;    /* bumped at every change */
    sim_time changed_at; /* ns */
} answer;

struct route {
    const scn_dns     *dns;
    route_geo          geo;
    const scn_pattern *pat;
    env               *env;
    health_view       *view;  /* the DNS service's; NULL: every region healthy */
    uint32_t           epoch; /* of the newest DNS update applied */
    scn_policy         policy[SCN_OP_COUNT];
    uint32_t           primary;
    bool               managed; /* the failover controller moves the primary */
    answer            *answers; /* clients x SCN_OP_COUNT */
};

static bool healthy(const route *r, uint32_t region)
{
    /* Unknown is not down: the DNS service stops answering a region only on evidence. */
    return !r->view || health_view_verdict(r->view, region) != HEALTH_DOWN;
}

static uint32_t answer_primary(const route *r)
{
    /* Under a failover controller DNS follows the controller, not the health view: sending
     * writes to a healthy secondary that refuses them would help nobody. */
    if (r->managed || healthy(r, r->primary))
        return r->primary;
    for (uint32_t i = 0; i < r->geo.nregions; i++)
        if (healthy(r, i))
            return i;
    return ROUTE_NONE;
}

static uint32_t answer_nearest(const route *r, uint32_t client)
{
    for (uint32_t k = 0; k < r->geo.nregions; k++) {
        uint32_t region = route_geo_nearest(&r->geo, client, k);
        if (healthy(r, region))
            return region;
    }
    return ROUTE_NONE;
}

/* Lowest score among the three nearest healthy regions; ties to the nearer. */
static uint32_t answer_scored(const route *r, uint32_t client)
{
    const scn_dns *d = r->dns;
    uint32_t       cand[3];
    double         km[3], rtt[3], fail[3];
    size_t         n = 0;
    for (uint32_t k = 0; k < r->geo.nregions && n < 3; k++) {
        uint32_t region = route_geo_nearest(&r->geo, client, k);
        if (!healthy(r, region))
            continue;
        cand[n] = region;
        km[n] = (double)r->geo.rtt[(size_t)client * r->geo.nregions + region];
        rtt[n] = r->view ? health_view_rtt_ms(r->view, region) : 0;
        fail[n] = r->view ? health_view_failure_rate(r->view, region) : 0;
        n++;
    }
    if (n == 0)
        return ROUTE_NONE;
    double max_km = 0, max_rtt = 0;
    for (size_t i = 0; i < n; i++) {
        max_km = km[i] > max_km ? km[i] : max_km;
        max_rtt = rtt[i] > max_rtt ? rtt[i] : max_rtt;
    }
    size_t best = 0;
    double best_score = 0;
    for (size_t i = 0; i < n; i++) {
        double score = d->w_distance * (max_km > 0 ? km[i] / max_km : 0)
            + d->w_latency * (max_rtt > 0 ? rtt[i] / max_rtt : 0) + d->w_reliability * fail[i];
        if (i == 0 || score < best_score) {
            best = i;
            best_score = score;
        }
    }
    return cand[best];
}

static uint32_t compute(const route *r, uint32_t client, scn_op op)
{
    switch (r->policy[op]) {
    case SCN_POLICY_PRIMARY:
        return answer_primary(r);
    case SCN_POLICY_SCORED:
        return answer_scored(r, client);
    default:
        return answer_nearest(r, client);
    }
}

static void refresh(route *r, uint32_t client, scn_op op, sim_time now)
{
    answer  *a = &r->answers[client * SCN_OP_COUNT + op];
    uint32_t region = compute(r, client, op);
    if (region != a->region) {
        a->region = region;
        a->version++;
        a->changed_at = now;
    }
}

static void on_view_change(void *ctx, uint32_t target, health_verdict now)
{
    (void)target;
    (void)now;
    route *r = ctx;
    route_health_changed(r, env_now(r->env));
}

/* The failover controller's DNS change reached the service. Updates carry the controller's
 * epoch, so one that arrives after a newer one changes nothing. */
static void on_dns_update(env *e, void *ctx, const env_msg *m)
{
    route                  *r = ctx;
    const route_dns_update *u = ENV_PAYLOAD(m, const route_dns_update);
    if (u->epoch < r->epoch)
        return;
    r->epoch = u->epoch;
    route_set_primary(r, u->primary, env_now(e));
}

int route_new(env *e, const scn_dns *dns, const scn_pattern *p, bool managed, const route_geo *geo,
              health *h, route **out, sim_err *err)
{
    route *r = sim_calloc(1, sizeof *r);
    if (!r
        || !(r->answers = sim_calloc((size_t)geo->nclients * SCN_OP_COUNT, sizeof *r->answers))) {
        route_free(r);
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the router");
    }
    r->dns = dns;
    r->geo = *geo;
    r->pat = p;
    r->env = e;
    if (h && health_subscribe(h, ENV_DNS, on_view_change, r, &r->view) < 0) {
        route_free(r);
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory building the router");
    }
    env_listen(e, ENV_MSG_DNS_UPDATE, on_dns_update, r);
    scn_policy chosen = dns->policy;
    if (chosen == SCN_POLICY_DEFAULT)
        chosen = SCN_POLICY_NEAREST;
    r->managed = managed;
    if (p->kind == SCN_PATTERN_ACTIVE_PASSIVE)
        chosen = SCN_POLICY_PRIMARY; /* everything goes to the one primary */
    r->policy[SCN_READ] = chosen;
    r->policy[SCN_WRITE] = p->kind == SCN_PATTERN_READ_LOCAL ? SCN_POLICY_PRIMARY : chosen;
    /* A pattern with a primary of its own keeps it; routing.primary names one for the
     * others (and region 0 is the fallback). */
    r->primary = p->primary >= 0 ? (uint32_t)p->primary
        : dns->primary >= 0      ? (uint32_t)dns->primary
                                 : 0;
    for (uint32_t c = 0; c < geo->nclients; c++)
        for (int op = 0; op < SCN_OP_COUNT; op++) {
            r->answers[c * SCN_OP_COUNT + op].region = ROUTE_NONE;
            refresh(r, c, (scn_op)op, 0);
        }
    *out = r;
    return 0;
}

void route_free(route *r)
{
    if (!r)
        return;
    sim_free(r->answers);
    sim_free(r);
}

void route_set_primary(route *r, uint32_t region, sim_time now)
{
    r->primary = region;
    route_health_changed(r, now);
}

uint32_t route_primary(const route *r) { return r->primary; }

void route_health_changed(route *r, sim_time now)
{
    for (uint32_t c = 0; c < r->geo.nclients; c++)
        for (int op = 0; op < SCN_OP_COUNT; op++)
            refresh(r, c, (scn_op)op, now);
}

uint32_t route_answer(route *r, uint32_t client, scn_op op, sim_time now, uint64_t *version,
                      sim_time *changed_at)
{
    if (r->policy[op] == SCN_POLICY_SCORED)
        refresh(r, client, op, now);
    const answer *a = &r->answers[client * SCN_OP_COUNT + op];
    *version = a->version;
    *changed_at = a->changed_at;
    return a->region;
}

scn_policy route_policy(const route *r, scn_op op) { return r->policy[op]; }
