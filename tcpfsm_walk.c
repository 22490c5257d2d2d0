// SPDX-License-Identifier: GPL-2.0
/*
 * The walker readers use (see tcpfsm_walk.h).  It hands out only flows
 * that look like this table's and alive; tcpfsm_walk_info() then makes
 * sure under the flow's lock, since the cache is SLAB_TYPESAFE_BY_RCU.
 */

#include <linux/err.h>
#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "tcpfsm_flow.h"
#include "tcpfsm_walk.h"

void tcpfsm_walk_enter(struct net *net, struct tcpfsm_walk *w)
{
	w->tn = tcpfsm_pernet(net);
	w->restarts = 0;
	rhashtable_walk_enter(&w->tn->table, &w->iter);
}

void tcpfsm_walk_start(struct tcpfsm_walk *w)
	__acquires(RCU)
{
	/* -EAGAIN: a resize moved the walk back to the start. */
	if (rhashtable_walk_start_check(&w->iter) == -EAGAIN)
		w->restarts++;
}

/*
 * Skip flows already on their way out, counting resize restarts (-EAGAIN)
 * and flows that are no longer this table's: the walk followed one that was
 * freed and reused elsewhere, so it may have left this table's chain.
 */
static struct tcpfsm_flow *tcpfsm_walk_skip(struct tcpfsm_walk *w,
					    struct tcpfsm_flow *flow)
{
	for (;;) {
		if (!flow)
			return NULL;
		if (!IS_ERR(flow)) {
			if (READ_ONCE(flow->owner) != w->tn)
				w->restarts++;
			else if (!(READ_ONCE(flow->fl) & TCPFSM_FL_DEAD))
				return flow;
		} else if (PTR_ERR(flow) == -EAGAIN) {
			w->restarts++;
		} else {
			return NULL;
		}
		flow = rhashtable_walk_next(&w->iter);
	}
}

struct tcpfsm_flow *tcpfsm_walk_next(struct tcpfsm_walk *w)
{
	return tcpfsm_walk_skip(w, rhashtable_walk_next(&w->iter));
}

struct tcpfsm_flow *tcpfsm_walk_peek(struct tcpfsm_walk *w)
{
	return tcpfsm_walk_skip(w, rhashtable_walk_peek(&w->iter));
}

void tcpfsm_walk_stop(struct tcpfsm_walk *w)
	__releases(RCU)
{
	rhashtable_walk_stop(&w->iter);
}

void tcpfsm_walk_exit(struct tcpfsm_walk *w)
{
	rhashtable_walk_exit(&w->iter);
}

bool tcpfsm_walk_info(struct tcpfsm_walk *w, struct tcpfsm_flow *flow,
		      struct tcpfsm_flow_info *info)
{
	bool mine;

	spin_lock_bh(&flow->lock);
	mine = tcpfsm_flow_mine(w->tn, flow);
	if (mine)
		tcpfsm_flow_info_locked(flow, info);
	spin_unlock_bh(&flow->lock);
	if (!mine)
		w->restarts++;
	return mine;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_walk_info);
