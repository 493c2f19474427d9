/* mrsim_mpi.c - mrsim-mpi, the optional MPI launcher of a sharded sweep (meson -Dmpi=enabled).
 *
 *     mpirun -n N mrsim-mpi MRSIM OUT.db FILE [sweep options...]
 *
 * Rank r (0-based) runs `MRSIM sweep FILE --shard r+1/N --db OUT.db.shard-r+1 [options]` as
 * a child process; when every rank is done (MPI_Allreduce of the exit statuses), rank 0
 * runs `MRSIM merge OUT.db OUT.db.shard-1 ... OUT.db.shard-N` and then the same sweep on
 * OUT.db, which finds every run stored and prints the report. The shard files must be on a
 * file system every rank sees (the usual home or scratch directory of a cluster).
 *
 * Why a launcher and not MPI inside mrsim: a run is sequential and deterministic, and the
 * shards need nothing from each other until the merge, so MPI here only starts processes
 * and waits for them; mrsim itself stays free of MPI, and the same shards run under Slurm
 * arrays or GNU parallel. Rejected: shipping results over MPI messages, which would need a
 * serialisation of runs beside the database's. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run argv[0] with argv and wait; its exit status, or 1 when it could not run or crashed. */
static int run(char **argv)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        execv(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 4) {
        if (rank == 0)
            fprintf(stderr, "usage: mpirun -n N mrsim-mpi MRSIM OUT.db FILE [sweep options]\n");
        MPI_Finalize();
        return 2;
    }
    const char *mrsim = argv[1], *out = argv[2], *file = argv[3];
    int         nopt = argc - 4;
    /* mrsim sweep FILE OPTIONS... --shard K/N --db SHARD NULL */
    char **sv = calloc((size_t)nopt + 9, sizeof *sv);
    char   shard[32], db[4096];
    if (!sv) {
        MPI_Abort(MPI_COMM_WORLD, 1);
        return 1;
    }
    snprintf(shard, sizeof shard, "%d/%d", rank + 1, size);
    snprintf(db, sizeof db, "%s.shard-%d", out, rank + 1);
    int k = 0;
    sv[k++] = (char *)mrsim;
    sv[k++] = "sweep";
    sv[k++] = (char *)file;
    for (int i = 0; i < nopt; i++)
        sv[k++] = argv[4 + i];
    sv[k++] = "--shard";
    sv[k++] = shard;
    sv[k++] = "--db";
    sv[k++] = db;
    sv[k] = NULL;
    unlink(db); /* a shard starts empty: no stale runs */
    int mine = run(sv) != 0, any = 0;
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    int status = any ? 1 : 0;
    if (rank == 0 && !any) {
        /* mrsim merge OUT SHARD-1 .. SHARD-N */
        char **mv = calloc((size_t)size + 4, sizeof *mv);
        char(*names)[4096] = calloc((size_t)size, sizeof *names);
        if (!mv || !names)
            MPI_Abort(MPI_COMM_WORLD, 1);
        mv[0] = (char *)mrsim;
        mv[1] = "merge";
        mv[2] = (char *)out;
        for (int r = 0; r < size; r++) {
            snprintf(names[r], sizeof names[r], "%s.shard-%d", out, r + 1);
            mv[3 + r] = names[r];
        }
        status = run(mv);
        /* The report of the whole sweep, from the merged database (runs nothing). */
        if (status == 0) {
            sv[k - 4] = NULL; /* drop --shard and --db ... */
            char *rv[4096];
            int   j = 0;
            for (int i = 0; sv[i] && j < 4090; i++)
                rv[j++] = sv[i];
            rv[j++] = "--db";
            rv[j++] = (char *)out;
            rv[j] = NULL;
            status = run(rv);
        }
        free(mv);
        free(names);
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    free(sv);
    MPI_Finalize();
    return status;
}
