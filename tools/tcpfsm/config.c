// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm config [KEY=VALUE...]: change the namespace's configuration, then
 * print it.  Keys: timeout_<state> and stuck_<state> (the state's name in
 * lower case, '_' for '-', as the module parameters spell it), and the
 * settings below.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "flow.h"
#include "json.h"
#include "netlink.h"
#include "subcommands.h"

/* The states in the order of a connection's life, as in the man page. */
static const uint8_t timeout_order[] = {
	TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_SYN_RECEIVED, TCPFSM_STATE_LISTEN,
	TCPFSM_STATE_ESTABLISHED, TCPFSM_STATE_FIN_WAIT_1, TCPFSM_STATE_FIN_WAIT_2,
	TCPFSM_STATE_CLOSE_WAIT, TCPFSM_STATE_CLOSING, TCPFSM_STATE_LAST_ACK,
	TCPFSM_STATE_TIME_WAIT, TCPFSM_STATE_CLOSED,
};

/* The settings other than timeouts, in the order they are printed. */
static const struct setting {
	const char *key;
	uint16_t attr;			/* enum tcpfsm_config_attr */
	bool flag;			/* u8 0 or 1, else u32 */
} settings[] = {
	{ "max_flows", TCPFSM_A_CONFIG_MAX_FLOWS, false },
	{ "netns_max_flows", TCPFSM_A_CONFIG_NETNS_MAX_FLOWS, false },
	{ "pickup", TCPFSM_A_CONFIG_PICKUP, true },
};

/* The settings by state: a nest each, attribute type = state. */
static const struct per_state {
	const char *prefix;
	uint16_t attr;			/* enum tcpfsm_config_attr */
} per_state[] = {
	{ "timeout_", TCPFSM_A_CONFIG_TIMEOUT },
	{ "stuck_", TCPFSM_A_CONFIG_STUCK },
};

#define UNKNOWN_SETTING	"unknown setting '%.*s' (timeout_<state>, stuck_<state>, " \
			"max_flows, netns_max_flows, pickup)"

/* The per-state nest whose prefix @key has, or NULL. */
static const struct per_state *per_state_of(const char *key)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(per_state); i++)
		if (!strncmp(key, per_state[i].prefix, strlen(per_state[i].prefix)))
			return &per_state[i];
	return NULL;
}

/* "timeout_syn_sent" for TCPFSM_STATE_SYN_SENT and prefix "timeout_". */
static void timeout_key(const char *prefix, unsigned int state, char *buf, size_t len)
{
	const char *name = state_names[state];
	size_t n = strlen(prefix);

	memcpy(buf, prefix, n);
	for (; *name && n + 1 < len; name++)
		buf[n++] = *name == '-' ? '_' : (char)tolower((unsigned char)*name);
	buf[n] = 0;
}

/* One value: "key value" (the key padded to 22), or a JSON member. */
static void config_out(struct json *j, const char *key, uint32_t v)
{
	if (j)
		json_uint(j, key, v);
	else
		printf("%-22s %u\n", key, v);
}

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCPFSM_A_MAX + 1], *c[TCPFSM_A_CONFIG_MAX + 1];
	const struct nlattr *to[__TCPFSM_STATE_MAX];
	struct json json, *j = *(bool *)data ? &json : NULL;
	unsigned int i, p;
	char key[64];

	index_msg(nlh, tb, TCPFSM_A_MAX);
	if (!tb[TCPFSM_A_CONFIG])
		return 0;
	index_nest(tb[TCPFSM_A_CONFIG], c, TCPFSM_A_CONFIG_MAX);
	if (j) {
		json_init(j, stdout);
		json_object(j, NULL);
	}
	for (p = 0; p < ARRAY_SIZE(per_state); p++) {
		memset(to, 0, sizeof(to));
		if (c[per_state[p].attr])
			index_nest(c[per_state[p].attr], to, TCPFSM_STATE_MAX);
		else if (per_state[p].attr == TCPFSM_A_CONFIG_STUCK)
			continue;	/* a module from before stuck thresholds */
		for (i = 0; i < ARRAY_SIZE(timeout_order); i++) {
			timeout_key(per_state[p].prefix, timeout_order[i], key, sizeof(key));
			config_out(j, key, get_u32(to[timeout_order[i]]));
		}
	}
	for (i = 0; i < ARRAY_SIZE(settings); i++)
		config_out(j, settings[i].key, settings[i].flag ? get_u8(c[settings[i].attr]) :
			   get_u32(c[settings[i].attr]));
	if (j)
		json_end(j);
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

static uint8_t parse_flag_value(const char *key, const char *v)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "on") || !strcasecmp(v, "yes"))
		return 1;
	if (!strcmp(v, "0") || !strcasecmp(v, "off") || !strcasecmp(v, "no"))
		return 0;
	die(EXIT_USAGE, "bad value for %s: '%s' (0 or 1)", key, v);
}

/* The state whose setting @key (with @ps's prefix) names, or 0. */
static unsigned int timeout_state(const struct per_state *ps, const char *key)
{
	char k[64];
	unsigned int s;

	for (s = TCPFSM_STATE_NONE + 1; s < __TCPFSM_STATE_MAX; s++) {
		timeout_key(ps->prefix, s, k, sizeof(k));
		if (!strcmp(key, k))
			return s;
	}
	return 0;
}

/*
 * The settings by state of @ps first, in one nest; every argument must be
 * KEY=VALUE.
 */
static void put_timeouts(struct nlmsghdr *nlh, const struct per_state *ps,
			 int argc, char **argv)
{
	struct nlattr *to = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		unsigned int s;
		char key[64];

		if (!eq || eq == argv[i] || (size_t)(eq - argv[i]) >= sizeof(key))
			die(EXIT_USAGE, "bad setting '%s': want KEY=VALUE", argv[i]);
		memcpy(key, argv[i], eq - argv[i]);
		key[eq - argv[i]] = 0;
		if (per_state_of(key) != ps)
			continue;
		s = timeout_state(ps, key);
		if (!s)
			die(EXIT_USAGE, UNKNOWN_SETTING, (int)strlen(key), key);
		if (!to)
			to = mnl_attr_nest_start(nlh, ps->attr);
		mnl_attr_put_u32(nlh, s, parse_u32_value(key, eq + 1));
	}
	if (to)
		mnl_attr_nest_end(nlh, to);
}

/* Then the other settings, in the order given; returns whether max_flows is one. */
static bool put_settings(struct nlmsghdr *nlh, int argc, char **argv)
{
	bool max_flows = false;
	unsigned int k;
	int i;

	for (i = 0; i < argc; i++) {
		const char *key = argv[i], *eq = strchr(key, '=');
		size_t kl = eq - key;

		for (k = 0; k < ARRAY_SIZE(settings); k++)
			if (strlen(settings[k].key) == kl && !strncmp(key, settings[k].key, kl))
				break;
		if (k == ARRAY_SIZE(settings)) {
			if (!per_state_of(key))
				die(EXIT_USAGE, UNKNOWN_SETTING, (int)kl, key);
			continue;
		}
		if (settings[k].flag)
			mnl_attr_put_u8(nlh, settings[k].attr,
					parse_flag_value(settings[k].key, eq + 1));
		else
			mnl_attr_put_u32(nlh, settings[k].attr,
					 parse_u32_value(settings[k].key, eq + 1));
		if (settings[k].attr == TCPFSM_A_CONFIG_MAX_FLOWS)
			max_flows = true;
	}
	return max_flows;
}

static void config_set(struct nl *nl, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int p;
	bool max_flows;
	int err;

	nlh = genl_msg(buf, nl->family, TCPFSM_CMD_CONFIG_SET, 0);
	nest = mnl_attr_nest_start(nlh, TCPFSM_A_CONFIG);
	for (p = 0; p < ARRAY_SIZE(per_state); p++)
		put_timeouts(nlh, &per_state[p], argc, argv);
	max_flows = put_settings(nlh, argc, argv);
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

int config_main(int argc, char **argv)
{
	bool json = json_only_options(argc, argv);
	struct nl nl;

	nl_open(&nl);
	if (optind < argc)
		config_set(&nl, argc - optind, argv + optind);
	nl_get(&nl, TCPFSM_CMD_CONFIG_GET, config_cb, &json, "config");
	return 0;
}
