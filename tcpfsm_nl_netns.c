// SPDX-License-Identifier: GPL-2.0
/*
 * The host-wide view: which namespace a message is about, who may ask for
 * every namespace (TCPFSM_A_ALL_NETNS), and walking the namespaces across
 * a dump's batches.
 *
 * A container is an adversary: only the initial namespace's administrator
 * sees other namespaces; everyone else, a container's root included, keeps
 * seeing their own namespace only.
 */

#include <linux/capability.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "tcpfsm_compat.h"
#include "tcpfsm_nl.h"

int tcpfsm_nl_put_netns(struct sk_buff *skb, const struct net *net)
{
	if (nla_put_u64_64bit(skb, TCPFSM_A_NETNS_COOKIE, tcpfsm_net_cookie(net),
			      TCPFSM_A_PAD) ||
	    nla_put_u32(skb, TCPFSM_A_NETNS_INO, tcpfsm_net_ino(net)))
		return -EMSGSIZE;
	return 0;
}

int tcpfsm_nl_all_netns_ok(struct sk_buff *skb, const struct net *net,
			   struct netlink_ext_ack *extack)
{
	/*
	 * Both: CAP_NET_ADMIN over the initial user namespace from inside a
	 * container's network namespace would still be a view from elsewhere.
	 */
	if (!net_eq(net, &init_net)) {
		NL_SET_ERR_MSG(extack,
			       "all-netns is only for the initial network namespace: a namespace sees only its own flows");
		return -EPERM;
	}
	if (!netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "all-netns needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	return 0;
}

struct net *tcpfsm_netns_next(struct tcpfsm_netns_cursor *c)
{
	struct net *prev = c->net, *net, *found = NULL;

	if (c->done)
		return NULL;
	rcu_read_lock();
	/* From the head, or from @prev: ours holds it on the list. */
	net = list_prepare_entry(prev, &net_namespace_list, list);
	list_for_each_entry_continue_rcu(net, &net_namespace_list, list) {
		/* A namespace nobody holds is going: its table with it. */
		found = maybe_get_net(net);
		if (found)
			break;
	}
	rcu_read_unlock();
	if (prev)
		put_net(prev);
	c->net = found;
	c->done = !found;
	return found;
}

void tcpfsm_netns_release(struct tcpfsm_netns_cursor *c)
{
	if (c->net)
		put_net(c->net);
	c->net = NULL;
	c->done = true;
}

/*
 * STATS_GET and SUMMARY_GET dumps: one message per namespace with
 * all-netns, else one for the caller's.  The state fits cb->ctx.
 */
struct tcpfsm_ns_dump {
	struct tcpfsm_netns_cursor ns;
	bool all;
	bool sent;			/* the caller's namespace's message */
	int start_err;			/* told by the first batch (6.1, below) */
};

static struct tcpfsm_ns_dump *tcpfsm_ns_dump(struct netlink_callback *cb)
{
	static_assert(sizeof(struct tcpfsm_ns_dump) <= sizeof(cb->ctx));
	return (struct tcpfsm_ns_dump *)cb->ctx;
}

static int tcpfsm_ns_dump_check(struct netlink_callback *cb)
{
	struct nlattr **attrs = tcpfsm_dump_attrs(cb);

	if (!attrs[TCPFSM_A_ALL_NETNS])
		return 0;
	return tcpfsm_nl_all_netns_ok(cb->skb, sock_net(cb->skb->sk), cb->extack);
}

static int tcpfsm_ns_dump_start(struct netlink_callback *cb)
{
	struct tcpfsm_ns_dump *d = tcpfsm_ns_dump(cb);
	int err;

	memset(d, 0, sizeof(*d));
	err = tcpfsm_ns_dump_check(cb);
	/*
	 * 6.1 gives .start no extack to say why: then the first batch, which
	 * has one, fails instead, and NLMSG_DONE carries the error and its
	 * message (as the FLOW_GET dump does).
	 */
	if (err && cb->extack)
		return err;
	d->start_err = err;
	d->all = tcpfsm_dump_attrs(cb)[TCPFSM_A_ALL_NETNS];
	return 0;
}

static int tcpfsm_ns_dump_done(struct netlink_callback *cb)
{
	tcpfsm_netns_release(&tcpfsm_ns_dump(cb)->ns);
	return 0;
}

static int tcpfsm_ns_dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
			      struct net *net, int (*fill)(struct sk_buff *skb, struct net *net))
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &tcpfsm_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (fill(skb, net)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * One batch: as many namespaces' messages as fit.  The cursor is at the
 * next namespace to send, holding it, between batches; a batch that sends
 * nothing ends the dump, so one that cannot fit even one message fails.
 */
static int tcpfsm_ns_dumpit(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
			    int (*fill)(struct sk_buff *skb, struct net *net))
{
	struct tcpfsm_ns_dump *d = tcpfsm_ns_dump(cb);
	int sent = 0, err;

	if (d->start_err)
		return tcpfsm_ns_dump_check(cb) ?: d->start_err;
	if (!d->all) {
		if (d->sent)
			return 0;
		err = tcpfsm_ns_dump_one(skb, cb, cmd, sock_net(cb->skb->sk), fill);
		if (err)
			return err;
		d->sent = true;
		return skb->len;
	}
	for (;;) {
		if (!d->ns.net && !tcpfsm_netns_next(&d->ns))
			break;
		if (tcpfsm_ns_dump_one(skb, cb, cmd, d->ns.net, fill)) {
			if (!sent)
				return -EMSGSIZE;
			break;
		}
		sent++;
		tcpfsm_netns_next(&d->ns);
		if (d->ns.done)
			break;
		cond_resched();
	}
	return skb->len;
}

int tcpfsm_nl_stats_get_dump_start(struct netlink_callback *cb)
{
	return tcpfsm_ns_dump_start(cb);
}

int tcpfsm_nl_stats_get_dump_done(struct netlink_callback *cb)
{
	return tcpfsm_ns_dump_done(cb);
}

int tcpfsm_nl_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return tcpfsm_ns_dumpit(skb, cb, TCPFSM_CMD_STATS_GET, tcpfsm_nl_fill_stats);
}

static int tcpfsm_fill_summary(struct sk_buff *skb, struct net *net)
{
	return tcpfsm_nl_put_summary(skb, net) ?: tcpfsm_nl_put_netns(skb, net);
}

int tcpfsm_nl_summary_get_dump_start(struct netlink_callback *cb)
{
	return tcpfsm_ns_dump_start(cb);
}

int tcpfsm_nl_summary_get_dump_done(struct netlink_callback *cb)
{
	return tcpfsm_ns_dump_done(cb);
}

int tcpfsm_nl_summary_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return tcpfsm_ns_dumpit(skb, cb, TCPFSM_CMD_SUMMARY_GET, tcpfsm_fill_summary);
}
