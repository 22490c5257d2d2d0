/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One vector per edge of RFC 9293 figure 5, for the client and the server
 * where it applies: the steps that lead to the edge's first state, then
 * the edge itself as the last step.  Pure data in the format of
 * kunit/tcpfsm_vector_run.h, run by the KUnit suite tcpfsm_fsm_edges
 * (kunit/tcpfsm_fsm_test.c) and by tools/fsm-user/run_vectors.c.  The
 * expectations come from the RFCs and the product's state model, never from
 * the table in tcpfsm_fsm.c, so a wrong cell fails here.
 *
 * The edges are paths through a few connections, so the steps are named
 * once below (sender, segment, and where it is in the connection) with the
 * states they must give, client first.  The connection flags are not
 * checked: the scenarios of tcpfsm_vectors.h do that.
 */
#ifndef _TCPFSM_EDGES_H
#define _TCPFSM_EDGES_H

#include "tcpfsm_vector_run.h"

#define TE_C0	TV_CA	/* the client's ISN */
#define TE_S0	TV_SB	/* the server's */

/* Opening */
#define TE_C_SYN		/* SYN-SENT/LISTEN */			\
	TV_FIRST_C(TV_SYN, TE_C0, 0, 0, TV_SS, TV_LI, TV_OK)
#define TE_S_SYNACK		/* ESTABLISHED/SYN-RECEIVED */		\
	TV_S(TV_SA, TE_S0, TE_C0 + 1, 0, TV_ES, TV_SR, TV_OK)
#define TE_C_ACK		/* ESTABLISHED/ESTABLISHED */		\
	TV_C(TV_A, TE_C0 + 1, TE_S0 + 1, 0, TV_ES, TV_ES, TV_OK)

/* Simultaneous open: the server's own SYN crosses the client's */
#define TE_S_SYN		/* SYN-RECEIVED/SYN-RECEIVED */		\
	TV_S(TV_SYN, TE_S0, 0, 0, TV_SR, TV_SR, TV_OK)
#define TE_C_SYNACK		/* SYN-RECEIVED/ESTABLISHED */		\
	TV_C(TV_SA, TE_C0, TE_S0 + 1, 0, TV_SR, TV_ES, TV_OK)
#define TE_S_SYNACK_SIM		/* ESTABLISHED/ESTABLISHED */		\
	TV_S(TV_SA, TE_S0, TE_C0 + 1, 0, TV_ES, TV_ES, TV_OK)

/*
 * Resets: the server refuses the SYN; the client aborts (a passive open goes
 * back to LISTEN); either resets a simultaneous open
 */
#define TE_S_RSTACK		/* CLOSED/CLOSED */			\
	TV_S(TV_RA, 0, TE_C0 + 1, 0, TV_CL, TV_CL, TV_OK)
#define TE_C_RST		/* CLOSED/LISTEN */			\
	TV_C(TV_R, TE_C0 + 1, 0, 0, TV_CL, TV_LI, TV_OK)
#define TE_C_RST_SIM		/* CLOSED/CLOSED */			\
	TV_C(TV_R, TE_C0 + 1, 0, 0, TV_CL, TV_CL, TV_OK)
#define TE_S_RST_SIM		/* CLOSED/CLOSED */			\
	TV_S(TV_R, TE_S0 + 1, 0, 0, TV_CL, TV_CL, TV_OK)

/* The client closes first; the last FIN acknowledges the first */
#define TE_C_FIN		/* FIN-WAIT-1/CLOSE-WAIT */		\
	TV_C(TV_FA, TE_C0 + 1, TE_S0 + 1, 0, TV_F1, TV_CW, TV_OK)
#define TE_S_ACK_FIN		/* FIN-WAIT-2/CLOSE-WAIT */		\
	TV_S(TV_A, TE_S0 + 1, TE_C0 + 2, 0, TV_F2, TV_CW, TV_OK)
#define TE_S_FIN_LAST		/* TIME-WAIT/LAST-ACK */		\
	TV_S(TV_FA, TE_S0 + 1, TE_C0 + 2, 0, TV_TW, TV_LA, TV_OK)
#define TE_C_ACK_LAST		/* TIME-WAIT/CLOSED */			\
	TV_C(TV_A, TE_C0 + 2, TE_S0 + 2, 0, TV_TW, TV_CL, TV_OK)

/* The server closes first */
#define TE_S_FIN		/* CLOSE-WAIT/FIN-WAIT-1 */		\
	TV_S(TV_FA, TE_S0 + 1, TE_C0 + 1, 0, TV_CW, TV_F1, TV_OK)
#define TE_C_ACK_FIN		/* CLOSE-WAIT/FIN-WAIT-2 */		\
	TV_C(TV_A, TE_C0 + 1, TE_S0 + 2, 0, TV_CW, TV_F2, TV_OK)
#define TE_C_FIN_LAST		/* LAST-ACK/TIME-WAIT */		\
	TV_C(TV_FA, TE_C0 + 1, TE_S0 + 2, 0, TV_LA, TV_TW, TV_OK)
#define TE_S_ACK_LAST		/* CLOSED/TIME-WAIT */			\
	TV_S(TV_A, TE_S0 + 2, TE_C0 + 2, 0, TV_CL, TV_TW, TV_OK)

/* Simultaneous close, after TE_C_FIN: the server's FIN crosses it */
#define TE_S_FIN_CROSS		/* CLOSING/CLOSING */			\
	TV_S(TV_FA, TE_S0 + 1, TE_C0 + 1, 0, TV_CG, TV_CG, TV_OK)
#define TE_S_ACK_CLOSING	/* TIME-WAIT/CLOSING */			\
	TV_S(TV_A, TE_S0 + 2, TE_C0 + 2, 0, TV_TW, TV_CG, TV_OK)
#define TE_C_ACK_CLOSING	/* CLOSING/TIME-WAIT */			\
	TV_C(TV_A, TE_C0 + 2, TE_S0 + 2, 0, TV_CG, TV_TW, TV_OK)
#define TE_S_ACK_TW		/* TIME-WAIT/TIME-WAIT */		\
	TV_S(TV_A, TE_S0 + 2, TE_C0 + 2, 0, TV_TW, TV_TW, TV_OK)

#define TE_TW_DONE		/* CLOSED/CLOSED */			\
	TV_TWDONE(TV_CL, TV_CL)

/* An array of its arguments, so that a table entry holds its own steps. */
#define TV_STEPS(...)	((const struct tcpfsm_vstep[]){ __VA_ARGS__ })

#define TV_EDGE(n, ...)							\
	{ .name = #n, .steps = TV_STEPS(__VA_ARGS__),			\
	  .nsteps = ARRAY_SIZE(TV_STEPS(__VA_ARGS__)),			\
	  .conn_flags = TV_ANY_FLAGS }

static const struct tcpfsm_vector tcpfsm_edges[] = {
	TV_EDGE(closed_to_syn_sent_client,
		TE_C_SYN),
	TV_EDGE(closed_to_listen_server,
		TE_C_SYN),
	TV_EDGE(listen_to_syn_received_server,
		TE_C_SYN, TE_S_SYNACK),
	/*
	 * LISTEN -> SYN-SENT (its own SYN) -> SYN-RECEIVED (the client's, in
	 * flight)
	 */
	TV_EDGE(listen_to_syn_received_simopen_server,
		TE_C_SYN, TE_S_SYN),
	TV_EDGE(listen_to_closed_server,
		TE_C_SYN, TE_S_RSTACK),
	TV_EDGE(syn_sent_to_closed_rst_client,
		TE_C_SYN, TE_S_RSTACK),
	TV_EDGE(syn_sent_to_closed_abort_client,
		TE_C_SYN, TE_C_RST),
	TV_EDGE(syn_sent_to_syn_received_simopen_client,
		TE_C_SYN, TE_S_SYN),
	TV_EDGE(syn_sent_to_established_client,
		TE_C_SYN, TE_S_SYNACK),
	TV_EDGE(syn_received_to_established_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK),
	TV_EDGE(syn_received_to_established_simopen_server,
		TE_C_SYN, TE_S_SYN, TE_C_SYNACK),
	TV_EDGE(syn_received_to_established_simopen_client,
		TE_C_SYN, TE_S_SYN, TE_C_SYNACK, TE_S_SYNACK_SIM),
	TV_EDGE(syn_received_to_listen_rst_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_RST),
	TV_EDGE(syn_received_to_closed_rst_client,
		TE_C_SYN, TE_S_SYN, TE_S_RST_SIM),
	TV_EDGE(syn_received_to_closed_rst_server,
		TE_C_SYN, TE_S_SYN, TE_C_RST_SIM),
	TV_EDGE(syn_received_to_fin_wait_1_server,
		TE_C_SYN, TE_S_SYNACK, TE_S_FIN),
	TV_EDGE(syn_received_to_fin_wait_1_simopen_client,
		TE_C_SYN, TE_S_SYN, TE_C_FIN),
	TV_EDGE(established_to_fin_wait_1_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN),
	TV_EDGE(established_to_fin_wait_1_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_S_FIN),
	TV_EDGE(established_to_close_wait_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN),
	TV_EDGE(established_to_close_wait_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_S_FIN),
	TV_EDGE(fin_wait_1_to_fin_wait_2_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_ACK_FIN),
	TV_EDGE(fin_wait_1_to_fin_wait_2_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_S_FIN, TE_C_ACK_FIN),
	TV_EDGE(fin_wait_1_to_closing,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_FIN_CROSS),
	TV_EDGE(fin_wait_1_to_time_wait_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_FIN_LAST),
	TV_EDGE(fin_wait_1_to_time_wait_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_S_FIN, TE_C_FIN_LAST),
	TV_EDGE(fin_wait_2_to_time_wait_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_ACK_FIN,
		TE_S_FIN_LAST),
	TV_EDGE(fin_wait_2_to_time_wait_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_S_FIN, TE_C_ACK_FIN,
		TE_C_FIN_LAST),
	TV_EDGE(closing_to_time_wait_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_FIN_CROSS,
		TE_S_ACK_CLOSING),
	TV_EDGE(closing_to_time_wait_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_FIN_CROSS,
		TE_C_ACK_CLOSING),
	TV_EDGE(time_wait_to_closed_timeout_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_ACK_FIN,
		TE_S_FIN_LAST, TE_C_ACK_LAST, TE_TW_DONE),
	TV_EDGE(time_wait_to_closed_timeout_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_S_FIN, TE_C_ACK_FIN,
		TE_C_FIN_LAST, TE_S_ACK_LAST, TE_TW_DONE),
	TV_EDGE(time_wait_to_closed_timeout_simclose,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_FIN_CROSS,
		TE_C_ACK_CLOSING, TE_S_ACK_TW, TE_TW_DONE),
	TV_EDGE(close_wait_to_last_ack_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_ACK_FIN,
		TE_S_FIN_LAST),
	TV_EDGE(close_wait_to_last_ack_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_S_FIN, TE_C_ACK_FIN,
		TE_C_FIN_LAST),
	TV_EDGE(last_ack_to_closed_server,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_C_FIN, TE_S_ACK_FIN,
		TE_S_FIN_LAST, TE_C_ACK_LAST),
	TV_EDGE(last_ack_to_closed_client,
		TE_C_SYN, TE_S_SYNACK, TE_C_ACK, TE_S_FIN, TE_C_ACK_FIN,
		TE_C_FIN_LAST, TE_S_ACK_LAST),
};

#endif /* _TCPFSM_EDGES_H */
