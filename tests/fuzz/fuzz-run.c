/* fuzz-run.c - the loader, then a bounded run of every pattern the scenario defines (and the
 * independent baseline): any scenario that validates must run to a result or to an error
 * (SIM_ENOMEM under the harness's memory ceiling), never crash, abort or read out of bounds.
 * The run is capped inside the harness (fuzz_cap_scenario) so that one input takes
 * milliseconds. This harness found D1 (a fault after the end made rto_s index past its
 * tallies). */
#include <string.h>

#include "fuzz.h"
#include "run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ceiling;
    if (!ceiling) {
        sim_mem_limit((size_t)256 << 20); /* a run that outgrows it must fail cleanly */
        ceiling = 1;
    }
    scn_scenario *s = NULL;
    sim_err       err;
    if (scn_parse("fuzz.json", (const char *)data, size, &s, &err) != 0)
        return 0;
    fuzz_cap_scenario(s);
    for (size_t p = 0; p <= s->npatterns; p++) {
        run_options opts;
        memset(&opts, 0, sizeof opts);
        opts.pattern = p < s->npatterns ? &s->patterns[p] : NULL;
        run_result *r = NULL;
        int         rc = run_scenario(s, &opts, &r, &err);
        if (rc == 0)
            run_result_free(r);
        else if (rc != SIM_ENOMEM)
            __builtin_trap(); /* a loaded scenario may fail a run only for lack of memory */
    }
    scn_free(s);
    return 0;
}
