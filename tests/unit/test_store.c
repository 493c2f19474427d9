/* test_store.c - the per-region store: shape, zeroed records, direct access, copying a
 * record out and in, comparing stores, the size limit and allocation failure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "store.h"

static store *new_ok(uint64_t keys, uint32_t fields, uint32_t regions)
{
    store  *s = NULL;
    sim_err err = { 0 };
    int     rc = store_new(keys, fields, regions, &s, &err);
    if (rc != 0)
        fail_msg("store_new: %d: %s", rc, err.msg);
    assert_non_null(s);
    return s;
}

static store_record sample_record(uint32_t fields, uint32_t regions, uint64_t salt)
{
    store_record r;
    memset(&r, 0, sizeof r);
    r.head = (store_cell){ .ts = 1000 + (int64_t)salt,
                           .write_id = STORE_WRITE_ID(1, salt),
                           .kseq = salt };
    for (uint32_t i = 0; i < fields; i++)
        r.cell[i] = (store_cell){ .ts = (int64_t)(i * 10 + salt),
                                  .write_id = STORE_WRITE_ID(i % regions, salt + i),
                                  .kseq = salt + i };
    r.set = UINT64_C(0x8000000000000001) | salt;
    for (uint32_t i = 0; i < regions; i++)
        r.vv[i] = (uint32_t)(salt + 100 * i);
    return r;
}

static void test_store_new_free_and_shape(void **state)
{
    (void)state;
    store *s = new_ok(1000, 3, 4);
    assert_int_equal(store_keys(s), 1000);
    assert_int_equal(store_fields(s), 3);
    assert_int_equal(store_regions(s), 4);
    store_free(s);
    store_free(NULL);
    s = new_ok(0, 0, 1); /* an empty key space is allowed */
    assert_int_equal(store_keys(s), 0);
    store_free(s);
}

static void test_store_starts_null(void **state)
{
    (void)state;
    store *s = new_ok(50, STORE_MAX_FIELDS, 64);
    for (uint64_t k = 0; k < 50; k++) {
        store_record r;
        memset(&r, 0xab, sizeof r);
        store_get(s, k, &r);
        store_record zero;
        memset(&zero, 0, sizeof zero);
        assert_memory_equal(&r, &zero, sizeof r);
    }
    store_free(s);
}

static void test_store_get_put_round_trip(void **state)
{
    (void)state;
    store       *s = new_ok(100, 3, 5);
    store_record in = sample_record(3, 5, 42);
    store_put(s, 17, &in);
    store_record out;
    memset(&out, 0xcd, sizeof out);
    store_get(s, 17, &out);
    assert_memory_equal(&out, &in, sizeof out);

    /* Only the meaningful parts travel: cells beyond 'fields' and entries beyond 'regions'
     * are not stored, and get() zeroes them. */
    in.cell[5].write_id = 99;
    in.vv[10] = 7;
    store_put(s, 18, &in);
    store_get(s, 18, &out);
    assert_int_equal(out.cell[5].write_id, 0);
    assert_int_equal(out.vv[10], 0);
    assert_int_equal(out.cell[2].write_id, in.cell[2].write_id);

    /* Neighbours are untouched. */
    store_get(s, 16, &out);
    assert_int_equal(out.head.write_id, 0);
    assert_int_equal(out.cell[0].write_id, 0);
    store_get(s, 19, &out);
    assert_int_equal(out.set, 0);
    assert_int_equal(out.vv[0], 0);
    store_free(s);
}

static void test_store_direct_access_matches_get(void **state)
{
    (void)state;
    store *s = new_ok(10, 2, 3);
    store_head(s, 9)->write_id = STORE_WRITE_ID(2, 5);
    store_cells(s, 9)[1].ts = -77;
    *store_set(s, 9) = 6;
    store_vv(s, 9)[2] = 11;
    store_cells(s, 8)[1].kseq = 4; /* the last cell of the key before */
    store_record r;
    store_get(s, 9, &r);
    assert_int_equal(r.head.write_id, STORE_WRITE_ID(2, 5));
    assert_int_equal(STORE_WRITE_ORIGIN(r.head.write_id), 2);
    assert_int_equal(STORE_WRITE_SEQ(r.head.write_id), 5);
    assert_int_equal(r.cell[1].ts, -77);
    assert_int_equal(r.cell[0].kseq, 0);
    assert_int_equal(r.set, 6);
    assert_int_equal(r.vv[2], 11);
    assert_int_equal(r.vv[0], 0);
    store_get(s, 8, &r);
    assert_int_equal(r.cell[1].kseq, 4);
    assert_int_equal(r.head.write_id, 0);
    store_free(s);
}

static void test_store_same_compares_head_cells_set(void **state)
{
    (void)state;
    store       *a = new_ok(4, 2, 3), *b = new_ok(4, 2, 3);
    store_record r = sample_record(2, 3, 9);
    assert_true(store_same(a, b, 0));
    store_put(a, 0, &r);
    assert_false(store_same(a, b, 0));
    store_put(b, 0, &r);
    assert_true(store_same(a, b, 0));
    assert_true(store_same(a, b, 1));

    /* Version vectors are bookkeeping: not compared. */
    store_vv(b, 0)[1] += 5;
    assert_true(store_same(a, b, 0));
    /* Each of head, a cell (any part) and the set is. */
    store_head(b, 0)->ts++;
    assert_false(store_same(a, b, 0));
    store_head(b, 0)->ts--;
    store_cells(b, 0)[1].kseq++;
    assert_false(store_same(a, b, 0));
    store_cells(b, 0)[1].kseq--;
    store_cells(b, 0)[0].write_id++;
    assert_false(store_same(a, b, 0));
    store_cells(b, 0)[0].write_id--;
    *store_set(b, 0) ^= 4;
    assert_false(store_same(a, b, 0));
    *store_set(b, 0) ^= 4;
    assert_true(store_same(a, b, 0));
    store_free(a);
    store_free(b);
}

static void test_store_too_large_refused(void **state)
{
    (void)state;
    store  *s = (store *)&s; /* must be reset to NULL */
    sim_err err = { 0 };
    /* 100M keys x (8 x 24 + 24 + 8 + 3 x 4 = 236, rounded up to 240) bytes: 22888 MB. */
    int rc = store_new(100000000, 8, 3, &s, &err);
    assert_int_equal(rc, SIM_ERANGE);
    assert_int_equal(err.code, SIM_ERANGE);
    assert_null(s);
    assert_string_equal(err.msg,
                        "a store of 22888 MB is too large (at most 4096 MB): "
                        "100000000 keys x 240 bytes (8 fields x 24 + 24 + 8 + 3 "
                        "regions x 4, rounded up to 8)");
    /* Just under and just over the limit (2 fields, 2 regions: 88 bytes a key). */
    uint64_t fit = STORE_MAX_BYTES / 88;
    rc = store_new(fit + 1, 2, 2, &s, &err);
    assert_int_equal(rc, SIM_ERANGE);
    /* A product beyond 64 bits is refused, not wrapped. */
    rc = store_new(UINT64_MAX / 8, 8, 64, &s, &err);
    assert_int_equal(rc, SIM_ERANGE);
    assert_null(s);
    /* More fields or regions than a record holds. */
    rc = store_new(10, STORE_MAX_FIELDS + 1, 3, &s, &err);
    assert_int_equal(rc, SIM_ERANGE);
    assert_string_equal(err.msg, "expected at most 8 fields per record, got 9");
    rc = store_new(10, 1, 65, &s, &err);
    assert_int_equal(rc, SIM_ERANGE);
    assert_null(s);
    /* err may be NULL. */
    assert_int_equal(store_new(fit + 1, 2, 2, &s, NULL), SIM_ERANGE);
}

static void test_store_allocation_failure(void **state)
{
    (void)state;
    sim_alloc_fail_at(0);
    store *s = NULL;
    assert_int_equal(store_new(100, 2, 3, &s, NULL), 0);
    store_free(s);
    long n = sim_alloc_fail_at(0);
    assert_true(n >= 1);
    for (long i = 1; i <= n; i++) {
        sim_err err = { 0 };
        s = (store *)&s;
        sim_alloc_fail_at(i);
        int rc = store_new(100, 2, 3, &s, &err);
        sim_alloc_fail_at(0);
        assert_int_equal(rc, SIM_ENOMEM);
        assert_int_equal(err.code, SIM_ENOMEM);
        assert_null(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_new_free_and_shape),
        cmocka_unit_test(test_store_starts_null),
        cmocka_unit_test(test_store_get_put_round_trip),
        cmocka_unit_test(test_store_direct_access_matches_get),
        cmocka_unit_test(test_store_same_compares_head_cells_set),
        cmocka_unit_test(test_store_too_large_refused),
        cmocka_unit_test(test_store_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
