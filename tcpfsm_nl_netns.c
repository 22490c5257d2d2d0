// SPDX-License-Identifier: GPL-2.0
/*
 * The host-wide view: which namespace a message is about, who may ask for
 * every namespace (TCPFSM_A_ALL_NETNS), and walking the namespaces across
 * a dump's batches.
 *
 * A container is an adversary: only the initial namespace's administrator
 * sees other namespaces; everyone else, a container's root included, keeps
 * seeing their own namespace only.
 */

#include <linux/capability.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "tcpfsm_compat.h"
#include "tcpfsm_nl.h"

int tcpfsm_nl_put_netns(struct sk_buff *skb, const struct net *net)
{
	if (nla_put_u64_64bit(skb, TCPFSM_A_NETNS_COOKIE, tcpfsm_net_cookie(net),
			      TCPFSM_A_PAD) ||
	    nla_put_u32(skb, TCPFSM_A_NETNS_INO, tcpfsm_net_ino(net)))
		return -EMSGSIZE;
	return 0;
}

int tcpfsm_nl_all_netns_ok(struct sk_buff *skb, const struct net *net,
			   struct netlink_ext_ack *extack)
{
	/*
	 * Both: CAP_NET_ADMIN over the initial user namespace from inside a
	 * container's network namespace would still be a view from elsewhere.
	 */
	if (!net_eq(net, &init_net)) {
		NL_SET_ERR_MSG(extack,
			       "all-netns is only for the initial network namespace: a namespace sees only its own flows");
		return -EPERM;
	}
	if (!netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "all-netns needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	return 0;
}
