/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the netlink side: what its files share.  tcpfsm_netlink.c has the
 * family and the do requests, tcpfsm_nl_dump.c the FLOW_GET dump,
 * tcpfsm_nl_event.c the events (the queue from the packet path, sequence
 * numbers, the tombstone ring, multicast), tcpfsm_nl_sub.c the per-socket
 * subscriptions, tcpfsm_nl_msg.c the attributes both build and parse,
 * tcpfsm_nl_summary.c SUMMARY_GET and tcpfsm_nl_netns.c the host-wide view.
 *
 * Locking: the event side's ring_lock nests inside a flow's lock (events
 * come from the table with it held), never the other way round.  The
 * packet path takes no other lock: it puts a record on the namespace's
 * lockless queue, and a work item, in process context, numbers and sends.
 * The work's deliver_mutex serialises numbering and sending per namespace;
 * inside it a namespace's subscription mutex, then the all-namespaces
 * subscription mutex (tcpfsm_nl_sub.c), are taken, never the other way.
 */
#ifndef _TCPFSM_NL_H
#define _TCPFSM_NL_H

#include <linux/llist.h>
#include <net/netns/generic.h>
#include <net/genetlink.h>
#include "tcpfsm_event.h"
#include "tcpfsm_table.h"
#include "generated/netlink.h"

/* The groups, indexed by the generated TCPFSM_NLGRP_* (tcpfsm_mcgrps[]). */
#define __TCPFSM_NLGRP_MAX	(TCPFSM_NLGRP_STUCK + 1)

extern struct genl_family tcpfsm_genl_family;

/*
 * net_generic() for the event path, which is in an RCU read-side section
 * (bottom halves off, a flow's lock held): net_generic() takes and drops
 * a read lock of its own, two calls on the stock (PREEMPT_RCU) kernels.
 */
static inline void *tcpfsm_nl_generic(const struct net *net, unsigned int id)
{
	return rcu_dereference_check(net->gen, rcu_read_lock_any_held())->ptr[id];
}

/* Room for one flow message: flow nest, event nest, headers, with slack. */
#define TCPFSM_EVENT_SIZE	512

/*
 * A dump looks at no more than this many flows or tombstones in one RCU
 * read-side section or under one ring lock, then lets the CPU go, however
 * few the filter keeps.
 */
#define TCPFSM_DUMP_BUDGET	256

/* A destroyed flow, as remembered for SINCE_GEN dumps. */
struct tcpfsm_tomb {
	struct tcpfsm_tuple tuple;
	u64 gen;
	u8 reason;
};

/* tcpfsm_nl_msg.c: building messages */
int tcpfsm_put_flow(struct sk_buff *skb, const struct tcpfsm_flow_info *fi);
int tcpfsm_put_tomb(struct sk_buff *skb, const struct tcpfsm_tomb *tb);

/* tcpfsm_nl_msg.c: parsing requests */
struct tcpfsm_prefix {
	union nf_inet_addr addr;
	u8 family;			/* 0: no filter */
	u8 len;
};

struct tcpfsm_filter {
	u32 state_mask;			/* 0: no filter, for all masks */
	u32 client_state_mask;
	u32 server_state_mask;
	__be16 port[2];			/* 0: no filter */
	bool has_port[2];
	u8 family;
	struct tcpfsm_prefix prefix[2];
	bool stuck;			/* only flows with a stuck endpoint */
	/* EVENT_SUBSCRIBE only (tcpfsm_parse_filter() refuses them in dumps) */
	bool for_events;
	u32 events;			/* BIT(TCPFSM_EVENT_MASK_*); 0: all */
	bool has_endpoint;
	u8 endpoint;			/* change and stuck events of this endpoint */
	u32 from_state_mask;		/* change events: old state; 0: any */
	u32 to_state_mask;		/* change events: new state; 0: any */
};

int tcpfsm_parse_tuple(const struct nlattr *nest, struct tcpfsm_tuple *t,
		       struct netlink_ext_ack *extack);
/* @for_events: an EVENT_SUBSCRIBE filter, which may say which events. */
int tcpfsm_parse_filter(const struct nlattr *nest, struct tcpfsm_filter *f,
			bool for_events, struct netlink_ext_ack *extack);
bool tcpfsm_filter_match(const struct tcpfsm_filter *f, const struct tcpfsm_flow_info *fi);

/*
 * tcpfsm_nl_summary.c: put the TCPFSM_A_SUMMARY nest of @net's summary
 * (may sleep: it allocates the reading).
 */
int tcpfsm_nl_put_summary(struct sk_buff *skb, struct net *net);

/*
 * One event as the packet path left it for the work: the flow after the
 * event, copied under the flow's lock, so the work needs no flow.
 */
struct tcpfsm_ev_rec {
	struct llist_node node;
	struct tcpfsm_event ev;
	struct tcpfsm_flow_info fi;
};

/* The multicast group, and the command, of an event type. */
int tcpfsm_ev_group(u8 type);
/*
 * One event message of @rec with sequence number @seq; with @netns (an
 * all-namespaces subscription) tagged with that namespace's identity.
 */
int tcpfsm_nl_fill_event(struct sk_buff *skb, const struct tcpfsm_ev_rec *rec, u32 seq,
			 const struct net *netns);

/*
 * The payload of the skbs events are batched into, at most: their data
 * and skb_shared_info fill a 16 KiB slab object exactly (16 KiB of
 * payload would take a 32 KiB one, and a listener's buffer is charged
 * all of it).
 */
#define TCPFSM_EVENT_BATCH	(SKB_WITH_OVERHEAD(16384) - NLMSG_HDRLEN - GENL_HDRLEN)
unsigned int tcpfsm_ev_skb_size(unsigned int left);

/* tcpfsm_nl_event.c */
int tcpfsm_nl_event_init(void);
void tcpfsm_nl_event_uninit(void);
/* Receive the table's events; detach returns once none is still running. */
int tcpfsm_nl_event_attach(void);
void tcpfsm_nl_event_detach(void);

/* Where a dump stands: every event numbered up to @seq was sent before. */
void tcpfsm_nl_marks(struct net *net, u32 seq[__TCPFSM_NLGRP_MAX], u64 *gen);
/* Send what @net has queued: every event numbered so far was sent, or lost. */
void tcpfsm_nl_flush(struct net *net);
/* Destroys so far: a dump crossing one may skip or repeat a flow. */
unsigned int tcpfsm_nl_destroys(struct net *net);

/* tcpfsm_nl_sub.c: subscriptions (EVENT_SUBSCRIBE) */
int tcpfsm_nl_sub_init(void);
void tcpfsm_nl_sub_uninit(void);
/* Packet path, RCU: whether any subscription may want @net's events. */
bool tcpfsm_sub_wanted(struct net *net);
/* Packet path, RCU: an event of @net dropped at the queue's limit. */
void tcpfsm_sub_dropped(struct net *net, const struct tcpfsm_ev_rec *rec);
/* The work: send @n records of @net, in order, to the subscriptions. */
void tcpfsm_sub_deliver(struct net *net, struct tcpfsm_ev_rec **recs, unsigned int n);
/* A dump's start, after tcpfsm_nl_marks(): @portid's subscription's last number. */
bool tcpfsm_sub_seq(struct net *net, u32 portid, u32 *seq);

/*
 * A dump's reading of the tombstone ring, a batch at a time: the ring goes
 * on while the dump runs, so a dump costs the same at any ring size.
 */
#define TCPFSM_TOMB_BATCH	32

struct tcpfsm_tomb_cursor {
	u64 since;			/* tombstones of destroys after this generation */
	u64 next, end;			/* ring numbers (ring_added) still to read */
	bool lost;			/* some were overwritten before they were read */
	unsigned int n, i;		/* in batch[], and the next to send */
	struct tcpfsm_tomb batch[TCPFSM_TOMB_BATCH];
};

bool tcpfsm_tombs_start(struct net *net, struct tcpfsm_tomb_cursor *c);
void tcpfsm_tombs_fill(struct net *net, struct tcpfsm_tomb_cursor *c);

/*
 * tcpfsm_nl_netns.c: the host-wide view.  put_netns puts
 * TCPFSM_A_NETNS_COOKIE and TCPFSM_A_NETNS_INO of @net.  all_netns_ok says
 * whether the sender of @skb, in @net, may ask for every namespace
 * (TCPFSM_A_ALL_NETNS): 0, or -EPERM with a message in @extack unless @net
 * is the initial namespace and the sender has CAP_NET_ADMIN in the initial
 * user namespace.  A container's root has neither.
 */
int tcpfsm_nl_put_netns(struct sk_buff *skb, const struct net *net);
int tcpfsm_nl_all_netns_ok(struct sk_buff *skb, const struct net *net,
			   struct netlink_ext_ack *extack);

/*
 * A dump's place among the namespaces, kept across its batches.  @net, the
 * namespace the dump is at, holds a reference: a namespace with one is not
 * torn down, so its table outlives a walker attached to it, and it stays
 * on net_namespace_list (cleanup_net() unlinks only namespaces nobody
 * holds), so the next batch goes on from it.  Cookies would not do as
 * bookmarks: 6.1 and 6.12 hand them out from per-CPU batches, not in the
 * list's order.  Namespaces created after the dump passed by are not seen;
 * one dying (no reference left) is skipped.
 */
struct tcpfsm_netns_cursor {
	struct net *net;		/* NULL: before the first, or past the last */
	bool done;
};

/* Move to the next live namespace, dropping the last one: NULL at the end. */
struct net *tcpfsm_netns_next(struct tcpfsm_netns_cursor *c);
/* Drop the namespace the cursor holds (the dump's done). */
void tcpfsm_netns_release(struct tcpfsm_netns_cursor *c);

/*
 * A namespace's STATS_GET reply body: counters, the module's version and the
 * namespace (tcpfsm_netlink.c; the do and the dump build it alike).
 */
int tcpfsm_nl_fill_stats(struct sk_buff *skb, struct net *net);
/* A do's reply: @fill puts the attributes of @arg (tcpfsm_netlink.c). */
int tcpfsm_nl_reply(struct genl_info *info, u8 cmd,
		    int (*fill)(struct sk_buff *skb, void *arg), void *arg);

#endif /* _TCPFSM_NL_H */
