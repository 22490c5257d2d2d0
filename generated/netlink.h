/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/tcpfsm.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_TCPFSM_GEN_H
#define _LINUX_TCPFSM_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/tcpfsm.h>
#include <tcpfsm_compat.h>
#include <linux/socket.h>
#include <linux/socket.h>

/* Common nested types */
extern const struct nla_policy tcpfsm_config_nl_policy[TCPFSM_A_CONFIG_STUCK + 1];
extern const struct nla_policy tcpfsm_filter_nl_policy[TCPFSM_A_FILTER_TO_STATE_MASK + 1];
extern const struct nla_policy tcpfsm_prefix_nl_policy[TCPFSM_A_PREFIX_LEN + 1];
extern const struct nla_policy tcpfsm_stuck_thresholds_nl_policy[TCPFSM_A_STUCK_THRESHOLDS_CLOSING + 1];
extern const struct nla_policy tcpfsm_timeouts_nl_policy[TCPFSM_A_TIMEOUTS_CLOSING + 1];
extern const struct nla_policy tcpfsm_tuple_nl_policy[TCPFSM_A_TUPLE_SERVER_PORT + 1];

/* Ops table for tcpfsm */
extern const struct genl_split_ops tcpfsm_nl_ops[11];

int tcpfsm_nl_flow_get_dump_start(struct netlink_callback *cb);
int tcpfsm_nl_stats_get_dump_start(struct netlink_callback *cb);
int tcpfsm_nl_summary_get_dump_start(struct netlink_callback *cb);
int tcpfsm_nl_flow_get_dump_done(struct netlink_callback *cb);
int tcpfsm_nl_stats_get_dump_done(struct netlink_callback *cb);
int tcpfsm_nl_summary_get_dump_done(struct netlink_callback *cb);

int tcpfsm_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tcpfsm_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_stats_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int tcpfsm_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_summary_get_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_summary_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int tcpfsm_nl_event_subscribe_doit(struct sk_buff *skb, struct genl_info *info);
int tcpfsm_nl_event_unsubscribe_doit(struct sk_buff *skb,
				     struct genl_info *info);
int tcpfsm_nl_event_sub_get_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	TCPFSM_NLGRP_NEW,
	TCPFSM_NLGRP_CHANGE,
	TCPFSM_NLGRP_DESTROY,
	TCPFSM_NLGRP_STUCK,
};

#endif /* _LINUX_TCPFSM_GEN_H */
