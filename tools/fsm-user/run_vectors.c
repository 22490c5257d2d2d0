// SPDX-License-Identifier: GPL-2.0
/*
 * Run every edge of kunit/tcpfsm_edges.h and every scenario of
 * kunit/tcpfsm_vectors.h against tcpfsm_fsm.c in userspace, one line each,
 * through the KUnit suites' runner (kunit/tcpfsm_vector_run.h), so the
 * checks are the same; then the random walks of kunit/tcpfsm_props.h (the
 * KUnit suite tcpfsm_fsm_properties), one line per seed; then "N passed,
 * N failed".  The exit status is non-zero when any of them fails.
 */
#include <stdarg.h>
#include <stdio.h>

#include "tcpfsm_edges.h"
#include "tcpfsm_vectors.h"
#include "tcpfsm_props.h"

static void __printf(2, 3) report_fail(void *failures, const char *fmt, ...)
{
	va_list args;

	fputs("FAIL ", stdout);
	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	putchar('\n');
	++*(unsigned int *)failures;
}

/* Returns 0 when the vector passes, else prints why and returns 1. */
static int run_vector(const char *what, const struct tcpfsm_vector *v)
{
	unsigned int failures = 0, ran;
	const struct tcpfsm_vreport rep = {
		.fail = report_fail, .ctx = &failures,
	};

	/* A vector with no steps checks nothing; one run short, only a part. */
	ran = tcpfsm_vector_run(v, &rep);
	if (!v->nsteps)
		report_fail(&failures, "%s: no steps", v->name);
	if (ran != v->nsteps)
		report_fail(&failures, "%s: ran %u of %u steps", v->name, ran,
			    v->nsteps);
	if (failures)
		return 1;
	printf("PASS %s %s (%u steps)\n", what, v->name, v->nsteps);
	return 0;
}

/* The same seeds and sizes as the KUnit suite, and a few more. */
static int run_walk(u64 seed, u32 conns, u32 steps)
{
	struct tcpfsm_walk w = { .seed = seed, .conns = conns, .steps = steps };
	u32 all = TCPFSM_STATE_MASK_ALL, i;

	tcpfsm_walk_run(&w);
	if (!w.failures && (w.visited & all) == all) {
		printf("PASS properties seed %#llx (%u segments)\n",
		       (unsigned long long)seed, w.segments);
		return 0;
	}
	if (!w.failures) {
		printf("FAIL properties seed %#llx: states never reached %#x\n",
		       (unsigned long long)seed, all & ~w.visited);
		return 1;
	}
	printf("FAIL properties seed %#llx: %u violations of %u invariants\n",
	       (unsigned long long)seed, w.failures, w.nkinds);
	for (i = 0; i < w.nkinds; i++) {
		const struct tcpfsm_walk_fail *f = &w.kinds[i];

		printf("  %s: conn %u step %u dir %u flags %#x seq %#x ack %#x len %u win %u ws %u: %s/%s -> %s/%s %s %s\n",
		       f->what, f->conn, f->step, f->seg.dir, f->seg.flags,
		       f->seg.seq, f->seg.ack, f->seg.len, f->seg.win,
		       f->seg.wscale, tcpfsm_state_name(f->before[0]),
		       tcpfsm_state_name(f->before[1]),
		       tcpfsm_state_name(f->after[0]),
		       tcpfsm_state_name(f->after[1]),
		       tcpfsm_test_verdict(f->verdict), tcpfsm_reason_name(f->reason));
	}
	return 1;
}

int main(void)
{
	unsigned int i, run = 0, failed = 0;

	for (i = 0; i < ARRAY_SIZE(tcpfsm_edges); i++, run++)
		failed += run_vector("edge", &tcpfsm_edges[i]);
	for (i = 0; i < ARRAY_SIZE(tcpfsm_vectors); i++, run++)
		failed += run_vector("scenario", &tcpfsm_vectors[i]);
	for (i = 0; i < ARRAY_SIZE(tcpfsm_prop_seeds); i++, run++)
		failed += run_walk(tcpfsm_prop_seeds[i], TCPFSM_PROP_CONNS,
				   TCPFSM_PROP_STEPS);
	printf("%u passed, %u failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
