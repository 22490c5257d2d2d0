// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the summary (tcpfsm_summary.c):
 *
 *   tcpfsm_summary	every scenario and edge vector driven through a
 *			table as segments (the same vectors the state
 *			machine's suites check); then the summary must equal
 *			a count over the table, its pairs must add up to its
 *			flows, and it must follow the table through stuck
 *			marking, expiry and flush to empty
 *
 * The summary is kept by hand on every path a flow's states or its life
 * take (creation, each change, replacement, TIME-WAIT's end, stuck flags,
 * expiry, eviction, flush): a path that forgets it makes the totals drift,
 * which a count over the table at the end shows.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "tcpfsm_compat.h"
#include "tcpfsm_edges.h"
#include "tcpfsm_table_test.h"
#include "tcpfsm_vectors.h"

/* Vector @i's tuple, from its sender @dir: one client port per vector. */
static void tcpfsm_sum_tuple(struct tcpfsm_tuple *t, unsigned int i, u8 dir)
{
	u8 c = dir == TCPFSM_DIR_ORIG ? 0 : 1;

	memset(t, 0, sizeof(*t));
	t->family = AF_INET;
	t->addr[c].ip = htonl(0x0a010001);
	t->addr[!c].ip = htonl(0x0a020002);
	t->port[c] = htons(20000 + i);
	t->port[!c] = htons(443);
}

/* Feed @v to @tn as flow @i; TIME-WAIT's end is the GC's, as in the module. */
static void tcpfsm_sum_feed(struct tcpfsm_net *tn, const struct tcpfsm_vector *v,
			    unsigned int i)
{
	struct tcpfsm_tuple t;
	struct tcpfsm_flow *flow;
	unsigned int s;

	tn->cfg.pickup = v->pickup;
	for (s = 0; s < v->nsteps; s++) {
		const struct tcpfsm_vstep *st = &v->steps[s];
		struct tcpfsm_seg seg = tcpfsm_vstep_seg(st);

		if (st->op == TV_OP_TW_DONE) {
			tcpfsm_sum_tuple(&t, i, TCPFSM_DIR_ORIG);
			flow = tcpfsm_test_lookup(tn, &t);
			if (!flow)
				continue;
			/* Long enough for TIME-WAIT (60 s), not for CLOSED to linger. */
			rcu_read_lock();
			spin_lock_bh(&flow->lock);
			flow->since[0] -= 61 * HZ;
			flow->since[1] -= 61 * HZ;
			spin_unlock_bh(&flow->lock);
			local_bh_disable();	/* as the GC work has them */
			tcpfsm_flow_gc(tn, flow);
			local_bh_enable();
			rcu_read_unlock();
			continue;
		}
		tcpfsm_sum_tuple(&t, i, st->dir);
		tcpfsm_tn_segment(tn, &t, &seg, 1);
	}
}

/* The summary equals the table counted flow by flow, and adds up. */
static void tcpfsm_sum_check(struct kunit *test, struct tcpfsm_net *tn, const char *when)
{
	struct tcpfsm_summary *got, *want;
	unsigned int i, j, total = 0, ends = 0;
	u64 buckets = 0;

	got = kunit_kzalloc(test, sizeof(*got), GFP_KERNEL);
	want = kunit_kzalloc(test, sizeof(*want), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, want);
	tcpfsm_test_summary(tn, got);
	tcpfsm_test_summary_count(tn, want);

	KUNIT_EXPECT_EQ_MSG(test, got->flows, want->flows, "%s: flows", when);
	KUNIT_EXPECT_EQ_MSG(test, got->flows, (u32)tcpfsm_test_flows(tn), "%s: charged", when);
	for (i = 0; i < __TCPFSM_STATE_MAX; i++) {
		for (j = 0; j < __TCPFSM_STATE_MAX; j++) {
			KUNIT_EXPECT_EQ_MSG(test, got->pair[i][j], want->pair[i][j],
					    "%s: pair %s/%s", when, tcpfsm_state_name(i),
					    tcpfsm_state_name(j));
			total += got->pair[i][j];
		}
		KUNIT_EXPECT_EQ_MSG(test, got->endpoints[i], want->endpoints[i],
				    "%s: endpoints in %s", when, tcpfsm_state_name(i));
		KUNIT_EXPECT_EQ_MSG(test, got->stuck[i], want->stuck[i],
				    "%s: stuck in %s", when, tcpfsm_state_name(i));
		ends += got->endpoints[i];
	}
	KUNIT_EXPECT_EQ_MSG(test, total, got->flows, "%s: pairs add up to flows", when);
	KUNIT_EXPECT_EQ_MSG(test, ends, 2 * got->flows, "%s: two endpoints a flow", when);
	KUNIT_EXPECT_EQ_MSG(test, got->endpoints[TCPFSM_STATE_NONE], 0U,
			    "%s: an endpoint in no state", when);
	for (i = 0; i < TCPFSM_RTT_BUCKETS; i++)
		buckets += got->rtt[i];
	KUNIT_EXPECT_EQ_MSG(test, buckets, got->rtt_count, "%s: histogram", when);
}

static u64 tcpfsm_sum_transitions(struct tcpfsm_net *tn)
{
	struct tcpfsm_summary *s = kzalloc(sizeof(*s), GFP_KERNEL);
	unsigned int e, i, j;
	u64 n = 0;

	if (!s)
		return 0;
	tcpfsm_test_summary(tn, s);
	for (e = 0; e < 2; e++)
		for (i = 0; i < __TCPFSM_STATE_MAX; i++)
			for (j = 0; j < __TCPFSM_STATE_MAX; j++)
				n += s->trans[e][i][j];
	kfree(s);
	return n;
}

static void summary_follows_table(struct kunit *test)
{
	struct tcpfsm_summary *s;
	struct tcpfsm_net *tn;
	unsigned int i, n = 0, stuck = 0, st;
	u64 trans;

	tn = tcpfsm_test_table_new(&init_net);
	KUNIT_ASSERT_NOT_NULL(test, tn);
	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);

	for (i = 0; i < ARRAY_SIZE(tcpfsm_vectors); i++)
		tcpfsm_sum_feed(tn, &tcpfsm_vectors[i], n++);
	for (i = 0; i < ARRAY_SIZE(tcpfsm_edges); i++)
		tcpfsm_sum_feed(tn, &tcpfsm_edges[i], n++);
	KUNIT_ASSERT_GT(test, tcpfsm_test_flows(tn), 10);
	tcpfsm_sum_check(test, tn, "after the vectors");
	trans = tcpfsm_sum_transitions(tn);
	KUNIT_EXPECT_GT(test, trans, 0ULL);
	tcpfsm_test_summary(tn, s);
	KUNIT_EXPECT_GT(test, s->rtt_count, 0ULL);

	/* Every state stuck after 1 s: 5 s on, every endpoint is, once. */
	for (st = TCPFSM_STATE_NONE + 1; st < __TCPFSM_STATE_MAX; st++)
		tn->cfg.stuck[st] = 1;
	tcpfsm_test_gc_all(tn, 5);
	tcpfsm_sum_check(test, tn, "stuck");
	tcpfsm_test_summary(tn, s);
	for (st = 0; st < __TCPFSM_STATE_MAX; st++)
		stuck += s->stuck[st];
	KUNIT_EXPECT_EQ(test, stuck, 2 * s->flows);
	tcpfsm_test_gc_all(tn, 1);
	tcpfsm_sum_check(test, tn, "stuck, a second pass");

	/* The same vectors again: the flows they reach move, replace, close. */
	for (i = 0; i < ARRAY_SIZE(tcpfsm_vectors); i++)
		tcpfsm_sum_feed(tn, &tcpfsm_vectors[i], i);
	tcpfsm_sum_check(test, tn, "the vectors on stuck flows");
	KUNIT_EXPECT_GT(test, tcpfsm_sum_transitions(tn), trans);

	/* Everything expires; then the summary is empty. */
	tcpfsm_test_gc_all(tn, 1000000);
	tcpfsm_test_gc_all(tn, 1000000);
	tcpfsm_sum_check(test, tn, "expired");
	tcpfsm_test_summary(tn, s);
	KUNIT_EXPECT_EQ(test, s->flows, 0U);

	/* And a flush (unload, a namespace's exit) after new flows. */
	for (i = 0; i < ARRAY_SIZE(tcpfsm_vectors); i++)
		tcpfsm_sum_feed(tn, &tcpfsm_vectors[i], i);
	tcpfsm_flush(tn);
	tcpfsm_sum_check(test, tn, "flushed");
	tcpfsm_test_summary(tn, s);
	KUNIT_EXPECT_EQ(test, s->flows, 0U);
	for (st = 0; st < __TCPFSM_STATE_MAX; st++)
		KUNIT_EXPECT_EQ(test, s->stuck[st], 0U);

	tcpfsm_test_table_free(tn);
}

/* The histogram's buckets: bounds inclusive, the last one +Inf. */
static void summary_rtt_buckets(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(tcpfsm_rtt_bounds_us), (size_t)TCPFSM_RTT_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, tcpfsm_rtt_bounds_us[0], 100U);
	KUNIT_EXPECT_EQ(test, tcpfsm_rtt_bounds_us[TCPFSM_RTT_BUCKETS - 2], 2500000U);
}

static struct kunit_case tcpfsm_summary_cases[] = {
	KUNIT_CASE(summary_follows_table),
	KUNIT_CASE(summary_rtt_buckets),
	{}
};

static struct kunit_suite tcpfsm_summary_suite = {
	.name = "tcpfsm_summary",
	.test_cases = tcpfsm_summary_cases,
};

kunit_test_suites(&tcpfsm_summary_suite);
