// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: command line client of the tcpfsm generic netlink family.
 *
 *   tcpfsm list   [filters] [--json]
 *   tcpfsm watch  [filters] [--json] [--groups new,change,destroy]
 *   tcpfsm stats  [--json]
 *   tcpfsm config [--json] [key=value ...]
 *   tcpfsm get    <client addr:port> <server addr:port> [--json]
 *
 * See tcpfsm(8).  Documentation/netlink/tcpfsm.yaml is the wire contract.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcpfsm.h>

#define EXIT_USAGE	2
#define EXIT_NOMOD	3
#define EXIT_PERM	4

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

static const char *prog = "tcpfsm";

/* ---- names ---- */

static const char *const state_names[__TCPFSM_STATE_MAX] = {
	[TCPFSM_STATE_NONE] = "NONE",
	[TCPFSM_STATE_ESTABLISHED] = "ESTABLISHED",
	[TCPFSM_STATE_SYN_SENT] = "SYN-SENT",
	[TCPFSM_STATE_SYN_RECEIVED] = "SYN-RECEIVED",
	[TCPFSM_STATE_FIN_WAIT_1] = "FIN-WAIT-1",
	[TCPFSM_STATE_FIN_WAIT_2] = "FIN-WAIT-2",
	[TCPFSM_STATE_TIME_WAIT] = "TIME-WAIT",
	[TCPFSM_STATE_CLOSED] = "CLOSED",
	[TCPFSM_STATE_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCPFSM_STATE_LAST_ACK] = "LAST-ACK",
	[TCPFSM_STATE_LISTEN] = "LISTEN",
	[TCPFSM_STATE_CLOSING] = "CLOSING",
};

/* Module parameter / config key spelling: timeout_<key>. */
static const char *const state_keys[__TCPFSM_STATE_MAX] = {
	[TCPFSM_STATE_ESTABLISHED] = "established",
	[TCPFSM_STATE_SYN_SENT] = "syn_sent",
	[TCPFSM_STATE_SYN_RECEIVED] = "syn_received",
	[TCPFSM_STATE_FIN_WAIT_1] = "fin_wait_1",
	[TCPFSM_STATE_FIN_WAIT_2] = "fin_wait_2",
	[TCPFSM_STATE_TIME_WAIT] = "time_wait",
	[TCPFSM_STATE_CLOSED] = "closed",
	[TCPFSM_STATE_CLOSE_WAIT] = "close_wait",
	[TCPFSM_STATE_LAST_ACK] = "last_ack",
	[TCPFSM_STATE_LISTEN] = "listen",
	[TCPFSM_STATE_CLOSING] = "closing",
};

static const char *const destroy_names[__TCPFSM_DESTROY_MAX] = {
	[TCPFSM_DESTROY_CLOSED] = "closed",
	[TCPFSM_DESTROY_TIME_WAIT] = "time-wait-done",
	[TCPFSM_DESTROY_TIMEOUT] = "timeout",
	[TCPFSM_DESTROY_EVICTED] = "evicted",
	[TCPFSM_DESTROY_RST] = "reset",
	[TCPFSM_DESTROY_UNLOAD] = "unload",
	[TCPFSM_DESTROY_REPLACED] = "replaced",
};

static const char *const reason_keys[__TCPFSM_REASON_MAX] = {
	[TCPFSM_REASON_NONE] = "none",
	[TCPFSM_REASON_BAD_FLAGS] = "bad_flags",
	[TCPFSM_REASON_SEQ_WINDOW] = "seq_window",
	[TCPFSM_REASON_ACK_WINDOW] = "ack_window",
	[TCPFSM_REASON_RST_WINDOW] = "rst_window",
	[TCPFSM_REASON_RST_CHALLENGE] = "rst_challenge",
	[TCPFSM_REASON_BAD_ACK] = "bad_ack",
	[TCPFSM_REASON_UNEXPECTED] = "unexpected",
	[TCPFSM_REASON_NO_PICKUP] = "no_pickup",
};

static const char *const flow_flag_names[__TCPFSM_FLOW_FLAG_MAX] = {
	[TCPFSM_FLOW_PICKUP] = "pickup",
	[TCPFSM_FLOW_SIMOPEN] = "simopen",
	[TCPFSM_FLOW_SIMCLOSE] = "simclose",
};

enum { GRP_NEW, GRP_CHANGE, GRP_DESTROY, NGRP };
static const char *const group_names[NGRP] = { "new", "change", "destroy" };

static const char *state_name(unsigned int s)
{
	return s < __TCPFSM_STATE_MAX && state_names[s] ? state_names[s] : "?";
}

static const char *destroy_name(unsigned int r)
{
	return r < __TCPFSM_DESTROY_MAX && destroy_names[r] ? destroy_names[r] : "?";
}

/* "SYN-SENT", "syn-sent", "SYN_SENT", "syn_sent" all name one state. */
static int parse_state(const char *s)
{
	unsigned int i;
	char buf[32];
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		return -1;
	for (i = 0; i <= n; i++)
		buf[i] = s[i] == '_' ? '-' : s[i];
	for (i = 1; i < __TCPFSM_STATE_MAX; i++)
		if (!strcasecmp(buf, state_names[i]))
			return i;
	return -1;
}

/* ---- errors ---- */

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* ---- netlink plumbing ---- */

struct nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t grp[NGRP];
	uint32_t seq;
	char extack[256];
	bool dump_intr;
	int dump_delay_ms;	/* test knob (list --read-delay-ms): slow dumps */
};

#define BUFSZ	(64 * 1024)

typedef int (*msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Error from a NLMSG_ERROR message, with the kernel's extack message kept. */
static int parse_error(struct nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (e->error && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				snprintf(nl->extack, sizeof(nl->extack), "%s",
					 mnl_attr_get_str(a));
		}
	}
	return e->error;
}

/*
 * Send @nlh and read replies to it until the ACK, the end of the dump or an
 * error; every data message goes to @cb.  Returns 0 or -errno.
 */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, msg_cb cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(nl->sock);
	static char buf[BUFSZ];
	int ret = 0;
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;

	nl->extack[0] = 0;
	nl->dump_intr = false;
	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t len;
		const struct nlmsghdr *m;
		int rem;

		if (dump && nl->dump_delay_ms > 0) {
			struct timespec ts = { nl->dump_delay_ms / 1000,
					       (nl->dump_delay_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
		len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		rem = (int)len;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, rem);
		     m = mnl_nlmsg_next(m, &rem)) {
			if (m->nlmsg_seq != nl->seq || m->nlmsg_pid != portid)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				nl->dump_intr = true;
			if (m->nlmsg_type == NLMSG_ERROR) {
				int err = parse_error(nl, m);

				if (err)
					return err;
				if (!dump)
					return ret;
				continue;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (m->nlmsg_len >= mnl_nlmsg_size(sizeof(int)))
					memcpy(&err, mnl_nlmsg_get_payload(m), sizeof(err));
				/* A dump refused after its start: the reason follows. */
				if (err && (m->nlmsg_flags & NLM_F_ACK_TLVS)) {
					const struct nlattr *a;

					mnl_attr_for_each(a, m, sizeof(int)) {
						if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
						    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
							snprintf(nl->extack, sizeof(nl->extack),
								 "%s", mnl_attr_get_str(a));
					}
				}
				/* With NLM_F_ACK the DONE is followed by no ACK on
				 * older kernels and by one on none: we are done.
				 */
				return err;
			}
			if (m->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb && !ret)
				ret = cb(m, data);
		}
	}
}

static struct nlmsghdr *genl_msg(char *buf, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = TCPFSM_GENL_VERSION;
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl *nl = data;
	const struct nlattr *a, *g, *ga;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			nl->family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a) {
				const char *name = NULL;
				uint32_t id = 0;
				int i;

				mnl_attr_for_each_nested(ga, g) {
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME)
						name = mnl_attr_get_str(ga);
					else if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID)
						id = mnl_attr_get_u32(ga);
				}
				for (i = 0; name && i < NGRP; i++)
					if (!strcmp(name, group_names[i]))
						nl->grp[i] = id;
			}
			break;
		}
	}
	return 0;
}

static void nl_open(struct nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		die(1, "netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		die(1, "netlink bind: %s", strerror(errno));
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->seq = (uint32_t)time(NULL);

	nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPFSM_GENL_NAME);
	err = nl_talk(nl, nlh, family_cb, nl);
	if (err == -ENOENT || (!err && !nl->family))
		die(EXIT_NOMOD, "module not loaded (genetlink family %s not found)",
		    TCPFSM_GENL_NAME);
	if (err)
		die(1, "genetlink controller: %s", strerror(-err));
}

/* One clear line for a failed request, with the kernel's own words. */
static void __attribute__((noreturn)) nl_fail(struct nl *nl, int err, const char *what)
{
	int code = 1;

	if (err == -EPERM || err == -EACCES) {
		code = EXIT_PERM;
		if (nl->extack[0])
			die(code, "permission denied: %s needs CAP_NET_ADMIN (kernel: %s)",
			    what, nl->extack);
		die(code, "permission denied: %s needs CAP_NET_ADMIN", what);
	}
	if (nl->extack[0])
		die(code, "%s: %s (kernel: %s)", what, strerror(-err), nl->extack);
	die(code, "%s: %s", what, strerror(-err));
}

/* ---- attributes ---- */

/* Index a nest's (or a message's) attributes by type; unknown types ignored. */
static void index_nest(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
}

static void index_msg(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 8 ? mnl_attr_get_u64(a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : 0;
}

static uint8_t get_u8(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

static uint16_t get_be16(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 2 ? ntohs(mnl_attr_get_u16(a)) : 0;
}

/* ---- flows ---- */

struct tuple {
	uint8_t family;
	uint8_t addr[2][16];
	uint16_t port[2];		/* host order */
};

struct flow {
	struct tuple t;
	uint8_t state[2];
	uint32_t flags;
	uint32_t age_ms, idle_ms, in_state_ms[2], rtt_us, invalid;
	uint64_t packets[2], bytes[2], gen;
	bool acct;			/* counters present (module loaded with acct=1) */
};

static void parse_tuple(const struct nlattr *nest, struct tuple *t)
{
	const struct nlattr *tb[TCPFSM_A_TUPLE_MAX + 1];
	unsigned int alen, i;

	memset(t, 0, sizeof(*t));
	if (!nest)
		return;
	index_nest(nest, tb, TCPFSM_A_TUPLE_MAX);
	t->family = get_u8(tb[TCPFSM_A_TUPLE_FAMILY]);
	alen = t->family == AF_INET ? 4 : 16;
	for (i = 0; i < 2; i++) {
		const struct nlattr *a = tb[i ? TCPFSM_A_TUPLE_SERVER_ADDR : TCPFSM_A_TUPLE_CLIENT_ADDR];

		if (a && mnl_attr_get_payload_len(a) == alen)
			memcpy(t->addr[i], mnl_attr_get_payload(a), alen);
	}
	t->port[0] = get_be16(tb[TCPFSM_A_TUPLE_CLIENT_PORT]);
	t->port[1] = get_be16(tb[TCPFSM_A_TUPLE_SERVER_PORT]);
}

static void parse_flow(const struct nlattr *nest, struct flow *f)
{
	const struct nlattr *tb[TCPFSM_A_FLOW_MAX + 1];

	memset(f, 0, sizeof(*f));
	index_nest(nest, tb, TCPFSM_A_FLOW_MAX);
	parse_tuple(tb[TCPFSM_A_FLOW_TUPLE], &f->t);
	f->state[0] = get_u8(tb[TCPFSM_A_FLOW_CLIENT_STATE]);
	f->state[1] = get_u8(tb[TCPFSM_A_FLOW_SERVER_STATE]);
	f->flags = get_u32(tb[TCPFSM_A_FLOW_FLAGS]);
	f->age_ms = get_u32(tb[TCPFSM_A_FLOW_AGE_MS]);
	f->idle_ms = get_u32(tb[TCPFSM_A_FLOW_IDLE_MS]);
	f->in_state_ms[0] = get_u32(tb[TCPFSM_A_FLOW_CLIENT_IN_STATE_MS]);
	f->in_state_ms[1] = get_u32(tb[TCPFSM_A_FLOW_SERVER_IN_STATE_MS]);
	f->rtt_us = get_u32(tb[TCPFSM_A_FLOW_RTT_US]);
	f->invalid = get_u32(tb[TCPFSM_A_FLOW_INVALID]);
	f->acct = tb[TCPFSM_A_FLOW_CLIENT_PACKETS] != NULL;
	f->packets[0] = get_u64(tb[TCPFSM_A_FLOW_CLIENT_PACKETS]);
	f->bytes[0] = get_u64(tb[TCPFSM_A_FLOW_CLIENT_BYTES]);
	f->packets[1] = get_u64(tb[TCPFSM_A_FLOW_SERVER_PACKETS]);
	f->bytes[1] = get_u64(tb[TCPFSM_A_FLOW_SERVER_BYTES]);
	f->gen = get_u64(tb[TCPFSM_A_FLOW_GEN]);
}

static void fmt_addr(const struct tuple *t, int side, char *buf, size_t len)
{
	inet_ntop(t->family == AF_INET ? AF_INET : AF_INET6, t->addr[side], buf, len);
}

/* "10.0.0.1:80" or "[fe80::1]:80" */
static void fmt_endpoint(const struct tuple *t, int side, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	fmt_addr(t, side, a, sizeof(a));
	if (t->family == AF_INET)
		snprintf(buf, len, "%s:%u", a, t->port[side]);
	else
		snprintf(buf, len, "[%s]:%u", a, t->port[side]);
}

static void fmt_flags(uint32_t flags, char *buf, size_t len, const char *sep)
{
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < __TCPFSM_FLOW_FLAG_MAX; i++)
		if (flags & (1U << i))
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? sep : "", flow_flag_names[i]);
}

static void fmt_duration(uint64_t ms, char *buf, size_t len)
{
	if (ms < 10000)
		snprintf(buf, len, "%" PRIu64 "ms", ms);
	else if (ms < 600000)
		snprintf(buf, len, "%" PRIu64 "s", ms / 1000);
	else if (ms < 36000000)
		snprintf(buf, len, "%" PRIu64 "m", ms / 60000);
	else if (ms < 172800000)
		snprintf(buf, len, "%" PRIu64 "h", ms / 3600000);
	else
		snprintf(buf, len, "%" PRIu64 "d", ms / 86400000);
}

static void print_flow_json(FILE *o, const struct flow *f)
{
	char c[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN], fl[64];
	int i;

	fmt_addr(&f->t, 0, c, sizeof(c));
	fmt_addr(&f->t, 1, s, sizeof(s));
	fprintf(o, "{\"family\":\"%s\",\"client\":\"%s\",\"client_port\":%u,"
		"\"server\":\"%s\",\"server_port\":%u,"
		"\"client_state\":\"%s\",\"server_state\":\"%s\",\"flags\":[",
		f->t.family == AF_INET ? "ipv4" : "ipv6", c, f->t.port[0], s, f->t.port[1],
		state_name(f->state[0]), state_name(f->state[1]));
	fl[0] = 0;
	for (i = 0; i < __TCPFSM_FLOW_FLAG_MAX; i++)
		if (f->flags & (1U << i))
			fprintf(o, "%s\"%s\"", fl[0]++ ? "," : "", flow_flag_names[i]);
	fprintf(o, "],\"age_ms\":%u,\"idle_ms\":%u,\"client_in_state_ms\":%u,"
		"\"server_in_state_ms\":%u,\"rtt_us\":%u,\"invalid\":%u,",
		f->age_ms, f->idle_ms, f->in_state_ms[0], f->in_state_ms[1], f->rtt_us,
		f->invalid);
	/* No counters without acct=1: their keys are left out. */
	if (f->acct)
		fprintf(o, "\"client_packets\":%" PRIu64 ",\"client_bytes\":%" PRIu64 ","
			"\"server_packets\":%" PRIu64 ",\"server_bytes\":%" PRIu64 ",",
			f->packets[0], f->bytes[0], f->packets[1], f->bytes[1]);
	fprintf(o, "\"gen\":%" PRIu64 "}", f->gen);
}

static void print_table_header(void)
{
	printf("%-5s %-47s %-47s %-12s %-12s %6s %6s %8s %-17s %-17s %s\n",
	       "PROTO", "CLIENT", "SERVER", "CLIENT-STATE", "SERVER-STATE", "AGE", "IDLE",
	       "RTT", "C>S PKTS/BYTES", "S>C PKTS/BYTES", "FLAGS");
}

static void print_flow_row(const struct flow *f)
{
	char c[64], s[64], age[16], idle[16], rtt[16], cs[32], sc[32], fl[64];

	fmt_endpoint(&f->t, 0, c, sizeof(c));
	fmt_endpoint(&f->t, 1, s, sizeof(s));
	fmt_duration(f->age_ms, age, sizeof(age));
	fmt_duration(f->idle_ms, idle, sizeof(idle));
	if (f->rtt_us)
		snprintf(rtt, sizeof(rtt), "%.3fms", f->rtt_us / 1000.0);
	else
		snprintf(rtt, sizeof(rtt), "-");
	if (f->acct) {
		snprintf(cs, sizeof(cs), "%" PRIu64 "/%" PRIu64, f->packets[0], f->bytes[0]);
		snprintf(sc, sizeof(sc), "%" PRIu64 "/%" PRIu64, f->packets[1], f->bytes[1]);
	} else {
		snprintf(cs, sizeof(cs), "-");
		snprintf(sc, sizeof(sc), "-");
	}
	fmt_flags(f->flags, fl, sizeof(fl), ",");
	printf("%-5s %-47s %-47s %-12s %-12s %6s %6s %8s %-17s %-17s %s\n",
	       f->t.family == AF_INET ? "tcp" : "tcp6", c, s, state_name(f->state[0]),
	       state_name(f->state[1]), age, idle, rtt, cs, sc, fl[0] ? fl : "-");
}

/* ---- filters ---- */

struct prefix {
	uint8_t family;			/* 0: none */
	uint8_t addr[16];
	uint8_t len;
};

struct filter {
	uint32_t state_mask, cstate_mask, sstate_mask;
	int cport, sport;		/* -1: none */
	uint8_t family;
	struct prefix prefix[2];
};

static uint32_t parse_state_list(const char *arg, const char *opt)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	uint32_t mask = 0;

	if (!copy)
		die(1, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int st = parse_state(tok);

		if (st < 0)
			die(EXIT_USAGE, "bad filter: %s: unknown state '%s' (LISTEN, SYN-SENT, "
			    "SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, "
			    "CLOSING, LAST-ACK, TIME-WAIT, CLOSED)", opt, tok);
		mask |= 1U << st;
	}
	free(copy);
	if (!mask)
		die(EXIT_USAGE, "bad filter: %s: no state given", opt);
	return mask;
}

static int parse_port(const char *arg, const char *what)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 0 || v > 65535)
		die(EXIT_USAGE, "bad filter: %s: '%s' is not a port (0-65535)", what, arg);
	return (int)v;
}

static void parse_prefix(const char *arg, struct prefix *p, const char *opt)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned int max;

	if (strlen(arg) >= sizeof(buf))
		die(EXIT_USAGE, "bad filter: %s: '%s' is too long", opt, arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, p->addr) == 1)
		p->family = AF_INET6;
	else
		die(EXIT_USAGE, "bad filter: %s: '%s' is not an IPv4 or IPv6 address", opt, buf);
	max = p->family == AF_INET ? 32 : 128;
	p->len = max;
	if (slash) {
		char *end;
		long v = strtol(slash, &end, 10);

		if (!*slash || *end || v < 0 || v > (long)max)
			die(EXIT_USAGE, "bad filter: %s: prefix length '%s' not in 0-%u", opt,
			    slash, max);
		p->len = (uint8_t)v;
	}
}

static bool prefix_match(const struct prefix *p, const struct tuple *t, int side)
{
	unsigned int bytes, bits;

	if (!p->family)
		return true;
	if (p->family != t->family)
		return false;
	bytes = p->len / 8;
	bits = p->len % 8;
	if (memcmp(p->addr, t->addr[side], bytes))
		return false;
	if (bits) {
		uint8_t m = (uint8_t)(0xff << (8 - bits));

		if ((p->addr[bytes] ^ t->addr[side][bytes]) & m)
			return false;
	}
	return true;
}

static bool filter_match(const struct filter *f, const struct flow *fl)
{
	uint32_t cs = 1U << fl->state[0], ss = 1U << fl->state[1];

	if (f->state_mask && !((cs | ss) & f->state_mask))
		return false;
	if (f->cstate_mask && !(cs & f->cstate_mask))
		return false;
	if (f->sstate_mask && !(ss & f->sstate_mask))
		return false;
	if (f->family && f->family != fl->t.family)
		return false;
	if (f->cport >= 0 && f->cport != fl->t.port[0])
		return false;
	if (f->sport >= 0 && f->sport != fl->t.port[1])
		return false;
	return prefix_match(&f->prefix[0], &fl->t, 0) && prefix_match(&f->prefix[1], &fl->t, 1);
}

static void put_prefix(struct nlmsghdr *nlh, int type, const struct prefix *p)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u8(nlh, TCPFSM_A_PREFIX_FAMILY, p->family);
	mnl_attr_put(nlh, TCPFSM_A_PREFIX_ADDR, p->family == AF_INET ? 4 : 16, p->addr);
	mnl_attr_put_u8(nlh, TCPFSM_A_PREFIX_LEN, p->len);
	mnl_attr_nest_end(nlh, n);
}

static void put_filter(struct nlmsghdr *nlh, const struct filter *f)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, TCPFSM_A_FILTER);

	if (f->state_mask)
		mnl_attr_put_u32(nlh, TCPFSM_A_FILTER_STATE_MASK, f->state_mask);
	if (f->cstate_mask)
		mnl_attr_put_u32(nlh, TCPFSM_A_FILTER_CLIENT_STATE_MASK, f->cstate_mask);
	if (f->sstate_mask)
		mnl_attr_put_u32(nlh, TCPFSM_A_FILTER_SERVER_STATE_MASK, f->sstate_mask);
	if (f->cport >= 0)
		mnl_attr_put_u16(nlh, TCPFSM_A_FILTER_CLIENT_PORT, htons((uint16_t)f->cport));
	if (f->sport >= 0)
		mnl_attr_put_u16(nlh, TCPFSM_A_FILTER_SERVER_PORT, htons((uint16_t)f->sport));
	if (f->family)
		mnl_attr_put_u8(nlh, TCPFSM_A_FILTER_FAMILY, f->family);
	if (f->prefix[0].family)
		put_prefix(nlh, TCPFSM_A_FILTER_CLIENT_PREFIX, &f->prefix[0]);
	if (f->prefix[1].family)
		put_prefix(nlh, TCPFSM_A_FILTER_SERVER_PREFIX, &f->prefix[1]);
	mnl_attr_nest_end(nlh, n);
}

/* ---- options ---- */

enum {
	OPT_STATE = 256, OPT_CSTATE, OPT_SSTATE, OPT_SPORT, OPT_DPORT, OPT_SRC, OPT_DST,
	OPT_JSON, OPT_GROUPS, OPT_RCVBUF, OPT_DELAY, OPT_INITIAL, OPT_HELP,
};

static const struct option long_opts[] = {
	{ "state", required_argument, NULL, OPT_STATE },
	{ "client-state", required_argument, NULL, OPT_CSTATE },
	{ "server-state", required_argument, NULL, OPT_SSTATE },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "groups", required_argument, NULL, OPT_GROUPS },
	{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
	{ "read-delay-ms", required_argument, NULL, OPT_DELAY },
	{ "initial", no_argument, NULL, OPT_INITIAL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	struct filter f;
	bool json, initial;
	unsigned int groups;		/* BIT(GRP_*) */
	int rcvbuf;
	int delay_ms;
	int argc;
	char **argv;			/* what is left after the options */
};

static void usage(FILE *o)
{
	fprintf(o,
		"usage: tcpfsm list   [FILTER...] [--json]\n"
		"       tcpfsm watch  [FILTER...] [--json] [--groups new,change,destroy] [--initial]\n"
		"       tcpfsm stats  [--json]\n"
		"       tcpfsm config [--json] [KEY=VALUE...]\n"
		"       tcpfsm get    CLIENT-ADDR:PORT SERVER-ADDR:PORT [--json]\n"
		"       tcpfsm --version\n"
		"FILTER: --state S[,S..] --client-state S[,S..] --server-state S[,S..]\n"
		"        --sport PORT --dport PORT --src PREFIX --dst PREFIX -4 -6\n"
		"KEY: timeout_<state> (seconds), max_flows, netns_max_flows, pickup (0|1)\n"
		"See tcpfsm(8).\n");
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->f.cport = o->f.sport = -1;
	o->groups = (1U << NGRP) - 1;
	o->delay_ms = 0;
	while ((c = getopt_long(argc, argv, "46jh", long_opts, NULL)) != -1) {
		switch (c) {
		case '4':
			o->f.family = AF_INET;
			break;
		case '6':
			o->f.family = AF_INET6;
			break;
		case OPT_STATE:
			o->f.state_mask = parse_state_list(optarg, "--state");
			break;
		case OPT_CSTATE:
			o->f.cstate_mask = parse_state_list(optarg, "--client-state");
			break;
		case OPT_SSTATE:
			o->f.sstate_mask = parse_state_list(optarg, "--server-state");
			break;
		case OPT_SPORT:
			o->f.cport = parse_port(optarg, "--sport");
			break;
		case OPT_DPORT:
			o->f.sport = parse_port(optarg, "--dport");
			break;
		case OPT_SRC:
			parse_prefix(optarg, &o->f.prefix[0], "--src");
			break;
		case OPT_DST:
			parse_prefix(optarg, &o->f.prefix[1], "--dst");
			break;
		case 'j':
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_GROUPS: {
			char *copy = strdup(optarg), *tok, *save = NULL;
			int i;

			o->groups = 0;
			for (tok = strtok_r(copy, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				for (i = 0; i < NGRP; i++)
					if (!strcmp(tok, group_names[i]))
						break;
				if (i == NGRP)
					die(EXIT_USAGE, "bad option: --groups: unknown group '%s' "
					    "(new, change, destroy)", tok);
				o->groups |= 1U << i;
			}
			free(copy);
			if (!o->groups)
				die(EXIT_USAGE, "bad option: --groups: no group given");
			break;
		}
		case OPT_RCVBUF:
			o->rcvbuf = atoi(optarg);
			break;
		case OPT_DELAY:
			o->delay_ms = atoi(optarg);
			break;
		case OPT_INITIAL:
			o->initial = true;
			break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
	for (c = 0; c < 2; c++)
		if (o->f.family && o->f.prefix[c].family && o->f.prefix[c].family != o->f.family)
			die(EXIT_USAGE, "bad filter: --%s is not an %s address", c ? "dst" : "src",
			    o->f.family == AF_INET ? "IPv4" : "IPv6");
	o->argc = argc - optind;
	o->argv = argv + optind;
}

/* ---- list ---- */

struct dump_hdr {
	bool seen, full;
	uint64_t gen;
	uint32_t seq[NGRP];
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
}

struct list_ctx {
	const struct opts *o;
	unsigned int n;
	struct flow *flows;
	size_t cap;
};

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *lc = data;
	const struct nlattr *tb[TCPFSM_A_MAX + 1];

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_FLOW])
		return 0;
	if (lc->n == lc->cap) {
		lc->cap = lc->cap ? 2 * lc->cap : 256;
		lc->flows = realloc(lc->flows, lc->cap * sizeof(*lc->flows));
		if (!lc->flows)
			die(1, "out of memory");
	}
	parse_flow(tb[TCPFSM_A_FLOW], &lc->flows[lc->n++]);
	return 0;
}

static int cmd_list(struct nl *nl, const struct opts *o)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct list_ctx lc = { .o = o };
	struct nlmsghdr *nlh;
	unsigned int i, tries;
	int err;

	if (o->argc)
		die(EXIT_USAGE, "list: unexpected argument '%s'", o->argv[0]);
	/* A destroy between two batches can make a dump skip or repeat a flow:
	 * the kernel says so with NLM_F_DUMP_INTR, and we ask again.
	 */
	for (tries = 0; tries < 5; tries++) {
		lc.n = 0;
		nlh = genl_msg(buf, nl->family, TCPFSM_CMD_FLOW_GET, NLM_F_DUMP);
		put_filter(nlh, &o->f);
		err = nl_talk(nl, nlh, list_cb, &lc);
		if (err)
			nl_fail(nl, err, "list");
		if (!nl->dump_intr)
			break;
	}
	if (nl->dump_intr)
		fprintf(stderr, "%s: note: the table kept changing during the dump; "
			"a flow may be missing or shown twice\n", prog);
	if (o->json) {
		printf("[");
		for (i = 0; i < lc.n; i++) {
			printf(i ? ",\n" : "\n");
			print_flow_json(stdout, &lc.flows[i]);
		}
		printf("%s]\n", lc.n ? "\n" : "");
	} else {
		print_table_header();
		for (i = 0; i < lc.n; i++)
			print_flow_row(&lc.flows[i]);
	}
	free(lc.flows);
	return 0;
}

/* ---- get ---- */

static void parse_hostport(const char *arg, uint8_t *family, uint8_t *addr, uint16_t *port)
{
	char buf[INET6_ADDRSTRLEN + 16], *p, *host = buf;
	char *end;
	long v;

	if (strlen(arg) >= sizeof(buf))
		die(EXIT_USAGE, "bad address: '%s'", arg);
	strcpy(buf, arg);
	p = strrchr(buf, ':');
	if (!p)
		die(EXIT_USAGE, "bad address: '%s' (want ADDR:PORT or [ADDR6]:PORT)", arg);
	*p++ = 0;
	if (*host == '[') {
		host++;
		if (!*host || host[strlen(host) - 1] != ']')
			die(EXIT_USAGE, "bad address: '%s'", arg);
		host[strlen(host) - 1] = 0;
	}
	v = strtol(p, &end, 10);
	if (!*p || *end || v < 0 || v > 65535)
		die(EXIT_USAGE, "bad address: '%s': bad port", arg);
	*port = (uint16_t)v;
	if (inet_pton(AF_INET, host, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		*family = AF_INET6;
	else
		die(EXIT_USAGE, "bad address: '%s'", arg);
}

static int cmd_get(struct nl *nl, const struct opts *o)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct list_ctx lc = { .o = o };
	struct nlmsghdr *nlh;
	struct nlattr *n;
	struct tuple t;
	uint8_t fam2;
	int err;

	if (o->argc != 2)
		die(EXIT_USAGE, "get: want CLIENT-ADDR:PORT SERVER-ADDR:PORT");
	memset(&t, 0, sizeof(t));
	parse_hostport(o->argv[0], &t.family, t.addr[0], &t.port[0]);
	parse_hostport(o->argv[1], &fam2, t.addr[1], &t.port[1]);
	if (fam2 != t.family)
		die(EXIT_USAGE, "get: both addresses must be of one family");
	nlh = genl_msg(buf, nl->family, TCPFSM_CMD_FLOW_GET, 0);
	n = mnl_attr_nest_start(nlh, TCPFSM_A_TUPLE);
	mnl_attr_put_u8(nlh, TCPFSM_A_TUPLE_FAMILY, t.family);
	mnl_attr_put(nlh, TCPFSM_A_TUPLE_CLIENT_ADDR, t.family == AF_INET ? 4 : 16, t.addr[0]);
	mnl_attr_put(nlh, TCPFSM_A_TUPLE_SERVER_ADDR, t.family == AF_INET ? 4 : 16, t.addr[1]);
	mnl_attr_put_u16(nlh, TCPFSM_A_TUPLE_CLIENT_PORT, htons(t.port[0]));
	mnl_attr_put_u16(nlh, TCPFSM_A_TUPLE_SERVER_PORT, htons(t.port[1]));
	mnl_attr_nest_end(nlh, n);
	err = nl_talk(nl, nlh, list_cb, &lc);
	if (err == -ENOENT)
		die(1, "no such flow: %s %s", o->argv[0], o->argv[1]);
	if (err)
		nl_fail(nl, err, "get");
	if (!lc.n)
		die(1, "no reply");
	if (o->json) {
		print_flow_json(stdout, &lc.flows[0]);
		printf("\n");
	} else {
		print_table_header();
		print_flow_row(&lc.flows[0]);
	}
	free(lc.flows);
	return 0;
}

/* ---- stats ---- */

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1], *st[TCPFSM_A_STATS_MAX + 1];
	const struct nlattr *inv[__TCPFSM_REASON_MAX];
	const struct opts *o = data;
	static const struct { int attr; const char *name; bool is64; } fields[] = {
		{ TCPFSM_A_STATS_FLOWS, "flows", false },
		{ TCPFSM_A_STATS_FLOWS_TOTAL, "flows_total", false },
		{ TCPFSM_A_STATS_MAX_FLOWS, "max_flows", false },
		{ TCPFSM_A_STATS_FLOW_BYTES, "flow_bytes", false },
		{ TCPFSM_A_STATS_FLOW6_BYTES, "flow6_bytes", false },
		{ TCPFSM_A_STATS_SEGMENTS, "segments", true },
		{ TCPFSM_A_STATS_CREATED, "created", true },
		{ TCPFSM_A_STATS_EXPIRED, "expired", true },
		{ TCPFSM_A_STATS_CLOSED, "closed", true },
		{ TCPFSM_A_STATS_EVICTED, "evicted", true },
		{ TCPFSM_A_STATS_NOT_TRACKED, "not_tracked", true },
		{ TCPFSM_A_STATS_TRUNCATED, "truncated", true },
		{ TCPFSM_A_STATS_FRAGMENTS, "fragments", true },
		{ TCPFSM_A_STATS_EVENTS_LOST, "events_lost", true },
	};
	unsigned int i;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_STATS])
		return 0;
	index_nest(tb[TCPFSM_A_STATS], st, TCPFSM_A_STATS_MAX);
	memset(inv, 0, sizeof(inv));
	if (st[TCPFSM_A_STATS_INVALID])
		index_nest(st[TCPFSM_A_STATS_INVALID], inv, __TCPFSM_REASON_MAX - 1);
	if (o->json)
		printf("{");
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct nlattr *a = st[fields[i].attr];
		uint64_t v = fields[i].is64 ? get_u64(a) : get_u32(a);

		if (o->json)
			printf("%s\"%s\":%" PRIu64, i ? "," : "", fields[i].name, v);
		else
			printf("%-24s %" PRIu64 "\n", fields[i].name, v);
	}
	if (o->json)
		printf(",\"invalid\":{");
	for (i = 1; i < __TCPFSM_REASON_MAX; i++) {
		if (o->json)
			printf("%s\"%s\":%" PRIu64, i > 1 ? "," : "", reason_keys[i],
			       get_u64(inv[i]));
		else
			printf("invalid_%-16s %" PRIu64 "\n", reason_keys[i], get_u64(inv[i]));
	}
	if (o->json)
		printf("}}\n");
	return 0;
}

static int cmd_stats(struct nl *nl, const struct opts *o)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int err;

	if (o->argc)
		die(EXIT_USAGE, "stats: unexpected argument '%s'", o->argv[0]);
	nlh = genl_msg(buf, nl->family, TCPFSM_CMD_STATS_GET, 0);
	err = nl_talk(nl, nlh, stats_cb, (void *)o);
	if (err)
		nl_fail(nl, err, "stats");
	return 0;
}

/* ---- config ---- */

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1], *c[TCPFSM_A_CONFIG_MAX + 1];
	const struct nlattr *to[__TCPFSM_STATE_MAX];
	const struct opts *o = data;
	unsigned int s, n = 0;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_CONFIG])
		return 0;
	index_nest(tb[TCPFSM_A_CONFIG], c, TCPFSM_A_CONFIG_MAX);
	memset(to, 0, sizeof(to));
	if (c[TCPFSM_A_CONFIG_TIMEOUT])
		index_nest(c[TCPFSM_A_CONFIG_TIMEOUT], to, TCPFSM_STATE_MAX);
	if (o->json)
		printf("{");
	/* In the order of a connection's life, as in the man page. */
	static const uint8_t order[] = {
		TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_SYN_RECEIVED, TCPFSM_STATE_LISTEN,
		TCPFSM_STATE_ESTABLISHED, TCPFSM_STATE_FIN_WAIT_1, TCPFSM_STATE_FIN_WAIT_2,
		TCPFSM_STATE_CLOSE_WAIT, TCPFSM_STATE_CLOSING, TCPFSM_STATE_LAST_ACK,
		TCPFSM_STATE_TIME_WAIT, TCPFSM_STATE_CLOSED,
	};
	for (s = 0; s < sizeof(order); s++) {
		uint32_t v = get_u32(to[order[s]]);

		if (o->json)
			printf("%s\"timeout_%s\":%u", n++ ? "," : "", state_keys[order[s]], v);
		else
			printf("timeout_%-14s %u\n", state_keys[order[s]], v);
	}
	if (o->json)
		printf(",\"max_flows\":%u,\"netns_max_flows\":%u,\"pickup\":%u}\n",
		       get_u32(c[TCPFSM_A_CONFIG_MAX_FLOWS]),
		       get_u32(c[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS]),
		       get_u8(c[TCPFSM_A_CONFIG_PICKUP]));
	else
		printf("%-22s %u\n%-22s %u\n%-22s %u\n",
		       "max_flows", get_u32(c[TCPFSM_A_CONFIG_MAX_FLOWS]),
		       "netns_max_flows", get_u32(c[TCPFSM_A_CONFIG_NETNS_MAX_FLOWS]),
		       "pickup", get_u8(c[TCPFSM_A_CONFIG_PICKUP]));
	return 0;
}

static uint32_t parse_u32_value(const char *key, const char *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 0);
	if (!*v || *end || errno || x > UINT32_MAX || *v == '-')
		die(EXIT_USAGE, "bad value for %s: '%s'", key, v);
	return (uint32_t)x;
}

static int cmd_config(struct nl *nl, const struct opts *o)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest, *to = NULL;
	int i, err, s;
	bool max_flows = false;

	if (o->argc) {
		nlh = genl_msg(buf, nl->family, TCPFSM_CMD_CONFIG_SET, 0);
		nest = mnl_attr_nest_start(nlh, TCPFSM_A_CONFIG);
		/* Timeouts first, in one nest. */
		for (i = 0; i < o->argc; i++) {
			char *eq = strchr(o->argv[i], '=');
			char key[64];

			if (!eq || eq == o->argv[i] || (size_t)(eq - o->argv[i]) >= sizeof(key))
				die(EXIT_USAGE, "bad setting '%s': want KEY=VALUE", o->argv[i]);
			memcpy(key, o->argv[i], eq - o->argv[i]);
			key[eq - o->argv[i]] = 0;
			if (strncmp(key, "timeout_", 8))
				continue;
			for (s = 1; s < __TCPFSM_STATE_MAX; s++)
				if (!strcmp(key + 8, state_keys[s]))
					break;
			if (s == __TCPFSM_STATE_MAX)
				die(EXIT_USAGE, "unknown setting '%s' (timeout_<state>, max_flows, "
				    "netns_max_flows, pickup)", key);
			if (!to)
				to = mnl_attr_nest_start(nlh, TCPFSM_A_CONFIG_TIMEOUT);
			mnl_attr_put_u32(nlh, s, parse_u32_value(key, eq + 1));
		}
		if (to)
			mnl_attr_nest_end(nlh, to);
		for (i = 0; i < o->argc; i++) {
			char *eq = strchr(o->argv[i], '=');
			const char *key = o->argv[i];
			size_t kl = eq - key;

			if (kl == 9 && !strncmp(key, "max_flows", 9)) {
				mnl_attr_put_u32(nlh, TCPFSM_A_CONFIG_MAX_FLOWS,
						 parse_u32_value("max_flows", eq + 1));
				max_flows = true;
			} else if (kl == 15 && !strncmp(key, "netns_max_flows", 15)) {
				mnl_attr_put_u32(nlh, TCPFSM_A_CONFIG_NETNS_MAX_FLOWS,
						 parse_u32_value("netns_max_flows", eq + 1));
			} else if (kl == 6 && !strncmp(key, "pickup", 6)) {
				const char *v = eq + 1;
				uint8_t p;

				if (!strcmp(v, "1") || !strcasecmp(v, "on") || !strcasecmp(v, "yes"))
					p = 1;
				else if (!strcmp(v, "0") || !strcasecmp(v, "off") ||
					 !strcasecmp(v, "no"))
					p = 0;
				else
					die(EXIT_USAGE, "bad value for pickup: '%s' (0 or 1)", v);
				mnl_attr_put_u8(nlh, TCPFSM_A_CONFIG_PICKUP, p);
			} else if (strncmp(key, "timeout_", 8)) {
				die(EXIT_USAGE, "unknown setting '%.*s' (timeout_<state>, max_flows, "
				    "netns_max_flows, pickup)", (int)kl, key);
			}
		}
		mnl_attr_nest_end(nlh, nest);
		err = nl_talk(nl, nlh, NULL, NULL);
		if (err == -EPERM && nl->extack[0] && strstr(nl->extack, "initial"))
			die(EXIT_PERM, "permission denied: %s (kernel: %s)",
			    max_flows ? "max_flows is global and needs CAP_NET_ADMIN in the "
			    "initial namespace" : "the host's bounds need CAP_NET_ADMIN in the "
			    "initial namespace", nl->extack);
		if (err == -EPERM || err == -EACCES)
			die(EXIT_PERM, "permission denied: config changes need CAP_NET_ADMIN%s%s%s",
			    nl->extack[0] ? " (kernel: " : "", nl->extack, nl->extack[0] ? ")" : "");
		if (err)
			nl_fail(nl, err, "config");
	}
	nlh = genl_msg(buf, nl->family, TCPFSM_CMD_CONFIG_GET, 0);
	err = nl_talk(nl, nlh, config_cb, (void *)o);
	if (err)
		nl_fail(nl, err, "config");
	return 0;
}

/* ---- watch ---- */

/*
 * The watcher keeps a view of the table: a full dump at the start, then
 * events.  Each group's events carry a sequence number; a gap is the exact
 * number lost.  On a gap (or ENOBUFS) it dumps what changed since shortly
 * before the last generation it applied, plus tombstones of flows destroyed
 * since; the kernel sends the whole table instead when its destroy ring no
 * longer reaches back that far.  The dump's first message says which
 * sequence numbers it covers, so events already in it are not applied twice.
 */

/* Events of different flows may get their generation and their sequence
 * number in different orders on different CPUs; start a repair this many
 * generations early to cover them.
 */
#define RESYNC_SLACK	1024

struct vflow {
	struct flow f;
	struct vflow *next;
	bool mark;
};

#define VBUCKETS	4096

static struct vflow *view[VBUCKETS];
static unsigned int view_n;

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

struct watch {
	struct nl *nl;			/* requests */
	struct mnl_socket *ev;		/* events */
	const struct opts *o;
	uint32_t next[NGRP];		/* next sequence number expected, 0: unknown */
	uint32_t covered[NGRP];		/* events up to this are in the last dump */
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

static volatile sig_atomic_t got_usr1, got_usr2, got_term;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGUSR2)
		got_usr2 = 1;
	else
		got_term = 1;
}

static void print_time(bool json)
{
	struct timespec ts;
	struct tm tm;
	char b[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	if (json) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		printf("{\"time\":\"%s.%03ldZ\"", b, ts.tv_nsec / 1000000);
	} else {
		localtime_r(&ts.tv_sec, &tm);
		strftime(b, sizeof(b), "%H:%M:%S", &tm);
		printf("%s.%03ld", b, ts.tv_nsec / 1000000);
	}
}

static void fmt_seg_flags(uint8_t fl, char *buf, size_t len, const char *sep)
{
	static const char *const names[8] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG",
					       "ECE", "CWR" };
	/* Printed in the usual order: SYN before ACK, and so on. */
	static const int order[8] = { 1, 0, 2, 3, 4, 5, 6, 7 };
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < 8; i++)
		if (fl & (1U << order[i]))
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? sep : "",
				      names[order[i]]);
}

struct event {
	uint8_t cmd;
	uint32_t seq;
	uint64_t gen;
	uint8_t endpoint, old_state, new_state, seg_flags, seg_dir, reason;
	uint32_t old_state_ms;
	bool has_seg;
	struct flow f;
};

static const char *event_name(uint8_t cmd)
{
	switch (cmd) {
	case TCPFSM_CMD_FLOW_NEW:
		return "new";
	case TCPFSM_CMD_FLOW_CHANGE:
		return "change";
	case TCPFSM_CMD_FLOW_DESTROY:
		return "destroy";
	}
	return "?";
}

static void print_event(const struct watch *w, const struct event *e)
{
	char c[64], s[64], fl[48];
	const char *from = e->seg_dir ? "server" : "client";

	fmt_endpoint(&e->f.t, 0, c, sizeof(c));
	fmt_endpoint(&e->f.t, 1, s, sizeof(s));
	if (w->o->json) {
		print_time(true);
		printf(",\"event\":\"%s\",\"seq\":%u,\"gen\":%" PRIu64, event_name(e->cmd), e->seq,
		       e->gen);
		if (e->cmd == TCPFSM_CMD_FLOW_CHANGE)
			printf(",\"endpoint\":\"%s\",\"old_state\":\"%s\",\"new_state\":\"%s\","
			       "\"old_state_ms\":%u", e->endpoint ? "server" : "client",
			       state_name(e->old_state), state_name(e->new_state), e->old_state_ms);
		if (e->cmd == TCPFSM_CMD_FLOW_DESTROY)
			printf(",\"reason\":\"%s\"", destroy_name(e->reason));
		fmt_seg_flags(e->seg_flags, fl, sizeof(fl), "\",\"");
		printf(",\"seg_flags\":[%s%s%s],\"seg_from\":\"%s\",\"flow\":",
		       fl[0] ? "\"" : "", fl, fl[0] ? "\"" : "", e->seg_flags ? from : "timer");
		print_flow_json(stdout, &e->f);
		printf("}\n");
	} else {
		print_time(false);
		printf(" %-7s %-4s %s -> %s", event_name(e->cmd),
		       e->f.t.family == AF_INET ? "tcp" : "tcp6", c, s);
		if (e->cmd == TCPFSM_CMD_FLOW_CHANGE) {
			char d[16];

			fmt_duration(e->old_state_ms, d, sizeof(d));
			printf(" %s %s -> %s", e->endpoint ? "server" : "client",
			       state_name(e->old_state), state_name(e->new_state));
			fmt_seg_flags(e->seg_flags, fl, sizeof(fl), "+");
			if (e->seg_flags)
				printf(" on %s from %s after %s", fl, from, d);
			else
				printf(" on timer after %s", d);
		} else if (e->cmd == TCPFSM_CMD_FLOW_NEW) {
			fmt_seg_flags(e->seg_flags, fl, sizeof(fl), "+");
			printf(" client %s server %s on %s from %s", state_name(e->f.state[0]),
			       state_name(e->f.state[1]), fl[0] ? fl : "-", from);
		} else {
			printf(" reason %s (client %s server %s)", destroy_name(e->reason),
			       state_name(e->f.state[0]), state_name(e->f.state[1]));
		}
		printf("\n");
	}
	fflush(stdout);
}

/* A line for a flow the repair added, changed or removed. */
static void print_sync(const struct watch *w, const char *what, const struct flow *f,
		       int reason)
{
	char c[64], s[64];

	if (!w->print_sync || !filter_match(&w->o->f, f))
		return;
	if (w->o->json) {
		print_time(true);
		printf(",\"event\":\"%s\"", what);
		if (reason >= 0)
			printf(",\"reason\":\"%s\"", destroy_name(reason));
		printf(",\"flow\":");
		print_flow_json(stdout, f);
		printf("}\n");
	} else {
		fmt_endpoint(&f->t, 0, c, sizeof(c));
		fmt_endpoint(&f->t, 1, s, sizeof(s));
		print_time(false);
		printf(" %-7s %-4s %s -> %s client %s server %s", what,
		       f->t.family == AF_INET ? "tcp" : "tcp6", c, s, state_name(f->state[0]),
		       state_name(f->state[1]));
		if (reason >= 0)
			printf(" reason %s", destroy_name(reason));
		printf("\n");
	}
	fflush(stdout);
}

static void print_view(const struct watch *w)
{
	unsigned int i, n = 0;
	struct vflow *v;

	for (i = 0; i < VBUCKETS; i++) {
		for (v = view[i]; v; v = v->next) {
			if (!filter_match(&w->o->f, &v->f))
				continue;
			n++;
			if (w->o->json) {
				printf("{\"event\":\"view\",\"flow\":");
				print_flow_json(stdout, &v->f);
				printf("}\n");
			} else {
				print_flow_row(&v->f);
			}
		}
	}
	if (w->o->json)
		printf("{\"event\":\"view-end\",\"flows\":%u,\"lost\":%" PRIu64 "}\n", n, w->lost);
	else
		printf("-- %u flows in view, %" PRIu64 " events lost so far\n", n, w->lost);
	fflush(stdout);
}

static void note_gen(struct watch *w, uint64_t gen)
{
	if (gen > w->max_gen)
		w->max_gen = gen;
}

struct sync_ctx {
	struct watch *w;
	struct dump_hdr hdr;
};

static int sync_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_ctx *sc = data;
	struct watch *w = sc->w;
	const struct nlattr *tb[TCPFSM_A_MAX + 1];
	struct vflow **pp;
	struct flow f;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (tb[TCPFSM_A_DUMP]) {
		unsigned int i;

		parse_dump_hdr(tb[TCPFSM_A_DUMP], &sc->hdr);
		if (sc->hdr.full) {
			/* Everything follows: mark, and sweep the unmarked after. */
			for (i = 0; i < VBUCKETS; i++) {
				struct vflow *v;

				for (v = view[i]; v; v = v->next)
					v->mark = true;
			}
		}
		note_gen(w, sc->hdr.gen);
		return 0;
	}
	if (tb[TCPFSM_A_TOMBSTONE]) {
		const struct nlattr *tt[TCPFSM_A_TOMB_MAX + 1];
		uint64_t gen;

		index_nest(tb[TCPFSM_A_TOMBSTONE], tt, TCPFSM_A_TOMB_MAX);
		memset(&f, 0, sizeof(f));
		parse_tuple(tt[TCPFSM_A_TOMB_TUPLE], &f.t);
		gen = get_u64(tt[TCPFSM_A_TOMB_GEN]);
		note_gen(w, gen);
		pp = view_find(&f.t);
		if (*pp && (*pp)->f.gen < gen) {
			print_sync(w, "resync-destroy", &(*pp)->f, get_u8(tt[TCPFSM_A_TOMB_REASON]));
			view_del(pp);
			w->del++;
		}
		return 0;
	}
	if (!tb[TCPFSM_A_FLOW])
		return 0;
	parse_flow(tb[TCPFSM_A_FLOW], &f);
	note_gen(w, f.gen);
	pp = view_find(&f.t);
	if (*pp) {
		bool changed = (*pp)->f.state[0] != f.state[0] || (*pp)->f.state[1] != f.state[1];

		(*pp)->mark = false;
		if (f.gen < (*pp)->f.gen)
			return 0;
		(*pp)->f = f;
		if (changed) {
			print_sync(w, "resync", &f, -1);
			w->upd++;
		}
		return 0;
	}
	view_put(pp, &f);
	print_sync(w, "resync", &f, -1);
	w->upd++;
	return 0;
}

static void resync(struct watch *w, bool initial)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct sync_ctx sc = { .w = w };
	struct nlmsghdr *nlh;
	uint64_t since = 0;
	unsigned int i, tries = 0;
	int err, g;

again:
	w->upd = w->del = 0;
	nlh = genl_msg(buf, w->nl->family, TCPFSM_CMD_FLOW_GET, NLM_F_DUMP);
	if (!initial) {
		since = w->max_gen > RESYNC_SLACK ? w->max_gen - RESYNC_SLACK : 0;
		mnl_attr_put_u64(nlh, TCPFSM_A_SINCE_GEN, since);
	}
	w->print_sync = !initial || w->o->initial;
	memset(&sc.hdr, 0, sizeof(sc.hdr));
	err = nl_talk(w->nl, nlh, sync_cb, &sc);
	if (err)
		nl_fail(w->nl, err, "watch: dump");
	if (sc.hdr.full) {
		for (i = 0; i < VBUCKETS; i++) {
			struct vflow **pp = &view[i];

			while (*pp) {
				if ((*pp)->mark) {
					print_sync(w, "resync-destroy", &(*pp)->f, -1);
					view_del(pp);
					w->del++;
				} else {
					pp = &(*pp)->next;
				}
			}
		}
	}
	if (w->nl->dump_intr && ++tries < 5) {
		initial = false;
		goto again;
	}
	for (g = 0; g < NGRP; g++) {
		w->covered[g] = sc.hdr.seq[g];
		if (!w->next[g])
			w->next[g] = sc.hdr.seq[g] + 1;
	}
	w->synced = true;
	if (!initial)
		fprintf(stderr, "%s: resynchronised from %s: %u flows added or changed, "
			"%u removed, %u in view\n", prog,
			sc.hdr.full ? "a full dump" : "a since-generation dump",
			w->upd, w->del, view_n);
}

static int group_of(uint8_t cmd)
{
	switch (cmd) {
	case TCPFSM_CMD_FLOW_NEW:
		return GRP_NEW;
	case TCPFSM_CMD_FLOW_CHANGE:
		return GRP_CHANGE;
	case TCPFSM_CMD_FLOW_DESTROY:
		return GRP_DESTROY;
	}
	return -1;
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
}

/* Events next[g]..last of group g never arrived. */
static void report_lost(struct watch *w, int g, uint32_t last, const char *how)
{
	uint32_t n = last - w->next[g] + 1;

	w->lost += n;
	fprintf(stderr, "%s: lost %u %s events (sequence %u..%u%s), %" PRIu64 " lost in all\n",
		prog, n, group_names[g], w->next[g], last, how, w->lost);
	w->next[g] = last + 1;
}

/*
 * Our event queue is empty.  A gap shows a loss only when the group's next
 * event comes, which may be never (the destroy of a flow whose tuple a new
 * connection took, lost at the end of a burst).  The kernel numbers and
 * queues each event, and reads the numbers for a dump, under one lock: what
 * was numbered before our last dump and is not here now that the queue is
 * empty was lost, and the dump has shown its outcome.  After a loss we take
 * one more dump with the queue empty: emptying the queue ends the socket's
 * congestion, so a later loss raises ENOBUFS again, and every loss before the
 * dump is counted when the queue is next empty.
 */
static void settle(struct watch *w)
{
	int g;

	for (g = 0; g < NGRP; g++)
		if ((w->o->groups & (1U << g)) &&
		    (int32_t)(w->covered[g] - w->next[g]) >= 0)
			report_lost(w, g, w->covered[g], ", seen by a dump");
	if (w->loss == DUMPED) {
		w->loss = SETTLED;
	} else if (w->loss == LOST) {
		resync(w, false);
		w->loss = DUMPED;
	}
}

/* Returns true when the view needs a repair. */
static bool handle_event(struct watch *w, const struct nlmsghdr *nlh)
{
	struct vflow **pp;
	struct event e;
	bool need = false;
	int g;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)))
		return false;
	parse_event(nlh, &e);
	g = group_of(e.cmd);
	if (g < 0)
		return false;
	if (w->next[g] && e.seq != w->next[g]) {
		uint32_t gap = e.seq - w->next[g];

		if (gap < 0x80000000u) {
			report_lost(w, g, e.seq - 1, "");
			w->loss = LOST;
			/* Lost ones the last dump already covered need no repair. */
			if ((int32_t)(e.seq - 1 - w->covered[g]) > 0)
				need = true;
		} else {
			/* Older than expected: a duplicate, already applied. */
			return false;
		}
	}
	w->next[g] = e.seq + 1;
	if ((int32_t)(e.seq - w->covered[g]) <= 0)
		return need;	/* the dump already showed its outcome */

	note_gen(w, e.gen);
	pp = view_find(&e.f.t);
	if (e.cmd == TCPFSM_CMD_FLOW_DESTROY) {
		if (*pp && (*pp)->f.gen <= e.gen)
			view_del(pp);
	} else if (!*pp || (*pp)->f.gen <= e.gen) {
		view_put(pp, &e.f);
	}
	if (filter_match(&w->o->f, &e.f))
		print_event(w, &e);
	return need;
}

static int cmd_watch(struct nl *nl, const struct opts *o)
{
	static char buf[BUFSZ];
	struct watch w = { .nl = nl, .o = o };
	struct sigaction sa;
	int g, fd;

	if (o->argc)
		die(EXIT_USAGE, "watch: unexpected argument '%s'", o->argv[0]);
	w.ev = mnl_socket_open(NETLINK_GENERIC);
	if (!w.ev || mnl_socket_bind(w.ev, 0, MNL_SOCKET_AUTOPID) < 0)
		die(1, "netlink socket: %s", strerror(errno));
	fd = mnl_socket_get_fd(w.ev);
	/* Lets the kernel see, and count in events_lost, what we fail to take. */
	g = 1;
	mnl_socket_setsockopt(w.ev, NETLINK_BROADCAST_ERROR, &g, sizeof(g));
	if (o->rcvbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf, sizeof(o->rcvbuf)) < 0)
		die(1, "SO_RCVBUF: %s", strerror(errno));
	for (g = 0; g < NGRP; g++) {
		if (!(o->groups & (1U << g)))
			continue;
		if (!nl->grp[g])
			die(1, "the module has no multicast group '%s'", group_names[g]);
		if (mnl_socket_setsockopt(w.ev, NETLINK_ADD_MEMBERSHIP, &nl->grp[g],
					  sizeof(nl->grp[g])) < 0)
			die(1, "joining group '%s': %s", group_names[g], strerror(errno));
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: recv returns EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Subscribed first, so nothing falls between the dump and the events. */
	resync(&w, true);
	if (o->json)
		printf("{\"event\":\"ready\",\"flows\":%u,\"gen\":%" PRIu64 "}\n", view_n,
		       w.max_gen);
	else
		printf("-- watching, %u flows in the table\n", view_n);
	fflush(stdout);

	while (!got_term) {
		const struct nlmsghdr *m;
		bool need = false;
		ssize_t len;
		int rem;

		if (got_usr1) {
			got_usr1 = 0;
			print_view(&w);
		}
		if (got_usr2 == 1) {
			/* End of the test mode: full speed, default-sized buffer. */
			int sz = 212992;

			got_usr2 = 2;
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		}
		len = recv(fd, buf, sizeof(buf), w.loss != SETTLED ? MSG_DONTWAIT : 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				settle(&w);
				continue;
			}
			if (errno == ENOBUFS) {
				/* The gaps, or the dump once we have caught up,
				 * count what was lost and repair the view.
				 */
				fprintf(stderr, "%s: event socket overrun (ENOBUFS): events lost; "
					"the count follows from the sequence numbers\n", prog);
				w.loss = LOST;
				continue;
			}
			die(1, "receiving events: %s", strerror(errno));
		}
		rem = (int)len;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, rem);
		     m = mnl_nlmsg_next(m, &rem))
			if (m->nlmsg_type == nl->family)
				need |= handle_event(&w, m);
		if (need)
			resync(&w, false);
		if (o->delay_ms > 0 && !got_usr2) {
			struct timespec ts = { o->delay_ms / 1000, (o->delay_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	if (got_usr1)
		print_view(&w);
	mnl_socket_close(w.ev);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct nl nl;
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("tcpfsm %s\n", TCPFSM_VERSION);
		return 0;
	}
	parse_opts(argc - 1, argv + 1, &o);
	if (strcmp(cmd, "list") && strcmp(cmd, "watch") && strcmp(cmd, "stats") &&
	    strcmp(cmd, "config") && strcmp(cmd, "get")) {
		fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	nl_open(&nl);
	if (!strcmp(cmd, "list")) {
		/* Test knob: a slow reader, so a dump spans table changes. */
		nl.dump_delay_ms = o.delay_ms;
		if (o.rcvbuf > 0)
			setsockopt(mnl_socket_get_fd(nl.sock), SOL_SOCKET, SO_RCVBUF,
				   &o.rcvbuf, sizeof(o.rcvbuf));
		return cmd_list(&nl, &o);
	}
	if (!strcmp(cmd, "get"))
		return cmd_get(&nl, &o);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(&nl, &o);
	if (!strcmp(cmd, "config"))
		return cmd_config(&nl, &o);
	return cmd_watch(&nl, &o);
}
