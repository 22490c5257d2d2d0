// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the tcpfsm state machine (tcpfsm_fsm.c):
 *
 *   tcpfsm_fsm_edges		every vector of tcpfsm_edges.h: one per edge
 *				of RFC 9293 figure 5, for the client and the
 *				server where it applies
 *   tcpfsm_fsm_scenarios	every vector of tcpfsm_vectors.h
 *   tcpfsm_fsm_properties	seeded random walks (tcpfsm_props.h)
 *   tcpfsm_fsm_basics		flag classification and names
 *
 * Both vector suites run their tables through tcpfsm_vector_run(), as
 * tools/fsm-user/run_vectors.c does in userspace.  Expectations come from
 * the RFCs and the product's state model, never from the table, so a wrong
 * cell fails here.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "tcpfsm_compat.h"
#include "tcpfsm_edges.h"
#include "tcpfsm_vectors.h"
#include "tcpfsm_props.h"

static void __printf(2, 3) tcpfsm_kunit_fail(void *test, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	KUNIT_FAIL((struct kunit *)test, "%pV", &vaf);
	va_end(args);
}

static void tcpfsm_run_vector(struct kunit *test,
			      const struct tcpfsm_vector *v)
{
	const struct tcpfsm_vreport rep = {
		.fail = tcpfsm_kunit_fail, .ctx = test,
	};

	/* A vector with no steps checks nothing; one run short, only a part. */
	KUNIT_ASSERT_GT_MSG(test, v->nsteps, 0, "%s: no steps", v->name);
	KUNIT_EXPECT_EQ_MSG(test, tcpfsm_vector_run(v, &rep), v->nsteps,
			    "%s: steps run", v->name);
}

static void tcpfsm_vec_desc(const struct tcpfsm_vector *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

/* ---- tcpfsm_fsm_edges ---- */

KUNIT_ARRAY_PARAM(tcpfsm_edge, tcpfsm_edges, tcpfsm_vec_desc);

static void edge(struct kunit *test)
{
	tcpfsm_run_vector(test, test->param_value);
}

static struct kunit_case tcpfsm_edge_cases[] = {
	KUNIT_CASE_PARAM(edge, tcpfsm_edge_gen_params),
	{}
};

static struct kunit_suite tcpfsm_edges_suite = {
	.name = "tcpfsm_fsm_edges",
	.test_cases = tcpfsm_edge_cases,
};

/* ---- tcpfsm_fsm_scenarios ---- */

KUNIT_ARRAY_PARAM(tcpfsm_vec, tcpfsm_vectors, tcpfsm_vec_desc);

static void scenario(struct kunit *test)
{
	tcpfsm_run_vector(test, test->param_value);
}

static struct kunit_case tcpfsm_scenario_cases[] = {
	KUNIT_CASE_PARAM(scenario, tcpfsm_vec_gen_params),
	{}
};

static struct kunit_suite tcpfsm_scenarios_suite = {
	.name = "tcpfsm_fsm_scenarios",
	.test_cases = tcpfsm_scenario_cases,
};

/* ---- tcpfsm_fsm_properties ---- */

static void tcpfsm_seed_desc(const u64 *seed, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "seed_%#llx", *seed);
}

KUNIT_ARRAY_PARAM(tcpfsm_seed, tcpfsm_prop_seeds, tcpfsm_seed_desc);

static void random_walk(struct kunit *test)
{
	const struct tcpfsm_vreport rep = {
		.fail = tcpfsm_kunit_fail, .ctx = test,
	};
	struct tcpfsm_rwalk *w;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w);
	w->seed = *(const u64 *)test->param_value;
	w->conns = TCPFSM_PROP_CONNS;
	w->steps = TCPFSM_PROP_STEPS;
	tcpfsm_rwalk_run(w);
	tcpfsm_rwalk_report(w, &rep);
	kunit_info(test, "seed %#llx: %u segments\n", w->seed, w->segments);
}

static struct kunit_case tcpfsm_property_cases[] = {
	KUNIT_CASE_PARAM(random_walk, tcpfsm_seed_gen_params),
	{}
};

static struct kunit_suite tcpfsm_properties_suite = {
	.name = "tcpfsm_fsm_properties",
	.test_cases = tcpfsm_property_cases,
};

/* ---- tcpfsm_fsm_basics ---- */

/*
 * The flag combinations a receiving Linux stack acts on: RST first,
 * whatever else is set (RFC 9293 3.10.7), then SYN, FIN and ACK.
 */
static u8 tcpfsm_expected_kind(u8 flags)
{
	const u8 F = TCPFSM_TH_FIN, S = TCPFSM_TH_SYN, R = TCPFSM_TH_RST;
	const u8 A = TCPFSM_TH_ACK, U = TCPFSM_TH_URG;

	flags &= F | S | R | A | U;	/* PSH, ECE and CWR never matter */
	if (flags & R)
		return TCPFSM_SEG_RST;
	if (flags == S || flags == (S | U))
		return TCPFSM_SEG_SYN;
	if (flags == (S | A))
		return TCPFSM_SEG_SYNACK;
	if (flags == (F | A) || flags == (F | A | U))
		return TCPFSM_SEG_FIN;
	if (flags == A || flags == (A | U))
		return TCPFSM_SEG_ACK;
	return TCPFSM_SEG_INVALID;
}

static void seg_kind_all_flags(struct kunit *test)
{
	unsigned int f;

	for (f = 0; f < 256; f++)
		KUNIT_EXPECT_EQ_MSG(test, tcpfsm_seg_kind(f),
				    tcpfsm_expected_kind(f), "flags %#x", f);
}

static void seg_kind_examples(struct kunit *test)
{
	static const struct {
		u8 flags;
		u8 kind;
	} ex[] = {
		{ TV_SYN, TCPFSM_SEG_SYN },
		{ TV_SYN | TCPFSM_TH_ECE | TCPFSM_TH_CWR, TCPFSM_SEG_SYN },
		{ TV_SA, TCPFSM_SEG_SYNACK },
		{ TV_SA | TCPFSM_TH_ECE, TCPFSM_SEG_SYNACK },
		{ TV_FA, TCPFSM_SEG_FIN },
		{ TV_FPA, TCPFSM_SEG_FIN },
		{ TV_A, TCPFSM_SEG_ACK },
		{ TV_PA, TCPFSM_SEG_ACK },
		{ TV_R, TCPFSM_SEG_RST },
		{ TV_RA, TCPFSM_SEG_RST },
		{ TV_R | TCPFSM_TH_PSH, TCPFSM_SEG_RST },
		{ TCPFSM_TH_SYN | TCPFSM_TH_RST, TCPFSM_SEG_RST },
		{ TCPFSM_TH_SYN | TCPFSM_TH_RST | TCPFSM_TH_ACK, TCPFSM_SEG_RST },
		{ TCPFSM_TH_RST | TCPFSM_TH_FIN, TCPFSM_SEG_RST },
		{ TCPFSM_TH_RST | TCPFSM_TH_URG, TCPFSM_SEG_RST },
		{ 0xff, TCPFSM_SEG_RST },
		{ TCPFSM_TH_SYN | TCPFSM_TH_FIN, TCPFSM_SEG_INVALID },
		{ TCPFSM_TH_SYN | TCPFSM_TH_FIN | TCPFSM_TH_ACK, TCPFSM_SEG_INVALID },
		{ TCPFSM_TH_FIN, TCPFSM_SEG_INVALID },
		{ TCPFSM_TH_FIN | TCPFSM_TH_PSH | TCPFSM_TH_URG,
		  TCPFSM_SEG_INVALID },
		{ 0, TCPFSM_SEG_INVALID },
		{ TCPFSM_TH_PSH, TCPFSM_SEG_INVALID },
		{ 0xff & ~TCPFSM_TH_RST, TCPFSM_SEG_INVALID },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ex); i++)
		KUNIT_EXPECT_EQ_MSG(test, tcpfsm_seg_kind(ex[i].flags),
				    ex[i].kind, "flags %#x", ex[i].flags);
}

static void state_names(struct kunit *test)
{
	static const char *const names[] = {
		[TCPFSM_STATE_LISTEN] = "LISTEN",
		[TCPFSM_STATE_SYN_SENT] = "SYN-SENT",
		[TCPFSM_STATE_SYN_RECEIVED] = "SYN-RECEIVED",
		[TCPFSM_STATE_ESTABLISHED] = "ESTABLISHED",
		[TCPFSM_STATE_FIN_WAIT_1] = "FIN-WAIT-1",
		[TCPFSM_STATE_FIN_WAIT_2] = "FIN-WAIT-2",
		[TCPFSM_STATE_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCPFSM_STATE_CLOSING] = "CLOSING",
		[TCPFSM_STATE_LAST_ACK] = "LAST-ACK",
		[TCPFSM_STATE_TIME_WAIT] = "TIME-WAIT",
		[TCPFSM_STATE_CLOSED] = "CLOSED",
	};
	unsigned int s;

	for (s = TCPFSM_STATE_ESTABLISHED; s <= TCPFSM_STATE_MAX; s++)
		KUNIT_EXPECT_STREQ(test, tcpfsm_state_name(s), names[s]);
	/* the values are the kernel's TCP_* (include/net/tcp_states.h) */
	KUNIT_EXPECT_EQ(test, TCPFSM_STATE_ESTABLISHED, 1);
	KUNIT_EXPECT_EQ(test, TCPFSM_STATE_CLOSING, 11);
	KUNIT_EXPECT_EQ(test, TCPFSM_STATE_MAX, 11);
	KUNIT_EXPECT_STREQ(test, tcpfsm_state_name(12), "?");
	KUNIT_EXPECT_STREQ(test, tcpfsm_state_name(255), "?");
}

static void kind_and_reason_names(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_STREQ(test, tcpfsm_kind_name(TCPFSM_SEG_SYN), "SYN");
	KUNIT_EXPECT_STREQ(test, tcpfsm_kind_name(TCPFSM_SEG_SYNACK), "SYN/ACK");
	KUNIT_EXPECT_STREQ(test, tcpfsm_kind_name(TCPFSM_SEG_FIN), "FIN");
	KUNIT_EXPECT_STREQ(test, tcpfsm_kind_name(TCPFSM_SEG_ACK), "ACK");
	KUNIT_EXPECT_STREQ(test, tcpfsm_kind_name(TCPFSM_SEG_RST), "RST");
	KUNIT_EXPECT_STREQ(test, tcpfsm_kind_name(TCPFSM_SEG_INVALID), "INVALID");
	KUNIT_EXPECT_STREQ(test, tcpfsm_kind_name(__TCPFSM_SEG_MAX), "?");
	for (i = 0; i < __TCPFSM_REASON_MAX; i++) {
		KUNIT_EXPECT_NOT_NULL(test, tcpfsm_reason_name(i));
		KUNIT_EXPECT_STRNEQ(test, tcpfsm_reason_name(i), "?");
	}
	KUNIT_EXPECT_STREQ(test, tcpfsm_reason_name(__TCPFSM_REASON_MAX), "?");
}

static struct kunit_case tcpfsm_basic_cases[] = {
	KUNIT_CASE(seg_kind_all_flags),
	KUNIT_CASE(seg_kind_examples),
	KUNIT_CASE(state_names),
	KUNIT_CASE(kind_and_reason_names),
	{}
};

static struct kunit_suite tcpfsm_basics_suite = {
	.name = "tcpfsm_fsm_basics",
	.test_cases = tcpfsm_basic_cases,
};

kunit_test_suites(&tcpfsm_edges_suite, &tcpfsm_scenarios_suite,
		  &tcpfsm_properties_suite, &tcpfsm_basics_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the tcpfsm TCP state machine");
TCPFSM_IMPORT_KUNIT_NS();
