/* test_net.c - the network's two transports: streams (in order, serialised at the pair's
 * bandwidth, retransmitted after an RTO with head-of-line blocking, broken by a partition and
 * resumed after it, dropped by a crash) and datagrams (reordered by jitter). The datagram's
 * latency, loss and partition basics are in test_world.c.
 *
 * The fixture's regions are 10 degrees apart on the equator with no base: a one-way delay of
 * about 8.3 ms between neighbours, no jitter unless a test sets one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "engine.h"
#include "net.h"
#include "topo.h"
#include "world_fixture.h"

typedef struct bench {
    fixture     f;
    sim_engine *e;
    topo       *t;
    net        *n;
} bench;

/* Deliveries in the order they ran: the argument each message carried and when. */
#define MAX_SEEN 4096
typedef struct seen {
    int      count;
    uint64_t arg[MAX_SEEN];
    sim_time at[MAX_SEEN];
} seen;

static void on_arrive(sim_engine *e, void *ctx, uint64_t arg)
{
    seen *s = ctx;
    assert_true(s->count < MAX_SEEN);
    s->arg[s->count] = arg;
    s->at[s->count++] = sim_now(e);
}

/* The caller adjusts b->f after bench_init() and before bench_build(). */
static void bench_init(bench *b, size_t nregions)
{
    memset(b, 0, sizeof *b);
    fixture_init(&b->f, nregions, 1);
}

static void bench_build(bench *b)
{
    sim_err err = { 0 };
    assert_int_equal(sim_engine_new(&b->e), 0);
    assert_int_equal(topo_new(&b->f.s, &b->t, &err), 0);
    assert_int_equal(net_new(b->e, &b->f.s, b->t, 7, &b->n, &err), 0);
}

static void bench_fini(bench *b)
{
    net_free(b->n);
    topo_free(b->t);
    sim_engine_free(b->e);
}

static sim_time one_way(const bench *b, uint32_t a, uint32_t c) { return topo_rtt(b->t, a, c) / 2; }

/* Serialisation of 'bytes' on the stream a -> c, ns (as net.c rounds it). */
static sim_time ser(const bench *b, uint32_t a, uint32_t c, uint64_t bytes)
{
    return sim_time_from_ns((double)bytes * (1e9 / net_bandwidth(b->n, a, c)));
}

/* Scheduled sends, so that a test can send at chosen times. arg: from (8) | to (8) | seq. */
typedef struct sender {
    bench *b;
    seen  *into;
    bool   stream;
} sender;

static void on_send(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    sender  *s = ctx;
    uint32_t from = (uint32_t)(arg >> 56), to = (uint32_t)(arg >> 48) & 0xff;
    uint64_t seq = arg & 0xffffffffffff;
    if (s->stream)
        net_stream_send(s->b->n, from, to, NET_HEADER_BYTES, on_arrive, s->into, seq);
    else
        net_send(s->b->n, from, to, on_arrive, s->into, seq);
}

static void send_at(sender *s, sim_time at, uint32_t from, uint32_t to, uint64_t seq)
{
    sim_at(s->b->e, at, on_send, s, (uint64_t)from << 56 | (uint64_t)to << 48 | seq);
}

/* Pairs delivered out of the order they were sent in. */
static int inversions(const seen *s)
{
    int n = 0;
    for (int i = 1; i < s->count; i++)
        if (s->arg[i] < s->arg[i - 1])
            n++;
    return n;
}

/* Prime the RTT estimate of r0 -> r1 with a few segments, so that its RTO is the 200 ms
 * floor: without jitter every sample is the RTT R (about 16.7 ms) and SRTT + 4 RTTVAR stays
 * well under 200 ms. Runs the engine to 'until'. */
static void prime(bench *b, seen *s, sim_time until)
{
    for (int i = 0; i < 5; i++)
        net_stream_send(b->n, 0, 1, NET_HEADER_BYTES, on_arrive, s, 1000 + (uint64_t)i);
    sim_engine_run(b->e, until);
    assert_int_equal(s->count, 5);
    s->count = 0;
}

/* --- in order ------------------------------------------------------------------------ */

/* 2000 segments 1 ms apart with exponential jitter of mean 20 ms: every one arrives, in the
 * order sent, though their own arrivals would have crossed hundreds of times (the datagram
 * test below shows it for the same traffic). A segment is never delivered before its own
 * earliest arrival, half the RTT after it was sent. */
static void test_net_stream_fifo_under_jitter(void **state)
{
    (void)state;
    enum { N = 2000 };
    bench b;
    bench_init(&b, 2);
    b.f.s.network.has_jitter = true;
    b.f.s.network.jitter = fix_exponential_ms(20);
    bench_build(&b);
    seen  *s = calloc(1, sizeof *s);
    sender snd = { &b, s, true };
    for (uint64_t i = 0; i < N; i++)
        send_at(&snd, (sim_time)i * SIM_MS, 0, 1, i);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(s->count, N);
    assert_int_equal(inversions(s), 0);
    int held = 0; /* delivered later than its own arrival would have been, in order */
    for (int i = 0; i < N; i++) {
        assert_int_equal(s->arg[i], (uint64_t)i);
        assert_true(s->at[i] >= (sim_time)i * SIM_MS + one_way(&b, 0, 1));
        if (i > 0 && s->at[i] == s->at[i - 1])
            held++;
    }
    assert_true(held > 100);
    net_stats st = net_get_stats(b.n);
    assert_int_equal(st.stream_sent, N);
    assert_int_equal(st.stream_delivered, N);
    assert_int_equal(st.stream_retransmits, 0);
    free(s);
    bench_fini(&b);
}

/* The same traffic as datagrams (probes, DNS queries): they do reorder. */
static void test_net_datagrams_reorder_under_jitter(void **state)
{
    (void)state;
    enum { N = 2000 };
    bench b;
    bench_init(&b, 2);
    b.f.s.network.has_jitter = true;
    b.f.s.network.jitter = fix_exponential_ms(20);
    bench_build(&b);
    seen  *s = calloc(1, sizeof *s);
    sender snd = { &b, s, false };
    for (uint64_t i = 0; i < N; i++)
        send_at(&snd, (sim_time)i * SIM_MS, 0, 1, i);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(s->count, N);
    /* Two sends 1 ms apart cross when the first's jitter exceeds the second's by more than
     * 1 ms: probability exp(-1/20) / 2, about 0.48. */
    assert_true(inversions(s) > N / 4);
    free(s);
    bench_fini(&b);
}

/* --- loss ---------------------------------------------------------------------------- */

/* With the RTO at its 200 ms floor, segment A is lost once (the link drops everything while
 * it is sent): it is retransmitted 200 ms after its transmission ended and arrives one-way
 * later. B, sent 1 ms after A on a healthy link, waits behind it (head-of-line blocking):
 * delivered right after A, about one RTO late, instead of at 1 ms + one-way. The
 * retransmission counts as bytes sent again. */
static void test_net_stream_hol_blocking_under_loss(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 2);
    bench_build(&b);
    seen *s = calloc(1, sizeof *s);
    prime(&b, s, SIM_S);
    uint64_t bytes0 = net_cross_bytes(b.n, 0, 1);
    sim_time t0 = sim_now(b.e), d = one_way(&b, 0, 1), x = ser(&b, 0, 1, NET_HEADER_BYTES);
    net_degrade_link(b.n, 0, 1, NULL, 1.0);
    net_stream_send(b.n, 0, 1, NET_HEADER_BYTES, on_arrive, s, 1); /* A: lost */
    net_clear_degradations(b.n);
    sender snd = { &b, s, true };
    send_at(&snd, t0 + SIM_MS, 0, 1, 2); /* B */
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(s->count, 2);
    assert_int_equal(s->arg[0], 1);
    assert_int_equal(s->arg[1], 2);
    sim_time a_at = t0 + x + NET_RTO_MIN + x + d; /* lost, RTO, retransmitted */
    assert_int_equal(s->at[0], a_at);
    /* B was transmitted after A's retransmission, so it follows one serialisation later. */
    assert_int_equal(s->at[1], a_at + x);
    assert_true(s->at[1] - (t0 + SIM_MS + x + d) > NET_RTO_MIN - 2 * SIM_MS);
    net_stats st = net_get_stats(b.n);
    assert_int_equal(st.lost, 1);
    assert_int_equal(st.stream_retransmits, 1);
    assert_int_equal(net_cross_bytes(b.n, 0, 1) - bytes0, 3 * NET_HEADER_BYTES);
    free(s);
    bench_fini(&b);
}

/* Repeated loss backs the RTO off: lost three times in a row, the retransmissions leave
 * 200, 400 and 800 ms after the previous transmission. */
static void test_net_stream_rto_backs_off(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 2);
    bench_build(&b);
    seen *s = calloc(1, sizeof *s);
    prime(&b, s, SIM_S);
    sim_time t0 = sim_now(b.e), d = one_way(&b, 0, 1), x = ser(&b, 0, 1, NET_HEADER_BYTES);
    net_degrade_link(b.n, 0, 1, NULL, 1.0);
    net_stream_send(b.n, 0, 1, NET_HEADER_BYTES, on_arrive, s, 1);
    sim_engine_run(b.e, t0 + 1500 * SIM_MS); /* retries at ~0.2, ~0.6 and ~1.4 s fail */
    assert_int_equal(s->count, 0);
    net_clear_degradations(b.n);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(s->count, 1);
    /* Failures at t0, t0 + 0.2, + 0.6, + 1.4 s (each plus its serialisation); the fourth
     * retry, 1.6 s after the third failure, gets through. */
    sim_time expect = t0 + 5 * x + (200 + 400 + 800 + 1600) * SIM_MS + d;
    assert_int_equal(s->at[0], expect);
    assert_int_equal(net_get_stats(b.n).stream_retransmits, 4);
    free(s);
    bench_fini(&b);
}

/* --- bandwidth ----------------------------------------------------------------------- */

/* 10 MB at 100 MB/s takes 100 ms to leave, then one-way latency; a small message sent right
 * after it waits behind those bytes. The reverse stream and the third region's stream do not
 * share the queue. A per-pair override sets the pair's bandwidth in both directions. */
static void test_net_stream_serialises_at_the_bandwidth(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 3);
    scn_bandwidth_pair fast = { .a = 0, .b = 2, .bytes_per_s = 1e9 };
    b.f.s.network.bandwidth = 100e6;
    b.f.s.network.bw_pairs = &fast;
    b.f.s.network.nbw_pairs = 1;
    bench_build(&b);
    assert_true(net_bandwidth(b.n, 0, 1) == 100e6);
    assert_true(net_bandwidth(b.n, 2, 0) == 1e9);
    assert_true(net_bandwidth(b.n, 1, 1) == 0);
    seen *s = calloc(1, sizeof *s);
    net_stream_send(b.n, 0, 1, 10000000, on_arrive, s, 1);
    net_stream_send(b.n, 0, 1, 100, on_arrive, s, 2);
    net_stream_send(b.n, 1, 0, 100, on_arrive, s, 3);
    net_stream_send(b.n, 0, 2, 10000000, on_arrive, s, 4);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(s->count, 4);
    sim_time d = one_way(&b, 0, 1);
    assert_int_equal(s->arg[0], 3); /* 100 bytes: 1 us */
    assert_int_equal(s->at[0], SIM_US + d);
    assert_int_equal(s->arg[1], 4); /* 10 MB at 1 GB/s: 10 ms */
    assert_int_equal(s->at[1], 10 * SIM_MS + one_way(&b, 0, 2));
    assert_int_equal(s->arg[2], 1);
    assert_int_equal(s->at[2], 100 * SIM_MS + d);
    assert_int_equal(s->arg[3], 2);
    assert_int_equal(s->at[3], 100 * SIM_MS + SIM_US + d);
    free(s);
    bench_fini(&b);
}

/* Without a setting a stream gets NET_BANDWIDTH_DEFAULT. */
static void test_net_stream_default_bandwidth(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 2);
    bench_build(&b);
    assert_true(net_bandwidth(b.n, 0, 1) == NET_BANDWIDTH_DEFAULT);
    assert_true(net_bandwidth(b.n, 1, 0) == NET_BANDWIDTH_DEFAULT);
    bench_fini(&b);
}

/* --- partitions ---------------------------------------------------------------------- */

static void on_cut(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    bench  *b = ctx;
    uint8_t groups[FIX_REGIONS] = { 0, 1, 1 };
    net_set_partition(b->n, arg ? groups : NULL);
}

/* A cut from 1 s to 3 s with the RTO at its floor. The segment sent just before the cut is
 * on the wire and arrives. Those sent during the cut fail: the head is retried at 1.2, 1.6
 * and 2.4 s (failing) and 4.0 s (after the heal: it gets through), and everything behind it
 * follows in order; nothing is lost. Traffic between the two regions on one side of the cut
 * is untouched. */
static void test_net_stream_partition_breaks_and_resumes(void **state)
{
    (void)state;
    enum { N = 50 };
    bench b;
    bench_init(&b, 3);
    bench_build(&b);
    seen *s = calloc(1, sizeof *s);
    seen *side = calloc(1, sizeof *side);
    prime(&b, s, 900 * SIM_MS);
    sim_time d = one_way(&b, 0, 1), x = ser(&b, 0, 1, NET_HEADER_BYTES);
    sender   snd = { &b, s, true }, other = { &b, side, true };
    send_at(&snd, SIM_S - SIM_MS, 0, 1, 0);
    sim_at(b.e, SIM_S, on_cut, &b, 1);
    for (uint64_t i = 1; i <= N; i++) {
        send_at(&snd, SIM_S + (sim_time)i * 10 * SIM_MS, 0, 1, i);
        send_at(&other, SIM_S + (sim_time)i * 10 * SIM_MS, 1, 2, i);
    }
    sim_at(b.e, 3 * SIM_S, on_cut, &b, 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(s->count, N + 1);
    assert_int_equal(inversions(s), 0);
    assert_int_equal(s->at[0], SIM_S - SIM_MS + x + d); /* on the wire before the cut */
    /* The first sent into the cut (at 1.01 s) failed then, and at 1.21, 1.61, 2.41 s. */
    sim_time first = SIM_S + 10 * SIM_MS + x;
    sim_time retry = first + 3 * x + (200 + 400 + 800 + 1600) * SIM_MS; /* each failed try
                                                                             serialised too */
    assert_int_equal(s->at[1], retry + x + d);
    for (int i = 2; i <= N; i++)
        assert_int_equal(s->at[i], retry + (sim_time)i * x + d);
    assert_int_equal(side->count, N);
    assert_true(side->at[N - 1] < 2 * SIM_S);
    net_stats st = net_get_stats(b.n);
    assert_int_equal(st.partitioned, 4);
    assert_int_equal(st.stream_retransmits, 4);
    assert_int_equal(st.stream_delivered, 5 + N + 1 + N);
    free(s);
    free(side);
    bench_fini(&b);
}

/* A segment queued behind a large one has not started when the cut comes: it fails, and
 * arrives after the heal; the large one, on the wire, arrives on time. */
static void test_net_stream_cut_catches_queued_segments(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 2);
    b.f.s.network.bandwidth = 100e6;
    bench_build(&b);
    seen *s = calloc(1, sizeof *s);
    net_stream_send(b.n, 0, 1, 10000000, on_arrive, s, 1); /* 0 .. 100 ms on the wire */
    net_stream_send(b.n, 0, 1, 100, on_arrive, s, 2);      /* would start at 100 ms */
    sim_at(b.e, 50 * SIM_MS, on_cut, &b, 1);
    sim_at(b.e, 60 * SIM_MS, on_cut, &b, 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(s->count, 2);
    sim_time d = one_way(&b, 0, 1);
    assert_int_equal(s->at[0], 100 * SIM_MS + d);
    /* Both gave RTT samples when they were sent (RTO at the 200 ms floor); the small one's
     * transmission fails when it was due and is retried one RTO after it. */
    assert_int_equal(s->at[1], 100 * SIM_MS + SIM_US + NET_RTO_MIN + SIM_US + d);
    assert_int_equal(net_get_stats(b.n).partitioned, 1);
    free(s);
    bench_fini(&b);
}

/* --- one-way cuts -------------------------------------------------------------------- */

static void on_one_way(sim_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    bench *b = ctx;
    if (arg)
        net_cut_link(b->n, 0, 1);
    else
        net_clear_cuts(b->n);
}

/* r0 -> r1 cut from 1 s to 3 s. Datagrams from r0 (and from the client c0, homed at r0) to r1
 * are lost, those from r1 to r0 arrive, and the pairs with r2 are untouched: exactly one
 * direction of one link. Both streams between r0 and r1 stall (one loses its data, the other
 * its acknowledgements) and deliver everything, in order, after the heal. */
static void test_net_link_cut_loses_one_direction(void **state)
{
    (void)state;
    enum { N = 20 };
    bench b;
    bench_init(&b, 3);
    bench_build(&b);
    uint32_t c0 = 3; /* the client endpoint, after the regions */
    seen    *fwd = calloc(1, sizeof *fwd), *back = calloc(1, sizeof *back);
    seen    *other = calloc(1, sizeof *other), *client = calloc(1, sizeof *client);
    seen    *s01 = calloc(1, sizeof *s01), *s10 = calloc(1, sizeof *s10);
    sender   df = { &b, fwd, false }, db = { &b, back, false }, dother = { &b, other, false };
    sender   dc = { &b, client, false }, sf = { &b, s01, true }, sb = { &b, s10, true };
    sim_at(b.e, SIM_S, on_one_way, &b, 1);
    sim_at(b.e, 3 * SIM_S, on_one_way, &b, 0);
    for (uint64_t i = 0; i < N; i++) {
        sim_time at = SIM_S + SIM_MS + (sim_time)i * 50 * SIM_MS; /* all during the cut */
        send_at(&df, at, 0, 1, i);
        send_at(&db, at, 1, 0, i);
        send_at(&dother, at, 0, 2, i);
        send_at(&dother, at, 2, 0, i);
        send_at(&dother, at, 1, 2, i);
        send_at(&dc, at, c0, 1, i);
        send_at(&dc, at, c0, 0, i);
        send_at(&sf, at, 0, 1, i);
        send_at(&sb, at, 1, 0, i);
    }
    sim_engine_run(b.e, 2900 * SIM_MS);
    assert_int_equal(fwd->count, 0);
    assert_int_equal(back->count, N);
    assert_int_equal(other->count, 3 * N);
    assert_int_equal(client->count, N); /* c0 -> r0 only */
    assert_false(net_connected(b.n, 0, 1));
    assert_true(net_connected(b.n, 1, 0));
    assert_false(net_connected(b.n, c0, 1));
    assert_true(net_connected(b.n, 0, 2));
    assert_int_equal(s01->count, 0);
    assert_int_equal(s10->count, 0);
    assert_true(net_get_stats(b.n).stream_retransmits > 0);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_true(net_connected(b.n, 0, 1));
    assert_int_equal(fwd->count, 0); /* lost, not delayed */
    assert_int_equal(s01->count, N);
    assert_int_equal(s10->count, N);
    assert_int_equal(inversions(s01), 0);
    assert_int_equal(inversions(s10), 0);
    assert_true(s01->at[0] > 3 * SIM_S && s10->at[0] > 3 * SIM_S);
    free(fwd);
    free(back);
    free(other);
    free(client);
    free(s01);
    free(s10);
    bench_fini(&b);
}

/* --- crashes ------------------------------------------------------------------------- */

/* r1 crashes while segments to it wait behind a lost one: they are dropped, and later
 * traffic flows on a new connection. r1's own segment already on the wire still arrives;
 * its segments queued behind a large one do not. */
static void test_net_stream_reset_drops_what_is_not_on_the_wire(void **state)
{
    (void)state;
    bench b;
    bench_init(&b, 2);
    bench_build(&b);
    seen *s = calloc(1, sizeof *s);
    net_degrade_link(b.n, 0, 1, NULL, 1.0);
    net_stream_send(b.n, 0, 1, NET_HEADER_BYTES, on_arrive, s, 1);
    net_clear_degradations(b.n);
    net_stream_send(b.n, 0, 1, NET_HEADER_BYTES, on_arrive, s, 2);
    net_stream_send(b.n, 1, 0, 10000000, on_arrive, s, 3); /* on the wire 0 .. 100 ms */
    net_stream_send(b.n, 1, 0, 100, on_arrive, s, 4);      /* queued */
    sim_engine_run(b.e, 10 * SIM_MS);
    net_stream_reset(b.n, 1);
    net_stream_send(b.n, 0, 1, NET_HEADER_BYTES, on_arrive, s, 5);
    sim_engine_run(b.e, SIM_TIME_MAX);
    assert_int_equal(s->count, 2);
    assert_int_equal(s->arg[0], 5);
    assert_int_equal(s->arg[1], 3);
    net_stats st = net_get_stats(b.n);
    assert_int_equal(st.stream_reset, 3);
    assert_int_equal(st.stream_retransmits, 0);
    free(s);
    bench_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_net_stream_fifo_under_jitter),
        cmocka_unit_test(test_net_datagrams_reorder_under_jitter),
        cmocka_unit_test(test_net_stream_hol_blocking_under_loss),
        cmocka_unit_test(test_net_stream_rto_backs_off),
        cmocka_unit_test(test_net_stream_serialises_at_the_bandwidth),
        cmocka_unit_test(test_net_stream_default_bandwidth),
        cmocka_unit_test(test_net_stream_partition_breaks_and_resumes),
        cmocka_unit_test(test_net_stream_cut_catches_queued_segments),
        cmocka_unit_test(test_net_stream_reset_drops_what_is_not_on_the_wire),
        cmocka_unit_test(test_net_link_cut_loses_one_direction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
