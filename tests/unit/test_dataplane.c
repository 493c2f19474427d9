/* test_dataplane.c - whole runs through the data plane: requests served at regions, writes
 * through the replicators, caches and routing by pattern, with the patterns built in code
 * (world_fixture.h) rather than loaded from files.
 *
 * The first test is a property test: scenarios drawn from a seeded generator (regions,
 * clients, rates, mixes, keys, fields, patterns, resolvers, clocks, replication settings and
 * faults), each run twice, must give the same figures bit for bit and satisfy the
 * accounting identities every run must: requests split exactly into outcomes, every
 * acknowledged write is final, overwritten or lost, a drained replicating run has no
 * divergent key. MRSIM_PROPERTY_SCENARIOS=N draws N scenarios instead of 30 (a longer hunt);
 * MRSIM_TEST_VERBOSE=1 prints each one's figures. The other tests check one behaviour each on
 * a scenario made for it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "rng.h"
#include "run.h"
#include "world_fixture.h"

static double metric(const run_result *r, run_scope scope, const char *key, const char *name)
{
    double v = NAN;
    if (!run_metric_find(r, scope, key, name, &v))
        fail_msg("no metric %s/%s/%s", run_scope_name(scope), key, name);
    return v;
}

static double total(const run_result *r, const char *name)
{
    return metric(r, RUN_SCOPE_ALL, "", name);
}

static run_result *run_pattern(const scn_scenario *s, const scn_pattern *p)
{
    run_result *r = NULL;
    sim_err     err = { 0 };
    run_options opts = { .pattern = p };
    int         rc = run_scenario(s, &opts, &r, &err);
    if (rc != 0)
        fail_msg("run_scenario: %s: %s", err.path, err.msg);
    return r;
}

/* --- the property test -------------------------------------------------------------- */

#define PROPERTY_SCENARIOS 30

/* Uniform in [lo, hi]. */
static uint64_t draw_int(sim_rng *g, uint64_t lo, uint64_t hi)
{
    return lo + sim_rng_below(g, hi - lo + 1);
}

static double draw_real(sim_rng *g, double lo, double hi)
{
    return lo + (hi - lo) * sim_rng_uniform(g);
}

static sim_time draw_ms(sim_rng *g, uint64_t lo, uint64_t hi)
{
    return (sim_time)draw_int(g, lo, hi) * SIM_MS;
}

/* A random scenario and pattern; 'what' receives a one-line description for failures. */
static void draw_scenario(sim_rng *g, fixture *f, scn_pattern *p, char *what, size_t n)
{
    size_t nregions = (size_t)draw_int(g, 2, 4);
    fixture_init(f, nregions, (uint32_t)draw_int(g, 1, 8));
    scn_scenario *s = &f->s;
    s->seed = draw_int(g, 1, 1000000);
    s->duration = draw_ms(g, 5000, 20000);
    s->warmup = sim_rng_uniform(g) < 0.5 ? 0 : draw_ms(g, 0, 2000);
    s->data.fields = (uint32_t)draw_int(g, 1, 4);
    s->data.value_bytes = (uint32_t)draw_int(g, 1, 4096);
    s->data.drain = 2 * SIM_MIN;
    for (size_t i = 0; i < nregions; i++) {
        f->regions[i].lon = draw_real(g, -60, 60);
        f->regions[i].lat = draw_real(g, -40, 40);
        f->regions[i].service[SCN_READ] = fix_exponential_ms(draw_real(g, 0.2, 3));
        f->regions[i].service[SCN_WRITE] = fix_constant_ms(draw_real(g, 0.2, 5));
        if (sim_rng_uniform(g) < 0.2)
            f->regions[i].queue_limit = (uint32_t)draw_int(g, 0, 50);
    }
    s->network.base = draw_ms(g, 0, 5);
    s->network.has_jitter = sim_rng_uniform(g) < 0.5;
    s->network.jitter = fix_exponential_ms(draw_real(g, 0.1, 3));
    s->network.loss = sim_rng_uniform(g) < 0.2 ? draw_real(g, 0, 0.05) : 0;

    s->nclients = (size_t)draw_int(g, 1, 3);
    for (size_t i = 0; i < s->nclients; i++) {
        scn_client *c = &f->clients[i];
        c->at_region = sim_rng_uniform(g) < 0.7 ? (int32_t)draw_int(g, 0, nregions - 1) : -1;
        c->lat = c->at_region >= 0 ? f->regions[c->at_region].lat : draw_real(g, -40, 40);
        c->lon = c->at_region >= 0 ? f->regions[c->at_region].lon : draw_real(g, -60, 60);
        c->rate = draw_real(g, 50, 500);
        c->read_ratio = sim_rng_uniform(g);
        c->key_count = draw_int(g, 1, 200);
        c->key_zipf = sim_rng_uniform(g) < 0.5;
        c->key_s = draw_real(g, 0.5, 1.5);
        c->sessions = (uint32_t)draw_int(g, 1, 100);
        c->timeout = draw_ms(g, 200, 2000);
        c->retries = (uint32_t)draw_int(g, 0, 3);
        c->backoff = draw_ms(g, 1, 100);
        c->field_mask = (uint8_t)((1u << s->data.fields) - 1);
        if (sim_rng_uniform(g) < 0.3) /* writes to a subset of the fields */
            c->field_mask = (uint8_t)(1u << draw_int(g, 0, s->data.fields - 1));
    }

    static const scn_pattern_kind kinds[] = { SCN_PATTERN_ACTIVE_ACTIVE, SCN_PATTERN_READ_LOCAL,
                                              SCN_PATTERN_INDEPENDENT, SCN_PATTERN_ACTIVE_PASSIVE };
    fixture_pattern(p, kinds[draw_int(g, 0, 3)]);
    p->resolver = sim_rng_uniform(g) < 0.5 ? SCN_RESOLVER_LWW : SCN_RESOLVER_MERGE;
    p->clock = sim_rng_uniform(g) < 0.5 ? SCN_CLOCK_WALL : SCN_CLOCK_HLC;
    if (p->kind != SCN_PATTERN_INDEPENDENT) {
        p->replication.batch = draw_ms(g, 0, 100);
        p->replication.max_batch = (uint32_t)draw_int(g, 1, 500);
        p->replication.resend = draw_ms(g, 50, 2000);
    }
    if (p->kind == SCN_PATTERN_ACTIVE_ACTIVE && sim_rng_uniform(g) < 0.4) {
        p->replication.mode = SCN_REPL_SYNC;
        p->replication.quorum = (uint32_t)draw_int(g, 1, nregions);
        p->replication.timeout = draw_ms(g, 50, 500);
    }
    if (p->kind == SCN_PATTERN_READ_LOCAL) {
        p->primary = (int32_t)draw_int(g, 0, nregions - 1);
        p->ryw_window = draw_ms(g, 0, 5000);
        p->cache.enabled = sim_rng_uniform(g) < 0.7;
        p->cache.size = draw_int(g, 1, 100);
        p->cache.hit = fix_constant_ms(draw_real(g, 0.01, 0.5));
    }

    /* Faults, in order of their start as the loader leaves them. */
    size_t   nfaults = (size_t)draw_int(g, 0, FIX_FAULTS);
    sim_time at[FIX_FAULTS];
    for (size_t i = 0; i < nfaults; i++)
        at[i] = draw_ms(g, 0, (uint64_t)(s->duration / SIM_MS));
    for (size_t i = 1; i < nfaults; i++)
        for (size_t j = i; j > 0 && at[j - 1] > at[j]; j--) {
            sim_time t = at[j];
            at[j] = at[j - 1];
            at[j - 1] = t;
        }
    static const scn_fault_kind fkinds[]
        = { SCN_FAULT_PARTITION, SCN_FAULT_REGION_DOWN, SCN_FAULT_CLOCK_SKEW,
            SCN_FAULT_LINK_DEGRADE, SCN_FAULT_BROWNOUT };
    for (size_t i = 0; i < nfaults; i++) {
        sim_time   end = sim_rng_uniform(g) < 0.2 ? SIM_TIME_MAX : at[i] + draw_ms(g, 100, 10000);
        scn_fault *ft = fixture_fault(f, fkinds[draw_int(g, 0, 4)], at[i], end);
        ft->region = (uint32_t)draw_int(g, 0, nregions - 1);
        switch (ft->kind) {
        case SCN_FAULT_PARTITION:
            for (size_t r = 0; r < nregions; r++)
                ft->group_of[r] = (uint8_t)draw_int(g, 0, 1);
            break;
        case SCN_FAULT_CLOCK_SKEW:
            ft->offset = (sim_time)draw_int(g, 0, 400) * SIM_MS - 200 * SIM_MS;
            ft->drift_ppm = draw_real(g, -100, 100);
            break;
        case SCN_FAULT_LINK_DEGRADE:
            ft->region_b
                = (ft->region + 1 + (uint32_t)draw_int(g, 0, nregions - 2)) % (uint32_t)nregions;
            ft->loss = draw_real(g, 0, 0.6);
            ft->has_extra = sim_rng_uniform(g) < 0.5;
            ft->extra = fix_exponential_ms(draw_real(g, 1, 50));
            break;
        case SCN_FAULT_BROWNOUT:
            ft->factor = draw_real(g, 1, 5);
            break;
        default:
            break;
        }
    }
    snprintf(what, n,
             "seed %llu: %zu regions, %zu clients, %zu faults, %s %s%s, %s, %s, "
             "%u fields, %.1f s",
             (unsigned long long)s->seed, nregions, s->nclients, nfaults,
             scn_pattern_kind_name(p->kind),
             p->replication.mode == SCN_REPL_SYNC        ? "sync"
                 : p->replication.mode == SCN_REPL_ASYNC ? "async"
                                                         : "none",
             p->kind == SCN_PATTERN_READ_LOCAL && p->cache.enabled ? " cached" : "",
             p->resolver == SCN_RESOLVER_LWW ? "lww" : "merge",
             p->clock == SCN_CLOCK_WALL ? "wall" : "hlc", s->data.fields, sim_time_s(s->duration));
}

static bool is_count(const char *name)
{
    static const char *const counts[] = {
        "requests",
        "ok",
        "errors",
        "timeouts",
        "rejected",
        "failed",
        "reads",
        "stale_reads",
        "ryw_violations",
        "monotonic_violations",
        "writes_acked",
        "writes_final",
        "writes_overwritten",
        "lost_writes",
        "writes_unacked_applied",
        "conflicts",
        "divergent_keys_at_end",
        "divergent_keys",
        "repl_bytes",
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (strcmp(name, counts[i]) == 0)
            return true;
    return false;
}

static void assert_same_run(const run_result *a, const run_result *b, const char *what)
{
    if (a->nmetrics != b->nmetrics || a->events != b->events || a->simulated != b->simulated
        || a->nlog != b->nlog)
        fail_msg("%s: runs differ (%zu/%zu metrics, %llu/%llu events)", what, a->nmetrics,
                 b->nmetrics, (unsigned long long)a->events, (unsigned long long)b->events);
    for (size_t i = 0; i < a->nmetrics; i++) {
        const run_metric *x = &a->metrics[i], *y = &b->metrics[i];
        if (x->scope != y->scope || strcmp(x->key, y->key) != 0 || strcmp(x->name, y->name) != 0
            || memcmp(&x->value, &y->value, sizeof x->value) != 0)
            fail_msg("%s: metric %zu (%s) differs: %.17g vs %.17g", what, i, x->name, x->value,
                     y->value);
    }
    for (size_t i = 0; i < a->nlog; i++)
        if (a->log[i].t != b->log[i].t || strcmp(a->log[i].kind, b->log[i].kind) != 0
            || strcmp(a->log[i].detail, b->log[i].detail) != 0)
            fail_msg("%s: event %zu differs", what, i);
}

static void assert_invariants(const run_result *r, const scn_pattern *p, const char *what)
{
    for (size_t i = 0; i < r->nmetrics; i++) {
        const run_metric *m = &r->metrics[i];
        if (is_count(m->name) && !(m->value >= 0 && m->value == floor(m->value)))
            fail_msg("%s: %s %s %s = %.17g, expected a count", what, run_scope_name(m->scope),
                     m->key, m->name, m->value);
        if (strcmp(m->name, "availability") == 0 && !(m->value >= 0 && m->value <= 1))
            fail_msg("%s: %s %s availability %.17g", what, run_scope_name(m->scope), m->key,
                     m->value);
        /* Every request ends in exactly one outcome, in every scope. */
        if (strcmp(m->name, "requests") == 0) {
            double outcomes = metric(r, m->scope, m->key, "ok")
                + metric(r, m->scope, m->key, "timeouts") + metric(r, m->scope, m->key, "rejected")
                + metric(r, m->scope, m->key, "failed");
            if (outcomes != m->value)
                fail_msg("%s: %s %s: %.0f requests, %.0f outcomes", what, run_scope_name(m->scope),
                         m->key, m->value, outcomes);
        }
    }
    double acked = total(r, "writes_acked");
    double accounted
        = total(r, "writes_final") + total(r, "writes_overwritten") + total(r, "lost_writes");
    if (acked != accounted)
        fail_msg("%s: %.0f writes acked, %.0f final + overwritten + lost", what, acked, accounted);
    /* The oracle hears of exactly the measured successful requests. */
    if (acked != metric(r, RUN_SCOPE_OP, "write", "ok"))
        fail_msg("%s: %.0f writes acked, %.0f ok writes", what, acked,
                 metric(r, RUN_SCOPE_OP, "write", "ok"));
    if (total(r, "reads") != metric(r, RUN_SCOPE_OP, "read", "ok"))
        fail_msg("%s: %.0f oracle reads, %.0f ok reads", what, total(r, "reads"),
                 metric(r, RUN_SCOPE_OP, "read", "ok"));
    if (!(total(r, "stale_reads") <= total(r, "reads")))
        fail_msg("%s: %.0f stale of %.0f reads", what, total(r, "stale_reads"), total(r, "reads"));
    double drained = total(r, "drained");
    assert_true(drained == 0 || drained == 1);
    if (p->kind == SCN_PATTERN_INDEPENDENT) {
        assert_true(total(r, "repl_bytes") == 0);
        assert_true(total(r, "conflicts") == 0);
    } else if (drained == 1 && total(r, "divergent_keys") != 0) {
        /* Independent regions diverge by design; a replicating pattern must not once its
         * logs are empty. */
        fail_msg("%s: drained, yet %.0f divergent keys", what, total(r, "divergent_keys"));
    }
}

static void test_dp_random_scenarios_are_deterministic_and_consistent(void **state)
{
    (void)state;
    sim_rng *g = NULL;
    assert_int_equal(sim_rng_new(20261129, "test_dataplane/property", &g), 0);
    int drained = 0, replicating = 0, failed = 0, conflicted = 0, stale = 0, lost = 0, hits = 0;
    /* MRSIM_PROPERTY_SCENARIOS=N draws more scenarios (the first 30 are always the same). */
    int         count = PROPERTY_SCENARIOS;
    const char *more = getenv("MRSIM_PROPERTY_SCENARIOS");
    if (more && atoi(more) > count)
        count = atoi(more);
    for (int i = 0; i < count; i++) {
        fixture     f;
        scn_pattern p;
        char        what[256];
        draw_scenario(g, &f, &p, what, sizeof what);
        run_result *a = run_pattern(&f.s, &p);
        run_result *b = run_pattern(&f.s, &p);
        assert_same_run(a, b, what);
        assert_invariants(a, &p, what);
        if (getenv("MRSIM_TEST_VERBOSE"))
            print_message("%s: %.0f requests, avail %.3f, drained %.0f, divergent %.0f, "
                          "conflicts %.0f, lost %.0f, stale %.0f, failed %.0f, events %llu\n",
                          what, total(a, "requests"), total(a, "availability"), total(a, "drained"),
                          total(a, "divergent_keys"), total(a, "conflicts"),
                          total(a, "lost_writes"), total(a, "stale_reads"), total(a, "failed"),
                          (unsigned long long)a->events);
        if (p.kind != SCN_PATTERN_INDEPENDENT) {
            replicating++;
            drained += total(a, "drained") == 1;
        }
        failed += total(a, "failed") > 0;
        conflicted += total(a, "conflicts") > 0;
        stale += total(a, "stale_reads") > 0;
        lost += total(a, "lost_writes") > 0;
        hits += total(a, "cache_hit_rate") > 0;
        run_result_free(a);
        run_result_free(b);
    }
    /* The generator must exercise what the test is about: replication that drains, sync
     * writes that fail, conflicts, stale reads, lost writes and cache hits. */
    assert_true(replicating >= count / 2);
    assert_true(drained >= replicating / 2);
    assert_true(failed > 0 && conflicted > 0 && stale > 0 && lost > 0 && hits > 0);
    sim_rng_free(g);
}

/* --- routing and caches ------------------------------------------------------------- */

/* Read-local with the primary r1 and a client at r2: every write goes to r1; with no
 * read-your-writes window every read stays at r2. */
static void test_dp_read_local_writes_go_to_the_primary(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 4);
    f.clients[0].at_region = 2;
    f.clients[0].lon = 20;
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_READ_LOCAL);
    p.primary = 1;
    p.ryw_window = 0;

    f.clients[0].read_ratio = 0;
    run_result *r = run_pattern(&f.s, &p);
    double      requests = total(r, "requests");
    assert_true(requests > 800);
    assert_true(metric(r, RUN_SCOPE_REGION, "r1", "requests") == requests);
    assert_true(metric(r, RUN_SCOPE_REGION, "r0", "requests") == 0);
    assert_true(metric(r, RUN_SCOPE_REGION, "r2", "requests") == 0);
    assert_true(total(r, "availability") == 1.0);
    assert_true(total(r, "writes_acked") == requests);
    run_result_free(r);

    f.clients[0].read_ratio = 0.5;
    r = run_pattern(&f.s, &p);
    assert_true(metric(r, RUN_SCOPE_REGION, "r1", "requests")
                == metric(r, RUN_SCOPE_OP, "write", "requests"));
    assert_true(metric(r, RUN_SCOPE_REGION, "r2", "requests")
                == metric(r, RUN_SCOPE_OP, "read", "requests"));
    assert_true(metric(r, RUN_SCOPE_OP, "write", "requests") > 300);
    run_result_free(r);
}

/* A hot set of 10 keys read at the replica r1 (primary r0, rare writes): with the cache most
 * reads are hits served in 100 us instead of 1 ms of service, so the median read is faster;
 * without it there are no hits. */
static void test_dp_cache_serves_hot_reads_faster(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    f.clients[0].at_region = 1;
    f.clients[0].lon = 10;
    f.clients[0].read_ratio = 0.95;
    f.clients[0].key_count = 10;
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_READ_LOCAL);
    p.ryw_window = 0;

    run_result *cached = run_pattern(&f.s, &p);
    p.cache.enabled = false;
    run_result *plain = run_pattern(&f.s, &p);
    assert_true(total(cached, "cache_hit_rate") > 0.5);
    assert_true(total(plain, "cache_hit_rate") == 0);
    double hot = metric(cached, RUN_SCOPE_OP, "read", "p50_ms");
    double cold = metric(plain, RUN_SCOPE_OP, "read", "p50_ms");
    assert_true(hot < cold);
    assert_true(fabs(hot - 0.1) < 0.01);  /* a hit: the cache's 100 us */
    assert_true(fabs(cold - 1.0) < 0.01); /* the server's 1 ms */
    assert_true(total(cached, "availability") == 1.0);
    run_result_free(cached);
    run_result_free(plain);
}

/* --- sync replication --------------------------------------------------------------- */

/* A cache fill races with invalidations, as cache-aside does: one region (the primary, with
 * its cache), one key read and written 500 times a second each, a cache operation of 5 ms.
 * A read that missed takes the record at the end of its service and sets it 5 ms later; a
 * write committed in between invalidates the cache first, and the set then puts the old
 * record back, which later hits return as stale reads. When the fill was atomic with the
 * store read no read issued after a write's acknowledgement could miss it: 0 stale reads. */
static void test_dp_cache_fill_races_with_invalidation(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 1, 8);
    f.clients[0].rate = 1000;
    f.clients[0].read_ratio = 0.5;
    f.clients[0].key_count = 1;
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_READ_LOCAL);
    p.ryw_window = 0;
    p.cache.hit = fix_constant_ms(5);
    run_result *r = run_pattern(&f.s, &p);
    double      stale = total(r, "stale_reads"), hits = total(r, "cache_hit_rate");
    print_message("stale reads %.0f of %.0f, hit rate %.3f\n", stale, total(r, "reads"), hits);
    assert_true(hits > 0.1);
    assert_true(stale > 10);
    run_result_free(r);
}

/* Active-active sync with a quorum of all three regions and r2 down throughout: no write can
 * reach its quorum, so each fails at the 200 ms quorum timeout (before the client's own 1 s),
 * yet it was applied at its origin and at r1. Reads are unaffected. */
static void test_dp_sync_without_quorum_fails_writes(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 3, 4);
    f.clients[0].read_ratio = 0.5;
    f.clients[0].retries = 0;
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 0, SIM_TIME_MAX);
    down->region = 2;
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_ACTIVE_ACTIVE);
    p.replication.mode = SCN_REPL_SYNC;
    p.replication.quorum = 3;
    p.replication.timeout = 200 * SIM_MS;
    run_result *r = run_pattern(&f.s, &p);
    double      writes = metric(r, RUN_SCOPE_OP, "write", "requests");
    assert_true(writes > 300);
    assert_true(total(r, "failed") > 0);
    assert_true(metric(r, RUN_SCOPE_OP, "write", "failed") == writes);
    assert_true(metric(r, RUN_SCOPE_OP, "write", "availability") < 1.0);
    assert_true(metric(r, RUN_SCOPE_OP, "read", "availability") == 1.0);
    assert_true(total(r, "writes_unacked_applied") == writes);
    assert_true(total(r, "writes_acked") == 0);
    /* Healed for the drain, r2 catches up: the failed writes are everywhere in the end. */
    assert_true(total(r, "drained") == 1);
    assert_true(total(r, "divergent_keys") == 0);
    run_result_free(r);

    /* The same with a quorum of two: r0 and r1 suffice, every write succeeds. */
    p.replication.quorum = 2;
    r = run_pattern(&f.s, &p);
    assert_true(metric(r, RUN_SCOPE_OP, "write", "availability") == 1.0);
    assert_true(total(r, "writes_unacked_applied") == 0);
    run_result_free(r);
}

/* A region that goes down loses the requests it holds without answering them (region.h):
 * that includes sync writes waiting for their quorum. r0 is cut off from r1 for the whole
 * run, so no write at r0 reaches its quorum of 2, and r0 crashes at 100 ms, before the first
 * quorum timeout (200 ms). Every write then ends in the client's own timeout: none can hear
 * "failed" from a region that is down. */
static void test_dp_down_region_does_not_answer_sync_writes(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    f.s.duration = SIM_S;
    f.clients[0].read_ratio = 0;
    f.clients[0].retries = 0;
    f.clients[0].rate = 1000;
    scn_fault *cut = fixture_fault(&f, SCN_FAULT_PARTITION, 0, SIM_TIME_MAX);
    cut->group_of[0] = 0;
    cut->group_of[1] = 1;
    scn_fault *down = fixture_fault(&f, SCN_FAULT_REGION_DOWN, 100 * SIM_MS, SIM_TIME_MAX);
    down->region = 0;
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_ACTIVE_ACTIVE);
    p.replication.mode = SCN_REPL_SYNC;
    p.replication.quorum = 2;
    p.replication.timeout = 200 * SIM_MS;
    run_result *r = run_pattern(&f.s, &p);
    double      requests = total(r, "requests"), ok = total(r, "ok"), failed = total(r, "failed");
    double      timeouts = total(r, "timeouts");
    run_result_free(r); /* before the checks, so a failure leaks nothing */
    assert_true(requests > 500);
    assert_true(ok == 0);
    if (failed != 0)
        fail_msg("%.0f of %.0f writes were answered \"failed\" by r0 while it was down", failed,
                 requests);
    assert_true(timeouts == requests);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dp_random_scenarios_are_deterministic_and_consistent),
        cmocka_unit_test(test_dp_read_local_writes_go_to_the_primary),
        cmocka_unit_test(test_dp_cache_serves_hot_reads_faster),
        cmocka_unit_test(test_dp_cache_fill_races_with_invalidation),
        cmocka_unit_test(test_dp_sync_without_quorum_fails_writes),
        cmocka_unit_test(test_dp_down_region_does_not_answer_sync_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
