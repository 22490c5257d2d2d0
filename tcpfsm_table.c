// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: one rhashtable per network namespace, keyed so that both
 * directions of a connection find the same flow, a per-flow lock around the
 * state machine, a self-rearming garbage collector and the max_flows limit.
 *
 * Nothing global is written on the packet path but per-CPU counters and the
 * one atomic flow count that max_flows needs.
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <kunit/visibility.h>

#include "tcpfsm_table.h"
#include "tcpfsm_table_test.h"
#include "tcpfsm_netlink.h"

/*
 * Times are kept in u32 jiffies (see struct tcpfsm_flow): TCPFSM_TIMEOUT_MAX
 * (2^31 ms) stays below 2^31 jiffies up to HZ=1000.
 */

/* GC: at most this many flows per run; a full pass then waits a second. */
#define TCPFSM_GC_BUDGET	1000
#define TCPFSM_GC_INTERVAL	HZ
/*
 * Eviction looks at this many buckets, as conntrack's early_drop does, and
 * on to TCPFSM_EVICT_BUCKETS_MAX while it has found only connections that
 * completed their handshake, which it never evicts: under a SYN flood a few
 * buckets without a half-open flow are common, and a new flow should not go
 * untracked for them.
 */
#define TCPFSM_EVICT_BUCKETS	8
#define TCPFSM_EVICT_BUCKETS_MAX	64

/*
 * The canonical key: the two (address, port) endpoints in ascending order,
 * so a segment and its reply build the same key.  Addresses are packed as
 * flows store them (see struct tcpfsm_flow): IPv4 in words 0 and 1, IPv6 in
 * words 0-3 and 4-7.  Only lookups use this form; a flow keeps its own.
 */
struct tcpfsm_key {
	__be32 addr[8];
	__be16 port[2];
	u8 family;
};

/* struct tcpfsm_flow.fl bits */
#define TCPFSM_FL_DEAD		0x01	/* removed from the table */
#define TCPFSM_FL_RST		0x02	/* a RST closed it */
#define TCPFSM_FL_HS		0x04	/* SYN seen: hs_start_us is running */
#define TCPFSM_FL_RTT		0x08	/* handshake seen: rtt_us is valid */
#define TCPFSM_FL_CLIENT1	0x10	/* the client is key side 1 */

/*
 * One connection, 144 bytes for IPv4 and 168 for IPv6 on 64-bit without lock
 * debugging (112 and 136 with acct=0): each family has its own cache, sized
 * to its addresses and, unless acct=0, followed by the packet and byte
 * counters (struct tcpfsm_acct, see tcpfsm_flow_acct()).  Times are the low
 * 32 bits of jiffies, which is enough since the GC looks at every flow within
 * seconds and timeouts stay below 2^31 jiffies; the generation keeps its low
 * 32 bits too (see tcpfsm_flow_gen()).
 *
 * The caches are SLAB_TYPESAFE_BY_RCU, as conntrack's: a flow is freed at
 * once and its memory may become another flow of the same family while an
 * RCU reader still holds it, in this namespace's table or in another's.  So
 * the lock is set up once, by the cache's constructor; a free flow is always
 * DEAD; whoever finds a flow by key checks under its lock that it is live,
 * still has that key and is in the table it was looked up in; and a walker
 * checks the last two (tcpfsm_flow_mine()) before it acts on or shows a flow.
 * @owner costs 8 bytes a flow; freeing through RCU instead would cost the
 * 16 of an rcu_head and a grace period per flow, and walkers would still
 * need a check, since rhashtable walks are not made for SLAB_TYPESAFE_BY_RCU
 * (a walk may follow a reused flow's chain into another table).
 * Everything after @lock is protected by it.
 */
struct tcpfsm_flow {
	struct rhash_head node;
	spinlock_t lock;		/* the state machine and everything below */
	u8 family;			/* AF_INET or AF_INET6: which cache */
	u8 fl;				/* TCPFSM_FL_* */
	u16 invalid;			/* segments not accepted, saturating */
	struct tcpfsm_net *owner;	/* the table it was created in */
	struct tcpfsm_conn conn;
	union {
		u32 hs_start_us;	/* TCPFSM_FL_HS: when the SYN was seen */
		u32 rtt_us;		/* TCPFSM_FL_RTT */
	};
	u32 created;			/* jiffies */
	u32 last_seen;			/* jiffies of the last accepted segment */
	u32 since[2];			/* jiffies each endpoint entered its state */
	__be16 port[2];			/* key, by key side */
	u32 gen;			/* low bits of the generation of its last change */
	__be32 addr[];			/* key: 2 or 8 words, as in struct tcpfsm_key */
};

/* After the addresses (see tcpfsm_acct_offset()). */
struct tcpfsm_acct {
	u64 packets[2];			/* by endpoint */
	u64 bytes[2];
};

/* Per-CPU counters, indexes into struct tcpfsm_pcpu_stats.c[]. */
enum {
	TCPFSM_CNT_SEGMENTS,
	TCPFSM_CNT_CREATED,
	TCPFSM_CNT_EXPIRED,
	TCPFSM_CNT_CLOSED,
	TCPFSM_CNT_EVICTED,
	TCPFSM_CNT_NOT_TRACKED,
	TCPFSM_CNT_TRUNCATED,
	TCPFSM_CNT_FRAGMENTS,
	TCPFSM_CNT_EVENTS_LOST,
	TCPFSM_CNT_INVALID,		/* + enum tcpfsm_reason */
	TCPFSM_CNT_MAX = TCPFSM_CNT_INVALID + __TCPFSM_REASON_MAX,
};

struct tcpfsm_pcpu_stats {
	unsigned long c[TCPFSM_CNT_MAX];
};

struct tcpfsm_net {
	struct rhashtable table;
	struct net *net;
	struct list_head list;		/* in tcpfsm_nets, while it may donate */
	struct tcpfsm_pcpu_stats __percpu *stats;
	atomic64_t gen;
	atomic_t flows;			/* charged: in the table or being added */
	u32 quota;			/* netns_max_flows; 0: the default */
	bool dying;
	spinlock_t cfg_lock;		/* serialises writers of @cfg */
	struct tcpfsm_config cfg;	/* readers use READ_ONCE() */
	struct delayed_work gc;
	struct rhashtable_iter gc_iter;	/* where the last GC run stopped */
};

static unsigned int tcpfsm_net_id __read_mostly;
/* Flow caches by family: [0] IPv4, [1] IPv6. */
static struct kmem_cache *tcpfsm_flow_cache[2] __read_mostly;
static atomic_t tcpfsm_flows_total = ATOMIC_INIT(0);
/* Every namespace's table, for the evictor when the whole table is full. */
static LIST_HEAD(tcpfsm_nets);
static DEFINE_SPINLOCK(tcpfsm_nets_lock);

static struct kmem_cache *tcpfsm_cache(u8 family)
{
	return tcpfsm_flow_cache[family == AF_INET6];
}

/* Words in one address of @family. */
static unsigned int tcpfsm_addr_words(u8 family)
{
	return family == AF_INET ? 1 : 4;
}

/*
 * Every segment hashes its key.  An IPv4 key is three words: one final mix.
 * The same function hashes a lookup key and a flow's own copy of it.
 */
static u32 tcpfsm_hash(u8 family, const __be32 *addr, const __be16 *port, u32 seed)
{
	u32 ports = (__force u32)port[0] << 16 | (__force u16)port[1];

	if (family == AF_INET)
		return jhash_3words((__force u32)addr[0], (__force u32)addr[1],
				    ports, seed);
	return jhash2((__force const u32 *)addr, 8, seed ^ ports);
}

static u32 tcpfsm_key_hash(const void *data, u32 len, u32 seed)
{
	const struct tcpfsm_key *key = data;

	return tcpfsm_hash(key->family, key->addr, key->port, seed);
}

static u32 tcpfsm_flow_hash(const void *data, u32 len, u32 seed)
{
	const struct tcpfsm_flow *flow = data;

	return tcpfsm_hash(flow->family, flow->addr, flow->port, seed);
}

static bool tcpfsm_flow_has_key(const struct tcpfsm_flow *flow,
				const struct tcpfsm_key *key)
{
	return flow->family == key->family &&
	       !memcmp(flow->port, key->port, sizeof(flow->port)) &&
	       !memcmp(flow->addr, key->addr,
		       2 * tcpfsm_addr_words(key->family) * sizeof(__be32));
}

static int tcpfsm_flow_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	return !tcpfsm_flow_has_key(obj, arg->key);
}

/*
 * A flow a walker of @tn found is one it may act on or show if, under its
 * lock, it is still in a table and that table is @tn's: its memory may have
 * been freed and reused, in any namespace, since the walker reached it (see
 * struct tcpfsm_flow).
 */
static bool tcpfsm_flow_mine(const struct tcpfsm_net *tn,
			     const struct tcpfsm_flow *flow)
{
	lockdep_assert_held(&flow->lock);
	return !(flow->fl & TCPFSM_FL_DEAD) && flow->owner == tn;
}

/* A flow found by @key is the one wanted if it is still @tn's and has @key. */
static bool tcpfsm_flow_live(const struct tcpfsm_net *tn,
			     const struct tcpfsm_flow *flow,
			     const struct tcpfsm_key *key)
{
	return tcpfsm_flow_mine(tn, flow) && tcpfsm_flow_has_key(flow, key);
}

static const struct rhashtable_params tcpfsm_rht_params = {
	.head_offset = offsetof(struct tcpfsm_flow, node),
	.key_len = sizeof(struct tcpfsm_key),
	.hashfn = tcpfsm_key_hash,
	.obj_hashfn = tcpfsm_flow_hash,
	.obj_cmpfn = tcpfsm_flow_cmp,
	.automatic_shrinking = true,
};

/* Module parameters: the defaults every new namespace starts from. */

static unsigned int tcpfsm_param_timeout[__TCPFSM_STATE_MAX] = {
	[TCPFSM_STATE_SYN_SENT] = 120,
	[TCPFSM_STATE_SYN_RECEIVED] = 60,
	[TCPFSM_STATE_LISTEN] = 60,
	[TCPFSM_STATE_ESTABLISHED] = 432000,	/* 5 days, as conntrack */
	[TCPFSM_STATE_FIN_WAIT_1] = 120,
	[TCPFSM_STATE_FIN_WAIT_2] = 120,
	[TCPFSM_STATE_CLOSE_WAIT] = 60,
	[TCPFSM_STATE_CLOSING] = 120,
	[TCPFSM_STATE_LAST_ACK] = 30,
	[TCPFSM_STATE_TIME_WAIT] = 60,		/* Linux's own TIME-WAIT */
	[TCPFSM_STATE_CLOSED] = 10,
};

/*
 * A flow picked up mid-stream that has heard from one side only may be a
 * stray segment of a connection that is already gone (the last ACK of one we
 * evicted, say): it must not squat the table for timeout_established.
 * conntrack likewise gives a loose pickup 300 s to see a reply.
 */
static unsigned int tcpfsm_param_timeout_pickup = 300;

static bool tcpfsm_param_pickup = true;
module_param_named(pickup, tcpfsm_param_pickup, bool, 0444);
MODULE_PARM_DESC(pickup, "Track connections picked up mid-stream (default: yes)");

/* As conntrack's nf_conntrack_acct: counters cost a quarter of a flow. */
static bool tcpfsm_param_acct __read_mostly = true;
module_param_named(acct, tcpfsm_param_acct, bool, 0444);
MODULE_PARM_DESC(acct, "Count packets and bytes per flow (default: yes; no saves 32 bytes a flow)");

/* 0 until load: then sized from RAM unless given. */
static unsigned int tcpfsm_max_flows;

static int tcpfsm_param_set_timeout(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !v || v > TCPFSM_TIMEOUT_MAX) {
		pr_err("%s: must be 1..%u seconds, got '%s'\n",
		       kp->name, TCPFSM_TIMEOUT_MAX, val);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops tcpfsm_timeout_ops = {
	.set = tcpfsm_param_set_timeout,
	.get = param_get_uint,
};

#define TCPFSM_TIMEOUT_PARAM(name, state, what)				\
	module_param_cb(timeout_##name, &tcpfsm_timeout_ops,		\
			&tcpfsm_param_timeout[state], 0444);		\
	MODULE_PARM_DESC(timeout_##name, "Idle timeout in " what " (seconds)")

TCPFSM_TIMEOUT_PARAM(syn_sent, TCPFSM_STATE_SYN_SENT, "SYN-SENT");
TCPFSM_TIMEOUT_PARAM(syn_received, TCPFSM_STATE_SYN_RECEIVED, "SYN-RECEIVED");
TCPFSM_TIMEOUT_PARAM(listen, TCPFSM_STATE_LISTEN, "LISTEN (SYN not answered)");
TCPFSM_TIMEOUT_PARAM(established, TCPFSM_STATE_ESTABLISHED, "ESTABLISHED");
TCPFSM_TIMEOUT_PARAM(fin_wait_1, TCPFSM_STATE_FIN_WAIT_1, "FIN-WAIT-1");
TCPFSM_TIMEOUT_PARAM(fin_wait_2, TCPFSM_STATE_FIN_WAIT_2, "FIN-WAIT-2");
TCPFSM_TIMEOUT_PARAM(close_wait, TCPFSM_STATE_CLOSE_WAIT, "CLOSE-WAIT");
TCPFSM_TIMEOUT_PARAM(closing, TCPFSM_STATE_CLOSING, "CLOSING");
TCPFSM_TIMEOUT_PARAM(last_ack, TCPFSM_STATE_LAST_ACK, "LAST-ACK");
TCPFSM_TIMEOUT_PARAM(time_wait, TCPFSM_STATE_TIME_WAIT, "TIME-WAIT, then CLOSED");
TCPFSM_TIMEOUT_PARAM(closed, TCPFSM_STATE_CLOSED, "CLOSED on both sides, before removal");
module_param_cb(timeout_pickup, &tcpfsm_timeout_ops, &tcpfsm_param_timeout_pickup, 0444);
MODULE_PARM_DESC(timeout_pickup, "Idle timeout of a flow picked up mid-stream until both sides are seen (seconds)");

static int tcpfsm_param_set_max_flows(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !v || v > TCPFSM_MAX_FLOWS_MAX) {
		pr_err("max_flows: must be 1..%u, got '%s'\n",
		       TCPFSM_MAX_FLOWS_MAX, val);
		return -EINVAL;
	}
	WRITE_ONCE(tcpfsm_max_flows, v);
	return 0;
}

static const struct kernel_param_ops tcpfsm_max_flows_ops = {
	.set = tcpfsm_param_set_max_flows,
	.get = param_get_uint,
};

module_param_cb(max_flows, &tcpfsm_max_flows_ops, &tcpfsm_max_flows, 0444);
MODULE_PARM_DESC(max_flows, "Flows tracked in all namespaces (default: RAM / 16 KiB, 1024..1M)");

/*
 * A namespace other than the initial one holds at most this many flows, so
 * that a container flooding its own loopback cannot take every slot.  0:
 * max_flows / TCPFSM_NETNS_SHARE, following max_flows as it changes.
 */
#define TCPFSM_NETNS_SHARE	4
static unsigned int tcpfsm_param_netns_max_flows;

static int tcpfsm_param_set_netns_max_flows(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v > TCPFSM_MAX_FLOWS_MAX) {
		pr_err("netns_max_flows: must be 0 (max_flows / %u) or 1..%u, got '%s'\n",
		       TCPFSM_NETNS_SHARE, TCPFSM_MAX_FLOWS_MAX, val);
		return -EINVAL;
	}
	WRITE_ONCE(tcpfsm_param_netns_max_flows, v);
	return 0;
}

static const struct kernel_param_ops tcpfsm_netns_max_flows_ops = {
	.set = tcpfsm_param_set_netns_max_flows,
	.get = param_get_uint,
};

module_param_cb(netns_max_flows, &tcpfsm_netns_max_flows_ops,
		&tcpfsm_param_netns_max_flows, 0444);
MODULE_PARM_DESC(netns_max_flows,
		 "Flows one non-initial namespace may hold (default 0: max_flows / 4)");

static struct tcpfsm_net *tcpfsm_pernet(const struct net *net)
{
	return net_generic(net, tcpfsm_net_id);
}

/* Per-CPU counters: safe from any context, no shared cache line. */
static void tcpfsm_count_add(struct tcpfsm_net *tn, unsigned int cnt, unsigned long n)
{
	this_cpu_add(tn->stats->c[cnt], n);
}

static void tcpfsm_count(struct tcpfsm_net *tn, unsigned int cnt)
{
	tcpfsm_count_add(tn, cnt, 1);
}

static void tcpfsm_count_invalid(struct tcpfsm_net *tn, u8 reason)
{
	/* The FSM names a reason for every refusal: anything else is our bug. */
	if (WARN_ON_ONCE(!reason || reason >= __TCPFSM_REASON_MAX))
		return;
	tcpfsm_count(tn, TCPFSM_CNT_INVALID + reason);
}

/*
 * Build the canonical key of tuple @t (oriented sender, receiver) and return
 * the key side of t's endpoint 0.
 */
static u8 tcpfsm_key_make(struct tcpfsm_key *key, const struct tcpfsm_tuple *t)
{
	unsigned int words = tcpfsm_addr_words(t->family);
	size_t alen = words * sizeof(__be32);
	int cmp;
	u8 side;

	cmp = memcmp(&t->addr[0], &t->addr[1], alen);
	if (!cmp)
		cmp = memcmp(&t->port[0], &t->port[1], sizeof(t->port[0]));
	side = cmp > 0;
	memcpy(&key->addr[side * words], &t->addr[0], alen);
	memcpy(&key->addr[!side * words], &t->addr[1], alen);
	key->port[side] = t->port[0];
	key->port[!side] = t->port[1];
	key->family = t->family;
	return side;
}

static u32 tcpfsm_now(void)
{
	return (u32)jiffies;
}

/*
 * Milliseconds from @then to @now, saturating at U32_MAX (49.7 days):
 * jiffies_to_msecs() would wrap in u32 first where HZ < 1000.  The GC keeps
 * every stored time within 2^31 jiffies of now (tcpfsm_time_pin()), so the
 * jiffies difference itself never wraps.
 */
VISIBLE_IF_KUNIT u32 tcpfsm_ms_since(u32 now, u32 then)
{
	return min_t(u64, jiffies64_to_msecs(now - then), U32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_ms_since);

/*
 * A time more than 2^31 jiffies back (24.8 days at HZ=1000, 99 at HZ=250)
 * is moved up to exactly that far back, so that u32 arithmetic never sees
 * it as in the future: ages then saturate there, or at U32_MAX ms where
 * that comes first (HZ below 500).
 */
VISIBLE_IF_KUNIT void tcpfsm_time_pin(u32 now, u32 *t)
{
	if (now - *t > (u32)S32_MAX)
		*t = now - (u32)S32_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_time_pin);

static u64 tcpfsm_next_gen(struct tcpfsm_net *tn, struct tcpfsm_flow *flow)
{
	u64 gen = atomic64_inc_return(&tn->gen);

	flow->gen = (u32)gen;
	return gen;
}

/*
 * A flow's generation from the low 32 bits it keeps: the latest one with
 * those bits, not after the namespace's current generation.  Exact unless
 * the flow has not changed for 2^32 generations; it is then shown as newer
 * than it is, never older, so a dump of the flows changed since some
 * generation may list such a flow again but never misses a changed one.
 * The caller holds the flow's lock: the current generation is then at least
 * the flow's.
 */
static u64 tcpfsm_flow_gen(struct tcpfsm_net *tn, const struct tcpfsm_flow *flow)
{
	u64 now = atomic64_read(&tn->gen);

	return now - (u32)((u32)now - flow->gen);
}

static u8 tcpfsm_flow_client(const struct tcpfsm_flow *flow)
{
	return !!(flow->fl & TCPFSM_FL_CLIENT1);
}

/* Where a flow of @family ends without counters, and where they start. */
static size_t tcpfsm_addr_end(u8 family)
{
	return offsetof(struct tcpfsm_flow, addr) +
	       2 * tcpfsm_addr_words(family) * sizeof(__be32);
}

static size_t tcpfsm_acct_offset(u8 family)
{
	return ALIGN(tcpfsm_addr_end(family), __alignof__(struct tcpfsm_acct));
}

/* The flow's counters, or NULL when loaded with acct=0. */
static struct tcpfsm_acct *tcpfsm_flow_acct(const struct tcpfsm_flow *flow)
{
	if (!tcpfsm_param_acct)
		return NULL;
	return (void *)flow + tcpfsm_acct_offset(flow->family);
}

void tcpfsm_flow_info(struct net *net, const struct tcpfsm_flow *flow,
		      struct tcpfsm_flow_info *info)
{
	const struct tcpfsm_acct *acct = tcpfsm_flow_acct(flow);
	unsigned int words = tcpfsm_addr_words(flow->family);
	u8 c = tcpfsm_flow_client(flow), e;
	u32 now = tcpfsm_now();

	memset(info, 0, sizeof(*info));
	info->tuple.family = flow->family;
	memcpy(&info->tuple.addr[TCPFSM_CLIENT], &flow->addr[c * words],
	       words * sizeof(__be32));
	memcpy(&info->tuple.addr[TCPFSM_SERVER], &flow->addr[!c * words],
	       words * sizeof(__be32));
	info->tuple.port[TCPFSM_CLIENT] = flow->port[c];
	info->tuple.port[TCPFSM_SERVER] = flow->port[!c];
	for (e = 0; e < 2; e++) {
		info->state[e] = flow->conn.peer[e].state;
		info->in_state_ms[e] = tcpfsm_ms_since(now, flow->since[e]);
		if (acct) {
			info->packets[e] = acct->packets[e];
			info->bytes[e] = acct->bytes[e];
		}
	}
	info->acct = !!acct;
	if (flow->conn.flags & TCPFSM_CONN_PICKUP)
		info->flags |= BIT(TCPFSM_FLOW_PICKUP);
	if (flow->conn.flags & TCPFSM_CONN_SIMOPEN)
		info->flags |= BIT(TCPFSM_FLOW_SIMOPEN);
	if (flow->conn.flags & TCPFSM_CONN_SIMCLOSE)
		info->flags |= BIT(TCPFSM_FLOW_SIMCLOSE);
	info->age_ms = tcpfsm_ms_since(now, flow->created);
	info->idle_ms = tcpfsm_ms_since(now, flow->last_seen);
	info->rtt_us = flow->fl & TCPFSM_FL_RTT ? flow->rtt_us : 0;
	info->invalid = flow->invalid;
	info->gen = tcpfsm_flow_gen(flow->owner, flow);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_flow_info);

/*
 * Take @flow, which is @tn's, out of the table and tell listeners why; the
 * caller holds its lock and frees it with tcpfsm_flow_free() after unlocking
 * if this returns true.  Removing under the lock means whoever finds a flow
 * not yet DEAD under its lock found a live one, and a racing creator can
 * insert its replacement at once.  A flow the table does not hold stays as
 * it is: freeing it could free a flow still linked somewhere.
 */
static bool tcpfsm_flow_destroy(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
				u8 reason)
{
	struct tcpfsm_event ev = {
		.type = TCPFSM_EVENT_DESTROY,
		.reason = reason,
	};

	lockdep_assert_held(&flow->lock);
	if (WARN_ON_ONCE(flow->owner != tn) ||
	    WARN_ON_ONCE(rhashtable_remove_fast(&tn->table, &flow->node,
						tcpfsm_rht_params)))
		return false;
	flow->fl |= TCPFSM_FL_DEAD;
	ev.gen = tcpfsm_next_gen(tn, flow);
	tcpfsm_netlink_event(tn->net, flow, &ev);
	atomic_dec(&tn->flows);
	atomic_dec(&tcpfsm_flows_total);

	switch (reason) {
	case TCPFSM_DESTROY_TIMEOUT:
		tcpfsm_count(tn, TCPFSM_CNT_EXPIRED);
		break;
	case TCPFSM_DESTROY_EVICTED:
		tcpfsm_count(tn, TCPFSM_CNT_EVICTED);
		break;
	case TCPFSM_DESTROY_UNLOAD:
		break;
	default:
		tcpfsm_count(tn, TCPFSM_CNT_CLOSED);
		break;
	}
	return true;
}

/*
 * Free a flow tcpfsm_flow_destroy() took out, after unlocking it.  No grace
 * period: the cache is SLAB_TYPESAFE_BY_RCU (see struct tcpfsm_flow).
 */
static void tcpfsm_flow_free(struct tcpfsm_flow *flow)
{
	kmem_cache_free(tcpfsm_cache(flow->family), flow);
}

/* Emit one CHANGE event per endpoint the segment moved. */
static void tcpfsm_flow_changed(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
				const u8 old_state[2], u8 seg_flags, u8 seg_dir,
				u32 now)
{
	struct tcpfsm_event ev = {
		.type = TCPFSM_EVENT_CHANGE,
		.seg_flags = seg_flags,
		.seg_dir = seg_dir,
	};
	u8 e;

	for (e = 0; e < 2; e++) {
		if (flow->conn.peer[e].state == old_state[e])
			continue;
		ev.endpoint = e;
		ev.old_state = old_state[e];
		ev.new_state = flow->conn.peer[e].state;
		ev.old_state_ms = tcpfsm_ms_since(now, flow->since[e]);
		flow->since[e] = now;
		ev.gen = tcpfsm_next_gen(tn, flow);
		tcpfsm_netlink_event(tn->net, flow, &ev);
	}
}

/*
 * What eviction gives up first: a flow whose connection is over (CLOSED,
 * TIME-WAIT) or whose SYN was never answered (LISTEN); then a half-open one
 * (an endpoint still in SYN-SENT or SYN-RECEIVED: what a SYN flood leaves).
 * A connection that completed its handshake is never given up for a new
 * flow, as conntrack early-drops only unassured entries: the new flow is
 * then not tracked.
 */
enum tcpfsm_evict_class {
	TCPFSM_EVICT_DONE,
	TCPFSM_EVICT_HALF_OPEN,
	TCPFSM_EVICT_ASSURED,
};

VISIBLE_IF_KUNIT int tcpfsm_evict_class(u8 st0, u8 st1)
{
	u8 st[2] = { st0, st1 }, e;
	int class = TCPFSM_EVICT_ASSURED;

	for (e = 0; e < 2; e++) {
		switch (st[e]) {
		case TCPFSM_STATE_CLOSED:
		case TCPFSM_STATE_TIME_WAIT:
		case TCPFSM_STATE_LISTEN:
			return TCPFSM_EVICT_DONE;
		case TCPFSM_STATE_SYN_SENT:
		case TCPFSM_STATE_SYN_RECEIVED:
			class = TCPFSM_EVICT_HALF_OPEN;
			break;
		}
	}
	return class;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_evict_class);

/*
 * Kill @flow, found by a walker or the evictor of @tn, if under its lock it
 * is still @tn's and, when @key is given, still the connection chosen.
 */
VISIBLE_IF_KUNIT bool tcpfsm_flow_kill(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
				       const struct tcpfsm_key *key, u8 reason)
{
	bool killed = false;

	spin_lock_bh(&flow->lock);
	if (key ? tcpfsm_flow_live(tn, flow, key) : tcpfsm_flow_mine(tn, flow))
		killed = tcpfsm_flow_destroy(tn, flow, reason);
	spin_unlock_bh(&flow->lock);
	if (killed)
		tcpfsm_flow_free(flow);
	return killed;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_flow_kill);

/* The key a flow keeps, to recognise it again (see tcpfsm_flow_kill()). */
static void tcpfsm_flow_key(const struct tcpfsm_flow *flow, struct tcpfsm_key *key)
{
	/* Constant for an object of either cache once it has been a flow. */
	key->family = flow->family;
	memcpy(key->port, flow->port, sizeof(key->port));
	memcpy(key->addr, flow->addr,
	       2 * tcpfsm_addr_words(key->family) * sizeof(__be32));
}

/*
 * Make room for one flow in @tn: look at a few buckets from a random one and
 * take the cheapest flow there (enum tcpfsm_evict_class), the longest idle
 * of its class; look further while only assured flows were found.  Bounded
 * work, no lock held while choosing: the choice is confirmed under the
 * victim's lock.  Fails when those buckets hold no flow of @tn but assured
 * ones.  Runs under rcu_read_lock().
 */
static bool tcpfsm_evict(struct tcpfsm_net *tn)
{
	struct tcpfsm_flow *flow, *victim = NULL;
	int class, best_class = TCPFSM_EVICT_ASSURED;
	const struct bucket_table *tbl;
	u32 now = tcpfsm_now(), idle, best = 0;
	struct tcpfsm_key key;
	const struct bucket_table *next;
	struct rhash_head *pos;
	unsigned int i, hash;

	/* While the table is resized, new and moved flows are in the newest. */
	tbl = rht_dereference_rcu(tn->table.tbl, &tn->table);
	while ((next = rht_dereference_rcu(tbl->future_tbl, &tn->table)))
		tbl = next;
	hash = get_random_u32();
	for (i = 0; i < TCPFSM_EVICT_BUCKETS_MAX; i++, hash++) {
		if (i >= TCPFSM_EVICT_BUCKETS && victim)
			break;
		rht_for_each_entry_rcu(flow, pos, tbl, hash & (tbl->size - 1), node) {
			/* Freed, or reused in another table (and chain). */
			if ((READ_ONCE(flow->fl) & TCPFSM_FL_DEAD) ||
			    READ_ONCE(flow->owner) != tn)
				continue;
			class = tcpfsm_evict_class(READ_ONCE(flow->conn.peer[0].state),
						   READ_ONCE(flow->conn.peer[1].state));
			if (class == TCPFSM_EVICT_ASSURED)
				continue;	/* never evicted for a new flow */
			/* Updated since @now was read: not idle at all. */
			idle = max_t(s32, now - READ_ONCE(flow->last_seen), 0);
			if (class < best_class || (class == best_class && idle > best)) {
				victim = flow;
				best_class = class;
				best = idle;
			}
		}
		if (best_class == TCPFSM_EVICT_DONE)
			break;
	}
	if (!victim)
		return false;
	tcpfsm_flow_key(victim, &key);
	return tcpfsm_flow_kill(tn, victim, &key, TCPFSM_DESTROY_EVICTED);
}

/* The most flows @tn may hold (README "Limits"), given max_flows @max. */
static u32 tcpfsm_quota(const struct tcpfsm_net *tn, u32 max)
{
	u32 q = READ_ONCE(tn->quota);

	if (!q)
		q = net_eq(tn->net, &init_net) ? max :
		    READ_ONCE(tcpfsm_param_netns_max_flows) ?: max / TCPFSM_NETNS_SHARE;
	return clamp(q, 1U, max);
}

/*
 * Who gives up a flow when all namespaces together hold max_flows: the
 * namespace holding most, but never the initial one for another's new flow
 * (a container's flood must not cost the host its connections).  One pass
 * over the namespaces, only then: a namespace at its own quota evicts from
 * itself and never gets here.  Runs under rcu_read_lock().
 */
static struct tcpfsm_net *tcpfsm_donor(struct tcpfsm_net *tn)
{
	int most = atomic_read(&tn->flows), n;
	struct tcpfsm_net *it, *donor = tn;

	list_for_each_entry_rcu(it, &tcpfsm_nets, list) {
		if (net_eq(it->net, &init_net))
			continue;
		n = atomic_read(&it->flows);
		if (n > most) {
			most = n;
			donor = it;
		}
	}
	return donor;
}

/* Add one to @v unless that would take it above @limit. */
static bool tcpfsm_inc_below(atomic_t *v, int limit)
{
	int old = atomic_read(v);

	do {
		if (old >= limit)
			return false;
	} while (!atomic_try_cmpxchg(v, &old, old + 1));
	return true;
}

/*
 * Take a slot of @v, bounded by @limit, evicting a flow of @from if it is
 * full; when @v is above @limit (the bound was lowered), evict one more, so
 * that the table drains to the new bound under load rather than only as
 * flows end.  Counts never go above their bound, even for a moment: readers
 * of /proc/net/stat/tcpfsm may rely on it.
 */
static bool tcpfsm_take_slot(atomic_t *v, int limit, struct tcpfsm_net *from)
{
	if (tcpfsm_inc_below(v, limit))
		return true;
	if (!tcpfsm_evict(from))
		return false;
	if (atomic_read(v) > limit)
		tcpfsm_evict(from);
	/* Another CPU may take the slot first: then this flow is refused. */
	return tcpfsm_inc_below(v, limit);
}

/*
 * Account one more flow of @tn, before it exists.  A namespace never holds
 * more than its quota: at the quota it evicts one of its own.  When all
 * namespaces together hold max_flows, tcpfsm_donor() gives one up.
 */
static bool tcpfsm_charge(struct tcpfsm_net *tn)
{
	u32 max = READ_ONCE(tcpfsm_max_flows);

	if (!tcpfsm_take_slot(&tn->flows, tcpfsm_quota(tn, max), tn))
		goto refuse;
	/* The donor is looked for only when the table is full. */
	if (tcpfsm_inc_below(&tcpfsm_flows_total, max) ||
	    tcpfsm_take_slot(&tcpfsm_flows_total, max, tcpfsm_donor(tn)))
		return true;
	atomic_dec(&tn->flows);
refuse:
	tcpfsm_count(tn, TCPFSM_CNT_NOT_TRACKED);
	return false;
}

/* Give back what tcpfsm_charge() took, for a flow that was not added. */
static void tcpfsm_uncharge(struct tcpfsm_net *tn)
{
	atomic_dec(&tcpfsm_flows_total);
	atomic_dec(&tn->flows);
	tcpfsm_count(tn, TCPFSM_CNT_NOT_TRACKED);
}

/* Start timing the handshake at a SYN, stop at the ACK that completes it. */
static void tcpfsm_flow_rtt(struct tcpfsm_flow *flow, const struct tcpfsm_result *res)
{
	u32 now_us;
	u8 e;

	if (!(flow->fl & TCPFSM_FL_HS))
		return;
	for (e = 0; e < 2; e++) {
		if (res->old_state[e] == TCPFSM_STATE_SYN_RECEIVED &&
		    flow->conn.peer[e].state == TCPFSM_STATE_ESTABLISHED) {
			now_us = (u32)ktime_to_us(ktime_get());
			flow->rtt_us = now_us - flow->hs_start_us;
			flow->fl = (flow->fl & ~TCPFSM_FL_HS) | TCPFSM_FL_RTT;
			return;
		}
	}
}

static void tcpfsm_flow_account(struct tcpfsm_flow *flow, u8 sender,
				const struct tcpfsm_seg *seg, u32 gso_segs)
{
	struct tcpfsm_acct *acct = tcpfsm_flow_acct(flow);

	if (!acct)
		return;
	acct->packets[sender] += gso_segs;
	acct->bytes[sender] += seg->len;
}

/*
 * Create a flow from its first segment @seg, sent from key side @side.
 * Returns ERR_PTR(-EEXIST) when another CPU inserted the same flow first:
 * the caller then looks it up again.
 */
static struct tcpfsm_flow *tcpfsm_flow_create(struct tcpfsm_net *tn,
					      const struct tcpfsm_key *key, u8 side,
					      const struct tcpfsm_seg *seg, u32 gso_segs)
{
	unsigned int words = tcpfsm_addr_words(key->family);
	struct tcpfsm_event ev = { .type = TCPFSM_EVENT_NEW };
	struct tcpfsm_acct *acct;
	struct tcpfsm_seg s = *seg;
	struct tcpfsm_result res;
	struct tcpfsm_flow *flow, *old;
	struct tcpfsm_conn conn;
	u32 now = tcpfsm_now();
	u8 sender;

	s.dir = TCPFSM_DIR_ORIG;
	if (!tcpfsm_fsm_start(&conn, &s, READ_ONCE(tn->cfg.pickup), &res)) {
		tcpfsm_count_invalid(tn, res.reason);
		return NULL;
	}
	/* Before any flow lock: making room locks the flow it evicts. */
	if (!tcpfsm_charge(tn))
		return NULL;
	flow = kmem_cache_alloc(tcpfsm_cache(key->family), GFP_ATOMIC);
	if (!flow) {
		tcpfsm_uncharge(tn);
		return NULL;
	}

	/*
	 * A reader that found this memory in its previous life may hold the
	 * lock: set the flow up under it, DEAD until it is in the table, and
	 * keep it locked so that no CHANGE can precede its NEW.
	 */
	spin_lock_bh(&flow->lock);
	flow->family = key->family;
	memcpy(flow->port, key->port, sizeof(flow->port));
	memcpy(flow->addr, key->addr, 2 * words * sizeof(__be32));
	flow->conn = conn;
	flow->owner = tn;
	flow->fl = TCPFSM_FL_DEAD;
	if (res.reversed ? !side : side)
		flow->fl |= TCPFSM_FL_CLIENT1;
	sender = res.reversed ? TCPFSM_SERVER : TCPFSM_CLIENT;
	flow->invalid = 0;
	flow->hs_start_us = 0;
	flow->created = now;
	flow->last_seen = now;
	flow->since[0] = now;
	flow->since[1] = now;
	acct = tcpfsm_flow_acct(flow);
	if (acct)
		memset(acct, 0, sizeof(*acct));
	tcpfsm_flow_account(flow, sender, seg, gso_segs);
	if (res.kind == TCPFSM_SEG_SYN)
		flow->hs_start_us = (u32)ktime_to_us(ktime_get());

	old = rhashtable_lookup_get_insert_key(&tn->table, key, &flow->node,
					       tcpfsm_rht_params);
	if (old) {
		spin_unlock_bh(&flow->lock);
		tcpfsm_flow_free(flow);
		if (IS_ERR(old)) {
			tcpfsm_uncharge(tn);
			return NULL;
		}
		/* Not a refusal: the caller finds the other CPU's flow. */
		atomic_dec(&tcpfsm_flows_total);
		atomic_dec(&tn->flows);
		return ERR_PTR(-EEXIST);
	}
	flow->fl &= ~TCPFSM_FL_DEAD;
	if (res.kind == TCPFSM_SEG_SYN)
		flow->fl |= TCPFSM_FL_HS;
	tcpfsm_count(tn, TCPFSM_CNT_CREATED);
	ev.seg_flags = seg->flags;
	ev.seg_dir = sender;
	ev.gen = tcpfsm_next_gen(tn, flow);
	tcpfsm_netlink_event(tn->net, flow, &ev);
	spin_unlock_bh(&flow->lock);
	return flow;
}

/*
 * Apply @seg to @flow, locked and live.  Returns true when the segment is a
 * SYN reopening the tuple: the flow is then gone and the caller frees it and
 * starts a new one.
 */
static bool tcpfsm_flow_update(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
			       u8 side, const struct tcpfsm_seg *seg, u32 gso_segs)
{
	struct tcpfsm_seg s = *seg;
	struct tcpfsm_result res;
	u32 now = tcpfsm_now();

	s.dir = side == tcpfsm_flow_client(flow) ? TCPFSM_DIR_ORIG : TCPFSM_DIR_REPLY;
	tcpfsm_fsm_update(&flow->conn, &s, &res);
	switch (res.verdict) {
	case TCPFSM_NEW:
		return tcpfsm_flow_destroy(tn, flow, TCPFSM_DESTROY_REPLACED);
	case TCPFSM_ACCEPT:
		tcpfsm_flow_account(flow, s.dir, &s, gso_segs);
		flow->last_seen = now;
		if (!tcpfsm_changed(&flow->conn, &res))
			break;
		if (res.kind == TCPFSM_SEG_RST)
			flow->fl |= TCPFSM_FL_RST;
		tcpfsm_flow_rtt(flow, &res);
		tcpfsm_flow_changed(tn, flow, res.old_state, s.flags, s.dir, now);
		break;
	default:
		/* Still sent by the endpoint; but it does not keep the flow alive. */
		tcpfsm_flow_account(flow, s.dir, &s, gso_segs);
		tcpfsm_count_invalid(tn, res.reason);
		if (flow->invalid < U16_MAX)
			flow->invalid++;
		break;
	}
	return false;
}

VISIBLE_IF_KUNIT void tcpfsm_tn_segment(struct tcpfsm_net *tn,
					const struct tcpfsm_tuple *t,
					const struct tcpfsm_seg *seg, u32 gso_segs)
{
	struct tcpfsm_flow *flow;
	struct tcpfsm_key key;
	bool replaced;
	int tries;
	u8 side;

	tcpfsm_count_add(tn, TCPFSM_CNT_SEGMENTS, gso_segs);
	side = tcpfsm_key_make(&key, t);

	rcu_read_lock();
	/*
	 * A lookup can race with a creator or with the flow's removal; both
	 * resolve in one more try, the bound only guards against surprises.
	 */
	for (tries = 0; tries < 4; tries++) {
		flow = rhashtable_lookup(&tn->table, &key, tcpfsm_rht_params);
		if (!flow) {
			flow = tcpfsm_flow_create(tn, &key, side, seg, gso_segs);
			if (flow != ERR_PTR(-EEXIST))
				break;
			continue;
		}
		spin_lock_bh(&flow->lock);
		if (!tcpfsm_flow_live(tn, flow, &key)) {
			spin_unlock_bh(&flow->lock);
			continue;
		}
		replaced = tcpfsm_flow_update(tn, flow, side, seg, gso_segs);
		spin_unlock_bh(&flow->lock);
		if (!replaced)
			break;
		tcpfsm_flow_free(flow);
		/* The SYN starts the new connection: its sender is the client. */
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_tn_segment);

void tcpfsm_table_segment(struct net *net, const struct tcpfsm_tuple *t,
			  const struct tcpfsm_seg *seg, u32 gso_segs)
{
	tcpfsm_tn_segment(tcpfsm_pernet(net), t, seg, gso_segs);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_table_segment);

VISIBLE_IF_KUNIT bool tcpfsm_tn_get(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t,
				    struct tcpfsm_flow_info *info)
{
	struct tcpfsm_flow *flow;
	struct tcpfsm_key key;
	bool found = false;

	tcpfsm_key_make(&key, t);
	rcu_read_lock();
	flow = rhashtable_lookup(&tn->table, &key, tcpfsm_rht_params);
	if (flow) {
		spin_lock_bh(&flow->lock);
		found = tcpfsm_flow_live(tn, flow, &key);
		if (found)
			tcpfsm_flow_info(tn->net, flow, info);
		spin_unlock_bh(&flow->lock);
	}
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_tn_get);

bool tcpfsm_table_get(struct net *net, const struct tcpfsm_tuple *t,
		      struct tcpfsm_flow_info *info)
{
	return tcpfsm_tn_get(tcpfsm_pernet(net), t, info);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_table_get);

/* The idle timeout of an endpoint in @st whose peer is in @peer. */
static u32 tcpfsm_state_timeout(const struct tcpfsm_config *cfg, u8 st, u8 peer)
{
	/* A server never answered and a client gone: nothing is waiting. */
	if (st == TCPFSM_STATE_LISTEN && peer == TCPFSM_STATE_CLOSED)
		st = TCPFSM_STATE_CLOSED;
	if (st >= __TCPFSM_STATE_MAX)
		st = TCPFSM_STATE_CLOSED;
	return READ_ONCE(cfg->timeout[st]);
}

/*
 * Expire @flow if its time has come; runs in the GC work under RCU.  The
 * walk may hand us a flow freed and reused since, here or in another
 * namespace: only one still @tn's is looked at.
 */
VISIBLE_IF_KUNIT void tcpfsm_flow_gc(struct tcpfsm_net *tn, struct tcpfsm_flow *flow)
{
	const struct tcpfsm_config *cfg = &tn->cfg;
	u32 tw = READ_ONCE(cfg->timeout[TCPFSM_STATE_TIME_WAIT]) * HZ;
	u8 old[2], st[2], e, reason = 0;
	bool dead = false;
	u32 tmo, now;

	spin_lock_bh(&flow->lock);
	/*
	 * Sample the clock under the lock: a "now" from before a segment
	 * updated last_seen would make now - last_seen wrap to a huge idle time
	 * and expire a busy flow (seen when a GC pass outlasted a jiffy).
	 */
	now = tcpfsm_now();
	if (!tcpfsm_flow_mine(tn, flow))
		goto out;
	tcpfsm_time_pin(now, &flow->created);
	tcpfsm_time_pin(now, &flow->since[0]);
	tcpfsm_time_pin(now, &flow->since[1]);
	st[0] = flow->conn.peer[0].state;
	st[1] = flow->conn.peer[1].state;

	/* TIME-WAIT ends by itself, independent of traffic. */
	for (e = 0; e < 2; e++) {
		if (st[e] == TCPFSM_STATE_TIME_WAIT && now - flow->since[e] >= tw) {
			old[0] = st[0];
			old[1] = st[1];
			tcpfsm_fsm_time_wait_done(&flow->conn);
			tcpfsm_flow_changed(tn, flow, old, 0, e, now);
			reason = TCPFSM_DESTROY_TIME_WAIT;
			dead = true;
			goto out_destroy;
		}
	}

	/* Both ends closed: linger so users see the final state, then go. */
	if (st[0] == TCPFSM_STATE_CLOSED && st[1] == TCPFSM_STATE_CLOSED) {
		tmo = READ_ONCE(cfg->timeout[TCPFSM_STATE_CLOSED]) * HZ;
		if (now - flow->since[0] >= tmo && now - flow->since[1] >= tmo) {
			reason = flow->fl & TCPFSM_FL_RST ? TCPFSM_DESTROY_RST :
							    TCPFSM_DESTROY_CLOSED;
			dead = true;
		}
		goto out_destroy;
	}

	tmo = max(tcpfsm_state_timeout(cfg, st[0], st[1]),
		  tcpfsm_state_timeout(cfg, st[1], st[0]));
	if ((flow->conn.flags & TCPFSM_CONN_PICKUP) &&
	    !(flow->conn.peer[0].flags & flow->conn.peer[1].flags & TCPFSM_PEER_SEEN))
		tmo = min(tmo, READ_ONCE(cfg->timeout_pickup));
	tmo *= HZ;
	if (now - flow->last_seen >= tmo) {
		reason = TCPFSM_DESTROY_TIMEOUT;
		dead = true;
	}
out_destroy:
	if (dead)
		dead = tcpfsm_flow_destroy(tn, flow, reason);
out:
	spin_unlock_bh(&flow->lock);
	if (dead)
		tcpfsm_flow_free(flow);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_flow_gc);

/*
 * One GC slice: up to TCPFSM_GC_BUDGET flows from where the last slice
 * stopped.  The walker stays entered between slices, so a slice costs the
 * same whatever the table size; after a full pass the next starts a second
 * later, so a flow goes at most about a second after its deadline (plus the
 * pass time on huge tables).
 */
static void tcpfsm_gc_work(struct work_struct *work)
{
	struct tcpfsm_net *tn = container_of(to_delayed_work(work),
					     struct tcpfsm_net, gc);
	struct tcpfsm_flow *flow;
	int budget = TCPFSM_GC_BUDGET;
	bool end = false;

	rhashtable_walk_start(&tn->gc_iter);
	while (budget-- > 0) {
		flow = rhashtable_walk_next(&tn->gc_iter);
		if (IS_ERR(flow)) {
			if (PTR_ERR(flow) == -EAGAIN)
				continue;
			break;
		}
		if (!flow) {
			end = true;
			break;
		}
		tcpfsm_flow_gc(tn, flow);
	}
	rhashtable_walk_stop(&tn->gc_iter);

	if (end) {
		/* A finished walker stays at the end: enter again to restart. */
		rhashtable_walk_exit(&tn->gc_iter);
		rhashtable_walk_enter(&tn->table, &tn->gc_iter);
	}
	if (!READ_ONCE(tn->dying))
		queue_delayed_work(system_power_efficient_wq, &tn->gc,
				   end ? TCPFSM_GC_INTERVAL : 1);
}

/* Stop the GC of @tn for good: it must not rearm once cancelled. */
static void tcpfsm_gc_stop(struct tcpfsm_net *tn)
{
	WRITE_ONCE(tn->dying, true);
	cancel_delayed_work_sync(&tn->gc);
}

/*
 * Remove every flow of @tn, telling listeners; the hooks are gone, but
 * other namespaces' evictors may still take flows of @tn (it leaves
 * tcpfsm_nets only at its exit).  A walk may miss flows across a resize or
 * after following a reused flow into another table: go again until empty.
 * A pass that removes nothing while flows remain means the count is wrong;
 * give up loudly rather than loop forever.
 */
static void tcpfsm_flush(struct tcpfsm_net *tn)
{
	struct rhashtable_iter iter;
	struct tcpfsm_flow *flow;
	unsigned int idle = 0;
	bool any;

	while (atomic_read(&tn->flows)) {
		any = false;
		rhashtable_walk_enter(&tn->table, &iter);
		rhashtable_walk_start(&iter);
		while ((flow = rhashtable_walk_next(&iter))) {
			if (IS_ERR(flow))
				continue;
			any |= tcpfsm_flow_kill(tn, flow, NULL, TCPFSM_DESTROY_UNLOAD);
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
		idle = any ? 0 : idle + 1;
		if (WARN_ON_ONCE(idle > 100))
			break;
		cond_resched();
	}
}

static void tcpfsm_config_defaults(struct tcpfsm_config *cfg)
{
	memcpy(cfg->timeout, tcpfsm_param_timeout, sizeof(cfg->timeout));
	cfg->timeout[TCPFSM_STATE_NONE] = tcpfsm_param_timeout[TCPFSM_STATE_CLOSED];
	cfg->timeout_pickup = tcpfsm_param_timeout_pickup;
	cfg->pickup = tcpfsm_param_pickup;
}

static int __net_init tcpfsm_table_net_init(struct net *net)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	int err;

	tn->net = net;
	tn->stats = alloc_percpu(struct tcpfsm_pcpu_stats);
	if (!tn->stats)
		return -ENOMEM;
	err = rhashtable_init(&tn->table, &tcpfsm_rht_params);
	if (err) {
		free_percpu(tn->stats);
		return err;
	}
	atomic64_set(&tn->gen, 0);
	atomic_set(&tn->flows, 0);
	spin_lock_init(&tn->cfg_lock);
	tcpfsm_config_defaults(&tn->cfg);
	tn->quota = 0;
	tn->dying = false;
	rhashtable_walk_enter(&tn->table, &tn->gc_iter);
	INIT_DELAYED_WORK(&tn->gc, tcpfsm_gc_work);
	queue_delayed_work(system_power_efficient_wq, &tn->gc, TCPFSM_GC_INTERVAL);
	spin_lock_bh(&tcpfsm_nets_lock);
	list_add_tail_rcu(&tn->list, &tcpfsm_nets);
	spin_unlock_bh(&tcpfsm_nets_lock);
	return 0;
}

/*
 * Other namespaces' evictors reach this table through tcpfsm_nets: the
 * core waits for RCU readers between pre_exit and exit, so none is still in
 * the table when exit destroys it.
 */
static void __net_exit tcpfsm_table_net_pre_exit(struct net *net)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);

	spin_lock_bh(&tcpfsm_nets_lock);
	list_del_rcu(&tn->list);
	spin_unlock_bh(&tcpfsm_nets_lock);
}

/*
 * Runs after the hooks' exit (registered later, so exits earlier): no new
 * segment can arrive.  Stop the GC, then destroy the flows, then the table.
 */
static void __net_exit tcpfsm_table_net_exit(struct net *net)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);

	tcpfsm_gc_stop(tn);
	rhashtable_walk_exit(&tn->gc_iter);
	tcpfsm_flush(tn);
	rhashtable_destroy(&tn->table);
	free_percpu(tn->stats);
}

static struct pernet_operations tcpfsm_table_net_ops = {
	.init = tcpfsm_table_net_init,
	.pre_exit = tcpfsm_table_net_pre_exit,
	.exit = tcpfsm_table_net_exit,
	.id = &tcpfsm_net_id,
	.size = sizeof(struct tcpfsm_net),
};

void tcpfsm_table_shutdown(void)
{
	struct net *net;

	/*
	 * Unload: the hooks are gone and the event channel still works, so
	 * listeners get a DESTROY for every flow.  The namespaces' exit then
	 * only frees empty tables.
	 */
	down_read(&net_rwsem);
	for_each_net(net) {
		struct tcpfsm_net *tn = tcpfsm_pernet(net);

		tcpfsm_gc_stop(tn);
		tcpfsm_flush(tn);
	}
	up_read(&net_rwsem);
}

/* Runs once per object, when its slab is made: never on reuse. */
static void tcpfsm_flow_ctor(void *obj)
{
	struct tcpfsm_flow *flow = obj;

	spin_lock_init(&flow->lock);
	flow->fl = TCPFSM_FL_DEAD;
}

static void tcpfsm_caches_uninit(void)
{
	/* SLAB_TYPESAFE_BY_RCU: this waits for readers that may still look. */
	kmem_cache_destroy(tcpfsm_flow_cache[1]);
	kmem_cache_destroy(tcpfsm_flow_cache[0]);
}

/*
 * No SLAB_HWCACHE_ALIGN: rounded to cache lines an IPv4 flow would be 192
 * bytes again, a third more for every flow.  The price is that neighbouring
 * flows may share a line, which CPUs working on different flows then pass
 * between them.
 */
static size_t tcpfsm_flow_size(u8 family)
{
	if (!tcpfsm_param_acct)
		return tcpfsm_addr_end(family);
	return tcpfsm_acct_offset(family) + sizeof(struct tcpfsm_acct);
}

static int tcpfsm_caches_init(void)
{
	tcpfsm_flow_cache[0] = kmem_cache_create("tcpfsm_flow4", tcpfsm_flow_size(AF_INET),
						 0, SLAB_TYPESAFE_BY_RCU, tcpfsm_flow_ctor);
	tcpfsm_flow_cache[1] = kmem_cache_create("tcpfsm_flow6", tcpfsm_flow_size(AF_INET6),
						 0, SLAB_TYPESAFE_BY_RCU, tcpfsm_flow_ctor);
	if (!tcpfsm_flow_cache[0] || !tcpfsm_flow_cache[1]) {
		tcpfsm_caches_uninit();
		return -ENOMEM;
	}
	return 0;
}

int tcpfsm_table_init(void)
{
	unsigned long ram = totalram_pages() << PAGE_SHIFT;
	int err;

	/* Like conntrack: one flow per 16 KiB of RAM, 64 Ki at 1 GiB. */
	if (!tcpfsm_max_flows)
		tcpfsm_max_flows = clamp_t(unsigned long, ram / 16384, 1024, 1U << 20);

	err = tcpfsm_caches_init();
	if (err)
		return err;
	pr_info("flow %u bytes (IPv4), %u (IPv6), max_flows %u\n",
		kmem_cache_size(tcpfsm_flow_cache[0]),
		kmem_cache_size(tcpfsm_flow_cache[1]), tcpfsm_max_flows);

	err = register_pernet_subsys(&tcpfsm_table_net_ops);
	if (err)
		tcpfsm_caches_uninit();
	return err;
}

void tcpfsm_table_uninit(void)
{
	unregister_pernet_subsys(&tcpfsm_table_net_ops);
	tcpfsm_caches_uninit();
}

void tcpfsm_walk_enter(struct net *net, struct tcpfsm_walk *w)
{
	w->tn = tcpfsm_pernet(net);
	w->restarts = 0;
	rhashtable_walk_enter(&w->tn->table, &w->iter);
}

void tcpfsm_walk_start(struct tcpfsm_walk *w)
	__acquires(RCU)
{
	/* -EAGAIN: a resize moved the walk back to the start. */
	if (rhashtable_walk_start_check(&w->iter) == -EAGAIN)
		w->restarts++;
}

/*
 * Skip flows already on their way out, counting resize restarts (-EAGAIN)
 * and flows that are no longer this table's: the walk followed one that was
 * freed and reused elsewhere, so it may have left this table's chain.
 */
static struct tcpfsm_flow *tcpfsm_walk_skip(struct tcpfsm_walk *w,
					    struct tcpfsm_flow *flow)
{
	for (;;) {
		if (!flow)
			return NULL;
		if (!IS_ERR(flow)) {
			if (READ_ONCE(flow->owner) != w->tn)
				w->restarts++;
			else if (!(READ_ONCE(flow->fl) & TCPFSM_FL_DEAD))
				return flow;
		} else if (PTR_ERR(flow) == -EAGAIN) {
			w->restarts++;
		} else {
			return NULL;
		}
		flow = rhashtable_walk_next(&w->iter);
	}
}

struct tcpfsm_flow *tcpfsm_walk_next(struct tcpfsm_walk *w)
{
	return tcpfsm_walk_skip(w, rhashtable_walk_next(&w->iter));
}

struct tcpfsm_flow *tcpfsm_walk_peek(struct tcpfsm_walk *w)
{
	return tcpfsm_walk_skip(w, rhashtable_walk_peek(&w->iter));
}

void tcpfsm_walk_stop(struct tcpfsm_walk *w)
	__releases(RCU)
{
	rhashtable_walk_stop(&w->iter);
}

void tcpfsm_walk_exit(struct tcpfsm_walk *w)
{
	rhashtable_walk_exit(&w->iter);
}

bool tcpfsm_walk_info(struct tcpfsm_walk *w, struct tcpfsm_flow *flow,
		      struct tcpfsm_flow_info *info)
{
	bool mine;

	spin_lock_bh(&flow->lock);
	mine = tcpfsm_flow_mine(w->tn, flow);
	if (mine)
		tcpfsm_flow_info(w->tn->net, flow, info);
	spin_unlock_bh(&flow->lock);
	if (!mine)
		w->restarts++;
	return mine;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_walk_info);

void tcpfsm_table_stats(struct net *net, struct tcpfsm_stats *st)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	const struct tcpfsm_pcpu_stats *p;
	u64 sum[TCPFSM_CNT_MAX] = {};
	int cpu, i;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr(tn->stats, cpu);
		for (i = 0; i < TCPFSM_CNT_MAX; i++)
			sum[i] += READ_ONCE(p->c[i]);
	}
	st->segments = sum[TCPFSM_CNT_SEGMENTS];
	st->created = sum[TCPFSM_CNT_CREATED];
	st->expired = sum[TCPFSM_CNT_EXPIRED];
	st->closed = sum[TCPFSM_CNT_CLOSED];
	st->evicted = sum[TCPFSM_CNT_EVICTED];
	st->not_tracked = sum[TCPFSM_CNT_NOT_TRACKED];
	st->truncated = sum[TCPFSM_CNT_TRUNCATED];
	st->fragments = sum[TCPFSM_CNT_FRAGMENTS];
	st->events_lost = sum[TCPFSM_CNT_EVENTS_LOST];
	for (i = 0; i < __TCPFSM_REASON_MAX; i++)
		st->invalid[i] = sum[TCPFSM_CNT_INVALID + i];
	st->flows = atomic_read(&tn->flows);
	st->flows_total = atomic_read(&tcpfsm_flows_total);
	st->max_flows = READ_ONCE(tcpfsm_max_flows);
	st->flow_bytes = kmem_cache_size(tcpfsm_flow_cache[0]);
	st->flow6_bytes = kmem_cache_size(tcpfsm_flow_cache[1]);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_table_stats);

void tcpfsm_table_config(struct net *net, struct tcpfsm_config *cfg)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);

	spin_lock_bh(&tn->cfg_lock);
	*cfg = tn->cfg;
	spin_unlock_bh(&tn->cfg_lock);
}

int tcpfsm_table_set_config(struct net *net, const struct tcpfsm_config *cfg)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	int i;

	for (i = 1; i < __TCPFSM_STATE_MAX; i++)
		if (!cfg->timeout[i] || cfg->timeout[i] > TCPFSM_TIMEOUT_MAX)
			return -EINVAL;

	spin_lock_bh(&tn->cfg_lock);
	for (i = 1; i < __TCPFSM_STATE_MAX; i++)
		WRITE_ONCE(tn->cfg.timeout[i], cfg->timeout[i]);
	if (cfg->timeout_pickup && cfg->timeout_pickup <= TCPFSM_TIMEOUT_MAX)
		WRITE_ONCE(tn->cfg.timeout_pickup, cfg->timeout_pickup);
	WRITE_ONCE(tn->cfg.pickup, cfg->pickup);
	spin_unlock_bh(&tn->cfg_lock);
	return 0;
}

u32 tcpfsm_table_max_flows(void)
{
	return READ_ONCE(tcpfsm_max_flows);
}

/*
 * Lowering the limit evicts nothing at once: each new flow then evicts two
 * (tcpfsm_take_slot()), so under load the table drains to the new limit,
 * and without load flows end by themselves.
 */
int tcpfsm_table_set_max_flows(u32 max)
{
	if (!max || max > TCPFSM_MAX_FLOWS_MAX)
		return -EINVAL;
	WRITE_ONCE(tcpfsm_max_flows, max);
	return 0;
}

u32 tcpfsm_table_quota(struct net *net)
{
	return tcpfsm_quota(tcpfsm_pernet(net), READ_ONCE(tcpfsm_max_flows));
}

int tcpfsm_table_set_quota(struct net *net, u32 quota)
{
	if (quota > TCPFSM_MAX_FLOWS_MAX)
		return -EINVAL;
	WRITE_ONCE(tcpfsm_pernet(net)->quota, quota);
	return 0;
}

/*
 * A container's root may shorten its timeouts, but not make its flows
 * outlive what the host's administrator loaded the module with.
 */
u32 tcpfsm_table_timeout_cap(u8 state)
{
	if (state >= __TCPFSM_STATE_MAX)
		return 0;
	return tcpfsm_param_timeout[state];
}

void tcpfsm_table_count_skip(struct net *net, bool fragment)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);

	if (fragment)
		tcpfsm_count(tn, TCPFSM_CNT_FRAGMENTS);
	else
		tcpfsm_count(tn, TCPFSM_CNT_TRUNCATED);
}

void tcpfsm_table_count_event_lost(struct net *net)
{
	tcpfsm_count(tcpfsm_pernet(net), TCPFSM_CNT_EVENTS_LOST);
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * For kunit/tcpfsm_table_test.c: tables outside any namespace's pernet data
 * (they report events as @net's, and are on no list and have no GC), and a
 * flow's address, which nothing else hands out.
 */
struct tcpfsm_net *tcpfsm_test_table_new(struct net *net)
{
	struct tcpfsm_net *tn = kzalloc(sizeof(*tn), GFP_KERNEL);

	if (!tn)
		return NULL;
	tn->net = net;
	tn->stats = alloc_percpu(struct tcpfsm_pcpu_stats);
	if (!tn->stats || rhashtable_init(&tn->table, &tcpfsm_rht_params)) {
		free_percpu(tn->stats);
		kfree(tn);
		return NULL;
	}
	spin_lock_init(&tn->cfg_lock);
	tcpfsm_config_defaults(&tn->cfg);
	INIT_LIST_HEAD(&tn->list);
	return tn;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_table_new);

void tcpfsm_test_table_free(struct tcpfsm_net *tn)
{
	tcpfsm_flush(tn);
	rhashtable_destroy(&tn->table);
	free_percpu(tn->stats);
	kfree(tn);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_table_free);

struct tcpfsm_flow *tcpfsm_test_lookup(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t)
{
	struct tcpfsm_flow *flow;
	struct tcpfsm_key key;

	tcpfsm_key_make(&key, t);
	rcu_read_lock();
	flow = rhashtable_lookup(&tn->table, &key, tcpfsm_rht_params);
	rcu_read_unlock();
	return flow;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_lookup);

int tcpfsm_test_flows(struct tcpfsm_net *tn)
{
	return atomic_read(&tn->flows);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_flows);

/* Make @flow look idle for @secs, and give @tn timeouts of one second. */
void tcpfsm_test_age(struct tcpfsm_net *tn, struct tcpfsm_flow *flow, u32 secs)
{
	int i;

	spin_lock_bh(&flow->lock);
	flow->last_seen -= secs * HZ;
	spin_unlock_bh(&flow->lock);
	for (i = 0; i < __TCPFSM_STATE_MAX; i++)
		tn->cfg.timeout[i] = 1;
	tn->cfg.timeout_pickup = 1;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_age);
#endif /* CONFIG_KUNIT */
