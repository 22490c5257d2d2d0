// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's summary: flows by (client state, server state), stuck
 * endpoints by state, state changes by (endpoint, from, to) ever, and the
 * handshake round-trip histogram.  Kept as flows come, change and go, never
 * by walking the table, so that reading it costs the same at any size; the
 * netlink side (tcpfsm_nl_summary.c) only reads it.
 *
 * Every count is per CPU, as the statistics are: a segment that changes a
 * flow's states writes only its own CPU's copy, never a line that other
 * CPUs write too.  The gauges (pairs, stuck) are per-CPU deltas: a flow may
 * be counted in on one CPU and out on another, so one CPU's copy alone
 * means nothing and may be negative; only the sum over CPUs is a count.
 * They are int: a copy that wraps still sums to the right count modulo
 * 2^32, and no count is near 2^31 (max_flows is far below).
 */

#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "tcpfsm_flow.h"

struct tcpfsm_summary_pcpu {
	int pair[__TCPFSM_STATE_MAX][__TCPFSM_STATE_MAX];	/* [client][server] */
	int stuck[__TCPFSM_STATE_MAX];
	u64 trans[2][__TCPFSM_STATE_MAX][__TCPFSM_STATE_MAX];
	u64 rtt[TCPFSM_RTT_BUCKETS];
	u64 rtt_sum_us;
	u64 rtt_count;
};

const u32 tcpfsm_rtt_bounds_us[TCPFSM_RTT_BUCKETS - 1] = TCPFSM_RTT_BOUNDS;
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_rtt_bounds_us);

/* A state as an index: anything out of range would be a bug, kept in NONE. */
static u8 tcpfsm_sidx(u8 state)
{
	return state < __TCPFSM_STATE_MAX ? state : TCPFSM_STATE_NONE;
}

int tcpfsm_summary_init(struct tcpfsm_net *tn)
{
	/* Charged to whoever made the namespace, as its table is. */
	tn->summary = alloc_percpu_gfp(struct tcpfsm_summary_pcpu, GFP_KERNEL_ACCOUNT);
	return tn->summary ? 0 : -ENOMEM;
}

void tcpfsm_summary_uninit(struct tcpfsm_net *tn)
{
	free_percpu(tn->summary);
	tn->summary = NULL;
}

static void tcpfsm_summary_pair(struct tcpfsm_net *tn, u8 cli, u8 srv, int delta)
{
	this_cpu_add(tn->summary->pair[tcpfsm_sidx(cli)][tcpfsm_sidx(srv)], delta);
}

void tcpfsm_summary_add(struct tcpfsm_net *tn, const struct tcpfsm_flow *flow)
{
	tcpfsm_summary_pair(tn, flow->conn.peer[TCPFSM_CLIENT].state,
			    flow->conn.peer[TCPFSM_SERVER].state, 1);
}

/* @flow leaves the table: its pair, and its stuck endpoints with it. */
void tcpfsm_summary_del(struct tcpfsm_net *tn, const struct tcpfsm_flow *flow)
{
	u8 e;

	tcpfsm_summary_pair(tn, flow->conn.peer[TCPFSM_CLIENT].state,
			    flow->conn.peer[TCPFSM_SERVER].state, -1);
	for (e = 0; e < 2; e++)
		if (flow->conn.flags & TCPFSM_CONN_STUCK(e))
			tcpfsm_summary_stuck(tn, flow->conn.peer[e].state, -1);
}

/*
 * @flow's endpoints went from @old_state to their states now.  The stuck
 * flags are the caller's (tcpfsm_flow_changed()): it clears them, and
 * their counts, before the states they were counted in are gone.
 */
void tcpfsm_summary_move(struct tcpfsm_net *tn, const struct tcpfsm_flow *flow,
			 const u8 old_state[2])
{
	u8 e, st;

	tcpfsm_summary_pair(tn, old_state[TCPFSM_CLIENT], old_state[TCPFSM_SERVER], -1);
	tcpfsm_summary_add(tn, flow);
	for (e = 0; e < 2; e++) {
		st = flow->conn.peer[e].state;
		if (st != old_state[e])
			this_cpu_inc(tn->summary->trans[e][tcpfsm_sidx(old_state[e])]
							 [tcpfsm_sidx(st)]);
	}
}

void tcpfsm_summary_stuck(struct tcpfsm_net *tn, u8 state, int delta)
{
	this_cpu_add(tn->summary->stuck[tcpfsm_sidx(state)], delta);
}

void tcpfsm_summary_rtt(struct tcpfsm_net *tn, u32 rtt_us)
{
	unsigned int b;

	for (b = 0; b < ARRAY_SIZE(tcpfsm_rtt_bounds_us); b++)
		if (rtt_us <= tcpfsm_rtt_bounds_us[b])
			break;
	this_cpu_inc(tn->summary->rtt[b]);
	this_cpu_add(tn->summary->rtt_sum_us, rtt_us);
	this_cpu_inc(tn->summary->rtt_count);
}

/* A gauge's sum: a reading racing a flow between CPUs may dip below 0. */
static u32 tcpfsm_gauge(u32 sum)
{
	return (s32)sum < 0 ? 0 : sum;
}

/*
 * Sum over CPUs: the same work at any number of flows.  The pairs' and the
 * stuck counts' sums wrap as their per-CPU deltas do (see above).
 */
void tcpfsm_summary_read(struct tcpfsm_net *tn, struct tcpfsm_summary *s)
{
	u32 pair[__TCPFSM_STATE_MAX][__TCPFSM_STATE_MAX] = {};
	u32 stuck[__TCPFSM_STATE_MAX] = {};
	unsigned int c, e, i, j;
	int cpu;

	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		const struct tcpfsm_summary_pcpu *p = per_cpu_ptr(tn->summary, cpu);

		for (i = 0; i < __TCPFSM_STATE_MAX; i++) {
			for (j = 0; j < __TCPFSM_STATE_MAX; j++) {
				pair[i][j] += (u32)READ_ONCE(p->pair[i][j]);
				for (e = 0; e < 2; e++)
					s->trans[e][i][j] += READ_ONCE(p->trans[e][i][j]);
			}
			stuck[i] += (u32)READ_ONCE(p->stuck[i]);
		}
		for (c = 0; c < TCPFSM_RTT_BUCKETS; c++)
			s->rtt[c] += READ_ONCE(p->rtt[c]);
		s->rtt_sum_us += READ_ONCE(p->rtt_sum_us);
		s->rtt_count += READ_ONCE(p->rtt_count);
	}
	for (i = 0; i < __TCPFSM_STATE_MAX; i++) {
		for (j = 0; j < __TCPFSM_STATE_MAX; j++) {
			s->pair[i][j] = tcpfsm_gauge(pair[i][j]);
			s->endpoints[i] += s->pair[i][j];
			s->endpoints[j] += s->pair[i][j];
		}
		s->stuck[i] = tcpfsm_gauge(stuck[i]);
	}
	s->flows = atomic_read(&tn->flows);
}

void tcpfsm_table_summary(struct net *net, struct tcpfsm_summary *s)
{
	tcpfsm_summary_read(tcpfsm_pernet(net), s);
}
