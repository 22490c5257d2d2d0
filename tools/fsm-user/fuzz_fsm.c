// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer entry point for tcpfsm_fsm.c: the input is a byte string read
 * as a pickup bit and then 12 bytes per segment, each relative to what the
 * connection tracks so that the fuzzer reaches deep states:
 *
 *   0	dir (bit 0), TIME-WAIT timeout instead of a segment (bit 1),
 *	seq relative to the sender's end (bit 2), ack relative to the
 *	receiver's end (bit 3), window scale offered (bit 4)
 *   1	TCP flags
 *   2-5	seq, or signed offset from the sender's end
 *   6-9	ack, or signed offset from the receiver's end
 *   10	len / 8
 *   11	window scale / window high byte
 *
 * After every step the invariants of kunit/tcpfsm_props.h must hold;
 * a violation aborts with a description.
 *
 *   make -C tools/fsm-user fuzz-run FUZZ_SECONDS=60
 *
 * Built with TCPFSM_FSM_COVERAGE, it also counts the transition-table cells
 * the inputs reach (tcpfsm_fsm_cover()) and, when TCPFSM_COVER_OUT names a
 * file, writes them there at exit: "inputs N", then one line per cell,
 * "snd|rcv INPUT STATE COUNT" (make fuzz-check, cover-report).
 */
#include <stdio.h>
#include <stdlib.h>

#include <linux/kernel.h>
#include "tcpfsm_props.h"

#ifdef TCPFSM_FSM_COVERAGE
/* The inputs in the order of tcpfsm_fsm.c's IN_* enum. */
static const char *const input_names[] = {
	"IN_SYN", "IN_SYNACK", "IN_SYNACK_NA", "IN_FIN", "IN_FIN_NA",
	"IN_ACK", "IN_ACK_NA", "IN_RST",
};

#define NIN ARRAY_SIZE(input_names)

static unsigned long long cells[2][NIN][__TCPFSM_STATE_MAX];
static unsigned long long inputs;

void tcpfsm_fsm_cover(unsigned int table, unsigned int in, unsigned int state)
{
	if (table > 1 || in >= NIN || state >= __TCPFSM_STATE_MAX) {
		fprintf(stderr, "tcpfsm_fsm_cover(%u, %u, %u) out of range\n",
			table, in, state);
		abort();
	}
	cells[table][in][state]++;
}

static void cover_write(void)
{
	const char *path = getenv("TCPFSM_COVER_OUT");
	unsigned int t, in, st;
	FILE *f;

	if (!path || !(f = fopen(path, "w")))
		return;
	fprintf(f, "inputs %llu\n", inputs);
	for (t = 0; t < 2; t++)
		for (in = 0; in < NIN; in++)
			for (st = TCPFSM_STATE_ESTABLISHED; st < __TCPFSM_STATE_MAX; st++)
				fprintf(f, "%s %s %s %llu\n", t ? "rcv" : "snd",
					input_names[in], tcpfsm_state_name(st),
					cells[t][in][st]);
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(cover_write);
	return 0;
}
#endif

static u32 get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void check(const char *what, const struct tcpfsm_seg *seg)
{
	if (!what)
		return;
	fprintf(stderr, "invariant broken: %s (dir %u flags %#x seq %#x ack %#x len %u)\n",
		what, seg->dir, seg->flags, seg->seq, seg->ack, seg->len);
	abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct tcpfsm_conn c = {}, before;
	struct tcpfsm_result res;
	bool pickup, live = false;

#ifdef TCPFSM_FSM_COVERAGE
	inputs++;
#endif
	if (size < 1)
		return 0;
	pickup = data[0] & 1;
	data++;
	size--;
	for (; size >= 12; data += 12, size -= 12) {
		struct tcpfsm_seg seg = {
			.dir = data[0] & 1,
			.flags = data[1],
			.len = data[10] * 8u,
			.win = (u16)(data[11] << 8 | 0xff),
			.wscale = TCPFSM_WSCALE_NONE,
		};
		const struct tcpfsm_peer *snd = &c.peer[seg.dir];
		const struct tcpfsm_peer *rcv = &c.peer[!seg.dir];

		seg.seq = get32(data + 2);
		seg.ack = get32(data + 6);
		if (data[0] & 4)
			seg.seq = snd->end + (s32)seg.seq % 4096;
		if (data[0] & 8)
			seg.ack = rcv->end + (s32)seg.ack % 4096;
		if (data[0] & 16)
			seg.wscale = data[11] & 15;
		before = c;
		if (live && (data[0] & 2)) {
			tcpfsm_fsm_time_wait_done(&c);
			check(tcpfsm_check_tw_done(&before, &c), &seg);
			continue;
		}
		if (live) {
			tcpfsm_fsm_update(&c, &seg, &res);
			check(tcpfsm_check_update(&before, &c, &seg, &res), &seg);
			if (res.verdict != TCPFSM_NEW)
				continue;
		}
		live = tcpfsm_fsm_start(&c, &seg, pickup, &res);
		check(tcpfsm_check_start(&c, &seg, pickup, live, &res), &seg);
	}
	return 0;
}
