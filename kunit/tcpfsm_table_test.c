// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the flow table (tcpfsm_table.c):
 *
 *   tcpfsm_table	a flow freed and reused by another namespace's table
 *			while a walker of the first still holds it; eviction
 *			order; time arithmetic that must not wrap
 *
 * The reuse case is made deterministic rather than raced for: the caches
 * are SLAB_TYPESAFE_BY_RCU, which KASAN does not quarantine, so a flow freed
 * and another allocated on the same CPU with bottom halves off get the same
 * memory, as they may on a busy host at any time.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <net/net_namespace.h>

#include "tcpfsm_compat.h"
#include "tcpfsm_table_test.h"

static void tcpfsm_test_tuple(struct tcpfsm_tuple *t, u8 last, u16 sport)
{
	memset(t, 0, sizeof(*t));
	t->family = AF_INET;
	t->addr[0].ip = htonl(0x0a000001);
	t->addr[1].ip = htonl(0x0a000000 | last);
	t->port[0] = htons(sport);
	t->port[1] = htons(80);
}

static void tcpfsm_test_syn(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t)
{
	struct tcpfsm_seg syn = {
		.seq = 1000,
		.win = 65535,
		.flags = TCPFSM_TH_SYN,
		.wscale = TCPFSM_WSCALE_NONE,
	};

	tcpfsm_tn_segment(tn, t, &syn, 1);
}

/*
 * Namespace A's walker reached flow F; F is freed and its memory becomes G
 * in namespace B's table.  Whatever A's walker then does with its pointer
 * must leave G alone: not kill it, not expire it by A's timeouts, not show
 * it in A's /proc or dumps.  Before the owner check, A's kill destroyed G,
 * failed to unlink it from A's table, and freed it while B's table held it.
 */
static void recycled_flow(struct kunit *test)
{
	struct tcpfsm_net *a, *b;
	struct tcpfsm_tuple ta, tb;
	struct tcpfsm_flow_info info;
	struct tcpfsm_flow *f, *g;
	struct tcpfsm_walk w = {};

	a = tcpfsm_test_table_new(&init_net);
	b = tcpfsm_test_table_new(&init_net);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	tcpfsm_test_tuple(&ta, 2, 40000);
	tcpfsm_test_tuple(&tb, 3, 40001);

	tcpfsm_test_syn(a, &ta);
	f = tcpfsm_test_lookup(a, &ta);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, tcpfsm_test_flows(a), 1);

	local_bh_disable();
	KUNIT_EXPECT_TRUE(test, tcpfsm_flow_kill(a, f, NULL, TCPFSM_DESTROY_UNLOAD));
	tcpfsm_test_syn(b, &tb);
	local_bh_enable();
	g = tcpfsm_test_lookup(b, &tb);
	KUNIT_ASSERT_NOT_NULL(test, g);
	KUNIT_ASSERT_PTR_EQ_MSG(test, f, g, "the allocator did not reuse the flow");
	KUNIT_ASSERT_EQ(test, tcpfsm_test_flows(a), 0);

	/* A's walker, still holding f: */
	KUNIT_EXPECT_FALSE(test, tcpfsm_flow_kill(a, f, NULL, TCPFSM_DESTROY_UNLOAD));
	w.tn = a;
	KUNIT_EXPECT_FALSE(test, tcpfsm_walk_info(&w, f, &info));
	KUNIT_EXPECT_GT(test, w.restarts, 0U);
	tcpfsm_test_age(a, f, 10);	/* idle 10 s; A's timeouts 1 s */
	rcu_read_lock();
	local_bh_disable();	/* as the GC work has them */
	tcpfsm_flow_gc(a, f);
	local_bh_enable();
	rcu_read_unlock();

	/* B's flow is intact and still B's; A's count never went negative. */
	KUNIT_EXPECT_EQ(test, tcpfsm_test_flows(a), 0);
	KUNIT_EXPECT_EQ(test, tcpfsm_test_flows(b), 1);
	KUNIT_ASSERT_TRUE(test, tcpfsm_tn_get(b, &tb, &info));
	KUNIT_EXPECT_EQ(test, info.state[TCPFSM_CLIENT], TCPFSM_STATE_SYN_SENT);
	KUNIT_EXPECT_EQ(test, info.state[TCPFSM_SERVER], TCPFSM_STATE_LISTEN);
	KUNIT_EXPECT_EQ(test, ntohs(info.tuple.port[TCPFSM_CLIENT]), 40001);

	/* B's own GC, with B's (default) timeouts, keeps it too. */
	rcu_read_lock();
	local_bh_disable();
	tcpfsm_flow_gc(b, g);
	local_bh_enable();
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, tcpfsm_test_flows(b), 1);

	tcpfsm_test_table_free(a);
	tcpfsm_test_table_free(b);
}

/* conntrack's order: unassured before assured (issue: SYN floods). */
static void evict_order(struct kunit *test)
{
	int done = tcpfsm_evict_class(TCPFSM_STATE_TIME_WAIT, TCPFSM_STATE_CLOSED);
	int half = tcpfsm_evict_class(TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_SYN_RECEIVED);
	int est = tcpfsm_evict_class(TCPFSM_STATE_ESTABLISHED, TCPFSM_STATE_ESTABLISHED);

	KUNIT_EXPECT_LT(test, done, half);
	KUNIT_EXPECT_LT(test, half, est);
	/* A SYN nobody answered is as cheap as a finished connection. */
	KUNIT_EXPECT_EQ(test, tcpfsm_evict_class(TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_LISTEN),
			done);
	/* Closing connections completed their handshake. */
	KUNIT_EXPECT_EQ(test, tcpfsm_evict_class(TCPFSM_STATE_FIN_WAIT_2,
						 TCPFSM_STATE_CLOSE_WAIT), est);
	KUNIT_EXPECT_EQ(test, tcpfsm_evict_class(TCPFSM_STATE_ESTABLISHED,
						 TCPFSM_STATE_SYN_RECEIVED), half);
}

/* Ages saturate rather than wrap (49.7 days in u32 milliseconds). */
static void time_saturates(struct kunit *test)
{
	u32 now = 0x12345678, t;

	KUNIT_EXPECT_EQ(test, tcpfsm_ms_since(now, now), 0U);
	KUNIT_EXPECT_EQ(test, tcpfsm_ms_since(now, now - HZ), 1000U);
	/* 2^31 - 1 jiffies: more than U32_MAX ms below HZ=500. */
	KUNIT_EXPECT_EQ(test, tcpfsm_ms_since(now, now - (u32)S32_MAX),
			(u32)min_t(u64, jiffies64_to_msecs(S32_MAX), U32_MAX));
	KUNIT_EXPECT_GE(test, tcpfsm_ms_since(now, now - (u32)S32_MAX), 24U * 86400 * 1000);

	t = now - 100;
	tcpfsm_time_pin(now, &t);
	KUNIT_EXPECT_EQ(test, t, now - 100);
	/* Past half the u32 range it would soon look like the future. */
	t = now - (u32)S32_MAX - 5;
	tcpfsm_time_pin(now, &t);
	KUNIT_EXPECT_EQ(test, t, now - (u32)S32_MAX);
	/* Later still, the age grows or stays saturated: it never wraps back. */
	KUNIT_EXPECT_GE(test, tcpfsm_ms_since(now + 1000, t), tcpfsm_ms_since(now, t));
}

static struct kunit_case tcpfsm_table_cases[] = {
	KUNIT_CASE(recycled_flow),
	KUNIT_CASE(evict_order),
	KUNIT_CASE(time_saturates),
	{}
};

static struct kunit_suite tcpfsm_table_suite = {
	.name = "tcpfsm_table",
	.test_cases = tcpfsm_table_cases,
};

kunit_test_suites(&tcpfsm_table_suite);
