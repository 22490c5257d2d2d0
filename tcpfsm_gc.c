// SPDX-License-Identifier: GPL-2.0
/*
 * Expiry: a self-rearming work per namespace walks its table in slices and
 * destroys the flows whose time has come, and the flush that empties a
 * table when its namespace or the module goes.
 */

#include <linux/err.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "tcpfsm_bench.h"
#include "tcpfsm_flow.h"
#include "tcpfsm_table_test.h"

/* At most this many flows per run; a full pass then waits a second. */
#define TCPFSM_GC_BUDGET	1000
/* Flows looked at per stretch with bottom halves off (see tcpfsm_gc_work()). */
#define TCPFSM_GC_BATCH		64
#define TCPFSM_GC_INTERVAL	HZ

/* What the GC does with a flow (tcpfsm_flow_expiry()). */
#define TCPFSM_GC_KEEP		(-1)

/* The idle timeout of an endpoint in @st whose peer is in @peer, in jiffies. */
static u32 tcpfsm_state_timeout(const struct tcpfsm_config *cfg, u8 st, u8 peer)
{
	/* A server never answered and a client gone: nothing is waiting. */
	if (st == TCPFSM_STATE_LISTEN && peer == TCPFSM_STATE_CLOSED)
		st = TCPFSM_STATE_CLOSED;
	if (st >= __TCPFSM_STATE_MAX)
		st = TCPFSM_STATE_CLOSED;
	return READ_ONCE(cfg->timeout[st]);
}

/*
 * Whether @flow's time has come at @now, as a destroy reason, or
 * TCPFSM_GC_KEEP.  For TCPFSM_DESTROY_TIME_WAIT, *@tw is the endpoint whose
 * TIME-WAIT ended.  Reads the flow only; the caller holds its lock.
 */
static int tcpfsm_flow_expiry(const struct tcpfsm_config *cfg,
			      const struct tcpfsm_flow *flow, u32 now, u8 *tw)
{
	u8 st0 = flow->conn.peer[0].state, st1 = flow->conn.peer[1].state, e;
	u32 tmo;

	/* TIME-WAIT ends by itself, independent of traffic. */
	tmo = READ_ONCE(cfg->timeout[TCPFSM_STATE_TIME_WAIT]) * HZ;
	for (e = 0; e < 2; e++) {
		if (flow->conn.peer[e].state == TCPFSM_STATE_TIME_WAIT &&
		    now - flow->since[e] >= tmo) {
			*tw = e;
			return TCPFSM_DESTROY_TIME_WAIT;
		}
	}

	/* Both ends closed: linger so users see the final state, then go. */
	if (st0 == TCPFSM_STATE_CLOSED && st1 == TCPFSM_STATE_CLOSED) {
		tmo = READ_ONCE(cfg->timeout[TCPFSM_STATE_CLOSED]) * HZ;
		if (now - flow->since[0] < tmo || now - flow->since[1] < tmo)
			return TCPFSM_GC_KEEP;
		return flow->fl & TCPFSM_FL_RST ? TCPFSM_DESTROY_RST : TCPFSM_DESTROY_CLOSED;
	}

	tmo = max(tcpfsm_state_timeout(cfg, st0, st1), tcpfsm_state_timeout(cfg, st1, st0));
	if ((flow->conn.flags & TCPFSM_CONN_PICKUP) &&
	    !(flow->conn.peer[0].flags & flow->conn.peer[1].flags & TCPFSM_PEER_SEEN))
		tmo = min(tmo, READ_ONCE(cfg->timeout_pickup));
	return now - flow->last_seen >= tmo * HZ ? TCPFSM_DESTROY_TIMEOUT : TCPFSM_GC_KEEP;
}

/*
 * Flag each endpoint of @flow, locked and kept, that has been in its state
 * at least the state's stuck threshold, once per stay: the flag, the
 * summary's count and one STUCK event, and a new generation so that dumps
 * of what changed since show it.  The GC is the one place that looks at
 * every flow within about a second anyway, so no scan of its own is needed.
 */
static void tcpfsm_flow_stuck(struct tcpfsm_net *tn, struct tcpfsm_flow *flow, u32 now)
{
	struct tcpfsm_event ev = { .type = TCPFSM_EVENT_STUCK };
	u8 e, st;
	u32 thr;

	for (e = 0; e < 2; e++) {
		if (flow->conn.flags & TCPFSM_CONN_STUCK(e))
			continue;
		st = flow->conn.peer[e].state;
		thr = st < __TCPFSM_STATE_MAX ? READ_ONCE(tn->cfg.stuck[st]) : 0;
		/* In u64: thresholds go up to TCPFSM_TIMEOUT_MAX seconds. */
		if (!thr || (u64)(now - flow->since[e]) < (u64)thr * HZ)
			continue;
		flow->conn.flags |= TCPFSM_CONN_STUCK(e);
		tcpfsm_summary_stuck(tn, st, 1);
		ev.endpoint = e;
		ev.in_state_ms = tcpfsm_ms_since(now, flow->since[e]);
		tcpfsm_flow_event(tn, flow, &ev);
	}
}

/*
 * Expire @flow if its time has come; runs in the GC work under RCU, with
 * bottom halves off: the work keeps them off for TCPFSM_GC_BATCH flows at a
 * time rather than turn them on again after every flow's lock.  The walk
 * may hand us a flow freed and reused since, here or in another
 * namespace: only one still @tn's is looked at.
 */
VISIBLE_IF_KUNIT_OR_TCPFSM_BENCH void tcpfsm_flow_gc(struct tcpfsm_net *tn,
						     struct tcpfsm_flow *flow)
{
	bool dead = false;
	u8 old[2], tw = 0;
	int reason;
	u32 now;

	lockdep_assert_in_softirq();
	spin_lock(&flow->lock);
	/*
	 * Sample the clock under the lock: a "now" from before a segment
	 * updated last_seen would make now - last_seen wrap to a huge idle time
	 * and expire a busy flow (seen when a GC pass outlasted a jiffy).
	 */
	now = tcpfsm_now();
	if (!tcpfsm_flow_mine(tn, flow))
		goto out;
	tcpfsm_time_pin(now, &flow->created);
	tcpfsm_time_pin(now, &flow->since[0]);
	tcpfsm_time_pin(now, &flow->since[1]);
	reason = tcpfsm_flow_expiry(&tn->cfg, flow, now, &tw);
	if (reason == TCPFSM_GC_KEEP) {
		tcpfsm_flow_stuck(tn, flow, now);
		goto out;
	}
	if (reason == TCPFSM_DESTROY_TIME_WAIT) {
		/* Listeners see the endpoint reach CLOSED before the flow goes. */
		old[0] = flow->conn.peer[0].state;
		old[1] = flow->conn.peer[1].state;
		tcpfsm_fsm_time_wait_done(&flow->conn);
		tcpfsm_flow_changed(tn, flow, old, 0, tw, now);
	}
	dead = tcpfsm_flow_destroy(tn, flow, reason);
out:
	spin_unlock(&flow->lock);
	if (dead)
		tcpfsm_flow_free(flow);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_flow_gc);

/*
 * One GC slice: up to TCPFSM_GC_BUDGET flows from where the last slice
 * stopped.  The walker stays entered between slices, so a slice costs the
 * same whatever the table size; after a full pass the next starts a second
 * later, so a flow goes at most about a second after its deadline (plus the
 * pass time on huge tables).
 */
static void tcpfsm_gc_work(struct work_struct *work)
{
	struct tcpfsm_net *tn = container_of(to_delayed_work(work),
					     struct tcpfsm_net, gc);
	struct tcpfsm_flow *flow;
	int budget = TCPFSM_GC_BUDGET;
	bool end = false;

	rhashtable_walk_start(&tn->gc_iter);
	local_bh_disable();
	while (budget-- > 0) {
		flow = rhashtable_walk_next(&tn->gc_iter);
		if (IS_ERR(flow)) {
			if (PTR_ERR(flow) == -EAGAIN)
				continue;
			break;
		}
		if (!flow) {
			end = true;
			break;
		}
		tcpfsm_flow_gc(tn, flow);
		/* Let softirqs that came meanwhile run. */
		if (budget % TCPFSM_GC_BATCH == 0) {
			local_bh_enable();
			local_bh_disable();
		}
	}
	local_bh_enable();
	rhashtable_walk_stop(&tn->gc_iter);

	if (end) {
		/* A finished walker stays at the end: enter again to restart. */
		rhashtable_walk_exit(&tn->gc_iter);
		rhashtable_walk_enter(&tn->table, &tn->gc_iter);
	}
	if (!READ_ONCE(tn->dying))
		queue_delayed_work(system_power_efficient_wq, &tn->gc,
				   end ? TCPFSM_GC_INTERVAL : 1);
}

void tcpfsm_gc_start(struct tcpfsm_net *tn)
{
	tn->dying = false;
	rhashtable_walk_enter(&tn->table, &tn->gc_iter);
	INIT_DELAYED_WORK(&tn->gc, tcpfsm_gc_work);
	queue_delayed_work(system_power_efficient_wq, &tn->gc, TCPFSM_GC_INTERVAL);
}

/* Stop the GC of @tn for good: it must not rearm once cancelled. */
void tcpfsm_gc_stop(struct tcpfsm_net *tn)
{
	if (READ_ONCE(tn->dying))
		return;
	WRITE_ONCE(tn->dying, true);
	cancel_delayed_work_sync(&tn->gc);
	rhashtable_walk_exit(&tn->gc_iter);
}

/*
 * Remove every flow of @tn, telling listeners; the hooks are gone, but
 * other namespaces' evictors may still take flows of @tn (it leaves the
 * donor list only at its exit).  A walk may miss flows across a resize or
 * after following a reused flow into another table: go again until empty.
 * A pass that removes nothing while flows remain means the count is wrong;
 * give up loudly rather than loop forever.
 */
void tcpfsm_flush(struct tcpfsm_net *tn)
{
	struct rhashtable_iter iter;
	struct tcpfsm_flow *flow;
	unsigned int idle = 0;
	bool any;

	while (atomic_read(&tn->flows)) {
		any = false;
		rhashtable_walk_enter(&tn->table, &iter);
		rhashtable_walk_start(&iter);
		while ((flow = rhashtable_walk_next(&iter))) {
			if (IS_ERR(flow))
				continue;
			any |= tcpfsm_flow_kill(tn, flow, NULL, TCPFSM_DESTROY_UNLOAD);
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
		idle = any ? 0 : idle + 1;
		if (WARN_ON_ONCE(idle > 100))
			break;
		cond_resched();
	}
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_flush);
