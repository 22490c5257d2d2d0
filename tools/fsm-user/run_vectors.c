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

	ran = tcpfsm_vector_run(v, &rep);
	/* A vector with no steps checks nothing; one run short, only a part. */
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

/* Returns 0 when the walk from @seed passes, else prints why and returns 1. */
static int run_walk(u64 seed)
{
	struct tcpfsm_rwalk w = {
		.seed = seed, .conns = TCPFSM_PROP_CONNS,
		.steps = TCPFSM_PROP_STEPS,
	};
	unsigned int failures = 0;
	const struct tcpfsm_vreport rep = {
		.fail = report_fail, .ctx = &failures,
	};

	tcpfsm_rwalk_run(&w);
	tcpfsm_rwalk_report(&w, &rep);
	if (failures)
		return 1;
	printf("PASS properties seed %#llx (%u segments)\n",
	       (unsigned long long)seed, w.segments);
	return 0;
}

int main(void)
{
	unsigned int i, run = 0, failed = 0;

	for (i = 0; i < ARRAY_SIZE(tcpfsm_edges); i++, run++)
		failed += run_vector("edge", &tcpfsm_edges[i]);
	for (i = 0; i < ARRAY_SIZE(tcpfsm_vectors); i++, run++)
		failed += run_vector("scenario", &tcpfsm_vectors[i]);
	for (i = 0; i < ARRAY_SIZE(tcpfsm_prop_seeds); i++, run++)
		failed += run_walk(tcpfsm_prop_seeds[i]);
	printf("%u passed, %u failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
