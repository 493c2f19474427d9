/* test_repl.c - the replicator alone, on a world built by hand: engine, geography, network,
 * stores, clocks, regions and an oracle, with repl_write() called directly from scheduled
 * events and no workload or data plane in between. What the replicator promises (repl.h):
 * the log is applied in order and exactly once at every other region, whatever the network
 * loses; a partition delays replication but loses nothing; nothing is echoed to its origin;
 * batches follow 'batch' and 'max_batch'; a sync write is acknowledged at its quorum or fails
 * at its timeout and still replicates; concurrent writes of one key count as conflicts.
 *
 * The fixture (world_fixture.h) puts regions along the equator 10 degrees apart with no
 * base RTT and no jitter, so every one-way delay is the geographic half RTT, exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "clock.h"
#include "engine.h"
#include "net.h"
#include "oracle.h"
#include "region.h"
#include "repl.h"
#include "stat.h"
#include "store.h"
#include "topo.h"
#include "env_fixture.h"
#include "world_fixture.h"

#define MAX_SETTLED 1024
#define KEYS        1000 /* the fixture's client key_count */

/* A done(token, ok) callback as it happened. */
typedef struct settled {
    uint64_t token;
    bool     ok;
    sim_time at;
} settled;

typedef struct bench {
    fixture     f;
    scn_pattern p;
    sim_engine *e;
    topo       *t;
    net        *n;
    store      *stores[FIX_REGIONS];
    clock_state clocks[FIX_REGIONS];
    region     *regions[FIX_REGIONS];
    oracle     *o;
    uint8_t     rank[FIX_REGIONS];
    repl       *r;
    settled     done[MAX_SETTLED];
    int         ndone;
    env_fixture x;
} bench;

/* The regions' servers: apply jobs go back to the replicator, as the data plane does. */
static void on_region_done(void *ctx, uint32_t region, uint64_t tag, scn_op op, env_status status)
{
    bench *b = ctx;
    (void)op;
    if (tag & REPL_APPLY_TAG)
        repl_apply_served(b->r, region, tag, status);
}

static void on_settled(void *ctx, uint64_t token, bool ok)
{
    bench *b = ctx;
    assert_true(b->ndone < MAX_SETTLED);
    b->done[b->ndone++] = (settled){ token, ok, sim_now(b->e) };
}

/* The world of nregions regions with an active-active async pattern of default settings;
 * the caller adjusts b->f and b->p, then calls bench_build(). */
static void bench_init(bench *b, size_t nregions)
{
    memset(b, 0, sizeof *b);
    fixture_init(&b->f, nregions, 4);
    fixture_pattern(&b->p, SCN_PATTERN_ACTIVE_ACTIVE);
    /* Replication streams at 1 PB/s: a batch's serialisation (a few us at the default
     * bandwidth) rounds to 0 ns, so the timings below are replication's alone. The stream's
     * serialisation has its own tests (test_net.c). */
    b->f.s.network.bandwidth = 1e15;
}

static void bench_build(bench *b)
{
    const scn_scenario *s = &b->f.s;
    sim_err             err = { 0 };
    assert_int_equal(sim_engine_new(&b->e), 0);
    assert_int_equal(topo_new(s, &b->t, &err), 0);
    assert_int_equal(net_new(b->e, s, b->t, s->seed, &b->n, &err), 0);
    assert_int_equal(oracle_new(s, &b->o, &err), 0);
    for (uint32_t i = 0; i < s->nregions; i++) {
        assert_int_equal(
            store_new(KEYS, s->data.fields, (uint32_t)s->nregions, &b->stores[i], &err), 0);
        clock_init(&b->clocks[i]);
        assert_int_equal(region_new(b->e, s, i, s->seed, 0, s->duration, on_region_done, b,
                                    &b->regions[i], &err),
                         0);
        b->rank[i] = (uint8_t)i; /* "r0" < "r1" < ... */
    }
    assert_int_equal(env_fixture_new(&b->x, b->e, s, b->n, b->regions, b->clocks, b->o), 0);
    assert_int_equal(
        repl_new(b->x.env, &s->data, &b->p, b->stores, b->rank, on_settled, b, &b->r, &err), 0);
}

static void bench_fini(bench *b)
{
    repl_free(b->r);
    env_free(b->x.env);
    for (uint32_t i = 0; i < b->f.s.nregions; i++) {
        region_free(b->regions[i]);
        store_free(b->stores[i]);
    }
    oracle_free(b->o);
    net_free(b->n);
    topo_free(b->t);
    sim_engine_free(b->e);
}

/* --- scripted events ---------------------------------------------------------------- */

/* A write's event argument: origin (8 bits) | field (8) | set element (8) | key (32). The
 * token handed to repl_write() is the same argument, so done() names the write. */
static uint64_t write_arg(uint32_t origin, uint64_t key, uint32_t field, uint32_t elem)
{
    return (uint64_t)origin << 48 | (uint64_t)field << 40 | (uint64_t)elem << 32 | key;
}

static void on_write(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    bench   *b = ctx;
    uint32_t origin = (uint32_t)(arg >> 48);
    uint32_t field = (uint32_t)(arg >> 40) & 0xff;
    uint32_t elem = (uint32_t)(arg >> 32) & 0xff;
    uint64_t key = arg & 0xffffffffu;
    repl_write(b->r, origin, key, field, elem, true, arg);
}

static void write_at(bench *b, sim_time at, uint32_t origin, uint64_t key)
{
    sim_at(b->e, at, on_write, b, write_arg(origin, key, 0, (uint32_t)(key % 64)));
}

static void on_heal(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)arg;
    bench *b = ctx;
    net_set_partition(b->n, NULL);
    net_clear_degradations(b->n);
}

static void on_region_up(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    bench *b = ctx;
    region_set_down(b->regions[arg], false);
    env_region_restarted(b->x.env, (uint32_t)arg);
}

/* --- checks ------------------------------------------------------------------------- */

static sim_time one_way(const bench *b, uint32_t a, uint32_t c) { return topo_rtt(b->t, a, c) / 2; }

static void assert_replicas_equal(bench *b)
{
    for (uint32_t i = 1; i < b->f.s.nregions; i++)
        for (uint64_t key = 0; key < KEYS; key++)
            if (!store_same(b->stores[0], b->stores[i], key))
                fail_msg("key %llu differs between r0 and r%u", (unsigned long long)key, i);
}

static uint64_t lag_count(const bench *b, uint32_t target)
{
    return stat_hist_count(oracle_lag(b->o, target));
}

static uint64_t entry_bytes(const bench *b) { return REPL_HEADER_BYTES + b->f.s.data.value_bytes; }

/* --- log shipping ------------------------------------------------------------------- */

/* 200 writes at r0, 1 ms apart, to a few keys in an irregular order. Between any two events,
 * what r1 and r2 hold must be a prefix of r0's log: for the highest sequence A a target has
 * applied, every key holds exactly the last write to it with a sequence <= A. At the end
 * every replica equals r0 and every write was applied once per target. */
static void test_repl_log_applied_in_order_and_completely(void **state)
{
    (void)state;
    enum { N = 200, NKEYS = 7 };
    bench b;
    bench_init(&b, 3);
    bench_build(&b);
    uint64_t key_of[N + 1]; /* by sequence, from 1 */
    uint64_t x = 12345;
    for (uint64_t seq = 1; seq <= N; seq++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        key_of[seq] = (x >> 33) % NKEYS;
        write_at(&b, (sim_time)(seq - 1) * SIM_MS, 0, key_of[seq]);
    }
    uint64_t highest_seen[FIX_REGIONS] = { 0 };
    for (sim_time t = 0; t < 2 * SIM_S; t += 100 * SIM_US) {
        sim_engine_run(b.e, t);
        for (uint32_t target = 1; target < 3; target++) {
            uint64_t applied = 0;
            for (uint64_t k = 0; k < NKEYS; k++)
                if (store_vv(b.stores[target], k)[0] > applied)
                    applied = store_vv(b.stores[target], k)[0];
            assert_true(applied >= highest_seen[target]); /* never goes back */
            highest_seen[target] = applied;
            for (uint64_t k = 0; k < NKEYS; k++) {
                uint64_t expect = 0;
                for (uint64_t seq = 1; seq <= applied; seq++)
                    if (key_of[seq] == k)
                        expect = STORE_WRITE_ID(0, seq);
                assert_int_equal(store_cells(b.stores[target], k)[0].write_id, expect);
            }
        }
    }
    assert_int_equal(highest_seen[1], N);
    assert_int_equal(highest_seen[2], N);
    sim_engine_run(b.e, SIM_TIME_MAX); /* ticks stop once idle: the queue empties */
    assert_true(repl_idle(b.r));
    assert_replicas_equal(&b);
    assert_int_equal(lag_count(&b, 0), 0);
    assert_int_equal(lag_count(&b, 1), N);
    assert_int_equal(lag_count(&b, 2), N);
    assert_int_equal(stat_hist_count(oracle_lag_all(b.o)), 2 * N);
    assert_int_equal(repl_backlog(b.r, 0), 0);
    bench_fini(&b);
}

/* Half the messages on r0 <-> r1 lost for 5 s (batches and acknowledgements alike), writes at
 * r0 and r1 throughout: go-back-N resends what was lost, duplicates are skipped, and once the
 * link is clean every write reaches every replica exactly once. */
static void test_repl_idempotent_apply_under_loss(void **state)
{
    (void)state;
    enum { N = 500 };
    bench b;
    bench_init(&b, 3);
    bench_build(&b);
    net_degrade_link(b.n, 0, 1, NULL, 0.5);
    for (int i = 0; i < N; i++) {
        write_at(&b, (sim_time)i * 10 * SIM_MS, 0, (uint64_t)(i % 10));
        write_at(&b, (sim_time)i * 10 * SIM_MS + 3 * SIM_MS, 1, (uint64_t)(10 + i % 10));
    }
    sim_at(b.e, 5 * SIM_S, on_heal, &b, 0);
    sim_engine_run(b.e, 5 * SIM_S);
    assert_false(repl_idle(b.r));
    assert_true(net_get_stats(b.n).lost > 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_true(repl_idle(b.r));
    assert_replicas_equal(&b);
    assert_int_equal(lag_count(&b, 0), N); /* r1's writes */
    assert_int_equal(lag_count(&b, 1), N); /* r0's writes */
    assert_int_equal(lag_count(&b, 2), 2 * N);
    /* r0 shipped the same log to r1 and r2; only the lossy link needed resends. */
    assert_true(repl_link_bytes(b.r, 0, 1) > repl_link_bytes(b.r, 0, 2));
    assert_int_equal(repl_backlog(b.r, 0), 0);
    assert_int_equal(repl_backlog(b.r, 1), 0);
    bench_fini(&b);
}

/* r0 cut off from r1 and r2 from 1 s to 6 s while it writes every 2 ms: its log holds what
 * it could not ship (2500 entries: the ring grows twice while it wraps), and after the heal
 * everything arrives, nothing is lost, the backlog drains to 0. */
static void test_repl_resends_after_a_partition(void **state)
{
    (void)state;
    enum { N = 4000 };
    bench b;
    bench_init(&b, 3);
    bench_build(&b);
    for (int i = 0; i < N; i++)
        write_at(&b, (sim_time)i * 2 * SIM_MS, 0, (uint64_t)(i % 50));
    sim_engine_run(b.e, SIM_S);
    uint8_t groups[FIX_REGIONS] = { 0, 1, 1 };
    net_set_partition(b.n, groups);
    sim_at(b.e, 6 * SIM_S, on_heal, &b, 0);
    sim_engine_run(b.e, 6 * SIM_S - 1);
    /* The tick at 1 s shipped writes 0 .. 1000 ms (501) before the cut, and that batch,
     * already in flight, arrived; its acknowledgement did not. So r1 applied 501 writes and
     * r0 holds the 3000 written by 5.998 s less the 476 acknowledged before the cut. */
    assert_int_equal(lag_count(&b, 1), 501);
    assert_int_equal(repl_backlog(b.r, 0), 3000 - 476);
    assert_true(net_get_stats(b.n).partitioned > 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(repl_backlog(b.r, 0), 0);
    assert_true(repl_idle(b.r));
    assert_replicas_equal(&b);
    assert_int_equal(lag_count(&b, 1), N);
    assert_int_equal(lag_count(&b, 2), N);
    /* The first write cut off (at 1.002 s) waited for the heal at 6 s. */
    assert_true(stat_hist_max(oracle_lag(b.o, 1)) >= 5 * SIM_S - 10 * SIM_MS);
    bench_fini(&b);
}

/* With writes only at r0, r1 sends r0 nothing but acknowledgements: one header per batch it
 * received. Entries are 64 + 1000 bytes, so a single shipped entry would break the multiple
 * of REPL_HEADER_BYTES. */
static void test_repl_no_echo_to_the_origin(void **state)
{
    (void)state;
    enum { N = 300 };
    bench b;
    bench_init(&b, 2);
    b.f.s.data.value_bytes = 1000;
    bench_build(&b);
    for (int i = 0; i < N; i++)
        write_at(&b, (sim_time)i * 7 * SIM_MS, 0, (uint64_t)(i % 20));
    sim_engine_run(b.e, SIM_TIME_MAX);
    uint64_t to_origin = repl_link_bytes(b.r, 1, 0);
    uint64_t from_origin = repl_link_bytes(b.r, 0, 1);
    assert_int_equal(to_origin % REPL_HEADER_BYTES, 0);
    /* No loss: every batch got exactly one acknowledgement. */
    uint64_t batches = (from_origin - N * entry_bytes(&b)) / REPL_HEADER_BYTES;
    assert_int_equal(from_origin, batches * REPL_HEADER_BYTES + N * entry_bytes(&b));
    assert_int_equal(to_origin, batches * REPL_HEADER_BYTES);
    assert_true(to_origin * 100 < from_origin);
    assert_int_equal(repl_bytes(b.r), to_origin + from_origin);
    assert_int_equal(lag_count(&b, 0), 0); /* r0 applied nothing from r1 */
    assert_int_equal(lag_count(&b, 1), N);
    assert_int_equal(repl_backlog(b.r, 1), 0);
    bench_fini(&b);
}

static void on_region_down(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    bench *b = ctx;
    region_set_down(b->regions[arg], true);
}

/* r0 writes every 4 ms and crashes at 1.02 s with writes it has not shipped yet: while it is
 * down it sends nothing (its log and its state survive, as its store does), and once it is
 * back at 3 s it ships the rest; every write arrives exactly once. */
static void test_repl_down_origin_sends_nothing_then_resumes(void **state)
{
    (void)state;
    enum { N = 255 }; /* the last at 1.016 s */
    bench b;
    bench_init(&b, 3);
    bench_build(&b);
    for (int i = 0; i < N; i++)
        write_at(&b, (sim_time)i * 4 * SIM_MS, 0, (uint64_t)(i % 17));
    sim_at(b.e, 1020 * SIM_MS, on_region_down, &b, 0);
    sim_at(b.e, 3 * SIM_S, on_region_up, &b, 0);
    sim_engine_run(b.e, 1020 * SIM_MS);
    uint64_t sent = repl_link_bytes(b.r, 0, 1) + repl_link_bytes(b.r, 0, 2);
    uint64_t applied = lag_count(&b, 1);
    assert_true(applied < N);
    sim_engine_run(b.e, 3 * SIM_S - 1);
    assert_int_equal(repl_link_bytes(b.r, 0, 1) + repl_link_bytes(b.r, 0, 2), sent);
    assert_false(repl_idle(b.r));
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_true(repl_idle(b.r));
    assert_int_equal(lag_count(&b, 1), N);
    assert_int_equal(lag_count(&b, 2), N);
    assert_true(stat_hist_max(oracle_lag(b.o, 1)) >= 3 * SIM_S - 1016 * SIM_MS);
    assert_replicas_equal(&b);
    bench_fini(&b);
}

/* --- batching ----------------------------------------------------------------------- */

/* batch 50 ms, max_batch 10: 25 writes at t = 0 leave in three ticks (10, 10, 5 entries) at
 * 50, 100 and 150 ms, and arrive one one-way delay later. */
static void test_repl_batches_wait_and_split(void **state)
{
    (void)state;
    enum { N = 25 };
    bench b;
    bench_init(&b, 2);
    b.p.replication.batch = 50 * SIM_MS;
    b.p.replication.max_batch = 10;
    bench_build(&b);
    for (uint64_t k = 0; k < N; k++)
        write_at(&b, 0, 0, k);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(repl_link_bytes(b.r, 0, 1), 3 * REPL_HEADER_BYTES + N * entry_bytes(&b));
    const stat_hist *lag = oracle_lag(b.o, 1);
    sim_time         d = one_way(&b, 0, 1);
    assert_int_equal(stat_hist_count(lag), N);
    assert_int_equal(stat_hist_min(lag), 50 * SIM_MS + d);
    assert_int_equal(stat_hist_max(lag), 150 * SIM_MS + d);
    /* 10 at 50 ms, 10 at 100 ms, 5 at 150 ms. */
    assert_true(stat_hist_mean(lag) == (double)(10 * 50 + 10 * 100 + 5 * 150) * 1e6 / N + d);
    assert_replicas_equal(&b);
    bench_fini(&b);
}

/* batch 0: every write leaves at once in a message of its own, even ten at one instant, and
 * its lag is the one-way delay exactly. */
static void test_repl_batch_zero_ships_each_write_at_once(void **state)
{
    (void)state;
    enum { N = 60 };
    bench b;
    bench_init(&b, 2);
    b.p.replication.batch = 0;
    bench_build(&b);
    for (uint64_t k = 0; k < 50; k++)
        write_at(&b, (sim_time)k * 3 * SIM_MS, 0, k);
    for (uint64_t k = 50; k < N; k++)
        write_at(&b, SIM_S, 0, k);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(repl_link_bytes(b.r, 0, 1), N * (REPL_HEADER_BYTES + entry_bytes(&b)));
    const stat_hist *lag = oracle_lag(b.o, 1);
    assert_int_equal(stat_hist_count(lag), N);
    assert_int_equal(stat_hist_min(lag), one_way(&b, 0, 1));
    assert_int_equal(stat_hist_max(lag), one_way(&b, 0, 1));
    assert_true(repl_idle(b.r));
    bench_fini(&b);
}

/* --- sync quorum -------------------------------------------------------------------- */

/* r0, r1 and r2 at 0, 10 and 30 degrees: r1 is r0's nearest. */
static void sync_bench_init(bench *b, uint32_t quorum)
{
    bench_init(b, 3);
    b->f.regions[2].lon = 30;
    b->p.replication.mode = SCN_REPL_SYNC;
    b->p.replication.quorum = quorum;
}

/* Quorum 2: the write is acknowledged when the nearest other region's ack is back, at two
 * one-way delays to it; quorum 3 waits for the farthest. Writes settle in order. */
static void test_repl_sync_quorum_acks_at_the_quorum_round_trip(void **state)
{
    (void)state;
    for (uint32_t quorum = 2; quorum <= 3; quorum++) {
        bench b;
        sync_bench_init(&b, quorum);
        bench_build(&b);
        write_at(&b, 0, 0, 1);
        write_at(&b, 2 * SIM_MS, 0, 2);
        sim_engine_run(b.e, SIM_TIME_MAX);
        uint32_t needed = quorum == 2 ? 1 : 2;
        assert_true(one_way(&b, 0, 1) < one_way(&b, 0, 2));
        assert_int_equal(b.ndone, 2);
        assert_true(b.done[0].ok && b.done[1].ok);
        assert_int_equal(b.done[0].token, write_arg(0, 1, 0, 1));
        assert_int_equal(b.done[0].at, 2 * one_way(&b, 0, needed));
        assert_int_equal(b.done[1].token, write_arg(0, 2, 0, 2));
        assert_int_equal(b.done[1].at, 2 * SIM_MS + 2 * one_way(&b, 0, needed));
        assert_true(repl_idle(b.r));
        assert_replicas_equal(&b);
        bench_fini(&b);
    }
}

/* Quorum 3 with r2 down: the write fails at exactly the timeout, stays applied where it got
 * to, and once r2 is back (at 2 s) the resends reach it: a late apply, then idle. */
static void test_repl_sync_timeout_fails_then_applies_late(void **state)
{
    (void)state;
    bench b;
    sync_bench_init(&b, 3);
    b.p.replication.timeout = 500 * SIM_MS;
    bench_build(&b);
    region_set_down(b.regions[2], true);
    sim_at(b.e, 2 * SIM_S, on_region_up, &b, 2);
    write_at(&b, 0, 0, 7);
    sim_engine_run(b.e, SIM_S);
    assert_int_equal(b.ndone, 1);
    assert_false(b.done[0].ok);
    assert_int_equal(b.done[0].at, 500 * SIM_MS);
    assert_int_equal(lag_count(&b, 1), 1); /* r1 applied it */
    assert_int_equal(lag_count(&b, 2), 0);
    assert_false(repl_idle(b.r));
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(b.ndone, 1); /* answered once */
    assert_int_equal(lag_count(&b, 2), 1);
    assert_true(stat_hist_min(oracle_lag(b.o, 2)) >= 2 * SIM_S);
    assert_true(repl_idle(b.r));
    assert_replicas_equal(&b);
    bench_fini(&b);
}

/* 100 writes settle, then r1 is cut off while 300 more wait for their quorum: the ring of
 * waiters (256 to start with) grows while its head is not at slot 0. After the heal the
 * resends bring the acknowledgements and every write settles ok, in write order. */
static void test_repl_sync_waiters_settle_in_order_past_the_ring(void **state)
{
    (void)state;
    enum { FIRST = 100, HELD = 300 };
    bench b;
    bench_init(&b, 2);
    b.p.replication.mode = SCN_REPL_SYNC;
    b.p.replication.quorum = 2;
    b.p.replication.timeout = 10 * SIM_S;
    bench_build(&b);
    for (uint64_t i = 0; i < FIRST; i++)
        write_at(&b, (sim_time)i * SIM_MS, 0, i);
    for (uint64_t i = 0; i < HELD; i++)
        write_at(&b, SIM_S + (sim_time)i * SIM_MS, 0, FIRST + i);
    sim_engine_run(b.e, SIM_S - 1);
    assert_int_equal(b.ndone, FIRST);
    uint8_t groups[FIX_REGIONS] = { 0, 1 };
    net_set_partition(b.n, groups);
    sim_at(b.e, 2 * SIM_S, on_heal, &b, 0);
    sim_engine_run(b.e, 2 * SIM_S);
    assert_int_equal(b.ndone, FIRST);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(b.ndone, FIRST + HELD);
    for (int i = 0; i < b.ndone; i++) {
        assert_true(b.done[i].ok);
        assert_int_equal(b.done[i].token, write_arg(0, (uint64_t)i, 0, (uint32_t)(i % 64)));
        if (i > 0)
            assert_true(b.done[i].at >= b.done[i - 1].at);
    }
    assert_true(b.done[FIRST].at > 2 * SIM_S);
    assert_true(repl_idle(b.r));
    assert_replicas_equal(&b);
    bench_fini(&b);
}

/* Four regions all writing random fields of a few keys under merge and HLC, every link
 * losing 30% of its messages and resending after 200 ms, one clock 50 ms fast: every write
 * reaches each of the three other regions exactly once and all replicas agree. */
static void test_repl_converges_exactly_once_with_loss_everywhere(void **state)
{
    (void)state;
    enum { N = 2000 };
    bench b;
    bench_init(&b, 4);
    b.f.s.data.fields = 4;
    b.p.resolver = SCN_RESOLVER_MERGE;
    b.p.clock = SCN_CLOCK_HLC;
    b.p.replication.resend = 200 * SIM_MS;
    b.p.replication.max_batch = 7;
    bench_build(&b);
    clock_set_error(&b.clocks[3], 0, 50 * SIM_MS, 0);
    for (uint32_t a = 0; a < 4; a++)
        for (uint32_t c = a + 1; c < 4; c++)
            net_degrade_link(b.n, a, c, NULL, 0.3);
    uint64_t x = 99;
    uint64_t from[FIX_REGIONS] = { 0 };
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        uint32_t origin = (uint32_t)(x >> 62);
        uint64_t key = (x >> 20) % 13;
        uint32_t field = (uint32_t)(x >> 40) % 4;
        from[origin]++;
        sim_at(b.e, (sim_time)i * 3 * SIM_MS, on_write, &b,
               write_arg(origin, key, field, (uint32_t)(x >> 8) % 64));
    }
    sim_at(b.e, 30 * SIM_S, on_heal, &b, 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_true(net_get_stats(b.n).lost > 0);
    assert_true(repl_idle(b.r));
    assert_replicas_equal(&b);
    for (uint32_t t = 0; t < 4; t++) {
        assert_int_equal(lag_count(&b, t), N - from[t]);
        assert_int_equal(repl_backlog(b.r, t), 0);
    }
    bench_fini(&b);
}

/* A region with no other region to ship to keeps nothing in its log: every entry is at once
 * acknowledged by every other region (there are none), so the backlog stays 0 and the log
 * does not grow with the run. */
static void test_repl_single_region_keeps_no_log(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 1);
    bench_build(&b);
    for (int i = 0; i < 5000; i++)
        write_at(&b, (sim_time)i * SIM_MS, 0, (uint64_t)(i % 10));
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_true(repl_idle(b.r));
    assert_int_equal(repl_bytes(b.r), 0);
    assert_int_equal(repl_backlog(b.r, 0), 0);
    bench_fini(&b);
}

/* --- conflicts ---------------------------------------------------------------------- */

/* r0 and r1 write key 5 at the same instant, each before the other's write arrives: both
 * replicas see a concurrent write (and still converge). Writes of one key 1 s apart, each
 * replicated before the next, are never concurrent. */
static void test_repl_conflicts_only_for_concurrent_writes(void **state)
{
    (void)state;
    for (int resolver = SCN_RESOLVER_LWW; resolver <= SCN_RESOLVER_MERGE; resolver++) {
        bench b;
        bench_init(&b, 2);
        b.p.resolver = (scn_resolver)resolver;
        bench_build(&b);
        write_at(&b, SIM_S, 0, 5);
        write_at(&b, SIM_S, 1, 5);
        sim_engine_run(b.e, SIM_TIME_MAX);
        assert_true(oracle_get_figures(b.o).conflicts > 0);
        assert_replicas_equal(&b);
        bench_fini(&b);

        bench_init(&b, 2);
        b.p.resolver = (scn_resolver)resolver;
        bench_build(&b);
        for (int i = 0; i < 10; i++)
            write_at(&b, (sim_time)i * SIM_S, (uint32_t)(i % 2), 5);
        sim_engine_run(b.e, SIM_TIME_MAX);
        assert_int_equal(oracle_get_figures(b.o).conflicts, 0);
        assert_replicas_equal(&b);
        assert_int_equal(store_cells(b.stores[0], 5)[0].write_id, STORE_WRITE_ID(1, 5));
        bench_fini(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repl_log_applied_in_order_and_completely),
        cmocka_unit_test(test_repl_idempotent_apply_under_loss),
        cmocka_unit_test(test_repl_resends_after_a_partition),
        cmocka_unit_test(test_repl_no_echo_to_the_origin),
        cmocka_unit_test(test_repl_down_origin_sends_nothing_then_resumes),
        cmocka_unit_test(test_repl_batches_wait_and_split),
        cmocka_unit_test(test_repl_batch_zero_ships_each_write_at_once),
        cmocka_unit_test(test_repl_sync_quorum_acks_at_the_quorum_round_trip),
        cmocka_unit_test(test_repl_sync_timeout_fails_then_applies_late),
        cmocka_unit_test(test_repl_sync_waiters_settle_in_order_past_the_ring),
        cmocka_unit_test(test_repl_converges_exactly_once_with_loss_everywhere),
        cmocka_unit_test(test_repl_single_region_keeps_no_log),
        cmocka_unit_test(test_repl_conflicts_only_for_concurrent_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
