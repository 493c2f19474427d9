/* test_routing.c - the control plane through the whole program, against closed forms.
 *
 * dns-move.json: sessions cache DNS answers for a TTL L with phases spread uniformly over
 * it, so after the answer changes each session moves at its next expiry, a uniform time in
 * [0, L): on average L/2 (here 30 s; the small extra wait for a session's next request
 * after expiry, 0.1 s at 10 requests/s per session, is well inside the 5% tolerance). The
 * detection that triggers the change is validated against (K - 1/2) I + T in
 * tests/unit/test_health.c over hundreds of seeds. */
#include <math.h>

#include "../mrsim_json.h"

#define SCENARIO "tests/validation/dns-move.json"

static void test_dns_clients_move_after_half_a_ttl(void **state)
{
    (void)state;
    double move = run_metric(SCENARIO, "dns_move_s");
    print_message("mean move after the DNS change %.3f s, theory 30 s\n", move);
    assert_true(fabs(move - 30.0) / 30.0 < 0.05);
}

static void test_dns_stale_answers_are_counted(void **state)
{
    (void)state;
    /* Until every session has moved, attempts still go to the dead region: stale. */
    assert_true(run_metric(SCENARIO, "dns_stale_requests") > 0);
    /* The health view caught the outage: one detection, a couple of seconds after it. */
    double detect = run_metric(SCENARIO, "detect_s");
    assert_true(detect > 0.5 && detect < 3.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dns_clients_move_after_half_a_ttl),
        cmocka_unit_test(test_dns_stale_answers_are_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
