// SPDX-License-Identifier: GPL-2.0
/*
 * insn_count: a QEMU TCG plugin that counts the guest instructions a vCPU
 * executes between two markers, so a benchmark measures exactly the code
 * it brackets, to the instruction, whatever the host's load.
 *
 * The markers are instructions no compiler emits and that do nothing:
 *	start: xchg %bx,%bx	66 87 db	(Bochs' "magic breakpoint")
 *	stop:  xchg %cx,%cx	66 87 c9
 * Instructions strictly between a start and the next stop on the same vCPU
 * are counted; the markers themselves are not.  Each start/stop pair is a
 * region; regions are numbered per vCPU from 0 in the order they end, and
 * the guest says what each one was (the benchmark prints its own list).
 *
 * Counting is per translation block: a block's callback adds its length
 * when the block starts while counting is on, and the markers correct for
 * the part of their own block on the far side of them.  A block cut short
 * by an exception or an interrupt would count instructions it did not run:
 * benchmarks run their regions with interrupts off.
 *
 * A second pair of markers counts the whole machine, for a benchmark whose
 * work spreads over CPUs (a burst sent on one, taken in by softirqs on any):
 *	start: xchg %dx,%dx	66 87 d2
 *	stop:  xchg %si,%si	66 87 f6
 * Between them every vCPU's blocks are counted (blocks cut by a marker are
 * counted whole: a few instructions in millions), one line per pair,
 *	global N INSNS
 *
 * A third start marker opens a concurrent region, for a benchmark that runs
 * the same work on every vCPU at once (is the count per operation the same
 * as on one vCPU alone?):
 *	start: xchg %di,%di	66 87 ff	(stop: the same as a region's)
 * It is counted as a region is but reported apart, numbered apart,
 *	mcregion VCPU N INSNS
 * and with writes=1 the plugin also records, per vCPU, every 64-byte line
 * a concurrent region stores to; at exit it prints how many lines and
 * stores each vCPU made (LOST: stores to lines its table had no room for)
 * and every line that more than one vCPU stored to,
 *	mcwrites VCPU LINES STORES LOST
 *	mcshared ADDR STORES-ON-VCPU0 STORES-ON-VCPU1 ...
 * the cache lines that would bounce between the CPUs of a real machine.
 * (writes=1 puts a callback on every store the guest makes, in or out of a
 * region: it is for a short run of its own.)
 *
 * Arguments: out=FILE (required) gets one line per region,
 *	region VCPU N INSNS
 * and with profile=N also the N blocks that ran the most instructions in
 * the region, by start address (a guest virtual address: the benchmark
 * maps them to symbols with the guest's /proc/kallsyms),
 *	block VCPU N ADDR INSNS
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_VCPUS	64
#define PROF_SLOTS	(1u << 16)	/* per vCPU; more blocks than that: counted, not kept */
#define LINE_SLOTS	(1u << 14)	/* per vCPU, lines stored to in concurrent regions */

static const uint8_t marker_start[] = { 0x66, 0x87, 0xdb };
static const uint8_t marker_stop[] = { 0x66, 0x87, 0xc9 };
static const uint8_t marker_gstart[] = { 0x66, 0x87, 0xd2 };
static const uint8_t marker_gstop[] = { 0x66, 0x87, 0xf6 };
static const uint8_t marker_mcstart[] = { 0x66, 0x87, 0xff };

/* What a translated block tells its callback. */
struct block {
	uint64_t vaddr;
	uint64_t n;
};

struct prof_slot {
	uint64_t vaddr;		/* 0: free */
	uint64_t insns;
};

struct line_slot {
	uint64_t line;		/* address >> 6, plus one: 0 is free */
	uint64_t stores;
};

/* One vCPU's state: only its own thread touches it, and the exit report the lines. */
struct vcpu {
	int on;
	int mc;			/* the region is a concurrent one */
	uint64_t count;
	unsigned long region;
	unsigned long mcregion;
	struct line_slot *lines;
	uint64_t lines_lost;	/* stores to lines that found no free slot */
	struct prof_slot *prof;
	uint64_t prof_lost;
	uint64_t gcount;	/* while global_on */
};

/* Whole-machine counting: set and read by every vCPU's thread. */
static int global_on;
static unsigned long global_n;

static struct vcpu vcpus[MAX_VCPUS];
static FILE *out;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int profile_top;
static int track_writes;

static void prof_add(struct vcpu *v, uint64_t vaddr, uint64_t n)
{
	uint32_t h = (uint32_t)((vaddr * 0x9e3779b97f4a7c15ull) >> 48) & (PROF_SLOTS - 1);
	unsigned int probe;

	for (probe = 0; probe < 64; probe++) {
		struct prof_slot *s = &v->prof[(h + probe) & (PROF_SLOTS - 1)];

		if (s->vaddr == vaddr || !s->vaddr) {
			s->vaddr = vaddr;
			s->insns += n;
			return;
		}
	}
	v->prof_lost += n;
}

static void on_block(unsigned int vcpu, void *udata)
{
	const struct block *b = udata;
	struct vcpu *v;

	if (vcpu >= MAX_VCPUS)
		return;
	v = &vcpus[vcpu];
	if (__atomic_load_n(&global_on, __ATOMIC_RELAXED))
		__atomic_fetch_add(&v->gcount, b->n, __ATOMIC_RELAXED);
	if (!v->on)
		return;
	v->count += b->n;
	if (v->prof)
		prof_add(v, b->vaddr, b->n);
}

/* udata: a struct block whose n is how many instructions follow the marker. */
static void on_start(unsigned int vcpu, void *udata)
{
	const struct block *m = udata;
	struct vcpu *v;

	if (vcpu >= MAX_VCPUS)
		return;
	v = &vcpus[vcpu];
	v->on = 1;
	v->count = m->n;
	if (profile_top) {
		if (!v->prof)
			v->prof = calloc(PROF_SLOTS, sizeof(*v->prof));
		else
			memset(v->prof, 0, PROF_SLOTS * sizeof(*v->prof));
		v->prof_lost = 0;
		if (v->prof && m->n)
			prof_add(v, m->vaddr, m->n);
	}
}

static void on_mcstart(unsigned int vcpu, void *udata)
{
	on_start(vcpu, udata);
	if (vcpu < MAX_VCPUS)
		vcpus[vcpu].mc = 1;
}

static struct line_slot *line_find(struct vcpu *v, uint64_t line)
{
	uint32_t h = (uint32_t)((line * 0x9e3779b97f4a7c15ull) >> 50) & (LINE_SLOTS - 1);
	unsigned int probe;

	for (probe = 0; probe < 64; probe++) {
		struct line_slot *s = &v->lines[(h + probe) & (LINE_SLOTS - 1)];

		if (s->line == line || !s->line)
			return s;
	}
	return NULL;
}

static void on_store(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr,
		     void *udata)
{
	struct line_slot *s;
	struct vcpu *v;

	(void)udata;
	/* QEMU 7.2 calls a MEM_W callback for loads too: its info tells. */
	if (vcpu >= MAX_VCPUS || !vcpus[vcpu].mc || !qemu_plugin_mem_is_store(info))
		return;
	v = &vcpus[vcpu];
	if (!v->lines) {
		v->lines = calloc(LINE_SLOTS, sizeof(*v->lines));
		if (!v->lines)
			abort();
	}
	s = line_find(v, (vaddr >> 6) + 1);
	if (!s) {
		v->lines_lost++;
		return;
	}
	s->line = (vaddr >> 6) + 1;
	s->stores++;
}

static int by_insns(const void *a, const void *b)
{
	const struct prof_slot *x = a, *y = b;

	return x->insns < y->insns ? 1 : x->insns > y->insns ? -1 : 0;
}

static void report(unsigned int vcpu, struct vcpu *v)
{
	unsigned int i;

	pthread_mutex_lock(&out_lock);
	fprintf(out, "region %u %lu %" PRIu64 "\n", vcpu, v->region, v->count);
	if (v->prof) {
		qsort(v->prof, PROF_SLOTS, sizeof(*v->prof), by_insns);
		for (i = 0; i < profile_top && i < PROF_SLOTS && v->prof[i].vaddr; i++)
			fprintf(out, "block %u %lu 0x%" PRIx64 " %" PRIu64 "\n", vcpu,
				v->region, v->prof[i].vaddr, v->prof[i].insns);
		if (v->prof_lost)
			fprintf(out, "block %u %lu 0x0 %" PRIu64 "\n", vcpu, v->region,
				v->prof_lost);
	}
	fflush(out);
	pthread_mutex_unlock(&out_lock);
}

/*
 * udata: a struct block whose n is the marker's position from the block's
 * end, itself included: the block's callback counted all of the block, and
 * those instructions did not run inside the region.
 */
static void on_stop(unsigned int vcpu, void *udata)
{
	const struct block *m = udata;
	struct vcpu *v;

	if (vcpu >= MAX_VCPUS)
		return;
	v = &vcpus[vcpu];
	if (!v->on)
		return;
	v->on = 0;
	v->count -= m->n <= v->count ? m->n : v->count;
	if (v->mc) {
		v->mc = 0;
		pthread_mutex_lock(&out_lock);
		fprintf(out, "mcregion %u %lu %" PRIu64 "\n", vcpu, v->mcregion++, v->count);
		fflush(out);
		pthread_mutex_unlock(&out_lock);
		return;
	}
	if (v->prof)
		prof_add(v, m->vaddr, -m->n);	/* unsigned: takes back what on_block added */
	report(vcpu, v);
	v->region++;
}

static void on_gstart(unsigned int vcpu, void *udata)
{
	unsigned int i;

	(void)vcpu;
	(void)udata;
	for (i = 0; i < MAX_VCPUS; i++)
		__atomic_store_n(&vcpus[i].gcount, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&global_on, 1, __ATOMIC_RELEASE);
}

static void on_gstop(unsigned int vcpu, void *udata)
{
	uint64_t sum = 0;
	unsigned int i;

	(void)vcpu;
	(void)udata;
	if (!__atomic_exchange_n(&global_on, 0, __ATOMIC_ACQ_REL))
		return;
	for (i = 0; i < MAX_VCPUS; i++)
		sum += __atomic_load_n(&vcpus[i].gcount, __ATOMIC_RELAXED);
	pthread_mutex_lock(&out_lock);
	fprintf(out, "global %lu %" PRIu64 "\n", global_n++, sum);
	fflush(out);
	pthread_mutex_unlock(&out_lock);
}

static int is_marker(const struct qemu_plugin_insn *insn, const uint8_t *m, size_t len)
{
	return qemu_plugin_insn_size(insn) == len && !memcmp(qemu_plugin_insn_data(insn), m, len);
}

/* Lives as long as the block may run: QEMU does not say when that ends. */
static struct block *block_new(uint64_t vaddr, uint64_t n)
{
	struct block *b = malloc(sizeof(*b));

	if (!b)
		abort();
	b->vaddr = vaddr;
	b->n = n;
	return b;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS,
					     block_new(vaddr, n));
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (is_marker(insn, marker_start, sizeof(marker_start)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_start, QEMU_PLUGIN_CB_NO_REGS,
							       block_new(vaddr, n - i - 1));
		else if (is_marker(insn, marker_stop, sizeof(marker_stop)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_stop, QEMU_PLUGIN_CB_NO_REGS,
							       block_new(vaddr, n - i));
		else if (is_marker(insn, marker_mcstart, sizeof(marker_mcstart)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mcstart, QEMU_PLUGIN_CB_NO_REGS,
							       block_new(vaddr, n - i - 1));
		else if (is_marker(insn, marker_gstart, sizeof(marker_gstart)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_gstart,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		else if (is_marker(insn, marker_gstop, sizeof(marker_gstop)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_gstop,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		if (track_writes)
			qemu_plugin_register_vcpu_mem_cb(insn, on_store, QEMU_PLUGIN_CB_NO_REGS,
							 QEMU_PLUGIN_MEM_W, NULL);
	}
}

/* At exit, when no vCPU runs: what each stored to, and what more than one did. */
static void report_lines(void)
{
	unsigned int i, j, k;

	for (i = 0; i < MAX_VCPUS; i++) {
		uint64_t lines = 0, stores = 0;

		if (!vcpus[i].lines)
			continue;
		for (k = 0; k < LINE_SLOTS; k++)
			if (vcpus[i].lines[k].line) {
				lines++;
				stores += vcpus[i].lines[k].stores;
			}
		fprintf(out, "mcwrites %u %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", i, lines,
			stores, vcpus[i].lines_lost);
	}
	for (i = 0; i < MAX_VCPUS; i++) {
		if (!vcpus[i].lines)
			continue;
		for (k = 0; k < LINE_SLOTS; k++) {
			uint64_t line = vcpus[i].lines[k].line;
			int shared = 0, seen_before = 0;

			if (!line)
				continue;
			for (j = 0; j < MAX_VCPUS; j++) {
				struct line_slot *s;

				if (j == i || !vcpus[j].lines)
					continue;
				s = line_find(&vcpus[j], line);
				if (s && s->line == line) {
					shared = 1;
					seen_before |= j < i;
				}
			}
			if (!shared || seen_before)
				continue;	/* printed once, by the lowest vCPU */
			fprintf(out, "mcshared 0x%" PRIx64, (line - 1) << 6);
			for (j = 0; j < MAX_VCPUS; j++) {
				struct line_slot *s = vcpus[j].lines ? line_find(&vcpus[j], line) : NULL;

				if (vcpus[j].lines)
					fprintf(out, " %" PRIu64, s && s->line == line ? s->stores : 0);
			}
			fprintf(out, "\n");
		}
	}
}

static void on_atexit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (out && track_writes)
		report_lines();
	if (out)
		fclose(out);
	out = NULL;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL;
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
		else if (!strncmp(argv[i], "profile=", 8))
			profile_top = (unsigned int)strtoul(argv[i] + 8, NULL, 0);
		else if (!strcmp(argv[i], "writes=1"))
			track_writes = 1;
		else {
			fprintf(stderr, "insn_count: unknown argument '%s' (out=FILE, profile=N, writes=1)\n",
				argv[i]);
			return -1;
		}
	}
	if (!path) {
		fprintf(stderr, "insn_count: out=FILE is required\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
	return 0;
}
