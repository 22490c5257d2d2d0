// SPDX-License-Identifier: GPL-2.0
/*
 * One flow: its memory (a cache per family, SLAB_TYPESAFE_BY_RCU), what it
 * shows of itself, and what a segment does to it once it is in the table.
 * Where flows are kept and found is tcpfsm_table.c's.
 */

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "tcpfsm_event.h"
#include "tcpfsm_flow.h"

/* After the addresses (see tcpfsm_acct_offset()). */
struct tcpfsm_acct {
	u64 packets[2];			/* by endpoint */
	u64 bytes[2];
};

/* As conntrack's nf_conntrack_acct: counters cost a quarter of a flow. */
static bool tcpfsm_param_acct __read_mostly = true;
module_param_named(acct, tcpfsm_param_acct, bool, 0444);
MODULE_PARM_DESC(acct, "Count packets and bytes per flow (default: yes; no saves 32 bytes a flow)");

/* Flow caches by family: [0] IPv4, [1] IPv6. */
static struct kmem_cache *tcpfsm_flow_cache[2] __read_mostly;

static struct kmem_cache *tcpfsm_cache(u8 family)
{
	return tcpfsm_flow_cache[family == AF_INET6];
}

/* Locked by the caller before anything else: see tcpfsm_flow_setup(). */
struct tcpfsm_flow *tcpfsm_flow_alloc(u8 family)
{
	return kmem_cache_alloc(tcpfsm_cache(family), GFP_ATOMIC);
}

/* What one flow of @family costs in its cache. */
unsigned int tcpfsm_flow_bytes(u8 family)
{
	return kmem_cache_size(tcpfsm_cache(family));
}

/*
 * Tell the event receiver what just happened to @flow, locked: every event
 * is a change of the namespace's generation, and the flow keeps the latest.
 */
void tcpfsm_flow_event(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
		       struct tcpfsm_event *ev)
{
	ev->gen = atomic64_inc_return(&tn->gen);
	flow->gen = (u32)ev->gen;
	tcpfsm_event_notify(tn->net, flow, ev);
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
static u64 tcpfsm_flow_gen(const struct tcpfsm_flow *flow)
{
	u64 now = atomic64_read(&flow->owner->gen);

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

void tcpfsm_flow_tuple_locked(const struct tcpfsm_flow *flow,
			      struct tcpfsm_tuple *t)
{
	u8 c = tcpfsm_flow_client(flow);

	lockdep_assert_held(&flow->lock);
	memset(t, 0, sizeof(*t));
	t->family = flow->family;
	if (flow->family == AF_INET) {
		t->addr[TCPFSM_CLIENT].ip = flow->addr[c];
		t->addr[TCPFSM_SERVER].ip = flow->addr[!c];
	} else {
		memcpy(&t->addr[TCPFSM_CLIENT].in6, &flow->addr[c * 4],
		       sizeof(struct in6_addr));
		memcpy(&t->addr[TCPFSM_SERVER].in6, &flow->addr[!c * 4],
		       sizeof(struct in6_addr));
	}
	t->port[TCPFSM_CLIENT] = flow->port[c];
	t->port[TCPFSM_SERVER] = flow->port[!c];
}

void tcpfsm_flow_info_locked(const struct tcpfsm_flow *flow,
			     struct tcpfsm_flow_info *info)
{
	const struct tcpfsm_acct *acct = tcpfsm_flow_acct(flow);
	u32 now = tcpfsm_now();
	u8 e;

	lockdep_assert_held(&flow->lock);
	memset(info, 0, sizeof(*info));
	tcpfsm_flow_tuple_locked(flow, &info->tuple);
	for (e = 0; e < 2; e++) {
		info->state[e] = flow->conn.peer[e].state;
		info->in_state_ms[e] = tcpfsm_ms_since(now, flow->since[e]);
		if (acct) {
			info->packets[e] = acct->packets[e];
			info->bytes[e] = acct->bytes[e];
		}
	}
	info->acct = !!acct;
	/* The state machine's connection flags are the uAPI's flow flags. */
	info->flags = flow->conn.flags;
	info->age_ms = tcpfsm_ms_since(now, flow->created);
	info->idle_ms = tcpfsm_ms_since(now, flow->last_seen);
	info->rtt_us = flow->fl & TCPFSM_FL_RTT ? flow->rtt_us : 0;
	info->invalid = flow->invalid;
	info->gen = tcpfsm_flow_gen(flow);
}

/*
 * Free a flow tcpfsm_flow_destroy() took out, after unlocking it.  No grace
 * period: the cache is SLAB_TYPESAFE_BY_RCU (see struct tcpfsm_flow).
 */
void tcpfsm_flow_free(struct tcpfsm_flow *flow)
{
	kmem_cache_free(tcpfsm_cache(flow->family), flow);
}

/*
 * Every change of an endpoint's state comes here: the summary follows it,
 * an endpoint that moves is no longer stuck (its next stay may be), and
 * one CHANGE event goes out per endpoint the segment moved, after the
 * summary is up to date so that a listener reading it sees the change.
 */
void tcpfsm_flow_changed(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
			 const u8 old_state[2], u8 seg_flags, u8 seg_dir, u32 now)
{
	struct tcpfsm_event ev = {
		.type = TCPFSM_EVENT_CHANGE,
		.seg_flags = seg_flags,
		.seg_dir = seg_dir,
	};
	bool moved = false;
	u8 e;

	for (e = 0; e < 2; e++) {
		if (flow->conn.peer[e].state == old_state[e])
			continue;
		moved = true;
		if (flow->conn.flags & TCPFSM_CONN_STUCK(e)) {
			flow->conn.flags &= ~TCPFSM_CONN_STUCK(e);
			tcpfsm_summary_stuck(tn, old_state[e], -1);
		}
	}
	if (!moved)
		return;
	tcpfsm_summary_move(tn, flow, old_state);

	for (e = 0; e < 2; e++) {
		if (flow->conn.peer[e].state == old_state[e])
			continue;
		ev.endpoint = e;
		ev.old_state = old_state[e];
		ev.new_state = flow->conn.peer[e].state;
		ev.old_state_ms = tcpfsm_ms_since(now, flow->since[e]);
		flow->since[e] = now;
		tcpfsm_flow_event(tn, flow, &ev);
	}
}

/* Start timing the handshake at a SYN, stop at the ACK that completes it. */
static void tcpfsm_flow_rtt(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
			    const struct tcpfsm_result *res)
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
			tcpfsm_summary_rtt(tn, flow->rtt_us);
			return;
		}
	}
}

static __always_inline void tcpfsm_acct_add(struct tcpfsm_acct *acct, u8 sender,
					    const struct tcpfsm_seg *seg, u32 gso_segs)
{
	acct->packets[sender] += gso_segs;
	acct->bytes[sender] += seg->len;
}

static __always_inline void tcpfsm_flow_account(struct tcpfsm_flow *flow, u8 sender,
						const struct tcpfsm_seg *seg, u32 gso_segs)
{
	struct tcpfsm_acct *acct = tcpfsm_flow_acct(flow);

	if (acct)
		tcpfsm_acct_add(acct, sender, seg, gso_segs);
}

/*
 * Set up @flow, just allocated and locked by the caller, as the connection
 * of @key whose first segment @seg (sent from key side @side) made @conn
 * with result @res.  It stays DEAD until it is in the table.  A reader
 * that found this memory in its previous life may hold the lock meanwhile,
 * which is why the caller sets it up under it.
 */
void tcpfsm_flow_setup(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
		       const struct tcpfsm_key *key, u8 side,
		       const struct tcpfsm_conn *conn, const struct tcpfsm_result *res,
		       const struct tcpfsm_seg *seg, u32 gso_segs)
{
	struct tcpfsm_acct *acct;
	u32 now = tcpfsm_now();

	lockdep_assert_held(&flow->lock);
	flow->family = key->family;
	memcpy(flow->port, key->port, sizeof(flow->port));
	/* Each family's length a constant: word moves, not a copy loop. */
	if (key->family == AF_INET)
		memcpy(flow->addr, key->addr, 2 * sizeof(__be32));
	else
		memcpy(flow->addr, key->addr, 8 * sizeof(__be32));
	flow->conn = *conn;
	flow->owner = tn;
	flow->fl = TCPFSM_FL_DEAD;
	if (res->reversed ? !side : side)
		flow->fl |= TCPFSM_FL_CLIENT1;
	flow->invalid = 0;
	flow->hs_start_us = 0;
	flow->created = now;
	flow->last_seen = now;
	flow->since[0] = now;
	flow->since[1] = now;
	/* The counters start at this segment, found once. */
	acct = tcpfsm_flow_acct(flow);
	if (acct) {
		memset(acct, 0, sizeof(*acct));
		tcpfsm_acct_add(acct, res->reversed ? TCPFSM_SERVER : TCPFSM_CLIENT,
				seg, gso_segs);
	}
	if (res->kind == TCPFSM_SEG_SYN)
		flow->hs_start_us = (u32)ktime_to_us(ktime_get());
}

/* @flow is in the table now: alive, and its handshake timed from its SYN. */
void tcpfsm_flow_start(struct tcpfsm_flow *flow, const struct tcpfsm_result *res)
{
	flow->fl &= ~TCPFSM_FL_DEAD;
	if (res->kind == TCPFSM_SEG_SYN)
		flow->fl |= TCPFSM_FL_HS;
}

/*
 * Apply @seg, sent from key side @side, to @flow, locked and live.  Returns
 * true when the segment is a SYN reopening the tuple: the caller then
 * replaces the flow with a new one.  @seg is the hook's own: its direction
 * is set here, for this flow, rather than in a copy made for every segment.
 */
bool tcpfsm_flow_update(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
			u8 side, struct tcpfsm_seg *seg, u32 gso_segs)
{
	/* tcpfsm_fsm_update() sets every field. */
	struct tcpfsm_result res __uninitialized;
	u32 now = tcpfsm_now();

	seg->dir = side == tcpfsm_flow_client(flow) ? TCPFSM_DIR_ORIG : TCPFSM_DIR_REPLY;
	tcpfsm_fsm_update(&flow->conn, seg, &res);
	switch (res.verdict) {
	case TCPFSM_NEW:
		return true;
	case TCPFSM_ACCEPT:
		tcpfsm_flow_account(flow, seg->dir, seg, gso_segs);
		flow->last_seen = now;
		if (!tcpfsm_changed(&flow->conn, &res))
			break;
		if (res.kind == TCPFSM_SEG_RST)
			flow->fl |= TCPFSM_FL_RST;
		tcpfsm_flow_rtt(tn, flow, &res);
		tcpfsm_flow_changed(tn, flow, res.old_state, seg->flags, seg->dir, now);
		break;
	default:
		/* Still sent by the endpoint; but it does not keep the flow alive. */
		tcpfsm_flow_account(flow, seg->dir, seg, gso_segs);
		tcpfsm_count_invalid(tn->stats, res.reason);
		if (flow->invalid < U16_MAX)
			flow->invalid++;
		break;
	}
	return false;
}

/* Runs once per object, when its slab is made: never on reuse. */
static void tcpfsm_flow_ctor(void *obj)
{
	struct tcpfsm_flow *flow = obj;

	spin_lock_init(&flow->lock);
	flow->fl = TCPFSM_FL_DEAD;
}

void tcpfsm_caches_uninit(void)
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

int tcpfsm_caches_init(void)
{
	tcpfsm_flow_cache[0] = kmem_cache_create("tcpfsm_flow4", tcpfsm_flow_size(AF_INET),
						 0, SLAB_TYPESAFE_BY_RCU, tcpfsm_flow_ctor);
	tcpfsm_flow_cache[1] = kmem_cache_create("tcpfsm_flow6", tcpfsm_flow_size(AF_INET6),
						 0, SLAB_TYPESAFE_BY_RCU, tcpfsm_flow_ctor);
	if (!tcpfsm_flow_cache[0] || !tcpfsm_flow_cache[1]) {
		tcpfsm_caches_uninit();
		return -ENOMEM;
	}
	pr_info("flow %u bytes (IPv4), %u (IPv6), max_flows %u\n",
		tcpfsm_flow_bytes(AF_INET), tcpfsm_flow_bytes(AF_INET6),
		tcpfsm_config_max_flows());
	return 0;
}
