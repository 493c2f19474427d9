/* test_cost.c - prices (the "cost" section), the bytes the network counts across regions,
 * and the cost figures of a run (cost.h).
 *
 * What is checked: the loader resolves prices from default to region to pair, exactly as
 * scenarios/README.md says, and fails cleanly when memory runs out; the network counts a
 * message's bytes by (sender's region, receiver's region), only across regions and only in
 * the measured window, and a client counts as its home region; the per-pair prices apply to
 * those bytes with the window scaled to an hour; a replication batch of a known number of
 * writes costs exactly its hand-computed bytes; a run's cost_per_hour is servers x price +
 * fixed costs, exactly, when nothing crosses regions; one region sends nothing across,
 * whatever the pattern; health probes cross regions as control messages. The broken cost
 * sections are in tests/corpus/bad (EXPECTED), checked by test_scn.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cost.h"
#include "engine.h"
#include "net.h"
#include "env_fixture.h"
#include "oracle.h"
#include "region.h"
#include "repl.h"
#include "run.h"
#include "scn.h"
#include "store.h"
#include "topo.h"
#include "world_fixture.h"

/* ---- helpers ---- */

/* text with every ' turned into ", parsed as "t.json". */
static int parse_q(const char *text, scn_scenario **s, sim_err *err)
{
    char *json = strdup(text);
    assert_non_null(json);
    for (char *p = json; *p; p++)
        if (*p == '\'')
            *p = '"';
    memset(err, 0, sizeof *err);
    int rc = scn_parse("t.json", json, strlen(json), s, err);
    free(json);
    return rc;
}

static scn_scenario *parse_ok(const char *text)
{
    scn_scenario *s = NULL;
    sim_err       err;
    int           rc = parse_q(text, &s, &err);
    if (rc != 0)
        fail_msg("scn_parse: %s: %s", err.path, err.msg);
    return s;
}

static void assert_close(double got, double want)
{
    if (!(fabs(got - want) <= 1e-12 * fmax(1.0, fabs(want))))
        fail_msg("got %.17g, expected %.17g", got, want);
}

static double metric(const run_result *r, run_scope scope, const char *key, const char *name)
{
    double v = NAN;
    assert_true(run_metric_find(r, scope, key, name, &v));
    return v;
}

static run_result *run_ok(const scn_scenario *s, const scn_pattern *p)
{
    run_result *r = NULL;
    sim_err     err = { 0 };
    run_options o = { .pattern = p };
    if (run_scenario(s, &o, &r, &err) != 0)
        fail_msg("run_scenario: %s: %s", err.path, err.msg);
    return r;
}

/* Prices for a fixture: one server price per region, one transfer price for every pair. */
typedef struct prices {
    double server[FIX_REGIONS];
    double transfer[FIX_REGIONS * FIX_REGIONS];
} prices;

static void fixture_prices(fixture *f, prices *pr, double transfer, double fixed_month)
{
    size_t nr = f->s.nregions;
    for (size_t a = 0; a < nr; a++)
        for (size_t b = 0; b < nr; b++)
            pr->transfer[a * nr + b] = a == b ? 0 : transfer;
    f->s.cost = (scn_cost){ .enabled = true,
                            .server_hour = pr->server,
                            .transfer_gb = pr->transfer,
                            .fixed_month = fixed_month };
}

#define REGS3                                                                                      \
    "'regions':[{'name':'a','location':[0,0],'servers':1},"                                        \
    "{'name':'b','location':[0,10],'servers':1},"                                                  \
    "{'name':'c','location':[0,20],'servers':1}]"
#define BASE3 "'duration':'1m'," REGS3 ",'clients':[{'location':[0,0],'rate':1}]"

/* ---- the loader ---- */

static const char FULL_COST[]
    = "{" BASE3 ",'cost':{'server_hour':0.1,'transfer_gb':0.02,'fixed_month':730,"
      " 'regions':{'b':{'server_hour':0.12,'transfer_gb':0.05},'c':{'server_hour':0}},"
      " 'pairs':[{'from':'a','to':'c','transfer_gb':0.01},"
      "          {'from':'b','to':'a','transfer_gb':0.07}]}}";

static void test_cost_prices_resolve_default_region_pair(void **state)
{
    (void)state;
    scn_scenario   *s = parse_ok(FULL_COST);
    const scn_cost *c = &s->cost;
    assert_true(c->enabled);
    assert_true(c->server_hour[0] == 0.1);  /* the default */
    assert_true(c->server_hour[1] == 0.12); /* the region's own */
    assert_true(c->server_hour[2] == 0);    /* a region may be free */
    assert_true(c->fixed_month == 730);
    const double want[3][3] = {
        { 0, 0.02, 0.01 }, /* a: default, then the pair a -> c */
        { 0.07, 0, 0.05 }, /* b: the pair b -> a beats b's own price */
        { 0.02, 0.02, 0 }, /* c: the default (only its server price set) */
    };
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 3; b++)
            if (c->transfer_gb[a * 3 + b] != want[a][b])
                fail_msg("transfer %zu -> %zu: %g, expected %g", a, b, c->transfer_gb[a * 3 + b],
                         want[a][b]);
    scn_free(s);
}

static void test_cost_absent_or_empty(void **state)
{
    (void)state;
    scn_scenario *s = parse_ok("{" BASE3 "}");
    assert_false(s->cost.enabled); /* no prices: no cost figures */
    assert_null(s->cost.server_hour);
    scn_free(s);
    s = parse_ok("{" BASE3 ",'cost':{}}"); /* prices, all free */
    assert_true(s->cost.enabled);
    for (size_t i = 0; i < 3; i++)
        assert_true(s->cost.server_hour[i] == 0);
    for (size_t i = 0; i < 9; i++)
        assert_true(s->cost.transfer_gb[i] == 0);
    assert_true(s->cost.fixed_month == 0);
    scn_free(s);
}

/* The Nth allocation failing anywhere in a load with a cost section: SIM_ENOMEM, no leak. */
static void test_cost_alloc_failure(void **state)
{
    (void)state;
    for (long nth = 1;; nth++) {
        scn_scenario *s = NULL;
        sim_err       err;
        sim_alloc_fail_at(nth);
        int rc = parse_q(FULL_COST, &s, &err);
        sim_alloc_fail_at(0);
        if (rc == 0) {
            assert_true(s->cost.enabled);
            scn_free(s);
            assert_true(nth > 2);
            break;
        }
        assert_int_equal(rc, SIM_ENOMEM);
        assert_null(s);
    }
}

/* ---- the network's count and the prices ---- */

static void on_arrive(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)arg;
    (*(int *)ctx)++;
}

typedef struct sends {
    net *n;
    int *arrived;
} sends;

/* Scripted sends: arg = from (8 bits) | to (8) | bytes (48). */
static void on_send(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    sends *sd = ctx;
    net_send_sized(sd->n, (uint32_t)(arg >> 56), (uint32_t)(arg >> 48) & 0xff,
                   arg & ((UINT64_C(1) << 48) - 1), on_arrive, sd->arrived, 0);
}

static void send_at(sim_engine *e, sends *sd, sim_time t, uint32_t from, uint32_t to,
                    uint64_t bytes)
{
    sim_at(e, t, on_send, sd, (uint64_t)from << 56 | (uint64_t)to << 48 | bytes);
}

/* Three regions, window [2s, 10s): 8 seconds, so an hour is 450 windows. Prices: 0.01 a GB
 * by default, 0.02 out of r1, 0.05 on the pair r0 -> r2. */
static void test_cost_bytes_across_regions_priced_per_pair(void **state)
{
    (void)state;
    fixture f;
    prices  pr = { .server = { 0 } };
    fixture_init(&f, 3, 1);
    f.s.warmup = 2 * SIM_S;
    fixture_prices(&f, &pr, 0.01, 0);
    for (size_t b = 0; b < 3; b++)
        if (b != 1)
            pr.transfer[1 * 3 + b] = 0.02;
    pr.transfer[0 * 3 + 2] = 0.05;
    sim_engine *e;
    topo       *t;
    net        *n;
    sim_err     err = { 0 };
    assert_int_equal(sim_engine_new(&e), 0);
    assert_int_equal(topo_new(&f.s, &t, &err), 0);
    assert_int_equal(net_new(e, &f.s, t, 1, &n, &err), 0);
    int            arrived = 0;
    sends          sd = { n, &arrived };
    const uint64_t GB = 1000000000;
    uint32_t       client = topo_client_endpoint(t, 0); /* c0, at r0 */
    send_at(e, &sd, 1 * SIM_S, 0, 1, 7 * GB);           /* before the window: not counted */
    send_at(e, &sd, 2 * SIM_S, 0, 1, 2 * GB);           /* the window's first instant */
    send_at(e, &sd, 3 * SIM_S, client, 1, GB);          /* a client counts as its home, r0 */
    send_at(e, &sd, 3 * SIM_S, client, 0, 5 * GB);      /* ... so this one stays in r0 */
    send_at(e, &sd, 4 * SIM_S, 0, 0, 9 * GB);           /* within a region: not counted */
    send_at(e, &sd, 5 * SIM_S, 0, 2, GB / 2);
    send_at(e, &sd, 6 * SIM_S, 1, 0, GB);
    send_at(e, &sd, 10 * SIM_S - 1, 2, 1, GB); /* the window's last nanosecond */
    send_at(e, &sd, 10 * SIM_S, 2, 0, 3 * GB); /* at the duration: not counted */
    sim_engine_run(e, SIM_TIME_MAX);
    assert_int_equal(arrived, 9);
    assert_true(net_cross_bytes(n, 0, 1) == 3 * GB);
    assert_true(net_cross_bytes(n, 0, 2) == GB / 2);
    assert_true(net_cross_bytes(n, 1, 0) == GB);
    assert_true(net_cross_bytes(n, 2, 1) == GB);
    assert_true(net_cross_bytes(n, 2, 0) == 0);
    assert_true(net_cross_bytes(n, 0, 0) == 0);

    cost_figures r0 = cost_of_region(&f.s, n, 0), all = cost_of_run(&f.s, n);
    assert_close(r0.egress_gb, 3.5);
    assert_close(r0.transfer_hour, (3 * 0.01 + 0.5 * 0.05) * 450);
    assert_close(cost_of_region(&f.s, n, 1).transfer_hour, 1 * 0.02 * 450);
    assert_close(cost_of_region(&f.s, n, 2).transfer_hour, 1 * 0.01 * 450);
    assert_close(all.egress_gb, 5.5);
    assert_close(all.transfer_hour, (0.03 + 0.025 + 0.02 + 0.01) * 450); /* 38.25 */
    assert_close(all.total_hour, 38.25); /* servers free, no fixed costs */

    f.s.cost.enabled = false; /* no prices: bytes, but no money figures */
    all = cost_of_run(&f.s, n);
    assert_close(all.egress_gb, 5.5);
    assert_true(isnan(all.total_hour) && isnan(all.transfer_hour) && isnan(all.server_hour));
    net_free(n);
    topo_free(t);
    sim_engine_free(e);
}

/* ---- replication: a known number of writes, a known number of bytes ---- */

typedef struct repl_bench {
    repl    *r;
    uint32_t origin;
} repl_bench;

/* The regions' servers: apply jobs go back to the replicator, as the data plane does. */
static void on_region_done(void *ctx, uint32_t region, uint64_t tag, scn_op op, env_status status)
{
    repl_bench *b = ctx;
    (void)op;
    if (b && (tag & REPL_APPLY_TAG))
        repl_apply_served(b->r, region, tag, status);
}

static void on_write(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    repl_bench *b = ctx;
    repl_write(b->r, b->origin, arg, 0, 1, true, arg);
}

/* Ten writes at r0 within one 50 ms shipping interval of an active-active pattern: one batch
 * to each of r1 and r2, of one header and ten entries (header + value), and one
 * acknowledgement back from each. Nothing else crosses: no client, no probes. */
static void test_cost_replication_egress_is_the_batches(void **state)
{
    (void)state;
    enum { N = 10, NR = 3 };
    fixture f;
    prices  pr = { .server = { 0 } };
    fixture_init(&f, NR, 1);
    f.s.data.value_bytes = 500;
    fixture_prices(&f, &pr, 0.02, 0);
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_ACTIVE_ACTIVE);
    sim_engine *e;
    topo       *t;
    net        *n;
    oracle     *o;
    store      *stores[NR];
    clock_state clocks[NR];
    region     *regions[NR];
    uint8_t     rank[NR] = { 0, 1, 2 };
    sim_err     err = { 0 };
    repl_bench  b = { .origin = 0 };
    assert_int_equal(sim_engine_new(&e), 0);
    assert_int_equal(topo_new(&f.s, &t, &err), 0);
    assert_int_equal(net_new(e, &f.s, t, 1, &n, &err), 0);
    assert_int_equal(oracle_new(&f.s, &o, &err), 0);
    for (uint32_t i = 0; i < NR; i++) {
        assert_int_equal(store_new(1000, 1, NR, &stores[i], &err), 0);
        clock_init(&clocks[i]);
        assert_int_equal(
            region_new(e, &f.s, i, 1, 0, f.s.duration, on_region_done, &b, &regions[i], &err), 0);
    }
    env_fixture x;
    assert_int_equal(env_fixture_new(&x, e, &f.s, n, regions, clocks, o), 0);
    assert_int_equal(repl_new(x.env, &f.s.data, &p, stores, rank, NULL, NULL, &b.r, &err), 0);
    for (int i = 0; i < N; i++)
        sim_at(e, SIM_S + i * SIM_MS, on_write, &b, (uint64_t)i);
    sim_engine_run(e, SIM_TIME_MAX);
    assert_true(repl_idle(b.r));

    const uint64_t batch = REPL_HEADER_BYTES + N * (REPL_HEADER_BYTES + 500); /* 5704 */
    for (uint32_t to = 1; to < NR; to++) {
        assert_true(net_cross_bytes(n, 0, to) == batch);
        assert_true(net_cross_bytes(n, to, 0) == REPL_HEADER_BYTES);
        assert_true(repl_link_bytes(b.r, 0, to) == batch); /* the replicator agrees */
    }
    assert_true(net_cross_bytes(n, 1, 2) == 0 && net_cross_bytes(n, 2, 1) == 0);
    cost_figures all = cost_of_run(&f.s, n);
    double       gb = (double)(2 * batch + 2 * REPL_HEADER_BYTES) / 1e9;
    assert_close(all.egress_gb, gb);
    assert_close(all.transfer_hour, gb * 0.02 * 360); /* a 10 s window: 360 an hour */

    repl_free(b.r);
    env_free(x.env);
    for (uint32_t i = 0; i < NR; i++) {
        region_free(regions[i]);
        store_free(stores[i]);
    }
    oracle_free(o);
    net_free(n);
    topo_free(t);
    sim_engine_free(e);
}

/* ---- whole runs ---- */

/* Two regions, 4 and 6 servers at 0.25 and 0.5 an hour, 73 a month of fixed costs; the
 * client reads at its own region and nothing replicates: 1 + 3 + 0.1 = 4.1 an hour. */
static void test_cost_run_servers_and_fixed_exact(void **state)
{
    (void)state;
    fixture f;
    prices  pr = { .server = { 0.25, 0.5 } };
    fixture_init(&f, 2, 4);
    f.regions[1].servers = 6;
    fixture_prices(&f, &pr, 0.09, 73);
    run_result *r = run_ok(&f.s, NULL);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "egress_gb") == 0);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "transfer_cost_per_hour") == 0);
    assert_close(metric(r, RUN_SCOPE_ALL, "", "cost_per_hour"), 4.1);
    assert_close(metric(r, RUN_SCOPE_ALL, "", "cost_per_month"), 4.1 * 730);
    assert_close(metric(r, RUN_SCOPE_REGION, "r0", "cost_per_hour"), 1.0);
    assert_close(metric(r, RUN_SCOPE_REGION, "r1", "cost_per_hour"), 3.0);
    assert_true(metric(r, RUN_SCOPE_REGION, "r1", "egress_gb") == 0);
    run_result_free(r);

    f.s.cost.enabled = false; /* no cost section: no cost, still egress */
    r = run_ok(&f.s, NULL);
    assert_true(isnan(metric(r, RUN_SCOPE_ALL, "", "cost_per_hour")));
    assert_true(isnan(metric(r, RUN_SCOPE_ALL, "", "cost_per_month")));
    assert_true(metric(r, RUN_SCOPE_ALL, "", "egress_gb") == 0);
    run_result_free(r);
}

/* Writes at r0 under active-active replicate to r1: the bytes cross, r0 sends far more than
 * it receives (r1 only acknowledges), and the transfer is priced at the window's rate. The
 * pair r1 -> r0 costs ten times r0 -> r1, so a price applied to the wrong direction shows. */
static void test_cost_run_replication_priced_by_direction(void **state)
{
    (void)state;
    fixture f;
    prices  pr = { .server = { 0.25, 0.25 } };
    fixture_init(&f, 2, 4);
    f.clients[0].read_ratio = 0.5;
    f.s.warmup = 2 * SIM_S;
    fixture_prices(&f, &pr, 0.02, 0);
    pr.transfer[1 * 2 + 0] = 0.2;
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_ACTIVE_ACTIVE);
    run_result *r = run_ok(&f.s, &p);
    double      e0 = metric(r, RUN_SCOPE_REGION, "r0", "egress_gb");
    double      e1 = metric(r, RUN_SCOPE_REGION, "r1", "egress_gb");
    /* About 400 writes in the 8 s window, each 64 + 1088 bytes: about 0.46 MB. */
    assert_true(e0 > 0.0003 && e0 < 0.0007);
    assert_true(e1 > 0 && e1 * 10 < e0);
    assert_close(metric(r, RUN_SCOPE_ALL, "", "egress_gb"), e0 + e1);
    double transfer = (e0 * 0.02 + e1 * 0.2) * 450; /* 8 s window */
    assert_close(metric(r, RUN_SCOPE_ALL, "", "transfer_cost_per_hour"), transfer);
    assert_close(metric(r, RUN_SCOPE_ALL, "", "cost_per_hour"), 2 * 4 * 0.25 + transfer);
    run_result_free(r);
}

/* Reads of a client at r0 sent by DNS to r1 (policy primary, primary r1), nothing
 * replicated: every request is one header r0 -> r1 when it is sent, at its arrival; every
 * answer a header and the value back, so r1's egress is a whole number of answers, short of
 * the requests by those answered after the window closed. */
static void test_cost_run_client_requests_served_elsewhere(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    f.s.warmup = 2 * SIM_S;
    f.s.data.value_bytes = 1000;
    f.s.dns = (scn_dns){ .enabled = true,
                         .policy = SCN_POLICY_PRIMARY,
                         .primary = 1,
                         .ttl = 60 * SIM_S,
                         .stale_for = 10 * SIM_MIN };
    run_result *r = run_ok(&f.s, NULL);
    double      reads = metric(r, RUN_SCOPE_OP, "read", "requests");
    assert_true(reads > 600 && metric(r, RUN_SCOPE_REGION, "r1", "requests") == reads);
    assert_true(metric(r, RUN_SCOPE_ALL, "", "timeouts") == 0); /* so no retries */
    double out0 = metric(r, RUN_SCOPE_REGION, "r0", "egress_gb") * 1e9;
    double out1 = metric(r, RUN_SCOPE_REGION, "r1", "egress_gb") * 1e9;
    assert_true(round(out0) == reads * NET_HEADER_BYTES);
    double answers = round(out1) / (NET_HEADER_BYTES + 1000);
    assert_true(answers == floor(answers));
    assert_true(answers <= reads && answers >= reads - 5);
    run_result_free(r);
}

/* Writes of a client at r0 under read-local with the primary at r1 carry their value to r1.
 * The same run with values of 0 and 1000 bytes differs only in sizes (nothing in the
 * simulation depends on them), so r0's egress differs by 1000 bytes per write request. */
static void test_cost_run_writes_carry_their_value(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    f.clients[0].read_ratio = 0;
    scn_pattern p;
    fixture_pattern(&p, SCN_PATTERN_READ_LOCAL);
    p.primary = 1;
    p.cache.enabled = false;
    double out0[2], writes[2];
    for (int k = 0; k < 2; k++) {
        f.s.data.value_bytes = k ? 1000 : 0;
        run_result *r = run_ok(&f.s, &p);
        out0[k] = metric(r, RUN_SCOPE_REGION, "r0", "egress_gb") * 1e9;
        writes[k] = metric(r, RUN_SCOPE_REGION, "r1", "requests");
        assert_true(metric(r, RUN_SCOPE_ALL, "", "timeouts") == 0);
        run_result_free(r);
    }
    assert_true(writes[0] == writes[1] && writes[0] > 800);
    assert_true(round(out0[1] - out0[0]) == 1000 * writes[0]);
}

/* One region: whatever the pattern and the load, nothing crosses regions. */
static void test_cost_one_region_sends_nothing_across(void **state)
{
    (void)state;
    fixture f;
    prices  pr = { .server = { 0.5 } };
    fixture_init(&f, 1, 4);
    f.clients[0].read_ratio = 0.5;
    fixture_prices(&f, &pr, 1.0, 0);
    for (int k = 0; k < SCN_PATTERN_KIND_COUNT; k++) {
        if (k == SCN_PATTERN_ACTIVE_PASSIVE)
            continue; /* needs a standby: two regions at least */
        scn_pattern p;
        fixture_pattern(&p, (scn_pattern_kind)k);
        run_result *r = run_ok(&f.s, &p);
        assert_true(metric(r, RUN_SCOPE_OP, "write", "requests") > 100);
        assert_true(metric(r, RUN_SCOPE_ALL, "", "egress_gb") == 0);
        assert_close(metric(r, RUN_SCOPE_ALL, "", "cost_per_hour"), 2.0);
        run_result_free(r);
    }
}

/* Health probes between two regions are control messages that cross: a whole number of
 * headers, and nothing without them. */
static void test_cost_health_probes_cross_regions(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 2, 4);
    f.s.health = (scn_health){ .enabled = true,
                               .interval = SIM_S,
                               .timeout = SIM_S / 2,
                               .unhealthy_after = 3,
                               .healthy_after = 2,
                               .checkers = 3 };
    run_result *r = run_ok(&f.s, NULL);
    double      bytes = metric(r, RUN_SCOPE_ALL, "", "egress_gb") * 1e9;
    /* Each region probes the other about once a second for 10 s: about 20 probes and 20
     * answers of NET_HEADER_BYTES each. */
    assert_true(bytes >= 30 * NET_HEADER_BYTES && bytes <= 44 * NET_HEADER_BYTES);
    assert_true(fmod(round(bytes), NET_HEADER_BYTES) == 0);
    run_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cost_prices_resolve_default_region_pair),
        cmocka_unit_test(test_cost_absent_or_empty),
        cmocka_unit_test(test_cost_alloc_failure),
        cmocka_unit_test(test_cost_bytes_across_regions_priced_per_pair),
        cmocka_unit_test(test_cost_replication_egress_is_the_batches),
        cmocka_unit_test(test_cost_run_servers_and_fixed_exact),
        cmocka_unit_test(test_cost_run_replication_priced_by_direction),
        cmocka_unit_test(test_cost_run_client_requests_served_elsewhere),
        cmocka_unit_test(test_cost_run_writes_carry_their_value),
        cmocka_unit_test(test_cost_one_region_sends_nothing_across),
        cmocka_unit_test(test_cost_health_probes_cross_regions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
