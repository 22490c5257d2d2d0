/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tcpfsm: per-endpoint TCP state tracking, userspace API.
 *
 * State values are the kernel's own TCP_* numbers (include/net/tcp_states.h),
 * so a tool can compare an endpoint's state with the st column of
 * /proc/net/tcp without a translation table.  TCP_NEW_SYN_RECV (12) is a
 * kernel-internal request socket and is never reported.
 */
#ifndef _UAPI_LINUX_TCPFSM_H
#define _UAPI_LINUX_TCPFSM_H

#include <linux/types.h>

enum tcpfsm_state {
	TCPFSM_STATE_NONE = 0,		/* not a state: "unset" in attributes */
	TCPFSM_STATE_ESTABLISHED = 1,
	TCPFSM_STATE_SYN_SENT = 2,
	TCPFSM_STATE_SYN_RECEIVED = 3,
	TCPFSM_STATE_FIN_WAIT_1 = 4,
	TCPFSM_STATE_FIN_WAIT_2 = 5,
	TCPFSM_STATE_TIME_WAIT = 6,
	TCPFSM_STATE_CLOSED = 7,
	TCPFSM_STATE_CLOSE_WAIT = 8,
	TCPFSM_STATE_LAST_ACK = 9,
	TCPFSM_STATE_LISTEN = 10,
	TCPFSM_STATE_CLOSING = 11,
	__TCPFSM_STATE_MAX,
};

#define TCPFSM_STATE_MAX (__TCPFSM_STATE_MAX - 1)

/* The two endpoints of a flow.  The client sent the first SYN. */
enum tcpfsm_endpoint {
	TCPFSM_CLIENT = 0,
	TCPFSM_SERVER = 1,
};

/* What a segment is, for the state machine (flag precedence RST > SYN > FIN > ACK). */
enum tcpfsm_seg_kind {
	TCPFSM_SEG_SYN = 0,		/* SYN without ACK */
	TCPFSM_SEG_SYNACK = 1,		/* SYN with ACK */
	TCPFSM_SEG_FIN = 2,		/* FIN with ACK, with or without data */
	TCPFSM_SEG_ACK = 3,		/* ACK, with or without data */
	TCPFSM_SEG_RST = 4,		/* RST, whatever else is set */
	TCPFSM_SEG_INVALID = 5,		/* a flag combination TCP never sends */
	__TCPFSM_SEG_MAX,
};

/* Why a segment was not accepted; each has a counter in the statistics. */
enum tcpfsm_reason {
	TCPFSM_REASON_NONE = 0,
	TCPFSM_REASON_BAD_FLAGS,	/* SYN+FIN, no flags, FIN without ACK, ... */
	TCPFSM_REASON_SEQ_WINDOW,	/* sequence number outside the window */
	TCPFSM_REASON_ACK_WINDOW,	/* acknowledges data never sent, or far too old */
	TCPFSM_REASON_RST_WINDOW,	/* RST outside the window (blind reset, RFC 5961) */
	TCPFSM_REASON_RST_CHALLENGE,	/* RST in the window but not exact: state kept */
	TCPFSM_REASON_BAD_ACK,		/* SYN/ACK or RST that does not acknowledge the SYN */
	TCPFSM_REASON_UNEXPECTED,	/* segment kind not valid in the endpoint's state */
	TCPFSM_REASON_NO_PICKUP,	/* first segment not a SYN and pickup is off */
	__TCPFSM_REASON_MAX,
};

/* Why a flow left the table. */
enum tcpfsm_destroy_reason {
	TCPFSM_DESTROY_CLOSED = 0,	/* both endpoints CLOSED after a FIN exchange */
	TCPFSM_DESTROY_TIME_WAIT,	/* TIME-WAIT timeout ended */
	TCPFSM_DESTROY_TIMEOUT,		/* idle timeout of its current states */
	TCPFSM_DESTROY_EVICTED,		/* evicted to make room (max_flows) */
	TCPFSM_DESTROY_RST,		/* connection reset */
	TCPFSM_DESTROY_UNLOAD,		/* module unloaded or namespace removed */
	TCPFSM_DESTROY_REPLACED,	/* a new SYN reused the tuple */
	__TCPFSM_DESTROY_MAX,
};

/* Flow flags (bit numbers), shown in /proc and in TCPFSM_A_FLOW_FLAGS. */
enum tcpfsm_flow_flag {
	TCPFSM_FLOW_PICKUP = 0,		/* picked up mid-stream: no handshake seen */
	TCPFSM_FLOW_SIMOPEN,		/* simultaneous open */
	TCPFSM_FLOW_SIMCLOSE,		/* simultaneous close */
	__TCPFSM_FLOW_FLAG_MAX,
};

/*
 * Generic netlink interface: family TCPFSM_GENL_NAME, version
 * TCPFSM_GENL_VERSION.  Documentation/netlink/tcpfsm.yaml is the contract;
 * this section follows it.  Ports are big-endian (network order), addresses
 * are 4 (AF_INET) or 16 (AF_INET6) bytes in network order, times are
 * milliseconds unless the name says otherwise, 64-bit values are u64 padded
 * with the *_PAD attribute of their set.
 */
#define TCPFSM_GENL_NAME		"tcpfsm"
#define TCPFSM_GENL_VERSION		1

#define TCPFSM_MCGRP_NEW		"new"
#define TCPFSM_MCGRP_CHANGE		"change"
#define TCPFSM_MCGRP_DESTROY		"destroy"

enum tcpfsm_cmd {
	TCPFSM_CMD_UNSPEC,
	TCPFSM_CMD_FLOW_GET,		/* do: one flow by tuple; dump: filtered table */
	TCPFSM_CMD_STATS_GET,		/* do: counters of the caller's namespace */
	TCPFSM_CMD_CONFIG_GET,		/* do: configuration of the caller's namespace */
	TCPFSM_CMD_CONFIG_SET,		/* do: change it (CAP_NET_ADMIN) */
	TCPFSM_CMD_FLOW_NEW,		/* notification, group "new" */
	TCPFSM_CMD_FLOW_CHANGE,		/* notification, group "change" */
	TCPFSM_CMD_FLOW_DESTROY,	/* notification, group "destroy" */
	__TCPFSM_CMD_MAX,
};

#define TCPFSM_CMD_MAX (__TCPFSM_CMD_MAX - 1)

/* Top-level attributes of every message. */
enum tcpfsm_attr {
	TCPFSM_A_UNSPEC,
	TCPFSM_A_PAD,
	TCPFSM_A_FLOW,			/* nest, enum tcpfsm_flow_attr */
	TCPFSM_A_EVENT,			/* nest, enum tcpfsm_event_attr */
	TCPFSM_A_TOMBSTONE,		/* nest, enum tcpfsm_tomb_attr */
	TCPFSM_A_TUPLE,			/* nest, enum tcpfsm_tuple_attr: FLOW_GET do */
	TCPFSM_A_FILTER,		/* nest, enum tcpfsm_filter_attr: FLOW_GET dump */
	TCPFSM_A_SINCE_GEN,		/* u64: dump flows changed, and tombstones, after it */
	TCPFSM_A_DUMP,			/* nest, enum tcpfsm_dump_attr: first dump message */
	TCPFSM_A_STATS,			/* nest, enum tcpfsm_stats_attr */
	TCPFSM_A_CONFIG,		/* nest, enum tcpfsm_config_attr */
	__TCPFSM_A_MAX,
};

#define TCPFSM_A_MAX (__TCPFSM_A_MAX - 1)

enum tcpfsm_tuple_attr {
	TCPFSM_A_TUPLE_UNSPEC,
	TCPFSM_A_TUPLE_FAMILY,		/* u8: AF_INET or AF_INET6 */
	TCPFSM_A_TUPLE_CLIENT_ADDR,	/* binary, 4 or 16 bytes */
	TCPFSM_A_TUPLE_SERVER_ADDR,	/* binary, 4 or 16 bytes */
	TCPFSM_A_TUPLE_CLIENT_PORT,	/* be16 */
	TCPFSM_A_TUPLE_SERVER_PORT,	/* be16 */
	__TCPFSM_A_TUPLE_MAX,
};

#define TCPFSM_A_TUPLE_MAX (__TCPFSM_A_TUPLE_MAX - 1)

enum tcpfsm_flow_attr {
	TCPFSM_A_FLOW_UNSPEC,
	TCPFSM_A_FLOW_PAD,
	TCPFSM_A_FLOW_TUPLE,		/* nest, enum tcpfsm_tuple_attr */
	TCPFSM_A_FLOW_CLIENT_STATE,	/* u8, enum tcpfsm_state */
	TCPFSM_A_FLOW_SERVER_STATE,	/* u8, enum tcpfsm_state */
	TCPFSM_A_FLOW_FLAGS,		/* u32, BIT(enum tcpfsm_flow_flag) */
	TCPFSM_A_FLOW_AGE_MS,		/* u32 */
	TCPFSM_A_FLOW_IDLE_MS,		/* u32 */
	TCPFSM_A_FLOW_CLIENT_IN_STATE_MS, /* u32 */
	TCPFSM_A_FLOW_SERVER_IN_STATE_MS, /* u32 */
	TCPFSM_A_FLOW_RTT_US,		/* u32, 0 when no handshake was seen */
	TCPFSM_A_FLOW_INVALID,		/* u32, segments not accepted (at most 65535) */
	TCPFSM_A_FLOW_CLIENT_PACKETS,	/* u64 */
	TCPFSM_A_FLOW_CLIENT_BYTES,	/* u64, payload */
	TCPFSM_A_FLOW_SERVER_PACKETS,	/* u64 */
	TCPFSM_A_FLOW_SERVER_BYTES,	/* u64, payload */
	TCPFSM_A_FLOW_GEN,		/* u64, namespace generation of its last change
					 * (of a flow unchanged for 2^32 generations:
					 * later than that, never earlier)
					 */
	__TCPFSM_A_FLOW_MAX,
};

#define TCPFSM_A_FLOW_MAX (__TCPFSM_A_FLOW_MAX - 1)

enum tcpfsm_event_attr {
	TCPFSM_A_EVENT_UNSPEC,
	TCPFSM_A_EVENT_PAD,
	TCPFSM_A_EVENT_SEQ,		/* u32, per namespace and group, +1 per event */
	TCPFSM_A_EVENT_GEN,		/* u64, namespace generation this event made */
	TCPFSM_A_EVENT_ENDPOINT,	/* u8, enum tcpfsm_endpoint (CHANGE) */
	TCPFSM_A_EVENT_OLD_STATE,	/* u8 (CHANGE) */
	TCPFSM_A_EVENT_NEW_STATE,	/* u8 (CHANGE) */
	TCPFSM_A_EVENT_SEG_FLAGS,	/* u8, TCP flags of the causing segment */
	TCPFSM_A_EVENT_SEG_DIR,		/* u8, 0 client->server, 1 server->client */
	TCPFSM_A_EVENT_OLD_STATE_MS,	/* u32, time spent in the old state (CHANGE) */
	TCPFSM_A_EVENT_REASON,		/* u8, enum tcpfsm_destroy_reason (DESTROY) */
	__TCPFSM_A_EVENT_MAX,
};

#define TCPFSM_A_EVENT_MAX (__TCPFSM_A_EVENT_MAX - 1)

/* A flow destroyed after the dump's SINCE_GEN. */
enum tcpfsm_tomb_attr {
	TCPFSM_A_TOMB_UNSPEC,
	TCPFSM_A_TOMB_PAD,
	TCPFSM_A_TOMB_TUPLE,		/* nest, enum tcpfsm_tuple_attr */
	TCPFSM_A_TOMB_GEN,		/* u64, generation of the destroy */
	TCPFSM_A_TOMB_REASON,		/* u8, enum tcpfsm_destroy_reason */
	__TCPFSM_A_TOMB_MAX,
};

#define TCPFSM_A_TOMB_MAX (__TCPFSM_A_TOMB_MAX - 1)

/* An address prefix, for filters. */
enum tcpfsm_prefix_attr {
	TCPFSM_A_PREFIX_UNSPEC,
	TCPFSM_A_PREFIX_FAMILY,		/* u8: AF_INET or AF_INET6 */
	TCPFSM_A_PREFIX_ADDR,		/* binary, 4 or 16 bytes */
	TCPFSM_A_PREFIX_LEN,		/* u8, 0..32 or 0..128; absent: full length */
	__TCPFSM_A_PREFIX_MAX,
};

#define TCPFSM_A_PREFIX_MAX (__TCPFSM_A_PREFIX_MAX - 1)

/* Dump filters: a flow is sent when it matches every attribute present. */
enum tcpfsm_filter_attr {
	TCPFSM_A_FILTER_UNSPEC,
	TCPFSM_A_FILTER_STATE_MASK,	/* u32, BIT(state): either endpoint in it */
	TCPFSM_A_FILTER_CLIENT_STATE_MASK, /* u32, BIT(state) */
	TCPFSM_A_FILTER_SERVER_STATE_MASK, /* u32, BIT(state) */
	TCPFSM_A_FILTER_CLIENT_PORT,	/* be16 */
	TCPFSM_A_FILTER_SERVER_PORT,	/* be16 */
	TCPFSM_A_FILTER_FAMILY,		/* u8: AF_INET or AF_INET6 */
	TCPFSM_A_FILTER_CLIENT_PREFIX,	/* nest, enum tcpfsm_prefix_attr */
	TCPFSM_A_FILTER_SERVER_PREFIX,	/* nest, enum tcpfsm_prefix_attr */
	__TCPFSM_A_FILTER_MAX,
};

#define TCPFSM_A_FILTER_MAX (__TCPFSM_A_FILTER_MAX - 1)

/* Valid bits of the state masks: BIT(1) .. BIT(11). */
#define TCPFSM_STATE_MASK_ALL	(((1U << __TCPFSM_STATE_MAX) - 1) & ~1U)

/* What the first message of a FLOW_GET dump says about the dump. */
enum tcpfsm_dump_attr {
	TCPFSM_A_DUMP_UNSPEC,
	TCPFSM_A_DUMP_PAD,
	TCPFSM_A_DUMP_GEN,		/* u64, namespace generation at the dump's start */
	TCPFSM_A_DUMP_FULL,		/* flag: the whole table follows (no SINCE_GEN, or
					 * the destroy ring no longer reaches back to it)
					 */
	TCPFSM_A_DUMP_SEQ_NEW,		/* u32, last sequence number of group "new" */
	TCPFSM_A_DUMP_SEQ_CHANGE,	/* u32, ... of group "change" */
	TCPFSM_A_DUMP_SEQ_DESTROY,	/* u32, ... of group "destroy" */
	__TCPFSM_A_DUMP_MAX,
};

#define TCPFSM_A_DUMP_MAX (__TCPFSM_A_DUMP_MAX - 1)

enum tcpfsm_stats_attr {
	TCPFSM_A_STATS_UNSPEC,
	TCPFSM_A_STATS_PAD,
	TCPFSM_A_STATS_SEGMENTS,	/* u64 */
	TCPFSM_A_STATS_CREATED,		/* u64 */
	TCPFSM_A_STATS_EXPIRED,		/* u64 */
	TCPFSM_A_STATS_CLOSED,		/* u64 */
	TCPFSM_A_STATS_EVICTED,		/* u64 */
	TCPFSM_A_STATS_NOT_TRACKED,	/* u64 */
	TCPFSM_A_STATS_INVALID,		/* nest: attribute type = enum tcpfsm_reason, u64 */
	TCPFSM_A_STATS_TRUNCATED,	/* u64 */
	TCPFSM_A_STATS_FRAGMENTS,	/* u64 */
	TCPFSM_A_STATS_EVENTS_LOST,	/* u64 */
	TCPFSM_A_STATS_FLOWS,		/* u32, in this namespace */
	TCPFSM_A_STATS_FLOWS_TOTAL,	/* u32, all namespaces */
	TCPFSM_A_STATS_MAX_FLOWS,	/* u32, global limit */
	TCPFSM_A_STATS_FLOW_BYTES,	/* u32, memory of one IPv4 flow */
	TCPFSM_A_STATS_FLOW6_BYTES,	/* u32, memory of one IPv6 flow */
	__TCPFSM_A_STATS_MAX,
};

#define TCPFSM_A_STATS_MAX (__TCPFSM_A_STATS_MAX - 1)

enum tcpfsm_config_attr {
	TCPFSM_A_CONFIG_UNSPEC,
	TCPFSM_A_CONFIG_TIMEOUT,	/* nest: attribute type = enum tcpfsm_state, u32 s */
	TCPFSM_A_CONFIG_MAX_FLOWS,	/* u32, global: needs init-namespace CAP_NET_ADMIN */
	TCPFSM_A_CONFIG_PICKUP,		/* u8, 0 or 1 */
	TCPFSM_A_CONFIG_NETNS_MAX_FLOWS, /* u32, this namespace's quota (0 on set:
					  * the default); setting it needs
					  * init-namespace CAP_NET_ADMIN
					  */
	__TCPFSM_A_CONFIG_MAX,
};

#define TCPFSM_A_CONFIG_MAX (__TCPFSM_A_CONFIG_MAX - 1)

#define TCPFSM_TIMEOUT_MAX	2147483U	/* seconds, about 24.8 days */

#endif /* _UAPI_LINUX_TCPFSM_H */
