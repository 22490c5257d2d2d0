// SPDX-License-Identifier: GPL-2.0
/*
 * FLOW_GET dumps: a header with the dump's generation and sequence marks,
 * then (SINCE_GEN) the tombstones of flows destroyed since, then the flows
 * the filter keeps.  Any event that may have made the dump skip or repeat
 * something changes cb->seq, so the reader sees NLM_F_DUMP_INTR.
 *
 * With ALL_NETNS (the initial namespace's administrator only) it walks every
 * namespace's table in turn, each flow message naming its namespace, and
 * its header has the FULL flag only: generations and sequence numbers are
 * per namespace, so there is none to give, and SINCE_GEN is refused.
 */

#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "tcpfsm_compat.h"
#include "tcpfsm_nl.h"
#include "tcpfsm_walk.h"

enum tcpfsm_dump_phase {
	TCPFSM_DUMP_HEADER,
	TCPFSM_DUMP_TOMBS,
	TCPFSM_DUMP_FLOWS,
	TCPFSM_DUMP_DONE,
};

struct tcpfsm_dump_ctx {
	struct net *net;		/* whose table is walked; NULL between (all_netns) */
	struct tcpfsm_walk walk;
	struct tcpfsm_filter filter;
	bool has_since;
	bool full;
	bool walking;			/* walk entered */
	bool all_netns;			/* every namespace, in turn, from @ns */
	struct tcpfsm_netns_cursor ns;
	unsigned int intr;		/* skip/repeat risks of namespaces done with */
	unsigned int destroys;		/* @net's destroys when the walk entered it */
	u8 phase;
	int start_err;			/* the request's error, told by the first batch */
	u64 gen;			/* at the dump's start */
	u32 seq[__TCPFSM_NLGRP_MAX];
	bool has_sub_seq;		/* SUB_PORTID named a subscription */
	u32 sub_seq;
	struct tcpfsm_tomb_cursor tombs;
	bool stashed;			/* @pending did not fit the last skb */
	struct tcpfsm_flow_info pending;
};

static struct tcpfsm_dump_ctx *tcpfsm_dump_ctx(struct netlink_callback *cb)
{
	return (struct tcpfsm_dump_ctx *)cb->args[0];
}

/* What the policy cannot check of a dump request. */
static int tcpfsm_dump_check(struct netlink_callback *cb, struct tcpfsm_filter *filter)
{
	struct nlattr **attrs = tcpfsm_dump_attrs(cb);
	int err;

	if (attrs[TCPFSM_A_ALL_NETNS]) {
		err = tcpfsm_nl_all_netns_ok(cb->skb, sock_net(cb->skb->sk), cb->extack);
		if (err)
			return err;
		if (attrs[TCPFSM_A_SINCE_GEN]) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[TCPFSM_A_SINCE_GEN],
					    "since-gen is a generation of one namespace: not with all-netns");
			return -EINVAL;
		}
	}
	if (attrs[TCPFSM_A_TUPLE]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[TCPFSM_A_TUPLE],
				    "TUPLE selects one flow: send FLOW_GET without NLM_F_DUMP");
		return -EINVAL;
	}
	return tcpfsm_parse_filter(attrs[TCPFSM_A_FILTER], filter, false, cb->extack);
}

int tcpfsm_nl_flow_get_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = tcpfsm_dump_attrs(cb);
	struct net *net = sock_net(cb->skb->sk);
	struct tcpfsm_dump_ctx *ctx;
	int err;

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
	ctx->full = true;
	cb->args[0] = (long)ctx;
	if (err)
		return 0;
	if (attrs[TCPFSM_A_ALL_NETNS]) {
		/* The first batch enters the first namespace. */
		ctx->all_netns = true;
		return 0;
	}
	ctx->net = net;
	/* First: every event numbered up to them was sent before the walk. */
	tcpfsm_nl_marks(net, ctx->seq, &ctx->gen);
	if (attrs[TCPFSM_A_SUB_PORTID])
		ctx->has_sub_seq = tcpfsm_sub_seq(net, nla_get_u32(attrs[TCPFSM_A_SUB_PORTID]),
						  &ctx->sub_seq);
	if (attrs[TCPFSM_A_SINCE_GEN]) {
		ctx->has_since = true;
		ctx->tombs.since = nla_get_u64(attrs[TCPFSM_A_SINCE_GEN]);
		ctx->full = !tcpfsm_tombs_start(net, &ctx->tombs);
	}
	ctx->destroys = tcpfsm_nl_destroys(net);
	tcpfsm_walk_enter(net, &ctx->walk);
	ctx->walking = true;
	return 0;
}

int tcpfsm_nl_flow_get_dump_done(struct netlink_callback *cb)
{
	struct tcpfsm_dump_ctx *ctx = tcpfsm_dump_ctx(cb);

	if (!ctx)
		return 0;
	if (ctx->walking)
		tcpfsm_walk_exit(&ctx->walk);
	/* After the walker: it is attached to that namespace's table. */
	tcpfsm_netns_release(&ctx->ns);
	kfree(ctx);
	cb->args[0] = 0;
	return 0;
}

/*
 * The dump's consistency mark: it changes whenever the walk may have missed
 * or repeated a flow (a destroy, a resize restart, a flow reused elsewhere)
 * or missed a tombstone, and each message's NLM_F_DUMP_INTR then says so.
 */
static unsigned int tcpfsm_dump_intr(const struct tcpfsm_dump_ctx *ctx)
{
	unsigned int n = ctx->intr + ctx->tombs.lost;

	if (ctx->walking)
		n += tcpfsm_nl_destroys(ctx->net) - ctx->destroys + ctx->walk.restarts;
	return n;
}

static void tcpfsm_dump_seq(struct netlink_callback *cb)
{
	cb->seq = tcpfsm_dump_intr(tcpfsm_dump_ctx(cb)) * 2 + 1;
}

/*
 * All namespaces: leave the one walked (its risks stay counted) and enter
 * the next, which the cursor holds while the walker is attached to its
 * table.  False when there is none left.
 */
static bool tcpfsm_dump_next_netns(struct tcpfsm_dump_ctx *ctx)
{
	if (ctx->walking) {
		ctx->intr = tcpfsm_dump_intr(ctx) - ctx->tombs.lost;
		tcpfsm_walk_exit(&ctx->walk);
		ctx->walking = false;
	}
	ctx->net = tcpfsm_netns_next(&ctx->ns);
	if (!ctx->net)
		return false;
	ctx->destroys = tcpfsm_nl_destroys(ctx->net);
	tcpfsm_walk_enter(ctx->net, &ctx->walk);
	ctx->walking = true;
	return true;
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

/* The dump nest; all namespaces have no one generation or sequence: FULL only. */
static int tcpfsm_dump_put_marks(struct sk_buff *skb, const struct tcpfsm_dump_ctx *ctx)
{
	if (ctx->all_netns)
		return nla_put_flag(skb, TCPFSM_A_DUMP_FULL);
	if (nla_put_u64_64bit(skb, TCPFSM_A_DUMP_GEN, ctx->gen, TCPFSM_A_DUMP_PAD) ||
	    (ctx->full && nla_put_flag(skb, TCPFSM_A_DUMP_FULL)) ||
	    nla_put_u32(skb, TCPFSM_A_DUMP_SEQ_NEW, ctx->seq[TCPFSM_NLGRP_NEW]) ||
	    nla_put_u32(skb, TCPFSM_A_DUMP_SEQ_CHANGE, ctx->seq[TCPFSM_NLGRP_CHANGE]) ||
	    nla_put_u32(skb, TCPFSM_A_DUMP_SEQ_DESTROY, ctx->seq[TCPFSM_NLGRP_DESTROY]) ||
	    (ctx->has_sub_seq && nla_put_u32(skb, TCPFSM_A_DUMP_SEQ_SUB, ctx->sub_seq)))
		return -EMSGSIZE;
	return 0;
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
	if (!nest || tcpfsm_dump_put_marks(skb, ctx)) {
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
	struct tcpfsm_dump_ctx *ctx = tcpfsm_dump_ctx(cb);
	void *hdr;

	hdr = tcpfsm_dump_put_hdr(skb, cb);
	if (!hdr)
		return -EMSGSIZE;
	if (tcpfsm_put_flow(skb, fi) ||
	    (ctx->all_netns && tcpfsm_nl_put_netns(skb, ctx->net))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static bool tcpfsm_dump_wanted(const struct tcpfsm_dump_ctx *ctx,
			       const struct tcpfsm_flow_info *fi)
{
	if (!ctx->full && fi->gen <= ctx->tombs.since)
		return false;
	return tcpfsm_filter_match(&ctx->filter, fi);
}

static int tcpfsm_dump_tombs(struct sk_buff *skb, struct netlink_callback *cb,
			     struct tcpfsm_dump_ctx *ctx, int *sent)
{
	struct tcpfsm_tomb_cursor *c = &ctx->tombs;
	void *hdr;

	for (;;) {
		if (c->i == c->n) {
			if (c->next >= c->end)
				return 0;
			cond_resched();
			tcpfsm_tombs_fill(ctx->net, c);
			continue;
		}
		hdr = tcpfsm_dump_put_hdr(skb, cb);
		if (!hdr)
			return -EMSGSIZE;
		if (tcpfsm_put_tomb(skb, &c->batch[c->i])) {
			genlmsg_cancel(skb, hdr);
			return -EMSGSIZE;
		}
		genlmsg_end(skb, hdr);
		c->i++;
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
 * All namespaces: each one's flows, then the next's.  A namespace is left
 * only when its walk is done, never with a flow stashed: the next batch
 * sends that first, as the flow of the namespace it is still at.
 */
static int tcpfsm_dump_all_flows(struct sk_buff *skb, struct netlink_callback *cb,
				 struct tcpfsm_dump_ctx *ctx, int *sent)
{
	int err;

	for (;;) {
		if (ctx->walking) {
			err = tcpfsm_dump_flows(skb, cb, ctx, sent);
			if (err)
				return err;
		}
		if (!tcpfsm_dump_next_netns(ctx))
			return 0;
		cond_resched();
	}
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
		err = ctx->all_netns ? tcpfsm_dump_all_flows(skb, cb, ctx, &sent) :
				       tcpfsm_dump_flows(skb, cb, ctx, &sent);
		if (!err)
			ctx->phase = TCPFSM_DUMP_DONE;
	}
	/* For the NLMSG_DONE too: the walk may have restarted after the last. */
	tcpfsm_dump_seq(cb);
	if (err && !sent)
		return err;	/* one message larger than a whole skb */
	return skb->len;
}
