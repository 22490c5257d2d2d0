// SPDX-License-Identifier: GPL-2.0
/*
 * Run every scenario of kunit/tcpfsm_vectors.h against tcpfsm_fsm.c in
 * userspace: one line per scenario, then "N passed, N failed"; the exit
 * status is non-zero when any scenario fails.  The same checks as the KUnit
 * suite tcpfsm_fsm_scenarios.
 */
#include <stdio.h>
#include <string.h>

#include "tcpfsm_vectors.h"

static const char *verdict_name(unsigned int v)
{
	static const char *const names[] = {
		"ACCEPT", "IGNORE", "INVALID", "NEW",
	};

	return v < ARRAY_SIZE(names) ? names[v] : "?";
}

/* Returns 0 when the scenario passes, else prints why and returns 1. */
static int run_vector(const struct tcpfsm_vector *v)
{
	struct tcpfsm_conn c, before;
	struct tcpfsm_result res;
	bool live = false;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < v->nsteps; i++) {
		const struct tcpfsm_vstep *st = &v->steps[i];
		struct tcpfsm_seg seg = {
			.seq = st->seq, .ack = st->ack, .len = st->len,
			.win = st->win, .flags = st->flags,
			.wscale = st->wscale, .dir = st->dir,
		};
		bool created;

		memset(&res, 0, sizeof(res));
		before = c;
		switch (st->op) {
		case TV_OP_START:
			created = tcpfsm_fsm_start(&c, &seg, v->pickup, &res);
			if (created != (st->verdict == TCPFSM_ACCEPT)) {
				printf("FAIL %s: step %u: start returned %d\n",
				       v->name, i, created);
				return 1;
			}
			live = created;
			break;
		case TV_OP_SEG:
			if (!live) {
				printf("FAIL %s: step %u: no flow (bad vector)\n",
				       v->name, i);
				return 1;
			}
			tcpfsm_fsm_update(&c, &seg, &res);
			if (res.kind != tcpfsm_seg_kind(st->flags) ||
			    res.old_state[0] != before.peer[0].state ||
			    res.old_state[1] != before.peer[1].state) {
				printf("FAIL %s: step %u: bad kind/old_state\n",
				       v->name, i);
				return 1;
			}
			if (res.verdict != TCPFSM_ACCEPT &&
			    memcmp(&c, &before, sizeof(c))) {
				printf("FAIL %s: step %u: %s changed the flow\n",
				       v->name, i, verdict_name(res.verdict));
				return 1;
			}
			if (res.verdict == TCPFSM_NEW)
				live = false;
			break;
		default:
			tcpfsm_fsm_time_wait_done(&c);
			res.verdict = st->verdict;
			res.reason = st->reason;
			break;
		}
		if (c.peer[TCPFSM_CLIENT].state != st->cli ||
		    c.peer[TCPFSM_SERVER].state != st->srv ||
		    res.verdict != st->verdict || res.reason != st->reason) {
			printf("FAIL %s: step %u: expected %s/%s %s %s, got %s/%s %s %s\n",
			       v->name, i, tcpfsm_state_name(st->cli),
			       tcpfsm_state_name(st->srv),
			       verdict_name(st->verdict),
			       tcpfsm_reason_name(st->reason),
			       tcpfsm_state_name(c.peer[TCPFSM_CLIENT].state),
			       tcpfsm_state_name(c.peer[TCPFSM_SERVER].state),
			       verdict_name(res.verdict),
			       tcpfsm_reason_name(res.reason));
			return 1;
		}
	}
	if (c.flags != v->conn_flags) {
		printf("FAIL %s: connection flags %#x, expected %#x\n",
		       v->name, c.flags, v->conn_flags);
		return 1;
	}
	printf("PASS %s (%u steps)\n", v->name, v->nsteps);
	return 0;
}

int main(void)
{
	unsigned int i, failed = 0, n = ARRAY_SIZE(tcpfsm_vectors);

	for (i = 0; i < n; i++)
		failed += run_vector(&tcpfsm_vectors[i]);
	printf("%u passed, %u failed\n", n - failed, failed);
	return failed ? 1 : 0;
}
