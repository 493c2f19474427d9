/* fuzz-scn.c - the scenario loader on a buffer: scn_parse() must return 0 or an error with a
 * message for any bytes, and free everything either way (ASan checks leaks). */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scn_scenario *s = NULL;
    sim_err       err;
    memset(&err, 0, sizeof err);
    int rc = scn_parse("fuzz.json", (const char *)data, size, &s, &err);
    if (rc == 0) {
        if (!s)
            __builtin_trap();
        scn_free(s);
    } else if (s != NULL || err.msg[0] == '\0' || err.code != rc) {
        __builtin_trap(); /* an error must come with its message and no scenario */
    }
    return 0;
}
