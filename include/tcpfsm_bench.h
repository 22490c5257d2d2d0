/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel benchmark (bench/tcpfsm_bench.c), built into tcpfsm.ko only
 * by `make TCPFSM_BENCH=1`, as WireGuard builds its self-tests in under
 * DEBUG.  In every other build it does not exist: the calls are no-ops and
 * what it reaches inside the module stays static.
 */
#ifndef _TCPFSM_BENCH_H
#define _TCPFSM_BENCH_H

#include <kunit/visibility.h>

#ifdef TCPFSM_BENCH
struct nf_hook_state;
struct sk_buff;
struct tcpfsm_flow;
struct tcpfsm_net;

/* Static unless the bench calls it (and KUnit, for the second). */
#define VISIBLE_IF_TCPFSM_BENCH
#define VISIBLE_IF_KUNIT_OR_TCPFSM_BENCH

int tcpfsm_bench_init(void);
void tcpfsm_bench_uninit(void);

/*
 * What the bench times is what runs in production: the IPv4 hook as
 * netfilter calls it (tcpfsm_hooks.c), and the GC's step for one flow
 * (tcpfsm_gc.c).
 */
unsigned int tcpfsm_hook_ipv4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state);
void tcpfsm_flow_gc(struct tcpfsm_net *tn, struct tcpfsm_flow *flow);
#else
#define VISIBLE_IF_TCPFSM_BENCH static
#define VISIBLE_IF_KUNIT_OR_TCPFSM_BENCH VISIBLE_IF_KUNIT

static inline int tcpfsm_bench_init(void)
{
	return 0;
}

static inline void tcpfsm_bench_uninit(void)
{
}
#endif

#endif /* _TCPFSM_BENCH_H */
