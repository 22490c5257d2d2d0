// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "netlink.h"

/* --events takes the groups' names: group i is the event mask's bit i. */
_Static_assert((1U << GRP_NEW) == TCPFSM_EVENT_MASK_NEW &&
	       (1U << GRP_CHANGE) == TCPFSM_EVENT_MASK_CHANGE &&
	       (1U << GRP_DESTROY) == TCPFSM_EVENT_MASK_DESTROY &&
	       (1U << GRP_STUCK) == TCPFSM_EVENT_MASK_STUCK, "groups and event mask bits differ");

static const struct option filter_options[] = { FILTER_OPTIONS, EVENT_FILTER_OPTIONS };

void filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
	f->port[0] = f->port[1] = -1;
	f->endpoint = -1;
}

bool filter_any(const struct filter *f)
{
	struct filter none;

	filter_init(&none);
	return memcmp(f, &none, sizeof(none)) != 0;
}

/*
 * A comma list of @names (the --groups and --events words, which are the
 * multicast groups' names in the order of the event mask's bits) as a mask
 * of their indexes; dies naming @option on an unknown word or an empty list.
 */
uint32_t parse_name_list(const char *arg, const char *const *names, size_t n,
			 const char *option)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	uint32_t mask = 0;
	size_t i;

	if (!copy)
		die(1, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n; i++)
			if (!strcmp(tok, names[i]))
				break;
		if (i == n)
			die(EXIT_USAGE, "bad option: %s: unknown name '%s' "
			    "(new, change, destroy, stuck)", option, tok);
		mask |= 1U << i;
	}
	free(copy);
	if (!mask)
		die(EXIT_USAGE, "bad option: %s: none given", option);
	return mask;
}

/* "--state" for OPT_STATE, as error messages name an option. */
static const char *option_name(int c)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(filter_options); i++)
		if (filter_options[i].val == c)
			snprintf(buf, sizeof(buf), "--%s", filter_options[i].name);
	return buf;
}

/* The states a filter may name, in RFC 9293's order, for an error message. */
static void state_list(char *buf, size_t len)
{
	static const uint8_t order[] = {
		TCPFSM_STATE_LISTEN, TCPFSM_STATE_SYN_SENT, TCPFSM_STATE_SYN_RECEIVED,
		TCPFSM_STATE_ESTABLISHED, TCPFSM_STATE_FIN_WAIT_1, TCPFSM_STATE_FIN_WAIT_2,
		TCPFSM_STATE_CLOSE_WAIT, TCPFSM_STATE_CLOSING, TCPFSM_STATE_LAST_ACK,
		TCPFSM_STATE_TIME_WAIT, TCPFSM_STATE_CLOSED,
	};
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(order); i++)
		n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", i ? ", " : "",
			      state_names[order[i]]);
}

static uint32_t parse_state_list(const char *arg, const char *opt)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	uint32_t mask = 0;

	if (!copy)
		die(1, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int st = parse_state(tok);

		if (st < 0) {
			char all[256];

			state_list(all, sizeof(all));
			die(EXIT_USAGE, "bad filter: %s: unknown state '%s' (%s)", opt, tok, all);
		}
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

bool filter_option(struct filter *f, int c, const char *arg)
{
	switch (c) {
	case '4':
		f->family = AF_INET;
		break;
	case '6':
		f->family = AF_INET6;
		break;
	case OPT_STATE:
	case OPT_CSTATE:
	case OPT_SSTATE:
		f->states[c - OPT_STATE] = parse_state_list(arg, option_name(c));
		break;
	case OPT_SPORT:
	case OPT_DPORT:
		f->port[c - OPT_SPORT] = parse_port(arg, option_name(c));
		break;
	case OPT_SRC:
	case OPT_DST:
		parse_prefix(arg, &f->prefix[c - OPT_SRC], option_name(c));
		break;
	case OPT_STUCK:
		f->stuck = true;
		break;
	case OPT_EVENTS:
		f->events = parse_name_list(arg, group_names, NGRP, option_name(c));
		break;
	case OPT_ENDPOINT:
		if (!strcmp(arg, "client"))
			f->endpoint = TCPFSM_CLIENT;
		else if (!strcmp(arg, "server"))
			f->endpoint = TCPFSM_SERVER;
		else
			die(EXIT_USAGE, "bad filter: --endpoint: '%s' is neither client nor server",
			    arg);
		break;
	case OPT_FROM:
		f->from = parse_state_list(arg, option_name(c));
		break;
	case OPT_TO:
		f->to = parse_state_list(arg, option_name(c));
		break;
	default:
		return false;
	}
	return true;
}

void filter_check(const struct filter *f)
{
	int i;

	for (i = 0; i < 2; i++)
		if (f->family && f->prefix[i].family && f->prefix[i].family != f->family)
			die(EXIT_USAGE, "bad filter: %s is not an %s address",
			    option_name(OPT_SRC + i), f->family == AF_INET ? "IPv4" : "IPv6");
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

bool filter_match(const struct filter *f, const struct flow *fl)
{
	uint32_t st[2] = { 1U << fl->state[0], 1U << fl->state[1] };
	int i;

	if (f->states[0] && !((st[0] | st[1]) & f->states[0]))
		return false;
	if (f->family && f->family != fl->t.family)
		return false;
	if (f->stuck && !(fl->flags & ((1U << TCPFSM_FLOW_CLIENT_STUCK) |
				       (1U << TCPFSM_FLOW_SERVER_STUCK))))
		return false;
	for (i = 0; i < 2; i++) {
		if (f->states[1 + i] && !(st[i] & f->states[1 + i]))
			return false;
		if (f->port[i] >= 0 && f->port[i] != fl->t.port[i])
			return false;
		if (!prefix_match(&f->prefix[i], &fl->t, i))
			return false;
	}
	return true;
}

static void put_prefix(struct nlmsghdr *nlh, int type, const struct prefix *p)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u8(nlh, TCPFSM_A_PREFIX_FAMILY, p->family);
	mnl_attr_put(nlh, TCPFSM_A_PREFIX_ADDR, p->family == AF_INET ? 4 : 16, p->addr);
	mnl_attr_put_u8(nlh, TCPFSM_A_PREFIX_LEN, p->len);
	mnl_attr_nest_end(nlh, n);
}

static void put_filter_attrs(struct nlmsghdr *nlh, const struct filter *f)
{
	static const uint16_t state_attr[3] = {
		TCPFSM_A_FILTER_STATE_MASK, TCPFSM_A_FILTER_CLIENT_STATE_MASK,
		TCPFSM_A_FILTER_SERVER_STATE_MASK,
	};
	static const uint16_t port_attr[2] = {
		TCPFSM_A_FILTER_CLIENT_PORT, TCPFSM_A_FILTER_SERVER_PORT,
	};
	static const uint16_t prefix_attr[2] = {
		TCPFSM_A_FILTER_CLIENT_PREFIX, TCPFSM_A_FILTER_SERVER_PREFIX,
	};
	int i;

	for (i = 0; i < 3; i++)
		if (f->states[i])
			mnl_attr_put_u32(nlh, state_attr[i], f->states[i]);
	for (i = 0; i < 2; i++)
		if (f->port[i] >= 0)
			mnl_attr_put_u16(nlh, port_attr[i], htons((uint16_t)f->port[i]));
	if (f->family)
		mnl_attr_put_u8(nlh, TCPFSM_A_FILTER_FAMILY, f->family);
	for (i = 0; i < 2; i++)
		if (f->prefix[i].family)
			put_prefix(nlh, prefix_attr[i], &f->prefix[i]);
	if (f->stuck)
		mnl_attr_put(nlh, TCPFSM_A_FILTER_STUCK, 0, NULL);
}

void put_filter(struct nlmsghdr *nlh, const struct filter *f)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, TCPFSM_A_FILTER);

	put_filter_attrs(nlh, f);
	mnl_attr_nest_end(nlh, n);
}

void put_event_filter(struct nlmsghdr *nlh, const struct filter *f)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, TCPFSM_A_FILTER);

	put_filter_attrs(nlh, f);
	if (f->events)
		mnl_attr_put_u32(nlh, TCPFSM_A_FILTER_EVENTS, f->events);
	if (f->endpoint >= 0)
		mnl_attr_put_u8(nlh, TCPFSM_A_FILTER_ENDPOINT, (uint8_t)f->endpoint);
	if (f->from)
		mnl_attr_put_u32(nlh, TCPFSM_A_FILTER_FROM_STATE_MASK, f->from);
	if (f->to)
		mnl_attr_put_u32(nlh, TCPFSM_A_FILTER_TO_STATE_MASK, f->to);
	mnl_attr_nest_end(nlh, n);
}
