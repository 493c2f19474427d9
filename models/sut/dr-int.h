/* dr-int.h - private to the failover module (dr.c: the regions' side and the messages;
 * dr-ctl.c: the controller): the state both sides keep and the helpers they share. */
#ifndef MRSIM_DR_INT_H
#define MRSIM_DR_INT_H

#include "dr.h"

#define NO_REGION UINT32_MAX

typedef enum msg_kind {
    M_DEMOTE,
    M_DEMOTED,
    M_STATUS,
    M_STATUS_REPLY,
    M_PROMOTE,
    M_PROMOTED,
    M_VERIFY,
    M_VERIFY_REPLY,
    M_ANNOUNCE,
    M_ANNOUNCE_ACK,
    M_REJOIN,
    M_SYNC_REQ,
    M_SYNC_DONE,
} msg_kind;

typedef struct msg {
    msg_kind kind;
    uint32_t from, to;
    uint32_t op;   /* the controller's step it belongs to */
    uint64_t a, b; /* the payload, by kind */
} msg;

typedef struct announcement {
    uint32_t epoch, primary, old; /* old: NO_REGION when nobody was replaced */
    bool     graceful;            /* old stepped down when asked */
    size_t   nfences;             /* the controller's first nfences fences */
} announcement;

typedef struct region_state {
    dr_role   role;
    uint32_t  epoch;                         /* of the newest announcement or promote */
    uint32_t  primary;                       /* who it believes is primary */
    uint32_t  sync_from;                     /* SYNCING: the source */
    env_timer timer;                         /* its retry timer (memory: dies in a crash) */
    size_t    nfences;                       /* of the controller's fences, those it knows */
    uint64_t  promoted_fence, promoted_next; /* its answer to the promote that made it
                                                 primary, for a repeated promote */
    bool      promoting;                     /* a drill's target catching up: */
    msg       pending;                       /* ... the promote it will carry out */
    sim_time  pending_since;
    sim_time  promote_ready_at; /* replayed: primary from this time; 0: not yet */
} region_state;

typedef enum phase {
    P_IDLE,
    P_DEMOTE,
    P_SELECT,
    P_PROMOTE,
    P_PROPAGATE,
    P_VERIFY,
} phase;

struct dr {
    env                *env;
    const scn_dns      *dns;
    const scn_failover *cfg;
    repl               *repl;
    health             *health;
    health_view        *view; /* the controller's: from the reports that reach it */
    dr_hooks            hooks;
    uint32_t            nregions;
    region_state       *rs;

    announcement *anns;
    size_t        nanns, anns_cap;
    repl_fence   *fences;
    size_t        nfences, fences_cap;

    /* the controller */
    uint32_t ctl;                    /* its region */
    uint32_t epoch, primary;         /* what it has made so */
    uint32_t acked[ENV_MAX_REGIONS]; /* per region: epoch it has acknowledged */
    phase    phase;
    uint32_t op;
    bool     planned, rolling_back;
    uint32_t old, want; /* want: a drill's target, or NO_REGION */
    uint32_t target;
    sim_time started;
    bool     old_answered;
    uint64_t old_last; /* the old primary's last sequence (demoted) */
    uint32_t asked, answered, best;
    uint64_t best_pos;
    sim_time quiet_until; /* no automatic failover before (cooldown) */
    bool     waiting;     /* the primary is unknown in the view; logged */
    uint64_t failovers, rollbacks;
};

/* --- shared helpers (dr.c) ---------------------------------------------------------- */

/* kind is a string literal ("failover.<step>"): the event log keeps the pointer. */
void dr__event(dr *d, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *dr__name_of(const dr *d, uint32_t r);
/* Room for element n of an array that grows by doubling (out of memory: a panic). */
void          dr__grow(void *pp, size_t *cap, size_t n, size_t sz, const char *what);
announcement *dr__new_announcement(dr *d, uint32_t primary, uint32_t old, bool graceful);
/* Messages: from a region (replies carry op, the step they answer), from the controller
 * (the step it is at). */
void dr__send(dr *d, msg_kind kind, uint32_t from, uint32_t to, uint64_t a, uint64_t b,
              uint32_t op);
void dr__ctl_send(dr *d, msg_kind kind, uint32_t to, uint64_t a, uint64_t b);
/* The payload of a promote: a = epoch << 32 | rollback << 17 | planned << 16 | old. */
uint64_t dr__promote_arg(uint32_t epoch, bool planned, bool rollback, uint32_t old);

/* --- the controller (dr-ctl.c) --------------------------------------------------------- */

int  dr__ctl_init(dr *d); /* 0 or SIM_ENOMEM */
void dr__ctl_fini(dr *d);
void dr__ctl_receive(dr *d, const msg *m);
void dr__ctl_restarted(dr *d);

#endif
