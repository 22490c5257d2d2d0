// SPDX-License-Identifier: GPL-2.0
/*
 * The watcher keeps a view of the table: a full dump at the start, then
 * events.  Each group's events carry a sequence number; a gap is the exact
 * number lost.  On a gap (or ENOBUFS) it dumps what changed since shortly
 * before the last generation it applied, plus tombstones of flows destroyed
 * since; the kernel sends the whole table instead when its destroy ring no
 * longer reaches back that far.  The dump's first message says which
 * sequence numbers it covers, so events already in it are not applied twice.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "watch.h"

/* Events of different flows may get their generation and their sequence
 * number in different orders on different CPUs; start a repair this many
 * generations early to cover them.
 */
#define RESYNC_SLACK	1024

/* A dump that kept being interrupted is taken as it is after this many tries. */
#define RESYNC_TRIES	5

/* ---- the view: flows by tuple ---- */

struct vflow {
	struct flow f;
	struct vflow *next;
	bool mark;
};

/* A table of a million flows (TIME-WAIT lasts minutes) keeps short chains. */
#define VBUCKETS	(1U << 18)

static struct vflow *view[VBUCKETS];
static unsigned int view_n;

unsigned int view_count(void)
{
	return view_n;
}

static unsigned int tuple_hash(const struct tuple *t)
{
	const uint8_t *p = (const uint8_t *)t;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*t); i++)
		h = (h ^ p[i]) * 16777619u;
	return h % VBUCKETS;
}

static struct vflow **view_find(const struct tuple *t)
{
	struct vflow **pp = &view[tuple_hash(t)];

	while (*pp && memcmp(&(*pp)->f.t, t, sizeof(*t)))
		pp = &(*pp)->next;
	return pp;
}

static void view_put(struct vflow **pp, const struct flow *f)
{
	if (!*pp) {
		*pp = calloc(1, sizeof(**pp));
		if (!*pp)
			die(1, "out of memory");
		view_n++;
	}
	(*pp)->f = *f;
}

static void view_del(struct vflow **pp)
{
	struct vflow *v = *pp;

	*pp = v->next;
	free(v);
	view_n--;
}

void view_event(const struct flow *f, uint64_t gen, bool destroy)
{
	struct vflow **pp = view_find(&f->t);

	if (destroy) {
		if (*pp && (*pp)->f.gen <= gen)
			view_del(pp);
	} else if (!*pp || (*pp)->f.gen <= gen) {
		view_put(pp, f);
	}
}

void print_view(const struct watch *w)
{
	unsigned int i, n = 0;
	struct vflow *v;
	struct json j;

	json_init(&j, stdout);
	for (i = 0; i < VBUCKETS; i++) {
		for (v = view[i]; v; v = v->next) {
			if (!filter_match(&w->f, &v->f))
				continue;
			n++;
			if (w->json) {
				json_object(&j, NULL);
				json_string(&j, "event", "view");
				flow_json(&j, "flow", &v->f);
				json_end(&j);
			} else {
				print_flow_row(&v->f);
			}
		}
	}
	if (w->json) {
		json_object(&j, NULL);
		json_string(&j, "event", "view-end");
		json_uint(&j, "flows", n);
		json_uint(&j, "lost", w->lost);
		json_end(&j);
	} else {
		printf("-- %u flows in view, %" PRIu64 " events lost so far\n", n, w->lost);
	}
	fflush(stdout);
}

/* ---- repairs ---- */

struct dump_hdr {
	bool seen, full;
	bool has_sub;			/* the kernel knew our subscription */
	uint64_t gen;
	uint32_t seq[NGRP];
	uint32_t seq_sub;
};

static void parse_dump_hdr(const struct nlattr *nest, struct dump_hdr *h)
{
	const struct nlattr *tb[TCPFSM_A_DUMP_MAX + 1];

	index_nest(nest, tb, TCPFSM_A_DUMP_MAX);
	h->seen = true;
	h->full = tb[TCPFSM_A_DUMP_FULL];
	h->gen = get_u64(tb[TCPFSM_A_DUMP_GEN]);
	h->seq[GRP_NEW] = get_u32(tb[TCPFSM_A_DUMP_SEQ_NEW]);
	h->seq[GRP_CHANGE] = get_u32(tb[TCPFSM_A_DUMP_SEQ_CHANGE]);
	h->seq[GRP_DESTROY] = get_u32(tb[TCPFSM_A_DUMP_SEQ_DESTROY]);
	h->has_sub = tb[TCPFSM_A_DUMP_SEQ_SUB];
	h->seq_sub = get_u32(tb[TCPFSM_A_DUMP_SEQ_SUB]);
}

/* A line for a flow the repair added, changed or removed (@reason >= 0: why). */
static void print_sync(const struct watch *w, const char *what, const struct flow *f,
		       int reason)
{
	char c[64], s[64];
	struct json j;

	if (!w->print_sync || !filter_match(&w->f, f))
		return;
	if (w->json) {
		json_init(&j, stdout);
		json_object(&j, NULL);
		print_time(&j);
		json_string(&j, "event", what);
		if (reason >= 0)
			json_string(&j, "reason", destroy_name(reason));
		flow_json(&j, "flow", f);
		json_end(&j);
	} else {
		fmt_endpoint(&f->t, 0, c, sizeof(c));
		fmt_endpoint(&f->t, 1, s, sizeof(s));
		print_time(NULL);
		printf(" %-7s %-4s %s -> %s client %s server %s", what, proto_name(&f->t), c, s,
		       state_name(f->state[0]), state_name(f->state[1]));
		if (reason >= 0)
			printf(" reason %s", destroy_name(reason));
		printf("\n");
	}
	fflush(stdout);
}

static void sync_destroy(struct watch *w, struct vflow **pp, int reason)
{
	print_sync(w, "resync-destroy", &(*pp)->f, reason);
	view_del(pp);
	w->del++;
}

/* A full dump follows: everything in the view is marked, and what it does not unmark goes. */
static void mark_all(void)
{
	struct vflow *v;
	unsigned int i;

	for (i = 0; i < VBUCKETS; i++)
		for (v = view[i]; v; v = v->next)
			v->mark = true;
}

static void sweep_marked(struct watch *w)
{
	unsigned int i;

	for (i = 0; i < VBUCKETS; i++) {
		struct vflow **pp = &view[i];

		while (*pp) {
			if ((*pp)->mark)
				sync_destroy(w, pp, -1);
			else
				pp = &(*pp)->next;
		}
	}
}

static void sync_tombstone(struct watch *w, const struct nlattr *nest)
{
	const struct nlattr *tt[TCPFSM_A_TOMB_MAX + 1];
	struct vflow **pp;
	struct tuple t;
	uint64_t gen;

	index_nest(nest, tt, TCPFSM_A_TOMB_MAX);
	parse_tuple(tt[TCPFSM_A_TOMB_TUPLE], &t);
	gen = get_u64(tt[TCPFSM_A_TOMB_GEN]);
	note_gen(w, gen);
	pp = view_find(&t);
	if (*pp && (*pp)->f.gen < gen)
		sync_destroy(w, pp, get_u8(tt[TCPFSM_A_TOMB_REASON]));
}

static void sync_flow(struct watch *w, const struct nlattr *nest)
{
	struct vflow **pp;
	struct flow f;

	parse_flow(nest, &f);
	note_gen(w, f.gen);
	pp = view_find(&f.t);
	if (*pp) {
		bool changed = (*pp)->f.state[0] != f.state[0] || (*pp)->f.state[1] != f.state[1];

		(*pp)->mark = false;
		if (f.gen < (*pp)->f.gen)
			return;
		(*pp)->f = f;
		if (!changed)
			return;
	} else {
		view_put(pp, &f);
	}
	print_sync(w, "resync", &f, -1);
	w->upd++;
}

struct sync_ctx {
	struct watch *w;
	struct dump_hdr hdr;
};

static int sync_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_ctx *sc = data;
	const struct nlattr *tb[TCPFSM_A_MAX + 1];

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (tb[TCPFSM_A_DUMP]) {
		parse_dump_hdr(tb[TCPFSM_A_DUMP], &sc->hdr);
		if (sc->hdr.full)
			mark_all();
		note_gen(sc->w, sc->hdr.gen);
	} else if (tb[TCPFSM_A_TOMBSTONE]) {
		sync_tombstone(sc->w, tb[TCPFSM_A_TOMBSTONE]);
	} else if (tb[TCPFSM_A_FLOW]) {
		sync_flow(sc->w, tb[TCPFSM_A_FLOW]);
	}
	return 0;
}

/*
 * Our subscription's mark: its events up to it were sent (or lost).  @first
 * is the number expected next when none has come yet.
 */
static void note_sub_mark(struct watch *w, const struct dump_hdr *h, uint32_t first)
{
	w->sub_marked = h->has_sub;
	if (w->sub_marked) {
		w->covered[0] = h->seq_sub;
		if (!w->next[0])
			w->next[0] = first;
	}
}

void resync(struct watch *w, bool initial)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct sync_ctx sc = { .w = w };
	struct nlmsghdr *nlh;
	unsigned int tries = 0;
	uint64_t since;
	int err, g;

	do {
		if (tries)
			initial = false;
		w->upd = w->del = 0;
		nlh = genl_msg(buf, w->nl->family, TCPFSM_CMD_FLOW_GET, NLM_F_DUMP);
		/* How far our subscription's numbers went, for settle(). */
		if (w->sub && !w->all_ns)
			mnl_attr_put_u32(nlh, TCPFSM_A_SUB_PORTID, mnl_socket_get_portid(w->ev));
		if (!initial) {
			since = w->max_gen > RESYNC_SLACK ? w->max_gen - RESYNC_SLACK : 0;
			mnl_attr_put_u64(nlh, TCPFSM_A_SINCE_GEN, since);
		}
		w->print_sync = !initial || w->initial;
		memset(&sc.hdr, 0, sizeof(sc.hdr));
		err = nl_talk(w->nl, nlh, sync_cb, &sc);
		if (err)
			nl_fail(w->nl, err, "watch: dump");
		if (sc.hdr.full)
			sweep_marked(w);
	} while (w->nl->dump_intr && ++tries < RESYNC_TRIES);
	/* A subscription's events are covered by generation (a dump shows
	 * every change made before it began); its numbers, in covered[0],
	 * only count losses.
	 */
	if (w->sub)
		w->covered_gen = sc.hdr.gen;
	if (w->sub)
		note_sub_mark(w, &sc.hdr, sc.hdr.seq_sub + 1);
	for (g = 0; !w->sub && g < NGRP_MARKED; g++) {
		w->covered[g] = sc.hdr.seq[g];
		if (!w->next[g])
			w->next[g] = sc.hdr.seq[g] + 1;
	}
	w->synced = true;
	if (!initial)
		fprintf(stderr, "%s: resynchronised from %s: %u flows added or changed, "
			"%u removed, %u in view\n", PROG_NAME,
			sc.hdr.full ? "a full dump" : "a since-generation dump",
			w->upd, w->del, view_n);
}

static int sub_mark_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1];
	struct dump_hdr *h = data;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	h->has_sub = tb[TCPFSM_A_SUB_SEQ];
	h->seq_sub = get_u32(tb[TCPFSM_A_SUB_SEQ]);
	return 0;
}

/*
 * -A's stand-in for a dump's mark: no dump marks an all-netns
 * subscription, whose numbers span namespaces, and -A keeps no view to
 * repair.  EVENT_SUB_GET sends every namespace's queue first, then says how
 * far our numbers went.  A module without it leaves losses to show as gaps.
 */
static void mark_sub(struct watch *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_hdr h = { 0 };
	struct nlmsghdr *nlh;
	int err;

	nlh = genl_msg(buf, w->nl->family, TCPFSM_CMD_EVENT_SUB_GET, 0);
	mnl_attr_put_u32(nlh, TCPFSM_A_SUB_PORTID, mnl_socket_get_portid(w->ev));
	err = nl_talk(w->nl, nlh, sub_mark_cb, &h);
	if (err == -EOPNOTSUPP)
		return;
	if (err)
		nl_fail(w->nl, err, "watch --all-namespaces: EVENT_SUB_GET");
	/* None arrived: the numbers start at 1. */
	note_sub_mark(w, &h, 1);
}

/* Events next[g]..last of group g never arrived. */
void report_lost(struct watch *w, int g, uint32_t last, const char *how)
{
	uint32_t n = last - w->next[g] + 1;

	w->lost += n;
	fprintf(stderr, "%s: lost %u %s events (sequence %u..%u%s), %" PRIu64 " lost in all\n",
		PROG_NAME, n, w->sub ? "subscribed" : group_names[g], w->next[g], last, how,
		w->lost);
	w->next[g] = last + 1;
}

/*
 * Our event queue is empty.  A gap shows a loss only when the group's next
 * event comes, which may be never (the destroy of a flow whose tuple a new
 * connection took, lost at the end of a burst).  The kernel numbers and
 * queues each event, and reads the numbers for a dump, under one lock: what
 * was numbered before our last dump and is not here now that the queue is
 * empty was lost, and the dump has shown its outcome.  After a loss we take
 * one more dump with the queue empty (-A: the subscription's mark alone):
 * emptying the queue ends the socket's congestion, so a later loss raises
 * ENOBUFS again, and every loss before the dump is counted when the queue is
 * next empty.
 */
void settle(struct watch *w)
{
	int g;

	if (w->sub_marked && (int32_t)(w->covered[0] - w->next[0]) >= 0)
		report_lost(w, 0, w->covered[0],
			    w->all_ns ? ", seen by the subscription's mark" : ", seen by a dump");
	for (g = 0; !w->sub && g < NGRP_MARKED; g++)
		if ((w->groups & (1U << g)) && (int32_t)(w->covered[g] - w->next[g]) >= 0)
			report_lost(w, g, w->covered[g], ", seen by a dump");
	if (w->loss == DUMPED) {
		w->loss = SETTLED;
	} else if (w->loss == LOST) {
		/* -A keeps no view: its losses are counted, not repaired. */
		if (w->all_ns)
			mark_sub(w);
		else
			resync(w, false);
		w->loss = DUMPED;
	}
}
