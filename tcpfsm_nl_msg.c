// SPDX-License-Identifier: GPL-2.0
/*
 * The attributes of the tcpfsm family, as Documentation/netlink/tcpfsm.yaml
 * lays them out: the flow and tombstone nests that events and dumps build,
 * and the tuple and filter nests that requests bring.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "tcpfsm_nl.h"

static unsigned int tcpfsm_addr_len(u8 family)
{
	return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

static int tcpfsm_put_tuple(struct sk_buff *skb, int type, const struct tcpfsm_tuple *t)
{
	unsigned int alen = tcpfsm_addr_len(t->family);
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPFSM_A_TUPLE_FAMILY, t->family) ||
	    nla_put(skb, TCPFSM_A_TUPLE_CLIENT_ADDR, alen, &t->addr[TCPFSM_CLIENT]) ||
	    nla_put(skb, TCPFSM_A_TUPLE_SERVER_ADDR, alen, &t->addr[TCPFSM_SERVER]) ||
	    nla_put_be16(skb, TCPFSM_A_TUPLE_CLIENT_PORT, t->port[TCPFSM_CLIENT]) ||
	    nla_put_be16(skb, TCPFSM_A_TUPLE_SERVER_PORT, t->port[TCPFSM_SERVER])) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Without acct=1 there are no counters: their attributes are left out. */
static int tcpfsm_put_acct(struct sk_buff *skb, const struct tcpfsm_flow_info *fi)
{
	if (!fi->acct)
		return 0;
	if (nla_put_u64_64bit(skb, TCPFSM_A_FLOW_CLIENT_PACKETS, fi->packets[TCPFSM_CLIENT],
			      TCPFSM_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_FLOW_CLIENT_BYTES, fi->bytes[TCPFSM_CLIENT],
			      TCPFSM_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_FLOW_SERVER_PACKETS, fi->packets[TCPFSM_SERVER],
			      TCPFSM_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_FLOW_SERVER_BYTES, fi->bytes[TCPFSM_SERVER],
			      TCPFSM_A_FLOW_PAD))
		return -EMSGSIZE;
	return 0;
}

int tcpfsm_put_flow(struct sk_buff *skb, const struct tcpfsm_flow_info *fi)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCPFSM_A_FLOW);
	if (!nest)
		return -EMSGSIZE;
	if (tcpfsm_put_tuple(skb, TCPFSM_A_FLOW_TUPLE, &fi->tuple) ||
	    nla_put_u8(skb, TCPFSM_A_FLOW_CLIENT_STATE, fi->state[TCPFSM_CLIENT]) ||
	    nla_put_u8(skb, TCPFSM_A_FLOW_SERVER_STATE, fi->state[TCPFSM_SERVER]) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_FLAGS, fi->flags) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_AGE_MS, fi->age_ms) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_IDLE_MS, fi->idle_ms) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_CLIENT_IN_STATE_MS, fi->in_state_ms[TCPFSM_CLIENT]) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_SERVER_IN_STATE_MS, fi->in_state_ms[TCPFSM_SERVER]) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_RTT_US, fi->rtt_us) ||
	    nla_put_u32(skb, TCPFSM_A_FLOW_INVALID, fi->invalid) ||
	    tcpfsm_put_acct(skb, fi) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_FLOW_GEN, fi->gen, TCPFSM_A_FLOW_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int tcpfsm_put_tomb(struct sk_buff *skb, const struct tcpfsm_tomb *tb)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, TCPFSM_A_TOMBSTONE);
	if (!nest)
		return -EMSGSIZE;
	if (tcpfsm_put_tuple(skb, TCPFSM_A_TOMB_TUPLE, &tb->tuple) ||
	    nla_put_u64_64bit(skb, TCPFSM_A_TOMB_GEN, tb->gen, TCPFSM_A_TOMB_PAD) ||
	    nla_put_u8(skb, TCPFSM_A_TOMB_REASON, tb->reason)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpfsm_get_family(const struct nlattr *attr, u8 *family,
			     struct netlink_ext_ack *extack)
{
	*family = nla_get_u8(attr);
	if (*family != AF_INET && *family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "family must be AF_INET (2) or AF_INET6 (10)");
		return -EAFNOSUPPORT;
	}
	return 0;
}

static int tcpfsm_parse_addr(const struct nlattr *attr, u8 family, union nf_inet_addr *addr,
			     struct netlink_ext_ack *extack)
{
	/* The spec's generator has no length bound for a binary attribute. */
	if (nla_len(attr) > sizeof(struct in6_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "address longer than 16 bytes");
		return -ERANGE;
	}
	if (nla_len(attr) != tcpfsm_addr_len(family)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address length does not match the family (4 for AF_INET, 16 for AF_INET6)");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	nla_memcpy(addr, attr, sizeof(*addr));
	return 0;
}

int tcpfsm_parse_tuple(const struct nlattr *nest, struct tcpfsm_tuple *t,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TCPFSM_A_TUPLE_MAX + 1];
	int err;

	err = nla_parse_nested(tb, TCPFSM_A_TUPLE_MAX, nest, tcpfsm_tuple_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_CLIENT_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_SERVER_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_CLIENT_PORT) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_TUPLE_SERVER_PORT)) {
		NL_SET_ERR_MSG(extack, "tuple needs family, both addresses and both ports");
		return -EINVAL;
	}
	memset(t, 0, sizeof(*t));
	err = tcpfsm_get_family(tb[TCPFSM_A_TUPLE_FAMILY], &t->family, extack);
	if (err)
		return err;
	err = tcpfsm_parse_addr(tb[TCPFSM_A_TUPLE_CLIENT_ADDR], t->family,
				&t->addr[TCPFSM_CLIENT], extack) ?:
	      tcpfsm_parse_addr(tb[TCPFSM_A_TUPLE_SERVER_ADDR], t->family,
				&t->addr[TCPFSM_SERVER], extack);
	if (err)
		return err;
	t->port[TCPFSM_CLIENT] = nla_get_be16(tb[TCPFSM_A_TUPLE_CLIENT_PORT]);
	t->port[TCPFSM_SERVER] = nla_get_be16(tb[TCPFSM_A_TUPLE_SERVER_PORT]);
	return 0;
}

static int tcpfsm_parse_prefix(const struct nlattr *nest, struct tcpfsm_prefix *p,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TCPFSM_A_PREFIX_MAX + 1];
	unsigned int alen;
	int err;

	err = nla_parse_nested(tb, TCPFSM_A_PREFIX_MAX, nest, tcpfsm_prefix_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_PREFIX_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, TCPFSM_A_PREFIX_ADDR)) {
		NL_SET_ERR_MSG(extack, "prefix needs a family and an address");
		return -EINVAL;
	}
	err = tcpfsm_get_family(tb[TCPFSM_A_PREFIX_FAMILY], &p->family, extack);
	if (err)
		return err;
	err = tcpfsm_parse_addr(tb[TCPFSM_A_PREFIX_ADDR], p->family, &p->addr, extack);
	if (err)
		return err;
	alen = tcpfsm_addr_len(p->family) * 8;
	p->len = alen;
	if (tb[TCPFSM_A_PREFIX_LEN]) {
		p->len = nla_get_u8(tb[TCPFSM_A_PREFIX_LEN]);
		if (p->len > alen) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TCPFSM_A_PREFIX_LEN],
					    "prefix length longer than the address");
			return -EINVAL;
		}
	}
	return 0;
}

/* What only an EVENT_SUBSCRIBE filter may say. */
static const int tcpfsm_event_only_attrs[] = {
	TCPFSM_A_FILTER_EVENTS, TCPFSM_A_FILTER_ENDPOINT,
	TCPFSM_A_FILTER_FROM_STATE_MASK, TCPFSM_A_FILTER_TO_STATE_MASK,
};

static int tcpfsm_parse_event_filter(struct nlattr **tb, struct tcpfsm_filter *f,
				     bool for_events, struct netlink_ext_ack *extack)
{
	int i;

	for (i = 0; !for_events && i < ARRAY_SIZE(tcpfsm_event_only_attrs); i++) {
		if (tb[tcpfsm_event_only_attrs[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[tcpfsm_event_only_attrs[i]],
					    "this filter selects events: only EVENT_SUBSCRIBE takes it");
			return -EINVAL;
		}
	}
	if (tb[TCPFSM_A_FILTER_EVENTS]) {
		f->events = nla_get_u32(tb[TCPFSM_A_FILTER_EVENTS]);
		if (!f->events || f->events & ~TCPFSM_EVENT_MASK_ALL) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TCPFSM_A_FILTER_EVENTS],
					    "events: a non-empty mask of new, change, destroy, stuck");
			return -EINVAL;
		}
	}
	if (tb[TCPFSM_A_FILTER_ENDPOINT]) {
		f->endpoint = nla_get_u8(tb[TCPFSM_A_FILTER_ENDPOINT]);
		f->has_endpoint = true;
	}
	if (tb[TCPFSM_A_FILTER_FROM_STATE_MASK])
		f->from_state_mask = nla_get_u32(tb[TCPFSM_A_FILTER_FROM_STATE_MASK]);
	if (tb[TCPFSM_A_FILTER_TO_STATE_MASK])
		f->to_state_mask = nla_get_u32(tb[TCPFSM_A_FILTER_TO_STATE_MASK]);
	return 0;
}

int tcpfsm_parse_filter(const struct nlattr *nest, struct tcpfsm_filter *f,
			bool for_events, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TCPFSM_A_FILTER_MAX + 1];
	int err, i;

	memset(f, 0, sizeof(*f));
	f->for_events = for_events;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, TCPFSM_A_FILTER_MAX, nest, tcpfsm_filter_nl_policy, extack);
	if (err)
		return err;
	err = tcpfsm_parse_event_filter(tb, f, for_events, extack);
	if (err)
		return err;
	f->stuck = nla_get_flag(tb[TCPFSM_A_FILTER_STUCK]);
	if (tb[TCPFSM_A_FILTER_STATE_MASK])
		f->state_mask = nla_get_u32(tb[TCPFSM_A_FILTER_STATE_MASK]);
	if (tb[TCPFSM_A_FILTER_CLIENT_STATE_MASK])
		f->client_state_mask = nla_get_u32(tb[TCPFSM_A_FILTER_CLIENT_STATE_MASK]);
	if (tb[TCPFSM_A_FILTER_SERVER_STATE_MASK])
		f->server_state_mask = nla_get_u32(tb[TCPFSM_A_FILTER_SERVER_STATE_MASK]);
	for (i = 0; i < 2; i++) {
		int pa = i ? TCPFSM_A_FILTER_SERVER_PORT : TCPFSM_A_FILTER_CLIENT_PORT;
		int xa = i ? TCPFSM_A_FILTER_SERVER_PREFIX : TCPFSM_A_FILTER_CLIENT_PREFIX;

		if (tb[pa]) {
			f->port[i] = nla_get_be16(tb[pa]);
			f->has_port[i] = true;
		}
		if (tb[xa]) {
			err = tcpfsm_parse_prefix(tb[xa], &f->prefix[i], extack);
			if (err)
				return err;
		}
	}
	if (tb[TCPFSM_A_FILTER_FAMILY]) {
		err = tcpfsm_get_family(tb[TCPFSM_A_FILTER_FAMILY], &f->family, extack);
		if (err)
			return err;
		for (i = 0; i < 2; i++) {
			if (f->prefix[i].family && f->prefix[i].family != f->family) {
				NL_SET_ERR_MSG_ATTR(extack, tb[TCPFSM_A_FILTER_FAMILY],
						    "family filter contradicts a prefix's family");
				return -EINVAL;
			}
		}
	}
	return 0;
}

static bool tcpfsm_prefix_match(const struct tcpfsm_prefix *p, u8 family,
				const union nf_inet_addr *a)
{
	if (!p->family)
		return true;
	if (p->family != family)
		return false;
	if (family == AF_INET) {
		__be32 mask = p->len ? htonl(~0U << (32 - p->len)) : 0;

		return !((a->ip ^ p->addr.ip) & mask);
	}
	return ipv6_prefix_equal(&a->in6, &p->addr.in6, p->len);
}

bool tcpfsm_filter_match(const struct tcpfsm_filter *f, const struct tcpfsm_flow_info *fi)
{
	const struct tcpfsm_tuple *t = &fi->tuple;
	u32 cs = BIT(fi->state[TCPFSM_CLIENT]), ss = BIT(fi->state[TCPFSM_SERVER]);
	int i;

	if (f->state_mask && !((cs | ss) & f->state_mask))
		return false;
	if (f->client_state_mask && !(cs & f->client_state_mask))
		return false;
	if (f->server_state_mask && !(ss & f->server_state_mask))
		return false;
	if (f->family && f->family != t->family)
		return false;
	if (f->stuck && !(fi->flags & (BIT(TCPFSM_FLOW_CLIENT_STUCK) |
				       BIT(TCPFSM_FLOW_SERVER_STUCK))))
		return false;
	for (i = 0; i < 2; i++) {
		if (f->has_port[i] && f->port[i] != t->port[i])
			return false;
		if (!tcpfsm_prefix_match(&f->prefix[i], t->family, &t->addr[i]))
			return false;
	}
	return true;
}
