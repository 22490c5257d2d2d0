/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Property checks for the tcpfsm state machine: a seeded xorshift PRNG (no
 * kernel random, so a failure replays from its seed) drives long random
 * segment sequences, near the tracked sequence numbers and garbage, through
 * many connections, and every step is checked against the invariants below.
 * Pure code over the FSM's API, no kernel or libc calls: the KUnit suite
 * tcpfsm_fsm_properties, tools/fsm-user/run_vectors and the libFuzzer entry
 * point tools/fsm-user/fuzz_fsm.c share it; the first two judge a walk with
 * tcpfsm_rwalk_report(), each reporting as it does for the vectors.
 */
#ifndef _TCPFSM_PROPS_H
#define _TCPFSM_PROPS_H

#include "tcpfsm_fsm.h"
#include "tcpfsm_vector_run.h"

/* The seeds and sizes both the KUnit suite and run_vectors use. */
static const u64 tcpfsm_prop_seeds[] = {
	1, 2, 3, 0x5eed, 0xdeadbeef, 0x9e3779b97f4a7c15ULL, 0x123456789abcdefULL,
	0xfffffffffffffffULL,
};

#define TCPFSM_PROP_CONNS	400
#define TCPFSM_PROP_STEPS	300

struct tcpfsm_rng {
	u64 s;
};

static inline void tcpfsm_rng_seed(struct tcpfsm_rng *r, u64 seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

/* xorshift64* (Vigna) */
static inline u32 tcpfsm_rng_next(struct tcpfsm_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (u32)((r->s * 0x2545f4914f6cdd1dULL) >> 32);
}

static inline u32 tcpfsm_rng_below(struct tcpfsm_rng *r, u32 n)
{
	return tcpfsm_rng_next(r) % n;
}

/* A sequence number near @base: mostly exact, sometimes off, rarely garbage. */
static inline u32 tcpfsm_gen_near(struct tcpfsm_rng *r, u32 base, u32 alt)
{
	switch (tcpfsm_rng_below(r, 10)) {
	case 0:
		return base - 1 - tcpfsm_rng_below(r, 3000);
	case 1:
		return base + 1 + tcpfsm_rng_below(r, 70000);
	case 2:
		return alt;
	case 3:
		return alt - 1;
	case 4:
		return tcpfsm_rng_next(r);
	default:
		return base;
	}
}

/*
 * A random segment for connection @c.  @live says whether @c holds a flow
 * (otherwise the segment will be a first segment, mostly a SYN).
 */
static inline void tcpfsm_gen_seg(struct tcpfsm_rng *r,
				  const struct tcpfsm_conn *c, bool live,
				  struct tcpfsm_seg *seg)
{
	static const u8 kinds[] = {
		TCPFSM_TH_SYN, TCPFSM_TH_SYN | TCPFSM_TH_ACK,
		TCPFSM_TH_ACK, TCPFSM_TH_ACK | TCPFSM_TH_PSH,
		TCPFSM_TH_ACK, TCPFSM_TH_ACK | TCPFSM_TH_PSH,
		TCPFSM_TH_FIN | TCPFSM_TH_ACK, TCPFSM_TH_FIN | TCPFSM_TH_ACK,
		TCPFSM_TH_RST, TCPFSM_TH_RST | TCPFSM_TH_ACK,
		TCPFSM_TH_ACK | TCPFSM_TH_ECE, TCPFSM_TH_SYN | TCPFSM_TH_ECE,
	};
	const struct tcpfsm_peer *snd, *rcv;
	u32 x = tcpfsm_rng_next(r);

	seg->dir = x & 1;
	snd = &c->peer[seg->dir];
	rcv = &c->peer[!seg->dir];
	if (!live && tcpfsm_rng_below(r, 4))
		seg->flags = TCPFSM_TH_SYN;
	else if (tcpfsm_rng_below(r, 16) == 0)
		seg->flags = (u8)tcpfsm_rng_next(r);
	else
		seg->flags = kinds[tcpfsm_rng_below(r, sizeof(kinds))];
	if (!live) {
		seg->seq = tcpfsm_rng_next(r);
		seg->ack = tcpfsm_rng_next(r);
	} else {
		seg->seq = tcpfsm_gen_near(r, snd->end, snd->ctl_end - 1);
		seg->ack = tcpfsm_gen_near(r, rcv->end, rcv->ctl_end);
	}
	seg->len = 0;
	if (!(seg->flags & (TCPFSM_TH_SYN | TCPFSM_TH_RST)) &&
	    tcpfsm_rng_below(r, 3) == 0)
		seg->len = 1 + tcpfsm_rng_below(r, 1500);
	switch (tcpfsm_rng_below(r, 4)) {
	case 0:
		seg->win = (u16)tcpfsm_rng_next(r);
		break;
	case 1:
		seg->win = 502;
		break;
	default:
		seg->win = 29200;
		break;
	}
	seg->wscale = TCPFSM_WSCALE_NONE;
	if ((seg->flags & TCPFSM_TH_SYN) && tcpfsm_rng_below(r, 2))
		seg->wscale = tcpfsm_rng_below(r, 16);
}

static inline bool tcpfsm_state_valid(u8 state)
{
	return state >= TCPFSM_STATE_ESTABLISHED && state <= TCPFSM_STATE_MAX;
}

static inline bool tcpfsm_conn_same(const struct tcpfsm_conn *a,
				    const struct tcpfsm_conn *b)
{
	const u8 *pa = (const u8 *)a, *pb = (const u8 *)b;
	unsigned int i;

	for (i = 0; i < sizeof(*a); i++)
		if (pa[i] != pb[i])
			return false;
	return true;
}

/*
 * The invariants of one tcpfsm_fsm_update(): returns NULL when they hold,
 * else which one failed.  @before is the connection before the segment.
 */
static inline const char *
tcpfsm_check_update(const struct tcpfsm_conn *before,
		    const struct tcpfsm_conn *after,
		    const struct tcpfsm_seg *seg,
		    const struct tcpfsm_result *res)
{
	struct tcpfsm_result gres;
	struct tcpfsm_conn general;
	unsigned int changed;
	u8 snd = seg->dir & 1;
	int i;

	for (i = 0; i < 2; i++)
		if (!tcpfsm_state_valid(after->peer[i].state))
			return "state out of 1..11";
	if (res->kind != tcpfsm_seg_kind(seg->flags))
		return "result kind differs from tcpfsm_seg_kind()";
	if (res->old_state[0] != before->peer[0].state ||
	    res->old_state[1] != before->peer[1].state)
		return "result old_state differs from the states before";
	changed = after->peer[0].state != before->peer[0].state;
	if (after->peer[1].state != before->peer[1].state)
		changed |= 2;
	if (tcpfsm_changed(after, res) != changed)
		return "tcpfsm_changed() disagrees";
	if (res->verdict > TCPFSM_NEW)
		return "verdict out of range";
	if (res->verdict == TCPFSM_ACCEPT || res->verdict == TCPFSM_NEW) {
		if (res->reason != TCPFSM_REASON_NONE)
			return "ACCEPT/NEW with a reason";
	} else if (res->reason == TCPFSM_REASON_NONE ||
		   res->reason >= __TCPFSM_REASON_MAX) {
		return "IGNORE/INVALID without a valid reason";
	}
	if (res->verdict == TCPFSM_NEW && res->kind != TCPFSM_SEG_SYN)
		return "NEW for a segment that is not a SYN";
	if (res->verdict != TCPFSM_ACCEPT && !tcpfsm_conn_same(before, after))
		return "IGNORE/INVALID/NEW changed the connection";
	if (res->kind == TCPFSM_SEG_INVALID && res->verdict != TCPFSM_INVALID)
		return "bad flags not INVALID";
	for (i = 0; i < 2; i++) {
		u8 o = before->peer[i].state, n = after->peer[i].state;

		if (o == TCPFSM_STATE_CLOSED && n != TCPFSM_STATE_CLOSED)
			return "left CLOSED without NEW";
		if (n == TCPFSM_STATE_TIME_WAIT && o != TCPFSM_STATE_TIME_WAIT &&
		    o != TCPFSM_STATE_FIN_WAIT_1 &&
		    o != TCPFSM_STATE_FIN_WAIT_2 &&
		    o != TCPFSM_STATE_CLOSING)
			return "TIME-WAIT entered from a state other than FIN-WAIT-1/2 or CLOSING";
	}
	if (res->kind == TCPFSM_SEG_RST && res->verdict == TCPFSM_ACCEPT &&
	    (after->peer[snd].state != TCPFSM_STATE_CLOSED ||
	     (after->peer[!snd].state != TCPFSM_STATE_CLOSED &&
	      after->peer[!snd].state != TCPFSM_STATE_LISTEN)))
		return "accepted RST left an endpoint open";
	/* tcpfsm_fsm_update()'s fast path decides as the general step. */
	general = *before;
	tcpfsm_fsm_update_general(&general, seg, &gres);
	if (!tcpfsm_conn_same(&general, after) || gres.verdict != res->verdict ||
	    gres.reason != res->reason || gres.kind != res->kind ||
	    gres.reversed != res->reversed)
		return "the fast path and the general step disagree";
	return NULL;
}

/* The invariants of tcpfsm_fsm_start(). */
static inline const char *
tcpfsm_check_start(const struct tcpfsm_conn *c, const struct tcpfsm_seg *seg,
		   bool pickup, bool created, const struct tcpfsm_result *res)
{
	u8 kind = tcpfsm_seg_kind(seg->flags);
	bool accepted = res->verdict == TCPFSM_ACCEPT;

	if (created != accepted)
		return "start: return value and verdict disagree";
	if (!created)
		return kind == TCPFSM_SEG_SYN ||
		       (pickup && kind != TCPFSM_SEG_RST &&
			kind != TCPFSM_SEG_INVALID) ?
		       "start: a flow that should start did not" : NULL;
	if (!tcpfsm_state_valid(c->peer[0].state) ||
	    !tcpfsm_state_valid(c->peer[1].state))
		return "start: state out of 1..11";
	if (kind == TCPFSM_SEG_SYN)
		return c->peer[0].state == TCPFSM_STATE_SYN_SENT &&
		       c->peer[1].state == TCPFSM_STATE_LISTEN &&
		       !(c->flags & TCPFSM_CONN_PICKUP) ? NULL :
		       "start: SYN does not give SYN-SENT/LISTEN";
	if (!pickup || kind == TCPFSM_SEG_RST || kind == TCPFSM_SEG_INVALID)
		return "start: flow created from a non-SYN without pickup";
	if (!(c->flags & TCPFSM_CONN_PICKUP))
		return "start: pickup flow without TCPFSM_CONN_PICKUP";
	return NULL;
}

/* TIME-WAIT timeout: TIME-WAIT -> CLOSED, nothing else moves. */
static inline const char *
tcpfsm_check_tw_done(const struct tcpfsm_conn *before,
		     const struct tcpfsm_conn *after)
{
	int i;

	for (i = 0; i < 2; i++) {
		u8 o = before->peer[i].state, n = after->peer[i].state;

		if (o == TCPFSM_STATE_TIME_WAIT ? n != TCPFSM_STATE_CLOSED :
		    n != o)
			return "TIME-WAIT timeout moved the wrong endpoint";
	}
	return NULL;
}

/* The first failure of each kind, to print with the seed that replays it. */
struct tcpfsm_rwalk_fail {
	const char *what;
	u32 conn;
	u32 step;
	struct tcpfsm_seg seg;
	u8 before[2];
	u8 after[2];
	u8 verdict;
	u8 reason;
};

#define TCPFSM_RWALK_KINDS	8

/* A random walk of the state machine (the property suite), not a table walk. */
struct tcpfsm_rwalk {
	u64 seed;
	u32 conns;		/* connections to walk */
	u32 steps;		/* segments per connection */
	/* results */
	u32 failures;		/* steps that broke an invariant */
	u32 segments;		/* segments applied */
	u32 visited;		/* BIT(state) of every state an endpoint reached */
	u32 verdicts;		/* BIT(verdict) of every verdict seen */
	u32 nkinds;		/* distinct invariants broken, in kinds[] */
	struct tcpfsm_rwalk_fail kinds[TCPFSM_RWALK_KINDS]; /* first of each */
};

static inline void tcpfsm_rwalk_note(struct tcpfsm_rwalk *w, const char *what,
				     u32 conn, u32 step,
				     const struct tcpfsm_seg *seg,
				     const struct tcpfsm_conn *before,
				     const struct tcpfsm_conn *after,
				     const struct tcpfsm_result *res)
{
	struct tcpfsm_rwalk_fail *f;
	u32 i;

	if (!what)
		return;
	w->failures++;
	for (i = 0; i < w->nkinds; i++)
		if (w->kinds[i].what == what)
			return;
	if (w->nkinds == TCPFSM_RWALK_KINDS)
		return;
	f = &w->kinds[w->nkinds++];
	f->what = what;
	f->conn = conn;
	f->step = step;
	f->seg = *seg;
	f->before[0] = before->peer[0].state;
	f->before[1] = before->peer[1].state;
	f->after[0] = after->peer[0].state;
	f->after[1] = after->peer[1].state;
	f->verdict = res->verdict;
	f->reason = res->reason;
}

/*
 * Walk w->conns connections of w->steps segments each.  A NEW verdict
 * restarts the connection with the same SYN, as the flow table does.
 * Returns the number of steps that broke an invariant.
 */
static inline u32 tcpfsm_rwalk_run(struct tcpfsm_rwalk *w)
{
	struct tcpfsm_conn c, before;
	struct tcpfsm_result res;
	struct tcpfsm_rng r;
	struct tcpfsm_seg seg;
	u32 i, j;

	tcpfsm_rng_seed(&r, w->seed);
	for (i = 0; i < w->conns; i++) {
		bool live = false, pickup = tcpfsm_rng_below(&r, 2);
		int k;

		c = (struct tcpfsm_conn){};
		for (j = 0; j < w->steps; j++) {
			before = c;
			if (live && tcpfsm_rng_below(&r, 64) == 0) {
				tcpfsm_fsm_time_wait_done(&c);
				res = (struct tcpfsm_result){};
				seg = (struct tcpfsm_seg){};
				tcpfsm_rwalk_note(w, tcpfsm_check_tw_done(&before, &c),
						  i, j, &seg, &before, &c, &res);
				goto visited;
			}
			tcpfsm_gen_seg(&r, &c, live, &seg);
			if (live) {
				tcpfsm_fsm_update(&c, &seg, &res);
				w->segments++;
				w->verdicts |= 1U << (res.verdict & 31);
				tcpfsm_rwalk_note(w, tcpfsm_check_update(&before, &c,
									 &seg, &res),
						  i, j, &seg, &before, &c, &res);
				if (res.verdict != TCPFSM_NEW)
					goto visited;
				before = c;
			}
			live = tcpfsm_fsm_start(&c, &seg, pickup, &res);
			w->segments++;
			tcpfsm_rwalk_note(w, tcpfsm_check_start(&c, &seg, pickup,
								live, &res),
					  i, j, &seg, &before, &c, &res);
visited:
			if (!live)
				continue;
			for (k = 0; k < 2; k++)
				w->visited |= 1U << (c.peer[k].state & 31);
		}
	}
	return w->failures;
}

/*
 * Report through @rep what walk @w, once run, found wrong: the first step
 * that broke each invariant, how many steps broke one, and the states no
 * endpoint reached, since a walk that never reaches a state proves nothing
 * about it (and one that ran nothing reaches none).
 */
static inline void tcpfsm_rwalk_report(const struct tcpfsm_rwalk *w,
				       const struct tcpfsm_vreport *rep)
{
	unsigned long long seed = w->seed;
	u32 all = TCPFSM_STATE_MASK_ALL, i;

	for (i = 0; i < w->nkinds; i++) {
		const struct tcpfsm_rwalk_fail *f = &w->kinds[i];

		rep->fail(rep->ctx,
			  "seed %#llx conn %u step %u: %s: dir %u flags %#x seq %#x ack %#x len %u win %u ws %u: %s/%s -> %s/%s %s %s",
			  seed, f->conn, f->step, f->what, f->seg.dir,
			  f->seg.flags, f->seg.seq, f->seg.ack, f->seg.len,
			  f->seg.win, f->seg.wscale,
			  tcpfsm_state_name(f->before[0]),
			  tcpfsm_state_name(f->before[1]),
			  tcpfsm_state_name(f->after[0]),
			  tcpfsm_state_name(f->after[1]),
			  tcpfsm_test_verdict(f->verdict),
			  tcpfsm_reason_name(f->reason));
	}
	if (w->failures)
		rep->fail(rep->ctx, "seed %#llx: %u invariant violations",
			  seed, w->failures);
	if ((w->visited & all) != all)
		rep->fail(rep->ctx, "seed %#llx: states never reached %#x",
			  seed, all & ~w->visited);
}

#endif /* _TCPFSM_PROPS_H */
