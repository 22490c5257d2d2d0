/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenario vectors for the tcpfsm state machine: pure data, written in the
 * format of kunit/tcpfsm_vector_run.h and run by its tcpfsm_vector_run() in
 * the KUnit suite tcpfsm_fsm_scenarios (kunit/tcpfsm_fsm_test.c) and in
 * userspace (tools/fsm-user/run_vectors.c).  No kernel or libc calls here.
 *
 * Every expectation is derived from RFC 9293 (figure 5 and 3.10), RFC 5961
 * and RFC 7323 as the product states them, not from tcpfsm_fsm.c.  A vector
 * marked "BUG:" documents a case where the state machine disagrees.
 */
#ifndef _TCPFSM_VECTORS_H
#define _TCPFSM_VECTORS_H

#include "tcpfsm_vector_run.h"

/* ---- Opening and closing ---- */

/* Normal open, data both ways, the client closes first. */
static const struct tcpfsm_vstep tv_open_close_client_first[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_PA, TV_CA + 1, TV_SA0 + 1, 1000, TV_ES, TV_ES, TV_OK),
	TV_S(TV_A, TV_SA0 + 1, TV_CA + 1001, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_PA, TV_SA0 + 1, TV_CA + 1001, 500, TV_ES, TV_ES, TV_OK),
	TV_C(TV_A, TV_CA + 1001, TV_SA0 + 501, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CA + 1001, TV_SA0 + 501, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SA0 + 501, TV_CA + 1002, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SA0 + 501, TV_CA + 1002, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CA + 1002, TV_SA0 + 502, 0, TV_TW, TV_CL, TV_OK),
	TV_TWDONE(TV_CL, TV_CL),
};

/* Normal open, the server closes first: the roles mirror. */
static const struct tcpfsm_vstep tv_open_close_server_first[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_PA, TV_SB + 1, TV_CB + 1, 100, TV_ES, TV_ES, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SB + 101, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_FA, TV_SB + 101, TV_CB + 1, 0, TV_CW, TV_F1, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SB + 102, 0, TV_CW, TV_F2, TV_OK),
	TV_C(TV_FA, TV_CB + 1, TV_SB + 102, 0, TV_LA, TV_TW, TV_OK),
	TV_S(TV_A, TV_SB + 102, TV_CB + 2, 0, TV_CL, TV_TW, TV_OK),
	TV_TWDONE(TV_CL, TV_CL),
};

/* Half-close: the server keeps sending after the client's FIN was acked. */
static const struct tcpfsm_vstep tv_half_close_data[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CC + 1, TV_SC + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SC + 1, TV_CC + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_PA, TV_SC + 1, TV_CC + 2, 1400, TV_F2, TV_CW, TV_OK),
	TV_S(TV_PA, TV_SC + 1401, TV_CC + 2, 1400, TV_F2, TV_CW, TV_OK),
	TV_C(TV_A, TV_CC + 2, TV_SC + 2801, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_PA, TV_SC + 2801, TV_CC + 2, 10, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SC + 2811, TV_CC + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CC + 2, TV_SC + 2811, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CC + 2, TV_SC + 2812, 0, TV_TW, TV_CL, TV_OK),
	TV_TWDONE(TV_CL, TV_CL),
};

/*
 * FINs carrying data.  An ACK of the data alone does not acknowledge the
 * FIN: FIN-WAIT-1 and LAST-ACK stay until the ACK covers seq + len + 1.
 */
static const struct tcpfsm_vstep tv_fin_with_data[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FPA, TV_CA + 1, TV_SB + 1, 300, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SB + 1, TV_CA + 151, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SB + 1, TV_CA + 301, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SB + 1, TV_CA + 302, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FPA, TV_SB + 1, TV_CA + 302, 200, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CA + 302, TV_SB + 201, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CA + 302, TV_SB + 202, 0, TV_TW, TV_CL, TV_OK),
};

/* The server's FIN acknowledges the client's: FIN-WAIT-1 -> TIME-WAIT. */
static const struct tcpfsm_vstep tv_fin_ack_combined[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CB + 1, TV_SC + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SC + 1, TV_CB + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CB + 2, TV_SC + 2, 0, TV_TW, TV_CL, TV_OK),
	TV_TWDONE(TV_CL, TV_CL),
};

/* Crossing SYNs: both SYN-SENT -> SYN-RECEIVED -> ESTABLISHED (fig. 7). */
static const struct tcpfsm_vstep tv_simultaneous_open[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SYN, TV_SD, 0, 0, TV_SR, TV_SR, TV_OK),
	TV_C(TV_SA, TV_CA, TV_SD + 1, 0, TV_SR, TV_ES, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CA + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_PA, TV_CA + 1, TV_SD + 1, 10, TV_ES, TV_ES, TV_OK),
	TV_S(TV_A, TV_SD + 1, TV_CA + 11, 0, TV_ES, TV_ES, TV_OK),
};

/* Crossing FINs: FIN-WAIT-1 -> CLOSING -> TIME-WAIT on both (fig. 13). */
static const struct tcpfsm_vstep tv_simultaneous_close[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SD + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CD + 1, TV_SD + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SD + 1, TV_CD + 1, 0, TV_CG, TV_CG, TV_OK),
	TV_C(TV_A, TV_CD + 2, TV_SD + 2, 0, TV_CG, TV_TW, TV_OK),
	TV_S(TV_A, TV_SD + 2, TV_CD + 2, 0, TV_TW, TV_TW, TV_OK),
	TV_TWDONE(TV_CL, TV_CL),
};

/* ---- RST, one vector per state as receiver and as sender ---- */

/* Receiver LISTEN, sender SYN-SENT: the client aborts its connect(). */
static const struct tcpfsm_vstep tv_rst_listen_from_syn_sent[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_C(TV_R, TV_CC + 1, 0, 0, TV_CL, TV_LI, TV_OK),
};

/* Receiver SYN-SENT, sender LISTEN: a SYN to a closed port. */
static const struct tcpfsm_vstep tv_rst_closed_port[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_RA, 0, TV_CC + 1, 0, TV_CL, TV_CL, TV_OK),
	/* a new SYN on the CLOSED tuple */
	TV_C(TV_SYN, TV_CC + 0x10000, 0, 0, TV_CL, TV_CL, TV_NEWC),
	TV_FIRST_C(TV_SYN, TV_CC + 0x10000, 0, 0, TV_SS, TV_LI, TV_OK),
};

/* In SYN-SENT a RST counts only if it acknowledges the SYN exactly. */
static const struct tcpfsm_vstep tv_rst_syn_sent_bad_ack[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_R, 0, 0, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_R, TV_SA0, 0, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_RA, 0, TV_CC, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_RA, 0, TV_CC + 2, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_RA, 0, TV_CC + 1, 0, TV_CL, TV_CL, TV_OK),
};

/* Receiver SYN-RECEIVED after a passive open: back to LISTEN. */
static const struct tcpfsm_vstep tv_rst_syn_received_passive_rcv[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_R, TV_CD + 1, 0, 0, TV_CL, TV_LI, TV_OK),
};

/* Sender SYN-RECEIVED after a passive open: the server refuses. */
static const struct tcpfsm_vstep tv_rst_syn_received_passive_snd[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_S(TV_R, TV_SA0 + 1, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* SYN-RECEIVED of a simultaneous open (active): RST -> CLOSED both ways. */
static const struct tcpfsm_vstep tv_rst_syn_received_simopen_c[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SYN, TV_SB, 0, 0, TV_SR, TV_SR, TV_OK),
	TV_C(TV_R, TV_CA + 1, 0, 0, TV_CL, TV_CL, TV_OK),
};

static const struct tcpfsm_vstep tv_rst_syn_received_simopen_s[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SYN, TV_SB, 0, 0, TV_SR, TV_SR, TV_OK),
	TV_S(TV_R, TV_SB + 1, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* ESTABLISHED, from either side, with and without ACK. */
static const struct tcpfsm_vstep tv_rst_established_c[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_R, TV_CA + 1, 0, 0, TV_CL, TV_CL, TV_OK),
};

static const struct tcpfsm_vstep tv_rst_established_s[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_RA, TV_SA0 + 1, TV_CA + 1, 0, TV_CL, TV_CL, TV_OK),
};

/* Receiver FIN-WAIT-1, sender CLOSE-WAIT. */
static const struct tcpfsm_vstep tv_rst_fin_wait_1[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CB + 1, TV_SB + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_RA, TV_SB + 1, TV_CB + 2, 0, TV_CL, TV_CL, TV_OK),
};

/* Receiver CLOSE-WAIT, sender FIN-WAIT-1. */
static const struct tcpfsm_vstep tv_rst_close_wait[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CB + 1, TV_SB + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_C(TV_R, TV_CB + 2, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* Receiver FIN-WAIT-2, sender CLOSE-WAIT. */
static const struct tcpfsm_vstep tv_rst_fin_wait_2_rcv[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CC + 1, TV_SC + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SC + 1, TV_CC + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_R, TV_SC + 1, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* Sender FIN-WAIT-2, receiver CLOSE-WAIT. */
static const struct tcpfsm_vstep tv_rst_fin_wait_2_snd[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CC + 1, TV_SC + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SC + 1, TV_CC + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_C(TV_R, TV_CC + 2, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* Receiver LAST-ACK, sender TIME-WAIT. */
static const struct tcpfsm_vstep tv_rst_last_ack_rcv[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CD + 1, TV_SA0 + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SA0 + 1, TV_CD + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SA0 + 1, TV_CD + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_R, TV_CD + 2, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* Sender LAST-ACK, receiver TIME-WAIT. */
static const struct tcpfsm_vstep tv_rst_last_ack_snd[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CD + 1, TV_SA0 + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SA0 + 1, TV_CD + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SA0 + 1, TV_CD + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_S(TV_R, TV_SA0 + 2, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* CLOSING, as receiver and as sender. */
static const struct tcpfsm_vstep tv_rst_closing_c[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CA + 1, TV_SC + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SC + 1, TV_CA + 1, 0, TV_CG, TV_CG, TV_OK),
	TV_C(TV_R, TV_CA + 2, 0, 0, TV_CL, TV_CL, TV_OK),
};

static const struct tcpfsm_vstep tv_rst_closing_s[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CA + 1, TV_SC + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SC + 1, TV_CA + 1, 0, TV_CG, TV_CG, TV_OK),
	TV_S(TV_RA, TV_SC + 2, TV_CA + 2, 0, TV_CL, TV_CL, TV_OK),
};

/* Receiver TIME-WAIT, sender CLOSED (RFC 9293, not the RFC 1337 option). */
static const struct tcpfsm_vstep tv_rst_time_wait_rcv[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SD + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CB + 1, TV_SD + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SD + 1, TV_CB + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SD + 1, TV_CB + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CB + 2, TV_SD + 2, 0, TV_TW, TV_CL, TV_OK),
	TV_S(TV_R, TV_SD + 2, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* Sender TIME-WAIT, receiver CLOSED. */
static const struct tcpfsm_vstep tv_rst_time_wait_snd[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SD + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CB + 1, TV_SD + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SD + 1, TV_CB + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SD + 1, TV_CB + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CB + 2, TV_SD + 2, 0, TV_TW, TV_CL, TV_OK),
	TV_C(TV_R, TV_CB + 2, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* Exact at the receiver's last ACK, although the sender sent more. */
static const struct tcpfsm_vstep tv_rst_exact_last_ack[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_PA, TV_SA0 + 1, TV_CC + 1, 1000, TV_ES, TV_ES, TV_OK),
	/* in the window but neither exact value: challenge ACK (RFC 5961) */
	TV_S(TV_R, TV_SA0 + 500, 0, 0, TV_ES, TV_ES, TV_IGN(RST_CHALLENGE)),
	TV_S(TV_R, TV_SA0 + 1, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* Blind resets far outside the window, challenge in it, then exact. */
static const struct tcpfsm_vstep tv_rst_blind_and_challenge[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_R, TV_CA + 1 + 0x40000000U, 0, 0, TV_ES, TV_ES,
	     TV_INV(RST_WINDOW)),
	TV_S(TV_RA, TV_SB - 0x20000000U, TV_CA + 1, 0, TV_ES, TV_ES,
	     TV_INV(RST_WINDOW)),
	TV_C(TV_R, TV_CA + 1000, 0, 0, TV_ES, TV_ES, TV_IGN(RST_CHALLENGE)),
	TV_S(TV_RA, TV_SB + 2000, TV_CA + 1, 0, TV_ES, TV_ES,
	     TV_IGN(RST_CHALLENGE)),
	TV_S(TV_RA, TV_SB + 1, TV_CA + 1, 0, TV_CL, TV_CL, TV_OK),
};

/*
 * Choice pinned: after the sender's FIN, a RST at the FIN's own sequence
 * number (rcv_nxt - 1) is accepted by a receiver in CLOSE-WAIT, as the
 * kernel's tcp_reset_check() does.
 */
static const struct tcpfsm_vstep tv_rst_at_fin_seq[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SD + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CD + 1, TV_SD + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_C(TV_R, TV_CD + 1, 0, 0, TV_CL, TV_CL, TV_OK),
};

/* ---- Retransmissions ---- */

static const struct tcpfsm_vstep tv_retransmit_syn_synack[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	/* late duplicates once established change nothing */
	TV_C(TV_SYN, TV_CB, 0, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CB + 1, 0, TV_ES, TV_ES, TV_OK),
};

static const struct tcpfsm_vstep tv_retransmit_fin[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SD + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CC + 1, TV_SD + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_C(TV_FA, TV_CC + 1, TV_SD + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SD + 1, TV_CC + 2, 0, TV_F2, TV_CW, TV_OK),
	/* the retransmission crossed the ACK */
	TV_C(TV_FA, TV_CC + 1, TV_SD + 1, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SD + 1, TV_CC + 2, 0, TV_TW, TV_LA, TV_OK),
	/* the final ACK was lost: LAST-ACK retransmits */
	TV_S(TV_FA, TV_SD + 1, TV_CC + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CC + 2, TV_SD + 2, 0, TV_TW, TV_CL, TV_OK),
};

/* Lost SYN/ACK: the client retransmits its SYN, so it is in SYN-SENT. */
static const struct tcpfsm_vstep tv_lost_synack[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_SR, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
};

/*
 * BUG: the client's SYN timer fired while the SYN/ACK was in flight, so the
 * retransmitted SYN crossed it; the client's ACK of the server's SYN then
 * proves it received the SYN/ACK: client ESTABLISHED, and the server becomes
 * ESTABLISHED on that ACK.  tcpfsm_snd[IN_ACK][SYN-SENT] is invalid.
 */
static const struct tcpfsm_vstep tv_syn_retransmit_crossing_synack[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
};

/* ---- New connections on an old tuple ---- */

/* The client (TIME-WAIT) opens again: NEW, then the flow restarts. */
static const struct tcpfsm_vstep tv_new_syn_time_wait[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CA + 1, TV_SA0 + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SA0 + 1, TV_CA + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SA0 + 1, TV_CA + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CA + 2, TV_SA0 + 2, 0, TV_TW, TV_CL, TV_OK),
	TV_C(TV_SYN, TV_CA + 0x100000, 0, 0, TV_TW, TV_CL, TV_NEWC),
	TV_FIRST_C(TV_SYN, TV_CA + 0x100000, 0, 0, TV_SS, TV_LI, TV_OK),
};

/* The server closed first and is in TIME-WAIT; the CLOSED client opens. */
static const struct tcpfsm_vstep tv_new_syn_closed[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_FA, TV_SB + 1, TV_CB + 1, 0, TV_CW, TV_F1, TV_OK),
	TV_C(TV_FA, TV_CB + 1, TV_SB + 2, 0, TV_LA, TV_TW, TV_OK),
	TV_S(TV_A, TV_SB + 2, TV_CB + 2, 0, TV_CL, TV_TW, TV_OK),
	TV_C(TV_SYN, TV_CB + 0x200000, 0, 0, TV_CL, TV_TW, TV_NEWC),
	TV_FIRST_C(TV_SYN, TV_CB + 0x200000, 0, 0, TV_SS, TV_LI, TV_OK),
};

/* Both CLOSED after the TIME-WAIT timeout. */
static const struct tcpfsm_vstep tv_new_syn_after_timeout[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SD + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CD + 1, TV_SD + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SD + 1, TV_CD + 2, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SD + 1, TV_CD + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CD + 2, TV_SD + 2, 0, TV_TW, TV_CL, TV_OK),
	TV_TWDONE(TV_CL, TV_CL),
	TV_C(TV_SYN, TV_CD + 0x300000, 0, 0, TV_CL, TV_CL, TV_NEWC),
};

/*
 * BUG: the client reset the connection (CLOSED) and the server went back to
 * LISTEN.  A SYN from the server now reaches a CLOSED endpoint: CLOSED only
 * leaves through a new connection (NEW); the FSM instead shows the client
 * in LISTEN (tcpfsm_rcv[IN_SYN][CLOSED]).
 */
static const struct tcpfsm_vstep tv_syn_to_closed_endpoint[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_R, TV_CB + 1, 0, 0, TV_CL, TV_LI, TV_OK),
	TV_S(TV_SYN, TV_SD + 1, 0, 0, TV_CL, TV_LI, TV_NEWC),
};

/*
 * Choice pinned: a SYN/ACK once the connection is closed is out of place,
 * even one whose ACK covers the TIME-WAIT endpoint's FIN (no stack sends
 * that; the fuzzer's seed for tcpfsm_rcv[IN_SYNACK][TIME-WAIT]).
 */
static const struct tcpfsm_vstep tv_synack_to_time_wait[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CC + 1, TV_SB + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SB + 1, TV_CC + 2, 0, TV_TW, TV_LA, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CC + 2, 0, TV_TW, TV_LA, TV_INV(UNEXPECTED)),
	TV_C(TV_A, TV_CC + 2, TV_SB + 2, 0, TV_TW, TV_CL, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CC + 2, 0, TV_TW, TV_CL, TV_INV(UNEXPECTED)),
};

/* ---- Invalid segments ---- */

/*
 * What a synchronised Linux endpoint drops or answers with a challenge ACK
 * and nothing else (tcp_validate_incoming(), tcp_rcv_established()): a SYN
 * with a FIN, a FIN without an ACK, no flags, PSH or URG alone.  The
 * combinations with RST have their own vectors: they reset.
 */
static const struct tcpfsm_vstep tv_invalid_flags[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
#define TV_BAD(d, f) TV_STEP(TV_OP_SEG, d, f, TV_CA + 1, TV_SA0 + 1, 0,	\
			     TV_WIN, TV_NOWS, TV_ES, TV_ES, TV_INV(BAD_FLAGS))
	TV_BAD(TV_C2S, TCPFSM_TH_SYN | TCPFSM_TH_FIN),
	TV_BAD(TV_S2C, TCPFSM_TH_SYN | TCPFSM_TH_FIN | TCPFSM_TH_ACK),
	TV_BAD(TV_C2S, 0),
	TV_BAD(TV_S2C, TCPFSM_TH_FIN),
	TV_BAD(TV_C2S, TCPFSM_TH_FIN | TCPFSM_TH_PSH),
	TV_BAD(TV_S2C, TCPFSM_TH_PSH),
	TV_BAD(TV_C2S, TCPFSM_TH_URG),
	TV_BAD(TV_S2C, TCPFSM_TH_SYN | TCPFSM_TH_FIN | TCPFSM_TH_URG |
		       TCPFSM_TH_PSH | TCPFSM_TH_ACK),
#undef TV_BAD
	TV_C(TV_A, TV_CA + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
};

/* Bad first segments create nothing. */
static const struct tcpfsm_vstep tv_invalid_first[] = {
	TV_FIRST_C(TCPFSM_TH_SYN | TCPFSM_TH_FIN, TV_CB, 0, 0, TV_CL, TV_CL,
		   TV_INV(BAD_FLAGS)),
	TV_FIRST_C(0, TV_CB, 0, 0, TV_CL, TV_CL, TV_INV(BAD_FLAGS)),
	TV_FIRST_C(TCPFSM_TH_FIN, TV_CB, 0, 0, TV_CL, TV_CL, TV_INV(BAD_FLAGS)),
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
};

/* Data and ACKs outside the windows change nothing. */
static const struct tcpfsm_vstep tv_out_of_window[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_PA, TV_CC + 1 + 1000000, TV_SB + 1, 100, TV_ES, TV_ES,
	     TV_INV(SEQ_WINDOW)),
	TV_C(TV_PA, TV_CC + 1 - 100000, TV_SB + 1, 100, TV_ES, TV_ES,
	     TV_INV(SEQ_WINDOW)),
	TV_S(TV_PA, TV_SB + 1 + 0x50000000U, TV_CC + 1, 10, TV_ES, TV_ES,
	     TV_INV(SEQ_WINDOW)),
	TV_C(TV_A, TV_CC + 1, TV_SB + 1 + 5000, 0, TV_ES, TV_ES,
	     TV_INV(ACK_WINDOW)),
	TV_C(TV_A, TV_CC + 1, TV_SB + 1 - 200000, 0, TV_ES, TV_ES,
	     TV_INV(ACK_WINDOW)),
	/* a FIN out of the window closes nothing */
	TV_C(TV_FA, TV_CC + 1 + 1000000, TV_SB + 1, 0, TV_ES, TV_ES,
	     TV_INV(SEQ_WINDOW)),
	TV_S(TV_FA, TV_SB + 1, TV_CC + 1 + 70000, 0, TV_ES, TV_ES,
	     TV_INV(ACK_WINDOW)),
	TV_C(TV_FA, TV_CC + 1, TV_SB + 1, 0, TV_F1, TV_CW, TV_OK),
	/* an ACK beyond the FIN does not acknowledge it */
	TV_S(TV_A, TV_SB + 1, TV_CC + 3, 0, TV_F1, TV_CW, TV_INV(ACK_WINDOW)),
	TV_S(TV_A, TV_SB + 1, TV_CC + 2, 0, TV_F2, TV_CW, TV_OK),
};

/*
 * BUG: a bare ACK whose sequence number is far outside the window is not
 * acceptable (RFC 9293 3.10.7.4: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND; the
 * kernel's tcp_sequence() agrees) and must not acknowledge the FIN.  The FSM
 * checks zero-length segments on their ACK alone.
 */
static const struct tcpfsm_vstep tv_bare_ack_seq_out_of_window[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CD + 1, TV_SB + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SB + 1 + 0x40000000U, TV_CD + 2, 0, TV_F1, TV_CW,
	     TV_INV(SEQ_WINDOW)),
	TV_S(TV_A, TV_SB + 1, TV_CD + 2, 0, TV_F2, TV_CW, TV_OK),
};

/* The SYN/ACK must acknowledge exactly the SYN (RFC 9293 3.10.7.3). */
static const struct tcpfsm_vstep tv_synack_ack_too_low[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CA, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_SA, TV_SD, TV_CA - 1000, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_SA, TV_SD, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
};

/*
 * BUG: SEG.ACK > SND.NXT is unacceptable in SYN-SENT (RFC 9293 3.10.7.3);
 * the FSM accepts it because the server has not been seen yet, so the
 * window check is skipped, and tcpfsm_acks_ctl() only tests ack >= ctl_end.
 */
static const struct tcpfsm_vstep tv_synack_ack_too_high[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CA + 2, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_SA, TV_SD, TV_CA + 0x1000000, 0, TV_SS, TV_LI,
	     TV_INV(BAD_ACK)),
	TV_S(TV_SA, TV_SD, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
};

/* ---- Mid-stream pickup ---- */

static const struct tcpfsm_vstep tv_pickup_ack_first[] = {
	TV_FIRST_C(TV_PA, TV_CC, TV_SD, 100, TV_ES, TV_ES, TV_OK),
	TV_S(TV_A, TV_SD, TV_CC + 100, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CC + 100, TV_SD, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SD, TV_CC + 101, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CC + 101, TV_SD + 1, 0, TV_TW, TV_CL, TV_OK),
};

static const struct tcpfsm_vstep tv_pickup_fin_first[] = {
	TV_FIRST_C(TV_FA, TV_CB, TV_SB, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SB, TV_CB + 1, 0, TV_F2, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SB, TV_CB + 1, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SB + 1, 0, TV_TW, TV_CL, TV_OK),
};

/*
 * BUG: a picked-up FIN with data: the server's ACK of the data alone does
 * not cover the FIN, so the client stays in FIN-WAIT-1.  tcpfsm_track()
 * overwrites the FIN's ctl_end with seg->seq for a first-seen sender.
 */
static const struct tcpfsm_vstep tv_pickup_fin_data_first[] = {
	TV_FIRST_C(TV_FPA, TV_CA, TV_SA0, 100, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SA0, TV_CA + 100, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_A, TV_SA0, TV_CA + 101, 0, TV_F2, TV_CW, TV_OK),
};

/*
 * BUG: same cause, for the second side's first segment: the server's first
 * segment is a FIN; the client's data sent before it arrived does not
 * acknowledge it, so the server stays in FIN-WAIT-1.
 */
static const struct tcpfsm_vstep tv_pickup_server_fin_first_seen[] = {
	TV_FIRST_C(TV_A, TV_CD, TV_SC, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_FA, TV_SC, TV_CD, 0, TV_CW, TV_F1, TV_OK),
	TV_C(TV_PA, TV_CD, TV_SC, 50, TV_CW, TV_F1, TV_OK),
	TV_C(TV_A, TV_CD + 50, TV_SC + 1, 0, TV_CW, TV_F2, TV_OK),
};

/* A first-seen SYN/ACK: its receiver is the client, already ESTABLISHED. */
static const struct tcpfsm_vstep tv_pickup_synack_first[] = {
	TV_FIRST_S(TV_SA, TV_SA0, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_PA, TV_CA + 1, TV_SA0 + 1, 200, TV_ES, TV_ES, TV_OK),
	TV_S(TV_A, TV_SA0 + 1, TV_CA + 201, 0, TV_ES, TV_ES, TV_OK),
};

/*
 * BUG: a first-seen SYN/ACK offering window scaling proves both sides
 * scale (RFC 7323 1.3: a SYN/ACK carries the option only if the SYN did);
 * the client's shift is unknown, so its windows must be read as large as
 * possible, as for any pickup.  The FSM zeroes both shifts, reads the
 * client's window of 502 (64256 bytes with shift 7) as 502 bytes and
 * rejects the server's second segment of a normal burst.
 */
static const struct tcpfsm_vstep tv_pickup_synack_wscale[] = {
	TV_FIRST_SWIN(TV_SA, TV_SB, TV_CB + 1, 0, 65535, 7, TV_ES, TV_SR, TV_OK),
	TV_CWIN(TV_A, TV_CB + 1, TV_SB + 1, 0, 502, TV_NOWS, TV_ES, TV_ES, TV_OK),
	TV_SWIN(TV_PA, TV_SB + 1, TV_CB + 1, 1400, 502, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
	TV_SWIN(TV_PA, TV_SB + 1401, TV_CB + 1, 1400, 502, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
	TV_SWIN(TV_PA, TV_SB + 2801, TV_CB + 1, 1400, 502, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
};

/* Pickup off: only a SYN starts a flow. */
static const struct tcpfsm_vstep tv_pickup_off[] = {
	TV_FIRST_C(TV_A, TV_CA, TV_SA0, 0, TV_CL, TV_CL, TV_IGN(NO_PICKUP)),
	TV_FIRST_S(TV_SA, TV_SA0, TV_CA + 1, 0, TV_CL, TV_CL,
		   TV_IGN(NO_PICKUP)),
	TV_FIRST_C(TV_FA, TV_CA, TV_SA0, 0, TV_CL, TV_CL, TV_IGN(NO_PICKUP)),
	/* choice pinned: a RST never starts a flow, pickup or not */
	TV_FIRST_C(TV_R, TV_CA, 0, 0, TV_CL, TV_CL, TV_IGN(UNEXPECTED)),
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
};

/* ---- Window scaling (RFC 7323) ---- */

/* Both offer: the client's window of 502 means 502 << 7 = 64256 bytes. */
static const struct tcpfsm_vstep tv_wscale_both[] = {
	TV_FIRST_CWIN(TV_SYN, TV_CC, 0, 0, 64240, 7, TV_SS, TV_LI, TV_OK),
	TV_SWIN(TV_SA, TV_SA0, TV_CC + 1, 0, 65160, 7, TV_ES, TV_SR, TV_OK),
	TV_CWIN(TV_A, TV_CC + 1, TV_SA0 + 1, 0, 502, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
	TV_SWIN(TV_PA, TV_SA0 + 1, TV_CC + 1, 1448, 509, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
	TV_SWIN(TV_PA, TV_SA0 + 30001, TV_CC + 1, 1448, 509, TV_NOWS, TV_ES,
		TV_ES, TV_OK),
	TV_CWIN(TV_A, TV_CC + 1, TV_SA0 + 31449, 0, 502, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
};

/* Only the client offers: no scaling, 502 means 502 bytes. */
static const struct tcpfsm_vstep tv_wscale_client_only[] = {
	TV_FIRST_CWIN(TV_SYN, TV_CC, 0, 0, 64240, 7, TV_SS, TV_LI, TV_OK),
	TV_SWIN(TV_SA, TV_SA0, TV_CC + 1, 0, 65160, TV_NOWS, TV_ES, TV_SR,
		TV_OK),
	TV_CWIN(TV_A, TV_CC + 1, TV_SA0 + 1, 0, 502, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
	TV_SWIN(TV_PA, TV_SA0 + 1, TV_CC + 1, 400, 509, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
	TV_SWIN(TV_PA, TV_SA0 + 30001, TV_CC + 1, 1448, 509, TV_NOWS, TV_ES,
		TV_ES, TV_INV(SEQ_WINDOW)),
};

/* Only the server offers (which a real server never does): no scaling. */
static const struct tcpfsm_vstep tv_wscale_server_only[] = {
	TV_FIRST_CWIN(TV_SYN, TV_CC, 0, 0, 64240, TV_NOWS, TV_SS, TV_LI, TV_OK),
	TV_SWIN(TV_SA, TV_SA0, TV_CC + 1, 0, 65160, 7, TV_ES, TV_SR, TV_OK),
	TV_CWIN(TV_A, TV_CC + 1, TV_SA0 + 1, 0, 502, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
	TV_SWIN(TV_PA, TV_SA0 + 1, TV_CC + 1, 400, 509, TV_NOWS, TV_ES, TV_ES,
		TV_OK),
	TV_SWIN(TV_PA, TV_SA0 + 30001, TV_CC + 1, 1448, 509, TV_NOWS, TV_ES,
		TV_ES, TV_INV(SEQ_WINDOW)),
};

/* ---- A SYN carrying data (TCP Fast Open, RFC 7413) ---- */

/*
 * A TFO client against a server without TFO: the SYN/ACK acknowledges the
 * SYN only (ack = isn + 1), as the server's kernel sends it, and its socket
 * is SYN-RECEIVED.  The client then sends the data again, from isn + 1,
 * carrying the ACK of the server's SYN (tcp_rcv_fastopen_synack()).
 */
static const struct tcpfsm_vstep tv_tfo_server_acks_syn_only[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 100, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_PA, TV_CA + 1, TV_SB + 1, 100, TV_ES, TV_ES, TV_OK),
	TV_S(TV_A, TV_SB + 1, TV_CA + 101, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_FA, TV_CA + 101, TV_SB + 1, 0, TV_F1, TV_CW, TV_OK),
	TV_S(TV_FA, TV_SB + 1, TV_CA + 102, 0, TV_TW, TV_LA, TV_OK),
	TV_C(TV_A, TV_CA + 102, TV_SB + 2, 0, TV_TW, TV_CL, TV_OK),
};

/* The same, the client's third segment a bare ACK at its SND.NXT first. */
static const struct tcpfsm_vstep tv_tfo_server_acks_syn_only_bare[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 1000, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1001, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TV_PA, TV_CD + 1, TV_SA0 + 1, 1000, TV_ES, TV_ES, TV_OK),
	TV_S(TV_A, TV_SA0 + 1, TV_CD + 1001, 0, TV_ES, TV_ES, TV_OK),
};

/*
 * A server with TFO acknowledges the data too (ack = isn + 1 + len); one
 * acknowledging part of it is acceptable as well (RFC 9293 3.10.7.3:
 * SND.UNA < SEG.ACK =< SND.NXT; tcp_rcv_synsent_state_process()).  Beyond
 * the data, or not covering the SYN, it is not.
 */
static const struct tcpfsm_vstep tv_tfo_server_acks_data[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 200, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CB + 202, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_SA, TV_SC, TV_CB, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_SA, TV_SC, TV_CB + 201, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 201, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_PA, TV_SC + 1, TV_CB + 201, 50, TV_ES, TV_ES, TV_OK),
};

static const struct tcpfsm_vstep tv_tfo_server_acks_part[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 200, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CC + 101, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_PA, TV_CC + 101, TV_SD + 1, 100, TV_ES, TV_ES, TV_OK),
	TV_S(TV_A, TV_SD + 1, TV_CC + 201, 0, TV_ES, TV_ES, TV_OK),
};

/* A RST acknowledging the SYN but not its data resets SYN-SENT too. */
static const struct tcpfsm_vstep tv_tfo_rst_acks_syn_only[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 100, TV_SS, TV_LI, TV_OK),
	TV_S(TV_RA, 0, TV_CA + 102, 0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TV_RA, 0, TV_CA + 1, 0, TV_CL, TV_CL, TV_OK),
};

/* The retransmitted SYN of a TFO client, without the data, as Linux sends it. */
static const struct tcpfsm_vstep tv_tfo_syn_retransmit[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 100, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_SR, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_PA, TV_CB + 1, TV_SA0 + 1, 100, TV_ES, TV_ES, TV_OK),
};

/* ---- RST with other flags (RFC 9293 3.10.7: the RST bit comes first) ---- */

/* ESTABLISHED: reset at the exact sequence number, whatever else is set. */
static const struct tcpfsm_vstep tv_rst_syn_established[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TCPFSM_TH_SYN | TCPFSM_TH_RST, TV_CA + 1, 0, 0, TV_CL, TV_CL,
	     TV_OK),
};

static const struct tcpfsm_vstep tv_rst_syn_ack_established[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TCPFSM_TH_SYN | TCPFSM_TH_RST | TCPFSM_TH_ACK, TV_SC + 1,
	     TV_CB + 1, 0, TV_CL, TV_CL, TV_OK),
};

static const struct tcpfsm_vstep tv_rst_fin_established[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SD + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TCPFSM_TH_RST | TCPFSM_TH_FIN, TV_CC + 1, 0, 0, TV_CL, TV_CL,
	     TV_OK),
};

static const struct tcpfsm_vstep tv_rst_fin_ack_established[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SA0 + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TCPFSM_TH_RST | TCPFSM_TH_FIN | TCPFSM_TH_ACK, TV_SA0 + 1,
	     TV_CD + 1, 0, TV_CL, TV_CL, TV_OK),
};

static const struct tcpfsm_vstep tv_rst_urg_established[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CA + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CA + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TCPFSM_TH_RST | TCPFSM_TH_URG, TV_CA + 1, 0, 0, TV_CL, TV_CL,
	     TV_OK),
};

static const struct tcpfsm_vstep tv_rst_psh_established[] = {
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SD, TV_CB + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CB + 1, TV_SD + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TCPFSM_TH_RST | TCPFSM_TH_PSH, TV_SD + 1, 0, 0, TV_CL, TV_CL,
	     TV_OK),
};

static const struct tcpfsm_vstep tv_rst_all_flags_established[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CC + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(0xff, TV_CC + 1, TV_SB + 1, 0, TV_CL, TV_CL, TV_OK),
};

/*
 * The same combinations are held to RFC 5961 as a plain RST: in the window
 * but not exact, a challenge; far outside it, a blind reset.
 */
static const struct tcpfsm_vstep tv_rst_flags_not_exact[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SB, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SB + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_C(TCPFSM_TH_RST | TCPFSM_TH_FIN, TV_CD + 100, 0, 0, TV_ES, TV_ES,
	     TV_IGN(RST_CHALLENGE)),
	TV_S(TCPFSM_TH_SYN | TCPFSM_TH_RST, TV_SB + 1 + 0x40000000U, 0, 0,
	     TV_ES, TV_ES, TV_INV(RST_WINDOW)),
	TV_C(0xff, TV_CD + 1 - 0x30000000U, TV_SB + 1, 0, TV_ES, TV_ES,
	     TV_INV(RST_WINDOW)),
	TV_S(TCPFSM_TH_RST | TCPFSM_TH_URG, TV_SB + 1, 0, 0, TV_CL, TV_CL,
	     TV_OK),
};

/*
 * SYN-SENT (tcp_rcv_synsent_state_process()): a RST counts if it carries
 * an acceptable ACK, whatever else is set; without an ACK it is dropped.
 */
static const struct tcpfsm_vstep tv_rst_syn_syn_sent[] = {
	TV_FIRST_C(TV_SYN, TV_CA, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TCPFSM_TH_SYN | TCPFSM_TH_RST, TV_SD, 0, 0, TV_SS, TV_LI,
	     TV_INV(BAD_ACK)),
	TV_S(TCPFSM_TH_SYN | TCPFSM_TH_RST | TCPFSM_TH_ACK, TV_SD, TV_CA + 2,
	     0, TV_SS, TV_LI, TV_INV(BAD_ACK)),
	TV_S(TCPFSM_TH_SYN | TCPFSM_TH_RST | TCPFSM_TH_ACK, TV_SD, TV_CA + 1,
	     0, TV_CL, TV_CL, TV_OK),
};

/* LISTEN (tcp_rcv_state_process()): RST with a SYN opens nothing. */
static const struct tcpfsm_vstep tv_rst_syn_listen[] = {
	TV_FIRST_C(TCPFSM_TH_SYN | TCPFSM_TH_RST, TV_CB, 0, 0, TV_CL, TV_CL,
		   TV_IGN(UNEXPECTED)),
	TV_FIRST_C(0xff, TV_CB, 0, 0, TV_CL, TV_CL, TV_IGN(UNEXPECTED)),
	TV_FIRST_C(TV_SYN, TV_CB, 0, 0, TV_SS, TV_LI, TV_OK),
	/* the client aborts its connect(): the listener keeps listening */
	TV_C(TCPFSM_TH_RST | TCPFSM_TH_FIN, TV_CB + 1, 0, 0, TV_CL, TV_LI,
	     TV_OK),
};

/*
 * SYN-RECEIVED of a passive open (tcp_check_req(): "flg & (TCP_FLAG_RST |
 * TCP_FLAG_SYN)" resets the request): back to LISTEN.
 */
static const struct tcpfsm_vstep tv_rst_fin_syn_received[] = {
	TV_FIRST_C(TV_SYN, TV_CC, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SA0, TV_CC + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TCPFSM_TH_RST | TCPFSM_TH_FIN | TCPFSM_TH_ACK, TV_CC + 1,
	     TV_SA0 + 1, 0, TV_CL, TV_LI, TV_OK),
};

/* TIME-WAIT (tcp_timewait_state_process(): "th->rst" kills it). */
static const struct tcpfsm_vstep tv_rst_syn_time_wait[] = {
	TV_FIRST_C(TV_SYN, TV_CD, 0, 0, TV_SS, TV_LI, TV_OK),
	TV_S(TV_SA, TV_SC, TV_CD + 1, 0, TV_ES, TV_SR, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SC + 1, 0, TV_ES, TV_ES, TV_OK),
	TV_S(TV_FA, TV_SC + 1, TV_CD + 1, 0, TV_CW, TV_F1, TV_OK),
	TV_C(TV_A, TV_CD + 1, TV_SC + 2, 0, TV_CW, TV_F2, TV_OK),
	TV_C(TV_FA, TV_CD + 1, TV_SC + 2, 0, TV_LA, TV_TW, TV_OK),
	TV_S(TV_A, TV_SC + 2, TV_CD + 2, 0, TV_CL, TV_TW, TV_OK),
	TV_C(TCPFSM_TH_SYN | TCPFSM_TH_RST, TV_CD + 2, 0, 0, TV_CL, TV_CL,
	     TV_OK),
};

#define TV_VEC(n, pk, fl) \
	{ .name = #n, .steps = tv_##n, .nsteps = ARRAY_SIZE(tv_##n), \
	  .pickup = (pk), .conn_flags = (fl) }

static const struct tcpfsm_vector tcpfsm_vectors[] = {
	TV_VEC(open_close_client_first, false, 0),
	TV_VEC(open_close_server_first, false, 0),
	TV_VEC(half_close_data, false, 0),
	TV_VEC(fin_with_data, false, 0),
	TV_VEC(fin_ack_combined, false, 0),
	TV_VEC(simultaneous_open, false, TCPFSM_CONN_SIMOPEN),
	TV_VEC(simultaneous_close, false, TCPFSM_CONN_SIMCLOSE),
	TV_VEC(rst_listen_from_syn_sent, false, 0),
	TV_VEC(rst_closed_port, false, 0),
	TV_VEC(rst_syn_sent_bad_ack, false, 0),
	TV_VEC(rst_syn_received_passive_rcv, false, 0),
	TV_VEC(rst_syn_received_passive_snd, false, 0),
	TV_VEC(rst_syn_received_simopen_c, false, TCPFSM_CONN_SIMOPEN),
	TV_VEC(rst_syn_received_simopen_s, false, TCPFSM_CONN_SIMOPEN),
	TV_VEC(rst_established_c, false, 0),
	TV_VEC(rst_established_s, false, 0),
	TV_VEC(rst_fin_wait_1, false, 0),
	TV_VEC(rst_close_wait, false, 0),
	TV_VEC(rst_fin_wait_2_rcv, false, 0),
	TV_VEC(rst_fin_wait_2_snd, false, 0),
	TV_VEC(rst_last_ack_rcv, false, 0),
	TV_VEC(rst_last_ack_snd, false, 0),
	TV_VEC(rst_closing_c, false, TCPFSM_CONN_SIMCLOSE),
	TV_VEC(rst_closing_s, false, TCPFSM_CONN_SIMCLOSE),
	TV_VEC(rst_time_wait_rcv, false, 0),
	TV_VEC(rst_time_wait_snd, false, 0),
	TV_VEC(rst_exact_last_ack, false, 0),
	TV_VEC(rst_blind_and_challenge, false, 0),
	TV_VEC(rst_at_fin_seq, false, 0),
	TV_VEC(retransmit_syn_synack, false, 0),
	TV_VEC(retransmit_fin, false, 0),
	TV_VEC(lost_synack, false, 0),
	TV_VEC(syn_retransmit_crossing_synack, false, 0),
	TV_VEC(new_syn_time_wait, false, 0),
	TV_VEC(new_syn_closed, false, 0),
	TV_VEC(new_syn_after_timeout, false, 0),
	TV_VEC(syn_to_closed_endpoint, false, 0),
	TV_VEC(synack_to_time_wait, false, 0),
	TV_VEC(invalid_flags, false, 0),
	TV_VEC(invalid_first, false, 0),
	TV_VEC(out_of_window, false, 0),
	TV_VEC(bare_ack_seq_out_of_window, false, 0),
	TV_VEC(synack_ack_too_low, false, 0),
	TV_VEC(synack_ack_too_high, false, 0),
	TV_VEC(pickup_ack_first, true, TCPFSM_CONN_PICKUP),
	TV_VEC(pickup_fin_first, true, TCPFSM_CONN_PICKUP),
	TV_VEC(pickup_fin_data_first, true, TCPFSM_CONN_PICKUP),
	TV_VEC(pickup_server_fin_first_seen, true, TCPFSM_CONN_PICKUP),
	TV_VEC(pickup_synack_first, true, TCPFSM_CONN_PICKUP),
	TV_VEC(pickup_synack_wscale, true, TCPFSM_CONN_PICKUP),
	TV_VEC(pickup_off, false, 0),
	TV_VEC(wscale_both, false, 0),
	TV_VEC(wscale_client_only, false, 0),
	TV_VEC(wscale_server_only, false, 0),
	TV_VEC(tfo_server_acks_syn_only, false, 0),
	TV_VEC(tfo_server_acks_syn_only_bare, false, 0),
	TV_VEC(tfo_server_acks_data, false, 0),
	TV_VEC(tfo_server_acks_part, false, 0),
	TV_VEC(tfo_rst_acks_syn_only, false, 0),
	TV_VEC(tfo_syn_retransmit, false, 0),
	TV_VEC(rst_syn_established, false, 0),
	TV_VEC(rst_syn_ack_established, false, 0),
	TV_VEC(rst_fin_established, false, 0),
	TV_VEC(rst_fin_ack_established, false, 0),
	TV_VEC(rst_urg_established, false, 0),
	TV_VEC(rst_psh_established, false, 0),
	TV_VEC(rst_all_flags_established, false, 0),
	TV_VEC(rst_flags_not_exact, false, 0),
	TV_VEC(rst_syn_syn_sent, false, 0),
	TV_VEC(rst_syn_listen, false, 0),
	TV_VEC(rst_fin_syn_received, false, 0),
	TV_VEC(rst_syn_time_wait, false, 0),
};

#endif /* _TCPFSM_VECTORS_H */
