// SPDX-License-Identifier: GPL-2.0
/*
 * The limits (README "Limits"): max_flows for all namespaces together, a
 * quota for each, and what gives way when a new flow meets one of them.
 * Every flow is charged here before it exists and uncharged when it goes,
 * so the counts never exceed their bounds, even for a moment.
 */

#include <linux/atomic.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>

#include "tcpfsm_flow.h"
#include "tcpfsm_table_test.h"

/*
 * Eviction looks at this many buckets, as conntrack's early_drop does, and
 * on to TCPFSM_EVICT_BUCKETS_MAX while it has found only connections that
 * completed their handshake, which it never evicts: under a SYN flood a few
 * buckets without a half-open flow are common, and a new flow should not go
 * untracked for them.
 */
#define TCPFSM_EVICT_BUCKETS	8
#define TCPFSM_EVICT_BUCKETS_MAX	64

static atomic_t tcpfsm_flows_all = ATOMIC_INIT(0);
/* Every namespace's table, for the evictor when the whole table is full. */
static LIST_HEAD(tcpfsm_nets);
static DEFINE_SPINLOCK(tcpfsm_nets_lock);

/*
 * What eviction gives up first: a flow whose connection is over (CLOSED,
 * TIME-WAIT) or whose SYN was never answered (LISTEN); then a half-open one
 * (an endpoint still in SYN-SENT or SYN-RECEIVED: what a SYN flood leaves).
 * A connection that completed its handshake is never given up for a new
 * flow, as conntrack early-drops only unassured entries: the new flow is
 * then not tracked.
 */
enum tcpfsm_evict_class {
	TCPFSM_EVICT_DONE,
	TCPFSM_EVICT_HALF_OPEN,
	TCPFSM_EVICT_ASSURED,
};

VISIBLE_IF_KUNIT int tcpfsm_evict_class(u8 st0, u8 st1)
{
	u8 st[2] = { st0, st1 }, e;
	int class = TCPFSM_EVICT_ASSURED;

	for (e = 0; e < 2; e++) {
		switch (st[e]) {
		case TCPFSM_STATE_CLOSED:
		case TCPFSM_STATE_TIME_WAIT:
		case TCPFSM_STATE_LISTEN:
			return TCPFSM_EVICT_DONE;
		case TCPFSM_STATE_SYN_SENT:
		case TCPFSM_STATE_SYN_RECEIVED:
			class = TCPFSM_EVICT_HALF_OPEN;
			break;
		}
	}
	return class;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_evict_class);

/*
 * Make room for one flow in @tn: look at a few buckets from a random one and
 * take the cheapest flow there (enum tcpfsm_evict_class), the longest idle
 * of its class; look further while only assured flows were found.  Bounded
 * work, no lock held while choosing: the choice is confirmed under the
 * victim's lock.  Fails when those buckets hold no flow of @tn but assured
 * ones.  Runs under rcu_read_lock().
 */
static bool tcpfsm_evict(struct tcpfsm_net *tn)
{
	struct tcpfsm_flow *flow, *victim = NULL;
	int class, best_class = TCPFSM_EVICT_ASSURED;
	const struct bucket_table *tbl, *next;
	u32 now = tcpfsm_now(), idle, best = 0;
	struct tcpfsm_key key;
	struct rhash_head *pos;
	unsigned int i, hash;

	/* While the table is resized, new and moved flows are in the newest. */
	tbl = rht_dereference_rcu(tn->table.tbl, &tn->table);
	while ((next = rht_dereference_rcu(tbl->future_tbl, &tn->table)))
		tbl = next;
	hash = get_random_u32();
	for (i = 0; i < TCPFSM_EVICT_BUCKETS_MAX; i++, hash++) {
		if (i >= TCPFSM_EVICT_BUCKETS && victim)
			break;
		rht_for_each_entry_rcu(flow, pos, tbl, hash & (tbl->size - 1), node) {
			/* Freed, or reused in another table (and chain). */
			if ((READ_ONCE(flow->fl) & TCPFSM_FL_DEAD) ||
			    READ_ONCE(flow->owner) != tn)
				continue;
			class = tcpfsm_evict_class(READ_ONCE(flow->conn.peer[0].state),
						   READ_ONCE(flow->conn.peer[1].state));
			if (class == TCPFSM_EVICT_ASSURED)
				continue;	/* never evicted for a new flow */
			/* Updated since @now was read: not idle at all. */
			idle = max_t(s32, now - READ_ONCE(flow->last_seen), 0);
			if (class < best_class || (class == best_class && idle > best)) {
				victim = flow;
				best_class = class;
				best = idle;
			}
		}
		if (best_class == TCPFSM_EVICT_DONE)
			break;
	}
	if (!victim)
		return false;
	tcpfsm_flow_key(victim, &key);
	return tcpfsm_flow_kill(tn, victim, &key, TCPFSM_DESTROY_EVICTED);
}

/* The most flows @tn may hold now. */
u32 tcpfsm_quota(const struct tcpfsm_net *tn)
{
	u32 max = tcpfsm_config_max_flows(), q = READ_ONCE(tn->quota);

	if (!q)
		q = net_eq(tn->net, &init_net) ? max : tcpfsm_config_netns_quota(max);
	return clamp(q, 1U, max);
}

u32 tcpfsm_flows_total(void)
{
	return atomic_read(&tcpfsm_flows_all);
}

/*
 * Who gives up a flow when all namespaces together hold max_flows: the
 * namespace holding most, but never the initial one for another's new flow
 * (a container's flood must not cost the host its connections).  One pass
 * over the namespaces, only then: a namespace at its own quota evicts from
 * itself and never gets here.  Runs under rcu_read_lock().
 */
static struct tcpfsm_net *tcpfsm_donor(struct tcpfsm_net *tn)
{
	int most = atomic_read(&tn->flows), n;
	struct tcpfsm_net *it, *donor = tn;

	list_for_each_entry_rcu(it, &tcpfsm_nets, list) {
		if (net_eq(it->net, &init_net))
			continue;
		n = atomic_read(&it->flows);
		if (n > most) {
			most = n;
			donor = it;
		}
	}
	return donor;
}

void tcpfsm_donor_add(struct tcpfsm_net *tn)
{
	spin_lock_bh(&tcpfsm_nets_lock);
	list_add_tail_rcu(&tn->list, &tcpfsm_nets);
	spin_unlock_bh(&tcpfsm_nets_lock);
}

/* The caller waits for RCU readers before it destroys @tn's table. */
void tcpfsm_donor_del(struct tcpfsm_net *tn)
{
	spin_lock_bh(&tcpfsm_nets_lock);
	list_del_rcu(&tn->list);
	spin_unlock_bh(&tcpfsm_nets_lock);
}

/* Add one to @v unless that would take it above @limit. */
static bool tcpfsm_inc_below(atomic_t *v, int limit)
{
	int old = atomic_read(v);

	do {
		if (old >= limit)
			return false;
	} while (!atomic_try_cmpxchg(v, &old, old + 1));
	return true;
}

/*
 * Take a slot of @v, bounded by @limit, evicting a flow of @from if it is
 * full; when @v is above @limit (the bound was lowered), evict one more, so
 * that the table drains to the new bound under load rather than only as
 * flows end.  Counts never go above their bound, even for a moment: readers
 * of /proc/net/stat/tcpfsm may rely on it.
 */
static bool tcpfsm_take_slot(atomic_t *v, int limit, struct tcpfsm_net *from)
{
	if (tcpfsm_inc_below(v, limit))
		return true;
	if (!tcpfsm_evict(from))
		return false;
	if (atomic_read(v) > limit)
		tcpfsm_evict(from);
	/* Another CPU may take the slot first: then this flow is refused. */
	return tcpfsm_inc_below(v, limit);
}

/*
 * Account one more flow of @tn, before it exists.  A namespace never holds
 * more than its quota: at the quota it evicts one of its own.  When all
 * namespaces together hold max_flows, tcpfsm_donor() gives one up.  Called
 * under rcu_read_lock() and with no flow lock held: eviction takes one.
 */
bool tcpfsm_charge(struct tcpfsm_net *tn)
{
	u32 max = tcpfsm_config_max_flows();

	if (!tcpfsm_take_slot(&tn->flows, tcpfsm_quota(tn), tn))
		goto refuse;
	/* The donor is looked for only when the table is full. */
	if (tcpfsm_inc_below(&tcpfsm_flows_all, max) ||
	    tcpfsm_take_slot(&tcpfsm_flows_all, max, tcpfsm_donor(tn)))
		return true;
	atomic_dec(&tn->flows);
refuse:
	tcpfsm_count(tn->stats, TCPFSM_A_STATS_NOT_TRACKED);
	return false;
}

/*
 * Give back what tcpfsm_charge() took: for a flow that left the table, or
 * one that never got in (@refused: it is then counted as not tracked).
 */
void tcpfsm_uncharge(struct tcpfsm_net *tn, bool refused)
{
	atomic_dec(&tcpfsm_flows_all);
	atomic_dec(&tn->flows);
	if (refused)
		tcpfsm_count(tn->stats, TCPFSM_A_STATS_NOT_TRACKED);
}
