/* resolv.h - conflict resolution: how a write meets the record a region already holds.
 *
 * Two resolvers, both deterministic so that every replica picks the same outcome:
 *   lww    last-write-wins on whole records: the record whose head timestamp is newer wins;
 *          equal timestamps go to the alphabetically first origin region, then to the higher
 *          write id. A write with an older timestamp than the record it meets is discarded,
 *          even at its own origin: that is how clock skew loses data under LWW.
 *   merge  per field the newest non-null value (same order as lww), sets united. Concurrent
 *          writes to different fields both survive.
 * The order of cells: (ts, then origin rank, then write id); a null cell (write id 0) is
 * older than any write.
 *
 * A replicated write is a conflict when the record has seen a write that the incoming one
 * had not (some entry of the record's version vector is larger than the write's): the two
 * are concurrent, and the resolver decides. A write the record has already seen (its vector
 * entry for the write's origin covers the write's sequence: a duplicate or a late delivery)
 * is old news, not a conflict, so applying a shipped record twice is never one. Conflicts
 * are counted where they happen, so one concurrent pair can count once at each replica that
 * sees it.
 *
 * rank[r] is region r's position in alphabetical order of region names (0 = first). */
#ifndef MRSIM_RESOLV_H
#define MRSIM_RESOLV_H

#include "deploy.h"
#include "store.h"

typedef struct resolv_outcome {
    bool     conflict;  /* replicated writes: concurrent with the record */
    bool     won;       /* the write's own cell is now in the record */
    uint64_t displaced; /* local writes: id of the write whose cell this
                                                 one replaced (0 if none) - it was overwritten
                                                 by a write that knew it */
} resolv_outcome;

/* < 0, 0 or > 0 as cell a is older than, the same as, or newer than cell b. */
int resolv_cell_cmp(const store_cell *a, const store_cell *b, const uint8_t *rank);

/* A client's write at its origin region: field 'field' gets cell w, element set_elem (0..63)
 * joins the set, and the version vector's entry for the origin becomes the write's sequence.
 * *shipped receives the record as replication must carry it (only its first 'fields' cells
 * and 'regions' vector entries are written): the origin's record with the
 * write applied (even when lww discarded it locally, so that every replica decides alike). */
resolv_outcome resolv_local_write(scn_resolver kind, store *s, uint64_t key, uint32_t field,
                                  const store_cell *w, uint32_t set_elem, const uint8_t *rank,
                                  store_record *shipped);

/* A replicated write arriving at another region: 'shipped' is what resolv_local_write()
 * produced at the origin, and 'field' the field the write set. The version vectors are
 * merged (entry-wise maximum) whatever the outcome. */
resolv_outcome resolv_replicated(scn_resolver kind, store *s, uint64_t key, uint32_t field,
                                 const store_record *shipped, const uint8_t *rank);

#endif
