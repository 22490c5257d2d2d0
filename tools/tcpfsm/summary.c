// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm summary [--json] [-A]: ss -s for both ends of every connection.
 * The namespace's flows by (client state, server state), endpoints and
 * stuck endpoints by state, state changes ever and the handshake
 * round-trip histogram, as SUMMARY_GET has them: the kernel keeps them
 * as flows change, so this costs the same at any table size.  -A: every
 * namespace (a SUMMARY_GET dump with all-netns), one block each.
 */
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "flow.h"
#include "json.h"
#include "netlink.h"
#include "netns.h"
#include "subcommands.h"

/* The states in the order of a connection's life, as `config` prints them. */
static const uint8_t life_order[] = {
	TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_SYN_RECEIVED, TCPFSM_STATE_LISTEN,
	TCPFSM_STATE_ESTABLISHED, TCPFSM_STATE_FIN_WAIT_1, TCPFSM_STATE_FIN_WAIT_2,
	TCPFSM_STATE_CLOSE_WAIT, TCPFSM_STATE_CLOSING, TCPFSM_STATE_LAST_ACK,
	TCPFSM_STATE_TIME_WAIT, TCPFSM_STATE_CLOSED,
};

static const char *const endpoint_names[2] = { "client", "server" };

#define MAX_PAIRS	(__TCPFSM_STATE_MAX * __TCPFSM_STATE_MAX)
#define MAX_TRANS	(2 * MAX_PAIRS)
#define MAX_BUCKETS	32

struct summary {
	uint64_t netns_cookie;
	uint32_t netns_ino;
	bool has_netns;
	uint32_t flows;
	uint32_t pair[__TCPFSM_STATE_MAX][__TCPFSM_STATE_MAX];
	uint32_t endpoints[__TCPFSM_STATE_MAX];
	uint32_t by_end[2][__TCPFSM_STATE_MAX];	/* from the pairs */
	uint32_t stuck[__TCPFSM_STATE_MAX];
	uint64_t trans[2][__TCPFSM_STATE_MAX][__TCPFSM_STATE_MAX];
	unsigned int nbuckets;
	struct { uint32_t le_us; bool inf; uint64_t count; } bucket[MAX_BUCKETS];
	uint64_t rtt_sum_us, rtt_count;
};

struct summary_opts {
	bool json;
	bool all;
	unsigned int n;			/* blocks printed */
	struct json j;
};

static void state_counts(const struct nlattr *nest, uint32_t *count)
{
	const struct nlattr *tb[__TCPFSM_STATE_MAX];
	unsigned int s;

	memset(tb, 0, sizeof(tb));
	if (nest)
		index_nest(nest, tb, TCPFSM_STATE_MAX);
	for (s = 0; s < __TCPFSM_STATE_MAX; s++)
		count[s] = get_u32(tb[s]);
}

static void parse_summary(const struct nlattr *nest, struct summary *s)
{
	const struct nlattr *a, *tb[TCPFSM_A_SUMMARY_MAX + 1];
	unsigned int c, v;

	index_nest(nest, tb, TCPFSM_A_SUMMARY_MAX);
	s->flows = get_u32(tb[TCPFSM_A_SUMMARY_FLOWS]);
	state_counts(tb[TCPFSM_A_SUMMARY_ENDPOINTS], s->endpoints);
	state_counts(tb[TCPFSM_A_SUMMARY_STUCK], s->stuck);
	s->rtt_sum_us = get_u64(tb[TCPFSM_A_SUMMARY_RTT_SUM_US]);
	s->rtt_count = get_u64(tb[TCPFSM_A_SUMMARY_RTT_COUNT]);
	/* The multi-attrs: walk the nest itself. */
	mnl_attr_for_each_nested(a, nest) {
		const struct nlattr *p[TCPFSM_A_TRANSITION_MAX + 1];

		switch (mnl_attr_get_type(a)) {
		case TCPFSM_A_SUMMARY_PAIR:
			index_nest(a, p, TCPFSM_A_PAIR_MAX);
			c = get_u8(p[TCPFSM_A_PAIR_CLIENT_STATE]);
			v = get_u8(p[TCPFSM_A_PAIR_SERVER_STATE]);
			if (c < __TCPFSM_STATE_MAX && v < __TCPFSM_STATE_MAX) {
				s->pair[c][v] = get_u32(p[TCPFSM_A_PAIR_FLOWS]);
				s->by_end[0][c] += s->pair[c][v];
				s->by_end[1][v] += s->pair[c][v];
			}
			break;
		case TCPFSM_A_SUMMARY_TRANSITION: {
			unsigned int e, f, t;

			index_nest(a, p, TCPFSM_A_TRANSITION_MAX);
			e = get_u8(p[TCPFSM_A_TRANSITION_ENDPOINT]);
			f = get_u8(p[TCPFSM_A_TRANSITION_FROM]);
			t = get_u8(p[TCPFSM_A_TRANSITION_TO]);
			if (e < 2 && f < __TCPFSM_STATE_MAX && t < __TCPFSM_STATE_MAX)
				s->trans[e][f][t] = get_u64(p[TCPFSM_A_TRANSITION_COUNT]);
			break;
		}
		case TCPFSM_A_SUMMARY_RTT_BUCKET:
			if (s->nbuckets == MAX_BUCKETS)
				break;
			index_nest(a, p, TCPFSM_A_RTT_BUCKET_MAX);
			s->bucket[s->nbuckets].inf = !p[TCPFSM_A_RTT_BUCKET_LE_US];
			s->bucket[s->nbuckets].le_us = get_u32(p[TCPFSM_A_RTT_BUCKET_LE_US]);
			s->bucket[s->nbuckets].count = get_u64(p[TCPFSM_A_RTT_BUCKET_COUNT]);
			s->nbuckets++;
			break;
		}
	}
}

static void summary_text(const struct summary *s, bool all)
{
	unsigned int i, k, e, f, t;
	uint32_t stuck = 0;

	if (all)
		printf("netns %s\n", netns_label(s->netns_cookie, s->netns_ino));
	for (i = 0; i < __TCPFSM_STATE_MAX; i++)
		stuck += s->stuck[i];
	printf("Flows: %" PRIu32 " (stuck endpoints: %" PRIu32 ")\n", s->flows, stuck);

	printf("\n%-14s %-14s %8s\n", "CLIENT", "SERVER", "FLOWS");
	for (i = 0; i < ARRAY_SIZE(life_order); i++)
		for (k = 0; k < ARRAY_SIZE(life_order); k++)
			if (s->pair[life_order[i]][life_order[k]])
				printf("%-14s %-14s %8" PRIu32 "\n", state_name(life_order[i]),
				       state_name(life_order[k]),
				       s->pair[life_order[i]][life_order[k]]);

	printf("\n%-14s %9s %8s %8s %8s\n", "STATE", "ENDPOINTS", "CLIENT", "SERVER", "STUCK");
	for (i = 0; i < ARRAY_SIZE(life_order); i++) {
		uint8_t st = life_order[i];

		if (!s->endpoints[st] && !s->stuck[st])
			continue;
		printf("%-14s %9" PRIu32 " %8" PRIu32 " %8" PRIu32 " %8" PRIu32 "\n",
		       state_name(st), s->endpoints[st], s->by_end[0][st], s->by_end[1][st],
		       s->stuck[st]);
	}

	printf("\n%-8s %-14s %-14s %12s\n", "ENDPOINT", "FROM", "TO", "CHANGES");
	for (e = 0; e < 2; e++)
		for (f = 0; f < ARRAY_SIZE(life_order); f++)
			for (t = 0; t < ARRAY_SIZE(life_order); t++)
				if (s->trans[e][life_order[f]][life_order[t]])
					printf("%-8s %-14s %-14s %12" PRIu64 "\n", endpoint_names[e],
					       state_name(life_order[f]), state_name(life_order[t]),
					       s->trans[e][life_order[f]][life_order[t]]);

	printf("\nHandshake RTT: %" PRIu64 " measured", s->rtt_count);
	if (s->rtt_count)
		printf(", mean %" PRIu64 " us", s->rtt_sum_us / s->rtt_count);
	printf("\n");
	for (i = 0; i < s->nbuckets; i++) {
		if (!s->bucket[i].count)
			continue;
		if (s->bucket[i].inf)
			printf("  %10s us %12" PRIu64 "\n", "> last", s->bucket[i].count);
		else
			printf("  <= %7" PRIu32 " us %12" PRIu64 "\n", s->bucket[i].le_us,
			       s->bucket[i].count);
	}
}

/* Every state a key, in the order of the states' numbers: stable keys. */
static void json_states(struct json *j, const char *key, const uint32_t *count)
{
	unsigned int i;

	json_object(j, key);
	for (i = TCPFSM_STATE_NONE + 1; i < __TCPFSM_STATE_MAX; i++)
		json_uint(j, state_name(i), count[i]);
	json_end(j);
}

static void summary_json(struct json *j, const struct summary *s)
{
	unsigned int i, k, e;

	json_object(j, NULL);
	if (s->has_netns) {
		json_string(j, "netns", netns_label(s->netns_cookie, s->netns_ino));
		json_uint(j, "netns_cookie", s->netns_cookie);
		json_uint(j, "netns_ino", s->netns_ino);
	}
	json_uint(j, "flows", s->flows);
	json_array(j, "pairs");
	for (i = 0; i < __TCPFSM_STATE_MAX; i++) {
		for (k = 0; k < __TCPFSM_STATE_MAX; k++) {
			if (!s->pair[i][k])
				continue;
			json_object(j, NULL);
			json_string(j, "client", state_name(i));
			json_string(j, "server", state_name(k));
			json_uint(j, "flows", s->pair[i][k]);
			json_end(j);
		}
	}
	json_end(j);
	json_states(j, "endpoints", s->endpoints);
	json_states(j, "client", s->by_end[0]);
	json_states(j, "server", s->by_end[1]);
	json_states(j, "stuck", s->stuck);
	json_array(j, "transitions");
	for (e = 0; e < 2; e++) {
		for (i = 0; i < __TCPFSM_STATE_MAX; i++) {
			for (k = 0; k < __TCPFSM_STATE_MAX; k++) {
				if (!s->trans[e][i][k])
					continue;
				json_object(j, NULL);
				json_string(j, "endpoint", endpoint_names[e]);
				json_string(j, "from", state_name(i));
				json_string(j, "to", state_name(k));
				json_uint(j, "count", s->trans[e][i][k]);
				json_end(j);
			}
		}
	}
	json_end(j);
	json_object(j, "rtt");
	json_uint(j, "count", s->rtt_count);
	json_uint(j, "sum_us", s->rtt_sum_us);
	json_array(j, "buckets");
	for (i = 0; i < s->nbuckets; i++) {
		json_object(j, NULL);
		if (s->bucket[i].inf)
			json_string(j, "le_us", "+Inf");
		else
			json_uint(j, "le_us", s->bucket[i].le_us);
		json_uint(j, "count", s->bucket[i].count);
		json_end(j);
	}
	json_end(j);
	json_end(j);
	json_end(j);
}

static int summary_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1];
	struct summary_opts *o = data;
	struct summary s;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_SUMMARY])
		return 0;
	memset(&s, 0, sizeof(s));
	s.has_netns = tb[TCPFSM_A_NETNS_COOKIE] || tb[TCPFSM_A_NETNS_INO];
	s.netns_cookie = get_u64(tb[TCPFSM_A_NETNS_COOKIE]);
	s.netns_ino = get_u32(tb[TCPFSM_A_NETNS_INO]);
	parse_summary(tb[TCPFSM_A_SUMMARY], &s);
	if (o->json) {
		summary_json(&o->j, &s);
	} else {
		if (o->n)
			printf("\n");
		summary_text(&s, o->all);
	}
	o->n++;
	return 0;
}

int summary_main(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 }
	};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct summary_opts o = { 0 };
	struct nlmsghdr *nlh;
	struct nl nl;
	int c, err;

	while ((c = next_option(argc, argv, "A" COMMON_SHORT, opts)) != -1) {
		if (c == 'j')
			o.json = true;
		else if (c == 'A')
			o.all = true;
	}
	if (optind < argc)
		die(EXIT_USAGE, "summary: unexpected argument '%s'", argv[optind]);
	nl_open(&nl);
	if (o.json) {
		json_init(&o.j, stdout);
		/* -A: one namespace a line, in one array. */
		if (o.all)
			json_array_lines(&o.j, NULL);
	}
	nlh = genl_msg(buf, nl.family, TCPFSM_CMD_SUMMARY_GET, o.all ? NLM_F_DUMP : 0);
	if (o.all)
		put_all_netns(nlh);
	err = nl_talk(&nl, nlh, summary_cb, &o);
	if (err)
		nl_fail(&nl, err, "summary");
	if (o.json && o.all)
		json_end(&o.j);
	return 0;
}
