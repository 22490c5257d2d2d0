// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm watch: events as they happen, one line each.  Subscribed first,
 * then a full dump for the view (watch_sync.c), then events applied to it
 * in sequence; losses are counted from the sequence numbers and repaired
 * with dumps.  SIGUSR1 prints the view.
 *
 * Without a filter it joins the multicast groups; with one (or -A) it
 * subscribes (EVENT_SUBSCRIBE), so the kernel sends only what matches,
 * numbered in the subscription's own sequence.  It reads many datagrams a
 * call, many events each, and writes its output a batch at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "netns.h"
#include "subcommands.h"
#include "watch.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* Test-only: the receive buffer SIGUSR2 restores (the kernel's default, 208 KiB). */
#define DEFAULT_RCVBUF	212992

/* The event socket's receive buffer without --buffer-size. */
#define DEFAULT_BUFSZ	(4 * 1024 * 1024)

/* Datagrams read per call, and room for each (the kernel's are 16 KiB). */
#define READ_VLEN	32
#define READ_BUFSZ	(64 * 1024)

/* Output is written when this much is waiting, or when no event is. */
#define OUT_BUFSZ	(1024 * 1024)

static volatile sig_atomic_t got_usr1, got_usr2, got_term;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGUSR2)
		got_usr2 = 1;	/* test-only */
	else
		got_term = 1;
}

/* The time's seconds, formatted once a second: events come many a second. */
static const char *time_secs(time_t sec, bool utc)
{
	static char b[2][32];
	static time_t last[2] = { -1, -1 };
	struct tm tm;

	if (sec != last[utc]) {
		if (utc) {
			gmtime_r(&sec, &tm);
			strftime(b[1], sizeof(b[1]), "%Y-%m-%dT%H:%M:%S", &tm);
		} else {
			localtime_r(&sec, &tm);
			strftime(b[0], sizeof(b[0]), "%H:%M:%S", &tm);
		}
		last[utc] = sec;
	}
	return b[utc];
}

/*
 * The time shown is when a read returned its events: one clock read for
 * all of them (where the clock is not one the vDSO reads, as under
 * emulation, each read is a system call).  watch_loop() makes it stale at
 * every read and before every repair.
 */
static struct timespec read_time;
static bool read_time_ok;

static void time_stale(void)
{
	read_time_ok = false;
}

void print_time(struct json *j)
{
	struct timespec ts;
	char t[48];

	if (!read_time_ok) {
		clock_gettime(CLOCK_REALTIME, &read_time);
		read_time_ok = true;
	}
	ts = read_time;
	if (j) {
		const char *secs = time_secs(ts.tv_sec, true);
		size_t n = strlen(secs);
		long ms = ts.tv_nsec / 1000000;

		/* As "%s.%03ldZ", without printf's cost at every event. */
		memcpy(t, secs, n);
		t[n] = '.';
		t[n + 1] = (char)('0' + ms / 100);
		t[n + 2] = (char)('0' + ms / 10 % 10);
		t[n + 3] = (char)('0' + ms % 10);
		t[n + 4] = 'Z';
		t[n + 5] = '\0';
		json_string(j, "time", t);
	} else {
		printf("%s.%03ld", time_secs(ts.tv_sec, false), ts.tv_nsec / 1000000);
	}
}

/* A segment's TCP flags by name, in the usual order (SYN before ACK, ...); returns how many. */
static unsigned int seg_flag_names(uint8_t fl, const char *names[8])
{
	static const char *const flag[8] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG",
					     "ECE", "CWR" };
	static const int order[8] = { 1, 0, 2, 3, 4, 5, 6, 7 };
	unsigned int i, n = 0;

	for (i = 0; i < 8; i++)
		if (fl & (1U << order[i]))
			names[n++] = flag[order[i]];
	return n;
}

/* "SYN+ACK", or "" for none. */
static void fmt_seg_flags(uint8_t fl, char *buf, size_t len)
{
	const char *names[8];
	unsigned int i, n = seg_flag_names(fl, names);
	size_t k = 0;

	buf[0] = 0;
	for (i = 0; i < n; i++)
		k += snprintf(buf + k, k < len ? len - k : 0, "%s%s", i ? "+" : "", names[i]);
}

struct event {
	uint8_t cmd;
	uint32_t seq;
	uint64_t gen;
	uint8_t endpoint, old_state, new_state, seg_flags, seg_dir, reason;
	uint32_t old_state_ms, in_state_ms;
	bool has_netns;
	uint64_t netns_cookie;
	uint32_t netns_ino;
	struct flow f;
};

static int group_of(uint8_t cmd)
{
	switch (cmd) {
	case TCPFSM_CMD_FLOW_NEW:
		return GRP_NEW;
	case TCPFSM_CMD_FLOW_CHANGE:
		return GRP_CHANGE;
	case TCPFSM_CMD_FLOW_DESTROY:
		return GRP_DESTROY;
	case TCPFSM_CMD_FLOW_STUCK:
		return GRP_STUCK;
	}
	return -1;
}

/* An event is named as its group is. */
static const char *event_name(uint8_t cmd)
{
	int g = group_of(cmd);

	return g < 0 ? "?" : group_names[g];
}

static const char *endpoint_name(uint8_t endpoint)
{
	return endpoint ? "server" : "client";
}

static void print_event_json(const struct event *e)
{
	const char *names[8];
	unsigned int i, n;
	struct json j;

	json_init(&j, stdout);
	json_object(&j, NULL);
	print_time(&j);
	json_string(&j, "event", event_name(e->cmd));
	json_uint(&j, "seq", e->seq);
	json_uint(&j, "gen", e->gen);
	if (e->has_netns) {
		json_uint(&j, "netns_cookie", e->netns_cookie);
		json_uint(&j, "netns_ino", e->netns_ino);
		json_string(&j, "netns", netns_label(e->netns_cookie, e->netns_ino));
	}
	if (e->cmd == TCPFSM_CMD_FLOW_STUCK) {
		json_string(&j, "endpoint", endpoint_name(e->endpoint));
		json_string(&j, "state", state_name(e->f.state[e->endpoint & 1]));
		json_uint(&j, "in_state_ms", e->in_state_ms);
		flow_json(&j, "flow", &e->f);
		json_end(&j);
		return;
	}
	if (e->cmd == TCPFSM_CMD_FLOW_CHANGE) {
		json_string(&j, "endpoint", endpoint_name(e->endpoint));
		json_string(&j, "old_state", state_name(e->old_state));
		json_string(&j, "new_state", state_name(e->new_state));
		json_uint(&j, "old_state_ms", e->old_state_ms);
	}
	if (e->cmd == TCPFSM_CMD_FLOW_DESTROY)
		json_string(&j, "reason", destroy_name(e->reason));
	n = seg_flag_names(e->seg_flags, names);
	json_array(&j, "seg_flags");
	for (i = 0; i < n; i++)
		json_string(&j, NULL, names[i]);
	json_end(&j);
	json_string(&j, "seg_from", e->seg_flags ? endpoint_name(e->seg_dir) : "timer");
	flow_json(&j, "flow", &e->f);
	json_end(&j);
}

static void print_event_text(const struct event *e)
{
	const char *from = endpoint_name(e->seg_dir);
	char c[64], s[64], fl[48], d[16];

	fmt_endpoint(&e->f.t, 0, c, sizeof(c));
	fmt_endpoint(&e->f.t, 1, s, sizeof(s));
	fmt_seg_flags(e->seg_flags, fl, sizeof(fl));
	print_time(NULL);
	if (e->has_netns)
		printf(" %-20s", netns_label(e->netns_cookie, e->netns_ino));
	printf(" %-7s %-4s %s -> %s", event_name(e->cmd), proto_name(&e->f.t), c, s);
	if (e->cmd == TCPFSM_CMD_FLOW_STUCK) {
		fmt_duration(e->in_state_ms, d, sizeof(d));
		printf(" %s stuck in %s for %s", endpoint_name(e->endpoint),
		       state_name(e->f.state[e->endpoint & 1]), d);
	} else if (e->cmd == TCPFSM_CMD_FLOW_CHANGE) {
		fmt_duration(e->old_state_ms, d, sizeof(d));
		printf(" %s %s -> %s", endpoint_name(e->endpoint), state_name(e->old_state),
		       state_name(e->new_state));
		if (e->seg_flags)
			printf(" on %s from %s after %s", fl, from, d);
		else
			printf(" on timer after %s", d);
	} else if (e->cmd == TCPFSM_CMD_FLOW_NEW) {
		printf(" client %s server %s on %s from %s", state_name(e->f.state[0]),
		       state_name(e->f.state[1]), fl[0] ? fl : "-", from);
	} else {
		printf(" reason %s (client %s server %s)", destroy_name(e->reason),
		       state_name(e->f.state[0]), state_name(e->f.state[1]));
	}
	printf("\n");
}

static void parse_event(const struct nlmsghdr *nlh, struct event *e)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1], *ea[TCPFSM_A_EVENT_MAX + 1];
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	memset(e, 0, sizeof(*e));
	e->cmd = g->cmd;
	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (tb[TCPFSM_A_FLOW])
		parse_flow(tb[TCPFSM_A_FLOW], &e->f);
	if (tb[TCPFSM_A_NETNS_COOKIE] || tb[TCPFSM_A_NETNS_INO]) {
		e->has_netns = true;
		e->netns_cookie = get_u64(tb[TCPFSM_A_NETNS_COOKIE]);
		e->netns_ino = get_u32(tb[TCPFSM_A_NETNS_INO]);
	}
	if (!tb[TCPFSM_A_EVENT])
		return;
	index_nest(tb[TCPFSM_A_EVENT], ea, TCPFSM_A_EVENT_MAX);
	e->seq = get_u32(ea[TCPFSM_A_EVENT_SEQ]);
	e->gen = get_u64(ea[TCPFSM_A_EVENT_GEN]);
	e->endpoint = get_u8(ea[TCPFSM_A_EVENT_ENDPOINT]);
	e->old_state = get_u8(ea[TCPFSM_A_EVENT_OLD_STATE]);
	e->new_state = get_u8(ea[TCPFSM_A_EVENT_NEW_STATE]);
	e->seg_flags = get_u8(ea[TCPFSM_A_EVENT_SEG_FLAGS]);
	e->seg_dir = get_u8(ea[TCPFSM_A_EVENT_SEG_DIR]);
	e->old_state_ms = get_u32(ea[TCPFSM_A_EVENT_OLD_STATE_MS]);
	e->reason = get_u8(ea[TCPFSM_A_EVENT_REASON]);
	e->in_state_ms = get_u32(ea[TCPFSM_A_EVENT_IN_STATE_MS]);
}

/* Returns true when the view needs a repair. */
static bool handle_event(struct watch *w, const struct nlmsghdr *nlh)
{
	struct event e;
	bool need = false;
	int g;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)))
		return false;
	parse_event(nlh, &e);
	g = group_of(e.cmd);
	if (g < 0)
		return false;
	if (w->sub)
		g = 0;		/* one sequence: the subscription's */
	if (w->next[g] && e.seq != w->next[g]) {
		uint32_t gap = e.seq - w->next[g];

		if (gap < 0x80000000u) {
			report_lost(w, g, e.seq - 1, "");
			w->loss = LOST;
			/* Lost ones the last dump already covered need no repair. */
			if (!w->all_ns && ((w->sub && !w->sub_marked) ||
					    (int32_t)(e.seq - 1 - w->covered[g]) > 0))
				need = true;
		} else {
			/* Older than expected: a duplicate, already applied. */
			return false;
		}
	}
	w->next[g] = e.seq + 1;
	if (w->sub ? (w->synced && e.gen <= w->covered_gen) :
	    (int32_t)(e.seq - w->covered[g]) <= 0)
		return need;	/* the dump already showed its outcome */

	if (!w->all_ns) {
		note_gen(w, e.gen);
		view_event(&e.f, e.gen, e.cmd == TCPFSM_CMD_FLOW_DESTROY);
	}
	/* A subscription's events are the kernel's choice already. */
	if (w->sub || filter_match(&w->f, &e.f)) {
		if (w->json)
			print_event_json(&e);
		else
			print_event_text(&e);
	}
	return need;
}

static void parse_watch_options(struct watch *w, int argc, char **argv)
{
	static const struct option opts[] = {
		FILTER_OPTIONS,
		EVENT_FILTER_OPTIONS,
		COMMON_OPTIONS,
		{ "groups", required_argument, NULL, OPT_GROUPS },
		{ "initial", no_argument, NULL, OPT_INITIAL },
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
		TEST_KNOB_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	bool groups_given = false;
	char *end;
	long v;
	int c;

	filter_init(&w->f);
	w->groups = (1U << NGRP) - 1;
	while ((c = next_option(argc, argv, FILTER_SHORT COMMON_SHORT "A", opts)) != -1) {
		if (c == 'j') {
			w->json = true;
		} else if (c == OPT_GROUPS) {
			w->groups = parse_name_list(optarg, group_names, NGRP, "--groups");
			groups_given = true;
		} else if (c == OPT_INITIAL) {
			w->initial = true;
		} else if (c == 'A') {
			w->all_ns = true;
		} else if (c == OPT_BUFFER_SIZE) {
			v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v <= 0 || v > INT32_MAX / 2)
				die(EXIT_USAGE, "bad option: --buffer-size: '%s' is not a size in bytes",
				    optarg);
			w->buffer_size = (int)v;
		} else if (!filter_option(&w->f, c, optarg)) {
			test_knob_option(&w->knobs, c, optarg);
		}
	}
	filter_check(&w->f);
	w->filtered = w->all_ns || filter_any(&w->f);
	if (w->filtered && groups_given)
		die(EXIT_USAGE, "bad option: --groups joins multicast groups; with a filter or -A "
		    "the kernel filters: say which events with --events");
	/*
	 * Without --groups, a subscription even with no filter: its events
	 * come in one sequence, batched into as few datagrams as fit, where a
	 * multicast datagram holds only a run of one group's events (a
	 * listener in several groups must see each flow's events in order).
	 */
	w->sub = !groups_given;
}

/*
 * --buffer-size: SO_RCVBUFFORCE where permitted (CAP_NET_ADMIN), as
 * conntrack -E -b, else SO_RCVBUF (capped by net.core.rmem_max, which a
 * given size is told).  Without the option, DEFAULT_BUFSZ, asked quietly:
 * the system's 208 KiB holds a few dozen connections' events, a moment's
 * descheduling under churn.
 */
static void set_buffer_size(int fd, int size, bool given)
{
	int got = 0;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0) {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
			die(1, "SO_RCVBUF: %s", strerror(errno));
		getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len);
		if (given && got < size)
			fprintf(stderr, "%s: --buffer-size %d: not permitted to exceed "
				"net.core.rmem_max, got %d\n", PROG_NAME, size, got / 2);
	}
}

/*
 * EVENT_SUBSCRIBE on the event socket itself: the subscription is its
 * portid's.  Returns false, for the caller to join the groups instead, when
 * an unfiltered watch finds the namespace's subscriptions all taken.
 */
static bool subscribe_filter(struct watch *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nl evnl;
	int one = 1, err;

	mnl_socket_setsockopt(w->ev, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(w->ev, NETLINK_CAP_ACK, &one, sizeof(one));
	nlh = genl_msg(buf, w->nl->family, TCPFSM_CMD_EVENT_SUBSCRIBE, 0);
	put_event_filter(nlh, &w->f);
	if (w->all_ns)
		mnl_attr_put(nlh, TCPFSM_A_ALL_NETNS, 0, NULL);
	/* Events that come before the ACK are dropped: the dump covers them. */
	evnl = *w->nl;
	evnl.sock = w->ev;
	err = nl_talk(&evnl, nlh, NULL, NULL);
	if (err == -ENOSPC && !w->filtered) {
		fprintf(stderr, "%s: this namespace has all the subscriptions it may have: "
			"joining the multicast groups instead\n", PROG_NAME);
		return false;
	}
	if (err)
		nl_fail(&evnl, err, w->all_ns ? "watch --all-namespaces: subscribe" :
			"watch: subscribe");
	return true;
}

/* The event socket, in every group asked for. */
static void subscribe(struct watch *w)
{
	int g, fd, one = 1;

	w->ev = mnl_socket_open(NETLINK_GENERIC);
	if (!w->ev || mnl_socket_bind(w->ev, 0, MNL_SOCKET_AUTOPID) < 0)
		die(1, "netlink socket: %s", strerror(errno));
	fd = mnl_socket_get_fd(w->ev);
	/* Lets the kernel see, and count in events_lost, what we fail to take. */
	mnl_socket_setsockopt(w->ev, NETLINK_BROADCAST_ERROR, &one, sizeof(one));
	set_buffer_size(fd, w->buffer_size > 0 ? w->buffer_size : DEFAULT_BUFSZ,
			w->buffer_size > 0);
	if (w->knobs.rcvbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &w->knobs.rcvbuf, sizeof(w->knobs.rcvbuf)) < 0)
		die(1, "SO_RCVBUF: %s", strerror(errno));
	if (w->sub) {
		if (subscribe_filter(w))
			return;
		w->sub = false;
	}
	for (g = 0; g < NGRP; g++) {
		if (!(w->groups & (1U << g)))
			continue;
		/* Stuck events are joined by default only where the module has them. */
		if (!w->nl->grp[g] && g == GRP_STUCK && w->groups == (1U << NGRP) - 1)
			continue;
		if (!w->nl->grp[g])
			die(1, "the module has no multicast group '%s'", group_names[g]);
		if (mnl_socket_setsockopt(w->ev, NETLINK_ADD_MEMBERSHIP, &w->nl->grp[g],
					  sizeof(w->nl->grp[g])) < 0)
			die(1, "joining group '%s': %s", group_names[g], strerror(errno));
	}
}

static void print_ready(const struct watch *w)
{
	struct json j;

	if (w->json) {
		json_init(&j, stdout);
		json_object(&j, NULL);
		json_string(&j, "event", "ready");
		json_uint(&j, "flows", view_count());
		json_uint(&j, "gen", w->max_gen);
		json_end(&j);
	} else {
		printf("-- watching, %u flows in the table\n", view_count());
	}
	fflush(stdout);
}

/*
 * Reads events until SIGINT or SIGTERM, many datagrams a call.  Out of
 * line: make bench counts a listener's work from here on (callgrind's
 * --toggle-collect=watch_loop), beside conntrack -E's mnl_cb_run().
 */
static __attribute__((noinline)) void watch_loop(struct watch *w)
{
	static char bufs[READ_VLEN][READ_BUFSZ];
	struct mmsghdr msgs[READ_VLEN];
	struct iovec iov[READ_VLEN];
	int fd = mnl_socket_get_fd(w->ev);
	bool wait = false;
	int i;

	for (i = 0; i < READ_VLEN; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = READ_BUFSZ;
	}
	while (!got_term) {
		const struct nlmsghdr *m;
		bool need = false;
		int n, rem, vlen;

		if (got_usr1) {
			got_usr1 = 0;
			print_view(w);
		}
		if (got_usr2 == 1) {
			/* Test-only: the end of the slow mode, at full speed with a
			 * default-sized buffer.
			 */
			int sz = DEFAULT_RCVBUF;

			got_usr2 = 2;
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		}
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < READ_VLEN; i++) {
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		/* The test-only slow reader takes one datagram at a time. */
		vlen = w->knobs.read_delay_ms > 0 && !got_usr2 ? 1 : READ_VLEN;
		n = recvmmsg(fd, msgs, vlen, wait ? MSG_WAITFORONE : MSG_DONTWAIT, NULL);
		wait = false;
		time_stale();
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* Nothing waiting: what we have to say goes out now,
				 * and the next read waits for its first datagram
				 * (MSG_WAITFORONE: no poll first; EINTR on a signal).
				 */
				fflush(stdout);
				if (w->loss != SETTLED)
					settle(w);
				else
					wait = true;
				continue;
			}
			if (errno == ENOBUFS) {
				/* The gaps, or the dump once we have caught up,
				 * count what was lost and repair the view.
				 */
				fprintf(stderr, "%s: event socket overrun (ENOBUFS): events lost; "
					"the count follows from the sequence numbers\n", PROG_NAME);
				w->loss = LOST;
				continue;
			}
			die(1, "receiving events: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			rem = (int)msgs[i].msg_len;
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
				fprintf(stderr, "%s: a datagram larger than %d bytes was cut\n",
					PROG_NAME, READ_BUFSZ);
			for (m = (const struct nlmsghdr *)bufs[i]; mnl_nlmsg_ok(m, rem);
			     m = mnl_nlmsg_next(m, &rem))
				if (m->nlmsg_type == w->nl->family)
					need |= handle_event(w, m);
		}
		if (need) {
			time_stale();
			resync(w, false);
		}
		/* Test-only: a slow reader, until SIGUSR2. */
		if (w->knobs.read_delay_ms > 0 && !got_usr2)
			sleep_ms(w->knobs.read_delay_ms);
	}
}

int watch_main(int argc, char **argv)
{
	struct watch w = { 0 };
	struct sigaction sa;
	struct nl nl;

	parse_watch_options(&w, argc, argv);
	/* One write per batch of events, not one per line; and no lock
	 * taken per character: we have one thread.
	 */
	setvbuf(stdout, NULL, _IOFBF, OUT_BUFSZ);
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	nl_open(&nl);
	w.nl = &nl;
	if (optind < argc)
		die(EXIT_USAGE, "watch: unexpected argument '%s'", argv[optind]);
	subscribe(&w);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: recv returns EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);	/* test-only */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Subscribed first, so nothing falls between the dump and the events.
	 * -A keeps no view: a dump of our own namespace would not be one.
	 */
	if (!w.all_ns)
		resync(&w, true);
	print_ready(&w);
	watch_loop(&w);
	if (got_usr1)
		print_view(&w);
	fflush(stdout);
	mnl_socket_close(w.ev);
	return 0;
}
