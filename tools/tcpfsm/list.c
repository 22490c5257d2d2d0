// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm list: the flows that match the filters, filtered in the kernel.
 * tcpfsm get: one flow by its tuple.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common.h"
#include "filter.h"
#include "flow.h"
#include "netlink.h"
#include "subcommands.h"

/* A dump that kept being interrupted is printed after this many tries. */
#define LIST_TRIES	5

struct flows {
	struct flow *v;
	unsigned int n;
	size_t cap;
};

static int collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct flows *fl = data;
	const struct nlattr *tb[TCPFSM_A_MAX + 1];

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_FLOW])
		return 0;
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? 2 * fl->cap : 256;
		fl->v = realloc(fl->v, fl->cap * sizeof(*fl->v));
		if (!fl->v)
			die(1, "out of memory");
	}
	parse_flow(tb[TCPFSM_A_FLOW], &fl->v[fl->n]);
	parse_flow_netns(tb, &fl->v[fl->n++]);
	return 0;
}

/*
 * A table with its header, or a JSON array of flows, or (@one) the first
 * flow alone; @netns: with the NETNS column (all namespaces).
 */
static void print_flows(const struct flows *fl, bool json, bool one, bool netns)
{
	unsigned int i, n = one ? 1 : fl->n;
	struct json j;

	if (!json) {
		print_table_header_ns(netns);
		for (i = 0; i < n; i++)
			print_flow_row(&fl->v[i]);
		return;
	}
	json_init(&j, stdout);
	if (one) {
		flow_json(&j, NULL, &fl->v[0]);
		return;
	}
	json_array_lines(&j, NULL);
	for (i = 0; i < fl->n; i++)
		flow_json(&j, NULL, &fl->v[i]);
	json_end(&j);
}

int list_main(int argc, char **argv)
{
	static const struct option opts[] = {
		FILTER_OPTIONS,
		COMMON_OPTIONS,
		TEST_KNOB_OPTIONS,
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct test_knobs knobs = { 0 };
	struct flows fl = { 0 };
	struct nlmsghdr *nlh;
	struct filter f;
	unsigned int tries;
	bool json = false, all = false;
	struct nl nl;
	int c, err;

	filter_init(&f);
	while ((c = next_option(argc, argv, FILTER_SHORT COMMON_SHORT "A", opts)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'A')
			all = true;
		else if (!filter_option(&f, c, optarg))
			test_knob_option(&knobs, c, optarg);
	}
	filter_check(&f);
	nl_open(&nl);
	/* Test-only: a slow reader with a small buffer, so a dump spans table changes. */
	nl.dump_delay_ms = knobs.read_delay_ms;
	if (knobs.rcvbuf > 0)
		setsockopt(mnl_socket_get_fd(nl.sock), SOL_SOCKET, SO_RCVBUF, &knobs.rcvbuf,
			   sizeof(knobs.rcvbuf));
	if (optind < argc)
		die(EXIT_USAGE, "list: unexpected argument '%s'", argv[optind]);
	/* A destroy between two batches can make a dump skip or repeat a flow:
	 * the kernel says so with NLM_F_DUMP_INTR, and we ask again.
	 */
	for (tries = 0; tries < LIST_TRIES; tries++) {
		fl.n = 0;
		nlh = genl_msg(buf, nl.family, TCPFSM_CMD_FLOW_GET, NLM_F_DUMP);
		put_filter(nlh, &f);
		if (all)
			put_all_netns(nlh);
		err = nl_talk(&nl, nlh, collect_cb, &fl);
		if (err)
			nl_fail(&nl, err, all ? "list --all-namespaces" : "list");
		if (!nl.dump_intr)
			break;
	}
	if (nl.dump_intr)
		fprintf(stderr, "%s: note: the table kept changing during the dump; "
			"a flow may be missing or shown twice\n", PROG_NAME);
	print_flows(&fl, json, false, all);
	free(fl.v);
	return 0;
}

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

static void put_tuple(struct nlmsghdr *nlh, const struct tuple *t)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, TCPFSM_A_TUPLE);
	int alen = t->family == AF_INET ? 4 : 16;

	mnl_attr_put_u8(nlh, TCPFSM_A_TUPLE_FAMILY, t->family);
	mnl_attr_put(nlh, TCPFSM_A_TUPLE_CLIENT_ADDR, alen, t->addr[0]);
	mnl_attr_put(nlh, TCPFSM_A_TUPLE_SERVER_ADDR, alen, t->addr[1]);
	mnl_attr_put_u16(nlh, TCPFSM_A_TUPLE_CLIENT_PORT, htons(t->port[0]));
	mnl_attr_put_u16(nlh, TCPFSM_A_TUPLE_SERVER_PORT, htons(t->port[1]));
	mnl_attr_nest_end(nlh, n);
}

int get_main(int argc, char **argv)
{
	bool json = json_only_options(argc, argv);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct flows fl = { 0 };
	struct nlmsghdr *nlh;
	struct tuple t;
	uint8_t fam2;
	struct nl nl;
	int err;

	nl_open(&nl);
	argc -= optind;
	argv += optind;
	if (argc != 2)
		die(EXIT_USAGE, "get: want CLIENT-ADDR:PORT SERVER-ADDR:PORT");
	memset(&t, 0, sizeof(t));
	parse_hostport(argv[0], &t.family, t.addr[0], &t.port[0]);
	parse_hostport(argv[1], &fam2, t.addr[1], &t.port[1]);
	if (fam2 != t.family)
		die(EXIT_USAGE, "get: both addresses must be of one family");
	nlh = genl_msg(buf, nl.family, TCPFSM_CMD_FLOW_GET, 0);
	put_tuple(nlh, &t);
	err = nl_talk(&nl, nlh, collect_cb, &fl);
	if (err == -ENOENT)
		die(1, "no such flow: %s %s", argv[0], argv[1]);
	if (err)
		nl_fail(&nl, err, "get");
	if (!fl.n)
		die(1, "no reply");
	print_flows(&fl, json, true, false);
	free(fl.v);
	return 0;
}
