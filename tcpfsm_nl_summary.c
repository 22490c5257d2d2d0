// SPDX-License-Identifier: GPL-2.0
/*
 * SUMMARY_GET: a namespace's summary (tcpfsm_summary.c) as the summary
 * nest of Documentation/netlink/tcpfsm.yaml.  Only what is not zero is
 * sent: pairs with flows, states with endpoints, transitions that
 * happened; the histogram always in full, so that its bounds are known.
 * The all-netns dump is tcpfsm_nl_netns.c's, which puts the same nest.
 */

#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "tcpfsm_nl.h"

/* The message's size for @s, so that no put can fail for want of room. */
static size_t tcpfsm_summary_size(const struct tcpfsm_summary *s)
{
	size_t pair = nla_total_size(2 * nla_total_size(sizeof(u8)) +
				     nla_total_size(sizeof(u32)));
	size_t trans = nla_total_size(3 * nla_total_size(sizeof(u8)) +
				      nla_total_size_64bit(sizeof(u64)));
	size_t bucket = nla_total_size(nla_total_size(sizeof(u32)) +
				       nla_total_size_64bit(sizeof(u64)));
	size_t size = nla_total_size(sizeof(u32)) +		/* flows */
		      2 * nla_total_size(__TCPFSM_STATE_MAX * nla_total_size(sizeof(u32))) +
		      TCPFSM_RTT_BUCKETS * bucket +
		      2 * nla_total_size_64bit(sizeof(u64));
	unsigned int e, i, j;

	for (i = 0; i < __TCPFSM_STATE_MAX; i++) {
		for (j = 0; j < __TCPFSM_STATE_MAX; j++) {
			if (s->pair[i][j])
				size += pair;
			for (e = 0; e < 2; e++)
				if (s->trans[e][i][j])
					size += trans;
		}
	}
	return nla_total_size(size);
}

/* A state-counts nest: attribute type = state, the states at 0 left out. */
static int tcpfsm_put_state_counts(struct sk_buff *skb, int type, const u32 *count)
{
	struct nlattr *nest;
	int st;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (st = TCPFSM_STATE_NONE + 1; st < __TCPFSM_STATE_MAX; st++)
		if (count[st] && nla_put_u32(skb, st, count[st]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpfsm_put_pairs(struct sk_buff *skb, const struct tcpfsm_summary *s)
{
	struct nlattr *nest;
	int i, j;

	for (i = 0; i < __TCPFSM_STATE_MAX; i++) {
		for (j = 0; j < __TCPFSM_STATE_MAX; j++) {
			if (!s->pair[i][j])
				continue;
			nest = nla_nest_start(skb, TCPFSM_A_SUMMARY_PAIR);
			if (!nest ||
			    nla_put_u8(skb, TCPFSM_A_PAIR_CLIENT_STATE, i) ||
			    nla_put_u8(skb, TCPFSM_A_PAIR_SERVER_STATE, j) ||
			    nla_put_u32(skb, TCPFSM_A_PAIR_FLOWS, s->pair[i][j]))
				return -EMSGSIZE;
			nla_nest_end(skb, nest);
		}
	}
	return 0;
}

static int tcpfsm_put_transitions(struct sk_buff *skb, const struct tcpfsm_summary *s)
{
	struct nlattr *nest;
	int e, i, j;

	for (e = 0; e < 2; e++) {
		for (i = 0; i < __TCPFSM_STATE_MAX; i++) {
			for (j = 0; j < __TCPFSM_STATE_MAX; j++) {
				if (!s->trans[e][i][j])
					continue;
				nest = nla_nest_start(skb, TCPFSM_A_SUMMARY_TRANSITION);
				if (!nest ||
				    nla_put_u8(skb, TCPFSM_A_TRANSITION_ENDPOINT, e) ||
				    nla_put_u8(skb, TCPFSM_A_TRANSITION_FROM, i) ||
				    nla_put_u8(skb, TCPFSM_A_TRANSITION_TO, j) ||
				    nla_put_u64_64bit(skb, TCPFSM_A_TRANSITION_COUNT,
						      s->trans[e][i][j], TCPFSM_A_TRANSITION_PAD))
					return -EMSGSIZE;
				nla_nest_end(skb, nest);
			}
		}
	}
	return 0;
}

/* Every bucket, in ascending bounds; the last (+Inf) has no le-us. */
static int tcpfsm_put_rtt(struct sk_buff *skb, const struct tcpfsm_summary *s)
{
	struct nlattr *nest;
	int b;

	for (b = 0; b < TCPFSM_RTT_BUCKETS; b++) {
		nest = nla_nest_start(skb, TCPFSM_A_SUMMARY_RTT_BUCKET);
		if (!nest ||
		    (b < TCPFSM_RTT_BUCKETS - 1 &&
		     nla_put_u32(skb, TCPFSM_A_RTT_BUCKET_LE_US, tcpfsm_rtt_bounds_us[b])) ||
		    nla_put_u64_64bit(skb, TCPFSM_A_RTT_BUCKET_COUNT, s->rtt[b],
				      TCPFSM_A_RTT_BUCKET_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return nla_put_u64_64bit(skb, TCPFSM_A_SUMMARY_RTT_SUM_US, s->rtt_sum_us,
				 TCPFSM_A_SUMMARY_PAD) ||
	       nla_put_u64_64bit(skb, TCPFSM_A_SUMMARY_RTT_COUNT, s->rtt_count,
				 TCPFSM_A_SUMMARY_PAD) ? -EMSGSIZE : 0;
}

static int tcpfsm_put_summary_of(struct sk_buff *skb, const struct tcpfsm_summary *s)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCPFSM_A_SUMMARY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TCPFSM_A_SUMMARY_FLOWS, s->flows) ||
	    tcpfsm_put_pairs(skb, s) ||
	    tcpfsm_put_state_counts(skb, TCPFSM_A_SUMMARY_ENDPOINTS, s->endpoints) ||
	    tcpfsm_put_state_counts(skb, TCPFSM_A_SUMMARY_STUCK, s->stuck) ||
	    tcpfsm_put_transitions(skb, s) ||
	    tcpfsm_put_rtt(skb, s)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int tcpfsm_nl_put_summary(struct sk_buff *skb, struct net *net)
{
	struct tcpfsm_summary *s;
	int err;

	/* About 3 KiB: not for the stack. */
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	tcpfsm_table_summary(net, s);
	err = tcpfsm_put_summary_of(skb, s);
	kfree(s);
	return err;
}

int tcpfsm_nl_summary_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpfsm_summary *s;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (info->attrs[TCPFSM_A_ALL_NETNS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TCPFSM_A_ALL_NETNS],
				    "all-netns needs a dump");
		return -EINVAL;
	}
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	tcpfsm_table_summary(net, s);

	err = -ENOMEM;
	msg = genlmsg_new(tcpfsm_summary_size(s) +
			  nla_total_size_64bit(sizeof(u64)) + nla_total_size(sizeof(u32)),
			  GFP_KERNEL);
	if (!msg)
		goto out;
	err = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &tcpfsm_genl_family, 0, TCPFSM_CMD_SUMMARY_GET);
	if (!hdr || tcpfsm_put_summary_of(msg, s) || tcpfsm_nl_put_netns(msg, net)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	kfree(s);
	return err;
}
