/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration: the module parameters, which are every new namespace's
 * defaults, and the one set of rules every way of changing them is held to.
 */
#ifndef _TCPFSM_CONFIG_H
#define _TCPFSM_CONFIG_H

#include <linux/types.h>
#include <uapi/linux/tcpfsm.h>

/*
 * A namespace's configuration.  Timeouts are in seconds, indexed by enum
 * tcpfsm_state ([TCPFSM_STATE_NONE] is CLOSED's, for a flow not yet in any
 * state).  Stuck thresholds too, in seconds by state, 0 for no check
 * ([TCPFSM_STATE_NONE] always 0).
 */
struct tcpfsm_config {
	u32 timeout[__TCPFSM_STATE_MAX];
	u32 stuck[__TCPFSM_STATE_MAX];
	u32 timeout_pickup;		/* picked up, heard from one side only */
	bool pickup;
};

void tcpfsm_config_defaults(struct tcpfsm_config *cfg);
/* 0 if @cfg may be a namespace's configuration, else -EINVAL. */
int tcpfsm_config_check(const struct tcpfsm_config *cfg);
/* The highest timeout of @state a non-initial user namespace may set. */
u32 tcpfsm_config_timeout_cap(u8 state);

/* max_flows: the limit of all namespaces together. */
u32 tcpfsm_config_max_flows(void);
int tcpfsm_config_set_max_flows(u32 max);
/* A non-initial namespace's default quota, given max_flows @max. */
u32 tcpfsm_config_netns_quota(u32 max);
/* 0 if @quota may be a namespace's quota (0: the default), else -EINVAL. */
int tcpfsm_config_check_quota(u32 quota);

/* Size max_flows from RAM unless it was given; once, at load. */
void tcpfsm_config_init(void);

#endif /* _TCPFSM_CONFIG_H */
