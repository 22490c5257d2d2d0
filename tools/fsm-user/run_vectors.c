// SPDX-License-Identifier: GPL-2.0
/*
 * Run every scenario of kunit/tcpfsm_vectors.h against tcpfsm_fsm.c in
 * userspace: one line per scenario, then "N passed, N failed"; the exit
 * status is non-zero when any scenario fails.  The same checks as the KUnit
 * suite tcpfsm_fsm_scenarios.  Then the random walks of kunit/tcpfsm_props.h
 * (the KUnit suite tcpfsm_fsm_properties), one line per seed.
 */
#include <stdio.h>
#include <string.h>

#include "tcpfsm_vectors.h"
#include "tcpfsm_props.h"

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

/* The same seeds and sizes as the KUnit suite, and a few more. */
static int run_walk(u64 seed, u32 conns, u32 steps)
{
	struct tcpfsm_walk w = { .seed = seed, .conns = conns, .steps = steps };
	u32 all = TCPFSM_STATE_MASK_ALL, i;

	tcpfsm_walk_run(&w);
	if (!w.failures && (w.visited & all) == all) {
		printf("PASS properties seed %#llx (%u segments)\n",
		       (unsigned long long)seed, w.segments);
		return 0;
	}
	if (!w.failures) {
		printf("FAIL properties seed %#llx: states never reached %#x\n",
		       (unsigned long long)seed, all & ~w.visited);
		return 1;
	}
	printf("FAIL properties seed %#llx: %u violations of %u invariants\n",
	       (unsigned long long)seed, w.failures, w.nkinds);
	for (i = 0; i < w.nkinds; i++) {
		const struct tcpfsm_walk_fail *f = &w.kinds[i];

		printf("  %s: conn %u step %u dir %u flags %#x seq %#x ack %#x len %u win %u ws %u: %s/%s -> %s/%s %s %s\n",
		       f->what, f->conn, f->step, f->seg.dir, f->seg.flags,
		       f->seg.seq, f->seg.ack, f->seg.len, f->seg.win,
		       f->seg.wscale, tcpfsm_state_name(f->before[0]),
		       tcpfsm_state_name(f->before[1]),
		       tcpfsm_state_name(f->after[0]),
		       tcpfsm_state_name(f->after[1]),
		       verdict_name(f->verdict), tcpfsm_reason_name(f->reason));
	}
	return 1;
}

int main(void)
{
	unsigned int i, failed = 0, n = ARRAY_SIZE(tcpfsm_vectors);
	unsigned int nw = 0;

	for (i = 0; i < n; i++)
		failed += run_vector(&tcpfsm_vectors[i]);
	for (i = 0; i < ARRAY_SIZE(tcpfsm_prop_seeds); i++, nw++)
		failed += run_walk(tcpfsm_prop_seeds[i], TCPFSM_PROP_CONNS,
				   TCPFSM_PROP_STEPS);
	printf("%u passed, %u failed\n", n + nw - failed, failed);
	return failed ? 1 : 0;
}
