// SPDX-License-Identifier: GPL-2.0
/*
 * Subscriptions (EVENT_SUBSCRIBE): a socket asks for the events that match
 * a filter with the dump's vocabulary and more (which events, which
 * endpoint, which transitions), and gets them unicast, many to a datagram,
 * numbered by its own sequence so that a gap is the exact number of
 * matching events it lost.  An all-namespaces subscription, from the
 * initial namespace's administrator, gets every namespace's events, each
 * tagged with its namespace's identity.
 *
 * A subscription is (the socket's namespace, its portid): it ends with
 * EVENT_UNSUBSCRIBE, with the socket (NETLINK_URELEASE, as nfnetlink_queue
 * ends its instances) or with its namespace.
 *
 * Locking: a namespace's list is written under its mutex, the
 * all-namespaces list under tcpfsm_allns_mutex (taken inside a namespace's
 * mutex, never the other way); both are RCU lists, read on the packet path
 * only when an event is dropped.  A namespace's event work delivers to its
 * own subscriptions under its mutex, and to the all-namespaces ones under
 * tcpfsm_allns_mutex: the works of different namespaces share only that
 * one, and only when someone subscribed to every namespace.  A
 * subscription's @seq is written under its list's mutex only.
 */

#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "tcpfsm_nl.h"

struct tcpfsm_sub {
	struct list_head list;		/* in its namespace's list, or the all-netns one */
	struct rcu_head rcu;
	struct net *net;		/* the socket's: a subscription dies before it */
	u32 portid;
	bool all_netns;
	u32 seq;			/* the last number given */
	atomic_t dropped;		/* matching events dropped before the work saw them */
	struct tcpfsm_filter filter;
};

struct tcpfsm_sub_net {
	struct mutex lock;		/* writers of @subs; the work delivering to them */
	struct list_head subs;		/* this namespace's own subscriptions */
	/* Its own and its all-netns ones: at most TCPFSM_SUBSCRIPTIONS_MAX. */
	atomic_t n;
};

static LIST_HEAD(tcpfsm_allns_subs);
static DEFINE_MUTEX(tcpfsm_allns_mutex);
static unsigned int tcpfsm_sub_net_id __read_mostly;

static struct tcpfsm_sub_net *tcpfsm_sub_pernet(struct net *net)
{
	return net_generic(net, tcpfsm_sub_net_id);
}

/* ---- matching ---- */

static bool tcpfsm_sub_match(const struct tcpfsm_sub *sub, const struct tcpfsm_ev_rec *rec)
{
	const struct tcpfsm_filter *f = &sub->filter;
	const struct tcpfsm_event *ev = &rec->ev;

	if (f->events && !(f->events & BIT(ev->type)))
		return false;
	if ((ev->type == TCPFSM_EVENT_CHANGE || ev->type == TCPFSM_EVENT_STUCK) &&
	    f->has_endpoint && f->endpoint != ev->endpoint)
		return false;
	if (ev->type == TCPFSM_EVENT_CHANGE &&
	    ((f->from_state_mask && !(f->from_state_mask & BIT(ev->old_state))) ||
	     (f->to_state_mask && !(f->to_state_mask & BIT(ev->new_state)))))
		return false;
	/* The dump's vocabulary, on the flow as the event left it. */
	return tcpfsm_filter_match(f, &rec->fi);
}

/* From the event path (tcpfsm_nl_generic()). */
bool tcpfsm_sub_wanted(struct net *net)
{
	const struct tcpfsm_sub_net *sn = tcpfsm_nl_generic(net, tcpfsm_sub_net_id);

	return !list_empty(&sn->subs) || !list_empty(&tcpfsm_allns_subs);
}

void tcpfsm_sub_dropped(struct net *net, const struct tcpfsm_ev_rec *rec)
{
	struct tcpfsm_sub_net *sn = tcpfsm_nl_generic(net, tcpfsm_sub_net_id);
	struct tcpfsm_sub *sub;

	list_for_each_entry_rcu(sub, &sn->subs, list)
		if (tcpfsm_sub_match(sub, rec))
			atomic_inc(&sub->dropped);
	list_for_each_entry_rcu(sub, &tcpfsm_allns_subs, list)
		if (tcpfsm_sub_match(sub, rec))
			atomic_inc(&sub->dropped);
}

/* ---- delivery, from a namespace's event work ---- */

struct tcpfsm_uc_batch {
	struct sk_buff *skb;
	unsigned int n;			/* events in skb */
	bool gone;			/* the socket is no more */
};

static void tcpfsm_uc_send(struct net *net, struct tcpfsm_sub *sub, struct tcpfsm_uc_batch *b)
{
	unsigned int i;
	int err;

	if (!b->skb)
		return;
	err = netlink_unicast(sub->net->genl_sock, b->skb, sub->portid, MSG_DONTWAIT);
	if (err == -ECONNREFUSED)
		b->gone = true;
	else if (err < 0)		/* -EAGAIN: its buffer is full; the seq gap says so */
		for (i = 0; i < b->n; i++)
			tcpfsm_table_count_event_lost(net);
	b->skb = NULL;
	b->n = 0;
}

static bool tcpfsm_uc_fill(struct tcpfsm_uc_batch *b, const struct tcpfsm_ev_rec *rec,
			   u32 seq, const struct net *tag, unsigned int left)
{
	if (!b->skb) {
		b->skb = genlmsg_new(tcpfsm_ev_skb_size(left), GFP_KERNEL);
		if (!b->skb)
			return false;
	}
	if (tcpfsm_nl_fill_event(b->skb, rec, seq, tag))
		return false;
	b->n++;
	return true;
}

/* Those dropped at the queue's limit take their numbers, so the gap tells. */
static void tcpfsm_sub_take_dropped(struct tcpfsm_sub *sub)
{
	if (atomic_read(&sub->dropped))
		sub->seq += atomic_xchg(&sub->dropped, 0);
}

/* @n records of @net, in order, to @sub; false when its socket is gone. */
static bool tcpfsm_sub_deliver_one(struct net *net, struct tcpfsm_sub *sub,
				   struct tcpfsm_ev_rec **recs, unsigned int n)
{
	const struct net *tag = sub->all_netns ? net : NULL;
	struct tcpfsm_uc_batch b = {};
	unsigned int i;

	for (i = 0; i < n && !b.gone; i++) {
		if (!tcpfsm_sub_match(sub, recs[i]))
			continue;
		/* At most n - i to come: unicast skbs are trimmed to fit anyway. */
		if (tcpfsm_uc_fill(&b, recs[i], ++sub->seq, tag, n - i))
			continue;
		if (b.n) {
			tcpfsm_uc_send(net, sub, &b);
			if (b.gone || tcpfsm_uc_fill(&b, recs[i], sub->seq, tag, n - i))
				continue;
		}
		/* No memory: lost, and numbered, so the gap tells. */
		if (b.skb && !b.n) {
			nlmsg_free(b.skb);
			b.skb = NULL;
		}
		tcpfsm_table_count_event_lost(net);
	}
	tcpfsm_uc_send(net, sub, &b);
	tcpfsm_sub_take_dropped(sub);
	return !b.gone;
}

static void tcpfsm_sub_free(struct tcpfsm_sub *sub)
{
	list_del_rcu(&sub->list);
	atomic_dec(&tcpfsm_sub_pernet(sub->net)->n);
	kfree_rcu(sub, rcu);
}

void tcpfsm_sub_deliver(struct net *net, struct tcpfsm_ev_rec **recs, unsigned int n)
{
	struct tcpfsm_sub_net *sn = tcpfsm_sub_pernet(net);
	struct tcpfsm_sub *sub, *tmp;

	if (!list_empty(&sn->subs)) {
		mutex_lock(&sn->lock);
		list_for_each_entry_safe(sub, tmp, &sn->subs, list)
			if (!tcpfsm_sub_deliver_one(net, sub, recs, n))
				tcpfsm_sub_free(sub);
		mutex_unlock(&sn->lock);
	}
	if (!list_empty(&tcpfsm_allns_subs)) {
		mutex_lock(&tcpfsm_allns_mutex);
		list_for_each_entry_safe(sub, tmp, &tcpfsm_allns_subs, list)
			if (!tcpfsm_sub_deliver_one(net, sub, recs, n))
				tcpfsm_sub_free(sub);
		mutex_unlock(&tcpfsm_allns_mutex);
	}
}

/* The namespace's own subscription of socket @portid, or NULL.  sn->lock held. */
static struct tcpfsm_sub *tcpfsm_sub_find(struct tcpfsm_sub_net *sn, u32 portid)
{
	struct tcpfsm_sub *sub;

	lockdep_assert_held(&sn->lock);
	list_for_each_entry(sub, &sn->subs, list)
		if (sub->portid == portid)
			return sub;
	return NULL;
}

/*
 * The last number given by @net's socket @portid's subscription, among
 * @net's own (@all false) or the all-netns ones: false if it has none.
 * Those dropped at the queue's limit take their numbers now, as delivery
 * would give them.
 */
static bool tcpfsm_sub_last(struct net *net, u32 portid, bool all, u32 *seq)
{
	struct tcpfsm_sub_net *sn = tcpfsm_sub_pernet(net);
	struct mutex *lock = all ? &tcpfsm_allns_mutex : &sn->lock;
	struct tcpfsm_sub *sub, *found = NULL;

	mutex_lock(lock);
	list_for_each_entry(sub, all ? &tcpfsm_allns_subs : &sn->subs, list) {
		if (sub->portid == portid && net_eq(sub->net, net)) {
			found = sub;
			break;
		}
	}
	if (found) {
		tcpfsm_sub_take_dropped(found);
		*seq = found->seq;
	}
	mutex_unlock(lock);
	return found;
}

/*
 * A dump's mark for @net's socket @portid's own subscription (not an
 * all-netns one, whose numbers span namespaces): false if it has none.
 * Called after tcpfsm_nl_marks() drained the queue, so every event numbered
 * up to *@seq was sent, or counted lost, before the dump walks the table.
 */
bool tcpfsm_sub_seq(struct net *net, u32 portid, u32 *seq)
{
	return tcpfsm_sub_last(net, portid, false, seq);
}

struct tcpfsm_sub_mark {
	u32 portid;
	u32 seq;
	bool all;
};

static int tcpfsm_fill_sub_mark(struct sk_buff *skb, void *arg)
{
	const struct tcpfsm_sub_mark *m = arg;

	if (nla_put_u32(skb, TCPFSM_A_SUB_PORTID, m->portid) ||
	    nla_put_u32(skb, TCPFSM_A_SUB_SEQ, m->seq) ||
	    (m->all && nla_put_flag(skb, TCPFSM_A_ALL_NETNS)))
		return -EMSGSIZE;
	return 0;
}

/*
 * EVENT_SUB_GET: a dump's seq-sub without the dump, and for an all-netns
 * subscription too.  Every namespace's event work numbers an all-netns
 * subscription's events, so each namespace's queue is sent first: a walk
 * of every namespace, which only the one who may subscribe so may ask for.
 */
int tcpfsm_nl_event_sub_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpfsm_netns_cursor c = {};
	struct tcpfsm_sub_mark m = {};
	struct net *each;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, TCPFSM_A_SUB_PORTID))
		return -EINVAL;
	m.portid = nla_get_u32(info->attrs[TCPFSM_A_SUB_PORTID]);
	/* A socket has one subscription, in one of the two lists. */
	m.all = tcpfsm_sub_last(net, m.portid, true, &m.seq);
	if (m.all) {
		err = tcpfsm_nl_all_netns_ok(skb, net, info->extack);
		if (err)
			return err;
		while ((each = tcpfsm_netns_next(&c)))
			tcpfsm_nl_flush(each);
	} else {
		tcpfsm_nl_flush(net);
	}
	/* Read after the queues went out (its socket may have closed meanwhile). */
	if (!tcpfsm_sub_last(net, m.portid, m.all, &m.seq)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TCPFSM_A_SUB_PORTID],
				    "no socket of this namespace with this port id has a subscription");
		return -ENOENT;
	}
	return tcpfsm_nl_reply(info, TCPFSM_CMD_EVENT_SUB_GET, tcpfsm_fill_sub_mark, &m);
}

/* ---- requests ---- */

/* End @net's socket @portid's subscription; false if it had none.  sn->lock held. */
static bool tcpfsm_sub_unlink(struct tcpfsm_sub_net *sn, struct net *net, u32 portid)
{
	struct tcpfsm_sub *sub = tcpfsm_sub_find(sn, portid);
	bool found = false;

	if (sub) {
		tcpfsm_sub_free(sub);
		return true;
	}
	if (!net_eq(net, &init_net))
		return false;
	mutex_lock(&tcpfsm_allns_mutex);
	list_for_each_entry(sub, &tcpfsm_allns_subs, list) {
		if (sub->portid == portid && net_eq(sub->net, net)) {
			tcpfsm_sub_free(sub);
			found = true;
			break;
		}
	}
	mutex_unlock(&tcpfsm_allns_mutex);
	return found;
}

int tcpfsm_nl_event_subscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpfsm_sub_net *sn = tcpfsm_sub_pernet(net);
	struct tcpfsm_sub *sub;
	bool all;
	int err;

	all = nla_get_flag(info->attrs[TCPFSM_A_ALL_NETNS]);
	if (all) {
		err = tcpfsm_nl_all_netns_ok(skb, net, info->extack);
		if (err)
			return err;
	}
	/* Kept as long as the socket: its memcg pays. */
	sub = kzalloc(sizeof(*sub), GFP_KERNEL_ACCOUNT);
	if (!sub)
		return -ENOMEM;
	err = tcpfsm_parse_filter(info->attrs[TCPFSM_A_FILTER], &sub->filter, true,
				  info->extack);
	if (err)
		goto fail;
	sub->net = net;
	sub->portid = info->snd_portid;
	sub->all_netns = all;
	atomic_set(&sub->dropped, 0);

	mutex_lock(&sn->lock);
	/* A new subscription replaces the socket's old one. */
	if (!tcpfsm_sub_unlink(sn, net, sub->portid) &&
	    atomic_read(&sn->n) >= TCPFSM_SUBSCRIPTIONS_MAX) {
		mutex_unlock(&sn->lock);
		NL_SET_ERR_MSG(info->extack,
			       "this namespace has " __stringify(TCPFSM_SUBSCRIPTIONS_MAX)
			       " subscriptions already, the most it may have");
		err = -ENOSPC;
		goto fail;
	}
	atomic_inc(&sn->n);
	if (all) {
		mutex_lock(&tcpfsm_allns_mutex);
		list_add_tail_rcu(&sub->list, &tcpfsm_allns_subs);
		mutex_unlock(&tcpfsm_allns_mutex);
	} else {
		list_add_tail_rcu(&sub->list, &sn->subs);
	}
	mutex_unlock(&sn->lock);
	return 0;

fail:
	kfree(sub);
	return err;
}

int tcpfsm_nl_event_unsubscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpfsm_sub_net *sn = tcpfsm_sub_pernet(net);
	bool found;

	mutex_lock(&sn->lock);
	found = tcpfsm_sub_unlink(sn, net, info->snd_portid);
	mutex_unlock(&sn->lock);
	if (!found) {
		GENL_SET_ERR_MSG(info, "this socket has no subscription");
		return -ENOENT;
	}
	return 0;
}

/* A socket closed: its subscription ends with it. */
static int tcpfsm_sub_urelease(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct tcpfsm_sub_net *sn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC || !n->portid)
		return NOTIFY_DONE;
	sn = tcpfsm_sub_pernet(n->net);
	if (!atomic_read(&sn->n))
		return NOTIFY_DONE;
	mutex_lock(&sn->lock);
	tcpfsm_sub_unlink(sn, n->net, n->portid);
	mutex_unlock(&sn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block tcpfsm_sub_notifier = {
	.notifier_call = tcpfsm_sub_urelease,
};

/* ---- per namespace ---- */

static int __net_init tcpfsm_sub_net_init(struct net *net)
{
	struct tcpfsm_sub_net *sn = tcpfsm_sub_pernet(net);

	mutex_init(&sn->lock);
	INIT_LIST_HEAD(&sn->subs);
	atomic_set(&sn->n, 0);
	return 0;
}

/* After the namespace's event work is gone (tcpfsm_nl_event.c registers after us). */
static void __net_exit tcpfsm_sub_net_exit(struct net *net)
{
	struct tcpfsm_sub_net *sn = tcpfsm_sub_pernet(net);
	struct tcpfsm_sub *sub, *tmp;

	mutex_lock(&sn->lock);
	list_for_each_entry_safe(sub, tmp, &sn->subs, list)
		tcpfsm_sub_free(sub);
	mutex_lock(&tcpfsm_allns_mutex);
	list_for_each_entry_safe(sub, tmp, &tcpfsm_allns_subs, list)
		if (net_eq(sub->net, net))
			tcpfsm_sub_free(sub);
	mutex_unlock(&tcpfsm_allns_mutex);
	mutex_unlock(&sn->lock);
	WARN_ON_ONCE(atomic_read(&sn->n));
	mutex_destroy(&sn->lock);
}

static struct pernet_operations tcpfsm_sub_net_ops = {
	.init = tcpfsm_sub_net_init,
	.exit = tcpfsm_sub_net_exit,
	.id = &tcpfsm_sub_net_id,
	.size = sizeof(struct tcpfsm_sub_net),
};

int tcpfsm_nl_sub_init(void)
{
	int err;

	err = register_pernet_subsys(&tcpfsm_sub_net_ops);
	if (err)
		return err;
	err = netlink_register_notifier(&tcpfsm_sub_notifier);
	if (err)
		unregister_pernet_subsys(&tcpfsm_sub_net_ops);
	return err;
}

void tcpfsm_nl_sub_uninit(void)
{
	netlink_unregister_notifier(&tcpfsm_sub_notifier);
	unregister_pernet_subsys(&tcpfsm_sub_net_ops);
	/* The subscriptions' kfree_rcu() callbacks are the slab's, not ours. */
}
