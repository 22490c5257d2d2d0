// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameters and their rules.  A parameter given at load, a
 * value set over netlink and a namespace's quota are checked by the same
 * functions here, so that no path accepts what another refuses.
 */

#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "tcpfsm_config.h"

static unsigned int tcpfsm_param_timeout[__TCPFSM_STATE_MAX] = {
	[TCPFSM_STATE_SYN_SENT] = 120,
	[TCPFSM_STATE_SYN_RECEIVED] = 60,
	[TCPFSM_STATE_LISTEN] = 60,
	[TCPFSM_STATE_ESTABLISHED] = 432000,	/* 5 days, as conntrack */
	[TCPFSM_STATE_FIN_WAIT_1] = 120,
	[TCPFSM_STATE_FIN_WAIT_2] = 120,
	[TCPFSM_STATE_CLOSE_WAIT] = 60,
	[TCPFSM_STATE_CLOSING] = 120,
	[TCPFSM_STATE_LAST_ACK] = 30,
	[TCPFSM_STATE_TIME_WAIT] = 60,		/* Linux's own TIME-WAIT */
	[TCPFSM_STATE_CLOSED] = 10,
};

/*
 * How long an endpoint may stay in a state before it is called stuck (one
 * event per stay, the flow flagged until it moves on); 0: never.  Each is
 * well past what the state lasts on a healthy path and well within its
 * idle timeout, so that the flag shows before the flow would expire:
 *  - SYN-SENT, SYN-RECEIVED 10 s: Linux gives up a connect() after about
 *    2 minutes of SYN retries (tcp_syn_retries 6) but a handshake that has
 *    not completed after 3 retries (1+2+4 s) is already failing; 10 s is
 *    past that and the first few retransmissions on a lossy path.
 *  - CLOSE-WAIT 60 s: the peer closed and the application has not; a
 *    minute is long past any orderly shutdown, the classic leak of a
 *    server that forgets close().
 *  - FIN-WAIT-2 60 s: Linux's tcp_fin_timeout for an orphaned socket; an
 *    endpoint longer there waits on a peer that never closes.
 *  - LAST-ACK, CLOSING 30 s: only the final ACK is missing; after the
 *    retransmissions of a FIN (RTO backoff from 200 ms passes 30 s after
 *    7 tries), the peer is gone.
 *  - ESTABLISHED, FIN-WAIT-1, TIME-WAIT, CLOSED, LISTEN 0: long stays are
 *    normal there (idle connections, TIME-WAIT's own timer) or are the
 *    idle timeout's business.
 */
static unsigned int tcpfsm_param_stuck[__TCPFSM_STATE_MAX] = {
	[TCPFSM_STATE_SYN_SENT] = 10,
	[TCPFSM_STATE_SYN_RECEIVED] = 10,
	[TCPFSM_STATE_CLOSE_WAIT] = 60,
	[TCPFSM_STATE_FIN_WAIT_2] = 60,
	[TCPFSM_STATE_LAST_ACK] = 30,
	[TCPFSM_STATE_CLOSING] = 30,
};

/*
 * A flow picked up mid-stream that has heard from one side only may be a
 * stray segment of a connection that is already gone (the last ACK of one we
 * evicted, say): it must not squat the table for timeout_established.
 * conntrack likewise gives a loose pickup 300 s to see a reply.
 */
static unsigned int tcpfsm_param_timeout_pickup = 300;

static bool tcpfsm_param_pickup = true;
module_param_named(pickup, tcpfsm_param_pickup, bool, 0444);
MODULE_PARM_DESC(pickup, "Track connections picked up mid-stream (default: yes)");

/* 0 until load: then sized from RAM unless given. */
static unsigned int tcpfsm_max_flows;

/*
 * A namespace other than the initial one holds at most this many flows, so
 * that a container flooding its own loopback cannot take every slot.  0:
 * max_flows / TCPFSM_NETNS_SHARE, following max_flows as it changes.
 */
#define TCPFSM_NETNS_SHARE	4
static unsigned int tcpfsm_param_netns_max_flows;

/* Seconds up to TCPFSM_TIMEOUT_MAX; 0 only where it means "off" (@off_ok). */
static bool tcpfsm_secs_ok(u32 secs, bool off_ok)
{
	return (secs || off_ok) && secs <= TCPFSM_TIMEOUT_MAX;
}

static bool tcpfsm_max_flows_ok(u32 max)
{
	return max && max <= TCPFSM_MAX_FLOWS_MAX;
}

int tcpfsm_config_check_quota(u32 quota)
{
	return !quota || tcpfsm_max_flows_ok(quota) ? 0 : -EINVAL;
}

/* The timeouts and the stuck thresholds differ only in whether 0 is off. */
static int tcpfsm_param_set_secs(const char *val, const struct kernel_param *kp, bool off_ok)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !tcpfsm_secs_ok(v, off_ok)) {
		pr_err("%s: must be %s1..%u seconds, got '%s'\n", kp->name,
		       off_ok ? "0 (off) or " : "", TCPFSM_TIMEOUT_MAX, val);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static int tcpfsm_param_set_timeout(const char *val, const struct kernel_param *kp)
{
	return tcpfsm_param_set_secs(val, kp, false);
}

static const struct kernel_param_ops tcpfsm_timeout_ops = {
	.set = tcpfsm_param_set_timeout,
	.get = param_get_uint,
};

#define TCPFSM_TIMEOUT_PARAM(name, state, what)				\
	module_param_cb(timeout_##name, &tcpfsm_timeout_ops,		\
			&tcpfsm_param_timeout[state], 0444);		\
	MODULE_PARM_DESC(timeout_##name, "Idle timeout in " what " (seconds)")

TCPFSM_TIMEOUT_PARAM(syn_sent, TCPFSM_STATE_SYN_SENT, "SYN-SENT");
TCPFSM_TIMEOUT_PARAM(syn_received, TCPFSM_STATE_SYN_RECEIVED, "SYN-RECEIVED");
TCPFSM_TIMEOUT_PARAM(listen, TCPFSM_STATE_LISTEN, "LISTEN (SYN not answered)");
TCPFSM_TIMEOUT_PARAM(established, TCPFSM_STATE_ESTABLISHED, "ESTABLISHED");
TCPFSM_TIMEOUT_PARAM(fin_wait_1, TCPFSM_STATE_FIN_WAIT_1, "FIN-WAIT-1");
TCPFSM_TIMEOUT_PARAM(fin_wait_2, TCPFSM_STATE_FIN_WAIT_2, "FIN-WAIT-2");
TCPFSM_TIMEOUT_PARAM(close_wait, TCPFSM_STATE_CLOSE_WAIT, "CLOSE-WAIT");
TCPFSM_TIMEOUT_PARAM(closing, TCPFSM_STATE_CLOSING, "CLOSING");
TCPFSM_TIMEOUT_PARAM(last_ack, TCPFSM_STATE_LAST_ACK, "LAST-ACK");
TCPFSM_TIMEOUT_PARAM(time_wait, TCPFSM_STATE_TIME_WAIT, "TIME-WAIT, then CLOSED");
TCPFSM_TIMEOUT_PARAM(closed, TCPFSM_STATE_CLOSED, "CLOSED on both sides, before removal");
module_param_cb(timeout_pickup, &tcpfsm_timeout_ops, &tcpfsm_param_timeout_pickup, 0444);
MODULE_PARM_DESC(timeout_pickup, "Idle timeout of a flow picked up mid-stream until both sides are seen (seconds)");

static int tcpfsm_param_set_stuck(const char *val, const struct kernel_param *kp)
{
	return tcpfsm_param_set_secs(val, kp, true);
}

static const struct kernel_param_ops tcpfsm_stuck_ops = {
	.set = tcpfsm_param_set_stuck,
	.get = param_get_uint,
};

#define TCPFSM_STUCK_PARAM(name, state, what)				\
	module_param_cb(stuck_##name, &tcpfsm_stuck_ops,		\
			&tcpfsm_param_stuck[state], 0444);		\
	MODULE_PARM_DESC(stuck_##name, "Seconds in " what " before an endpoint is stuck (0: off)")

TCPFSM_STUCK_PARAM(syn_sent, TCPFSM_STATE_SYN_SENT, "SYN-SENT");
TCPFSM_STUCK_PARAM(syn_received, TCPFSM_STATE_SYN_RECEIVED, "SYN-RECEIVED");
TCPFSM_STUCK_PARAM(fin_wait_2, TCPFSM_STATE_FIN_WAIT_2, "FIN-WAIT-2");
TCPFSM_STUCK_PARAM(close_wait, TCPFSM_STATE_CLOSE_WAIT, "CLOSE-WAIT");
TCPFSM_STUCK_PARAM(closing, TCPFSM_STATE_CLOSING, "CLOSING");
TCPFSM_STUCK_PARAM(last_ack, TCPFSM_STATE_LAST_ACK, "LAST-ACK");

static int tcpfsm_param_set_max_flows(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !tcpfsm_max_flows_ok(v)) {
		pr_err("max_flows: must be 1..%u, got '%s'\n",
		       TCPFSM_MAX_FLOWS_MAX, val);
		return -EINVAL;
	}
	WRITE_ONCE(tcpfsm_max_flows, v);
	return 0;
}

static const struct kernel_param_ops tcpfsm_max_flows_ops = {
	.set = tcpfsm_param_set_max_flows,
	.get = param_get_uint,
};

module_param_cb(max_flows, &tcpfsm_max_flows_ops, &tcpfsm_max_flows, 0444);
MODULE_PARM_DESC(max_flows, "Flows tracked in all namespaces (default: RAM / 16 KiB, 1024..1M)");

static int tcpfsm_param_set_netns_max_flows(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || tcpfsm_config_check_quota(v)) {
		pr_err("netns_max_flows: must be 0 (max_flows / %u) or 1..%u, got '%s'\n",
		       TCPFSM_NETNS_SHARE, TCPFSM_MAX_FLOWS_MAX, val);
		return -EINVAL;
	}
	WRITE_ONCE(tcpfsm_param_netns_max_flows, v);
	return 0;
}

static const struct kernel_param_ops tcpfsm_netns_max_flows_ops = {
	.set = tcpfsm_param_set_netns_max_flows,
	.get = param_get_uint,
};

module_param_cb(netns_max_flows, &tcpfsm_netns_max_flows_ops,
		&tcpfsm_param_netns_max_flows, 0444);
MODULE_PARM_DESC(netns_max_flows,
		 "Flows one non-initial namespace may hold (default 0: max_flows / 4)");

void tcpfsm_config_defaults(struct tcpfsm_config *cfg)
{
	memcpy(cfg->timeout, tcpfsm_param_timeout, sizeof(cfg->timeout));
	memcpy(cfg->stuck, tcpfsm_param_stuck, sizeof(cfg->stuck));
	cfg->stuck[TCPFSM_STATE_NONE] = 0;
	cfg->timeout[TCPFSM_STATE_NONE] = tcpfsm_param_timeout[TCPFSM_STATE_CLOSED];
	cfg->timeout_pickup = tcpfsm_param_timeout_pickup;
	cfg->pickup = tcpfsm_param_pickup;
}

int tcpfsm_config_check(const struct tcpfsm_config *cfg)
{
	int i;

	for (i = TCPFSM_STATE_NONE + 1; i < __TCPFSM_STATE_MAX; i++)
		if (!tcpfsm_secs_ok(cfg->timeout[i], false) ||
		    !tcpfsm_secs_ok(cfg->stuck[i], true))
			return -EINVAL;
	return tcpfsm_secs_ok(cfg->timeout_pickup, false) ? 0 : -EINVAL;
}

/*
 * A container's root may shorten its timeouts, but not make its flows
 * outlive what the host's administrator loaded the module with.
 */
u32 tcpfsm_config_timeout_cap(u8 state)
{
	if (state >= __TCPFSM_STATE_MAX)
		return 0;
	return tcpfsm_param_timeout[state];
}

u32 tcpfsm_config_max_flows(void)
{
	return READ_ONCE(tcpfsm_max_flows);
}

/*
 * Lowering the limit evicts nothing at once: each new flow then evicts two
 * (see tcpfsm_take_slot()), so under load the table drains to the new
 * limit, and without load flows end by themselves.
 */
int tcpfsm_config_set_max_flows(u32 max)
{
	if (!tcpfsm_max_flows_ok(max))
		return -EINVAL;
	WRITE_ONCE(tcpfsm_max_flows, max);
	return 0;
}

u32 tcpfsm_config_netns_quota(u32 max)
{
	return READ_ONCE(tcpfsm_param_netns_max_flows) ?: max / TCPFSM_NETNS_SHARE;
}

void tcpfsm_config_init(void)
{
	unsigned long ram = totalram_pages() << PAGE_SHIFT;

	/* Like conntrack: one flow per 16 KiB of RAM, 64 Ki at 1 GiB. */
	if (!tcpfsm_max_flows)
		tcpfsm_max_flows = clamp_t(unsigned long, ram / 16384, 1024, 1U << 20);
}
