// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm stats: the namespace's counters, as /proc/net/stat/tcpfsm has
 * them, from TCPFSM_STAT_DESCS: the gauges first, then the counters, each
 * in the order of enum tcpfsm_stats_attr, then invalid segments by reason.
 */
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "json.h"
#include "netlink.h"
#include "netns.h"
#include "subcommands.h"

static const struct tcpfsm_stat_desc stat_descs[__TCPFSM_A_STATS_MAX] = TCPFSM_STAT_DESCS;
static const char *const reason_names[__TCPFSM_REASON_MAX] = TCPFSM_REASON_NAMES;

/* One statistic: "name value" (the name padded to 24), or a JSON member. */
static void stat_out(struct json *j, const char *name, uint64_t v)
{
	if (j)
		json_uint(j, name, v);
	else
		printf("%-24s %" PRIu64 "\n", name, v);
}

/* @a's nest of counters by enum tcpfsm_reason: invalid_<reason> lines, or a JSON object. */
static void by_reason_out(struct json *j, const char *name, const struct nlattr *a)
{
	const struct nlattr *tb[__TCPFSM_REASON_MAX];
	char key[64];
	unsigned int r;

	memset(tb, 0, sizeof(tb));
	if (a)
		index_nest(a, tb, __TCPFSM_REASON_MAX - 1);
	if (j)
		json_object(j, name);
	for (r = TCPFSM_REASON_NONE + 1; r < __TCPFSM_REASON_MAX; r++) {
		if (j) {
			json_uint(j, reason_names[r], get_u64(tb[r]));
		} else {
			snprintf(key, sizeof(key), "%s_%s", name, reason_names[r]);
			stat_out(NULL, key, get_u64(tb[r]));
		}
	}
	if (j)
		json_end(j);
}

struct stats_out {
	bool json;
	bool all;			/* every namespace: say whose, one after another */
	unsigned int n;			/* namespaces printed */
	struct json j;			/* all: the array of them */
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	static const unsigned char kinds[] = {
		TCPFSM_STAT_GAUGE, TCPFSM_STAT_COUNTER, TCPFSM_STAT_BY_REASON,
	};
	const struct nlattr *tb[TCPFSM_A_MAX + 1], *st[TCPFSM_A_STATS_MAX + 1];
	struct stats_out *o = data;
	struct json json, *j = NULL;
	unsigned int k, i;

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_STATS])
		return 0;
	index_nest(tb[TCPFSM_A_STATS], st, TCPFSM_A_STATS_MAX);
	if (o->json) {
		j = o->all ? &o->j : &json;
		/* The array opens with its first element: an error prints none of it. */
		if (!o->all || !o->n)
			json_init(j, stdout);
		if (o->all && !o->n)
			json_array_lines(j, NULL);
		json_object(j, NULL);
	}
	if (o->all) {
		uint64_t cookie = get_u64(tb[TCPFSM_A_NETNS_COOKIE]);
		uint32_t ino = get_u32(tb[TCPFSM_A_NETNS_INO]);

		if (j) {
			json_string(j, "netns", netns_label(cookie, ino));
		} else {
			if (o->n)
				putchar('\n');
			printf("%-24s %s\n", "netns", netns_label(cookie, ino));
		}
		stat_out(j, "netns_cookie", cookie);
		stat_out(j, "netns_ino", ino);
	}
	o->n++;
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (i = 0; i < ARRAY_SIZE(stat_descs); i++) {
			const struct tcpfsm_stat_desc *d = &stat_descs[i];

			if (!d->name || d->kind != kinds[k])
				continue;
			if (d->kind == TCPFSM_STAT_BY_REASON)
				by_reason_out(j, d->name, st[i]);
			else
				stat_out(j, d->name, d->kind == TCPFSM_STAT_GAUGE ?
					 get_u32(st[i]) : get_u64(st[i]));
		}
	}
	if (j)
		json_end(j);
	return 0;
}

int stats_main(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct stats_out o = { 0 };
	struct nlmsghdr *nlh;
	struct nl nl;
	int c, err;

	while ((c = next_option(argc, argv, COMMON_SHORT "A", opts)) != -1) {
		if (c == 'j')
			o.json = true;
		else if (c == 'A')
			o.all = true;
	}
	nl_open(&nl);
	if (optind < argc)
		die(EXIT_USAGE, "stats: unexpected argument '%s'", argv[optind]);
	if (!o.all) {
		nl_get(&nl, TCPFSM_CMD_STATS_GET, stats_cb, &o, "stats");
		return 0;
	}
	/* Every namespace: a dump, one message each, in the kernel's list order. */
	nlh = genl_msg(buf, nl.family, TCPFSM_CMD_STATS_GET, NLM_F_DUMP);
	put_all_netns(nlh);
	err = nl_talk(&nl, nlh, stats_cb, &o);
	if (err)
		nl_fail(&nl, err, "stats --all-namespaces");
	if (o.json && !o.n) {
		json_init(&o.j, stdout);
		json_array_lines(&o.j, NULL);
	}
	if (o.json)
		json_end(&o.j);
	return 0;
}
