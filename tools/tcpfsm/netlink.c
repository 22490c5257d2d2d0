// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "common.h"
#include "netlink.h"

const char *const group_names[NGRP] = {
	[GRP_NEW] = TCPFSM_MCGRP_NEW,
	[GRP_CHANGE] = TCPFSM_MCGRP_CHANGE,
	[GRP_DESTROY] = TCPFSM_MCGRP_DESTROY,
	[GRP_STUCK] = TCPFSM_MCGRP_STUCK,
};

/* The kernel's extended ACK message among @nlh's attributes from @off. */
static void read_extack(struct nl *nl, const struct nlmsghdr *nlh, unsigned int off)
{
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(nl->extack, sizeof(nl->extack), "%s", mnl_attr_get_str(a));
	}
}

/* Error from a NLMSG_ERROR message, with the kernel's extack message kept. */
static int parse_error(struct nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (e->error) {
		/* Unless capped, the request follows whole: the TLVs after it. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		read_extack(nl, nlh, off);
	}
	return e->error;
}

/* Error from a dump's NLMSG_DONE: a dump refused after its start says why there. */
static int parse_done(struct nl *nl, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int)))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err)
		read_extack(nl, nlh, sizeof(int));
	return err;
}

int nl_talk(struct nl *nl, struct nlmsghdr *nlh, msg_cb cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(nl->sock);
	static char buf[NL_BUFSZ];
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;
	int ret = 0;

	nl->extack[0] = 0;
	nl->dump_intr = false;
	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *m;
		ssize_t len;
		int rem;

		if (dump && nl->dump_delay_ms > 0)
			sleep_ms(nl->dump_delay_ms);
		len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		rem = (int)len;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, rem);
		     m = mnl_nlmsg_next(m, &rem)) {
			if (m->nlmsg_seq != nl->seq || m->nlmsg_pid != portid)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				nl->dump_intr = true;
			if (m->nlmsg_type == NLMSG_ERROR) {
				int err = parse_error(nl, m);

				if (err)
					return err;
				if (!dump)
					return ret;
				continue;
			}
			/* With NLM_F_ACK the DONE is followed by no ACK on
			 * older kernels and by one on none: we are done.
			 */
			if (m->nlmsg_type == NLMSG_DONE)
				return parse_done(nl, m);
			if (m->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb && !ret)
				ret = cb(m, data);
		}
	}
}

struct nlmsghdr *genl_msg(char *buf, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = TCPFSM_GENL_VERSION;
	return nlh;
}

static void family_group(struct nl *nl, const struct nlattr *grp)
{
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;
	int i;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = mnl_attr_get_u32(a);
	}
	for (i = 0; name && i < NGRP; i++)
		if (!strcmp(name, group_names[i]))
			nl->grp[i] = id;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl *nl = data;
	const struct nlattr *a, *g;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			nl->family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a)
				family_group(nl, g);
			break;
		}
	}
	return 0;
}

int nl_resolve(struct nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int err;

	nl->family = 0;
	memset(nl->grp, 0, sizeof(nl->grp));
	nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPFSM_GENL_NAME);
	err = nl_talk(nl, nlh, family_cb, nl);
	if (!err && !nl->family)
		err = -ENOENT;
	return err;
}

void nl_socket(struct nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		die(1, "netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		die(1, "netlink bind: %s", strerror(errno));
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->seq = (uint32_t)time(NULL);
}

void nl_open(struct nl *nl)
{
	int err;

	nl_socket(nl);
	err = nl_resolve(nl);
	if (err == -ENOENT)
		die(EXIT_NOMOD, "module not loaded (genetlink family %s not found)",
		    TCPFSM_GENL_NAME);
	if (err)
		die(1, "genetlink controller: %s", strerror(-err));
}

void put_all_netns(struct nlmsghdr *nlh)
{
	mnl_attr_put(nlh, TCPFSM_A_ALL_NETNS, 0, NULL);
}

void nl_get(struct nl *nl, uint8_t cmd, msg_cb cb, void *data, const char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	err = nl_talk(nl, genl_msg(buf, nl->family, cmd, 0), cb, data);
	if (err)
		nl_fail(nl, err, what);
}

void nl_fail(struct nl *nl, int err, const char *what)
{
	int code = 1;

	if (err == -EPERM || err == -EACCES) {
		code = EXIT_PERM;
		if (nl->extack[0])
			die(code, "permission denied: %s needs CAP_NET_ADMIN (kernel: %s)",
			    what, nl->extack);
		die(code, "permission denied: %s needs CAP_NET_ADMIN", what);
	}
	if (nl->extack[0])
		die(code, "%s: %s (kernel: %s)", what, strerror(-err), nl->extack);
	die(code, "%s: %s", what, strerror(-err));
}

/* ---- attributes ---- */

void index_nest(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
}

void index_msg(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
}

uint64_t get_u64(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 8 ? mnl_attr_get_u64(a) : 0;
}

uint32_t get_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : 0;
}

uint8_t get_u8(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

uint16_t get_be16(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 2 ? ntohs(mnl_attr_get_u16(a)) : 0;
}
