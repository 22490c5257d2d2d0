/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A namespace's statistics, kept where the uAPI numbers them: counters and
 * gauges by enum tcpfsm_stats_attr, refused segments by enum tcpfsm_reason.
 * Their names are in tcpfsm_names.h; /proc and netlink loop over those.
 */
#ifndef _TCPFSM_STATS_H
#define _TCPFSM_STATS_H

#include <linux/percpu.h>
#include <linux/types.h>
#include <uapi/linux/tcpfsm.h>

#include "tcpfsm_names.h"

/* What each slot of struct tcpfsm_stats is called and holds, for readers. */
extern const struct tcpfsm_stat_desc tcpfsm_stat_descs[__TCPFSM_A_STATS_MAX];

/* Per-CPU slots: the counters of enum tcpfsm_stats_attr, then by reason. */
#define TCPFSM_CNT_INVALID	__TCPFSM_A_STATS_MAX
#define TCPFSM_CNT_MAX		(TCPFSM_CNT_INVALID + __TCPFSM_REASON_MAX)

struct tcpfsm_counters {
	unsigned long c[TCPFSM_CNT_MAX];
};

/* A reading: every counter summed over CPUs, and the gauges. */
struct tcpfsm_stats {
	u64 val[__TCPFSM_A_STATS_MAX];		/* by enum tcpfsm_stats_attr */
	u64 invalid[__TCPFSM_REASON_MAX];	/* TCPFSM_A_STATS_INVALID */
};

/* Safe from any context and with no shared cache line: a per-CPU add. */
static inline void tcpfsm_count_add(struct tcpfsm_counters __percpu *c,
				    unsigned int cnt, unsigned long n)
{
	this_cpu_add(c->c[cnt], n);
}

static inline void tcpfsm_count(struct tcpfsm_counters __percpu *c,
				unsigned int cnt)
{
	tcpfsm_count_add(c, cnt, 1);
}

void tcpfsm_count_invalid(struct tcpfsm_counters __percpu *c, u8 reason);

struct tcpfsm_counters __percpu *tcpfsm_counters_alloc(void);
void tcpfsm_counters_free(struct tcpfsm_counters __percpu *c);
/* Fill @st's counters from @c; its gauges are the caller's to set. */
void tcpfsm_counters_read(struct tcpfsm_counters __percpu *c,
			  struct tcpfsm_stats *st);

#endif /* _TCPFSM_STATS_H */
