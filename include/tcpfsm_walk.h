/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking a namespace's flows, for /proc and netlink dumps, built on
 * rhashtable_walk_*: enter/exit may sleep, start/next/stop run under RCU
 * (start takes rcu_read_lock(), stop drops it).  A walk may see a flow twice
 * or miss one when the table is resized, or when it follows a flow freed and
 * reused meanwhile: @restarts counts every time that may have happened, so
 * that a dump can tell its reader.
 */
#ifndef _TCPFSM_WALK_H
#define _TCPFSM_WALK_H

#include <linux/rhashtable-types.h>

struct net;
struct tcpfsm_flow;
struct tcpfsm_flow_info;
struct tcpfsm_net;

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

#endif /* _TCPFSM_WALK_H */
