/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink layer, on libmnl: a request socket bound to the tcpfsm
 * generic netlink family, requests and their replies, the kernel's extended
 * ACK messages, and reading attributes.
 */
#ifndef TCPFSM_CLI_NETLINK_H
#define TCPFSM_CLI_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "tcpfsm_names.h"

/* The family's multicast groups, as watch subscribes to them. */
enum { GRP_NEW, GRP_CHANGE, GRP_DESTROY, GRP_STUCK, NGRP };
/* The groups whose numbers a dump's header reports (TCPFSM_A_DUMP_SEQ_*). */
#define NGRP_MARKED	3
extern const char *const group_names[NGRP];

struct nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t grp[NGRP];		/* multicast group ids, 0: not offered */
	uint32_t seq;
	char extack[256];		/* the kernel's message on the last error, or "" */
	bool dump_intr;			/* the last dump had NLM_F_DUMP_INTR */
	int dump_delay_ms;		/* test-only (list --read-delay-ms): slow dumps */
};

#define NL_BUFSZ	(64 * 1024)

typedef int (*msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Opens the request socket and looks the family up; dies if it cannot. */
void nl_open(struct nl *nl);

/* Only opens the request socket (dies if it cannot), for nl_resolve(). */
void nl_socket(struct nl *nl);

/*
 * Looks the family up (again: its id changes when the module is reloaded)
 * on an open socket: 0, -ENOENT when the module is not loaded, or -errno.
 */
int nl_resolve(struct nl *nl);

/* A request of the family (or of @family, for the controller) in @buf. */
struct nlmsghdr *genl_msg(char *buf, uint16_t family, uint8_t cmd, uint16_t flags);

/*
 * Sends @nlh and reads replies to it until the ACK, the end of the dump or
 * an error; every data message goes to @cb until it returns non-zero.
 * Returns 0 or -errno, with nl->extack set from the error or the dump's
 * NLMSG_DONE.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, msg_cb cb, void *data);

/*
 * Ask for every namespace (TCPFSM_A_ALL_NETNS) in a FLOW_GET, STATS_GET or
 * SUMMARY_GET dump request or an EVENT_SUBSCRIBE: the kernel allows it
 * only from the initial namespace with CAP_NET_ADMIN (EPERM and its reason
 * otherwise), and then names each message's namespace.
 */
void put_all_netns(struct nlmsghdr *nlh);

/* A request of @cmd without attributes, its reply to @cb; dies naming @what on an error. */
void nl_get(struct nl *nl, uint8_t cmd, msg_cb cb, void *data, const char *what);

/* One clear line for the failed request @what, with the kernel's own words. */
void nl_fail(struct nl *nl, int err, const char *what) __attribute__((noreturn));

/* Index a nest's (or a message's) attributes by type; unknown types ignored. */
void index_nest(const struct nlattr *nest, const struct nlattr **tb, unsigned int max);
void index_msg(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int max);

/* An attribute's value, or 0 when it is absent or of the wrong size. */
uint64_t get_u64(const struct nlattr *a);
uint32_t get_u32(const struct nlattr *a);
uint8_t get_u8(const struct nlattr *a);
uint16_t get_be16(const struct nlattr *a);

#endif
