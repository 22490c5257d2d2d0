/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure TCP state machine: no skb, no locks, no allocation, no clock.
 * The same file builds in userspace (tools/fsm-user) for fuzzing and
 * instruction counts.
 */
#ifndef _TCPFSM_FSM_H
#define _TCPFSM_FSM_H

#include <linux/bits.h>
#include <linux/types.h>
#include <uapi/linux/tcpfsm.h>

/* Direction of a segment: from the client (ORIG) or from the server (REPLY).
 * The sender's endpoint index is the direction.
 */
enum tcpfsm_dir {
	TCPFSM_DIR_ORIG = TCPFSM_CLIENT,
	TCPFSM_DIR_REPLY = TCPFSM_SERVER,
};

/* TCP header flag bits, as in byte 13 of the header. */
#define TCPFSM_TH_FIN	0x01
#define TCPFSM_TH_SYN	0x02
#define TCPFSM_TH_RST	0x04
#define TCPFSM_TH_PSH	0x08
#define TCPFSM_TH_ACK	0x10
#define TCPFSM_TH_URG	0x20
#define TCPFSM_TH_ECE	0x40
#define TCPFSM_TH_CWR	0x80

#define TCPFSM_WSCALE_NONE	0xff	/* no window scale option on the segment */
#define TCPFSM_WSCALE_MAX	14	/* RFC 7323 2.3 */

/* One observed segment, already parsed by the hook. */
struct tcpfsm_seg {
	u32 seq;
	u32 ack;
	u32 len;		/* payload bytes */
	u16 win;		/* window field as on the wire (unscaled) */
	u8 flags;		/* TCPFSM_TH_* */
	u8 wscale;		/* window scale option, or TCPFSM_WSCALE_NONE */
	u8 dir;			/* enum tcpfsm_dir */
};

/* Per-endpoint flags */
#define TCPFSM_PEER_SEEN	0x01	/* has sent a segment we tracked */
#define TCPFSM_PEER_ACKED	0x02	/* maxack is valid */
#define TCPFSM_PEER_ACTIVE	0x04	/* sent a bare SYN: opened actively */
#define TCPFSM_PEER_FIN		0x08	/* has sent a FIN; ctl_end is past it */
#define TCPFSM_PEER_WSCALE	0x10	/* offered window scaling in its SYN */

/*
 * What we track of one endpoint: van Rooij's window tracking as in
 * nf_conntrack_proto_tcp.c (td_end, td_maxend, td_maxwin), plus what the
 * endpoint last acknowledged and where its last SYN or FIN ended, which is
 * how we tell whether the peer's segments have reached it.
 */
struct tcpfsm_peer {
	u32 end;		/* highest seq + len sent */
	u32 maxend;		/* highest seq it may send: peer's ack + window */
	u32 maxwin;		/* largest (scaled) window it advertised */
	u32 maxack;		/* highest ack it sent: its rcv_nxt as last shown */
	u32 ctl_end;		/* seq just past its last SYN or FIN */
	u8 state;		/* enum tcpfsm_state */
	u8 wscale;		/* its window scale shift, once agreed */
	u8 flags;		/* TCPFSM_PEER_* */
};

/* Connection flags: the uAPI's flow flags, which show them as they are. */
#define TCPFSM_CONN_PICKUP	BIT(TCPFSM_FLOW_PICKUP)	/* picked up mid-stream */
#define TCPFSM_CONN_SIMOPEN	BIT(TCPFSM_FLOW_SIMOPEN)	/* SYNs crossed */
#define TCPFSM_CONN_SIMCLOSE	BIT(TCPFSM_FLOW_SIMCLOSE)	/* FINs crossed */

struct tcpfsm_conn {
	struct tcpfsm_peer peer[2];	/* indexed by enum tcpfsm_endpoint */
	u8 flags;			/* TCPFSM_CONN_* */
};

enum tcpfsm_verdict {
	TCPFSM_ACCEPT,		/* tracked; states may have changed */
	TCPFSM_IGNORE,		/* valid, but changes nothing (reason says why) */
	TCPFSM_INVALID,		/* not valid here: nothing changed (reason says why) */
	TCPFSM_NEW,		/* a SYN that starts a new connection on this tuple */
};

struct tcpfsm_result {
	u8 verdict;		/* enum tcpfsm_verdict */
	u8 reason;		/* enum tcpfsm_reason when not accepted */
	u8 kind;		/* enum tcpfsm_seg_kind */
	u8 old_state[2];	/* states before the segment */
	bool reversed;		/* start only: the receiver is the client */
};

/* Sequence number arithmetic modulo 2^32 (RFC 9293 3.4). */
static inline bool tcpfsm_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool tcpfsm_seq_after(u32 a, u32 b)
{
	return tcpfsm_seq_before(b, a);
}

/* Which endpoints a result changed: bit 0 client, bit 1 server. */
static inline unsigned int tcpfsm_changed(const struct tcpfsm_conn *c,
					  const struct tcpfsm_result *res)
{
	return (c->peer[0].state != res->old_state[0]) |
	       (c->peer[1].state != res->old_state[1]) << 1;
}

/*
 * Called with each transition-table cell a segment looks up: @table 0 is
 * tcpfsm_snd, 1 tcpfsm_rcv, @in the input, @state the endpoint's state.
 * tools/fsm-user's fuzz build defines TCPFSM_FSM_COVERAGE to count which
 * cells the fuzzer reaches; everywhere else, the kernel included, it is
 * empty and compiles to nothing.
 */
#ifdef TCPFSM_FSM_COVERAGE
void tcpfsm_fsm_cover(unsigned int table, unsigned int in, unsigned int state);
#else
#define tcpfsm_fsm_cover(table, in, state) do { } while (0)
#endif

u8 tcpfsm_seg_kind(u8 flags);
const char *tcpfsm_state_name(u8 state);
const char *tcpfsm_kind_name(u8 kind);
const char *tcpfsm_reason_name(u8 reason);

bool tcpfsm_fsm_start(struct tcpfsm_conn *c, const struct tcpfsm_seg *seg,
		      bool pickup, struct tcpfsm_result *res);
void tcpfsm_fsm_update(struct tcpfsm_conn *c, const struct tcpfsm_seg *seg,
		       struct tcpfsm_result *res);
void tcpfsm_fsm_time_wait_done(struct tcpfsm_conn *c);

/*
 * tcpfsm_fsm_update() without its fast path, for the checks that both agree:
 * KUnit's and tools/fsm-user's (a userspace build has no __KERNEL__).
 */
#if defined(CONFIG_KUNIT) || defined(CONFIG_KUNIT_MODULE) || !defined(__KERNEL__)
void tcpfsm_fsm_update_general(struct tcpfsm_conn *c, const struct tcpfsm_seg *seg,
			       struct tcpfsm_result *res);
#endif

#endif /* _TCPFSM_FSM_H */
