// SPDX-License-Identifier: GPL-2.0
/*
 * Events: the table's notifier receiver.  On the packet path (a flow's lock
 * held, bottom halves off) it only copies the event and the flow after it
 * into a record on the namespace's lockless queue, bounded by event_queue,
 * and remembers destroys in the tombstone ring that SINCE_GEN dumps read to
 * repair a listener's view.  A work item, in process context, takes the
 * queue in production order, numbers each group's events (so that a
 * listener counts exactly what it lost: an event dropped at the queue's
 * limit still takes its number), batches them into few skbs per group and
 * multicasts them, then hands them to the subscriptions (tcpfsm_nl_sub.c).
 */

#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "tcpfsm_event.h"
#include "tcpfsm_nl.h"

#define TCPFSM_TOMBSTONES_MAX	1048576U	/* 2^20: 56 MiB of tombstones */
#define TCPFSM_EVENT_QUEUE_MAX	1048576U

static unsigned int tombstones = 4096;

static int tcpfsm_param_set_tombstones(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !v || v > TCPFSM_TOMBSTONES_MAX) {
		pr_err("tombstones: must be 1..%u, got '%s'\n", TCPFSM_TOMBSTONES_MAX, val);
		return -EINVAL;
	}
	tombstones = v;
	return 0;
}

static const struct kernel_param_ops tcpfsm_tombstones_ops = {
	.set = tcpfsm_param_set_tombstones,
	.get = param_get_uint,
};

module_param_cb(tombstones, &tcpfsm_tombstones_ops, &tombstones, 0444);
MODULE_PARM_DESC(tombstones,
		 "Destroyed flows remembered per namespace for SINCE_GEN dumps (default 4096, at most 1M)");

/*
 * Records waiting for the work, per namespace.  The records are not charged
 * to a memory cgroup: they are made in softirq context, where no task's
 * cgroup is the one to pay (as flows, which the namespace's quota bounds),
 * and they live only until the work runs.  The bound is what limits them:
 * event_queue records of about 200 bytes a namespace (800 KiB at the
 * default), and a namespace costs its creator, who is charged for it, far
 * more than that already (its tables, its tombstone ring).
 */
static unsigned int event_queue = 4096;

static int tcpfsm_param_set_event_queue(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !v || v > TCPFSM_EVENT_QUEUE_MAX) {
		pr_err("event_queue: must be 1..%u, got '%s'\n", TCPFSM_EVENT_QUEUE_MAX, val);
		return -EINVAL;
	}
	WRITE_ONCE(event_queue, v);
	return 0;
}

static const struct kernel_param_ops tcpfsm_event_queue_ops = {
	.set = tcpfsm_param_set_event_queue,
	.get = param_get_uint,
};

module_param_cb(event_queue, &tcpfsm_event_queue_ops, &event_queue, 0644);
MODULE_PARM_DESC(event_queue,
		 "Events waiting to be sent per namespace; beyond, each is dropped and counted in events_lost (default 4096, at most 1M)");

struct tcpfsm_nl_net {
	struct net *net;

	/* The packet path's side: records, newest first, and how many. */
	struct llist_head queue;
	atomic_t queued;
	/* Dropped at the limit (or no memory) by group, numbers not yet taken. */
	atomic_t dropped[__TCPFSM_NLGRP_MAX];
	bool dying;			/* pre_exit ran: queue nothing more */
	struct work_struct work;

	/* Serialises taking the queue, numbering and sending: the work's and
	 * tcpfsm_nl_marks()'s, so a dump's marks count only sent events.
	 */
	struct mutex deliver_mutex;
	u32 seq[__TCPFSM_NLGRP_MAX];

	/* Highest generation any event carried: the "now" of dumps. */
	atomic64_t last_gen;
	/* Destroys so far: a dump crossing one may skip or repeat a flow. */
	atomic_t destroys;

	spinlock_t ring_lock;		/* protects ring and ring_* below */
	struct tcpfsm_tomb *ring;	/* NULL once the namespace is going */
	unsigned int ring_size;
	unsigned int ring_head;		/* next slot to write */
	unsigned int ring_used;
	u64 ring_added;			/* tombstones ever written: the next one's number */
	u64 ring_lost_gen;		/* highest generation overwritten */
};

static unsigned int tcpfsm_nl_net_id __read_mostly;
static struct kmem_cache *tcpfsm_rec_cache __read_mostly;
/* Our own: flushed at unload once no event can queue more. */
static struct workqueue_struct *tcpfsm_ev_wq __read_mostly;

static struct tcpfsm_nl_net *tcpfsm_nl_pernet(struct net *net)
{
	return net_generic(net, tcpfsm_nl_net_id);
}

int tcpfsm_ev_group(u8 type)
{
	switch (type) {
	case TCPFSM_EVENT_NEW:
		return TCPFSM_NLGRP_NEW;
	case TCPFSM_EVENT_CHANGE:
		return TCPFSM_NLGRP_CHANGE;
	case TCPFSM_EVENT_DESTROY:
		return TCPFSM_NLGRP_DESTROY;
	case TCPFSM_EVENT_STUCK:
		return TCPFSM_NLGRP_STUCK;
	}
	return -1;
}

static const u8 tcpfsm_ev_cmd[__TCPFSM_NLGRP_MAX] = {
	[TCPFSM_NLGRP_NEW] = TCPFSM_CMD_FLOW_NEW,
	[TCPFSM_NLGRP_CHANGE] = TCPFSM_CMD_FLOW_CHANGE,
	[TCPFSM_NLGRP_DESTROY] = TCPFSM_CMD_FLOW_DESTROY,
	[TCPFSM_NLGRP_STUCK] = TCPFSM_CMD_FLOW_STUCK,
};

int tcpfsm_nl_fill_event(struct sk_buff *skb, const struct tcpfsm_ev_rec *rec, u32 seq,
			 const struct net *netns)
{
	const struct tcpfsm_event *ev = &rec->ev;
	int group = tcpfsm_ev_group(ev->type);
	struct nlattr *nest;
	u8 cmd;
	void *hdr;

	if (group < 0)
		return -EINVAL;
	cmd = tcpfsm_ev_cmd[group];
	hdr = genlmsg_put(skb, 0, 0, &tcpfsm_genl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TCPFSM_A_EVENT);
	if (!nest)
		goto fail;
	if (nla_put_u32(skb, TCPFSM_A_EVENT_SEQ, seq) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_EVENT_GEN, ev->gen, TCPFSM_A_EVENT_PAD))
		goto fail;
	if (cmd == TCPFSM_CMD_FLOW_STUCK) {
		if (nla_put_u8(skb, TCPFSM_A_EVENT_ENDPOINT, ev->endpoint) ||
		    nla_put_u32(skb, TCPFSM_A_EVENT_IN_STATE_MS, ev->in_state_ms))
			goto fail;
	} else if (nla_put_u8(skb, TCPFSM_A_EVENT_SEG_FLAGS, ev->seg_flags) ||
		   nla_put_u8(skb, TCPFSM_A_EVENT_SEG_DIR, ev->seg_dir)) {
		goto fail;
	}
	if (cmd == TCPFSM_CMD_FLOW_CHANGE &&
	    (nla_put_u8(skb, TCPFSM_A_EVENT_ENDPOINT, ev->endpoint) ||
	     nla_put_u8(skb, TCPFSM_A_EVENT_OLD_STATE, ev->old_state) ||
	     nla_put_u8(skb, TCPFSM_A_EVENT_NEW_STATE, ev->new_state) ||
	     nla_put_u32(skb, TCPFSM_A_EVENT_OLD_STATE_MS, ev->old_state_ms)))
		goto fail;
	if (cmd == TCPFSM_CMD_FLOW_DESTROY &&
	    nla_put_u8(skb, TCPFSM_A_EVENT_REASON, ev->reason))
		goto fail;
	nla_nest_end(skb, nest);
	if (tcpfsm_put_flow(skb, &rec->fi))
		goto fail;
	/* Only an all-namespaces subscription's messages say which namespace. */
	if (netns && tcpfsm_nl_put_netns(skb, netns))
		goto fail;
	genlmsg_end(skb, hdr);
	return 0;
fail:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static void tcpfsm_note_gen(struct tcpfsm_nl_net *nn, u64 gen)
{
	s64 old = atomic64_read(&nn->last_gen);

	while ((u64)old < gen) {
		s64 seen = atomic64_cmpxchg(&nn->last_gen, old, gen);

		if (seen == old)
			break;
		old = seen;
	}
}

/*
 * The flow's tuple goes straight into its slot, not through a copy on the
 * stack: every expiry passes here.
 */
static void tcpfsm_ring_add(struct tcpfsm_nl_net *nn, const struct tcpfsm_flow *flow,
			    const struct tcpfsm_event *ev)
{
	struct tcpfsm_tomb *tb;

	spin_lock(&nn->ring_lock);
	if (!nn->ring)
		goto out;
	tb = &nn->ring[nn->ring_head];
	if (nn->ring_used == nn->ring_size)
		nn->ring_lost_gen = max(nn->ring_lost_gen, tb->gen);
	else
		nn->ring_used++;
	tcpfsm_flow_tuple_locked(flow, &tb->tuple);
	tb->gen = ev->gen;
	tb->reason = ev->reason;
	nn->ring_added++;
	if (++nn->ring_head == nn->ring_size)
		nn->ring_head = 0;
out:
	spin_unlock(&nn->ring_lock);
}

/* An event that will not be sent: it still takes its number (a gap). */
static void tcpfsm_ev_drop(struct net *net, struct tcpfsm_nl_net *nn, int group,
			   bool mcast, const struct tcpfsm_ev_rec *rec)
{
	if (mcast)
		atomic_inc(&nn->dropped[group]);
	tcpfsm_sub_dropped(net, rec);
	tcpfsm_table_count_event_lost(net);
}

/*
 * The table's event receiver (tcpfsm_event.h): with the flow's lock held and
 * bottom halves disabled, inside an RCU read-side section, so nothing here
 * may sleep.  It takes no lock shared with other flows but the tombstone
 * ring's, for destroys; it makes no record when nobody listens.
 */
static void tcpfsm_nl_event(struct net *net, const struct tcpfsm_flow *flow,
			    const struct tcpfsm_event *ev)
{
	struct tcpfsm_nl_net *nn;
	struct tcpfsm_ev_rec *rec;
	int group = tcpfsm_ev_group(ev->type);
	bool mcast;

	if (group < 0)
		return;
	nn = tcpfsm_nl_generic(net, tcpfsm_nl_net_id);
	tcpfsm_note_gen(nn, ev->gen);
	if (READ_ONCE(nn->dying))
		return;

	/* Every destroy leaves a tombstone, listened to or not: the tuple. */
	if (ev->type == TCPFSM_EVENT_DESTROY) {
		tcpfsm_ring_add(nn, flow, ev);
		atomic_inc(&nn->destroys);
	}
	mcast = genl_has_listeners(&tcpfsm_genl_family, net, group);
	if (!mcast && !tcpfsm_sub_wanted(net))
		return;

	rec = kmem_cache_alloc(tcpfsm_rec_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (rec) {
		rec->ev = *ev;
		tcpfsm_flow_info_locked(flow, &rec->fi);
	}
	if (!rec) {
		/* Nothing to match subscriptions against: they count it when
		 * they can (below); a record-less drop is rare (no memory).
		 */
		struct tcpfsm_ev_rec tmp;

		tmp.ev = *ev;
		tcpfsm_flow_info_locked(flow, &tmp.fi);
		tcpfsm_ev_drop(net, nn, group, mcast, &tmp);
		return;
	}
	if (atomic_inc_return(&nn->queued) > READ_ONCE(event_queue)) {
		atomic_dec(&nn->queued);
		tcpfsm_ev_drop(net, nn, group, mcast, rec);
		kmem_cache_free(tcpfsm_rec_cache, rec);
		return;
	}
	/* The first on an empty queue wakes the work; it takes them all. */
	if (llist_add(&rec->node, &nn->queue))
		queue_work(tcpfsm_ev_wq, &nn->work);
}

/* ---- the work: numbering and sending, in process context ---- */

/*
 * An skb for the @left events still to send, at most TCPFSM_EVENT_BATCH: a
 * listener's receive buffer is charged the skb's whole size, so one event
 * alone must not cost a batch's worth of it.
 */
unsigned int tcpfsm_ev_skb_size(unsigned int left)
{
	return min_t(unsigned int, max(left, 1U) * TCPFSM_EVENT_SIZE, TCPFSM_EVENT_BATCH);
}

/* Room for this many records per run: a longer queue is taken in turns. */
#define TCPFSM_DRAIN_BATCH	128

struct tcpfsm_mc_batch {
	struct sk_buff *skb;
	unsigned int n;			/* events in skb */
	unsigned int left;		/* events of the group still to come in this run */
};

static void tcpfsm_mc_send(struct tcpfsm_nl_net *nn, int group, struct tcpfsm_mc_batch *b)
{
	int err, i;

	if (!b->skb)
		return;
	err = genlmsg_multicast_netns(&tcpfsm_genl_family, nn->net, b->skb, 0, group,
				      GFP_KERNEL);
	/* -ESRCH: nobody listened after all, nothing lost.  ENOBUFS: a
	 * listener with NETLINK_BROADCAST_ERROR could not take the skb.
	 */
	if (err == -ENOBUFS)
		for (i = 0; i < b->n; i++)
			tcpfsm_table_count_event_lost(nn->net);
	b->skb = NULL;
	b->n = 0;
}

static bool tcpfsm_mc_fill(struct tcpfsm_mc_batch *b, const struct tcpfsm_ev_rec *rec, u32 seq)
{
	if (!b->skb) {
		b->skb = genlmsg_new(tcpfsm_ev_skb_size(b->left), GFP_KERNEL);
		if (!b->skb)
			return false;
	}
	if (tcpfsm_nl_fill_event(b->skb, rec, seq, NULL))
		return false;
	b->n++;
	return true;
}

static void tcpfsm_mc_add(struct tcpfsm_nl_net *nn, int group, struct tcpfsm_mc_batch *b,
			  const struct tcpfsm_ev_rec *rec, u32 seq)
{
	b->left--;
	if (tcpfsm_mc_fill(b, rec, seq))
		return;
	if (b->n) {
		/* Full: send it, start the next. */
		tcpfsm_mc_send(nn, group, b);
		if (tcpfsm_mc_fill(b, rec, seq))
			return;
	}
	/* No memory, or an event larger than an skb (a bug): lost, numbered. */
	WARN_ON_ONCE(b->skb);
	if (b->skb && !b->n) {
		nlmsg_free(b->skb);
		b->skb = NULL;
	}
	tcpfsm_table_count_event_lost(nn->net);
}

/*
 * The multicast side of a batch: each group's events in order, numbered.
 * A listener of several groups must see them in the order they happened
 * too (a flow's destroy before the new flow on its tuple, say): a group's
 * batch goes out before an event of another group follows it, so only runs
 * of one group's events share a datagram.
 */
static void tcpfsm_mc_deliver(struct tcpfsm_nl_net *nn, struct tcpfsm_ev_rec **recs,
			      unsigned int n)
{
	struct tcpfsm_mc_batch b[__TCPFSM_NLGRP_MAX] = {};
	bool listens[__TCPFSM_NLGRP_MAX];
	unsigned int i;
	int g, last = -1;

	for (g = 0; g < __TCPFSM_NLGRP_MAX; g++)
		listens[g] = genl_has_listeners(&tcpfsm_genl_family, nn->net, g);
	for (i = 0; i < n; i++)
		b[tcpfsm_ev_group(recs[i]->ev.type)].left++;
	for (i = 0; i < n; i++) {
		g = tcpfsm_ev_group(recs[i]->ev.type);
		if (!listens[g])
			continue;
		if (last >= 0 && last != g)
			tcpfsm_mc_send(nn, last, &b[last]);
		last = g;
		tcpfsm_mc_add(nn, g, &b[g], recs[i], ++nn->seq[g]);
	}
	for (g = 0; g < __TCPFSM_NLGRP_MAX; g++)
		tcpfsm_mc_send(nn, g, &b[g]);
}

/* Dropped events take their numbers: the next event shows the gap. */
static void tcpfsm_take_dropped(struct tcpfsm_nl_net *nn)
{
	int g;

	for (g = 0; g < __TCPFSM_NLGRP_MAX; g++)
		if (atomic_read(&nn->dropped[g]))
			nn->seq[g] += atomic_xchg(&nn->dropped[g], 0);
}

/*
 * Send everything queued so far, in the order it was produced (llist_add
 * pushes at the head: reversed, the list is in production order; a flow's
 * events are produced under its lock, so its own order holds).
 */
static void tcpfsm_ev_drain(struct tcpfsm_nl_net *nn)
{
	struct tcpfsm_ev_rec *recs[TCPFSM_DRAIN_BATCH];
	struct llist_node *node;
	unsigned int n;

	lockdep_assert_held(&nn->deliver_mutex);
	node = llist_reverse_order(llist_del_all(&nn->queue));
	while (node) {
		for (n = 0; node && n < TCPFSM_DRAIN_BATCH; n++) {
			recs[n] = llist_entry(node, struct tcpfsm_ev_rec, node);
			node = node->next;
		}
		atomic_sub(n, &nn->queued);
		tcpfsm_mc_deliver(nn, recs, n);
		tcpfsm_sub_deliver(nn->net, recs, n);
		while (n)
			kmem_cache_free(tcpfsm_rec_cache, recs[--n]);
		cond_resched();
	}
	tcpfsm_take_dropped(nn);
}

static void tcpfsm_ev_work(struct work_struct *work)
{
	struct tcpfsm_nl_net *nn = container_of(work, struct tcpfsm_nl_net, work);

	mutex_lock(&nn->deliver_mutex);
	tcpfsm_ev_drain(nn);
	mutex_unlock(&nn->deliver_mutex);
}

/* Free what is queued, unsent (the namespace is going). */
static void tcpfsm_ev_free_queue(struct tcpfsm_nl_net *nn)
{
	struct llist_node *node = llist_del_all(&nn->queue);
	struct tcpfsm_ev_rec *rec, *next;

	llist_for_each_entry_safe(rec, next, node, node) {
		atomic_dec(&nn->queued);
		kmem_cache_free(tcpfsm_rec_cache, rec);
	}
}

/*
 * A dump's start, in process context: what is queued is sent first, so
 * every event numbered up to the marks was sent (or counted lost) before
 * the dump walks the table.
 */
void tcpfsm_nl_marks(struct net *net, u32 seq[__TCPFSM_NLGRP_MAX], u64 *gen)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);
	int i;

	mutex_lock(&nn->deliver_mutex);
	tcpfsm_ev_drain(nn);
	for (i = 0; i < __TCPFSM_NLGRP_MAX; i++)
		seq[i] = nn->seq[i];
	mutex_unlock(&nn->deliver_mutex);
	*gen = atomic64_read(&nn->last_gen);
}

void tcpfsm_nl_flush(struct net *net)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);

	mutex_lock(&nn->deliver_mutex);
	tcpfsm_ev_drain(nn);
	mutex_unlock(&nn->deliver_mutex);
}

unsigned int tcpfsm_nl_destroys(struct net *net)
{
	return atomic_read(&tcpfsm_nl_pernet(net)->destroys);
}

/*
 * Note where the destroys after c->since are in the ring: false if the
 * ring no longer reaches back that far.
 */
bool tcpfsm_tombs_start(struct net *net, struct tcpfsm_tomb_cursor *c)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);
	bool ok;

	spin_lock_bh(&nn->ring_lock);
	ok = nn->ring && nn->ring_lost_gen <= c->since;
	c->next = nn->ring_added - nn->ring_used;
	c->end = ok ? nn->ring_added : c->next;
	spin_unlock_bh(&nn->ring_lock);
	return ok;
}

/*
 * Copy the next tombstones after c->since into c->batch.  The ring goes
 * on while the dump runs: what was overwritten before we read it sets @c->lost:
 * the dump is then inconsistent and its reader asks again.
 */
void tcpfsm_tombs_fill(struct net *net, struct tcpfsm_tomb_cursor *c)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);
	unsigned int slot, looked = 0;
	u64 oldest;

	c->n = 0;
	c->i = 0;
	spin_lock_bh(&nn->ring_lock);
	oldest = nn->ring_added - nn->ring_used;
	if (!nn->ring || c->next < oldest) {
		c->lost = true;
		c->next = nn->ring ? oldest : c->end;
	}
	while (c->next < c->end && c->n < TCPFSM_TOMB_BATCH &&
	       looked++ < TCPFSM_DUMP_BUDGET) {
		/* The newest, number ring_added - 1, is just before ring_head. */
		slot = (nn->ring_head + nn->ring_size -
			(unsigned int)(nn->ring_added - c->next)) % nn->ring_size;
		c->next++;
		if (nn->ring[slot].gen > c->since)
			c->batch[c->n++] = nn->ring[slot];
	}
	spin_unlock_bh(&nn->ring_lock);
}

/* ---- per namespace ---- */

static int __net_init tcpfsm_nl_net_init(struct net *net)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);
	int g;

	nn->net = net;
	init_llist_head(&nn->queue);
	atomic_set(&nn->queued, 0);
	for (g = 0; g < __TCPFSM_NLGRP_MAX; g++)
		atomic_set(&nn->dropped[g], 0);
	nn->dying = false;
	INIT_WORK(&nn->work, tcpfsm_ev_work);
	mutex_init(&nn->deliver_mutex);
	spin_lock_init(&nn->ring_lock);
	atomic64_set(&nn->last_gen, 0);
	atomic_set(&nn->destroys, 0);
	/* Whoever makes the namespace pays for its ring (memcg). */
	nn->ring_size = tombstones;
	nn->ring_added = 0;
	nn->ring = kvcalloc(nn->ring_size, sizeof(*nn->ring), GFP_KERNEL_ACCOUNT);
	if (!nn->ring)
		return -ENOMEM;
	return 0;
}

/*
 * Queue nothing more: the namespace's events from now on (the table's
 * flush comes after our exit) are neither queued nor numbered.  The net
 * core waits for an RCU grace period between pre_exit and exit, and the
 * receiver runs inside an RCU read-side section: by exit, no record can
 * be added any more.
 */
static void __net_exit tcpfsm_nl_net_pre_exit(struct net *net)
{
	WRITE_ONCE(tcpfsm_nl_pernet(net)->dying, true);
}

static void __net_exit tcpfsm_nl_net_exit(struct net *net)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);
	struct tcpfsm_tomb *ring;

	/* Nobody in the namespace is left to read them: free, do not send. */
	cancel_work_sync(&nn->work);
	tcpfsm_ev_free_queue(nn);
	WARN_ON_ONCE(atomic_read(&nn->queued));
	mutex_destroy(&nn->deliver_mutex);

	/* The table may still report destroys for this namespace after us;
	 * they find no ring and are not remembered, and SINCE_GEN dumps of
	 * a dying namespace fall back to full dumps.
	 */
	spin_lock_bh(&nn->ring_lock);
	ring = nn->ring;
	nn->ring = NULL;
	spin_unlock_bh(&nn->ring_lock);
	kvfree(ring);
}

static struct pernet_operations tcpfsm_nl_net_ops = {
	.init = tcpfsm_nl_net_init,
	.pre_exit = tcpfsm_nl_net_pre_exit,
	.exit = tcpfsm_nl_net_exit,
	.id = &tcpfsm_nl_net_id,
	.size = sizeof(struct tcpfsm_nl_net),
};

static const struct tcpfsm_event_notifier tcpfsm_nl_notifier = {
	.event = tcpfsm_nl_event,
};

int tcpfsm_nl_event_init(void)
{
	int err;

	tcpfsm_rec_cache = KMEM_CACHE(tcpfsm_ev_rec, 0);
	if (!tcpfsm_rec_cache)
		return -ENOMEM;
	tcpfsm_ev_wq = alloc_workqueue("tcpfsm_events", WQ_UNBOUND, 0);
	if (!tcpfsm_ev_wq) {
		err = -ENOMEM;
		goto err_wq;
	}
	/* Subscriptions first: a namespace's works are gone before its subscriptions. */
	err = tcpfsm_nl_sub_init();
	if (err)
		goto err_sub;
	err = register_pernet_subsys(&tcpfsm_nl_net_ops);
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	tcpfsm_nl_sub_uninit();
err_sub:
	destroy_workqueue(tcpfsm_ev_wq);
err_wq:
	kmem_cache_destroy(tcpfsm_rec_cache);
	return err;
}

void tcpfsm_nl_event_uninit(void)
{
	unregister_pernet_subsys(&tcpfsm_nl_net_ops);
	tcpfsm_nl_sub_uninit();
	destroy_workqueue(tcpfsm_ev_wq);
	kmem_cache_destroy(tcpfsm_rec_cache);
}

int tcpfsm_nl_event_attach(void)
{
	return tcpfsm_event_register(&tcpfsm_nl_notifier);
}

/*
 * Once no event runs any more, the works still queued send what they hold
 * while the family is still registered (the caller unregisters it next).
 */
void tcpfsm_nl_event_detach(void)
{
	tcpfsm_event_unregister(&tcpfsm_nl_notifier);
	flush_workqueue(tcpfsm_ev_wq);
}
