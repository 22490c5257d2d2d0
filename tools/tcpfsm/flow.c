// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "flow.h"
#include "netlink.h"
#include "netns.h"

const char *const state_names[__TCPFSM_STATE_MAX] = TCPFSM_STATE_NAMES;
static const char *const destroy_names[__TCPFSM_DESTROY_MAX] = TCPFSM_DESTROY_NAMES;
static const char *const flag_names[__TCPFSM_FLOW_MAX] = TCPFSM_FLOW_FLAG_NAMES;

const char *state_name(unsigned int s)
{
	return s < __TCPFSM_STATE_MAX && state_names[s] ? state_names[s] : "?";
}

const char *destroy_name(unsigned int r)
{
	return r < __TCPFSM_DESTROY_MAX && destroy_names[r] ? destroy_names[r] : "?";
}

int parse_state(const char *s)
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

void parse_tuple(const struct nlattr *nest, struct tuple *t)
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

void parse_flow(const struct nlattr *nest, struct flow *f)
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

void parse_flow_netns(const struct nlattr *const *tb, struct flow *f)
{
	f->has_netns = tb[TCPFSM_A_NETNS_COOKIE] || tb[TCPFSM_A_NETNS_INO];
	f->netns_cookie = get_u64(tb[TCPFSM_A_NETNS_COOKIE]);
	f->netns_ino = get_u32(tb[TCPFSM_A_NETNS_INO]);
}

/*
 * Dotted quad by hand: inet_ntop() goes through sprintf for each byte, and
 * every event and listed flow shows two addresses.
 */
static void fmt_ipv4(const uint8_t *a, char *buf, size_t len)
{
	unsigned int i, v;
	char *p = buf;

	if (len < INET_ADDRSTRLEN) {
		inet_ntop(AF_INET, a, buf, len);
		return;
	}
	for (i = 0; i < 4; i++) {
		v = a[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

static void fmt_addr(const struct tuple *t, int side, char *buf, size_t len)
{
	if (t->family == AF_INET)
		fmt_ipv4(t->addr[side], buf, len);
	else
		inet_ntop(AF_INET6, t->addr[side], buf, len);
}

void fmt_endpoint(const struct tuple *t, int side, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	fmt_addr(t, side, a, sizeof(a));
	if (t->family == AF_INET)
		snprintf(buf, len, "%s:%u", a, t->port[side]);
	else
		snprintf(buf, len, "[%s]:%u", a, t->port[side]);
}

void fmt_duration(uint64_t ms, char *buf, size_t len)
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

const char *proto_name(const struct tuple *t)
{
	return t->family == AF_INET ? "tcp" : "tcp6";
}

#define ROW_FORMAT	"%-5s %-47s %-47s %-12s %-12s %6s %6s %8s %-17s %-17s %s\n"

#define NETNS_FORMAT	"%-24s "

void print_table_header(void)
{
	print_table_header_ns(false);
}

void print_table_header_ns(bool netns)
{
	if (netns)
		printf(NETNS_FORMAT, "NETNS");
	printf(ROW_FORMAT, "PROTO", "CLIENT", "SERVER", "CLIENT-STATE", "SERVER-STATE", "AGE",
	       "IDLE", "RTT", "C>S PKTS/BYTES", "S>C PKTS/BYTES", "FLAGS");
}

/* "pickup,simclose", or "-" for none. */
static void fmt_flags(uint32_t flags, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < __TCPFSM_FLOW_MAX; i++)
		if (flags & (1U << i))
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "," : "",
				      flag_names[i]);
	if (!n)
		snprintf(buf, len, "-");
}

/* "packets/bytes" sent by one side, or "-" without counters. */
static void fmt_counts(const struct flow *f, int side, char *buf, size_t len)
{
	if (f->acct)
		snprintf(buf, len, "%" PRIu64 "/%" PRIu64, f->packets[side], f->bytes[side]);
	else
		snprintf(buf, len, "-");
}

void print_flow_row(const struct flow *f)
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
	fmt_counts(f, 0, cs, sizeof(cs));
	fmt_counts(f, 1, sc, sizeof(sc));
	fmt_flags(f->flags, fl, sizeof(fl));
	if (f->has_netns)
		printf(NETNS_FORMAT, netns_label(f->netns_cookie, f->netns_ino));
	printf(ROW_FORMAT, proto_name(&f->t), c, s, state_name(f->state[0]),
	       state_name(f->state[1]), age, idle, rtt, cs, sc, fl);
}

void flow_json(struct json *j, const char *key, const struct flow *f)
{
	char c[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
	int i;

	fmt_addr(&f->t, 0, c, sizeof(c));
	fmt_addr(&f->t, 1, s, sizeof(s));
	json_object(j, key);
	json_string(j, "family", f->t.family == AF_INET ? "ipv4" : "ipv6");
	json_string(j, "client", c);
	json_uint(j, "client_port", f->t.port[0]);
	json_string(j, "server", s);
	json_uint(j, "server_port", f->t.port[1]);
	json_string(j, "client_state", state_name(f->state[0]));
	json_string(j, "server_state", state_name(f->state[1]));
	json_array(j, "flags");
	for (i = 0; i < __TCPFSM_FLOW_MAX; i++)
		if (f->flags & (1U << i))
			json_string(j, NULL, flag_names[i]);
	json_end(j);
	json_uint(j, "age_ms", f->age_ms);
	json_uint(j, "idle_ms", f->idle_ms);
	json_uint(j, "client_in_state_ms", f->in_state_ms[0]);
	json_uint(j, "server_in_state_ms", f->in_state_ms[1]);
	json_uint(j, "rtt_us", f->rtt_us);
	json_uint(j, "invalid", f->invalid);
	/* No counters without acct=1: their keys are left out. */
	if (f->acct) {
		json_uint(j, "client_packets", f->packets[0]);
		json_uint(j, "client_bytes", f->bytes[0]);
		json_uint(j, "server_packets", f->packets[1]);
		json_uint(j, "server_bytes", f->bytes[1]);
	}
	json_uint(j, "gen", f->gen);
	if (f->has_netns) {
		json_string(j, "netns", netns_label(f->netns_cookie, f->netns_ino));
		json_uint(j, "netns_cookie", f->netns_cookie);
		json_uint(j, "netns_ino", f->netns_ino);
	}
	json_end(j);
}
