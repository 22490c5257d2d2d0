/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow table: what the rest of the module may know of it.
 */
#ifndef _TCPFSM_TABLE_H
#define _TCPFSM_TABLE_H

#include <linux/netfilter.h>
#include <linux/rhashtable.h>
#include "tcpfsm_fsm.h"

struct net;
struct tcpfsm_flow;

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

/* What happened to a flow, handed to the event channel. */
enum tcpfsm_event_type {
	TCPFSM_EVENT_NEW,
	TCPFSM_EVENT_CHANGE,
	TCPFSM_EVENT_DESTROY,
};

struct tcpfsm_event {
	u8 type;			/* enum tcpfsm_event_type */
	u8 endpoint;			/* CHANGE: enum tcpfsm_endpoint that changed */
	u8 old_state;			/* CHANGE */
	u8 new_state;			/* CHANGE */
	u8 seg_flags;			/* TCPFSM_TH_* of the segment that caused it */
	u8 seg_dir;			/* enum tcpfsm_dir of that segment */
	u8 reason;			/* DESTROY: enum tcpfsm_destroy_reason */
	u32 old_state_ms;		/* CHANGE: time spent in old_state */
	u64 gen;			/* namespace generation this event made */
};

/*
 * Runtime configuration, one per namespace, initialised from the module
 * parameters and changed over netlink.  Timeouts are in seconds, indexed by
 * enum tcpfsm_state.
 */
struct tcpfsm_config {
	u32 timeout[__TCPFSM_STATE_MAX];
	u32 timeout_pickup;		/* picked up, heard from one side only */
	bool pickup;
};

/* Counters, summed over CPUs (see tcpfsm_table_stats()). */
struct tcpfsm_stats {
	u64 segments;			/* segments seen (GSO counts gso_segs) */
	u64 created;			/* flows created */
	u64 expired;			/* flows removed by timeout */
	u64 closed;			/* flows removed because the connection ended */
	u64 evicted;			/* flows removed to make room */
	u64 not_tracked;		/* flows not created: table full */
	u64 invalid[__TCPFSM_REASON_MAX]; /* segments not accepted, by reason */
	u64 truncated;			/* headers shorter than they claim */
	u64 fragments;			/* non-first fragments, skipped */
	u64 events_lost;		/* events a listener could not take */
	u32 flows;			/* flows now in this namespace */
	u32 flows_total;		/* flows now, all namespaces */
	u32 max_flows;
	u32 flow_bytes;			/* slab object size of an IPv4 flow */
	u32 flow6_bytes;		/* and of an IPv6 flow */
};

int tcpfsm_table_init(void);
void tcpfsm_table_uninit(void);
/* Unload, once the hooks are gone: destroy every flow, with events. */
void tcpfsm_table_shutdown(void);

/* Fill @info from @flow of @net; the caller holds the flow's lock. */
void tcpfsm_flow_info(struct net *net, const struct tcpfsm_flow *flow,
		      struct tcpfsm_flow_info *info);

struct tcpfsm_net;

/*
 * Walking a namespace's flows (for /proc and netlink dumps), built on
 * rhashtable_walk_*: enter/exit may sleep, start/next/stop run under RCU
 * (start takes rcu_read_lock(), stop drops it).  A walk may see a flow twice
 * or miss one when the table is resized, or when it follows a flow freed and
 * reused meanwhile: @restarts counts every time that may have happened, so
 * that a dump can tell its reader.
 */
struct tcpfsm_walk {
	struct rhashtable_iter iter;
	struct tcpfsm_net *tn;
	unsigned int restarts;
};

void tcpfsm_walk_enter(struct net *net, struct tcpfsm_walk *w);
void tcpfsm_walk_start(struct tcpfsm_walk *w);
struct tcpfsm_flow *tcpfsm_walk_next(struct tcpfsm_walk *w);
/* The flow the last next() returned if still there, else the one after. */
struct tcpfsm_flow *tcpfsm_walk_peek(struct tcpfsm_walk *w);
void tcpfsm_walk_stop(struct tcpfsm_walk *w);
void tcpfsm_walk_exit(struct tcpfsm_walk *w);
/*
 * Copy the flow next() or peek() returned into @info, under its lock, if it
 * is still one of this walk's table: false (skip it) if it has gone since.
 */
bool tcpfsm_walk_info(struct tcpfsm_walk *w, struct tcpfsm_flow *flow,
		      struct tcpfsm_flow_info *info);

/* Copy the flow of tuple @t (either orientation) into @info, if there is one. */
bool tcpfsm_table_get(struct net *net, const struct tcpfsm_tuple *t,
		      struct tcpfsm_flow_info *info);

void tcpfsm_table_stats(struct net *net, struct tcpfsm_stats *st);
void tcpfsm_table_config(struct net *net, struct tcpfsm_config *cfg);
int tcpfsm_table_set_config(struct net *net, const struct tcpfsm_config *cfg);
u32 tcpfsm_table_max_flows(void);
int tcpfsm_table_set_max_flows(u32 max);
/* The flows @net may hold now; set 0 to follow the default again. */
u32 tcpfsm_table_quota(struct net *net);
int tcpfsm_table_set_quota(struct net *net, u32 quota);
/* The highest timeout of @state a non-initial user namespace may set. */
u32 tcpfsm_table_timeout_cap(u8 state);

/* Counter hooks for the parser and the event channel. */
void tcpfsm_table_count_skip(struct net *net, bool fragment);
void tcpfsm_table_count_event_lost(struct net *net);

/* The hook's entry point: one parsed segment of @gso_segs segments. */
void tcpfsm_table_segment(struct net *net, const struct tcpfsm_tuple *t,
			  const struct tcpfsm_seg *seg, u32 gso_segs);

#endif /* _TCPFSM_TABLE_H */
