/* outfile.h - writing an output file (a JUnit report, an HTML report) like a careful Unix
 * tool, and temporary files that never outlive the program.
 *
 * Where the output goes:
 * - "-" is standard output, written in place;
 * - a symlink is followed to its target (which may not exist yet), so the link stays a link;
 * - an existing path that is not a regular file (a device such as /dev/null or /dev/full, a
 *   FIFO, a socket) is opened and written in place, never renamed over;
 * - anything else (a regular file, or nothing yet) is written to a temporary file in the
 *   target's own directory and renamed over it on success, so a reader never sees half a
 *   file and a failure leaves the old one. The new file gets the old file's permissions, or
 *   0666 less the umask.
 * Temporary files and directories are registered: out_catch_signals() makes SIGINT, SIGTERM
 * and SIGHUP remove them before the program dies of the signal as it would have, and every
 * error path removes them too. (SIGKILL cannot be caught; a name starting with '.' and
 * holding "mrsim-tmp" marks what such a kill leaves behind.) */
#ifndef MRSIM_OUTFILE_H
#define MRSIM_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "sim.h"

typedef struct out_file {
    FILE *f;        /* write here between out_open and out_commit */
    char *target;   /* the resolved destination (owned) */
    char *tmp;      /* the temporary file, NULL when written in place (owned) */
    bool  in_place; /* "-", a device, a FIFO */
} out_file;

/* Open path for writing as described above; 'what' names it in errors ("the JUnit report").
 * 0, or SIM_EIO / SIM_ENOMEM with err (err->file = path). */
int out_open(out_file *o, const char *path, const char *what, sim_err *err);
/* Flush, sync (regular files), close, and rename the temporary file over the target. 0 or
 * SIM_EIO; either way o is finished (on error the temporary file is removed). */
int out_commit(out_file *o, const char *what, sim_err *err);
/* Close and remove the temporary file, leaving the target as it was. NULL-safe, idempotent. */
void out_abort(out_file *o);

/* Make a temporary directory beside the destination 'near' (after following a symlink), into
 * buf, registered for removal on signals; for "-", a device or a FIFO, in $TMPDIR (or /tmp)
 * instead. 0 or SIM_EIO. */
int out_tmpdir(const char *near, char *buf, size_t n, sim_err *err);
/* Remove a directory made by out_tmpdir with the files in it, and unregister it. */
void out_tmpdir_remove(const char *dir);

/* Register a temporary file or directory made elsewhere (a sweep's worker folder) for removal
 * on signals; forget it once it is gone. Paths longer than PATH_MAX are not registered. */
void out_temp_add(const char *path, bool dir);
void out_temp_forget(const char *path);

/* Catch SIGINT, SIGTERM and SIGHUP (unless ignored): remove every registered temporary file
 * and directory, then die of the signal with its default action. Call once, early. */
void out_catch_signals(void);

#endif
