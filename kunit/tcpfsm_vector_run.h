/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a vector for the tcpfsm state machine is written, and the one runner
 * that checks it: the KUnit suites tcpfsm_fsm_edges and tcpfsm_fsm_scenarios
 * (kunit/tcpfsm_fsm_test.c) and tools/fsm-user/run_vectors.c in userspace
 * all run vectors through tcpfsm_vector_run(), so the kernel and userspace
 * check a vector the same way.  Pure code over the FSM's API and
 * <linux/string.h>: each caller reports failures its own way (KUNIT_FAIL,
 * printf) through struct tcpfsm_vreport.
 *
 * Each step is one of:
 *   TV_OP_START	tcpfsm_fsm_start() with the vector's pickup setting; a
 *			verdict of ACCEPT means a flow was created
 *   TV_OP_SEG		tcpfsm_fsm_update() on the flow; the result's kind and
 *			old states must be the segment's and the flow's, and a
 *			verdict other than ACCEPT must leave the flow as it was
 *   TV_OP_TW_DONE	tcpfsm_fsm_time_wait_done() (verdict not checked)
 * and is checked for the client state, the server state, the verdict and
 * the reason after it ran.  dir is the sender: TCPFSM_DIR_ORIG is the client
 * (the endpoint that sent the first SYN), TCPFSM_DIR_REPLY the server.
 */
#ifndef _TCPFSM_VECTOR_RUN_H
#define _TCPFSM_VECTOR_RUN_H

#include <linux/kernel.h>
#include <linux/string.h>
#include "tcpfsm_fsm.h"

enum tcpfsm_vop {
	TV_OP_START,
	TV_OP_SEG,
	TV_OP_TW_DONE,
};

struct tcpfsm_vstep {
	u32 seq;
	u32 ack;
	u32 len;
	u16 win;
	u8 op;		/* enum tcpfsm_vop */
	u8 dir;		/* enum tcpfsm_dir: the sender */
	u8 flags;	/* TCPFSM_TH_* */
	u8 wscale;	/* TCPFSM_WSCALE_NONE or the shift offered */
	u8 cli;		/* expected client state afterwards */
	u8 srv;		/* expected server state afterwards */
	u8 verdict;	/* expected enum tcpfsm_verdict */
	u8 reason;	/* expected enum tcpfsm_reason */
};

struct tcpfsm_vector {
	const char *name;
	const struct tcpfsm_vstep *steps;
	unsigned int nsteps;
	bool pickup;	/* pickup setting for TV_OP_START */
	int conn_flags;	/* expected TCPFSM_CONN_* after the last step */
};

/* The segment step @st sends, as the state machine takes it. */
static inline struct tcpfsm_seg tcpfsm_vstep_seg(const struct tcpfsm_vstep *st)
{
	struct tcpfsm_seg seg = {
		.seq = st->seq, .ack = st->ack, .len = st->len,
		.win = st->win, .flags = st->flags,
		.wscale = st->wscale, .dir = st->dir,
	};

	return seg;
}

/* conn_flags of a vector that makes no claim about them */
#define TV_ANY_FLAGS	(-1)

/* Short names: states */
#define TV_ES TCPFSM_STATE_ESTABLISHED
#define TV_SS TCPFSM_STATE_SYN_SENT
#define TV_SR TCPFSM_STATE_SYN_RECEIVED
#define TV_F1 TCPFSM_STATE_FIN_WAIT_1
#define TV_F2 TCPFSM_STATE_FIN_WAIT_2
#define TV_TW TCPFSM_STATE_TIME_WAIT
#define TV_CL TCPFSM_STATE_CLOSED
#define TV_CW TCPFSM_STATE_CLOSE_WAIT
#define TV_LA TCPFSM_STATE_LAST_ACK
#define TV_LI TCPFSM_STATE_LISTEN
#define TV_CG TCPFSM_STATE_CLOSING

/* Short names: flags */
#define TV_SYN	TCPFSM_TH_SYN
#define TV_SA	(TCPFSM_TH_SYN | TCPFSM_TH_ACK)
#define TV_A	TCPFSM_TH_ACK
#define TV_PA	(TCPFSM_TH_PSH | TCPFSM_TH_ACK)
#define TV_FA	(TCPFSM_TH_FIN | TCPFSM_TH_ACK)
#define TV_FPA	(TCPFSM_TH_FIN | TCPFSM_TH_PSH | TCPFSM_TH_ACK)
#define TV_R	TCPFSM_TH_RST
#define TV_RA	(TCPFSM_TH_RST | TCPFSM_TH_ACK)

#define TV_C2S	TCPFSM_DIR_ORIG
#define TV_S2C	TCPFSM_DIR_REPLY
#define TV_WIN	29200		/* window when a step does not say */
#define TV_NOWS	TCPFSM_WSCALE_NONE

/* Expected verdicts */
#define TV_OK		.verdict = TCPFSM_ACCEPT, .reason = TCPFSM_REASON_NONE
#define TV_NEWC		.verdict = TCPFSM_NEW, .reason = TCPFSM_REASON_NONE
#define TV_IGN(r)	.verdict = TCPFSM_IGNORE, .reason = TCPFSM_REASON_##r
#define TV_INV(r)	.verdict = TCPFSM_INVALID, .reason = TCPFSM_REASON_##r

#define TV_STEP(o, d, f, s, a, l, w, ws, c, sv, ...)			\
	{ .op = (o), .dir = (d), .flags = (f), .seq = (s), .ack = (a),	\
	  .len = (l), .win = (w), .wscale = (ws), .cli = (c),		\
	  .srv = (sv), __VA_ARGS__ }

/* First segment of a flow, from the client or from the server */
#define TV_FIRST_C(f, s, a, l, c, sv, ...)				\
	TV_STEP(TV_OP_START, TV_C2S, f, s, a, l, TV_WIN, TV_NOWS, c, sv, __VA_ARGS__)
#define TV_FIRST_S(f, s, a, l, c, sv, ...)				\
	TV_STEP(TV_OP_START, TV_S2C, f, s, a, l, TV_WIN, TV_NOWS, c, sv, __VA_ARGS__)
#define TV_FIRST_CWIN(f, s, a, l, w, ws, c, sv, ...)			\
	TV_STEP(TV_OP_START, TV_C2S, f, s, a, l, w, ws, c, sv, __VA_ARGS__)
#define TV_FIRST_SWIN(f, s, a, l, w, ws, c, sv, ...)			\
	TV_STEP(TV_OP_START, TV_S2C, f, s, a, l, w, ws, c, sv, __VA_ARGS__)
/* A segment from the client (C) or the server (S) */
#define TV_C(f, s, a, l, c, sv, ...)					\
	TV_STEP(TV_OP_SEG, TV_C2S, f, s, a, l, TV_WIN, TV_NOWS, c, sv, __VA_ARGS__)
#define TV_S(f, s, a, l, c, sv, ...)					\
	TV_STEP(TV_OP_SEG, TV_S2C, f, s, a, l, TV_WIN, TV_NOWS, c, sv, __VA_ARGS__)
#define TV_CWIN(f, s, a, l, w, ws, c, sv, ...)				\
	TV_STEP(TV_OP_SEG, TV_C2S, f, s, a, l, w, ws, c, sv, __VA_ARGS__)
#define TV_SWIN(f, s, a, l, w, ws, c, sv, ...)				\
	TV_STEP(TV_OP_SEG, TV_S2C, f, s, a, l, w, ws, c, sv, __VA_ARGS__)
/* TIME-WAIT timeout */
#define TV_TWDONE(c, sv)						\
	TV_STEP(TV_OP_TW_DONE, 0, 0, 0, 0, 0, 0, 0, c, sv, TV_OK)

/*
 * ISNs.  TV_CA, TV_SB and TV_SC sit just below 2^32 so that sequence and
 * acknowledgment numbers wrap during the scenario; TV_CD and TV_SD straddle
 * 2^31, where the signed comparison of sequence numbers turns over.
 */
#define TV_CA 0xfffffff0U
#define TV_SA0 0x12345678U
#define TV_CB 0x01000000U
#define TV_SB 0xffffff00U
#define TV_CC 0x9e3779b9U
#define TV_SC 0xfffffffeU
#define TV_CD 0x7fffffffU
#define TV_SD 0x80000000U

/*
 * How a caller hears of a failed expectation (of a vector here, of a walk
 * in tcpfsm_props.h): @fail gets @ctx and a printf-style message that
 * names what failed and where.
 */
struct tcpfsm_vreport {
	void (*fail)(void *ctx, const char *fmt, ...) __printf(2, 3);
	void *ctx;
};

static inline const char *tcpfsm_test_verdict(u8 verdict)
{
	static const char *const names[] = {
		[TCPFSM_ACCEPT] = "ACCEPT",
		[TCPFSM_IGNORE] = "IGNORE",
		[TCPFSM_INVALID] = "INVALID",
		[TCPFSM_NEW] = "NEW",
	};

	return verdict < ARRAY_SIZE(names) ? names[verdict] : "?";
}

/*
 * Run @v on a new connection and report, through @rep, every expectation
 * that fails.  Stops at the first step that ends in other states, verdict
 * or reason than expected, since every later step would differ too, and at
 * a step it cannot run.  Returns the number of steps it took through all
 * their checks: a caller that sees fewer than v->nsteps, or none, must fail
 * the vector, so that nothing passes by checking nothing.
 */
static inline unsigned int tcpfsm_vector_run(const struct tcpfsm_vector *v,
					     const struct tcpfsm_vreport *rep)
{
	struct tcpfsm_conn c = {}, before;
	struct tcpfsm_result res;
	unsigned int i, checked = 0;
	bool live = false;

	for (i = 0; i < v->nsteps; i++) {
		const struct tcpfsm_vstep *st = &v->steps[i];
		struct tcpfsm_seg seg = tcpfsm_vstep_seg(st);
		bool want_flow = st->verdict == TCPFSM_ACCEPT;
		u8 cli, srv;

		memset(&res, 0, sizeof(res));
		before = c;
		switch (st->op) {
		case TV_OP_START:
			live = tcpfsm_fsm_start(&c, &seg, v->pickup, &res);
			if (live != want_flow)
				rep->fail(rep->ctx,
					  "%s step %u: start() returned %d",
					  v->name, i, live);
			break;
		case TV_OP_SEG:
			if (!live) {
				rep->fail(rep->ctx,
					  "%s step %u: no flow (bad vector)",
					  v->name, i);
				return checked;
			}
			tcpfsm_fsm_update(&c, &seg, &res);
			if (res.kind != tcpfsm_seg_kind(st->flags))
				rep->fail(rep->ctx,
					  "%s step %u: kind %s, expected %s",
					  v->name, i, tcpfsm_kind_name(res.kind),
					  tcpfsm_kind_name(tcpfsm_seg_kind(st->flags)));
			if (res.old_state[0] != before.peer[0].state ||
			    res.old_state[1] != before.peer[1].state)
				rep->fail(rep->ctx,
					  "%s step %u: old_state %s/%s, expected %s/%s",
					  v->name, i,
					  tcpfsm_state_name(res.old_state[0]),
					  tcpfsm_state_name(res.old_state[1]),
					  tcpfsm_state_name(before.peer[0].state),
					  tcpfsm_state_name(before.peer[1].state));
			if (res.verdict != TCPFSM_ACCEPT &&
			    memcmp(&c, &before, sizeof(c)))
				rep->fail(rep->ctx,
					  "%s step %u: %s changed the flow",
					  v->name, i,
					  tcpfsm_test_verdict(res.verdict));
			if (res.verdict == TCPFSM_NEW)
				live = false;
			break;
		case TV_OP_TW_DONE:
			tcpfsm_fsm_time_wait_done(&c);
			res.verdict = st->verdict;
			res.reason = st->reason;
			break;
		default:
			rep->fail(rep->ctx, "%s step %u: op %u (bad vector)",
				  v->name, i, st->op);
			return checked;
		}
		cli = c.peer[TCPFSM_CLIENT].state;
		srv = c.peer[TCPFSM_SERVER].state;
		if (cli != st->cli || srv != st->srv ||
		    res.verdict != st->verdict || res.reason != st->reason) {
			rep->fail(rep->ctx,
				  "%s step %u: expected %s/%s %s %s, got %s/%s %s %s",
				  v->name, i, tcpfsm_state_name(st->cli),
				  tcpfsm_state_name(st->srv),
				  tcpfsm_test_verdict(st->verdict),
				  tcpfsm_reason_name(st->reason),
				  tcpfsm_state_name(cli), tcpfsm_state_name(srv),
				  tcpfsm_test_verdict(res.verdict),
				  tcpfsm_reason_name(res.reason));
			return checked;
		}
		checked++;
	}
	if (v->conn_flags != TV_ANY_FLAGS && c.flags != v->conn_flags)
		rep->fail(rep->ctx, "%s: connection flags %#x, expected %#x",
			  v->name, c.flags, v->conn_flags);
	return checked;
}

#endif /* _TCPFSM_VECTOR_RUN_H */
