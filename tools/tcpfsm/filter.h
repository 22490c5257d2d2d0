/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow filters, as `list` and `watch` take them: their options, the
 * TCPFSM_A_FILTER nest the kernel applies to a dump, and the same test in
 * userspace for events.
 */
#ifndef TCPFSM_CLI_FILTER_H
#define TCPFSM_CLI_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "common.h"
#include "flow.h"

struct prefix {
	uint8_t family;			/* 0: none */
	uint8_t addr[16];
	uint8_t len;
};

/*
 * Each array in the order of the options (FILTER_OPTIONS, OPT_STATE on):
 * state masks of either endpoint, the client, the server (BIT(state), 0:
 * any); then client and server.
 */
struct filter {
	uint32_t states[3];
	int port[2];			/* -1: any */
	struct prefix prefix[2];
	uint8_t family;			/* 0: both */
	bool stuck;			/* --stuck: a stuck endpoint */
	/* Events only (EVENT_FILTER_OPTIONS, watch): the kernel applies them. */
	uint32_t events;		/* TCPFSM_EVENT_MASK_*; 0: all */
	int endpoint;			/* change and stuck events of it; -1: either */
	uint32_t from, to;		/* change events' old and new states; 0: any */
};

#define FILTER_SHORT	"46"
#define FILTER_OPTIONS							\
	{ "state", required_argument, NULL, OPT_STATE },		\
	{ "client-state", required_argument, NULL, OPT_CSTATE },	\
	{ "server-state", required_argument, NULL, OPT_SSTATE },	\
	{ "sport", required_argument, NULL, OPT_SPORT },		\
	{ "dport", required_argument, NULL, OPT_DPORT },		\
	{ "src", required_argument, NULL, OPT_SRC },			\
	{ "dst", required_argument, NULL, OPT_DST },			\
	{ "stuck", no_argument, NULL, OPT_STUCK }

/* What watch takes besides, for the kernel's event filter. */
#define EVENT_FILTER_OPTIONS						\
	{ "events", required_argument, NULL, OPT_EVENTS },		\
	{ "endpoint", required_argument, NULL, OPT_ENDPOINT },		\
	{ "from", required_argument, NULL, OPT_FROM },			\
	{ "to", required_argument, NULL, OPT_TO }

void filter_init(struct filter *f);
/* Takes option @c if it is a filter's; dies on a bad filter. */
bool filter_option(struct filter *f, int c, const char *arg);
uint32_t parse_name_list(const char *arg, const char *const *names, size_t n,
			 const char *option);
/* After the last option: dies on filters that contradict each other. */
void filter_check(const struct filter *f);

/* Whether any filter option was given. */
bool filter_any(const struct filter *f);
bool filter_match(const struct filter *f, const struct flow *fl);
void put_filter(struct nlmsghdr *nlh, const struct filter *f);
/* The same, with the event-only parts: an EVENT_SUBSCRIBE's filter. */
void put_event_filter(struct nlmsghdr *nlh, const struct filter *f);

#endif
