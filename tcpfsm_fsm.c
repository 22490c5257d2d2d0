// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP state machine of both endpoints of one connection.
 *
 * Pure logic: no skb, no locks, no allocation, no clock.  The caller hands us
 * one parsed segment at a time, in the order it was observed, and we move the
 * sender's and the receiver's RFC 9293 states.  The model:
 *
 *  - A segment observed from A to B is sent by A and received by B.
 *  - What B has really received is confirmed by B's own ACK numbers: a SYN or
 *    FIN from B that does not acknowledge A's last SYN or FIN was sent before
 *    A's segment reached B.  That is how crossing SYNs become a simultaneous
 *    open and crossing FINs a simultaneous close.
 *  - Whether a FIN was acknowledged is decided by sequence numbers, so a data
 *    ACK in FIN-WAIT-1 that does not cover the FIN leaves it in FIN-WAIT-1.
 *
 * Window tracking follows Guido van Rooij's "Real Stateful TCP Packet
 * Filtering in IP Filter", as nf_conntrack_proto_tcp.c and pf do.
 */

#include <linux/kernel.h>
#include <linux/export.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "tcpfsm_fsm.h"
#include "tcpfsm_names.h"

/* Short names for the table below; values are enum tcpfsm_state. */
#define S_ES TCPFSM_STATE_ESTABLISHED
#define S_SS TCPFSM_STATE_SYN_SENT
#define S_SR TCPFSM_STATE_SYN_RECEIVED
#define S_F1 TCPFSM_STATE_FIN_WAIT_1
#define S_F2 TCPFSM_STATE_FIN_WAIT_2
#define S_TW TCPFSM_STATE_TIME_WAIT
#define S_CL TCPFSM_STATE_CLOSED
#define S_CW TCPFSM_STATE_CLOSE_WAIT
#define S_LA TCPFSM_STATE_LAST_ACK
#define S_LI TCPFSM_STATE_LISTEN
#define S_CG TCPFSM_STATE_CLOSING
#define S_IV __TCPFSM_STATE_MAX		/* not valid here: the segment is invalid */
#define S_NW (__TCPFSM_STATE_MAX + 1)	/* a new connection on this tuple */

/*
 * What the state machine reacts to: the segment kind, and for kinds that
 * carry an ACK whether that ACK covers the receiver's last SYN or FIN.  "_NA"
 * (not acknowledging) inputs show the sender had not yet received it.
 */
enum {
	IN_SYN,		/* SYN: never carries an ACK */
	IN_SYNACK,	/* SYN/ACK acknowledging the receiver's SYN */
	IN_SYNACK_NA,	/* SYN/ACK that does not */
	IN_FIN,		/* FIN acknowledging the receiver's last SYN or FIN */
	IN_FIN_NA,	/* FIN that does not: sent before the receiver's FIN arrived */
	IN_ACK,		/* ACK covering the receiver's last SYN or FIN */
	IN_ACK_NA,	/* ACK that does not (data, or an ACK still in flight) */
	IN_RST,		/* an acceptable RST (see tcpfsm_rst_check()) */
	IN_NR,
};

/*
 * The sender's new state: tcpfsm_snd[input][sender's state].
 * Column 0 is TCPFSM_STATE_NONE, which no endpoint is ever in.
 */
static const u8 tcpfsm_snd[IN_NR][__TCPFSM_STATE_MAX] = {
/*		    S_NO  S_ES  S_SS  S_SR  S_F1  S_F2  S_TW  S_CL  S_CW  S_LA  S_LI  S_CG */
/*
 * IN_SYN:
 *	S_ES -> S_IV	a SYN on a synchronised connection is never valid (the
 *			retransmission of the opening SYN is caught before the
 *			table, see tcpfsm_syn_retransmit())
 *	S_SS -> S_SS	retransmitted SYN
 *	S_SR -> S_SR	simultaneous open: retransmission of our own SYN
 *	S_F1..S_LA, S_CG	S_IV: a SYN while closing
 *	S_TW -> S_NW	a new connection reusing the tuple (RFC 9293 3.10.7.4,
 *			RFC 6191), as the kernel accepts on a TIME-WAIT socket
 *	S_CL -> S_NW	a new connection on a closed tuple
 *	S_LI -> S_SR	crossing SYNs: the server sent a SYN of its own before the
 *			client's reached it, so it opened actively (SYN-SENT) and
 *			the client's SYN, still in flight, takes it to SYN-RECEIVED
 */
[IN_SYN]	= { S_IV, S_IV, S_SS, S_SR, S_IV, S_IV, S_NW, S_NW, S_IV, S_IV, S_SR, S_IV },
/*
 * IN_SYNACK:
 *	S_ES -> S_ES	retransmitted SYN/ACK after the handshake completed
 *	S_SS -> S_IV	a SYN/ACK from an endpoint that has not received a SYN
 *	S_SR -> S_SR	retransmitted SYN/ACK; the SYN/ACK of a simultaneous open
 *	S_LI -> S_SR	the server answers the SYN: the normal passive open
 *	others -> S_IV	no SYN/ACK once a FIN was sent or the connection closed
 */
[IN_SYNACK]	= { S_IV, S_ES, S_IV, S_SR, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_SR, S_IV },
/*
 * IN_SYNACK_NA: a SYN/ACK must acknowledge the SYN it answers (RFC 9293
 * 3.10.7.3); one that does not is invalid everywhere.
 */
[IN_SYNACK_NA]	= { S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV },
/*
 * IN_FIN:
 *	S_ES -> S_F1	active close
 *	S_SS -> S_IV	a FIN before the handshake
 *	S_SR -> S_F1	close before the handshake completed (RFC 9293 figure 5)
 *	S_F1 -> S_F1	retransmitted FIN
 *	S_F2 -> S_F2	a retransmitted FIN that crossed the ACK of the first
 *	S_TW -> S_TW	likewise, crossing the final exchange
 *	S_CL -> S_IV	a closed endpoint sends nothing but SYN and RST
 *	S_CW -> S_LA	passive close: the FIN answers the peer's FIN
 *	S_LA -> S_LA	retransmitted FIN
 *	S_LI -> S_IV	a server that has not answered the SYN cannot close
 *	S_CG -> S_CG	retransmitted FIN
 */
[IN_FIN]	= { S_IV, S_F1, S_IV, S_F1, S_F1, S_F2, S_TW, S_IV, S_LA, S_LA, S_IV, S_CG },
/*
 * IN_FIN_NA: as IN_FIN, except
 *	S_CW -> S_CG	crossing FINs: this FIN does not acknowledge the peer's,
 *			so it was sent from ESTABLISHED (FIN-WAIT-1) and the
 *			peer's FIN, still in flight, takes it to CLOSING
 */
[IN_FIN_NA]	= { S_IV, S_F1, S_IV, S_F1, S_F1, S_F2, S_TW, S_IV, S_CG, S_LA, S_IV, S_CG },
/*
 * IN_ACK: sending an ACK or data does not move the sender, except
 *	S_SS -> S_ES	the client was taken back to SYN-SENT by a retransmitted
 *			SYN (tcpfsm_syn_retransmit()), but its ACK of the
 *			server's SYN shows the SYN/ACK did arrive after all
 *	S_LI -> S_IV	no ACK before the endpoint has answered a SYN
 *	S_CL -> S_IV	a closed endpoint sends nothing but SYN and RST
 *	others		unchanged
 */
[IN_ACK]	= { S_IV, S_ES, S_ES, S_SR, S_F1, S_F2, S_TW, S_IV, S_CW, S_LA, S_IV, S_CG },
/*
 * IN_ACK_NA: as IN_ACK, except
 *	S_SS -> S_IV	no ACK from an endpoint that has not received a SYN
 */
[IN_ACK_NA]	= { S_IV, S_ES, S_IV, S_SR, S_F1, S_F2, S_TW, S_IV, S_CW, S_LA, S_IV, S_CG },
/*
 * IN_RST: the endpoint that sends an acceptable RST is done, in every state.
 */
[IN_RST]	= { S_IV, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL },
};

/*
 * The receiver's new state: tcpfsm_rcv[input][receiver's state].
 */
static const u8 tcpfsm_rcv[IN_NR][__TCPFSM_STATE_MAX] = {
/*		    S_NO  S_ES  S_SS  S_SR  S_F1  S_F2  S_TW  S_CL  S_CW  S_LA  S_LI  S_CG */
/*
 * IN_SYN:
 *	S_SS -> S_SR	crossing SYNs: simultaneous open (RFC 9293 figure 7)
 *	S_SR -> S_SR	retransmitted SYN
 *	S_CL -> S_NW	a SYN to an endpoint that is done starts a new
 *			connection, whoever sends it: CLOSED stays absorbing
 *	S_LI -> S_LI	retransmitted SYN to a server that has not answered
 *	others		unchanged: the sender's cell decides the verdict
 */
[IN_SYN]	= { S_IV, S_ES, S_SR, S_SR, S_F1, S_F2, S_TW, S_NW, S_CW, S_LA, S_LI, S_CG },
/*
 * IN_SYNACK: the SYN/ACK acknowledges the receiver's SYN.
 *	S_ES -> S_ES	retransmitted SYN/ACK
 *	S_SS -> S_ES	the normal active open completes
 *	S_SR -> S_ES	simultaneous open: our SYN is acknowledged
 *	S_LI -> S_IV	a server that sent nothing cannot be acknowledged
 *	others		unchanged: a late duplicate
 */
[IN_SYNACK]	= { S_IV, S_ES, S_ES, S_ES, S_F1, S_F2, S_TW, S_CL, S_CW, S_LA, S_IV, S_CG },
/*
 * IN_SYNACK_NA: invalid for the sender in every state; cells unchanged.
 *	S_SS -> S_IV	does not acknowledge our SYN (RFC 9293 3.10.7.3)
 */
[IN_SYNACK_NA]	= { S_IV, S_ES, S_IV, S_SR, S_F1, S_F2, S_TW, S_CL, S_CW, S_LA, S_IV, S_CG },
/*
 * IN_FIN: the FIN acknowledges the receiver's last SYN or FIN.
 *	S_ES -> S_CW	passive close
 *	S_SS -> S_IV	a FIN to an endpoint that has not been answered
 *	S_SR -> S_CW	the FIN completes the handshake and closes at once
 *	S_F1 -> S_TW	the FIN acknowledges our FIN too (RFC 9293 3.10.7.4)
 *	S_F2 -> S_TW	the normal active close
 *	S_TW -> S_TW	retransmitted FIN (our final ACK was lost)
 *	S_CL -> S_CL	closed is closed
 *	S_CW -> S_CW	retransmitted FIN
 *	S_LA -> S_LA	retransmitted FIN
 *	S_LI -> S_IV	nothing to close yet
 *	S_CG -> S_TW	a retransmitted FIN that now acknowledges our FIN
 */
[IN_FIN]	= { S_IV, S_CW, S_IV, S_CW, S_TW, S_TW, S_TW, S_CL, S_CW, S_LA, S_IV, S_TW },
/*
 * IN_FIN_NA: the FIN does not acknowledge the receiver's last SYN or FIN.
 *	S_SR -> S_IV	a FIN that does not acknowledge our SYN
 *	S_F1 -> S_CG	crossing FINs: simultaneous close
 *	S_F2 -> S_TW	the peer's FIN, whatever it acknowledges
 *	S_CG -> S_CG	retransmission of the crossing FIN
 *	others		as IN_FIN
 */
[IN_FIN_NA]	= { S_IV, S_CW, S_IV, S_IV, S_CG, S_TW, S_TW, S_CL, S_CW, S_LA, S_IV, S_CG },
/*
 * IN_ACK: the ACK covers the receiver's last SYN or FIN.
 *	S_SS -> S_IV	an ACK to an endpoint waiting for a SYN/ACK
 *	S_SR -> S_ES	the passive open completes
 *	S_F1 -> S_F2	our FIN is acknowledged
 *	S_CG -> S_TW	our FIN is acknowledged
 *	S_LA -> S_CL	our FIN is acknowledged: the final ACK
 *	S_LI -> S_IV	an ACK to a server that has not answered
 *	others		unchanged
 */
[IN_ACK]	= { S_IV, S_ES, S_IV, S_ES, S_F2, S_F2, S_TW, S_CL, S_CW, S_CL, S_IV, S_TW },
/*
 * IN_ACK_NA: the ACK does not cover the receiver's last SYN or FIN.
 *	S_SR -> S_IV	an ACK that does not acknowledge our SYN
 *	S_F1, S_CG, S_LA	unchanged: data or an old ACK, not the ACK of our FIN
 *	others		as IN_ACK
 */
[IN_ACK_NA]	= { S_IV, S_ES, S_IV, S_IV, S_F1, S_F2, S_TW, S_CL, S_CW, S_LA, S_IV, S_CG },
/*
 * IN_RST: an acceptable RST ends the connection for the receiver
 * (RFC 9293 3.10.7.4), except:
 *	S_SR -> S_LI	a passive open returns to LISTEN (figure 5); one that
 *			opened actively goes to CLOSED (tcpfsm_rcv_state())
 *	S_LI -> S_LI	a server that never answered keeps listening
 */
[IN_RST]	= { S_IV, S_CL, S_CL, S_LI, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_LI, S_CL },
};

static const char *const tcpfsm_state_names[__TCPFSM_STATE_MAX] = TCPFSM_STATE_NAMES;

static const char *const tcpfsm_kind_names[__TCPFSM_SEG_MAX] = {
	[TCPFSM_SEG_SYN]	= "SYN",
	[TCPFSM_SEG_SYNACK]	= "SYN/ACK",
	[TCPFSM_SEG_FIN]	= "FIN",
	[TCPFSM_SEG_ACK]	= "ACK",
	[TCPFSM_SEG_RST]	= "RST",
	[TCPFSM_SEG_INVALID]	= "INVALID",
};

static const char *const tcpfsm_reason_names[__TCPFSM_REASON_MAX] = TCPFSM_REASON_NAMES;

const char *tcpfsm_state_name(u8 state)
{
	return state < __TCPFSM_STATE_MAX ? tcpfsm_state_names[state] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_state_name);

const char *tcpfsm_kind_name(u8 kind)
{
	return kind < __TCPFSM_SEG_MAX ? tcpfsm_kind_names[kind] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_kind_name);

const char *tcpfsm_reason_name(u8 reason)
{
	return reason < __TCPFSM_REASON_MAX ? tcpfsm_reason_names[reason] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_reason_name);

/*
 * What each flag combination is, decided by what a receiving Linux stack
 * (6.1, net/ipv4/tcp_input.c and tcp_minisocks.c) does with it, as RFC 9293
 * 3.10.7 orders the checks: sequence number, then the RST bit, then the SYN
 * bit, then the ACK bit.  PSH, ECE and CWR are masked off first: no state
 * processing looks at them.  Where a state treats a combination its own way,
 * the transition tables and tcpfsm_rst_check() follow it.
 */
u8 tcpfsm_seg_kind(u8 flags)
{
	u8 f = flags & ~(TCPFSM_TH_PSH | TCPFSM_TH_ECE | TCPFSM_TH_CWR);

	/*
	 * RST with anything else set is a RST: Linux tests th->rst before
	 * th->syn and never looks at FIN or URG on a RST, in every state:
	 * RST+SYN	tcp_validate_incoming() step 2 resets a synchronised
	 *		socket at the exact sequence number before step 4 ever
	 *		sees the SYN; tcp_check_req() resets SYN-RECEIVED on
	 *		"flg & (TCP_FLAG_RST | TCP_FLAG_SYN)"; tcp_timewait_
	 *		state_process() kills TIME-WAIT on "th->rst"
	 * RST+SYN+ACK	the same, and tcp_rcv_synsent_state_process() resets
	 *		SYN-SENT on "th->rst" once the ACK is acceptable
	 * RST+FIN(+ACK)	the same: FIN is only processed after step 2
	 * RST+URG	the same: urgent data is step 6
	 * RST+PSH	PSH is masked off: a plain RST
	 * all flags	the same as RST+SYN+ACK
	 * LISTEN drops every RST (tcp_rcv_state_process(): "if (th->rst)
	 * goto discard"), SYN-SENT one without an acceptable ACK: the tables
	 * and tcpfsm_rst_check() say so for every kind of RST alike.
	 */
	if (f & TCPFSM_TH_RST)
		return TCPFSM_SEG_RST;
	switch (f) {
	/*
	 * SYN		LISTEN: tcp_conn_request(); SYN-SENT: simultaneous open
	 * SYN+URG	the same: URG is never looked at on a SYN
	 */
	case TCPFSM_TH_SYN:
	case TCPFSM_TH_SYN | TCPFSM_TH_URG:
		return TCPFSM_SEG_SYN;
	/* SYN+ACK	SYN-SENT: tcp_rcv_synsent_state_process() */
	case TCPFSM_TH_SYN | TCPFSM_TH_ACK:
		return TCPFSM_SEG_SYNACK;
	/* FIN+ACK(+URG)	step 8 of tcp_rcv_state_process(): tcp_fin() */
	case TCPFSM_TH_FIN | TCPFSM_TH_ACK:
	case TCPFSM_TH_FIN | TCPFSM_TH_ACK | TCPFSM_TH_URG:
		return TCPFSM_SEG_FIN;
	/* ACK(+URG)	step 5, tcp_ack() */
	case TCPFSM_TH_ACK:
	case TCPFSM_TH_ACK | TCPFSM_TH_URG:
		return TCPFSM_SEG_ACK;
	/*
	 * SYN+FIN(+ACK,+URG)	LISTEN drops it ("if (th->fin) goto discard");
	 *		a synchronised socket answers the SYN with a challenge
	 *		ACK and drops the segment (tcp_validate_incoming() step
	 *		4).  Not followed here: SYN-SENT takes it for a SYN or
	 *		SYN/ACK and ignores the FIN, tcp_check_req() resets
	 *		SYN-RECEIVED on its SYN unless it is at the client's ISN.
	 * FIN, FIN+URG	no ACK: tcp_rcv_established() and tcp_rcv_state_
	 *		process() drop "!th->ack && !th->rst && !th->syn";
	 *		LISTEN drops it too, SYN-SENT drops what has neither SYN
	 *		nor RST
	 * URG, none	the same
	 */
	default:
		return TCPFSM_SEG_INVALID;
	}
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_seg_kind);

/* Sequence space a segment occupies: payload, plus one each for SYN and FIN. */
static u32 tcpfsm_seg_end(const struct tcpfsm_seg *seg)
{
	return seg->seq + seg->len + !!(seg->flags & TCPFSM_TH_SYN) +
	       !!(seg->flags & TCPFSM_TH_FIN);
}

/*
 * Does @ack acknowledge the receiver's SYN, and nothing it has not sent
 * (RFC 9293 3.10.7.3: SND.UNA < SEG.ACK =< SND.NXT)?  A SYN's ctl_end is just
 * past the SYN itself, so a SYN that carried data (TCP Fast Open) is
 * acknowledged by a server without TFO, which acks the SYN alone and has the
 * data sent again after the handshake, as by one with TFO, which acks the
 * data too (tcp_rcv_synsent_state_process() takes both).
 */
static bool tcpfsm_acks_syn(const struct tcpfsm_peer *rcv, u32 ack)
{
	return !tcpfsm_seq_before(ack, rcv->ctl_end) &&
	       !tcpfsm_seq_after(ack, rcv->end);
}

/*
 * Has the receiver's last SYN or FIN reached the sender?  An endpoint we have
 * never seen send has nothing to acknowledge.  A SYN/ACK must acknowledge the
 * SYN (tcpfsm_acks_syn()).
 */
static bool tcpfsm_acks_ctl(const struct tcpfsm_peer *rcv,
			    const struct tcpfsm_seg *seg)
{
	if (!(seg->flags & TCPFSM_TH_ACK))
		return false;
	if (!(rcv->flags & TCPFSM_PEER_SEEN))
		return true;
	if (seg->flags & TCPFSM_TH_SYN)
		return tcpfsm_acks_syn(rcv, seg->ack);
	return !tcpfsm_seq_before(seg->ack, rcv->ctl_end);
}

static u8 tcpfsm_input(u8 kind, bool acks)
{
	switch (kind) {
	case TCPFSM_SEG_SYN:
		return IN_SYN;
	case TCPFSM_SEG_SYNACK:
		return acks ? IN_SYNACK : IN_SYNACK_NA;
	case TCPFSM_SEG_FIN:
		return acks ? IN_FIN : IN_FIN_NA;
	case TCPFSM_SEG_ACK:
		return acks ? IN_ACK : IN_ACK_NA;
	default:
		return IN_RST;
	}
}

/*
 * RST acceptance (RFC 5961 3.2, RFC 9293 3.10.7), the same whatever other
 * flags the RST carries (tcpfsm_seg_kind()): in SYN-SENT a reset counts only
 * if it acknowledges the SYN (tcp_rcv_synsent_state_process()).  Elsewhere
 * it must sit exactly at the receiver's next expected sequence number; one
 * that is merely in the window makes the receiver send a challenge ACK and
 * keep its state, and one outside the window is a blind reset.  rcv_nxt is
 * not on the wire: it is the sender's end of data, or what the receiver last
 * acknowledged.  After the sender's FIN the kernel also accepts rcv_nxt - 1
 * (tcp_reset_check()).
 */
static u8 tcpfsm_rst_check(const struct tcpfsm_peer *snd,
			   const struct tcpfsm_peer *rcv,
			   const struct tcpfsm_seg *seg)
{
	u32 seq = seg->seq;

	if (rcv->state == TCPFSM_STATE_SYN_SENT)
		return (seg->flags & TCPFSM_TH_ACK) &&
		       tcpfsm_acks_syn(rcv, seg->ack) ?
		       TCPFSM_REASON_NONE : TCPFSM_REASON_BAD_ACK;
	if (!(snd->flags & TCPFSM_PEER_SEEN) || !(rcv->flags & TCPFSM_PEER_SEEN))
		return TCPFSM_REASON_NONE;
	if (seq == snd->end ||
	    ((rcv->flags & TCPFSM_PEER_ACKED) && seq == rcv->maxack))
		return TCPFSM_REASON_NONE;
	if ((snd->flags & TCPFSM_PEER_FIN) && seq == snd->end - 1 &&
	    (rcv->state == TCPFSM_STATE_CLOSE_WAIT ||
	     rcv->state == TCPFSM_STATE_LAST_ACK ||
	     rcv->state == TCPFSM_STATE_CLOSING))
		return TCPFSM_REASON_NONE;
	if (!tcpfsm_seq_after(seq, snd->maxend) &&
	    tcpfsm_seq_after(seq, snd->end - rcv->maxwin - 1))
		return TCPFSM_REASON_RST_CHALLENGE;
	return TCPFSM_REASON_RST_WINDOW;
}

/* The window a segment advertises, scaled except on SYNs (RFC 7323 2.2). */
static u32 tcpfsm_seg_win(const struct tcpfsm_peer *snd,
			  const struct tcpfsm_seg *seg)
{
	if (seg->flags & TCPFSM_TH_SYN)
		return seg->win;
	return (u32)seg->win << snd->wscale;
}

/*
 * Is the segment inside the window?  The four checks of van Rooij, as in
 * nf_conntrack's tcp_in_window():
 *   I.   seq <= sender.maxend			(data the receiver allowed)
 *   II.  end >= sender.end - receiver.maxwin	(not older than a window)
 *   III. ack <= receiver.end			(acknowledges only data sent)
 *   IV.  ack >= receiver.end - max ack window	(not far too old)
 * Unlike conntrack, segments without payload are held to I and II too, as
 * the kernel's tcp_sequence() holds them.  A side we have not seen yet has
 * nothing to check against; a flow picked up mid-stream is
 * not checked until both sides have been seen, since its history is lost.
 */
static __always_inline u8 tcpfsm_window_check(const struct tcpfsm_peer *snd,
					      const struct tcpfsm_peer *rcv,
					      const struct tcpfsm_seg *seg, u32 end)
{
	u32 seq = seg->seq, maxackwin;

	if (!(rcv->flags & TCPFSM_PEER_SEEN))
		return TCPFSM_REASON_NONE;
	if ((snd->flags & TCPFSM_PEER_SEEN) &&
	    (tcpfsm_seq_after(seq, snd->maxend) ||
	     !tcpfsm_seq_after(end, snd->end - rcv->maxwin - 1)))
		return TCPFSM_REASON_SEQ_WINDOW;
	if (!(seg->flags & TCPFSM_TH_ACK))
		return TCPFSM_REASON_NONE;
	maxackwin = snd->maxwin ? snd->maxwin : 66000;
	if (tcpfsm_seq_after(seg->ack, rcv->end) ||
	    !tcpfsm_seq_after(seg->ack, rcv->end - maxackwin - 1))
		return TCPFSM_REASON_ACK_WINDOW;
	return TCPFSM_REASON_NONE;
}

/* A segment from an endpoint already seen: its window and end may grow. */
static __always_inline void tcpfsm_track_seen(struct tcpfsm_peer *snd, u32 win, u32 end)
{
	if (snd->maxwin < win)
		snd->maxwin = win;
	if (tcpfsm_seq_after(end, snd->end))
		snd->end = end;
}

/* What a segment's ACK tells: what the sender has received, and how far the
 * receiver may now send.
 */
static __always_inline void tcpfsm_track_ack(struct tcpfsm_peer *snd, struct tcpfsm_peer *rcv,
					     u32 ack, u32 win, u32 end)
{
	if (!(snd->flags & TCPFSM_PEER_ACKED) ||
	    tcpfsm_seq_after(ack, snd->maxack)) {
		snd->maxack = ack;
		snd->flags |= TCPFSM_PEER_ACKED;
	}
	/* The receiver may now send up to ack + window. */
	if (rcv->maxwin && tcpfsm_seq_after(end, snd->maxend))
		rcv->maxwin += end - snd->maxend;
	if (!(rcv->flags & TCPFSM_PEER_SEEN) ||
	    tcpfsm_seq_after(ack + win, rcv->maxend - 1))
		rcv->maxend = ack + win + !win;
}

/*
 * Record what the segment tells about both endpoints' sequence spaces; @end
 * is tcpfsm_seg_end(@seg).
 */
static void tcpfsm_track(struct tcpfsm_peer *snd, struct tcpfsm_peer *rcv,
			 const struct tcpfsm_seg *seg, u32 end)
{
	u32 win;

	if (seg->flags & TCPFSM_TH_SYN) {
		/* Past the SYN, not its data: see tcpfsm_acks_syn(). */
		snd->ctl_end = seg->seq + 1;
		if (!(seg->flags & TCPFSM_TH_ACK))
			snd->flags |= TCPFSM_PEER_ACTIVE;
		if (seg->wscale != TCPFSM_WSCALE_NONE) {
			snd->flags |= TCPFSM_PEER_WSCALE;
			snd->wscale = min_t(u8, seg->wscale, TCPFSM_WSCALE_MAX);
		}
		/* RFC 7323 1.3: scaling only when both SYNs offer it. */
		if ((seg->flags & TCPFSM_TH_ACK) &&
		    !(snd->flags & rcv->flags & TCPFSM_PEER_WSCALE)) {
			snd->wscale = 0;
			rcv->wscale = 0;
		}
	}
	if (seg->flags & TCPFSM_TH_FIN) {
		snd->ctl_end = end;
		snd->flags |= TCPFSM_PEER_FIN;
	}
	win = tcpfsm_seg_win(snd, seg);

	if (!(snd->flags & TCPFSM_PEER_SEEN)) {
		snd->flags |= TCPFSM_PEER_SEEN;
		snd->end = end;
		snd->maxwin = max_t(u32, win, 1);
		/* Until the peer advertises a window: the SYN itself, or a
		 * window's worth past the first segment seen mid-stream.
		 */
		snd->maxend = end;
		if (!(seg->flags & TCPFSM_TH_SYN))
			snd->maxend += snd->maxwin;
		if (!(seg->flags & (TCPFSM_TH_SYN | TCPFSM_TH_FIN)))
			snd->ctl_end = seg->seq;
		/* Mid-stream: make III and IV pass until the peer shows up. */
		if (!(rcv->flags & TCPFSM_PEER_SEEN) && (seg->flags & TCPFSM_TH_ACK)) {
			rcv->end = seg->ack;
			rcv->maxend = seg->ack;
		}
	} else {
		tcpfsm_track_seen(snd, win, end);
	}

	if (seg->flags & TCPFSM_TH_ACK)
		tcpfsm_track_ack(snd, rcv, seg->ack, win, end);
}

/*
 * The opening SYN sent again after we saw the SYN/ACK: the SYN/ACK never
 * reached the client, which is still in SYN-SENT.  A duplicate of the opening
 * SYN once the handshake completed changes nothing.
 */
static bool tcpfsm_syn_retransmit(struct tcpfsm_peer *snd,
				  const struct tcpfsm_peer *rcv,
				  const struct tcpfsm_seg *seg)
{
	if (!(snd->flags & TCPFSM_PEER_ACTIVE) || seg->seq + 1 != snd->ctl_end ||
	    (snd->flags & TCPFSM_PEER_FIN) ||
	    snd->state == TCPFSM_STATE_CLOSED || rcv->state == TCPFSM_STATE_CLOSED ||
	    snd->state == TCPFSM_STATE_TIME_WAIT)
		return false;
	if (snd->state == TCPFSM_STATE_ESTABLISHED &&
	    rcv->state == TCPFSM_STATE_SYN_RECEIVED)
		snd->state = TCPFSM_STATE_SYN_SENT;
	return true;
}

/* The receiver's cell, with the one case the table cannot tell apart. */
static u8 tcpfsm_rcv_state(const struct tcpfsm_peer *rcv, u8 in)
{
	u8 next = tcpfsm_rcv[in][rcv->state];

	/* RFC 9293 3.10.7.4: only a passive open returns to LISTEN. */
	if (in == IN_RST && rcv->state == TCPFSM_STATE_SYN_RECEIVED &&
	    (rcv->flags & TCPFSM_PEER_ACTIVE))
		next = TCPFSM_STATE_CLOSED;
	return next;
}

/*
 * Apply one segment to an existing connection.  Returns the verdict and sets
 * *reason when the segment is not accepted; nothing changes unless accepted.
 */
static u8 tcpfsm_step(struct tcpfsm_conn *c, const struct tcpfsm_seg *seg,
		      u8 kind, u8 *reason)
{
	struct tcpfsm_peer *snd = &c->peer[seg->dir & 1];
	struct tcpfsm_peer *rcv = &c->peer[!(seg->dir & 1)];
	u8 in, next_snd, next_rcv;

	*reason = TCPFSM_REASON_NONE;
	if (kind == TCPFSM_SEG_INVALID) {
		*reason = TCPFSM_REASON_BAD_FLAGS;
		return TCPFSM_INVALID;
	}
	if (kind == TCPFSM_SEG_SYN && tcpfsm_syn_retransmit(snd, rcv, seg))
		return TCPFSM_ACCEPT;

	in = tcpfsm_input(kind, tcpfsm_acks_ctl(rcv, seg));
	tcpfsm_fsm_cover(0, in, snd->state);
	tcpfsm_fsm_cover(1, in, rcv->state);
	next_snd = tcpfsm_snd[in][snd->state];
	next_rcv = tcpfsm_rcv_state(rcv, in);
	if (next_snd == S_NW || next_rcv == S_NW)
		return TCPFSM_NEW;
	if (next_snd == S_IV || next_rcv == S_IV) {
		/* Tell a missing acknowledgment from a segment out of place. */
		*reason = TCPFSM_REASON_UNEXPECTED;
		if ((in == IN_SYNACK_NA || in == IN_FIN_NA || in == IN_ACK_NA) &&
		    tcpfsm_snd[in - 1][snd->state] != S_IV &&
		    tcpfsm_rcv[in - 1][rcv->state] != S_IV)
			*reason = TCPFSM_REASON_BAD_ACK;
		return TCPFSM_INVALID;
	}

	if (in == IN_RST) {
		*reason = tcpfsm_rst_check(snd, rcv, seg);
		if (*reason == TCPFSM_REASON_RST_CHALLENGE)
			return TCPFSM_IGNORE;
		if (*reason)
			return TCPFSM_INVALID;
	} else {
		/* Computed once: it was the costliest line per segment. */
		u32 end = tcpfsm_seg_end(seg);

		*reason = tcpfsm_window_check(snd, rcv, seg, end);
		if (*reason)
			return TCPFSM_INVALID;
		tcpfsm_track(snd, rcv, seg, end);
	}

	if (in == IN_SYN && next_rcv == TCPFSM_STATE_SYN_RECEIVED)
		c->flags |= TCPFSM_CONN_SIMOPEN;
	if (in == IN_FIN_NA && next_rcv == TCPFSM_STATE_CLOSING)
		c->flags |= TCPFSM_CONN_SIMCLOSE;
	snd->state = next_snd;
	rcv->state = next_rcv;
	return TCPFSM_ACCEPT;
}

/*
 * Every segment but those tcpfsm_fast_ack() takes.  Out of line, so that
 * the fast path does not pay for this one's registers and frame.
 */
VISIBLE_IF_KUNIT noinline void
tcpfsm_fsm_update_general(struct tcpfsm_conn *c, const struct tcpfsm_seg *seg,
			  struct tcpfsm_result *res)
{
	res->kind = tcpfsm_seg_kind(seg->flags);
	res->old_state[0] = c->peer[0].state;
	res->old_state[1] = c->peer[1].state;
	res->reversed = false;
	res->verdict = tcpfsm_step(c, seg, res->kind, &res->reason);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_fsm_update_general);

/*
 * Most segments: data or a bare ACK between two ESTABLISHED endpoints, both
 * seen, that covers the receiver's SYN.  For them tcpfsm_step() would find
 * kind ACK (URG, PSH, ECE, CWR set aside), input IN_ACK, both cells
 * ESTABLISHED, and the sequence space just past the payload; what is left
 * of it is the window check and the tracking of an ACK from a seen
 * endpoint, which this does the same way.  Anything else goes the general
 * way; the fuzzer and the KUnit walks check that both agree on every
 * segment (kunit/tcpfsm_props.h).
 */
static __always_inline bool tcpfsm_fast_ack(struct tcpfsm_conn *c,
					    const struct tcpfsm_seg *seg,
					    struct tcpfsm_result *res)
{
	struct tcpfsm_peer *snd = &c->peer[seg->dir & 1];
	struct tcpfsm_peer *rcv = &c->peer[!(seg->dir & 1)];
	u32 end = seg->seq + seg->len, win;

	if (c->peer[0].state != TCPFSM_STATE_ESTABLISHED ||
	    c->peer[1].state != TCPFSM_STATE_ESTABLISHED ||
	    (seg->flags & ~(TCPFSM_TH_URG | TCPFSM_TH_PSH | TCPFSM_TH_ECE |
			    TCPFSM_TH_CWR)) != TCPFSM_TH_ACK ||
	    !(snd->flags & rcv->flags & TCPFSM_PEER_SEEN) ||
	    tcpfsm_seq_before(seg->ack, rcv->ctl_end))
		return false;
	res->kind = TCPFSM_SEG_ACK;
	res->old_state[0] = TCPFSM_STATE_ESTABLISHED;
	res->old_state[1] = TCPFSM_STATE_ESTABLISHED;
	res->reversed = false;
	res->reason = tcpfsm_window_check(snd, rcv, seg, end);
	if (res->reason) {
		res->verdict = TCPFSM_INVALID;
		return true;
	}
	win = tcpfsm_seg_win(snd, seg);
	tcpfsm_track_seen(snd, win, end);
	tcpfsm_track_ack(snd, rcv, seg->ack, win, end);
	res->verdict = TCPFSM_ACCEPT;
	return true;
}

void tcpfsm_fsm_update(struct tcpfsm_conn *c, const struct tcpfsm_seg *seg,
		       struct tcpfsm_result *res)
{
	if (!tcpfsm_fast_ack(c, seg, res))
		tcpfsm_fsm_update_general(c, seg, res);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_fsm_update);

/*
 * The first segment of a flow.  A SYN opens it: the sender is the client in
 * SYN-SENT and the receiver a server in LISTEN.  With pickup on, anything
 * else but a RST starts a flow mid-stream: both endpoints ESTABLISHED, then
 * the segment is applied as usual (a FIN takes its sender to FIN-WAIT-1).  A
 * SYN/ACK shows who opened: its receiver is the client, already ESTABLISHED,
 * and its sender in SYN-RECEIVED.  Window scaling was negotiated out of our
 * sight, so a picked-up flow assumes the largest scale.
 *
 * Returns whether a flow should be created; res->old_state is CLOSED for both.
 */
bool tcpfsm_fsm_start(struct tcpfsm_conn *c, const struct tcpfsm_seg *seg,
		      bool pickup, struct tcpfsm_result *res)
{
	struct tcpfsm_seg s = *seg;
	u8 kind = tcpfsm_seg_kind(seg->flags);

	memset(c, 0, sizeof(*c));
	c->peer[0].state = TCPFSM_STATE_CLOSED;
	c->peer[1].state = TCPFSM_STATE_CLOSED;
	res->kind = kind;
	res->old_state[0] = TCPFSM_STATE_CLOSED;
	res->old_state[1] = TCPFSM_STATE_CLOSED;
	res->reversed = false;
	res->verdict = TCPFSM_ACCEPT;
	res->reason = TCPFSM_REASON_NONE;

	switch (kind) {
	case TCPFSM_SEG_INVALID:
		res->verdict = TCPFSM_INVALID;
		res->reason = TCPFSM_REASON_BAD_FLAGS;
		return false;
	case TCPFSM_SEG_RST:
		/* A reset for a connection we never saw: nothing to track. */
		res->verdict = TCPFSM_IGNORE;
		res->reason = TCPFSM_REASON_UNEXPECTED;
		return false;
	case TCPFSM_SEG_SYN:
		s.dir = TCPFSM_DIR_ORIG;
		c->peer[TCPFSM_CLIENT].state = TCPFSM_STATE_SYN_SENT;
		c->peer[TCPFSM_SERVER].state = TCPFSM_STATE_LISTEN;
		tcpfsm_track(&c->peer[TCPFSM_CLIENT], &c->peer[TCPFSM_SERVER], &s,
			     tcpfsm_seg_end(&s));
		return true;
	default:
		break;
	}
	if (!pickup) {
		res->verdict = TCPFSM_IGNORE;
		res->reason = TCPFSM_REASON_NO_PICKUP;
		return false;
	}
	c->flags = TCPFSM_CONN_PICKUP;
	c->peer[0].wscale = TCPFSM_WSCALE_MAX;
	c->peer[1].wscale = TCPFSM_WSCALE_MAX;
	if (kind == TCPFSM_SEG_SYNACK) {
		/* A SYN/ACK offers scaling only if the SYN did (RFC 7323 1.3). */
		if (seg->wscale != TCPFSM_WSCALE_NONE)
			c->peer[TCPFSM_CLIENT].flags |= TCPFSM_PEER_WSCALE;
		res->reversed = true;
		s.dir = TCPFSM_DIR_REPLY;
		c->peer[TCPFSM_CLIENT].state = TCPFSM_STATE_ESTABLISHED;
		c->peer[TCPFSM_SERVER].state = TCPFSM_STATE_SYN_RECEIVED;
		tcpfsm_track(&c->peer[TCPFSM_SERVER], &c->peer[TCPFSM_CLIENT], &s,
			     tcpfsm_seg_end(&s));
		return true;
	}
	s.dir = TCPFSM_DIR_ORIG;
	c->peer[0].state = TCPFSM_STATE_ESTABLISHED;
	c->peer[1].state = TCPFSM_STATE_ESTABLISHED;
	tcpfsm_fsm_update(c, &s, res);
	res->old_state[0] = TCPFSM_STATE_CLOSED;
	res->old_state[1] = TCPFSM_STATE_CLOSED;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_fsm_start);

/* TIME-WAIT ends after its timeout (RFC 9293 3.10.8: 2 MSL). */
void tcpfsm_fsm_time_wait_done(struct tcpfsm_conn *c)
{
	int i;

	for (i = 0; i < 2; i++)
		if (c->peer[i].state == TCPFSM_STATE_TIME_WAIT)
			c->peer[i].state = TCPFSM_STATE_CLOSED;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_fsm_time_wait_done);
