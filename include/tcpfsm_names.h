/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every name a user reads, written once and indexed by the uAPI enums: the
 * module (/proc/net/tcpfsm, /proc/net/stat/tcpfsm, netlink) and the CLI
 * (tools/tcpfsm) both build their tables from these initialisers, so the
 * two can never spell a state, a reason or a counter differently.  Plain C
 * on top of the uAPI header, for the kernel and for userspace alike.
 */
#ifndef _TCPFSM_NAMES_H
#define _TCPFSM_NAMES_H

#include <uapi/linux/tcpfsm.h>

/* RFC 9293's spelling; NONE is "unset", never an endpoint's state. */
#define TCPFSM_STATE_NAMES {					\
	[TCPFSM_STATE_NONE]		= "NONE",		\
	[TCPFSM_STATE_ESTABLISHED]	= "ESTABLISHED",	\
	[TCPFSM_STATE_SYN_SENT]		= "SYN-SENT",		\
	[TCPFSM_STATE_SYN_RECEIVED]	= "SYN-RECEIVED",	\
	[TCPFSM_STATE_FIN_WAIT_1]	= "FIN-WAIT-1",		\
	[TCPFSM_STATE_FIN_WAIT_2]	= "FIN-WAIT-2",		\
	[TCPFSM_STATE_TIME_WAIT]	= "TIME-WAIT",		\
	[TCPFSM_STATE_CLOSED]		= "CLOSED",		\
	[TCPFSM_STATE_CLOSE_WAIT]	= "CLOSE-WAIT",		\
	[TCPFSM_STATE_LAST_ACK]		= "LAST-ACK",		\
	[TCPFSM_STATE_LISTEN]		= "LISTEN",		\
	[TCPFSM_STATE_CLOSING]		= "CLOSING",		\
}

/* Why a segment was refused: the invalid_<name> counters. */
#define TCPFSM_REASON_NAMES {					\
	[TCPFSM_REASON_NONE]		= "none",		\
	[TCPFSM_REASON_BAD_FLAGS]	= "bad_flags",		\
	[TCPFSM_REASON_SEQ_WINDOW]	= "seq_window",		\
	[TCPFSM_REASON_ACK_WINDOW]	= "ack_window",		\
	[TCPFSM_REASON_RST_WINDOW]	= "rst_window",		\
	[TCPFSM_REASON_RST_CHALLENGE]	= "rst_challenge",	\
	[TCPFSM_REASON_BAD_ACK]		= "bad_ack",		\
	[TCPFSM_REASON_UNEXPECTED]	= "unexpected",		\
	[TCPFSM_REASON_NO_PICKUP]	= "no_pickup",		\
}

/* Why a flow left the table, as DESTROY events and tombstones say. */
#define TCPFSM_DESTROY_NAMES {					\
	[TCPFSM_DESTROY_CLOSED]		= "closed",		\
	[TCPFSM_DESTROY_TIME_WAIT]	= "time-wait-done",	\
	[TCPFSM_DESTROY_TIMEOUT]	= "timeout",		\
	[TCPFSM_DESTROY_EVICTED]	= "evicted",		\
	[TCPFSM_DESTROY_RST]		= "reset",		\
	[TCPFSM_DESTROY_UNLOAD]		= "unload",		\
	[TCPFSM_DESTROY_REPLACED]	= "replaced",		\
}

/* A flow's flags: the CLI's words, and /proc's one-letter column. */
#define TCPFSM_FLOW_FLAG_NAMES {				\
	[TCPFSM_FLOW_PICKUP]		= "pickup",		\
	[TCPFSM_FLOW_SIMOPEN]		= "simopen",		\
	[TCPFSM_FLOW_SIMCLOSE]		= "simclose",		\
	[TCPFSM_FLOW_CLIENT_STUCK]	= "client-stuck",	\
	[TCPFSM_FLOW_SERVER_STUCK]	= "server-stuck",	\
}

#define TCPFSM_FLOW_FLAG_LETTERS {				\
	[TCPFSM_FLOW_PICKUP]		= 'P',			\
	[TCPFSM_FLOW_SIMOPEN]		= 'O',			\
	[TCPFSM_FLOW_SIMCLOSE]		= 'C',			\
	[TCPFSM_FLOW_CLIENT_STUCK]	= 'c',			\
	[TCPFSM_FLOW_SERVER_STUCK]	= 's',			\
}

/*
 * The statistics, in the order of enum tcpfsm_stats_attr, which is also
 * /proc/net/stat/tcpfsm's: a counter is a u64 that only grows, a gauge a
 * u32 read when asked, and "invalid" a nest of counters by enum
 * tcpfsm_reason (invalid_<reason> in flat listings).  Slots without a name
 * (UNSPEC, PAD) are not statistics.
 */
enum tcpfsm_stat_kind {
	TCPFSM_STAT_NONE,
	TCPFSM_STAT_COUNTER,
	TCPFSM_STAT_GAUGE,
	TCPFSM_STAT_BY_REASON,
};

struct tcpfsm_stat_desc {
	const char *name;
	unsigned char kind;		/* enum tcpfsm_stat_kind */
};

#define TCPFSM_STAT_DESCS {							\
	[TCPFSM_A_STATS_SEGMENTS]	= { "segments", TCPFSM_STAT_COUNTER },	\
	[TCPFSM_A_STATS_CREATED]	= { "created", TCPFSM_STAT_COUNTER },	\
	[TCPFSM_A_STATS_EXPIRED]	= { "expired", TCPFSM_STAT_COUNTER },	\
	[TCPFSM_A_STATS_CLOSED]		= { "closed", TCPFSM_STAT_COUNTER },	\
	[TCPFSM_A_STATS_EVICTED]	= { "evicted", TCPFSM_STAT_COUNTER },	\
	[TCPFSM_A_STATS_NOT_TRACKED]	= { "not_tracked", TCPFSM_STAT_COUNTER }, \
	[TCPFSM_A_STATS_INVALID]	= { "invalid", TCPFSM_STAT_BY_REASON },	\
	[TCPFSM_A_STATS_TRUNCATED]	= { "truncated", TCPFSM_STAT_COUNTER },	\
	[TCPFSM_A_STATS_FRAGMENTS]	= { "fragments", TCPFSM_STAT_COUNTER },	\
	[TCPFSM_A_STATS_EVENTS_LOST]	= { "events_lost", TCPFSM_STAT_COUNTER }, \
	[TCPFSM_A_STATS_FLOWS]		= { "flows", TCPFSM_STAT_GAUGE },	\
	[TCPFSM_A_STATS_FLOWS_TOTAL]	= { "flows_total", TCPFSM_STAT_GAUGE },	\
	[TCPFSM_A_STATS_MAX_FLOWS]	= { "max_flows", TCPFSM_STAT_GAUGE },	\
	[TCPFSM_A_STATS_FLOW_BYTES]	= { "flow_bytes", TCPFSM_STAT_GAUGE },	\
	[TCPFSM_A_STATS_FLOW6_BYTES]	= { "flow6_bytes", TCPFSM_STAT_GAUGE },	\
}

#endif /* _TCPFSM_NAMES_H */
