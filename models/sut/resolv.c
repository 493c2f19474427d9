/* resolv.c - last-write-wins and merge, applied to one record of a region's store.
 *
 * Both resolvers are joins over a total order of cells (timestamp, then the alphabetical
 * rank of the origin region, then the write id), so the outcome at every replica depends
 * only on the set of writes it has received, never on the order they arrived in:
 *   lww    the record is the shipped record whose head is greatest, taken whole (head,
 *          cells, set);
 *   merge  each field is the greatest cell any shipped record carried for it, the set is the
 *          union and the head the greatest head.
 * Version vectors are merged by entry-wise maximum under both. They decide only whether a
 * replicated write is a conflict, never which write wins: causality is for counting, the
 * order is for deciding, so a resolver cannot diverge because two replicas saw a different
 * causal history.
 *
 * A write's shipped record is the origin's record with the write applied on top (its cell
 * in its field, as the head, its set element, its sequence in the vector), whether or not
 * it won locally. That is what makes a write lww discarded at its origin lose everywhere
 * else too: it meets, at every replica, the head that beat it at home or a later one.
 *
 * Rejected: comparing version vectors to decide (causal "last writer"): concurrent writes
 * would still need a tie-break, and that tie-break would be the whole resolver. */
#include "resolv.h"

#include <assert.h>
#include <string.h>

int resolv_cell_cmp(const store_cell *a, const store_cell *b, const uint8_t *rank)
{
    if (a->write_id == b->write_id)
        return 0; /* the same write (or both null) */
    if (a->write_id == 0)
        return -1; /* null is older than any write */
    if (b->write_id == 0)
        return 1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    uint32_t oa = STORE_WRITE_ORIGIN(a->write_id), ob = STORE_WRITE_ORIGIN(b->write_id);
    assert(oa < ENV_MAX_REGIONS && ob < ENV_MAX_REGIONS);
    if (rank[oa] != rank[ob])
        return rank[oa] < rank[ob] ? 1 : -1; /* alphabetically first wins a tie */
    return a->write_id < b->write_id ? -1 : 1;
}

static const store_cell *newer(const store_cell *a, const store_cell *b, const uint8_t *rank)
{
    return resolv_cell_cmp(a, b, rank) >= 0 ? a : b;
}

static void vv_max(uint32_t *into, const uint32_t *from, uint32_t regions)
{
    for (uint32_t r = 0; r < regions; r++)
        if (from[r] > into[r])
            into[r] = from[r];
}

/* Both functions work on the store's arrays in place: a write or an apply touches one
 * record, and copying the whole record out and back (with its 64-entry vector) would cost
 * more than the decision itself on every replicated write. */

resolv_outcome resolv_local_write(scn_resolver kind, store *s, uint64_t key, uint32_t field,
                                  const store_cell *w, uint32_t set_elem, const uint8_t *rank,
                                  store_record *shipped)
{
    resolv_outcome out = { false, false, 0 };
    uint32_t       origin = STORE_WRITE_ORIGIN(w->write_id);
    uint64_t       seq = STORE_WRITE_SEQ(w->write_id);
    uint32_t       fields = store_fields(s), regions = store_regions(s);
    assert(field < fields && set_elem < 64 && w->write_id != 0);
    assert(origin < regions);
    assert(seq <= UINT32_MAX); /* version vectors hold 32-bit sequences */

    store_cell *head = store_head(s, key), *cells = store_cells(s, key);
    uint64_t   *set = store_set(s, key);
    uint32_t   *vv = store_vv(s, key);

    /* The shipped record: only its meaningful parts are written. */
    shipped->head = *w;
    memcpy(shipped->cell, cells, fields * sizeof *cells);
    shipped->cell[field] = *w;
    shipped->set = *set | UINT64_C(1) << set_elem;
    memcpy(shipped->vv, vv, regions * sizeof *vv);
    if ((uint32_t)seq > shipped->vv[origin])
        shipped->vv[origin] = (uint32_t)seq;
    uint64_t old = cells[field].write_id;

    if (kind == SCN_RESOLVER_LWW) {
        if (resolv_cell_cmp(w, head, rank) > 0) {
            *head = *w;
            cells[field] = *w;
            *set = shipped->set;
            out.won = true;
            out.displaced = old != w->write_id ? old : 0;
        }
        vv[origin] = shipped->vv[origin]; /* the record has seen it, won or not */
        return out;
    }

    assert(kind == SCN_RESOLVER_MERGE);
    if (resolv_cell_cmp(w, &cells[field], rank) > 0) {
        cells[field] = *w;
        out.won = true;
        out.displaced = old; /* differs from w's id: w compared newer */
    }
    *head = *newer(w, head, rank);
    *set |= UINT64_C(1) << set_elem;
    vv[origin] = shipped->vv[origin];
    return out;
}

resolv_outcome resolv_replicated(scn_resolver kind, store *s, uint64_t key, uint32_t field,
                                 const store_record *shipped, const uint8_t *rank)
{
    resolv_outcome out = { false, false, 0 };
    uint32_t       regions = store_regions(s), fields = store_fields(s);
    assert(field < fields);
    store_cell *head = store_head(s, key), *cells = store_cells(s, key);
    uint64_t   *set = store_set(s, key);
    uint32_t   *vv = store_vv(s, key);

    /* Concurrent: the record has seen a write the shipped one had not. A write the record
     * has already seen (a duplicate or late delivery: the vector already covers its
     * sequence) is old news, not a conflict. */
    uint64_t id = shipped->head.write_id;
    bool     seen = id != 0 && STORE_WRITE_ORIGIN(id) < regions
        && vv[STORE_WRITE_ORIGIN(id)] >= STORE_WRITE_SEQ(id);
    if (head->write_id != 0 && !seen)
        for (uint32_t r = 0; r < regions; r++)
            if (vv[r] > shipped->vv[r]) {
                out.conflict = true;
                break;
            }

    if (kind == SCN_RESOLVER_LWW) {
        if (resolv_cell_cmp(&shipped->head, head, rank) > 0) {
            *head = shipped->head;
            memcpy(cells, shipped->cell, fields * sizeof *cells);
            *set = shipped->set;
            out.won = true;
        }
    } else {
        assert(kind == SCN_RESOLVER_MERGE);
        for (uint32_t i = 0; i < fields; i++)
            cells[i] = *newer(&cells[i], &shipped->cell[i], rank);
        *set |= shipped->set;
        *head = *newer(head, &shipped->head, rank);
        out.won = resolv_cell_cmp(&cells[field], &shipped->cell[field], rank) == 0;
    }
    vv_max(vv, shipped->vv, regions);
    return out;
}
