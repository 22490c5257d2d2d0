/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TCPFSM_NETLINK_H
#define _TCPFSM_NETLINK_H

struct net;
struct tcpfsm_flow;
struct tcpfsm_event;

int tcpfsm_netlink_init(void);
void tcpfsm_netlink_uninit(void);

/*
 * Called by the table for every flow event, with the flow's lock held and
 * bottom halves disabled; must not sleep.  Builds nothing when nobody
 * listens to the event's group.
 */
void tcpfsm_netlink_event(struct net *net, const struct tcpfsm_flow *flow,
			  const struct tcpfsm_event *ev);

#endif /* _TCPFSM_NETLINK_H */
