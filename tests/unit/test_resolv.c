/* test_resolv.c - last-write-wins and merge: the order of cells, ties to the alphabetically
 * first region, skew losing writes, convergence whatever the delivery order, merge keeping
 * concurrent fields, idempotence, conflict detection and displaced writes.
 *
 * The replicas are three stores; region 0 is "us-east-1", 1 "eu-west-1", 2 "ap-southeast-1",
 * so in alphabetical order ap (2) comes first and wins ties, then eu (1), then us (0). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "resolv.h"

#define NREG    3
#define NFIELDS 3
#define NKEYS   4

enum { US = 0, EU = 1, AP = 2 };
static const uint8_t rank[ENV_MAX_REGIONS] = { [US] = 2, [EU] = 1, [AP] = 0 };

typedef struct world {
    store   *st[NREG];
    uint32_t seq[NREG]; /* last sequence issued per origin */
} world;

static int world_setup(void **state)
{
    world *w = sim_calloc(1, sizeof *w);
    assert_non_null(w);
    for (int r = 0; r < NREG; r++)
        assert_int_equal(store_new(NKEYS, NFIELDS, NREG, &w->st[r], NULL), 0);
    *state = w;
    return 0;
}

static int world_teardown(void **state)
{
    world *w = *state;
    for (int r = 0; r < NREG; r++)
        store_free(w->st[r]);
    sim_free(w);
    return 0;
}

static void world_reset(world *w)
{
    store_record zero;
    memset(&zero, 0, sizeof zero);
    for (int r = 0; r < NREG; r++) {
        w->seq[r] = 0;
        for (uint64_t k = 0; k < NKEYS; k++)
            store_put(w->st[r], k, &zero);
    }
}

/* A write at its origin with timestamp ts; returns the outcome, *shipped what replication
 * carries. */
static resolv_outcome write_at(world *w, scn_resolver kind, uint32_t origin, uint64_t key,
                               uint32_t field, int64_t ts, uint32_t elem, store_record *shipped)
{
    uint32_t   seq = ++w->seq[origin];
    store_cell c = { .ts = ts, .write_id = STORE_WRITE_ID(origin, seq), .kseq = seq };
    return resolv_local_write(kind, w->st[origin], key, field, &c, elem, rank, shipped);
}

static resolv_outcome deliver(world *w, scn_resolver kind, uint32_t to, uint64_t key,
                              const store_record *shipped)
{
    uint32_t field = NFIELDS; /* the field the write set: its cell is head */
    for (uint32_t i = 0; i < NFIELDS; i++)
        if (shipped->cell[i].write_id == shipped->head.write_id)
            field = i;
    assert_true(field < NFIELDS);
    return resolv_replicated(kind, w->st[to], key, field, shipped, rank);
}

static void assert_replicas_same(world *w, uint64_t key)
{
    for (int r = 1; r < NREG; r++)
        if (!store_same(w->st[0], w->st[r], key)) {
            store_record a, b;
            store_get(w->st[0], key, &a);
            store_get(w->st[r], key, &b);
            fail_msg("key %llu: replica 0 head %llx set %llx, replica %d head %llx set %llx",
                     (unsigned long long)key, (unsigned long long)a.head.write_id,
                     (unsigned long long)a.set, r, (unsigned long long)b.head.write_id,
                     (unsigned long long)b.set);
        }
}

/* Deterministic test randomness (xorshift64*): no rand(). */
static uint64_t rnd_state = 0x9e3779b97f4a7c15u;
static uint32_t rnd(uint32_t n)
{
    rnd_state ^= rnd_state >> 12;
    rnd_state ^= rnd_state << 25;
    rnd_state ^= rnd_state >> 27;
    return (uint32_t)((rnd_state * 0x2545f4914f6cdd1du) >> 33) % n;
}

static void shuffle(uint32_t *a, uint32_t n)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = rnd(i), t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* --- the order of cells ------------------------------------------------------------- */

static void test_resolv_cell_order(void **state)
{
    (void)state;
    store_cell null = { 0 }, null2 = { .ts = 99 };
    store_cell us = { .ts = 100, .write_id = STORE_WRITE_ID(US, 7) };
    store_cell ap = { .ts = 100, .write_id = STORE_WRITE_ID(AP, 3) };
    store_cell eu = { .ts = 100, .write_id = STORE_WRITE_ID(EU, 5) };
    store_cell us8 = { .ts = 100, .write_id = STORE_WRITE_ID(US, 8) };
    store_cell later = { .ts = 101, .write_id = STORE_WRITE_ID(US, 1) };
    store_cell early = { .ts = -5, .write_id = STORE_WRITE_ID(AP, 9) };

    assert_int_equal(resolv_cell_cmp(&null, &null2, rank), 0); /* both null */
    assert_true(resolv_cell_cmp(&null, &early, rank) < 0);     /* null older than all */
    assert_true(resolv_cell_cmp(&early, &null, rank) > 0);
    assert_true(resolv_cell_cmp(&later, &ap, rank) > 0); /* timestamp first */
    assert_true(resolv_cell_cmp(&ap, &us, rank) > 0);    /* ap is alphabetically first */
    assert_true(resolv_cell_cmp(&us, &ap, rank) < 0);
    assert_true(resolv_cell_cmp(&eu, &us, rank) > 0);
    assert_true(resolv_cell_cmp(&ap, &eu, rank) > 0);
    assert_true(resolv_cell_cmp(&us8, &us, rank) > 0); /* then the higher id */
    assert_int_equal(resolv_cell_cmp(&us, &us, rank), 0);
}

/* --- last-write-wins ----------------------------------------------------------------- */

static void test_resolv_lww_equal_timestamps_go_to_first_region(void **state)
{
    world *w = *state;
    for (int kind = SCN_RESOLVER_LWW; kind <= SCN_RESOLVER_MERGE; kind++) {
        for (int order = 0; order < 2; order++) {
            world_reset(w);
            store_record   s_us, s_ap;
            resolv_outcome o1 = write_at(w, kind, US, 1, 0, 5000, 1, &s_us);
            resolv_outcome o2 = write_at(w, kind, AP, 1, 0, 5000, 2, &s_ap);
            assert_true(o1.won && o2.won);
            /* Replica EU gets them in either order; each origin gets the other's. */
            if (order == 0) {
                deliver(w, kind, EU, 1, &s_us);
                deliver(w, kind, EU, 1, &s_ap);
            } else {
                deliver(w, kind, EU, 1, &s_ap);
                deliver(w, kind, EU, 1, &s_us);
            }
            resolv_outcome at_us = deliver(w, kind, US, 1, &s_ap);
            resolv_outcome at_ap = deliver(w, kind, AP, 1, &s_us);
            assert_true(at_us.won);  /* ap's write replaces us's at us */
            assert_false(at_ap.won); /* us's write loses at ap */
            assert_true(at_us.conflict && at_ap.conflict);
            assert_replicas_same(w, 1);
            for (int r = 0; r < NREG; r++) {
                store_record rec;
                store_get(w->st[r], 1, &rec);
                assert_int_equal(STORE_WRITE_ORIGIN(rec.cell[0].write_id), AP);
                assert_int_equal(STORE_WRITE_ORIGIN(rec.head.write_id), AP);
                assert_int_equal(rec.vv[US], 1);
                assert_int_equal(rec.vv[AP], 1);
            }
        }
    }
}

static void test_resolv_lww_skew_discards_later_write(void **state)
{
    world *w = *state;
    world_reset(w);
    /* US writes at true time 1 s with a correct clock; the write reaches EU. EU's clock is
     * 2 s behind, so its write at true time 2 s (which follows US's causally) is stamped
     * 0 s: older. */
    store_record s1, s2;
    write_at(w, SCN_RESOLVER_LWW, US, 0, 0, 1 * SIM_S, 0, &s1);
    assert_false(deliver(w, SCN_RESOLVER_LWW, EU, 0, &s1).conflict);
    resolv_outcome o = write_at(w, SCN_RESOLVER_LWW, EU, 0, 0, 0, 1, &s2);
    assert_false(o.won); /* discarded at its own origin */
    assert_false(o.conflict);
    assert_int_equal(o.displaced, 0);
    store_record rec;
    store_get(w->st[EU], 0, &rec);
    assert_int_equal(rec.head.write_id, s1.head.write_id);
    assert_int_equal(rec.set, 1);
    assert_int_equal(rec.vv[EU], 1); /* but the record has seen it */
    /* What is shipped is the write applied, so replicas decide alike. */
    assert_int_equal(s2.head.write_id, STORE_WRITE_ID(EU, 1));
    assert_int_equal(s2.cell[0].write_id, STORE_WRITE_ID(EU, 1));
    assert_int_equal(s2.set, 3);

    /* At US: a causal successor, not a conflict, and it loses. */
    o = deliver(w, SCN_RESOLVER_LWW, US, 0, &s2);
    assert_false(o.won);
    assert_false(o.conflict);
    /* At AP, in either order, it loses too. */
    deliver(w, SCN_RESOLVER_LWW, AP, 0, &s2);
    o = deliver(w, SCN_RESOLVER_LWW, AP, 0, &s1);
    assert_true(o.won);
    assert_replicas_same(w, 0);
    store_get(w->st[AP], 0, &rec);
    assert_int_equal(rec.head.write_id, s1.head.write_id);
    assert_int_equal(rec.cell[0].write_id, s1.head.write_id);
    assert_int_equal(rec.set, 1);
    assert_int_equal(rec.vv[US], 1);
    assert_int_equal(rec.vv[EU], 1);
}

/* Random histories: n writes by random origins to random fields with timestamps from a
 * small range (so ties happen); each write happens at its origin, and copies are delivered
 * to the other two replicas, interleaved at random (a delivery after its write). Every
 * replica must end with the same record. */
static void run_random_history(world *w, scn_resolver kind, uint32_t n)
{
    enum { MAXW = 4 };
    uint32_t     origin[MAXW], field[MAXW];
    int64_t      ts[MAXW];
    store_record shipped[MAXW];
    /* Events: 3 per write (its write, then two deliveries), in a random valid order. */
    uint32_t ev[3 * MAXW], nev = 0;
    for (uint32_t i = 0; i < n; i++) {
        origin[i] = rnd(NREG);
        field[i] = rnd(NFIELDS);
        ts[i] = (int64_t)rnd(4);
        for (int k = 0; k < 3; k++)
            ev[nev++] = i;
    }
    shuffle(ev, nev);
    /* The first occurrence of write i in ev is its write, the later two its deliveries. */
    uint32_t done[MAXW] = { 0 };
    world_reset(w);
    for (uint32_t e = 0; e < nev; e++) {
        uint32_t i = ev[e];
        if (done[i] == 0) {
            resolv_outcome o = write_at(w, kind, origin[i], 2, field[i], ts[i], i, &shipped[i]);
            assert_false(o.conflict);
        } else {
            uint32_t to = (origin[i] + done[i]) % NREG;
            deliver(w, kind, to, 2, &shipped[i]);
        }
        done[i]++;
    }
    assert_replicas_same(w, 2);
    /* And the result contains the greatest write (lww: as head; merge: in its field). */
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        if (resolv_cell_cmp(&shipped[i].head, &shipped[best].head, rank) > 0)
            best = i;
    store_record rec;
    store_get(w->st[0], 2, &rec);
    assert_int_equal(rec.head.write_id, shipped[best].head.write_id);
    assert_int_equal(rec.cell[field[best]].write_id, shipped[best].head.write_id);
    if (kind == SCN_RESOLVER_MERGE)
        assert_int_equal(rec.set, (UINT64_C(1) << n) - 1);
    for (int r = 0; r < NREG; r++) {
        store_record v;
        store_get(w->st[r], 2, &v);
        for (int o = 0; o < NREG; o++)
            assert_int_equal(v.vv[o], w->seq[o]);
    }
}

static void test_resolv_lww_converges_any_delivery_order(void **state)
{
    world *w = *state;
    for (int trial = 0; trial < 2000; trial++)
        run_random_history(w, SCN_RESOLVER_LWW, 3 + (uint32_t)(trial % 2));
}

static void test_resolv_merge_converges_any_delivery_order(void **state)
{
    world *w = *state;
    for (int trial = 0; trial < 2000; trial++)
        run_random_history(w, SCN_RESOLVER_MERGE, 3 + (uint32_t)(trial % 2));
}

/* --- merge -------------------------------------------------------------------------- */

static void test_resolv_merge_keeps_concurrent_fields(void **state)
{
    world *w = *state;
    for (int kind = SCN_RESOLVER_LWW; kind <= SCN_RESOLVER_MERGE; kind++) {
        world_reset(w);
        store_record s_us, s_eu;
        write_at(w, kind, US, 3, 0, 100, 4, &s_us); /* concurrent: neither saw the other */
        write_at(w, kind, EU, 3, 1, 200, 5, &s_eu);
        resolv_outcome a = deliver(w, kind, US, 3, &s_eu);
        resolv_outcome b = deliver(w, kind, EU, 3, &s_us);
        deliver(w, kind, AP, 3, &s_us);
        deliver(w, kind, AP, 3, &s_eu);
        assert_true(a.conflict && b.conflict);
        assert_replicas_same(w, 3);
        store_record rec;
        store_get(w->st[AP], 3, &rec);
        assert_int_equal(rec.head.write_id, s_eu.head.write_id);
        assert_int_equal(rec.cell[1].write_id, s_eu.head.write_id);
        if (kind == SCN_RESOLVER_MERGE) {
            assert_true(a.won && b.won); /* each write keeps its field */
            assert_int_equal(rec.cell[0].write_id, s_us.head.write_id);
            assert_int_equal(rec.set, (1u << 4) | (1u << 5));
        } else {
            assert_true(a.won);
            assert_false(b.won); /* us's write is lost */
            assert_int_equal(rec.cell[0].write_id, 0);
            assert_int_equal(rec.set, 1u << 5);
        }
    }
}

static void test_resolv_merge_commutative_idempotent(void **state)
{
    world *w = *state;
    /* Four shipped records from writes at different origins with partial knowledge. */
    world_reset(w);
    store_record s[4];
    write_at(w, SCN_RESOLVER_MERGE, US, 0, 0, 50, 1, &s[0]);
    write_at(w, SCN_RESOLVER_MERGE, EU, 0, 0, 50, 2, &s[1]); /* ties with s[0] */
    deliver(w, SCN_RESOLVER_MERGE, AP, 0, &s[0]);
    write_at(w, SCN_RESOLVER_MERGE, AP, 0, 2, 10, 3, &s[2]); /* knows s[0] */
    write_at(w, SCN_RESOLVER_MERGE, US, 0, 1, 70, 63, &s[3]);

    /* Apply every permutation of the four to a fresh store; each also applied twice. */
    store *ref = NULL, *t = NULL;
    assert_int_equal(store_new(1, NFIELDS, NREG, &ref, NULL), 0);
    assert_int_equal(store_new(1, NFIELDS, NREG, &t, NULL), 0);
    for (int i = 0; i < 4; i++)
        resolv_replicated(SCN_RESOLVER_MERGE, ref, 0, 0, &s[i], rank);
    uint32_t perm[4] = { 0, 1, 2, 3 };
    int      count = 0;
    for (uint32_t a = 0; a < 4; a++)
        for (uint32_t b = 0; b < 4; b++)
            for (uint32_t c = 0; c < 4; c++) {
                uint32_t d = 6 - a - b - c;
                if (a == b || a == c || b == c || d > 3 || d == a || d == b || d == c)
                    continue;
                perm[0] = a, perm[1] = b, perm[2] = c, perm[3] = d;
                store_record zero;
                memset(&zero, 0, sizeof zero);
                store_put(t, 0, &zero);
                for (int i = 0; i < 4; i++) {
                    resolv_replicated(SCN_RESOLVER_MERGE, t, 0, 0, &s[perm[i]], rank);
                    /* Applying it again changes nothing and is no conflict. */
                    store_record before, after;
                    store_get(t, 0, &before);
                    resolv_outcome o
                        = resolv_replicated(SCN_RESOLVER_MERGE, t, 0, 0, &s[perm[i]], rank);
                    store_get(t, 0, &after);
                    assert_memory_equal(&before, &after, sizeof before);
                    assert_false(o.conflict);
                }
                assert_true(store_same(ref, t, 0));
                store_record x, y;
                store_get(ref, 0, &x);
                store_get(t, 0, &y);
                assert_memory_equal(x.vv, y.vv, sizeof x.vv);
                count++;
            }
    assert_int_equal(count, 24);
    store_record rec;
    store_get(ref, 0, &rec);
    assert_int_equal(rec.cell[0].write_id, s[1].head.write_id); /* eu before us on a tie */
    assert_int_equal(rec.cell[1].write_id, s[3].head.write_id);
    assert_int_equal(rec.cell[2].write_id, s[2].head.write_id);
    assert_int_equal(rec.head.write_id, s[3].head.write_id);
    assert_int_equal(rec.set, (UINT64_C(1) << 63) | 0xe);
    assert_int_equal(rec.vv[US], 2);
    assert_int_equal(rec.vv[EU], 1);
    assert_int_equal(rec.vv[AP], 1);
    store_free(ref);
    store_free(t);
}

static void test_resolv_lww_idempotent(void **state)
{
    world *w = *state;
    world_reset(w);
    store_record s1, s2;
    write_at(w, SCN_RESOLVER_LWW, US, 0, 0, 10, 0, &s1);
    write_at(w, SCN_RESOLVER_LWW, EU, 0, 1, 20, 1, &s2);
    assert_true(deliver(w, SCN_RESOLVER_LWW, AP, 0, &s1).won);
    resolv_outcome o = deliver(w, SCN_RESOLVER_LWW, AP, 0, &s2);
    assert_true(o.won);
    assert_true(o.conflict); /* ap had seen us's write, eu's had not */
    store_record before, after;
    store_get(w->st[AP], 0, &before);
    for (int i = 0; i < 2; i++) {
        o = deliver(w, SCN_RESOLVER_LWW, AP, 0, i ? &s1 : &s2);
        assert_false(o.won);
        assert_false(o.conflict); /* already seen: old news */
        store_get(w->st[AP], 0, &after);
        assert_memory_equal(&before, &after, sizeof before);
    }
}

/* --- conflicts and displaced writes ---------------------------------------------------- */

static void test_resolv_conflict_detection(void **state)
{
    world *w = *state;
    for (int kind = SCN_RESOLVER_LWW; kind <= SCN_RESOLVER_MERGE; kind++) {
        world_reset(w);
        store_record s1, s2, s3, s4;
        /* A write into a null record is never a conflict. */
        write_at(w, kind, US, 0, 0, 10, 0, &s1);
        assert_false(deliver(w, kind, EU, 0, &s1).conflict);
        /* EU's write follows US's (EU had it): a causal successor, no conflict at US. */
        write_at(w, kind, EU, 0, 0, 20, 1, &s2);
        resolv_outcome o = deliver(w, kind, US, 0, &s2);
        assert_false(o.conflict);
        assert_true(o.won);
        /* US writes again (knows both); AP writes without having seen anything: at US,
         * AP's write is concurrent with what US holds. */
        write_at(w, kind, US, 0, 1, 30, 2, &s3);
        write_at(w, kind, AP, 0, 2, 25, 3, &s4);
        o = deliver(w, kind, US, 0, &s4);
        assert_true(o.conflict);
        /* At EU, which holds US's first write and its own: also concurrent. */
        assert_true(deliver(w, kind, EU, 0, &s4).conflict);
        /* US's s3 arriving at EU afterwards: EU has seen AP's write that s3 had not. */
        assert_true(deliver(w, kind, EU, 0, &s3).conflict);
        /* At AP, s1 then s2 then s3: each arrives at a record that holds AP's write, which
         * none of them had seen. */
        assert_true(deliver(w, kind, AP, 0, &s1).conflict);
        assert_true(deliver(w, kind, AP, 0, &s2).conflict);
        assert_true(deliver(w, kind, AP, 0, &s3).conflict);
        assert_replicas_same(w, 0);
        /* Local writes are never conflicts. */
        assert_false(write_at(w, kind, EU, 0, 0, 5, 0, &s1).conflict);
    }
}

static void test_resolv_displaced_reports_overwritten_write(void **state)
{
    world *w = *state;
    for (int kind = SCN_RESOLVER_LWW; kind <= SCN_RESOLVER_MERGE; kind++) {
        world_reset(w);
        store_record   s1, s2, s3;
        resolv_outcome o = write_at(w, kind, US, 0, 0, 10, 0, &s1);
        assert_int_equal(o.displaced, 0); /* the field was null */
        o = write_at(w, kind, US, 0, 0, 20, 0, &s2);
        assert_true(o.won);
        assert_int_equal(o.displaced, s1.head.write_id);
        o = write_at(w, kind, US, 0, 1, 30, 0, &s3);
        assert_int_equal(o.displaced, 0); /* another field, null */
        /* A replicated write from EU into field 0, then a local US write over it. */
        deliver(w, kind, EU, 0, &s3);
        store_record s4, s5;
        write_at(w, kind, EU, 0, 0, 40, 1, &s4);
        deliver(w, kind, US, 0, &s4);
        o = write_at(w, kind, US, 0, 0, 50, 2, &s5);
        assert_true(o.won);
        assert_int_equal(o.displaced, s4.head.write_id);
        /* A write that loses displaces nothing. */
        o = write_at(w, kind, US, 0, 0, 45, 2, &s5);
        assert_false(o.won);
        assert_int_equal(o.displaced, 0);
    }
}

static void test_resolv_merge_local_older_field_write(void **state)
{
    world *w = *state;
    world_reset(w);
    /* Under merge a write older than the head but newer in its own field wins its field;
     * the head stays the newest write; the set gains the element either way. */
    store_record s1, s2, s3;
    write_at(w, SCN_RESOLVER_MERGE, US, 0, 0, 100, 0, &s1);
    resolv_outcome o = write_at(w, SCN_RESOLVER_MERGE, US, 0, 1, 50, 1, &s2);
    assert_true(o.won);
    o = write_at(w, SCN_RESOLVER_MERGE, US, 0, 0, 60, 2, &s3);
    assert_false(o.won);
    store_record rec;
    store_get(w->st[US], 0, &rec);
    assert_int_equal(rec.head.write_id, s1.head.write_id);
    assert_int_equal(rec.cell[0].write_id, s1.head.write_id);
    assert_int_equal(rec.cell[1].write_id, s2.head.write_id);
    assert_int_equal(rec.set, 7);
    assert_int_equal(rec.vv[US], 3);
    /* The shipped record carries the write itself. */
    assert_int_equal(s3.cell[0].write_id, s3.head.write_id);
    assert_int_equal(s3.cell[1].write_id, s2.head.write_id);
    /* At a replica that got s1, s3 loses its field: won is false. */
    deliver(w, SCN_RESOLVER_MERGE, EU, 0, &s1);
    o = deliver(w, SCN_RESOLVER_MERGE, EU, 0, &s3);
    assert_false(o.won);
    assert_false(o.conflict);
    deliver(w, SCN_RESOLVER_MERGE, EU, 0, &s2);
    assert_true(store_same(w->st[US], w->st[EU], 0));
}

#define T(name) cmocka_unit_test_setup_teardown(name, world_setup, world_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolv_cell_order),
        T(test_resolv_lww_equal_timestamps_go_to_first_region),
        T(test_resolv_lww_skew_discards_later_write),
        T(test_resolv_lww_converges_any_delivery_order),
        T(test_resolv_merge_converges_any_delivery_order),
        T(test_resolv_merge_keeps_concurrent_fields),
        T(test_resolv_merge_commutative_idempotent),
        T(test_resolv_lww_idempotent),
        T(test_resolv_conflict_detection),
        T(test_resolv_displaced_reports_overwritten_write),
        T(test_resolv_merge_local_older_field_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
