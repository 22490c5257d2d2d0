/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpfsm watch, shared between its two halves: watch.c takes events and
 * prints them; watch_sync.c keeps the view of the table they update and
 * repairs it with dumps when events were lost.
 */
#ifndef TCPFSM_CLI_WATCH_H
#define TCPFSM_CLI_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "filter.h"
#include "json.h"
#include "netlink.h"

struct watch {
	struct nl *nl;			/* requests */
	struct mnl_socket *ev;		/* events */
	/* Options. */
	struct filter f;
	bool json, initial;
	bool all_ns;			/* -A: every namespace's events (a subscription) */
	bool filtered;			/* a filter or -A: the kernel must filter */
	/* A subscription (all but --groups) instead of the groups: the
	 * kernel filters, and numbers our events in one sequence, next[0].
	 */
	bool sub;
	int buffer_size;		/* --buffer-size, 0: the default */
	unsigned int groups;		/* BIT(GRP_*) */
	struct test_knobs knobs;	/* test-only */
	/* Where the events are. */
	uint32_t next[NGRP];		/* next sequence number expected, 0: unknown */
	uint32_t covered[NGRP];		/* events up to this are in the last dump */
	uint64_t covered_gen;		/* a subscription's: events up to this generation */
	bool sub_marked;		/* the last dump gave our subscription's mark */
	bool synced;
	/* After a loss: LOST until a dump is taken with our queue empty, then
	 * DUMPED until the queue is next empty (see settle()).
	 */
	enum { SETTLED, LOST, DUMPED } loss;
	uint64_t max_gen;		/* highest generation applied */
	uint64_t lost;
	unsigned int upd, del;		/* of the current repair */
	bool print_sync;
};

static inline void note_gen(struct watch *w, uint64_t gen)
{
	if (gen > w->max_gen)
		w->max_gen = gen;
}

/* The start of a line: the time, local in text, UTC in JSON (a "time" member). */
void print_time(struct json *j);

/* watch_sync.c: the view. */
unsigned int view_count(void);
/* An event's flow after it: @gen orders it against what the view has. */
void view_event(const struct flow *f, uint64_t gen, bool destroy);
void print_view(const struct watch *w);

/* watch_sync.c: losses and repairs. */
void resync(struct watch *w, bool initial);
void report_lost(struct watch *w, int g, uint32_t last, const char *how);
void settle(struct watch *w);

#endif
