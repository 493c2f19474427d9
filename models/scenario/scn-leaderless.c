/* scn-leaderless.c - the leaderless pattern's fields: replication {"n", "r", "w",
 * "timeout"}, "wars" (the PBS paper's replica latency models) and "read_repair".
 *
 * Defaults depend on the regions: n = min(3, regions), r = w = n / 2 + 1 (a strict quorum,
 * R + W > N, as Dynamo's and Cassandra's QUORUM). r and w may be set below that (R + W <= N,
 * partial quorums, the PBS paper's subject); never above n. The pattern replicates through
 * its own coordinators, never through the replication log, so its log mode is "none". */
#include "scn-int.h"

#include <string.h>

#define LL_MAX_N 8 /* replicas per key (sut/leaderless.c keeps one answer per replica) */

static const char *const F_LL_REPLICATION[] = { "n", "r", "w", "timeout" };
static const char *const WARS[SCN_WARS_COUNT] = {
    [SCN_WARS_NONE] = "none",
    [SCN_WARS_LNKD_SSD] = "lnkd-ssd",
    [SCN_WARS_LNKD_DISK] = "lnkd-disk",
    [SCN_WARS_YMMR] = "ymmr",
};

int scn__parse_leaderless(const scn_scenario *s, scn_pattern *pat, const cJSON *n, const char *path,
                          sim_err *err)
{
    char         p[PATH_N];
    const cJSON *v;
    uint32_t     nr = (uint32_t)s->nregions;
    pat->replication.mode = SCN_REPL_NONE;
    pat->replication.n = nr < 3 ? nr : 3;
    pat->replication.r = pat->replication.w = pat->replication.n / 2 + 1;
    pat->wars = SCN_WARS_NONE;
    pat->read_repair = true;
    if ((v = scn__field(n, "wars"))) {
        int w = 0;
        TRY(scn__get_choice(v, scn__pjoin(p, path, "wars"), WARS, N_OF(WARS),
                            "\"none\", \"lnkd-ssd\", \"lnkd-disk\" or \"ymmr\"", &w, err));
        pat->wars = (scn_wars)w;
    }
    if ((v = scn__field(n, "read_repair")))
        TRY(scn__get_bool(v, scn__pjoin(p, path, "read_repair"), &pat->read_repair, err));
    pat->sloppy = false;
    if ((v = scn__field(n, "sloppy")))
        TRY(scn__get_bool(v, scn__pjoin(p, path, "sloppy"), &pat->sloppy, err));
    return 0;
}

int scn__parse_leaderless_replication(const scn_scenario *s, scn_pattern *pat, const cJSON *n,
                                      const char *path, sim_err *err)
{
    char             p[PATH_N];
    scn_replication *r = &pat->replication;
    uint64_t         u;
    const cJSON     *v;
    uint64_t         most = s->nregions < LL_MAX_N ? s->nregions : LL_MAX_N;
    TRY(scn__check_fields(n, path, F_LL_REPLICATION, N_OF(F_LL_REPLICATION), err));
    if ((v = scn__field(n, "n"))) {
        TRY(scn__get_uint(v, scn__pjoin(p, path, "n"), 1, most, &u, err));
        r->n = (uint32_t)u;
        r->r = r->w = r->n / 2 + 1;
    }
    if ((v = scn__field(n, "r"))) {
        TRY(scn__get_uint(v, scn__pjoin(p, path, "r"), 1, r->n, &u, err));
        r->r = (uint32_t)u;
    }
    if ((v = scn__field(n, "w"))) {
        TRY(scn__get_uint(v, scn__pjoin(p, path, "w"), 1, r->n, &u, err));
        r->w = (uint32_t)u;
    }
    if ((v = scn__field(n, "timeout")))
        TRY(scn__get_pos_dur(v, scn__pjoin(p, path, "timeout"), &r->timeout, err));
    return 0;
}
