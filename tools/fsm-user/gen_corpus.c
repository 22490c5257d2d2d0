// SPDX-License-Identifier: GPL-2.0
/*
 * Write the fuzzer's seed corpus: every scenario of kunit/tcpfsm_vectors.h
 * as one input in fuzz_fsm.c's format, so that a short fuzz session starts
 * from connections that reach every state.  The format holds lengths in
 * steps of 8 bytes and windows as their high byte, so a seed follows its
 * scenario closely rather than exactly; it is a starting point, the vectors
 * themselves are checked by run_vectors.
 *
 *   make -C tools/fsm-user corpus	(rewrites corpus/, checked in)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcpfsm_vectors.h"

static void put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "corpus";
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(tcpfsm_vectors); i++) {
		const struct tcpfsm_vector *v = &tcpfsm_vectors[i];
		char path[512];
		u8 rec[12];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, v->name);
		f = fopen(path, "wb");
		if (!f) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			return 1;
		}
		fputc(v->pickup, f);
		for (j = 0; j < v->nsteps; j++) {
			const struct tcpfsm_vstep *st = &v->steps[j];

			/* A start after a NEW verdict is implied by the format. */
			if (st->op == TV_OP_START && j && v->steps[j - 1].verdict == TCPFSM_NEW)
				continue;
			memset(rec, 0, sizeof(rec));
			rec[0] = st->dir & 1;
			if (st->op == TV_OP_TW_DONE)
				rec[0] |= 2;
			if (st->wscale != TV_NOWS)
				rec[0] |= 16;
			rec[1] = st->flags;
			put32(rec + 2, st->seq);
			put32(rec + 6, st->ack);
			rec[10] = (st->len + 7) / 8 > 255 ? 255 : (st->len + 7) / 8;
			rec[11] = st->wscale != TV_NOWS ? st->wscale : st->win >> 8;
			fwrite(rec, sizeof(rec), 1, f);
		}
		if (fclose(f)) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	printf("%zu seeds in %s\n", ARRAY_SIZE(tcpfsm_vectors), dir);
	return 0;
}
