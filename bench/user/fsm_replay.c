// SPDX-License-Identifier: GPL-2.0
/*
 * Replay a fixed synthetic trace through the pure state machine
 * (tcpfsm_fsm_start/tcpfsm_fsm_update), for instruction counts under
 * callgrind.  The trace is built first, entirely, then replayed; run with
 * --toggle-collect on the two entry points so only their cost is counted.
 *
 * Trace: FLOWS connections interleaved round-robin; each does a handshake
 * with window scaling, bulk data (client upload or server download) with a
 * delayed ACK every second segment, then a FIN/ACK close from either side,
 * or (every tenth flow) an RST.  Deterministic: no randomness, no clock.
 *
 * Prints: "segments N", verdict counts, final-state counts, and exits 1 if
 * the trace does not behave as intended: too many non-accepted segments, or
 * a flow that did not end as built (make check runs it for that).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tcpfsm_fsm.h"

#define FLOWS	200
#define DATA	320		/* data segments per flow */
#define MSS	1448
#define MAXSEG	(DATA + DATA / 2 + 16)

struct tseg {
	struct tcpfsm_seg seg;
	u16 flow;
};

static struct tseg *trace;
static unsigned int ntrace;

static void add(struct tseg *list, unsigned int *n, u16 flow, u8 dir, u32 seq,
		u32 ack, u32 len, u16 win, u8 flags, u8 wscale)
{
	struct tseg *t = &list[(*n)++];

	t->flow = flow;
	t->seg.seq = seq;
	t->seg.ack = ack;
	t->seg.len = len;
	t->seg.win = win;
	t->seg.flags = flags;
	t->seg.wscale = wscale;
	t->seg.dir = dir;
}

/* One flow's segments, in order. */
static unsigned int gen_flow(u16 f, struct tseg *l)
{
	const u8 A = TCPFSM_TH_ACK, P = TCPFSM_TH_PSH;
	u32 c = 0x10000000u * (f % 16) + 7919u * f;	/* client ISN, some wrap */
	u32 s = 0xfff00000u + 104729u * f;		/* server ISN, wraps */
	unsigned int n = 0, i;
	bool upload = f % 2 == 0;
	u8 up = upload ? TCPFSM_DIR_ORIG : TCPFSM_DIR_REPLY;
	u8 down = !up;
	u32 *snd = upload ? &c : &s, *rcv = upload ? &s : &c;

	add(l, &n, f, TCPFSM_DIR_ORIG, c, 0, 0, 64240, TCPFSM_TH_SYN, 7);
	add(l, &n, f, TCPFSM_DIR_REPLY, s, c + 1, 0, 65160, TCPFSM_TH_SYN | A, 7);
	c++;
	s++;
	add(l, &n, f, TCPFSM_DIR_ORIG, c, s, 0, 502, A, TCPFSM_WSCALE_NONE);
	if (!upload) {	/* a request first */
		add(l, &n, f, TCPFSM_DIR_ORIG, c, s, 100, 502, A | P, TCPFSM_WSCALE_NONE);
		c += 100;
	}
	for (i = 0; i < DATA; i++) {
		add(l, &n, f, up, *snd, *rcv, MSS, 502, A | (i % 8 == 7 ? P : 0),
		    TCPFSM_WSCALE_NONE);
		*snd += MSS;
		if (i % 2 == 1)
			add(l, &n, f, down, *rcv, *snd, 0, 2000, A, TCPFSM_WSCALE_NONE);
	}
	if (f % 10 == 9) {
		add(l, &n, f, down, *rcv, *snd, 0, 0, TCPFSM_TH_RST | A,
		    TCPFSM_WSCALE_NONE);
		return n;
	}
	/* The client closes first on even flows of each ten, else the server. */
	{
		u8 a = f % 4 < 2 ? TCPFSM_DIR_ORIG : TCPFSM_DIR_REPLY, b = !a;
		u32 *as = a == TCPFSM_DIR_ORIG ? &c : &s;
		u32 *bs = a == TCPFSM_DIR_ORIG ? &s : &c;

		add(l, &n, f, a, *as, *bs, 0, 502, TCPFSM_TH_FIN | A, TCPFSM_WSCALE_NONE);
		(*as)++;
		add(l, &n, f, b, *bs, *as, 0, 502, A, TCPFSM_WSCALE_NONE);
		add(l, &n, f, b, *bs, *as, 0, 502, TCPFSM_TH_FIN | A, TCPFSM_WSCALE_NONE);
		(*bs)++;
		add(l, &n, f, a, *as, *bs, 0, 502, A, TCPFSM_WSCALE_NONE);
	}
	return n;
}

static void build(void)
{
	static struct tseg per[FLOWS][MAXSEG];
	static unsigned int cnt[FLOWS], pos[FLOWS];
	unsigned int f, left = 0;

	for (f = 0; f < FLOWS; f++) {
		cnt[f] = gen_flow(f, per[f]);
		left += cnt[f];
	}
	trace = calloc(left, sizeof(*trace));
	if (!trace)
		exit(2);
	/* Round-robin over flows, a flow's burst of 1..3 segments at a time. */
	while (left) {
		for (f = 0; f < FLOWS; f++) {
			unsigned int k = 1 + f % 3;

			while (k-- && pos[f] < cnt[f]) {
				trace[ntrace++] = per[f][pos[f]++];
				left--;
			}
		}
	}
}

/* Kept out of line and not inlined so callgrind can toggle on them. */
static struct tcpfsm_conn conns[FLOWS];

__attribute__((noinline)) static unsigned long replay(unsigned long *verdicts)
{
	static bool started[FLOWS];
	struct tcpfsm_result res;
	unsigned int i;

	for (i = 0; i < ntrace; i++) {
		struct tseg *t = &trace[i];

		if (!started[t->flow]) {
			started[t->flow] = true;
			if (!tcpfsm_fsm_start(&conns[t->flow], &t->seg, false, &res))
				res.verdict = TCPFSM_INVALID;
		} else {
			tcpfsm_fsm_update(&conns[t->flow], &t->seg, &res);
		}
		verdicts[res.verdict & 3]++;
	}
	return ntrace;
}

/* Both CLOSED after the RST; else the side that closed first in TIME-WAIT. */
static bool ended_as_built(unsigned int f)
{
	const struct tcpfsm_peer *p = conns[f].peer;
	u8 a = f % 4 < 2 ? TCPFSM_DIR_ORIG : TCPFSM_DIR_REPLY;

	if (f % 10 == 9)
		return p[0].state == TCPFSM_STATE_CLOSED && p[1].state == TCPFSM_STATE_CLOSED;
	return p[a].state == TCPFSM_STATE_TIME_WAIT && p[!a].state == TCPFSM_STATE_CLOSED;
}

int main(void)
{
	unsigned long verdicts[4] = {}, states[256] = {};
	unsigned int f, s, wrong = 0;
	unsigned long n;

	build();
	n = replay(verdicts);
	for (f = 0; f < FLOWS; f++) {
		states[conns[f].peer[0].state]++;
		states[conns[f].peer[1].state]++;
		wrong += !ended_as_built(f);
	}
	printf("segments %lu\nflows %u\n", n, FLOWS);
	printf("accept %lu\nignore %lu\ninvalid %lu\nnew %lu\n", verdicts[TCPFSM_ACCEPT],
	       verdicts[TCPFSM_IGNORE], verdicts[TCPFSM_INVALID], verdicts[TCPFSM_NEW]);
	for (s = 0; s < 256; s++)
		if (states[s])
			printf("endpoints_in_%s %lu\n", tcpfsm_state_name(s), states[s]);
	printf("flows_not_ended_as_built %u\n", wrong);
	/* The trace is well formed: all but a handful must be accepted. */
	return wrong || verdicts[TCPFSM_ACCEPT] * 100 < n * 99;
}
