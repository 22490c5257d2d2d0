/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the flow table: a flow, a namespace's table, and what the table's
 * files (tcpfsm_flow.c, tcpfsm_table.c, tcpfsm_evict.c, tcpfsm_gc.c,
 * tcpfsm_walk.c) share.
 * Nothing outside them includes this.
 *
 * Locking:
 *  - A flow's lock covers its state machine and everything after @lock in
 *    struct tcpfsm_flow.  It is taken with bottom halves disabled, inside
 *    an RCU read-side section (lookups and walks hold one).
 *  - Events are raised with the flow's lock held (tcpfsm_event_notify()):
 *    the receiver's own locks (the netlink side's sequence and tombstone
 *    locks) nest inside it, and no flow lock is ever taken inside them.
 *  - No two flow locks are ever held together: the evictor chooses with no
 *    lock and takes its victim's only after the new flow's slot is charged,
 *    before the new flow is locked.
 *  - tcpfsm_net.cfg_lock serialises configuration writers; readers use
 *    READ_ONCE() on single fields.
 */
#ifndef _TCPFSM_FLOW_H
#define _TCPFSM_FLOW_H

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "tcpfsm_config.h"
#include "tcpfsm_event.h"
#include "tcpfsm_fsm.h"
#include "tcpfsm_stats.h"
#include "tcpfsm_table.h"

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

/* struct tcpfsm_flow.fl bits: the table's own, never shown to users. */
#define TCPFSM_FL_DEAD		0x01	/* removed from the table */
#define TCPFSM_FL_RST		0x02	/* a RST closed it */
#define TCPFSM_FL_HS		0x04	/* SYN seen: hs_start_us is running */
#define TCPFSM_FL_RTT		0x08	/* handshake seen: rtt_us is valid */
#define TCPFSM_FL_CLIENT1	0x10	/* the client is key side 1 */

/*
 * One connection, 144 bytes for IPv4 and 168 for IPv6 on 64-bit without lock
 * debugging (112 and 136 with acct=0): each family has its own cache, sized
 * to its addresses and, unless acct=0, followed by the packet and byte
 * counters (struct tcpfsm_acct).  Times are the low 32 bits of jiffies,
 * which is enough since the GC looks at every flow within seconds and keeps
 * them within 2^31 jiffies of now (tcpfsm_time_pin()); the generation keeps
 * its low 32 bits too (see tcpfsm_flow_gen()).
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

/*
 * The endpoint stuck flags (tcpfsm_gc.c sets them, tcpfsm_flow_changed()
 * clears them) live among the connection flags, which are the uAPI's flow
 * flags: no room is taken from the flow for them.
 */
static_assert(TCPFSM_FLOW_SERVER_STUCK - TCPFSM_FLOW_CLIENT_STUCK == 1);
static_assert(__TCPFSM_FLOW_MAX <= 8 * sizeof_field(struct tcpfsm_conn, flags));
#define TCPFSM_CONN_STUCK(e)	BIT(TCPFSM_FLOW_CLIENT_STUCK + (e))

struct tcpfsm_summary_pcpu;

/* One namespace's table. */
struct tcpfsm_net {
	struct rhashtable table;
	struct net *net;
	struct list_head list;		/* in tcpfsm_evict.c's list, while it may donate */
	struct tcpfsm_counters __percpu *stats;
	struct tcpfsm_summary_pcpu __percpu *summary;	/* tcpfsm_summary.c */
	atomic64_t gen;
	atomic_t flows;			/* charged: in the table or being added */
	u32 quota;			/* netns_max_flows; 0: the default */
	bool dying;			/* the GC must not rearm */
	spinlock_t cfg_lock;		/* serialises writers of @cfg */
	struct tcpfsm_config cfg;	/* readers use READ_ONCE() */
	struct delayed_work gc;
	struct rhashtable_iter gc_iter;	/* where the last GC run stopped */
};

/* Words in one address of @family. */
static inline unsigned int tcpfsm_addr_words(u8 family)
{
	return family == AF_INET ? 1 : 4;
}

static inline u32 tcpfsm_now(void)
{
	return (u32)jiffies;
}

/*
 * Milliseconds from @then to @now, saturating at U32_MAX (49.7 days):
 * jiffies_to_msecs() would wrap in u32 first where HZ < 1000.  The GC keeps
 * every stored time within 2^31 jiffies of now (tcpfsm_time_pin()), so the
 * jiffies difference itself never wraps.
 */
static inline u32 tcpfsm_ms_since(u32 now, u32 then)
{
	return min_t(u64, jiffies64_to_msecs(now - then), U32_MAX);
}

/*
 * A time more than 2^31 jiffies back (24.8 days at HZ=1000, 99 at HZ=250)
 * is moved up to exactly that far back, so that u32 arithmetic never sees
 * it as in the future: ages then saturate there, or at U32_MAX ms where
 * that comes first (HZ below 500).
 */
static inline void tcpfsm_time_pin(u32 now, u32 *t)
{
	if (now - *t > (u32)S32_MAX)
		*t = now - (u32)S32_MAX;
}

/*
 * A flow a walker of @tn found is one it may act on or show if, under its
 * lock, it is still in a table and that table is @tn's: its memory may have
 * been freed and reused, in any namespace, since the walker reached it.
 */
static inline bool tcpfsm_flow_mine(const struct tcpfsm_net *tn,
				    const struct tcpfsm_flow *flow)
{
	lockdep_assert_held(&flow->lock);
	return !(flow->fl & TCPFSM_FL_DEAD) && flow->owner == tn;
}

/* tcpfsm_flow.c: one flow; the caller holds its lock unless it is new */
int tcpfsm_caches_init(void);
void tcpfsm_caches_uninit(void);
struct tcpfsm_flow *tcpfsm_flow_alloc(u8 family);
void tcpfsm_flow_free(struct tcpfsm_flow *flow);
unsigned int tcpfsm_flow_bytes(u8 family);
void tcpfsm_flow_setup(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
		       const struct tcpfsm_key *key, u8 side,
		       const struct tcpfsm_conn *conn, const struct tcpfsm_result *res,
		       const struct tcpfsm_seg *seg, u32 gso_segs);
void tcpfsm_flow_start(struct tcpfsm_flow *flow, const struct tcpfsm_result *res);
bool tcpfsm_flow_update(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
			u8 side, struct tcpfsm_seg *seg, u32 gso_segs);
void tcpfsm_flow_event(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
		       struct tcpfsm_event *ev);
void tcpfsm_flow_changed(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
			 const u8 old_state[2], u8 seg_flags, u8 seg_dir, u32 now);

/*
 * tcpfsm_summary.c: the summary, told of every flow that comes, goes or
 * changes state, under the flow's lock.  A flow is counted from the moment
 * it is in the table (tcpfsm_flow_start()) until tcpfsm_flow_destroy().
 */
int tcpfsm_summary_init(struct tcpfsm_net *tn);
void tcpfsm_summary_uninit(struct tcpfsm_net *tn);
void tcpfsm_summary_add(struct tcpfsm_net *tn, const struct tcpfsm_flow *flow);
void tcpfsm_summary_del(struct tcpfsm_net *tn, const struct tcpfsm_flow *flow);
void tcpfsm_summary_move(struct tcpfsm_net *tn, const struct tcpfsm_flow *flow,
			 const u8 old_state[2]);
void tcpfsm_summary_stuck(struct tcpfsm_net *tn, u8 state, int delta);
void tcpfsm_summary_rtt(struct tcpfsm_net *tn, u32 rtt_us);
void tcpfsm_summary_read(struct tcpfsm_net *tn, struct tcpfsm_summary *s);

/* tcpfsm_table.c: where flows are kept (and tcpfsm_pernet(), tcpfsm_table.h) */
void tcpfsm_flow_key(const struct tcpfsm_flow *flow, struct tcpfsm_key *key);
bool tcpfsm_flow_destroy(struct tcpfsm_net *tn, struct tcpfsm_flow *flow, u8 reason);
bool tcpfsm_flow_kill(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
		      const struct tcpfsm_key *key, u8 reason);

/* tcpfsm_evict.c: the limits, and making room within them */
bool tcpfsm_charge(struct tcpfsm_net *tn);
void tcpfsm_uncharge(struct tcpfsm_net *tn, bool refused);
u32 tcpfsm_quota(const struct tcpfsm_net *tn);
u32 tcpfsm_flows_total(void);
void tcpfsm_donor_add(struct tcpfsm_net *tn);
void tcpfsm_donor_del(struct tcpfsm_net *tn);

/* tcpfsm_gc.c */
void tcpfsm_gc_start(struct tcpfsm_net *tn);
void tcpfsm_gc_stop(struct tcpfsm_net *tn);
void tcpfsm_flush(struct tcpfsm_net *tn);

#endif /* _TCPFSM_FLOW_H */
