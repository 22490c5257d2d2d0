// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/tcpfsm.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink.h"

#include <uapi/linux/tcpfsm.h>
#include <tcpfsm_compat.h>
#include <linux/socket.h>
#include <linux/socket.h>

/* Integer value ranges */
static const struct netlink_range_validation tcpfsm_a_timeouts_established_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_syn_sent_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_syn_received_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_fin_wait_1_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_fin_wait_2_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_time_wait_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_closed_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_close_wait_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_last_ack_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_listen_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_timeouts_closing_range = {
	.min	= 1ULL,
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_established_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_syn_sent_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_syn_received_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_fin_wait_1_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_fin_wait_2_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_time_wait_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_closed_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_close_wait_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_last_ack_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_listen_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_stuck_thresholds_closing_range = {
	.max	= TCPFSM_TIMEOUT_MAX,
};

static const struct netlink_range_validation tcpfsm_a_config_max_flows_range = {
	.min	= 1ULL,
	.max	= TCPFSM_MAX_FLOWS_MAX,
};

static const struct netlink_range_validation tcpfsm_a_config_netns_max_flows_range = {
	.max	= TCPFSM_MAX_FLOWS_MAX,
};

/* Common nested types */
const struct nla_policy tcpfsm_config_nl_policy[TCPFSM_A_CONFIG_STUCK + 1] = {
	[TCPFSM_A_CONFIG_TIMEOUT] = NLA_POLICY_NESTED(tcpfsm_timeouts_nl_policy),
	[TCPFSM_A_CONFIG_MAX_FLOWS] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_config_max_flows_range),
	[TCPFSM_A_CONFIG_PICKUP] = NLA_POLICY_MAX(NLA_U8, 1),
	[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_config_netns_max_flows_range),
	[TCPFSM_A_CONFIG_STUCK] = NLA_POLICY_NESTED(tcpfsm_stuck_thresholds_nl_policy),
};

const struct nla_policy tcpfsm_filter_nl_policy[TCPFSM_A_FILTER_TO_STATE_MASK + 1] = {
	[TCPFSM_A_FILTER_STATE_MASK] = NLA_POLICY_MASK(NLA_U32, 0xffe),
	[TCPFSM_A_FILTER_CLIENT_STATE_MASK] = NLA_POLICY_MASK(NLA_U32, 0xffe),
	[TCPFSM_A_FILTER_SERVER_STATE_MASK] = NLA_POLICY_MASK(NLA_U32, 0xffe),
	[TCPFSM_A_FILTER_CLIENT_PORT] = { .type = NLA_U16, },
	[TCPFSM_A_FILTER_SERVER_PORT] = { .type = NLA_U16, },
	[TCPFSM_A_FILTER_FAMILY] = NLA_POLICY_RANGE(NLA_U8, AF_INET, AF_INET6),
	[TCPFSM_A_FILTER_CLIENT_PREFIX] = NLA_POLICY_NESTED(tcpfsm_prefix_nl_policy),
	[TCPFSM_A_FILTER_SERVER_PREFIX] = NLA_POLICY_NESTED(tcpfsm_prefix_nl_policy),
	[TCPFSM_A_FILTER_STUCK] = { .type = NLA_FLAG, },
	[TCPFSM_A_FILTER_EVENTS] = NLA_POLICY_MASK(NLA_U32, 0xf),
	[TCPFSM_A_FILTER_ENDPOINT] = NLA_POLICY_MAX(NLA_U8, 1),
	[TCPFSM_A_FILTER_FROM_STATE_MASK] = NLA_POLICY_MASK(NLA_U32, 0xffe),
	[TCPFSM_A_FILTER_TO_STATE_MASK] = NLA_POLICY_MASK(NLA_U32, 0xffe),
};

const struct nla_policy tcpfsm_prefix_nl_policy[TCPFSM_A_PREFIX_LEN + 1] = {
	[TCPFSM_A_PREFIX_FAMILY] = NLA_POLICY_RANGE(NLA_U8, AF_INET, AF_INET6),
	[TCPFSM_A_PREFIX_ADDR] = { .type = NLA_BINARY, },
	[TCPFSM_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy tcpfsm_stuck_thresholds_nl_policy[TCPFSM_A_STUCK_THRESHOLDS_CLOSING + 1] = {
	[TCPFSM_A_STUCK_THRESHOLDS_ESTABLISHED] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_established_range),
	[TCPFSM_A_STUCK_THRESHOLDS_SYN_SENT] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_syn_sent_range),
	[TCPFSM_A_STUCK_THRESHOLDS_SYN_RECEIVED] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_syn_received_range),
	[TCPFSM_A_STUCK_THRESHOLDS_FIN_WAIT_1] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_fin_wait_1_range),
	[TCPFSM_A_STUCK_THRESHOLDS_FIN_WAIT_2] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_fin_wait_2_range),
	[TCPFSM_A_STUCK_THRESHOLDS_TIME_WAIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_time_wait_range),
	[TCPFSM_A_STUCK_THRESHOLDS_CLOSED] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_closed_range),
	[TCPFSM_A_STUCK_THRESHOLDS_CLOSE_WAIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_close_wait_range),
	[TCPFSM_A_STUCK_THRESHOLDS_LAST_ACK] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_last_ack_range),
	[TCPFSM_A_STUCK_THRESHOLDS_LISTEN] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_listen_range),
	[TCPFSM_A_STUCK_THRESHOLDS_CLOSING] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_stuck_thresholds_closing_range),
};

const struct nla_policy tcpfsm_timeouts_nl_policy[TCPFSM_A_TIMEOUTS_CLOSING + 1] = {
	[TCPFSM_A_TIMEOUTS_ESTABLISHED] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_established_range),
	[TCPFSM_A_TIMEOUTS_SYN_SENT] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_syn_sent_range),
	[TCPFSM_A_TIMEOUTS_SYN_RECEIVED] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_syn_received_range),
	[TCPFSM_A_TIMEOUTS_FIN_WAIT_1] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_fin_wait_1_range),
	[TCPFSM_A_TIMEOUTS_FIN_WAIT_2] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_fin_wait_2_range),
	[TCPFSM_A_TIMEOUTS_TIME_WAIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_time_wait_range),
	[TCPFSM_A_TIMEOUTS_CLOSED] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_closed_range),
	[TCPFSM_A_TIMEOUTS_CLOSE_WAIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_close_wait_range),
	[TCPFSM_A_TIMEOUTS_LAST_ACK] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_last_ack_range),
	[TCPFSM_A_TIMEOUTS_LISTEN] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_listen_range),
	[TCPFSM_A_TIMEOUTS_CLOSING] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpfsm_a_timeouts_closing_range),
};

const struct nla_policy tcpfsm_tuple_nl_policy[TCPFSM_A_TUPLE_SERVER_PORT + 1] = {
	[TCPFSM_A_TUPLE_FAMILY] = NLA_POLICY_RANGE(NLA_U8, AF_INET, AF_INET6),
	[TCPFSM_A_TUPLE_CLIENT_ADDR] = { .type = NLA_BINARY, },
	[TCPFSM_A_TUPLE_SERVER_ADDR] = { .type = NLA_BINARY, },
	[TCPFSM_A_TUPLE_CLIENT_PORT] = { .type = NLA_U16, },
	[TCPFSM_A_TUPLE_SERVER_PORT] = { .type = NLA_U16, },
};

/* TCPFSM_CMD_FLOW_GET - do */
static const struct nla_policy tcpfsm_flow_get_do_nl_policy[TCPFSM_A_SUB_PORTID + 1] = {
	[TCPFSM_A_TUPLE] = NLA_POLICY_NESTED(tcpfsm_tuple_nl_policy),
	[TCPFSM_A_FILTER] = NLA_POLICY_NESTED(tcpfsm_filter_nl_policy),
	[TCPFSM_A_SINCE_GEN] = { .type = NLA_U64, },
	[TCPFSM_A_ALL_NETNS] = { .type = NLA_FLAG, },
	[TCPFSM_A_SUB_PORTID] = { .type = NLA_U32, },
};

/* TCPFSM_CMD_FLOW_GET - dump */
static const struct nla_policy tcpfsm_flow_get_dump_nl_policy[TCPFSM_A_SUB_PORTID + 1] = {
	[TCPFSM_A_TUPLE] = NLA_POLICY_NESTED(tcpfsm_tuple_nl_policy),
	[TCPFSM_A_FILTER] = NLA_POLICY_NESTED(tcpfsm_filter_nl_policy),
	[TCPFSM_A_SINCE_GEN] = { .type = NLA_U64, },
	[TCPFSM_A_ALL_NETNS] = { .type = NLA_FLAG, },
	[TCPFSM_A_SUB_PORTID] = { .type = NLA_U32, },
};

/* TCPFSM_CMD_STATS_GET - do */
static const struct nla_policy tcpfsm_stats_get_do_nl_policy[TCPFSM_A_ALL_NETNS + 1] = {
	[TCPFSM_A_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPFSM_CMD_STATS_GET - dump */
static const struct nla_policy tcpfsm_stats_get_dump_nl_policy[TCPFSM_A_ALL_NETNS + 1] = {
	[TCPFSM_A_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPFSM_CMD_CONFIG_SET - do */
static const struct nla_policy tcpfsm_config_set_nl_policy[TCPFSM_A_CONFIG + 1] = {
	[TCPFSM_A_CONFIG] = NLA_POLICY_NESTED(tcpfsm_config_nl_policy),
};

/* TCPFSM_CMD_SUMMARY_GET - do */
static const struct nla_policy tcpfsm_summary_get_do_nl_policy[TCPFSM_A_ALL_NETNS + 1] = {
	[TCPFSM_A_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPFSM_CMD_SUMMARY_GET - dump */
static const struct nla_policy tcpfsm_summary_get_dump_nl_policy[TCPFSM_A_ALL_NETNS + 1] = {
	[TCPFSM_A_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPFSM_CMD_EVENT_SUBSCRIBE - do */
static const struct nla_policy tcpfsm_event_subscribe_nl_policy[TCPFSM_A_ALL_NETNS + 1] = {
	[TCPFSM_A_FILTER] = NLA_POLICY_NESTED(tcpfsm_filter_nl_policy),
	[TCPFSM_A_ALL_NETNS] = { .type = NLA_FLAG, },
};

/* TCPFSM_CMD_EVENT_SUB_GET - do */
static const struct nla_policy tcpfsm_event_sub_get_nl_policy[TCPFSM_A_SUB_PORTID + 1] = {
	[TCPFSM_A_SUB_PORTID] = { .type = NLA_U32, },
};

/* Ops table for tcpfsm */
const struct genl_split_ops tcpfsm_nl_ops[11] = {
	{
		.cmd		= TCPFSM_CMD_FLOW_GET,
		.doit		= tcpfsm_nl_flow_get_doit,
		.policy		= tcpfsm_flow_get_do_nl_policy,
		.maxattr	= TCPFSM_A_SUB_PORTID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPFSM_CMD_FLOW_GET,
		.start		= tcpfsm_nl_flow_get_dump_start,
		.dumpit		= tcpfsm_nl_flow_get_dumpit,
		.done		= tcpfsm_nl_flow_get_dump_done,
		.policy		= tcpfsm_flow_get_dump_nl_policy,
		.maxattr	= TCPFSM_A_SUB_PORTID,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TCPFSM_CMD_STATS_GET,
		.doit		= tcpfsm_nl_stats_get_doit,
		.policy		= tcpfsm_stats_get_do_nl_policy,
		.maxattr	= TCPFSM_A_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPFSM_CMD_STATS_GET,
		.start		= tcpfsm_nl_stats_get_dump_start,
		.dumpit		= tcpfsm_nl_stats_get_dumpit,
		.done		= tcpfsm_nl_stats_get_dump_done,
		.policy		= tcpfsm_stats_get_dump_nl_policy,
		.maxattr	= TCPFSM_A_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= TCPFSM_CMD_CONFIG_GET,
		.doit	= tcpfsm_nl_config_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPFSM_CMD_CONFIG_SET,
		.doit		= tcpfsm_nl_config_set_doit,
		.policy		= tcpfsm_config_set_nl_policy,
		.maxattr	= TCPFSM_A_CONFIG,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPFSM_CMD_SUMMARY_GET,
		.doit		= tcpfsm_nl_summary_get_doit,
		.policy		= tcpfsm_summary_get_do_nl_policy,
		.maxattr	= TCPFSM_A_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPFSM_CMD_SUMMARY_GET,
		.start		= tcpfsm_nl_summary_get_dump_start,
		.dumpit		= tcpfsm_nl_summary_get_dumpit,
		.done		= tcpfsm_nl_summary_get_dump_done,
		.policy		= tcpfsm_summary_get_dump_nl_policy,
		.maxattr	= TCPFSM_A_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TCPFSM_CMD_EVENT_SUBSCRIBE,
		.doit		= tcpfsm_nl_event_subscribe_doit,
		.policy		= tcpfsm_event_subscribe_nl_policy,
		.maxattr	= TCPFSM_A_ALL_NETNS,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= TCPFSM_CMD_EVENT_UNSUBSCRIBE,
		.doit	= tcpfsm_nl_event_unsubscribe_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPFSM_CMD_EVENT_SUB_GET,
		.doit		= tcpfsm_nl_event_sub_get_doit,
		.policy		= tcpfsm_event_sub_get_nl_policy,
		.maxattr	= TCPFSM_A_SUB_PORTID,
		.flags		= GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group tcpfsm_nl_mcgrps[] = {
	[TCPFSM_NLGRP_NEW] = { "new", },
	[TCPFSM_NLGRP_CHANGE] = { "change", },
	[TCPFSM_NLGRP_DESTROY] = { "destroy", },
	[TCPFSM_NLGRP_STUCK] = { "stuck", },
};
