/* fuzz-alloc.c - allocation failure: for an input, load it (and, when it loads, expand a
 * sweep point and set up and run a tiny run) once to count the allocations, then again
 * failing the k-th allocation, for every k. Each must end in success or SIM_ENOMEM with a
 * message, and leak nothing (ASan). Kept as a test over the seed corpus (meson test --suite
 * fuzz); as a libFuzzer harness it explores the same for new inputs. */
#include <string.h>

#include "fuzz.h"
#include "run.h"
#include "scn-vary.h"

/* One pass: 0 when everything succeeded, SIM_ENOMEM when an allocation failure surfaced,
 * anything else is a bug. */
static int one_pass(const char *text, size_t size)
{
    scn_scenario *s = NULL;
    sim_err       err;
    memset(&err, 0, sizeof err);
    int rc = scn_parse("fuzz.json", text, size, &s, &err);
    if (rc == SIM_EINVAL)
        return 0; /* refused input: not this harness's business */
    if (rc != 0) {
        if (rc != SIM_ENOMEM || s != NULL || err.msg[0] == '\0')
            __builtin_trap();
        return rc;
    }
    if (s->sweep && scn_sweep_npoints(s->sweep) > 0) {
        scn_scenario *pt = NULL;
        rc = scn_sweep_point(s, 0, &pt, &err);
        if (rc == 0)
            scn_free(pt);
        else if (rc != SIM_ENOMEM && rc != SIM_EINVAL)
            __builtin_trap();
    }
    fuzz_cap_scenario(s);
    if (s->duration > 200 * SIM_MS)
        s->duration = 200 * SIM_MS; /* every k means a run each: keep them tiny */
    if (s->warmup >= s->duration)
        s->warmup = 0;
    for (size_t i = 0; i < s->nclients; i++) {
        s->clients[i].rate = s->clients[i].rate > 50 ? 50 : s->clients[i].rate;
        for (size_t k = 0; k < s->clients[i].nsteps; k++)
            s->clients[i].steps[k].rate = 1;
    }
    run_result *r = NULL;
    int         rrc = run_scenario(s, NULL, &r, &err);
    if (rrc == 0)
        run_result_free(r);
    else if (rrc != SIM_ENOMEM)
        __builtin_trap();
    scn_free(s);
    return rc < 0 ? rc : rrc;
}

/* Every k up to this many allocations; beyond, this many more spread evenly, so that one
 * input stays within libFuzzer's timeout under the sanitizers (a pass is a run). */
#define EVERY_K  400
#define SAMPLE_K 200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sim_alloc_fail_at(0);
    one_pass((const char *)data, size);
    long total = sim_alloc_fail_at(0);
    for (long k = 1; k <= total; k++) {
        if (k > EVERY_K && total > EVERY_K + SAMPLE_K
            && (k - EVERY_K) % ((total - EVERY_K) / SAMPLE_K) != 0)
            continue;
        sim_alloc_fail_at(k);
        one_pass((const char *)data, size);
    }
    sim_alloc_fail_at(0);
    return 0;
}
