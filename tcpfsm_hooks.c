// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: parse each TCP segment and hand it to the table.
 *
 * Every segment is seen exactly once per namespace: locally sent ones at
 * LOCAL_OUT, everything else at PRE_ROUTING, except what arrives on a
 * loopback device, which this namespace already saw leaving.  Forwarded
 * segments are seen at PRE_ROUTING only.  We run just after conntrack and
 * defragmentation, never change or drop anything, never sleep.
 *
 * A segment must be whole to be tracked: a first fragment holds the TCP
 * header but only part of the payload, so its sender's end would be short
 * and every later ACK refused.  Without conntrack in a namespace nothing
 * reassembles before us, so we enable netfilter's defragmentation in every
 * namespace ourselves, as conntrack does: whatever reaches our hooks is
 * whole, and a forwarded packet is refragmented by the stack to the largest
 * fragment it arrived in (IPCB/IP6CB frag_max_size).  defrag=0 leaves
 * forwarded fragments byte-for-byte untouched instead; then, as whenever a
 * fragment reaches us anyway, it is counted and skipped, never parsed.
 */

#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "tcpfsm_bench.h"
#include "tcpfsm_hooks.h"
#include "tcpfsm_table.h"

static bool tcpfsm_param_defrag = true;
module_param_named(defrag, tcpfsm_param_defrag, bool, 0444);
MODULE_PARM_DESC(defrag,
		 "Reassemble fragments in every namespace, as conntrack does (default: yes; no leaves them untouched, counted and not tracked)");

/*
 * The buffers skb_header_pointer() copies a header into when it is not in
 * the linear part are written before they are read, and on most segments
 * never used at all; the stock kernels build with every automatic variable
 * zeroed (CONFIG_INIT_STACK_ALL_ZERO), which would cost each segment a dozen
 * stores for them.  So they are __uninitialized, and so are the tuple and
 * the segment the hooks fill, field by field, for the table.
 */

/*
 * The window scale option of a SYN whose TCP header at @thoff is @doff
 * bytes long (more than the fixed part) into @seg.  False (counted) when
 * the options are not all in the packet.  Out of line: only SYNs come here.
 */
static noinline bool tcpfsm_parse_wscale(struct net *net, const struct sk_buff *skb,
					 unsigned int thoff, unsigned int doff,
					 struct tcpfsm_seg *seg)
{
	u8 _opt[MAX_TCP_OPTION_SPACE] __uninitialized;
	unsigned int olen = doff - sizeof(struct tcphdr), i;
	const u8 *opt;

	opt = skb_header_pointer(skb, thoff + sizeof(struct tcphdr), olen, _opt);
	if (!opt) {
		tcpfsm_table_count_skip(net, false);
		return false;
	}
	for (i = 0; i < olen;) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= olen || opt[i + 1] < 2)
			break;		/* malformed: ignore the rest */
		if (opt[i] == TCPOPT_WINDOW && opt[i + 1] == TCPOLEN_WINDOW &&
		    i + TCPOLEN_WINDOW <= olen)
			seg->wscale = min_t(u8, opt[i + 2], TCPFSM_WSCALE_MAX);
		i += opt[i + 1];
	}
	return true;
}

/*
 * Fill @seg from the TCP header at @thoff; @len is the IP payload length.
 * Returns false (and counts it) when the header is truncated or lies.
 * Inlined into each hook: it runs for every segment.
 */
static __always_inline bool tcpfsm_parse_tcp(struct net *net, const struct sk_buff *skb,
					     unsigned int thoff, unsigned int len,
					     struct tcpfsm_tuple *t, struct tcpfsm_seg *seg)
{
	struct tcphdr _th __uninitialized;
	const struct tcphdr *th;
	unsigned int doff;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	doff = th ? th->doff * 4 : 0;
	if (!th || doff < sizeof(_th) || doff > len) {
		tcpfsm_table_count_skip(net, false);
		return false;
	}

	t->port[0] = th->source;
	t->port[1] = th->dest;
	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->win = ntohs(th->window);
	seg->flags = tcp_flag_byte(th);
	seg->len = len - doff;
	seg->dir = TCPFSM_DIR_ORIG;
	seg->wscale = TCPFSM_WSCALE_NONE;

	/* Window scale is only meaningful on SYNs (RFC 7323 2.2). */
	if (!th->syn || doff == sizeof(_th))
		return true;
	return tcpfsm_parse_wscale(net, skb, thoff, doff, seg);
}

/* A GSO skb stands for gso_segs segments on the wire. */
static u32 tcpfsm_segs(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? max_t(u32, skb_shinfo(skb)->gso_segs, 1) : 1;
}

static bool tcpfsm_seen_at_local_out(const struct nf_hook_state *state)
{
	return state->hook == NF_INET_PRE_ROUTING && state->in &&
	       (state->in->flags & IFF_LOOPBACK);
}

VISIBLE_IF_TCPFSM_BENCH unsigned int tcpfsm_hook_ipv4(void *priv, struct sk_buff *skb,
						      const struct nf_hook_state *state)
{
	unsigned int nhoff = skb_network_offset(skb), thoff;
	/* For AF_INET the table reads only the .ip of each address. */
	struct tcpfsm_tuple t __uninitialized;
	struct tcpfsm_seg seg __uninitialized;
	struct iphdr _iph __uninitialized;
	const struct iphdr *iph;

	if (tcpfsm_seen_at_local_out(state))
		return NF_ACCEPT;
	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph || iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	/* Any fragment, the first one (MF, offset 0) too: its length is cut. */
	if (ip_is_fragment(iph)) {
		tcpfsm_table_count_skip(state->net, true);
		return NF_ACCEPT;
	}
	thoff = nhoff + iph->ihl * 4;
	if (iph->ihl < 5 || thoff > skb->len) {
		tcpfsm_table_count_skip(state->net, false);
		return NF_ACCEPT;
	}
	/* skb->len, not tot_len: a GSO skb's tot_len may be 0 (BIG TCP). */
	if (!tcpfsm_parse_tcp(state->net, skb, thoff, skb->len - thoff, &t, &seg))
		return NF_ACCEPT;
	t.family = AF_INET;
	t.addr[0].ip = iph->saddr;
	t.addr[1].ip = iph->daddr;
	tcpfsm_table_segment(priv, &t, &seg, tcpfsm_segs(skb));
	return NF_ACCEPT;
}

static unsigned int tcpfsm_hook_ipv6(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct tcpfsm_tuple t __uninitialized;
	struct tcpfsm_seg seg __uninitialized;
	struct ipv6hdr _ip6h __uninitialized;
	unsigned int thoff = 0;
	const struct ipv6hdr *ip6h;
	unsigned short fragoff = 0;
	int proto, flags = 0;

	if (tcpfsm_seen_at_local_out(state))
		return NF_ACCEPT;
	ip6h = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return NF_ACCEPT;
	/*
	 * Target -1: the last header (for a later fragment the fragment
	 * header's next header).  flags must start at 0: the function reads
	 * them.  A fragment header anywhere means a cut payload, the first
	 * fragment's too; an atomic fragment (offset 0, no MF: RFC 8021
	 * deprecates them) is skipped as well rather than walk the chain twice.
	 */
	proto = ipv6_find_hdr(skb, &thoff, -1, &fragoff, &flags);
	/*
	 * A later fragment whose fragmentable part starts with an extension
	 * header (RFC 8200 4.5) makes ipv6_find_hdr() fail, with the fragment
	 * flag set: it is a fragment, not a truncated packet.
	 */
	if (flags & IP6_FH_F_FRAG) {
		if (proto == IPPROTO_TCP || proto < 0)
			tcpfsm_table_count_skip(state->net, true);
		return NF_ACCEPT;
	}
	if (proto != IPPROTO_TCP) {
		if (proto < 0)
			tcpfsm_table_count_skip(state->net, false);
		return NF_ACCEPT;
	}
	if (!tcpfsm_parse_tcp(state->net, skb, thoff, skb->len - thoff, &t, &seg))
		return NF_ACCEPT;
	t.family = AF_INET6;
	t.addr[0].in6 = ip6h->saddr;
	t.addr[1].in6 = ip6h->daddr;
	tcpfsm_table_segment(priv, &t, &seg, tcpfsm_segs(skb));
	return NF_ACCEPT;
}

/*
 * Just after conntrack, so defragmentation (NF_IP_PRI_CONNTRACK_DEFRAG,
 * -400: ours or conntrack's) has already happened.  Each namespace
 * registers a copy whose private data is its table (struct
 * tcpfsm_hooks_net), so that a segment does not look the table up.
 */
static const struct nf_hook_ops tcpfsm_nf_ops[] = {
	{
		.hook = tcpfsm_hook_ipv4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook = tcpfsm_hook_ipv4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook = tcpfsm_hook_ipv6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
	{
		.hook = tcpfsm_hook_ipv6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
};

struct tcpfsm_hooks_net {
	struct nf_hook_ops ops[ARRAY_SIZE(tcpfsm_nf_ops)];
};

static unsigned int tcpfsm_hooks_net_id __read_mostly;

/*
 * Defragmentation is reference counted per namespace (conntrack takes its own
 * reference), so ours is dropped exactly when we go.  The defrag modules'
 * own pernet exit runs after ours: they registered first.  The table's
 * pernet init runs before ours and its exit after (tcpfsm_main.c's order).
 */
static int __net_init tcpfsm_hooks_net_init(struct net *net)
{
	struct tcpfsm_hooks_net *hn = net_generic(net, tcpfsm_hooks_net_id);
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(hn->ops); i++) {
		hn->ops[i] = tcpfsm_nf_ops[i];
		hn->ops[i].priv = tcpfsm_pernet(net);
	}

	if (tcpfsm_param_defrag) {
		err = nf_defrag_ipv4_enable(net);
		if (err)
			return err;
		err = nf_defrag_ipv6_enable(net);
		if (err)
			goto err_ipv6;
	}
	err = nf_register_net_hooks(net, hn->ops, ARRAY_SIZE(hn->ops));
	if (err)
		goto err_hooks;
	return 0;

err_hooks:
	if (tcpfsm_param_defrag)
		nf_defrag_ipv6_disable(net);
err_ipv6:
	if (tcpfsm_param_defrag)
		nf_defrag_ipv4_disable(net);
	return err;
}

static void __net_exit tcpfsm_hooks_net_exit(struct net *net)
{
	struct tcpfsm_hooks_net *hn = net_generic(net, tcpfsm_hooks_net_id);

	nf_unregister_net_hooks(net, hn->ops, ARRAY_SIZE(hn->ops));
	if (tcpfsm_param_defrag) {
		nf_defrag_ipv6_disable(net);
		nf_defrag_ipv4_disable(net);
	}
}

static struct pernet_operations tcpfsm_hooks_net_ops = {
	.init = tcpfsm_hooks_net_init,
	.exit = tcpfsm_hooks_net_exit,
	.id = &tcpfsm_hooks_net_id,
	.size = sizeof(struct tcpfsm_hooks_net),
};

int tcpfsm_hooks_init(void)
{
	return register_pernet_subsys(&tcpfsm_hooks_net_ops);
}

void tcpfsm_hooks_uninit(void)
{
	unregister_pernet_subsys(&tcpfsm_hooks_net_ops);
}
