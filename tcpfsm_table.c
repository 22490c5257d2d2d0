// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: one rhashtable per network namespace, keyed so that both
 * directions of a connection find the same flow, a per-flow lock around the
 * state machine, and each flow's life from its first segment to its
 * destruction.  The limits are tcpfsm_evict.c's, expiry tcpfsm_gc.c's.
 *
 * Nothing global is written on the packet path but per-CPU counters and the
 * flow counts that the limits need.
 */

#include <linux/bottom_half.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <net/netns/generic.h>
#include <kunit/visibility.h>

#include "tcpfsm_event.h"
#include "tcpfsm_flow.h"
#include "tcpfsm_table_test.h"

static unsigned int tcpfsm_net_id __read_mostly;

/*
 * Every segment hashes its key.  An IPv4 key is three words: one final mix.
 * The same function hashes a lookup key and a flow's own copy of it.
 */
static __always_inline u32 tcpfsm_hash(u8 family, const __be32 *addr,
				       const __be16 *port, u32 seed)
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

/*
 * Every lookup compares.  Each family's length is a constant, so that the
 * compiler makes word compares of it rather than call memcmp().
 */
static __always_inline bool tcpfsm_flow_has_key(const struct tcpfsm_flow *flow,
						const struct tcpfsm_key *key, u8 family)
{
	if (flow->family != family ||
	    memcmp(flow->port, key->port, sizeof(flow->port)))
		return false;
	if (family == AF_INET)
		return !memcmp(flow->addr, key->addr, 2 * sizeof(__be32));
	return !memcmp(flow->addr, key->addr, 8 * sizeof(__be32));
}

static int tcpfsm_flow_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct tcpfsm_key *key = arg->key;

	return !tcpfsm_flow_has_key(obj, key, key->family);
}

/* A flow found by @key is the one wanted if it is still @tn's and has @key. */
static __always_inline bool tcpfsm_flow_live(const struct tcpfsm_net *tn,
					     const struct tcpfsm_flow *flow,
					     const struct tcpfsm_key *key, u8 family)
{
	return tcpfsm_flow_mine(tn, flow) && tcpfsm_flow_has_key(flow, key, family);
}

/*
 * The table's parameters, and those of lookups made for one family (below):
 * all but how a key is hashed and compared must be the same.
 */
#define TCPFSM_RHT_PARAMS(key_hashfn, cmpfn) {				\
	.head_offset = offsetof(struct tcpfsm_flow, node),		\
	.key_len = sizeof(struct tcpfsm_key),				\
	.hashfn = key_hashfn,						\
	.obj_hashfn = tcpfsm_flow_hash,					\
	.obj_cmpfn = cmpfn,						\
	.automatic_shrinking = true,					\
}

static const struct rhashtable_params tcpfsm_rht_params =
	TCPFSM_RHT_PARAMS(tcpfsm_key_hash, tcpfsm_flow_cmp);

/*
 * rhashtable takes its parameters at every call, for the compiler to fold
 * them in: a lookup whose key's family is known hashes and compares that
 * family's way alone, with the same hash as tcpfsm_rht_params', which the
 * table keeps for inserts and rehashes.
 */
static __always_inline u32 tcpfsm_key_hash4(const void *data, u32 len, u32 seed)
{
	const struct tcpfsm_key *key = data;

	return tcpfsm_hash(AF_INET, key->addr, key->port, seed);
}

static __always_inline int tcpfsm_flow_cmp4(struct rhashtable_compare_arg *arg, const void *obj)
{
	return !tcpfsm_flow_has_key(obj, arg->key, AF_INET);
}

static __always_inline u32 tcpfsm_key_hash6(const void *data, u32 len, u32 seed)
{
	const struct tcpfsm_key *key = data;

	return tcpfsm_hash(AF_INET6, key->addr, key->port, seed);
}

static __always_inline int tcpfsm_flow_cmp6(struct rhashtable_compare_arg *arg, const void *obj)
{
	return !tcpfsm_flow_has_key(obj, arg->key, AF_INET6);
}

static const struct rhashtable_params tcpfsm_rht_params4 =
	TCPFSM_RHT_PARAMS(tcpfsm_key_hash4, tcpfsm_flow_cmp4);
static const struct rhashtable_params tcpfsm_rht_params6 =
	TCPFSM_RHT_PARAMS(tcpfsm_key_hash6, tcpfsm_flow_cmp6);

struct tcpfsm_net *tcpfsm_pernet(const struct net *net)
{
	return net_generic(net, tcpfsm_net_id);
}

/*
 * Build the canonical key of tuple @t (oriented sender, receiver), whose
 * family is @family, and return the key side of t's endpoint 0.
 */
static __always_inline u8 tcpfsm_key_make_fam(struct tcpfsm_key *key,
					      const struct tcpfsm_tuple *t, u8 family)
{
	int cmp;
	u8 side;

	/*
	 * Ascending as memcmp() orders the bytes on the wire; an IPv4 address
	 * in host order compares the same way in one instruction.
	 */
	if (family == AF_INET) {
		u32 a = ntohl(t->addr[0].ip), b = ntohl(t->addr[1].ip);

		cmp = a < b ? -1 : a > b;
	} else {
		cmp = memcmp(&t->addr[0].in6, &t->addr[1].in6, sizeof(struct in6_addr));
	}
	if (!cmp)
		cmp = ntohs(t->port[0]) > ntohs(t->port[1]);
	side = cmp > 0;
	if (family == AF_INET) {
		key->addr[side] = t->addr[0].ip;
		key->addr[!side] = t->addr[1].ip;
	} else {
		memcpy(&key->addr[side * 4], &t->addr[0].in6, sizeof(struct in6_addr));
		memcpy(&key->addr[!side * 4], &t->addr[1].in6, sizeof(struct in6_addr));
	}
	key->port[side] = t->port[0];
	key->port[!side] = t->port[1];
	key->family = family;
	return side;
}

static u8 tcpfsm_key_make(struct tcpfsm_key *key, const struct tcpfsm_tuple *t)
{
	if (t->family == AF_INET)
		return tcpfsm_key_make_fam(key, t, AF_INET);
	return tcpfsm_key_make_fam(key, t, AF_INET6);
}

/* The key a flow keeps, to recognise it again (see tcpfsm_flow_kill()). */
void tcpfsm_flow_key(const struct tcpfsm_flow *flow, struct tcpfsm_key *key)
{
	/* Constant for an object of either cache once it has been a flow. */
	key->family = flow->family;
	memcpy(key->port, flow->port, sizeof(key->port));
	memcpy(key->addr, flow->addr,
	       2 * tcpfsm_addr_words(key->family) * sizeof(__be32));
}

/*
 * Take @flow, which is @tn's, out of the table and tell listeners why; the
 * caller holds its lock and frees it with tcpfsm_flow_free() after unlocking
 * if this returns true.  Removing under the lock means whoever finds a flow
 * not yet DEAD under its lock found a live one, and a racing creator can
 * insert its replacement at once.  A flow the table does not hold stays as
 * it is: freeing it could free a flow still linked somewhere.
 */
bool tcpfsm_flow_destroy(struct tcpfsm_net *tn, struct tcpfsm_flow *flow, u8 reason)
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
	tcpfsm_summary_del(tn, flow);
	tcpfsm_flow_event(tn, flow, &ev);
	tcpfsm_uncharge(tn, false);

	switch (reason) {
	case TCPFSM_DESTROY_TIMEOUT:
		tcpfsm_count(tn->stats, TCPFSM_A_STATS_EXPIRED);
		break;
	case TCPFSM_DESTROY_EVICTED:
		tcpfsm_count(tn->stats, TCPFSM_A_STATS_EVICTED);
		break;
	case TCPFSM_DESTROY_UNLOAD:
		break;
	default:
		tcpfsm_count(tn->stats, TCPFSM_A_STATS_CLOSED);
		break;
	}
	return true;
}

/*
 * Kill @flow, found by a walker or the evictor of @tn, if under its lock it
 * is still @tn's and, when @key is given, still the connection chosen.
 */
bool tcpfsm_flow_kill(struct tcpfsm_net *tn, struct tcpfsm_flow *flow,
		      const struct tcpfsm_key *key, u8 reason)
{
	bool killed = false;

	spin_lock_bh(&flow->lock);
	if (key ? tcpfsm_flow_live(tn, flow, key, key->family) : tcpfsm_flow_mine(tn, flow))
		killed = tcpfsm_flow_destroy(tn, flow, reason);
	spin_unlock_bh(&flow->lock);
	if (killed)
		tcpfsm_flow_free(flow);
	return killed;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_flow_kill);

/*
 * Create a flow from its first segment @seg, sent from key side @side.
 * Returns ERR_PTR(-EEXIST) when another CPU inserted the same flow first:
 * the caller then looks it up again.  Bottom halves are off.
 */
static struct tcpfsm_flow *tcpfsm_flow_create(struct tcpfsm_net *tn,
					      const struct tcpfsm_key *key, u8 side,
					      struct tcpfsm_seg *seg, u32 gso_segs)
{
	struct tcpfsm_event ev = { .type = TCPFSM_EVENT_NEW };
	/* tcpfsm_fsm_start() writes all of both: no zeroing first. */
	struct tcpfsm_result res __uninitialized;
	struct tcpfsm_conn conn __uninitialized;
	struct tcpfsm_flow *flow, *old;

	seg->dir = TCPFSM_DIR_ORIG;
	if (!tcpfsm_fsm_start(&conn, seg, READ_ONCE(tn->cfg.pickup), &res)) {
		tcpfsm_count_invalid(tn->stats, res.reason);
		return NULL;
	}
	/* Before any flow lock: making room locks the flow it evicts. */
	if (!tcpfsm_charge(tn))
		return NULL;
	flow = tcpfsm_flow_alloc(key->family);
	if (!flow) {
		tcpfsm_uncharge(tn, true);
		return NULL;
	}

	/* Locked from the start, so that no CHANGE can precede its NEW. */
	spin_lock(&flow->lock);
	tcpfsm_flow_setup(tn, flow, key, side, &conn, &res, seg, gso_segs);
	old = rhashtable_lookup_get_insert_key(&tn->table, key, &flow->node,
					       tcpfsm_rht_params);
	if (old) {
		spin_unlock(&flow->lock);
		tcpfsm_flow_free(flow);
		/* -EEXIST is no refusal: the caller finds the other CPU's flow. */
		tcpfsm_uncharge(tn, IS_ERR(old));
		return IS_ERR(old) ? NULL : ERR_PTR(-EEXIST);
	}
	tcpfsm_flow_start(flow, &res);
	tcpfsm_summary_add(tn, flow);
	tcpfsm_count(tn->stats, TCPFSM_A_STATS_CREATED);
	ev.seg_flags = seg->flags;
	ev.seg_dir = res.reversed ? TCPFSM_SERVER : TCPFSM_CLIENT;
	tcpfsm_flow_event(tn, flow, &ev);
	spin_unlock(&flow->lock);
	return flow;
}

/*
 * The segment path, for one family known at compile time, so that the key,
 * its hash and every compare are that family's alone (see
 * tcpfsm_rht_params4).  In an RCU read-side section, which netfilter holds
 * around its hooks (nf_hook()), with bottom halves off.
 */
static __always_inline void tcpfsm_tn_segment_fam(struct tcpfsm_net *tn,
						  const struct tcpfsm_tuple *t,
						  struct tcpfsm_seg *seg,
						  u32 gso_segs, u8 family)
{
	/* tcpfsm_key_make_fam() writes all of it that its family uses. */
	struct tcpfsm_key key __uninitialized;
	struct tcpfsm_flow *flow;
	bool replaced;
	int tries;
	u8 side;

	tcpfsm_count_add(tn->stats, TCPFSM_A_STATS_SEGMENTS, gso_segs);
	side = tcpfsm_key_make_fam(&key, t, family);

	/*
	 * A lookup can race with a creator or with the flow's removal; both
	 * resolve in one more try, the bound only guards against surprises.
	 */
	for (tries = 0; tries < 4; tries++) {
		/* Each its own call: the parameters must stay constants. */
		if (family == AF_INET)
			flow = rhashtable_lookup(&tn->table, &key, tcpfsm_rht_params4);
		else
			flow = rhashtable_lookup(&tn->table, &key, tcpfsm_rht_params6);
		if (!flow) {
			flow = tcpfsm_flow_create(tn, &key, side, seg, gso_segs);
			if (flow != ERR_PTR(-EEXIST))
				break;
			continue;
		}
		spin_lock(&flow->lock);
		if (!tcpfsm_flow_live(tn, flow, &key, family)) {
			spin_unlock(&flow->lock);
			continue;
		}
		replaced = tcpfsm_flow_update(tn, flow, side, seg, gso_segs) &&
			   tcpfsm_flow_destroy(tn, flow, TCPFSM_DESTROY_REPLACED);
		spin_unlock(&flow->lock);
		if (!replaced)
			break;
		tcpfsm_flow_free(flow);
		/* The SYN starts the new connection: its sender is the client. */
	}
}

/*
 * Flow locks are taken in softirq and in process context, so always with
 * bottom halves off.  The segment path turns them off once around it all
 * and then takes its flow locks plainly, as the GC does.  It does so only
 * when they are on (a segment sent from process context, at LOCAL_OUT):
 * segments received come in softirq with them off already, and skip the
 * pending-softirq check of local_bh_enable() that spin_unlock_bh() would
 * make them pay for every lock.
 */
static __always_inline void tcpfsm_tn_segment_any(struct tcpfsm_net *tn,
						  const struct tcpfsm_tuple *t,
						  struct tcpfsm_seg *seg,
						  u32 gso_segs)
{
	bool bh_on = !softirq_count();

	if (bh_on)
		local_bh_disable();
	if (t->family == AF_INET)
		tcpfsm_tn_segment_fam(tn, t, seg, gso_segs, AF_INET);
	else
		tcpfsm_tn_segment_fam(tn, t, seg, gso_segs, AF_INET6);
	if (bh_on)
		local_bh_enable();
}

/* From the hooks, in netfilter's RCU read-side section. */
void tcpfsm_table_segment(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t,
			  struct tcpfsm_seg *seg, u32 gso_segs)
{
	tcpfsm_tn_segment_any(tn, t, seg, gso_segs);
}

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
		found = tcpfsm_flow_live(tn, flow, &key, key.family);
		if (found)
			tcpfsm_flow_info_locked(flow, info);
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

static int tcpfsm_tn_init(struct tcpfsm_net *tn, struct net *net)
{
	int err;

	tn->net = net;
	tn->stats = tcpfsm_counters_alloc();
	if (!tn->stats)
		return -ENOMEM;
	err = tcpfsm_summary_init(tn);
	if (err)
		goto err_summary;
	err = rhashtable_init(&tn->table, &tcpfsm_rht_params);
	if (err)
		goto err_table;
	atomic64_set(&tn->gen, 0);
	atomic_set(&tn->flows, 0);
	spin_lock_init(&tn->cfg_lock);
	tcpfsm_config_defaults(&tn->cfg);
	tn->quota = 0;
	INIT_LIST_HEAD(&tn->list);
	return 0;

err_table:
	tcpfsm_summary_uninit(tn);
err_summary:
	tcpfsm_counters_free(tn->stats);
	return err;
}

/* Empty @tn, telling listeners, and free what it holds. */
static void tcpfsm_tn_uninit(struct tcpfsm_net *tn)
{
	tcpfsm_flush(tn);
	rhashtable_destroy(&tn->table);
	tcpfsm_summary_uninit(tn);
	tcpfsm_counters_free(tn->stats);
}

static int __net_init tcpfsm_table_net_init(struct net *net)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);
	int err;

	err = tcpfsm_tn_init(tn, net);
	if (err)
		return err;
	tcpfsm_gc_start(tn);
	tcpfsm_donor_add(tn);
	return 0;
}

/*
 * Other namespaces' evictors reach this table through the donor list: the
 * core waits for RCU readers between pre_exit and exit, so none is still in
 * the table when exit destroys it.
 */
static void __net_exit tcpfsm_table_net_pre_exit(struct net *net)
{
	tcpfsm_donor_del(tcpfsm_pernet(net));
}

/*
 * Runs after the hooks' exit (registered later, so exits earlier): no new
 * segment can arrive.  Stop the GC, then destroy the flows, then the table.
 */
static void __net_exit tcpfsm_table_net_exit(struct net *net)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);

	tcpfsm_gc_stop(tn);
	tcpfsm_tn_uninit(tn);
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

int tcpfsm_table_init(void)
{
	int err;

	tcpfsm_config_init();
	err = tcpfsm_caches_init();
	if (err)
		return err;

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

void tcpfsm_table_stats(struct net *net, struct tcpfsm_stats *st)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(net);

	tcpfsm_counters_read(tn->stats, st);
	st->val[TCPFSM_A_STATS_FLOWS] = atomic_read(&tn->flows);
	st->val[TCPFSM_A_STATS_FLOWS_TOTAL] = tcpfsm_flows_total();
	st->val[TCPFSM_A_STATS_MAX_FLOWS] = tcpfsm_config_max_flows();
	st->val[TCPFSM_A_STATS_FLOW_BYTES] = tcpfsm_flow_bytes(AF_INET);
	st->val[TCPFSM_A_STATS_FLOW6_BYTES] = tcpfsm_flow_bytes(AF_INET6);
}

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
	int i, err;

	err = tcpfsm_config_check(cfg);
	if (err)
		return err;
	spin_lock_bh(&tn->cfg_lock);
	for (i = TCPFSM_STATE_NONE + 1; i < __TCPFSM_STATE_MAX; i++) {
		WRITE_ONCE(tn->cfg.timeout[i], cfg->timeout[i]);
		WRITE_ONCE(tn->cfg.stuck[i], cfg->stuck[i]);
	}
	WRITE_ONCE(tn->cfg.timeout_pickup, cfg->timeout_pickup);
	WRITE_ONCE(tn->cfg.pickup, cfg->pickup);
	spin_unlock_bh(&tn->cfg_lock);
	return 0;
}

u32 tcpfsm_table_quota(struct net *net)
{
	return tcpfsm_quota(tcpfsm_pernet(net));
}

int tcpfsm_table_set_quota(struct net *net, u32 quota)
{
	int err = tcpfsm_config_check_quota(quota);

	if (!err)
		WRITE_ONCE(tcpfsm_pernet(net)->quota, quota);
	return err;
}

void tcpfsm_table_count_skip(struct net *net, bool fragment)
{
	tcpfsm_count(tcpfsm_pernet(net)->stats,
		     fragment ? TCPFSM_A_STATS_FRAGMENTS : TCPFSM_A_STATS_TRUNCATED);
}

void tcpfsm_table_count_event_lost(struct net *net)
{
	tcpfsm_count(tcpfsm_pernet(net)->stats, TCPFSM_A_STATS_EVENTS_LOST);
}

#if IS_ENABLED(CONFIG_KUNIT)
/* A segment into @tn as its hook would hand it over, in an RCU section. */
void tcpfsm_tn_segment(struct tcpfsm_net *tn, const struct tcpfsm_tuple *t,
		       const struct tcpfsm_seg *seg, u32 gso_segs)
{
	struct tcpfsm_seg s = *seg;	/* the table writes its direction */

	rcu_read_lock();
	tcpfsm_tn_segment_any(tn, t, &s, gso_segs);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_tn_segment);

/*
 * For kunit/tcpfsm_table_test.c: tables outside any namespace's pernet data
 * (they report events as @net's, and are on no list and have no GC), and a
 * flow's address, which nothing else hands out.
 */
struct tcpfsm_net *tcpfsm_test_table_new(struct net *net)
{
	struct tcpfsm_net *tn = kzalloc(sizeof(*tn), GFP_KERNEL);

	if (tn && tcpfsm_tn_init(tn, net)) {
		kfree(tn);
		tn = NULL;
	}
	return tn;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_table_new);

void tcpfsm_test_table_free(struct tcpfsm_net *tn)
{
	tcpfsm_tn_uninit(tn);
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

/*
 * For kunit/tcpfsm_summary_test.c.  Run the GC's step on every flow of
 * @tn after moving each flow's times @secs back (its last segment and
 * both endpoints' entry into their states), as if it had been idle that
 * long; returns the flows it looked at.
 */
unsigned int tcpfsm_test_gc_all(struct tcpfsm_net *tn, u32 secs)
{
	struct rhashtable_iter iter;
	struct tcpfsm_flow *flow;
	unsigned int n = 0;

	rhashtable_walk_enter(&tn->table, &iter);
	rhashtable_walk_start(&iter);
	while ((flow = rhashtable_walk_next(&iter))) {
		if (IS_ERR(flow))
			continue;
		spin_lock_bh(&flow->lock);
		if (tcpfsm_flow_mine(tn, flow)) {
			flow->last_seen -= secs * HZ;
			flow->since[0] -= secs * HZ;
			flow->since[1] -= secs * HZ;
		}
		spin_unlock_bh(&flow->lock);
		local_bh_disable();	/* as the GC work has them */
		tcpfsm_flow_gc(tn, flow);
		local_bh_enable();
		n++;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_gc_all);

/*
 * What @tn's summary should say, counted the slow way: over the table,
 * each flow under its lock.  Only the gauges (flows, pairs, endpoints,
 * stuck); @s's counters are left at 0.
 */
void tcpfsm_test_summary_count(struct tcpfsm_net *tn, struct tcpfsm_summary *s)
{
	struct rhashtable_iter iter;
	struct tcpfsm_flow *flow;
	u8 st[2], e;

	memset(s, 0, sizeof(*s));
	rhashtable_walk_enter(&tn->table, &iter);
	rhashtable_walk_start(&iter);
	while ((flow = rhashtable_walk_next(&iter))) {
		if (IS_ERR(flow))
			continue;
		spin_lock_bh(&flow->lock);
		if (tcpfsm_flow_mine(tn, flow)) {
			for (e = 0; e < 2; e++) {
				st[e] = min_t(u8, flow->conn.peer[e].state,
					      __TCPFSM_STATE_MAX - 1);
				s->endpoints[st[e]]++;
				if (flow->conn.flags & TCPFSM_CONN_STUCK(e))
					s->stuck[st[e]]++;
			}
			s->pair[st[TCPFSM_CLIENT]][st[TCPFSM_SERVER]]++;
			s->flows++;
		}
		spin_unlock_bh(&flow->lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_summary_count);

void tcpfsm_test_summary(struct tcpfsm_net *tn, struct tcpfsm_summary *s)
{
	tcpfsm_summary_read(tn, s);
}
EXPORT_SYMBOL_IF_KUNIT(tcpfsm_test_summary);
#endif /* CONFIG_KUNIT */
