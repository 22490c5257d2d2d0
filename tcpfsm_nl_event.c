// SPDX-License-Identifier: GPL-2.0
/*
 * Events: the table's notifier receiver, which numbers each namespace's
 * events per group, so that a listener counts exactly what it lost, sends
 * them to the group's listeners, and remembers destroys in a ring that
 * SINCE_GEN dumps read to repair a listener's view.
 */

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "tcpfsm_event.h"
#include "tcpfsm_nl.h"

#define TCPFSM_TOMBSTONES_MAX	1048576U	/* 2^20: 56 MiB of tombstones */

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

struct tcpfsm_nl_net {
	/* Serialises sequence numbers and sends, so each group's numbers
	 * reach a listener in order and a gap is an exact loss count.
	 */
	spinlock_t ev_lock;
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

static struct tcpfsm_nl_net *tcpfsm_nl_pernet(struct net *net)
{
	return net_generic(net, tcpfsm_nl_net_id);
}

static int tcpfsm_fill_event(struct sk_buff *skb, const struct tcpfsm_flow_info *fi,
			     const struct tcpfsm_event *ev, u8 cmd, u32 seq)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &tcpfsm_genl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TCPFSM_A_EVENT);
	if (!nest)
		goto fail;
	if (nla_put_u32(skb, TCPFSM_A_EVENT_SEQ, seq) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_EVENT_GEN, ev->gen, TCPFSM_A_EVENT_PAD) ||
	    nla_put_u8(skb, TCPFSM_A_EVENT_SEG_FLAGS, ev->seg_flags) ||
	    nla_put_u8(skb, TCPFSM_A_EVENT_SEG_DIR, ev->seg_dir))
		goto fail;
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
	if (tcpfsm_put_flow(skb, fi))
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

static void tcpfsm_ring_add(struct tcpfsm_nl_net *nn, const struct tcpfsm_flow_info *fi,
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
	tb->tuple = fi->tuple;
	tb->gen = ev->gen;
	tb->reason = ev->reason;
	nn->ring_added++;
	if (++nn->ring_head == nn->ring_size)
		nn->ring_head = 0;
out:
	spin_unlock(&nn->ring_lock);
}

/*
 * The table's event receiver (tcpfsm_event.h): with the flow's lock held and
 * bottom halves disabled, so nothing here may sleep.  Builds nothing when
 * nobody listens to the event's group.
 */
static void tcpfsm_nl_event(struct net *net, const struct tcpfsm_flow *flow,
			    const struct tcpfsm_event *ev)
{
	struct tcpfsm_flow_info fi;
	struct tcpfsm_nl_net *nn;
	struct sk_buff *skb;
	unsigned int group;
	bool filled = false;
	int err;
	u8 cmd;

	nn = tcpfsm_nl_pernet(net);

	switch (ev->type) {
	case TCPFSM_EVENT_NEW:
		group = TCPFSM_NLGRP_NEW;
		cmd = TCPFSM_CMD_FLOW_NEW;
		break;
	case TCPFSM_EVENT_CHANGE:
		group = TCPFSM_NLGRP_CHANGE;
		cmd = TCPFSM_CMD_FLOW_CHANGE;
		break;
	case TCPFSM_EVENT_DESTROY:
		group = TCPFSM_NLGRP_DESTROY;
		cmd = TCPFSM_CMD_FLOW_DESTROY;
		break;
	default:
		return;
	}

	tcpfsm_note_gen(nn, ev->gen);
	if (ev->type == TCPFSM_EVENT_DESTROY) {
		tcpfsm_flow_info_locked(flow, &fi);
		filled = true;
		tcpfsm_ring_add(nn, &fi, ev);
		atomic_inc(&nn->destroys);
	}

	if (!genl_has_listeners(&tcpfsm_genl_family, net, group))
		return;
	if (!filled)
		tcpfsm_flow_info_locked(flow, &fi);

	skb = genlmsg_new(TCPFSM_EVENT_SIZE, GFP_ATOMIC);

	spin_lock(&nn->ev_lock);
	nn->seq[group]++;
	if (!skb)
		goto lost;
	if (tcpfsm_fill_event(skb, &fi, ev, cmd, nn->seq[group])) {
		WARN_ON_ONCE(1);
		nlmsg_free(skb);
		goto lost;
	}
	err = genlmsg_multicast_netns(&tcpfsm_genl_family, net, skb, 0, group, GFP_ATOMIC);
	spin_unlock(&nn->ev_lock);
	/* -ESRCH: nobody listened after all, nothing lost. */
	if (err == -ENOBUFS)
		tcpfsm_table_count_event_lost(net);
	return;
lost:
	spin_unlock(&nn->ev_lock);
	tcpfsm_table_count_event_lost(net);
}

void tcpfsm_nl_marks(struct net *net, u32 seq[__TCPFSM_NLGRP_MAX], u64 *gen)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);
	int i;

	spin_lock_bh(&nn->ev_lock);
	for (i = 0; i < __TCPFSM_NLGRP_MAX; i++)
		seq[i] = nn->seq[i];
	spin_unlock_bh(&nn->ev_lock);
	*gen = atomic64_read(&nn->last_gen);
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

	spin_lock_init(&nn->ev_lock);
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

static void __net_exit tcpfsm_nl_net_exit(struct net *net)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);
	struct tcpfsm_tomb *ring;

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
	.exit = tcpfsm_nl_net_exit,
	.id = &tcpfsm_nl_net_id,
	.size = sizeof(struct tcpfsm_nl_net),
};

static const struct tcpfsm_event_notifier tcpfsm_nl_notifier = {
	.event = tcpfsm_nl_event,
};

int tcpfsm_nl_event_init(void)
{
	return register_pernet_subsys(&tcpfsm_nl_net_ops);
}

void tcpfsm_nl_event_uninit(void)
{
	unregister_pernet_subsys(&tcpfsm_nl_net_ops);
}

int tcpfsm_nl_event_attach(void)
{
	return tcpfsm_event_register(&tcpfsm_nl_notifier);
}

void tcpfsm_nl_event_detach(void)
{
	tcpfsm_event_unregister(&tcpfsm_nl_notifier);
}
