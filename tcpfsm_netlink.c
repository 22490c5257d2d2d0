// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: generic netlink family "tcpfsm".
 *
 * Documentation/netlink/tcpfsm.yaml is the contract.  Dumps are filtered in
 * the kernel; events go to three multicast groups with a per-namespace,
 * per-group sequence number, so a listener can count exactly what it lost,
 * and a dump with SINCE_GEN repairs its view from a ring of recent destroys.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/ipv6.h>
#include <uapi/linux/tcpfsm.h>

#include "tcpfsm_compat.h"
#include "tcpfsm_config.h"
#include "tcpfsm_event.h"
#include "tcpfsm_names.h"
#include "tcpfsm_netlink.h"
#include "tcpfsm_stats.h"
#include "tcpfsm_table.h"
#include "tcpfsm_walk.h"
#include "generated/netlink.h"

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

/* The groups, indexed by the generated TCPFSM_NLGRP_* (tcpfsm_mcgrps[]). */
#define __TCPFSM_NLGRP_MAX	(TCPFSM_NLGRP_DESTROY + 1)

/* A destroyed flow, as remembered for SINCE_GEN dumps. */
struct tcpfsm_tomb {
	struct tcpfsm_tuple tuple;
	u64 gen;
	u8 reason;
};

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
static struct genl_family tcpfsm_genl_family;

static struct tcpfsm_nl_net *tcpfsm_nl_pernet(struct net *net)
{
	return net_generic(net, tcpfsm_nl_net_id);
}

/*
 * ---- policies ----
 * generated/netlink.c, from the spec: tcpfsm_<set>_nl_policy for the nests,
 * one policy per operation in tcpfsm_nl_ops.
 */

/* ---- building messages ---- */

static unsigned int tcpfsm_addr_len(u8 family)
{
	return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static int tcpfsm_put_tuple(struct sk_buff *skb, int type, const struct tcpfsm_tuple *t)
{
	unsigned int alen = tcpfsm_addr_len(t->family);
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPFSM_A_TUPLE_FAMILY, t->family) ||
	    nla_put(skb, TCPFSM_A_TUPLE_CLIENT_ADDR, alen, &t->addr[TCPFSM_CLIENT]) ||
	    nla_put(skb, TCPFSM_A_TUPLE_SERVER_ADDR, alen, &t->addr[TCPFSM_SERVER]) ||
	    nla_put_be16(skb, TCPFSM_A_TUPLE_CLIENT_PORT, t->port[TCPFSM_CLIENT]) ||
	    nla_put_be16(skb, TCPFSM_A_TUPLE_SERVER_PORT, t->port[TCPFSM_SERVER])) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Without acct=1 there are no counters: their attributes are left out. */
static int tcpfsm_put_acct(struct sk_buff *skb, const struct tcpfsm_flow_info *fi)
{
	if (!fi->acct)
		return 0;
	if (nla_put_u64_64bit(skb, TCPFSM_A_FLOW_CLIENT_PACKETS, fi->packets[TCPFSM_CLIENT],
			      TCPFSM_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_FLOW_CLIENT_BYTES, fi->bytes[TCPFSM_CLIENT],
			      TCPFSM_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_FLOW_SERVER_PACKETS, fi->packets[TCPFSM_SERVER],
			      TCPFSM_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_FLOW_SERVER_BYTES, fi->bytes[TCPFSM_SERVER],
			      TCPFSM_A_FLOW_PAD))
		return -EMSGSIZE;
	return 0;
}

static int tcpfsm_put_flow(struct sk_buff *skb, const struct tcpfsm_flow_info *fi)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCPFSM_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (tcpfsm_put_tuple(skb, TCPFSM_A_FLOW_TUPLE, &fi->tuple) ||
	    nla_put_u8(skb, TCPFSM_A_FLOW_CLIENT_STATE, fi->state[TCPFSM_CLIENT]) ||
	    nla_put_u8(skb, TCPFSM_A_FLOW_SERVER_STATE, fi->state[TCPFSM_SERVER]) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_FLAGS, fi->flags) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_AGE_MS, fi->age_ms) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_IDLE_MS, fi->idle_ms) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_CLIENT_IN_STATE_MS, fi->in_state_ms[TCPFSM_CLIENT]) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_SERVER_IN_STATE_MS, fi->in_state_ms[TCPFSM_SERVER]) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_RTT_US, fi->rtt_us) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_INVALID, fi->invalid) ||
	    tcpfsm_put_acct(skb, fi) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_FLOW_GEN, fi->gen, TCPFSM_A_FLOW_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpfsm_put_tomb(struct sk_buff *skb, const struct tcpfsm_tomb *tb)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCPFSM_A_TOMBSTONE);
	if (!nest)
		return -EMSGSIZE;
	if (tcpfsm_put_tuple(skb, TCPFSM_A_TOMB_TUPLE, &tb->tuple) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_TOMB_GEN, tb->gen, TCPFSM_A_TOMB_PAD) ||
	    nla_put_u8(skb, TCPFSM_A_TOMB_REASON, tb->reason)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Room for one event: flow nest, event nest, headers, with slack. */
#define TCPFSM_EVENT_SIZE	512

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

/* ---- events ---- */

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

/* ---- request parsing ---- */

static int tcpfsm_get_family(const struct nlattr *attr, u8 *family,
			     struct netlink_ext_ack *extack)
{
	*family = nla_get_u8(attr);
	if (*family != AF_INET && *family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "family must be AF_INET (2) or AF_INET6 (10)");
		return -EAFNOSUPPORT;
	}
	return 0;
}

static int tcpfsm_parse_addr(const struct nlattr *attr, u8 family, union nf_inet_addr *addr,
			     struct netlink_ext_ack *extack)
{
	/* The spec's generator has no length bound for a binary attribute. */
	if (nla_len(attr) > sizeof(struct in6_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "address longer than 16 bytes");
		return -ERANGE;
	}
	if (nla_len(attr) != tcpfsm_addr_len(family)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address length does not match the family (4 for AF_INET, 16 for AF_INET6)");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	nla_memcpy(addr, attr, sizeof(*addr));
	return 0;
}

static int tcpfsm_parse_tuple(const struct nlattr *nest, struct tcpfsm_tuple *t,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TCPFSM_A_TUPLE_MAX + 1];
	int err;

	err = nla_parse_nested(tb, TCPFSM_A_TUPLE_MAX, nest, tcpfsm_tuple_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_CLIENT_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_SERVER_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_CLIENT_PORT) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_SERVER_PORT)) {
		NL_SET_ERR_MSG(extack, "tuple needs family, both addresses and both ports");
		return -EINVAL;
	}
	memset(t, 0, sizeof(*t));
	err = tcpfsm_get_family(tb[TCPFSM_A_TUPLE_FAMILY], &t->family, extack);
	if (err)
		return err;
	err = tcpfsm_parse_addr(tb[TCPFSM_A_TUPLE_CLIENT_ADDR], t->family,
				&t->addr[TCPFSM_CLIENT], extack) ?:
	      tcpfsm_parse_addr(tb[TCPFSM_A_TUPLE_SERVER_ADDR], t->family,
				&t->addr[TCPFSM_SERVER], extack);
	if (err)
		return err;
	t->port[TCPFSM_CLIENT] = nla_get_be16(tb[TCPFSM_A_TUPLE_CLIENT_PORT]);
	t->port[TCPFSM_SERVER] = nla_get_be16(tb[TCPFSM_A_TUPLE_SERVER_PORT]);
	return 0;
}

struct tcpfsm_prefix {
	union nf_inet_addr addr;
	u8 family;			/* 0: no filter */
	u8 len;
};

struct tcpfsm_filter {
	u32 state_mask;			/* 0: no filter, for all masks */
	u32 client_state_mask;
	u32 server_state_mask;
	__be16 port[2];			/* 0: no filter */
	bool has_port[2];
	u8 family;
	struct tcpfsm_prefix prefix[2];
};

static int tcpfsm_parse_prefix(const struct nlattr *nest, struct tcpfsm_prefix *p,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TCPFSM_A_PREFIX_MAX + 1];
	unsigned int alen;
	int err;

	err = nla_parse_nested(tb, TCPFSM_A_PREFIX_MAX, nest, tcpfsm_prefix_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_PREFIX_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_PREFIX_ADDR)) {
		NL_SET_ERR_MSG(extack, "prefix needs a family and an address");
		return -EINVAL;
	}
	err = tcpfsm_get_family(tb[TCPFSM_A_PREFIX_FAMILY], &p->family, extack);
	if (err)
		return err;
	err = tcpfsm_parse_addr(tb[TCPFSM_A_PREFIX_ADDR], p->family, &p->addr, extack);
	if (err)
		return err;
	alen = tcpfsm_addr_len(p->family) * 8;
	p->len = alen;
	if (tb[TCPFSM_A_PREFIX_LEN]) {
		p->len = nla_get_u8(tb[TCPFSM_A_PREFIX_LEN]);
		if (p->len > alen) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TCPFSM_A_PREFIX_LEN],
					    "prefix length longer than the address");
			return -EINVAL;
		}
	}
	return 0;
}

static int tcpfsm_parse_filter(const struct nlattr *nest, struct tcpfsm_filter *f,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TCPFSM_A_FILTER_MAX + 1];
	int err, i;

	memset(f, 0, sizeof(*f));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, TCPFSM_A_FILTER_MAX, nest, tcpfsm_filter_nl_policy, extack);
	if (err)
		return err;
	if (tb[TCPFSM_A_FILTER_STATE_MASK])
		f->state_mask = nla_get_u32(tb[TCPFSM_A_FILTER_STATE_MASK]);
	if (tb[TCPFSM_A_FILTER_CLIENT_STATE_MASK])
		f->client_state_mask = nla_get_u32(tb[TCPFSM_A_FILTER_CLIENT_STATE_MASK]);
	if (tb[TCPFSM_A_FILTER_SERVER_STATE_MASK])
		f->server_state_mask = nla_get_u32(tb[TCPFSM_A_FILTER_SERVER_STATE_MASK]);
	for (i = 0; i < 2; i++) {
		int pa = i ? TCPFSM_A_FILTER_SERVER_PORT : TCPFSM_A_FILTER_CLIENT_PORT;
		int xa = i ? TCPFSM_A_FILTER_SERVER_PREFIX : TCPFSM_A_FILTER_CLIENT_PREFIX;

		if (tb[pa]) {
			f->port[i] = nla_get_be16(tb[pa]);
			f->has_port[i] = true;
		}
		if (tb[xa]) {
			err = tcpfsm_parse_prefix(tb[xa], &f->prefix[i], extack);
			if (err)
				return err;
		}
	}
	if (tb[TCPFSM_A_FILTER_FAMILY]) {
		err = tcpfsm_get_family(tb[TCPFSM_A_FILTER_FAMILY], &f->family, extack);
		if (err)
			return err;
		for (i = 0; i < 2; i++) {
			if (f->prefix[i].family && f->prefix[i].family != f->family) {
				NL_SET_ERR_MSG_ATTR(extack, tb[TCPFSM_A_FILTER_FAMILY],
						    "family filter contradicts a prefix's family");
				return -EINVAL;
			}
		}
	}
	return 0;
}

static bool tcpfsm_prefix_match(const struct tcpfsm_prefix *p, u8 family,
				const union nf_inet_addr *a)
{
	if (!p->family)
		return true;
	if (p->family != family)
		return false;
	if (family == AF_INET) {
		__be32 mask = p->len ? htonl(~0U << (32 - p->len)) : 0;

		return !((a->ip ^ p->addr.ip) & mask);
	}
	return ipv6_prefix_equal(&a->in6, &p->addr.in6, p->len);
}

static bool tcpfsm_filter_match(const struct tcpfsm_filter *f, const struct tcpfsm_flow_info *fi)
{
	const struct tcpfsm_tuple *t = &fi->tuple;
	u32 cs = BIT(fi->state[TCPFSM_CLIENT]), ss = BIT(fi->state[TCPFSM_SERVER]);
	int i;

	if (f->state_mask && !((cs | ss) & f->state_mask))
		return false;
	if (f->client_state_mask && !(cs & f->client_state_mask))
		return false;
	if (f->server_state_mask && !(ss & f->server_state_mask))
		return false;
	if (f->family && f->family != t->family)
		return false;
	for (i = 0; i < 2; i++) {
		if (f->has_port[i] && f->port[i] != t->port[i])
			return false;
		if (!tcpfsm_prefix_match(&f->prefix[i], t->family, &t->addr[i]))
			return false;
	}
	return true;
}

/* ---- FLOW_GET ---- */

int tcpfsm_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpfsm_flow_info fi;
	struct tcpfsm_tuple t;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, TCPFSM_A_TUPLE)) {
		GENL_SET_ERR_MSG(info, "FLOW_GET needs a TUPLE (or NLM_F_DUMP for the table)");
		return -EINVAL;
	}
	err = tcpfsm_parse_tuple(info->attrs[TCPFSM_A_TUPLE], &t, info->extack);
	if (err)
		return err;

	if (!tcpfsm_table_get(net, &t, &fi)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TCPFSM_A_TUPLE],
				    "no flow with this tuple in either orientation");
		return -ENOENT;
	}

	msg = genlmsg_new(TCPFSM_EVENT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tcpfsm_genl_family, 0, TCPFSM_CMD_FLOW_GET);
	if (!hdr || tcpfsm_put_flow(msg, &fi)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * A dump holds no more than this many tombstones at a time (a SINCE_GEN dump
 * reads the ring as it goes, so a dump costs the same at any ring size), and
 * looks at no more than TCPFSM_DUMP_BUDGET flows in one RCU read-side section,
 * then lets the CPU go, however few the filter keeps.
 */
#define TCPFSM_TOMB_BATCH	32
#define TCPFSM_DUMP_BUDGET	256

enum tcpfsm_dump_phase {
	TCPFSM_DUMP_HEADER,
	TCPFSM_DUMP_TOMBS,
	TCPFSM_DUMP_FLOWS,
	TCPFSM_DUMP_DONE,
};

struct tcpfsm_dump_ctx {
	struct net *net;
	struct tcpfsm_walk walk;
	struct tcpfsm_filter filter;
	u64 since;
	bool has_since;
	bool full;
	bool walking;			/* walk entered */
	u8 phase;
	int start_err;			/* the request's error, told by the first batch */
	u64 gen;			/* at the dump's start */
	u32 seq[__TCPFSM_NLGRP_MAX];
	u64 tomb_next, tomb_end;	/* ring_added numbers still to send */
	bool tomb_lost;			/* some were overwritten meanwhile */
	unsigned int n_batch, i_batch;
	struct tcpfsm_tomb batch[TCPFSM_TOMB_BATCH]; /* copied from the ring */
	bool stashed;			/* @pending did not fit the last skb */
	struct tcpfsm_flow_info pending;
};

static struct tcpfsm_dump_ctx *tcpfsm_dump_ctx(struct netlink_callback *cb)
{
	return (struct tcpfsm_dump_ctx *)cb->args[0];
}

/*
 * Note where the destroys after ctx->since are in the ring: false if the
 * ring no longer reaches back that far.
 */
static bool tcpfsm_tombs_start(struct tcpfsm_nl_net *nn, struct tcpfsm_dump_ctx *ctx)
{
	bool ok;

	spin_lock_bh(&nn->ring_lock);
	ok = nn->ring && nn->ring_lost_gen <= ctx->since;
	ctx->tomb_next = nn->ring_added - nn->ring_used;
	ctx->tomb_end = ok ? nn->ring_added : ctx->tomb_next;
	spin_unlock_bh(&nn->ring_lock);
	return ok;
}

/*
 * Copy the next tombstones after ctx->since into ctx->batch.  The ring goes
 * on while the dump runs: what was overwritten before we read it makes the
 * dump inconsistent (tcpfsm_dump_seq()), and the reader asks again.
 */
static void tcpfsm_tombs_fill(struct tcpfsm_nl_net *nn, struct tcpfsm_dump_ctx *ctx)
{
	unsigned int slot, looked = 0;
	u64 oldest;

	ctx->n_batch = 0;
	ctx->i_batch = 0;
	spin_lock_bh(&nn->ring_lock);
	oldest = nn->ring_added - nn->ring_used;
	if (!nn->ring || ctx->tomb_next < oldest) {
		ctx->tomb_lost = true;
		ctx->tomb_next = nn->ring ? oldest : ctx->tomb_end;
	}
	while (ctx->tomb_next < ctx->tomb_end && ctx->n_batch < TCPFSM_TOMB_BATCH &&
	       looked++ < TCPFSM_DUMP_BUDGET) {
		/* The newest, number ring_added - 1, is just before ring_head. */
		slot = (nn->ring_head + nn->ring_size -
			(unsigned int)(nn->ring_added - ctx->tomb_next)) % nn->ring_size;
		ctx->tomb_next++;
		if (nn->ring[slot].gen > ctx->since)
			ctx->batch[ctx->n_batch++] = nn->ring[slot];
	}
	spin_unlock_bh(&nn->ring_lock);
}

/* What the policy cannot check of a dump request. */
static int tcpfsm_dump_check(struct netlink_callback *cb, struct tcpfsm_filter *filter)
{
	struct nlattr **attrs = tcpfsm_dump_attrs(cb);

	if (attrs[TCPFSM_A_TUPLE]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[TCPFSM_A_TUPLE],
				    "TUPLE selects one flow: send FLOW_GET without NLM_F_DUMP");
		return -EINVAL;
	}
	return tcpfsm_parse_filter(attrs[TCPFSM_A_FILTER], filter, cb->extack);
}

int tcpfsm_nl_flow_get_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = tcpfsm_dump_attrs(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(net);
	struct tcpfsm_dump_ctx *ctx;
	int err, i;

	/* Held until the reader finishes or closes: its memcg pays. */
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	err = tcpfsm_dump_check(cb, &ctx->filter);
	/*
	 * Older kernels (6.1) give .start no extack to say why: then the first batch,
	 * which has one, fails instead, and NLMSG_DONE carries the error and
	 * its message.
	 */
	if (err && cb->extack) {
		kfree(ctx);
		return err;
	}
	ctx->start_err = err;
	ctx->net = net;
	/* Read the sequence numbers first: every event numbered up to them
	 * was sent before the walk below starts.
	 */
	spin_lock_bh(&nn->ev_lock);
	for (i = 0; i < __TCPFSM_NLGRP_MAX; i++)
		ctx->seq[i] = nn->seq[i];
	spin_unlock_bh(&nn->ev_lock);
	ctx->gen = atomic64_read(&nn->last_gen);
	ctx->full = true;
	if (attrs[TCPFSM_A_SINCE_GEN]) {
		ctx->has_since = true;
		ctx->since = nla_get_u64(attrs[TCPFSM_A_SINCE_GEN]);
		ctx->full = !tcpfsm_tombs_start(nn, ctx);
	}
	tcpfsm_walk_enter(net, &ctx->walk);
	ctx->walking = true;
	cb->args[0] = (long)ctx;
	return 0;
}

int tcpfsm_nl_flow_get_dump_done(struct netlink_callback *cb)
{
	struct tcpfsm_dump_ctx *ctx = tcpfsm_dump_ctx(cb);

	if (!ctx)
		return 0;
	if (ctx->walking)
		tcpfsm_walk_exit(&ctx->walk);
	kfree(ctx);
	cb->args[0] = 0;
	return 0;
}

/*
 * The dump's consistency mark: it changes whenever the walk may have missed
 * or repeated a flow (a destroy, a resize restart, a flow reused elsewhere)
 * or missed a tombstone, and each message's NLM_F_DUMP_INTR then says so.
 */
static void tcpfsm_dump_seq(struct netlink_callback *cb)
{
	struct tcpfsm_dump_ctx *ctx = tcpfsm_dump_ctx(cb);
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(ctx->net);

	cb->seq = ((unsigned int)atomic_read(&nn->destroys) + ctx->walk.restarts +
		   ctx->tomb_lost) * 2 + 1;
}

static void *tcpfsm_dump_put_hdr(struct sk_buff *skb, struct netlink_callback *cb)
{
	void *hdr;

	tcpfsm_dump_seq(cb);
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &tcpfsm_genl_family, NLM_F_MULTI, TCPFSM_CMD_FLOW_GET);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

static int tcpfsm_dump_header(struct sk_buff *skb, struct netlink_callback *cb,
			      struct tcpfsm_dump_ctx *ctx)
{
	struct nlattr *nest;
	void *hdr;

	hdr = tcpfsm_dump_put_hdr(skb, cb);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, TCPFSM_A_DUMP);
	if (!nest ||
	    nla_put_u64_64bit(skb, TCPFSM_A_DUMP_GEN, ctx->gen, TCPFSM_A_DUMP_PAD) ||
	    (ctx->full && nla_put_flag(skb, TCPFSM_A_DUMP_FULL)) ||
	    nla_put_u32(skb, TCPFSM_A_DUMP_SEQ_NEW, ctx->seq[TCPFSM_NLGRP_NEW]) ||
	    nla_put_u32(skb, TCPFSM_A_DUMP_SEQ_CHANGE, ctx->seq[TCPFSM_NLGRP_CHANGE]) ||
	    nla_put_u32(skb, TCPFSM_A_DUMP_SEQ_DESTROY, ctx->seq[TCPFSM_NLGRP_DESTROY])) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

static int tcpfsm_dump_one_flow(struct sk_buff *skb, struct netlink_callback *cb,
				const struct tcpfsm_flow_info *fi)
{
	void *hdr;

	hdr = tcpfsm_dump_put_hdr(skb, cb);
	if (!hdr)
		return -EMSGSIZE;
	if (tcpfsm_put_flow(skb, fi)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static bool tcpfsm_dump_wanted(const struct tcpfsm_dump_ctx *ctx,
			       const struct tcpfsm_flow_info *fi)
{
	if (!ctx->full && fi->gen <= ctx->since)
		return false;
	return tcpfsm_filter_match(&ctx->filter, fi);
}

static int tcpfsm_dump_tombs(struct sk_buff *skb, struct netlink_callback *cb,
			     struct tcpfsm_dump_ctx *ctx, int *sent)
{
	struct tcpfsm_nl_net *nn = tcpfsm_nl_pernet(ctx->net);
	void *hdr;

	for (;;) {
		if (ctx->i_batch == ctx->n_batch) {
			if (ctx->tomb_next >= ctx->tomb_end)
				return 0;
			cond_resched();
			tcpfsm_tombs_fill(nn, ctx);
			continue;
		}
		hdr = tcpfsm_dump_put_hdr(skb, cb);
		if (!hdr)
			return -EMSGSIZE;
		if (tcpfsm_put_tomb(skb, &ctx->batch[ctx->i_batch])) {
			genlmsg_cancel(skb, hdr);
			return -EMSGSIZE;
		}
		genlmsg_end(skb, hdr);
		ctx->i_batch++;
		(*sent)++;
	}
}

static int tcpfsm_dump_flows(struct sk_buff *skb, struct netlink_callback *cb,
			     struct tcpfsm_dump_ctx *ctx, int *sent)
{
	struct tcpfsm_flow_info *fi = &ctx->pending;
	struct tcpfsm_flow *flow;
	unsigned int visited = 0;

	if (ctx->stashed) {
		if (tcpfsm_dump_one_flow(skb, cb, fi))
			return -EMSGSIZE;
		ctx->stashed = false;
		(*sent)++;
	}

	tcpfsm_walk_start(&ctx->walk);
	for (;;) {
		/* Between flows, never holding one: the walk resumes after it. */
		if (visited && !(visited % TCPFSM_DUMP_BUDGET)) {
			tcpfsm_walk_stop(&ctx->walk);
			cond_resched();
			tcpfsm_walk_start(&ctx->walk);
		}
		flow = tcpfsm_walk_next(&ctx->walk);
		if (!flow)
			break;
		visited++;
		if (!tcpfsm_walk_info(&ctx->walk, flow, fi) ||
		    !tcpfsm_dump_wanted(ctx, fi))
			continue;
		if (tcpfsm_dump_one_flow(skb, cb, fi)) {
			ctx->stashed = true;
			break;
		}
		(*sent)++;
	}
	tcpfsm_walk_stop(&ctx->walk);
	return ctx->stashed ? -EMSGSIZE : 0;
}

/*
 * One batch: the header, then tombstones, then flows, as many as fit.  A
 * batch ends only when the skb is full or the dump is done: returning 0
 * (an empty batch) would end the dump early.
 */
int tcpfsm_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tcpfsm_dump_ctx *ctx = tcpfsm_dump_ctx(cb);
	int sent = 0, err = 0;

	if (ctx->start_err)
		return tcpfsm_dump_check(cb, &ctx->filter) ?: ctx->start_err;
	if (ctx->phase == TCPFSM_DUMP_HEADER) {
		if (tcpfsm_dump_header(skb, cb, ctx))
			return -EMSGSIZE;
		ctx->phase = TCPFSM_DUMP_TOMBS;
		sent++;
	}
	if (ctx->phase == TCPFSM_DUMP_TOMBS) {
		err = tcpfsm_dump_tombs(skb, cb, ctx, &sent);
		if (!err)
			ctx->phase = TCPFSM_DUMP_FLOWS;
	}
	if (!err && ctx->phase == TCPFSM_DUMP_FLOWS) {
		err = tcpfsm_dump_flows(skb, cb, ctx, &sent);
		if (!err)
			ctx->phase = TCPFSM_DUMP_DONE;
	}
	/* For the NLMSG_DONE too: the walk may have restarted after the last. */
	tcpfsm_dump_seq(cb);
	if (err && !sent)
		return err;	/* one message larger than a whole skb */
	return skb->len;
}

/* ---- STATS_GET / CONFIG_GET / CONFIG_SET ---- */

static const struct tcpfsm_stat_desc tcpfsm_stat_descs[__TCPFSM_A_STATS_MAX] = TCPFSM_STAT_DESCS;

/* Refusals by reason: attribute type = reason; reason 0 (none) is no counter. */
static int tcpfsm_put_invalid(struct sk_buff *skb, int type, const struct tcpfsm_stats *st)
{
	struct nlattr *nest;
	int r;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (r = TCPFSM_REASON_NONE + 1; r < __TCPFSM_REASON_MAX; r++)
		if (nla_put_u64_64bit(skb, r, st->invalid[r], TCPFSM_REASON_NONE))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpfsm_put_stats(struct sk_buff *skb, const struct tcpfsm_stats *st)
{
	struct nlattr *nest;
	int a, err;

	nest = nla_nest_start(skb, TCPFSM_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (a = 0; a < __TCPFSM_A_STATS_MAX; a++) {
		switch (tcpfsm_stat_descs[a].kind) {
		case TCPFSM_STAT_COUNTER:
			err = nla_put_u64_64bit(skb, a, st->val[a], TCPFSM_A_STATS_PAD);
			break;
		case TCPFSM_STAT_GAUGE:
			err = nla_put_u32(skb, a, st->val[a]);
			break;
		case TCPFSM_STAT_BY_REASON:
			err = tcpfsm_put_invalid(skb, a, st);
			break;
		default:
			err = 0;
			break;
		}
		if (err)
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpfsm_reply(struct genl_info *info, u8 cmd,
			int (*fill)(struct sk_buff *skb, const void *arg), const void *arg)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tcpfsm_genl_family, 0, cmd);
	if (!hdr || fill(msg, arg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int tcpfsm_fill_stats(struct sk_buff *skb, const void *arg)
{
	return tcpfsm_put_stats(skb, arg);
}

int tcpfsm_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tcpfsm_stats st;

	memset(&st, 0, sizeof(st));
	tcpfsm_table_stats(genl_info_net(info), &st);
	return tcpfsm_reply(info, TCPFSM_CMD_STATS_GET, tcpfsm_fill_stats, &st);
}

struct tcpfsm_config_reply {
	struct tcpfsm_config cfg;
	u32 max_flows;
	u32 quota;
};

static int tcpfsm_fill_config(struct sk_buff *skb, const void *arg)
{
	const struct tcpfsm_config_reply *r = arg;
	struct nlattr *nest, *to;
	int s;

	nest = nla_nest_start(skb, TCPFSM_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	to = nla_nest_start(skb, TCPFSM_A_CONFIG_TIMEOUT);
	if (!to)
		return -EMSGSIZE;
	for (s = TCPFSM_STATE_ESTABLISHED; s <= TCPFSM_STATE_MAX; s++)
		if (nla_put_u32(skb, s, r->cfg.timeout[s]))
			return -EMSGSIZE;
	nla_nest_end(skb, to);
	if (nla_put_u32(skb, TCPFSM_A_CONFIG_MAX_FLOWS, r->max_flows) ||
	    nla_put_u8(skb, TCPFSM_A_CONFIG_PICKUP, r->cfg.pickup) ||
	    nla_put_u32(skb, TCPFSM_A_CONFIG_NETNS_MAX_FLOWS, r->quota))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int tcpfsm_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tcpfsm_config_reply r;

	memset(&r, 0, sizeof(r));
	tcpfsm_table_config(genl_info_net(info), &r.cfg);
	r.max_flows = tcpfsm_config_max_flows();
	r.quota = tcpfsm_table_quota(genl_info_net(info));
	return tcpfsm_reply(info, TCPFSM_CMD_CONFIG_GET, tcpfsm_fill_config, &r);
}

static DEFINE_MUTEX(tcpfsm_config_mutex);

int tcpfsm_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[TCPFSM_A_CONFIG_MAX + 1];
	struct nlattr *to[TCPFSM_STATE_MAX + 1];
	struct net *net = genl_info_net(info);
	struct tcpfsm_config cfg;
	bool changed = false, host_admin;
	int err, s;

	if (GENL_REQ_ATTR_CHECK(info, TCPFSM_A_CONFIG))
		return -EINVAL;
	/* Already validated against tcpfsm_config_nl_policy by the op's policy. */
	err = nla_parse_nested(tb, TCPFSM_A_CONFIG_MAX, info->attrs[TCPFSM_A_CONFIG],
			       tcpfsm_config_nl_policy, info->extack);
	if (err)
		return err;

	/* GENL_UNS_ADMIN_PERM let a container's root in: bounds are the host's. */
	host_admin = netlink_capable(skb, CAP_NET_ADMIN);
	if (tb[TCPFSM_A_CONFIG_MAX_FLOWS] && !host_admin) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TCPFSM_A_CONFIG_MAX_FLOWS],
				    "max_flows is global: it needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (tb[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS] && !host_admin) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS],
				    "a namespace's quota is the host's to set: it needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}

	mutex_lock(&tcpfsm_config_mutex);
	tcpfsm_table_config(net, &cfg);
	if (tb[TCPFSM_A_CONFIG_TIMEOUT]) {
		err = nla_parse_nested(to, TCPFSM_STATE_MAX, tb[TCPFSM_A_CONFIG_TIMEOUT],
				       tcpfsm_timeouts_nl_policy, info->extack);
		if (err)
			goto out;
		for (s = TCPFSM_STATE_ESTABLISHED; s <= TCPFSM_STATE_MAX; s++) {
			if (!to[s])
				continue;
			cfg.timeout[s] = nla_get_u32(to[s]);
			if (!host_admin && cfg.timeout[s] > tcpfsm_config_timeout_cap(s)) {
				NL_SET_ERR_MSG_ATTR(info->extack, to[s],
						    "a timeout above the module's default needs CAP_NET_ADMIN in the initial user namespace");
				err = -EPERM;
				goto out;
			}
			changed = true;
		}
	}
	if (tb[TCPFSM_A_CONFIG_PICKUP]) {
		cfg.pickup = nla_get_u8(tb[TCPFSM_A_CONFIG_PICKUP]);
		changed = true;
	}
	if (changed) {
		err = tcpfsm_table_set_config(net, &cfg);
		if (err) {
			GENL_SET_ERR_MSG(info, "the table refused the configuration");
			goto out;
		}
	}
	if (tb[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS]) {
		err = tcpfsm_table_set_quota(net, nla_get_u32(tb[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS]));
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS],
					    "netns_max_flows refused by the table");
			goto out;
		}
	}
	if (tb[TCPFSM_A_CONFIG_MAX_FLOWS]) {
		err = tcpfsm_config_set_max_flows(nla_get_u32(tb[TCPFSM_A_CONFIG_MAX_FLOWS]));
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[TCPFSM_A_CONFIG_MAX_FLOWS],
					    "max_flows refused by the table");
			goto out;
		}
	}
out:
	mutex_unlock(&tcpfsm_config_mutex);
	return err;
}

/* ---- family ---- */

/*
 * The generator emits a table of the groups only for the family it
 * generates (protocol genetlink, whose schema has no uns-admin-perm): ours
 * is this one, in the generated order and names.
 */
static const struct genl_multicast_group tcpfsm_mcgrps[] = {
	[TCPFSM_NLGRP_NEW] = { .name = TCPFSM_MCGRP_NEW },
	[TCPFSM_NLGRP_CHANGE] = { .name = TCPFSM_MCGRP_CHANGE },
	[TCPFSM_NLGRP_DESTROY] = { .name = TCPFSM_MCGRP_DESTROY },
};

static_assert(ARRAY_SIZE(tcpfsm_mcgrps) == __TCPFSM_NLGRP_MAX);

/* Its ops, generated tcpfsm_nl_ops, are given at registration (tcpfsm_compat.h). */
static struct genl_family tcpfsm_genl_family = {
	.name = TCPFSM_GENL_NAME,
	.version = TCPFSM_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.mcgrps = tcpfsm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tcpfsm_mcgrps),
	.resv_start_op = 0,	/* every command strictly validated */
};

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

static const struct tcpfsm_event_notifier tcpfsm_nl_notifier = {
	.event = tcpfsm_nl_event,
};

static struct pernet_operations tcpfsm_nl_net_ops = {
	.init = tcpfsm_nl_net_init,
	.exit = tcpfsm_nl_net_exit,
	.id = &tcpfsm_nl_net_id,
	.size = sizeof(struct tcpfsm_nl_net),
};

int tcpfsm_netlink_init(void)
{
	int err;

	err = register_pernet_subsys(&tcpfsm_nl_net_ops);
	if (err)
		return err;
	err = tcpfsm_genl_register_family(&tcpfsm_genl_family, tcpfsm_nl_ops,
					  ARRAY_SIZE(tcpfsm_nl_ops));
	if (err) {
		unregister_pernet_subsys(&tcpfsm_nl_net_ops);
		return err;
	}
	err = tcpfsm_event_register(&tcpfsm_nl_notifier);
	if (err) {
		genl_unregister_family(&tcpfsm_genl_family);
		unregister_pernet_subsys(&tcpfsm_nl_net_ops);
	}
	return err;
}

void tcpfsm_netlink_uninit(void)
{
	/* Returns once no event is still looking at the family or our pernet data. */
	tcpfsm_event_unregister(&tcpfsm_nl_notifier);
	genl_unregister_family(&tcpfsm_genl_family);
	unregister_pernet_subsys(&tcpfsm_nl_net_ops);
}
