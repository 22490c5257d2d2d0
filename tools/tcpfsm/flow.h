/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flows: what a TCPFSM_A_FLOW nest says, the names of their states, flags
 * and destroy reasons (tcpfsm_names.h's), and printing them as table rows
 * or JSON objects.
 */
#ifndef TCPFSM_CLI_FLOW_H
#define TCPFSM_CLI_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "json.h"
#include "tcpfsm_names.h"

struct tuple {
	uint8_t family;
	uint8_t addr[2][16];		/* client, server */
	uint16_t port[2];		/* host order */
};

struct flow {
	struct tuple t;
	uint8_t state[2];
	uint32_t flags;
	uint32_t age_ms, idle_ms, in_state_ms[2], rtt_us, invalid;
	uint64_t packets[2], bytes[2], gen;
	bool acct;			/* counters present (module loaded with acct=1) */
	/* The namespace, in messages that say (all-netns): a NETNS column, netns keys. */
	bool has_netns;
	uint64_t netns_cookie;
	uint32_t netns_ino;
};

extern const char *const state_names[__TCPFSM_STATE_MAX];

/* A state's name, "?" for a value this build does not know. */
const char *state_name(unsigned int s);
const char *destroy_name(unsigned int r);
/* "SYN-SENT", "syn-sent", "SYN_SENT", "syn_sent" all name one state; -1: none. */
int parse_state(const char *s);

void parse_tuple(const struct nlattr *nest, struct tuple *t);
void parse_flow(const struct nlattr *nest, struct flow *f);
/* The namespace a message names (@tb: its attributes, index_msg()), if it does. */
void parse_flow_netns(const struct nlattr *const *tb, struct flow *f);

/* "10.0.0.1:80" or "[fe80::1]:80" */
void fmt_endpoint(const struct tuple *t, int side, char *buf, size_t len);
/* 999ms, 59s, 9m, 47h, 2d */
void fmt_duration(uint64_t ms, char *buf, size_t len);
const char *proto_name(const struct tuple *t);	/* tcp, tcp6 */

void print_table_header(void);
/* With a NETNS column first (netns_label()), for flows of all namespaces. */
void print_table_header_ns(bool netns);
void print_flow_row(const struct flow *f);
void flow_json(struct json *j, const char *key, const struct flow *f);

#endif
