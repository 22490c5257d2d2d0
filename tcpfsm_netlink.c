// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tcpfsm" and its do requests.
 *
 * Documentation/netlink/tcpfsm.yaml is the contract: the policies and the op
 * table are generated from it (generated/netlink.c, scripts/ynl-gen).  The
 * dump is tcpfsm_nl_dump.c's, the events tcpfsm_nl_event.c's.
 */

#include <linux/module.h>
#include <linux/mutex.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "tcpfsm_compat.h"
#include "tcpfsm_config.h"
#include "tcpfsm_names.h"
#include "tcpfsm_netlink.h"
#include "tcpfsm_nl.h"
#include "tcpfsm_stats.h"

/*
 * The generator emits a table of the groups only for the family it
 * generates (protocol genetlink, whose schema has no uns-admin-perm): ours
 * is this one, in the generated order and names.
 */
static const struct genl_multicast_group tcpfsm_mcgrps[] = {
	[TCPFSM_NLGRP_NEW] = { .name = TCPFSM_MCGRP_NEW },
	[TCPFSM_NLGRP_CHANGE] = { .name = TCPFSM_MCGRP_CHANGE },
	[TCPFSM_NLGRP_DESTROY] = { .name = TCPFSM_MCGRP_DESTROY },
	[TCPFSM_NLGRP_STUCK] = { .name = TCPFSM_MCGRP_STUCK },
};

static_assert(ARRAY_SIZE(tcpfsm_mcgrps) == __TCPFSM_NLGRP_MAX);

/* Its ops, generated tcpfsm_nl_ops, are given at registration (tcpfsm_compat.h). */
struct genl_family tcpfsm_genl_family = {
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

int tcpfsm_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpfsm_flow_info fi;
	struct tcpfsm_tuple t;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (info->attrs[TCPFSM_A_ALL_NETNS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TCPFSM_A_ALL_NETNS],
				    "all-netns needs a dump: a tuple names a flow of the caller's namespace");
		return -EINVAL;
	}
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

int tcpfsm_nl_reply(struct genl_info *info, u8 cmd,
		    int (*fill)(struct sk_buff *skb, void *arg), void *arg)
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

/* STATS_GET's do: tcpfsm_nl_reply()'s shape of tcpfsm_nl_fill_stats(). */
static int tcpfsm_fill_stats_of(struct sk_buff *skb, void *net)
{
	return tcpfsm_nl_fill_stats(skb, net);
}

/*
 * With the module's version, so a daemon can tell what it talks to, and the
 * namespace, so that an all-netns dump's messages say whose they are.
 */
int tcpfsm_nl_fill_stats(struct sk_buff *skb, struct net *net)
{
	struct tcpfsm_stats st;

	memset(&st, 0, sizeof(st));
	tcpfsm_table_stats(net, &st);
	return tcpfsm_put_stats(skb, &st) ?:
	       nla_put_string(skb, TCPFSM_A_VERSION, TCPFSM_VERSION) ?:
	       tcpfsm_nl_put_netns(skb, net);
}

int tcpfsm_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (info->attrs[TCPFSM_A_ALL_NETNS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TCPFSM_A_ALL_NETNS],
				    "all-netns needs a dump");
		return -EINVAL;
	}
	return tcpfsm_nl_reply(info, TCPFSM_CMD_STATS_GET, tcpfsm_fill_stats_of,
			       genl_info_net(info));
}

struct tcpfsm_config_reply {
	struct tcpfsm_config cfg;
	u32 max_flows;
	u32 quota;
};

static int tcpfsm_fill_config(struct sk_buff *skb, void *arg)
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
	to = nla_nest_start(skb, TCPFSM_A_CONFIG_STUCK);
	if (!to)
		return -EMSGSIZE;
	for (s = TCPFSM_STATE_ESTABLISHED; s <= TCPFSM_STATE_MAX; s++)
		if (nla_put_u32(skb, s, r->cfg.stuck[s]))
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
	return tcpfsm_nl_reply(info, TCPFSM_CMD_CONFIG_GET, tcpfsm_fill_config, &r);
}

static DEFINE_MUTEX(tcpfsm_config_mutex);

/*
 * A nest of seconds by state (timeouts, stuck thresholds) into @secs; with
 * @capped, a value above the module's default timeout is EPERM.  Sets
 * *@changed when the nest held any.
 */
static int tcpfsm_parse_state_secs(const struct nlattr *nest, const struct nla_policy *policy,
				   bool capped, u32 *secs, bool *changed,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TCPFSM_STATE_MAX + 1];
	int err, s;

	if (!nest)
		return 0;
	err = nla_parse_nested(tb, TCPFSM_STATE_MAX, nest, policy, extack);
	if (err)
		return err;
	for (s = TCPFSM_STATE_ESTABLISHED; s <= TCPFSM_STATE_MAX; s++) {
		if (!tb[s])
			continue;
		secs[s] = nla_get_u32(tb[s]);
		if (capped && secs[s] > tcpfsm_config_timeout_cap(s)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[s],
					    "a timeout above the module's default needs CAP_NET_ADMIN in the initial user namespace");
			return -EPERM;
		}
		*changed = true;
	}
	return 0;
}

int tcpfsm_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[TCPFSM_A_CONFIG_MAX + 1];
	struct net *net = genl_info_net(info);
	struct tcpfsm_config cfg;
	bool changed = false, host_admin;
	int err;

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
	err = tcpfsm_parse_state_secs(tb[TCPFSM_A_CONFIG_TIMEOUT], tcpfsm_timeouts_nl_policy,
				      !host_admin, cfg.timeout, &changed, info->extack);
	if (err)
		goto out;
	/*
	 * Stuck thresholds need no more than the namespace's own admin, at
	 * any value: unlike a timeout, a threshold keeps no flow in the
	 * table longer (it holds nothing of the host's), and the events it
	 * raises are bounded by the namespace's own flows, one per endpoint
	 * per stay in a state.
	 */
	err = tcpfsm_parse_state_secs(tb[TCPFSM_A_CONFIG_STUCK], tcpfsm_stuck_thresholds_nl_policy,
				      false, cfg.stuck, &changed, info->extack);
	if (err)
		goto out;
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

int tcpfsm_netlink_init(void)
{
	int err;

	err = tcpfsm_nl_event_init();
	if (err)
		return err;
	err = tcpfsm_genl_register_family(&tcpfsm_genl_family, tcpfsm_nl_ops,
					  ARRAY_SIZE(tcpfsm_nl_ops));
	if (err)
		goto err_family;
	err = tcpfsm_nl_event_attach();
	if (err)
		goto err_attach;
	return 0;

err_attach:
	genl_unregister_family(&tcpfsm_genl_family);
err_family:
	tcpfsm_nl_event_uninit();
	return err;
}

void tcpfsm_netlink_uninit(void)
{
	/* Returns once no event is still looking at the family or our pernet data. */
	tcpfsm_nl_event_detach();
	genl_unregister_family(&tcpfsm_genl_family);
	tcpfsm_nl_event_uninit();
}
