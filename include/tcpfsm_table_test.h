/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kunit/tcpfsm_table_test.c may reach inside the flow table; empty
 * unless the kernel has KUnit.
 */
#ifndef _TCPFSM_TABLE_TEST_H
#define _TCPFSM_TABLE_TEST_H

#include <linux/kconfig.h>
#include "tcpfsm_flow.h"
#include "tcpfsm_walk.h"

#if IS_ENABLED(CONFIG_KUNIT)
int tcpfsm_evict_class(u8 st0, u8 st1);
void tcpfsm_tn_segment(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t,
		       const struct tcpfsm_seg *seg, u32 gso_segs);
void tcpfsm_flow_gc(struct tcpfsm_net *tn, struct tcpfsm_flow *flow);
bool tcpfsm_tn_get(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t,
		   struct tcpfsm_flow_info *info);

struct tcpfsm_net *tcpfsm_test_table_new(struct net *net);
void tcpfsm_test_table_free(struct tcpfsm_net *tn);
struct tcpfsm_flow *tcpfsm_test_lookup(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t);
int tcpfsm_test_flows(struct tcpfsm_net *tn);
void tcpfsm_test_age(struct tcpfsm_net *tn, struct tcpfsm_flow *flow, u32 secs);
unsigned int tcpfsm_test_gc_all(struct tcpfsm_net *tn, u32 secs);
void tcpfsm_test_summary_count(struct tcpfsm_net *tn, struct tcpfsm_summary *s);
void tcpfsm_test_summary(struct tcpfsm_net *tn, struct tcpfsm_summary *s);
#endif

#endif /* _TCPFSM_TABLE_TEST_H */
