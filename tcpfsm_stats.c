// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters of one namespace.  Nothing on the packet path writes a
 * shared line for them; a reader sums every possible CPU, so a counter
 * never goes back when a CPU goes offline.
 */

#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/string.h>

#include "tcpfsm_stats.h"

const struct tcpfsm_stat_desc tcpfsm_stat_descs[__TCPFSM_A_STATS_MAX] = TCPFSM_STAT_DESCS;

void tcpfsm_count_invalid(struct tcpfsm_counters __percpu *c, u8 reason)
{
	/* The FSM names a reason for every refusal: anything else is our bug. */
	if (WARN_ON_ONCE(!reason || reason >= __TCPFSM_REASON_MAX))
		return;
	tcpfsm_count(c, TCPFSM_CNT_INVALID + reason);
}

/* Whoever makes the namespace pays for its counters (memcg). */
struct tcpfsm_counters __percpu *tcpfsm_counters_alloc(void)
{
	return alloc_percpu_gfp(struct tcpfsm_counters, GFP_KERNEL_ACCOUNT);
}

void tcpfsm_counters_free(struct tcpfsm_counters __percpu *c)
{
	free_percpu(c);
}

void tcpfsm_counters_read(struct tcpfsm_counters __percpu *c,
			  struct tcpfsm_stats *st)
{
	const struct tcpfsm_counters *p;
	int cpu, i;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr(c, cpu);
		for (i = 0; i < TCPFSM_CNT_INVALID; i++)
			st->val[i] += READ_ONCE(p->c[i]);
		for (i = 0; i < __TCPFSM_REASON_MAX; i++)
			st->invalid[i] += READ_ONCE(p->c[TCPFSM_CNT_INVALID + i]);
	}
}
