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

/* The hook's entry point: one parsed segment of @gso_segs segments. */
void tcpfsm_table_segment(struct net *net, const struct tcpfsm_tuple *t,
			  const struct tcpfsm_seg *seg, u32 gso_segs);
/* Counters for what the hook could not hand over. */
void tcpfsm_table_count_skip(struct net *net, bool fragment);

/* Copy the flow of tuple @t (either orientation) into @info, if there is one. */
bool tcpfsm_table_get(struct net *net, const struct tcpfsm_tuple *t,
		      struct tcpfsm_flow_info *info);
/* Copy @flow, whose lock the caller holds (an event receiver), into @info. */
void tcpfsm_flow_info_locked(const struct tcpfsm_flow *flow,
			     struct tcpfsm_flow_info *info);

void tcpfsm_table_stats(struct net *net, struct tcpfsm_stats *st);
/* For the event receiver: an event it could not deliver. */
void tcpfsm_table_count_event_lost(struct net *net);

void tcpfsm_table_config(struct net *net, struct tcpfsm_config *cfg);
int tcpfsm_table_set_config(struct net *net, const struct tcpfsm_config *cfg);
/* The flows @net may hold now; set 0 to follow the default again. */
u32 tcpfsm_table_quota(struct net *net);
int tcpfsm_table_set_quota(struct net *net, u32 quota);

#endif /* _TCPFSM_TABLE_H */
