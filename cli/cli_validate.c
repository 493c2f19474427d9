/* cli_validate.c - `mrsim validate FILE...`: load and check scenario files without running.
 *
 * Every file is checked, even after a bad one, so that one call reports all the problems;
 * the exit status says whether any file was bad. Good files are listed on stdout ("FILE:
 * ok") and problems on stderr in the usual "file: path: msg" form, so a script can keep
 * either stream. */
#include <stdio.h>

#include "cli.h"
#include "scn.h"

static const char validate_help[]
    = "Load and check each scenario FILE without running it: JSON syntax, every field's type,\n"
      "range and unit, and the names scenarios refer to. Prints \"FILE: ok\" on stdout for\n"
      "each good file and \"file: path: message\" on stderr for each bad one.\n"
      "\n"
      "options:\n"
      "  -h, --help  show this help\n"
      "\n"
      "exit status: 0 every file is valid, 1 some file is not, 2 usage error\n";

int cli_validate_main(int argc, char **argv)
{
    const cli_spec spec = {
        .name = "validate",
        .usage = "mrsim validate FILE...",
        .help = validate_help,
        .operands = "a scenario FILE",
        .min_operands = 1,
        .max_operands = -1,
    };
    int nops = 0;
    int status = cli_parse(&spec, argc, argv, &nops);
    if (status != CLI_CONTINUE)
        return status;

    status = CLI_EXIT_OK;
    for (int i = 1; i <= nops; i++) {
        sim_err       err = { 0 };
        scn_scenario *s = NULL;
        if (scn_load(argv[i], &s, &err) < 0) {
            /* Keep stdout and stderr in order for a reader of both. */
            fflush(stdout);
            if (!err.file[0])
                snprintf(err.file, sizeof err.file, "%s", argv[i]);
            status = cli_print_error(&err);
        } else {
            printf("%s: ok\n", argv[i]);
        }
        scn_free(s);
    }
    return cli_finish_stdout(status);
}
