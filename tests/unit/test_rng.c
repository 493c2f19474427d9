/* test_rng.c - named random streams: the fixed seed hash, reproducibility, independence of
 * streams, and unwinding when allocation fails.
 *
 * The golden values below were computed by a separate Python implementation of the hash in
 * rng.h and of taus2 (L'Ecuyer's 1996 combined Tausworthe generator with the LCG seeding
 * and six warm-up steps GSL uses), written from the published algorithms, not from rng.c. If one of these tests fails, every result of every scenario
 * changes: that must be a deliberate, reviewed decision, never a side effect. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rng.h"

/* A second implementation of the hash, written straight from the comment in rng.h, so that
 * many names can be checked, not only the golden ones. */
static uint64_t ref_splitmix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9u;
    z = (z ^ z >> 27) * 0x94d049bb133111ebu;
    return z ^ z >> 31;
}

static uint64_t ref_seed_for(uint64_t seed, const char *name)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; name[i]; i++) {
        h ^= (uint8_t)name[i];
        h *= 0x100000001b3u;
    }
    return ref_splitmix64(h ^ ref_splitmix64(seed));
}

static const struct golden {
    uint64_t    seed;
    const char *name;
    uint64_t    hash;     /* sim_rng_seed_for() */
    uint32_t    first[3]; /* the stream's first three 32-bit outputs */
} goldens[] = {
    { 7, "clients[0].arrivals", 0x6127fe6283e281a9u, { 0x0f2be5f2, 0x24fbf83f, 0xa1eec26c } },
    { 0, "", 0x5b21f68ffa77f14cu, { 0x12b94bda, 0xe03c60e1, 0x3efff171 } },
    { UINT64_MAX,
      "regions[2].servers",
      0xe57fea802bfa54c6u,
      { 0xc17f9aed, 0x3d2a8c42, 0x5873b71b } },
    { 42,
      "net.jitter.eu-west-1>us-east-1",
      0x96e94f69ee90e94eu,
      { 0x8c99a87e, 0xb62115ef, 0x8a8e5849 } },
    { 1, "r\xc3\xa9gion", 0xacaf3ddb9fc71f58u, { 0xe4b80ced, 0xab4db1f7, 0xa967333a } }, /* UTF-8 */
};

static void test_rng_seed_hash_matches_golden(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++)
        assert_int_equal(sim_rng_seed_for(goldens[i].seed, goldens[i].name), goldens[i].hash);
}

static void test_rng_seed_hash_matches_reference(void **state)
{
    (void)state;
    char name[64];
    for (uint64_t seed = 0; seed < 50; seed++) {
        for (int i = 0; i < 50; i++) {
            snprintf(name, sizeof name, "clients[%d].keys", i * 7919);
            assert_int_equal(sim_rng_seed_for(seed * 0x123456789u, name),
                             ref_seed_for(seed * 0x123456789u, name));
        }
    }
}

/* The 64 -> 32 bit fold and the taus2 seeding are fixed too: the first outputs of a stream
 * are golden. */
static void test_rng_stream_first_draws_match_golden(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++) {
        sim_rng *r = NULL;
        assert_int_equal(sim_rng_new(goldens[i].seed, goldens[i].name, &r), 0);
        for (int k = 0; k < 3; k++)
            assert_int_equal(gsl_rng_get(sim_rng_gsl(r)), goldens[i].first[k]);
        sim_rng_free(r);
    }
}

static void test_rng_same_name_same_sequence(void **state)
{
    (void)state;
    sim_rng *a = NULL, *b = NULL;
    assert_int_equal(sim_rng_new(99, "regions[1].service", &a), 0);
    assert_int_equal(sim_rng_new(99, "regions[1].service", &b), 0);
    for (int i = 0; i < 10000; i++) {
        double x = sim_rng_uniform(a), y = sim_rng_uniform(b);
        assert_true(x == y);
        assert_true(x >= 0 && x < 1);
    }
    for (int i = 0; i < 1000; i++) {
        assert_true(sim_rng_exponential(a, 2.5) == sim_rng_exponential(b, 2.5));
        assert_int_equal(sim_rng_below(a, 1000), sim_rng_below(b, 1000));
        double u = sim_rng_uniform_pos(a);
        assert_true(u == sim_rng_uniform_pos(b));
        assert_true(u > 0 && u < 1);
    }
    sim_rng_free(a);
    sim_rng_free(b);
}

static void test_rng_different_names_differ(void **state)
{
    (void)state;
    static const char *names[] = { "a", "b", "clients[0]", "clients[1]", "clients[10]", "" };
    enum { N = sizeof names / sizeof names[0], DRAWS = 8 };
    unsigned long seq[N][DRAWS];
    for (int i = 0; i < N; i++) {
        sim_rng *r = NULL;
        assert_int_equal(sim_rng_new(5, names[i], &r), 0);
        for (int k = 0; k < DRAWS; k++)
            seq[i][k] = gsl_rng_get(sim_rng_gsl(r));
        sim_rng_free(r);
    }
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            assert_true(memcmp(seq[i], seq[j], sizeof seq[i]) != 0);
    /* The scenario seed matters as well as the name. */
    assert_true(sim_rng_seed_for(5, "a") != sim_rng_seed_for(6, "a"));
}

/* Adding a component (a new stream, drawn from in between) must not change what an existing
 * stream draws: streams share no state. */
static void test_rng_streams_are_independent(void **state)
{
    (void)state;
    enum { DRAWS = 2000 };
    static double alone[DRAWS];
    sim_rng      *r = NULL;
    assert_int_equal(sim_rng_new(7, "clients[0].arrivals", &r), 0);
    for (int i = 0; i < DRAWS; i++)
        alone[i] = sim_rng_exponential(r, 1.0);
    sim_rng_free(r);

    sim_rng *others[4] = { NULL };
    assert_int_equal(sim_rng_new(7, "regions[0].service", &others[0]), 0);
    assert_int_equal(sim_rng_new(7, "clients[0].arrivals", &r), 0);
    for (int i = 0; i < DRAWS; i++) {
        if (i == 100)
            assert_int_equal(sim_rng_new(7, "clients[1].arrivals", &others[1]), 0);
        if (i == 500)
            assert_int_equal(sim_rng_new(7, "clients[0].arrivals", &others[2]), 0); /* twin */
        for (int k = 0; k < 3; k++)
            if (others[k])
                (void)sim_rng_uniform(others[k]);
        assert_true(sim_rng_exponential(r, 1.0) == alone[i]);
    }
    for (int k = 0; k < 4; k++)
        sim_rng_free(others[k]);
    sim_rng_free(r);
}

static void test_rng_alloc_failure_returns_enomem(void **state)
{
    (void)state;
    sim_alloc_fail_at(0);
    sim_rng *r = NULL;
    assert_int_equal(sim_rng_new(1, "x", &r), 0);
    long made = sim_alloc_fail_at(0);
    sim_rng_free(r);
    assert_true(made >= 1);
    for (long nth = 1; nth <= made; nth++) {
        static sim_rng dummy;
        sim_rng       *f = &dummy; /* not NULL, so the test sees it reset */
        sim_alloc_fail_at(nth);
        assert_int_equal(sim_rng_new(1, "x", &f), SIM_ENOMEM);
        assert_null(f);
    }
    sim_alloc_fail_at(0);
    sim_rng_free(NULL); /* a no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_seed_hash_matches_golden),
        cmocka_unit_test(test_rng_seed_hash_matches_reference),
        cmocka_unit_test(test_rng_stream_first_draws_match_golden),
        cmocka_unit_test(test_rng_same_name_same_sequence),
        cmocka_unit_test(test_rng_different_names_differ),
        cmocka_unit_test(test_rng_streams_are_independent),
        cmocka_unit_test(test_rng_alloc_failure_returns_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
