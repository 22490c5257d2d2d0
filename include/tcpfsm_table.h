/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow table: what the hooks, /proc and netlink may know of it.
 */
#ifndef _TCPFSM_TABLE_H
#define _TCPFSM_TABLE_H

#include <linux/netfilter.h>
#include "tcpfsm_fsm.h"

struct net;
struct tcpfsm_config;
struct tcpfsm_flow;
struct tcpfsm_net;
struct tcpfsm_stats;

/* A connection's addresses, oriented: [TCPFSM_CLIENT] and [TCPFSM_SERVER]. */
struct tcpfsm_tuple {
	union nf_inet_addr addr[2];
	__be16 port[2];
	u8 family;			/* AF_INET or AF_INET6 */
};

/* A consistent copy of one flow, for /proc and netlink. */
struct tcpfsm_flow_info {
	struct tcpfsm_tuple tuple;
	u8 state[2];			/* enum tcpfsm_state, per endpoint */
	u8 flags;			/* BIT(TCPFSM_FLOW_*) */
	u32 age_ms;			/* since the first segment */
	u32 idle_ms;			/* since the last segment */
	u32 in_state_ms[2];		/* since each endpoint entered its state */
	u32 rtt_us;			/* SYN -> SYN/ACK -> ACK, 0 if not seen */
	u32 invalid;			/* segments not accepted (saturates at 65535) */
	bool acct;			/* packets and bytes are counted (acct=1) */
	u64 packets[2];			/* segments sent, by endpoint */
	u64 bytes[2];			/* payload bytes sent, by endpoint */
	u64 gen;			/* namespace generation of its last change */
};

int tcpfsm_table_init(void);
void tcpfsm_table_uninit(void);
/* Unload, once the hooks are gone: destroy every flow, with events. */
void tcpfsm_table_shutdown(void);

/*
 * @net's table, which is set up before any hook of @net is registered and
 * outlives them: a hook is registered with it as its private data.
 */
struct tcpfsm_net *tcpfsm_pernet(const struct net *net);
/*
 * The hook's entry point: one parsed segment of @gso_segs segments into
 * table @tn, in the RCU read-side section netfilter holds around its hooks.
 * @seg is the hook's to give: the table sets its direction (seg->dir).
 */
void tcpfsm_table_segment(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t,
			  struct tcpfsm_seg *seg, u32 gso_segs);
/* Counters for what the hook could not hand over. */
void tcpfsm_table_count_skip(struct net *net, bool fragment);

/* Copy the flow of tuple @t (either orientation) into @info, if there is one. */
bool tcpfsm_table_get(struct net *net, const struct tcpfsm_tuple *t,
		      struct tcpfsm_flow_info *info);
/* Copy @flow, whose lock the caller holds (an event receiver), into @info. */
void tcpfsm_flow_info_locked(const struct tcpfsm_flow *flow,
			     struct tcpfsm_flow_info *info);
/* Only its tuple, client first: what a tombstone keeps. */
void tcpfsm_flow_tuple_locked(const struct tcpfsm_flow *flow,
			      struct tcpfsm_tuple *t);

void tcpfsm_table_stats(struct net *net, struct tcpfsm_stats *st);
/* For the event receiver: an event it could not deliver. */
void tcpfsm_table_count_event_lost(struct net *net);

/*
 * The handshake round-trip histogram's upper bounds in microseconds, then
 * one bucket above the last (+Inf): ping-like LAN times to satellite links.
 */
#define TCPFSM_RTT_BOUNDS {						\
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000,		\
	100000, 250000, 500000, 1000000, 2500000			\
}

#define TCPFSM_RTT_BUCKETS	15	/* the bounds and +Inf */

/*
 * A reading of a namespace's summary (tcpfsm_summary.c): counters kept as
 * flows change, summed over CPUs when read, so a reading costs the same
 * at any table size.  Read while flows change, the sums are of slightly
 * different instants; at a quiet point they are exact.
 */
struct tcpfsm_summary {
	u32 flows;					/* in the table */
	u32 pair[__TCPFSM_STATE_MAX][__TCPFSM_STATE_MAX];	/* [client][server] */
	u32 endpoints[__TCPFSM_STATE_MAX];		/* from the pairs */
	u32 stuck[__TCPFSM_STATE_MAX];			/* stuck endpoints by state */
	u64 trans[2][__TCPFSM_STATE_MAX][__TCPFSM_STATE_MAX];	/* [endpoint][from][to] */
	u64 rtt[TCPFSM_RTT_BUCKETS];			/* not cumulative */
	u64 rtt_sum_us;
	u64 rtt_count;
};

extern const u32 tcpfsm_rtt_bounds_us[TCPFSM_RTT_BUCKETS - 1];

/* Fill @s (large: not for the stack) with @net's summary. */
void tcpfsm_table_summary(struct net *net, struct tcpfsm_summary *s);

void tcpfsm_table_config(struct net *net, struct tcpfsm_config *cfg);
int tcpfsm_table_set_config(struct net *net, const struct tcpfsm_config *cfg);
/* The flows @net may hold now; set 0 to follow the default again. */
u32 tcpfsm_table_quota(struct net *net);
int tcpfsm_table_set_quota(struct net *net, u32 quota);

#endif /* _TCPFSM_TABLE_H */
