/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the table tells the outside world about its flows, and the one door
 * through which it does: the table calls tcpfsm_event_notify(), which hands
 * the event to whoever registered (the netlink side, as ctnetlink registers
 * with conntrack's core), so the table knows nothing of netlink.
 */
#ifndef _TCPFSM_EVENT_H
#define _TCPFSM_EVENT_H

#include <linux/types.h>

struct net;
struct tcpfsm_flow;

enum tcpfsm_event_type {
	TCPFSM_EVENT_NEW,
	TCPFSM_EVENT_CHANGE,
	TCPFSM_EVENT_DESTROY,
	TCPFSM_EVENT_STUCK,		/* an endpoint passed its stuck threshold */
};

struct tcpfsm_event {
	u8 type;			/* enum tcpfsm_event_type */
	u8 endpoint;			/* CHANGE, STUCK: enum tcpfsm_endpoint */
	u8 old_state;			/* CHANGE */
	u8 new_state;			/* CHANGE */
	u8 seg_flags;			/* TCPFSM_TH_* of the segment that caused it */
	u8 seg_dir;			/* enum tcpfsm_dir of that segment */
	u8 reason;			/* DESTROY: enum tcpfsm_destroy_reason */
	u32 old_state_ms;		/* CHANGE: time spent in old_state */
	u32 in_state_ms;		/* STUCK: time in the state so far */
	u64 gen;			/* namespace generation this event made */
};

/*
 * @event runs for every event of every namespace, with the flow's lock held
 * and bottom halves disabled, so it must not sleep; it may read the flow
 * with tcpfsm_flow_info_locked() or tcpfsm_flow_tuple_locked().  An event
 * of a namespace being dismantled may come after the receiver's own
 * per-namespace exit has run.
 */
struct tcpfsm_event_notifier {
	void (*event)(struct net *net, const struct tcpfsm_flow *flow,
		      const struct tcpfsm_event *ev);
};

/* One receiver at a time: -EBUSY if there is one already. */
int tcpfsm_event_register(const struct tcpfsm_event_notifier *n);
/* Returns once no event is still being handed to @n. */
void tcpfsm_event_unregister(const struct tcpfsm_event_notifier *n);

/* For the table only: with the flow's lock held, in an RCU read-side section. */
void tcpfsm_event_notify(struct net *net, const struct tcpfsm_flow *flow,
			 const struct tcpfsm_event *ev);

#endif /* _TCPFSM_EVENT_H */
