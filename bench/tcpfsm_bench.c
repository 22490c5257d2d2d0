// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel microbenchmark of the flow table, built into tcpfsm.ko only
 * by `make TCPFSM_BENCH=1` (see include/tcpfsm_bench.h) and brought up last.
 * It drives init_net's table with crafted tuples and skbs through what the
 * module itself runs: tcpfsm_table_segment() as the hooks call it, the IPv4
 * hook as netfilter calls it, the GC's step for one flow.  The module's
 * hooks are live meanwhile, so whatever else sends TCP in init_net would be
 * measured with it: scripts/bench/vm-bench sends none while it runs.
 *
 * Driven through /sys/kernel/debug/tcpfsm_bench (init_net only):
 *   echo "fill N"    > ...  create N flows (one SYN each), report ns/insert
 *   echo "seg M"     > ...  M segments on one established flow, ns/segment
 *   echo "scan"      > ...  one GC pass that expires nothing, ns/flow
 *   echo "expire"    > ...  one GC pass that expires everything, ns/flow
 *   echo "rate R K"  > ...  K new flows paced at R/s (for event loss)
 *   echo "versus M"  > ...  head to head with nf_conntrack on the same skbs:
 *                           M segments of one established flow, then M new
 *                           flows (SYNs), through tcpfsm's IPv4 hook and
 *                           through conntrack's nf_conntrack_in() + confirm,
 *                           ns per segment each
 *   echo "insns R"   > ...  the head to head again, each tracker's work
 *                           bracketed by the markers tools/insn-count counts
 *                           guest instructions between: R regions of
 *                           VS_BATCH established segments, then R of
 *                           VS_BATCH new flows, per tracker; "insn_regions"
 *                           lines say, in order, what each region was
 *   echo "mc R"      > ...  R regions of VS_BATCH established segments on
 *                           each CPU's own flow, each CPU alone, then all
 *                           at once (bench_mc()); "insn_mc" lines say, per
 *                           CPU in order, what its concurrent regions were
 *   echo "summary N" > ...  N SUMMARY_GET replies built (message allocated,
 *                           the summary read and put, freed), ns per reply:
 *                           what a do costs but the socket copy, at any size
 *   echo "flush"     > ...  remove every flow (the table starts empty again)
 *   cat ...                 the last command's "key value" lines
 * init_net's own GC is stopped while a command runs, and started after it.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/ip.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/tcp.h>

#include "tcpfsm_bench.h"
#include "tcpfsm_config.h"
#include "tcpfsm_flow.h"
#include "tcpfsm_nl.h"
#include "tcpfsm_stats.h"
#include "tcpfsm_table.h"

static struct dentry *bench_file;
static DEFINE_MUTEX(bench_lock);
static char bench_out[2048];
static size_t bench_len;
static u32 bench_next;		/* next filler flow index */
static u32 bench_est_port = 1000;

#define OUT(fmt, ...) (bench_len += scnprintf(bench_out + bench_len, \
			sizeof(bench_out) - bench_len, fmt "\n", ##__VA_ARGS__))

static void bench_tuple(struct tcpfsm_tuple *t, u32 i, bool reply)
{
	__be32 c = htonl(0x0a000000 | (i & 0xffffff)), s = htonl(0x0aff0001);
	__be16 cp = htons(1024 + (i >> 24)), sp = htons(80);

	memset(t, 0, sizeof(*t));
	t->family = AF_INET;
	t->addr[reply].ip = c;
	t->addr[!reply].ip = s;
	t->port[reply] = cp;
	t->port[!reply] = sp;
}

static void bench_seg(struct tcpfsm_seg *s, u32 seq, u32 ack, u32 len, u16 win,
		      u8 flags, u8 wscale)
{
	s->seq = seq;
	s->ack = ack;
	s->len = len;
	s->win = win;
	s->flags = flags;
	s->wscale = wscale;
	s->dir = TCPFSM_DIR_ORIG;
}

static u64 bench_events_lost(struct tcpfsm_net *tn)
{
	struct tcpfsm_stats st;

	tcpfsm_table_stats(tn->net, &st);
	return st.val[TCPFSM_A_STATS_EVENTS_LOST];
}

/* Segments refused so far, all reasons. */
static u64 bench_invalid(struct tcpfsm_net *tn)
{
	struct tcpfsm_stats st;
	u64 sum = 0;
	int i;

	tcpfsm_table_stats(tn->net, &st);
	for (i = 0; i < __TCPFSM_REASON_MAX; i++)
		sum += st.invalid[i];
	return sum;
}

/* Raise max_flows, if need be, so that @n more flows fit. */
static void bench_room(u32 n)
{
	u32 want = tcpfsm_flows_total() + n + 16;

	if (tcpfsm_config_max_flows() < want && tcpfsm_config_set_max_flows(want))
		pr_warn("bench: max_flows cannot be %u\n", want);
}

static void bench_fill(struct tcpfsm_net *tn, u32 n)
{
	struct tcpfsm_tuple t;
	struct tcpfsm_seg s;
	u64 t0, dt = 0, lost0 = bench_events_lost(tn);
	u32 i, flows0 = atomic_read(&tn->flows);
	const struct bucket_table *tbl;

	bench_room(n);
	bench_seg(&s, 1000, 0, 0, 64240, TCPFSM_TH_SYN, 7);
	rcu_read_lock();	/* as netfilter holds it around a hook */
	for (i = 0; i < n; i++) {
		bench_tuple(&t, bench_next++, false);
		t0 = ktime_get_ns();
		tcpfsm_table_segment(tn, &t, &s, 1);
		dt += ktime_get_ns() - t0;
		if ((i & 255) == 255) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	tbl = rht_dereference_rcu(tn->table.tbl, &tn->table);
	OUT("inserted %u", atomic_read(&tn->flows) - flows0);
	OUT("flows %u", atomic_read(&tn->flows));
	OUT("insert_ns %llu", n ? dt / n : 0);
	OUT("buckets %u", tbl->size);
	rcu_read_unlock();
	OUT("flow_obj_bytes %u", tcpfsm_flow_bytes(AF_INET));
	OUT("flow6_obj_bytes %u", tcpfsm_flow_bytes(AF_INET6));
	OUT("events_lost %llu", bench_events_lost(tn) - lost0);
}

/* Handshake a fresh flow, then M segments: data one way, an ACK back. */
static void bench_segments(struct tcpfsm_net *tn, u32 m)
{
	u32 c = 5000, sv = 9000, i, port = bench_est_port++;
	struct tcpfsm_tuple to, back;
	struct tcpfsm_flow_info info;
	struct tcpfsm_seg s;
	u64 t0, dt = 0, dt_clk = 0, inval0, inval1;

	bench_tuple(&to, 0, false);
	to.port[0] = htons(port);
	to.addr[0].ip = htonl(0x0afe0001);
	back = to;
	swap(back.addr[0], back.addr[1]);
	swap(back.port[0], back.port[1]);

	rcu_read_lock();	/* as netfilter holds it around a hook */
	bench_seg(&s, c, 0, 0, 64240, TCPFSM_TH_SYN, 7);
	tcpfsm_table_segment(tn, &to, &s, 1);
	bench_seg(&s, sv, c + 1, 0, 65160, TCPFSM_TH_SYN | TCPFSM_TH_ACK, 7);
	tcpfsm_table_segment(tn, &back, &s, 1);
	c++;
	sv++;
	bench_seg(&s, c, sv, 0, 502, TCPFSM_TH_ACK, TCPFSM_WSCALE_NONE);
	tcpfsm_table_segment(tn, &to, &s, 1);

	inval0 = bench_invalid(tn);
	for (i = 0; i < m; i++) {
		if (i & 1) {
			bench_seg(&s, sv, c, 0, 2000, TCPFSM_TH_ACK, TCPFSM_WSCALE_NONE);
			t0 = ktime_get_ns();
			tcpfsm_table_segment(tn, &back, &s, 1);
		} else {
			bench_seg(&s, c, sv, 1448, 502, TCPFSM_TH_ACK, TCPFSM_WSCALE_NONE);
			c += 1448;
			t0 = ktime_get_ns();
			tcpfsm_table_segment(tn, &to, &s, 1);
		}
		dt += ktime_get_ns() - t0;
		if ((i & 1023) == 1023) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	inval1 = bench_invalid(tn);
	if (tcpfsm_table_get(tn->net, &to, &info))
		OUT("est_state %s/%s", tcpfsm_state_name(info.state[TCPFSM_CLIENT]),
		    tcpfsm_state_name(info.state[TCPFSM_SERVER]));
	else
		OUT("est_state -/-");
	/* The cost of the timing itself, to subtract. */
	t0 = ktime_get_ns();
	for (i = 0; i < 1000; i++) {
		u64 a = ktime_get_ns();

		barrier();
		dt_clk += ktime_get_ns() - a;
	}
	OUT("segment_ns %llu", m ? dt / m : 0);
	OUT("clock_overhead_ns %llu", dt_clk / 1000);
	OUT("segments %u", m);
	OUT("invalid %llu", inval1 - inval0);
	OUT("flows %u", atomic_read(&tn->flows));
}

/*
 * One GC pass over every flow, each through the GC's own step; ns per flow
 * visited.  With @expire, every timeout is first cut to its 1 s minimum and
 * the flows left to age past it (untimed), so the pass expires them all;
 * the timeouts come back after (and the stuck thresholds, off meanwhile).
 */
static void bench_gc(struct tcpfsm_net *tn, bool expire, const char *key)
{
	struct tcpfsm_config saved, cfg;
	struct rhashtable_iter it;
	struct tcpfsm_flow *flow;
	u64 t0, dt = 0, lost0;
	u32 i, n = 0, flows0 = atomic_read(&tn->flows);

	tcpfsm_table_config(tn->net, &saved);
	/*
	 * No stuck marks either: the fills' SYN-SENT flows pass the default
	 * threshold while the bench runs, and a pass that flags them measures
	 * their events, once, not the walk.
	 */
	cfg = saved;
	memset(cfg.stuck, 0, sizeof(cfg.stuck));
	if (expire) {
		for (i = TCPFSM_STATE_NONE + 1; i < __TCPFSM_STATE_MAX; i++)
			cfg.timeout[i] = 1;
		cfg.timeout_pickup = 1;
	}
	if (tcpfsm_table_set_config(tn->net, &cfg))
		pr_warn("bench: the GC pass's configuration was refused\n");
	if (expire)
		msleep(1100);
	lost0 = bench_events_lost(tn);
	rhashtable_walk_enter(&tn->table, &it);
	rhashtable_walk_start(&it);
	/* Bottom halves off in stretches, as the GC work has them. */
	local_bh_disable();
	t0 = ktime_get_ns();
	while ((flow = rhashtable_walk_next(&it))) {
		if (IS_ERR(flow))
			continue;
		tcpfsm_flow_gc(tn, flow);
		if ((++n & 63) == 0) {
			local_bh_enable();
			local_bh_disable();
		}
		if ((n & 1023) == 0) {
			dt += ktime_get_ns() - t0;
			local_bh_enable();
			rhashtable_walk_stop(&it);
			cond_resched();
			rhashtable_walk_start(&it);
			local_bh_disable();
			t0 = ktime_get_ns();
		}
	}
	dt += ktime_get_ns() - t0;
	local_bh_enable();
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	OUT("%s_visited %u", key, n);
	OUT("%s_removed %u", key, flows0 - atomic_read(&tn->flows));
	OUT("%s_ns %llu", key, n ? dt / n : 0);
	OUT("events_lost %llu", bench_events_lost(tn) - lost0);
	OUT("flows %u", atomic_read(&tn->flows));
	tcpfsm_table_set_config(tn->net, &saved);
}

/* @k new flows paced at @rate per second; report events lost meanwhile. */
static void bench_rate(struct tcpfsm_net *tn, u32 rate, u32 k)
{
	struct tcpfsm_tuple t;
	struct tcpfsm_seg s;
	u64 start = ktime_get_ns(), lost0 = bench_events_lost(tn), due;
	u32 i;

	bench_room(k);
	bench_seg(&s, 1000, 0, 0, 64240, TCPFSM_TH_SYN, 7);
	for (i = 0; i < k; i++) {
		due = start + div_u64((u64)i * NSEC_PER_SEC, rate);
		while (ktime_get_ns() < due) {
			if (due - ktime_get_ns() > 2 * NSEC_PER_MSEC)
				usleep_range(1000, 1500);
			else
				cpu_relax();
		}
		bench_tuple(&t, bench_next++, false);
		rcu_read_lock();	/* as netfilter holds it around a hook */
		tcpfsm_table_segment(tn, &t, &s, 1);
		rcu_read_unlock();
		if ((i & 255) == 255)
			cond_resched();
	}
	OUT("rate_target %u", rate);
	OUT("rate_achieved %llu", div64_u64((u64)k * NSEC_PER_SEC,
					    max_t(u64, ktime_get_ns() - start, 1)));
	OUT("events_sent %u", k);
	OUT("events_lost %llu", bench_events_lost(tn) - lost0);
}

/* ---- head to head with nf_conntrack ---- */

/* VS_NONE: the harness alone (crafting, looping), which insns subtracts. */
enum { VS_TCPFSM, VS_CONNTRACK, VS_NONE };

#define VS_BATCH	64	/* segments per BH-off stretch */

/* An IPv4 TCP segment skb from @src:@sport to @dst:@dport; 16 data bytes. */
static struct sk_buff *vs_skb(__be32 src, __be32 dst, u16 sport, u16 dport, bool data)
{
	unsigned int len = sizeof(struct iphdr) + sizeof(struct tcphdr) + (data ? 16 : 0);
	struct sk_buff *skb = alloc_skb(LL_MAX_HEADER + len, GFP_KERNEL);
	struct tcphdr *th;
	struct iphdr *iph;

	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, len);
	skb_set_transport_header(skb, sizeof(*iph));
	skb->protocol = htons(ETH_P_IP);
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->tot_len = htons(len);
	iph->frag_off = htons(IP_DF);
	iph->saddr = src;
	iph->daddr = dst;
	ip_send_check(iph);
	th = (struct tcphdr *)(iph + 1);
	th->source = htons(sport);
	th->dest = htons(dport);
	th->doff = sizeof(*th) / 4;
	th->window = htons(8192);
	return skb;
}

static void vs_set(struct sk_buff *skb, u8 flags, u32 seq, u32 ack)
{
	struct tcphdr *th = tcp_hdr(skb);

	tcp_flag_byte(th) = flags;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
}

/*
 * The markers of tools/insn-count/insn_count.c: instructions that do nothing
 * and that no compiler emits.  Under qemu with that plugin, the guest
 * instructions executed strictly between a start and a stop on one vCPU are
 * counted, the same from run to run whatever the host's load.
 */
static __always_inline void vs_mark_start(void)
{
#ifdef CONFIG_X86
	asm volatile("xchg %%bx, %%bx" ::: "memory");
#else
	barrier();
#endif
}

static __always_inline void vs_mark_stop(void)
{
#ifdef CONFIG_X86
	asm volatile("xchg %%cx, %%cx" ::: "memory");
#else
	barrier();
#endif
}

/*
 * A counted stretch runs with interrupts off too, so that no interrupt's
 * instructions land in it: the count is then the stretch's own, every time.
 * (No lock on either path re-enables them: the stock kernels trace no irq
 * flags, and the bottom-half count stays raised by our own disable.)
 */
static __always_inline void vs_region_start(u32 regions)
{
	if (regions) {
		local_irq_disable();
		vs_mark_start();
	}
}

static __always_inline void vs_region_stop(u32 regions)
{
	if (regions) {
		vs_mark_stop();
		local_irq_enable();
	}
}

/*
 * A counted stretch of tcpfsm's must not meet a resize of its table: the
 * rehash runs in a work on the other vCPU, so what a lookup, insert or
 * removal walks would depend on how far it had got.  Before each stretch
 * the pending resize is finished, and the table's mutex, which the resize
 * work takes first, is held until the stretch ends: a resize its inserts or
 * removals ask for waits and runs between stretches, the same in every
 * round.
 */
static void vs_hold(struct tcpfsm_net *tn, u32 regions)
{
	if (regions) {
		flush_work(&tn->table.run_work);
		mutex_lock(&tn->table.mutex);
	}
}

static void vs_release(struct tcpfsm_net *tn, u32 regions)
{
	if (regions)
		mutex_unlock(&tn->table.mutex);
}

/*
 * The plugin's own check, under the same conditions as what it measures:
 * regions of 0, 200 and 400 turns of "dec; jnz" after "test; jz" must count
 * exactly 2, 402 and 802 instructions (scripts/bench/insn-report.py).
 */
static void vs_selftest(void)
{
	unsigned long turns, i;

	for (turns = 0; turns <= 400; turns += 200) {
		i = turns;
		local_irq_disable();
#ifdef CONFIG_X86
		asm volatile("xchg %%bx, %%bx\n\t"
			     "test %0, %0\n\t"
			     "jz 2f\n"
			     "1:\n\t"
			     "dec %0\n\t"
			     "jnz 1b\n"
			     "2:\n\t"
			     "xchg %%cx, %%cx"
			     : "+r"(i) : : "cc", "memory");
#endif
		local_irq_enable();
	}
	OUT("insn_regions selftest 3 1");
}

/*
 * Around every stretch, as netfilter has them around a hook: bottom halves
 * off and an RCU read-side section (nf_hook()), outside what is counted,
 * for all three harnesses alike.
 */
static void vs_enter(void)
	__acquires(RCU)
{
	local_bh_disable();
	rcu_read_lock();
}

static void vs_exit(void)
	__releases(RCU)
{
	rcu_read_unlock();
	local_bh_enable();
}

/* Timed runs read the clock; counted runs must not count its reading. */
static __always_inline u64 vs_clock(u32 regions)
{
	return regions ? 0 : ktime_get_ns();
}

/* What netfilter hands tcpfsm's init_net hooks: init_net's table. */
static struct tcpfsm_net *vs_priv;

/* One segment through one tracker, as its hooks would take it. */
static unsigned int vs_one(int who, struct sk_buff *skb, const struct nf_hook_state *st)
{
	unsigned int v;

	if (who == VS_TCPFSM)
		return tcpfsm_hook_ipv4(vs_priv, skb, st);
	if (who == VS_NONE) {
		barrier();
		return NF_ACCEPT;
	}
	v = nf_conntrack_in(skb, st);
	if (v == NF_ACCEPT)
		v = nf_conntrack_confirm(skb);	/* its LOCAL_IN/POST_ROUTING half */
	nf_reset_ct(skb);			/* what freeing the skb would do */
	return v;
}

/*
 * Counted expiry: @regions stretches of VS_BATCH flows each leaving the
 * table as its expiry does.  tcpfsm: the GC's own step for one flow, on
 * flows whose timeouts (cut to 1 s) have passed; conntrack: what its GC
 * does with an expired entry, nf_ct_delete() and the last reference put,
 * on the entries the new-flow stretches made (found outside the count).
 * The flows to expire are gathered before each stretch: neither count
 * holds a table walk.  Each returns the stretches counted.
 */
static void vs_expire_batch(int who, struct tcpfsm_net *tn, void **objs, u32 regions)
{
	u32 i;

	vs_enter();
	vs_region_start(regions);
	for (i = 0; i < VS_BATCH; i++) {
		if (who == VS_TCPFSM) {
			tcpfsm_flow_gc(tn, objs[i]);
		} else if (who == VS_CONNTRACK) {
			nf_ct_delete(objs[i], 0, 0);
			nf_ct_put(objs[i]);
		} else {
			barrier();
		}
	}
	vs_region_stop(regions);
	vs_exit();
}

static u32 vs_expire_tcpfsm(struct tcpfsm_net *tn, u32 regions)
{
	struct tcpfsm_config saved, cfg;
	struct rhashtable_iter it;
	struct tcpfsm_flow *flow;
	void *flows[VS_BATCH];
	u32 r, n = 0, i;

	tcpfsm_table_config(tn->net, &saved);
	cfg = saved;
	for (i = TCPFSM_STATE_NONE + 1; i < __TCPFSM_STATE_MAX; i++)
		cfg.timeout[i] = 1;
	cfg.timeout_pickup = 1;
	if (tcpfsm_table_set_config(tn->net, &cfg))
		return 0;
	msleep(1100);
	vs_hold(tn, regions);
	rhashtable_walk_enter(&tn->table, &it);
	rhashtable_walk_start(&it);
	for (r = 0; r < regions; r++) {
		for (n = 0; n < VS_BATCH && (flow = rhashtable_walk_next(&it));)
			if (!IS_ERR(flow))
				flows[n++] = flow;
		if (n < VS_BATCH)
			break;
		vs_expire_batch(VS_TCPFSM, tn, flows, regions);
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	vs_release(tn, regions);
	tcpfsm_table_set_config(tn->net, &saved);
	return r;
}

static u32 vs_expire_conntrack(u32 regions, u32 base, __be32 sa)
{
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple t;
	void *cts[VS_BATCH];
	u32 r, n = 0, j = 0;

	for (r = 0; r < regions; r++) {
		for (n = 0; n < VS_BATCH && j < regions * VS_BATCH; j++) {
			memset(&t, 0, sizeof(t));
			t.src.l3num = AF_INET;
			t.src.u3.ip = htonl(0x0aca0000 + base + j / 60000);
			t.src.u.tcp.port = htons(1024 + j % 60000);
			t.dst.u3.ip = sa;
			t.dst.u.tcp.port = htons(80);
			t.dst.protonum = IPPROTO_TCP;
			t.dst.dir = IP_CT_DIR_ORIGINAL;
			h = nf_conntrack_find_get(&init_net, &nf_ct_zone_dflt, &t);
			if (h)
				cts[n++] = nf_ct_tuplehash_to_ctrack(h);
		}
		if (n < VS_BATCH)
			break;
		vs_expire_batch(VS_CONNTRACK, NULL, cts, regions);
	}
	/* A short last batch: let go of what it gathered, uncounted. */
	while (r < regions && n)
		nf_ct_put(cts[--n]);
	return r;
}

static u32 vs_expire(int who, u32 regions, u32 base, __be32 sa)
{
	u32 r;

	if (who == VS_TCPFSM)
		return vs_expire_tcpfsm(tcpfsm_pernet(&init_net), regions);
	if (who == VS_CONNTRACK)
		return vs_expire_conntrack(regions, base, sa);
	for (r = 0; r < regions; r++)
		vs_expire_batch(VS_NONE, NULL, NULL, regions);
	return regions;
}

/* One established connection of the head to head: data one way, ACKs back. */
struct vs_conv {
	struct sk_buff *to, *back;
	u32 c, sv;
};

static void vs_conv_close(struct vs_conv *cv)
{
	kfree_skb(cv->to);
	kfree_skb(cv->back);
	cv->to = NULL;
	cv->back = NULL;
}

/* @ca:40000 to @sa:80, opened by a handshake (uncounted); false: no memory. */
static bool vs_conv_open(int who, struct vs_conv *cv, __be32 ca, __be32 sa,
			 const struct nf_hook_state *st)
{
	struct sk_buff *syn = vs_skb(ca, sa, 40000, 80, false);

	cv->to = vs_skb(ca, sa, 40000, 80, true);
	cv->back = vs_skb(sa, ca, 80, 40000, false);
	cv->c = 1000;
	cv->sv = 5000;
	if (!syn || !cv->to || !cv->back) {
		kfree_skb(syn);
		vs_conv_close(cv);
		return false;
	}
	vs_enter();
	vs_set(syn, TCPHDR_SYN, cv->c, 0);
	vs_one(who, syn, st);
	vs_set(cv->back, TCPHDR_SYN | TCPHDR_ACK, cv->sv, cv->c + 1);
	vs_one(who, cv->back, st);
	cv->c++;
	cv->sv++;
	vs_set(syn, TCPHDR_ACK, cv->c, cv->sv);
	vs_one(who, syn, st);
	vs_exit();
	kfree_skb(syn);
	return true;
}

/* Segment @j of the conversation: data when even, the ACK back when odd. */
static __always_inline bool vs_conv_step(int who, struct vs_conv *cv, u32 j,
					 const struct nf_hook_state *st)
{
	if (j & 1) {
		vs_set(cv->back, TCPHDR_ACK, cv->sv, cv->c);
		return vs_one(who, cv->back, st) == NF_ACCEPT;
	}
	vs_set(cv->to, TCPHDR_ACK | TCPHDR_PSH, cv->c, cv->sv);
	cv->c += 16;
	return vs_one(who, cv->to, st) == NF_ACCEPT;
}

/*
 * With @regions, the stretches are bracketed by the markers instead of
 * timed: @regions of VS_BATCH segments each, then as many of new flows,
 * then of expiries (vs_expire()).
 */
static void vs_run(int who, const char *name, u32 m, u32 base, u32 regions)
{
	struct nf_hook_state st = {
		.hook = NF_INET_LOCAL_OUT, .pf = NFPROTO_IPV4, .net = &init_net,
	};
	struct tcpfsm_net *tn = tcpfsm_pernet(&init_net);
	__be32 ca = htonl(0x0ac80001 + base), sa = htonl(0x0ac90001);
	struct vs_conv cv = {};
	struct sk_buff *syn;
	u32 i, j, bad = 0;
	u64 t0, dt_seg = 0, dt_new = 0;
	bool opened;

	syn = vs_skb(ca, sa, 1024, 80, false);
	vs_hold(tn, regions);
	opened = vs_conv_open(who, &cv, ca, sa, &st);
	vs_release(tn, regions);
	if (!syn || !opened)
		goto out;

	if (regions)
		m = regions * VS_BATCH;
	/*
	 * Established: data one way, its ACK back.  Hooks run with BHs off:
	 * so does this, in batches, rescheduling between them.
	 */
	for (i = 0; i < m; i += VS_BATCH) {
		vs_hold(tn, regions);
		vs_enter();
		vs_region_start(regions);
		for (j = i; j < min(m, i + VS_BATCH); j++) {
			t0 = vs_clock(regions);
			bad += !vs_conv_step(who, &cv, j, &st);
			dt_seg += vs_clock(regions) - t0;
		}
		vs_region_stop(regions);
		vs_exit();
		vs_release(tn, regions);
		cond_resched();
	}

	/* New flows: one SYN each, from a different source port. */
	for (i = 0; i < m; i += VS_BATCH) {
		vs_hold(tn, regions);
		vs_enter();
		vs_region_start(regions);
		for (j = i; j < min(m, i + VS_BATCH); j++) {
			vs_set(syn, TCPHDR_SYN, 7 * j, 0);
			tcp_hdr(syn)->source = htons(1024 + j % 60000);
			ip_hdr(syn)->saddr = htonl(0x0aca0000 + base + j / 60000);
			t0 = vs_clock(regions);
			bad += vs_one(who, syn, &st) != NF_ACCEPT;
			dt_new += vs_clock(regions) - t0;
		}
		vs_region_stop(regions);
		vs_exit();
		vs_release(tn, regions);
		cond_resched();
	}

	if (regions) {
		OUT("insn_regions %s_segment %u %u", name, regions, VS_BATCH);
		OUT("insn_regions %s_new_flow %u %u", name, regions, VS_BATCH);
		OUT("insn_regions %s_expiry %u %u", name,
		    vs_expire(who, regions, base, sa), VS_BATCH);
		OUT("%s_not_accepted %u", name, bad);
		goto out;
	}
	OUT("%s_segment_ns %llu", name, m ? dt_seg / m : 0);
	OUT("%s_new_flow_ns %llu", name, m ? dt_new / m : 0);
	OUT("%s_not_accepted %u", name, bad);
out:
	vs_conv_close(&cv);
	kfree_skb(syn);
}

/*
 * ---- every CPU at once ----
 * Does a segment cost the same when every CPU pushes segments of its own
 * flow at the same time?  It would not if the path took a lock or wrote a
 * cache line that every segment shares: spinning adds instructions, and the
 * plugin (writes=1) lists the lines more than one vCPU stored to.  Each
 * online CPU (up to VS_MC_CPUS) opens its own connection, from its own
 * address, on itself (so its flow comes from its own slab), then for each
 * tracker (the harness alone, then tcpfsm) the CPUs run VS_BATCH-segment
 * regions one CPU at a time ("solo"), then all together ("all"), each
 * region started by every running CPU at once.  The regions open with the
 * plugin's concurrent marker.  A control phase comes first: every CPU at
 * once increments vs_mc_control, VS_BATCH times a region, which the plugin
 * must list as shared (scripts/bench/mc-report.py finds it by its symbol).
 */
#define VS_MC_CPUS	8
#define VS_MC_OPEN	(-1)
#define VS_MC_CONTROL	(-2)

static atomic_t vs_mc_control ____cacheline_aligned;

static __always_inline void vs_mark_mcstart(void)
{
#ifdef CONFIG_X86
	asm volatile("xchg %%di, %%di" ::: "memory");
#else
	barrier();
#endif
}

struct vs_mc;

/* A line of its own each, so the harness shares none between the CPUs. */
struct vs_mc_cpu {
	struct work_struct work;
	struct vs_mc *mc;
	unsigned int idx;
	int cpu;
	struct vs_conv conv[2];		/* per tracker: VS_NONE, VS_TCPFSM */
	bool opened;
	u32 bad;
} ____cacheline_aligned;

struct vs_mc {
	int who;			/* VS_NONE, VS_TCPFSM or VS_MC_* */
	u32 regions;
	unsigned int running;		/* CPUs in this phase */
	atomic_t arrived;		/* region barrier: arrivals so far */
	struct vs_mc_cpu cpu[VS_MC_CPUS];
};

static const struct nf_hook_state vs_mc_state = {
	.hook = NF_INET_LOCAL_OUT, .pf = NFPROTO_IPV4, .net = &init_net,
};

static void vs_mc_work(struct work_struct *work)
{
	struct vs_mc_cpu *me = container_of(work, struct vs_mc_cpu, work);
	struct vs_mc *mc = me->mc;
	struct vs_conv *cv;
	u32 r, j, bad = 0;

	if (mc->who == VS_MC_OPEN) {
		__be32 ca = htonl(0x0ac80101 + 0x100 * me->idx), sa = htonl(0x0ac90001);

		me->opened = vs_conv_open(VS_NONE, &me->conv[0], ca, sa, &vs_mc_state) &&
			     vs_conv_open(VS_TCPFSM, &me->conv[1], ca, sa, &vs_mc_state);
		return;
	}
	cv = &me->conv[mc->who == VS_TCPFSM];
	for (r = 0; r < mc->regions; r++) {
		/* Outside the count: wait until every running CPU is here. */
		atomic_inc(&mc->arrived);
		while (atomic_read(&mc->arrived) < (r + 1) * mc->running)
			cpu_relax();
		vs_enter();
		local_irq_disable();
		vs_mark_mcstart();
		for (j = 0; j < VS_BATCH; j++) {
			if (mc->who == VS_MC_CONTROL)
				atomic_inc(&vs_mc_control);
			else
				bad += !vs_conv_step(mc->who, cv, j, &vs_mc_state);
		}
		vs_mark_stop();
		local_irq_enable();
		vs_exit();
	}
	me->bad += bad;
}

/* One phase: @who on the CPUs of @mask (by index in @mc), all at once. */
static void vs_mc_phase(struct vs_mc *mc, int who, unsigned long mask, const char *name)
{
	unsigned int i;

	mc->who = who;
	mc->running = hweight_long(mask);
	atomic_set(&mc->arrived, 0);
	for (i = 0; i < VS_MC_CPUS; i++)
		if (mask & BIT(i))
			queue_work_on(mc->cpu[i].cpu, system_highpri_wq, &mc->cpu[i].work);
	for (i = 0; i < VS_MC_CPUS; i++)
		if (mask & BIT(i)) {
			flush_work(&mc->cpu[i].work);
			if (name)
				OUT("insn_mc %s %u %u %u", name, i, mc->regions, VS_BATCH);
		}
}

static void bench_mc(struct tcpfsm_net *tn, u32 regions)
{
	static const int who[] = { VS_NONE, VS_TCPFSM };
	static const char *const solo[] = { "none_solo", "tcpfsm_solo" };
	static const char *const all[] = { "none_all", "tcpfsm_all" };
	struct vs_mc *mc = kzalloc(sizeof(*mc), GFP_KERNEL);
	unsigned int n = 0, i, t;
	unsigned long every;
	bool opened = true;
	u32 bad = 0;
	int cpu;

	if (!mc)
		return;
	mc->regions = regions;
	/* The benchmark's VM takes no CPU offline. */
	for_each_online_cpu(cpu) {
		if (n == VS_MC_CPUS)
			break;
		INIT_WORK(&mc->cpu[n].work, vs_mc_work);
		mc->cpu[n].mc = mc;
		mc->cpu[n].idx = n;
		mc->cpu[n].cpu = cpu;
		n++;
	}
	every = BIT(n) - 1;
	/* Opened and counted with no resize running (see vs_hold()). */
	vs_hold(tn, regions);
	vs_mc_phase(mc, VS_MC_OPEN, every, NULL);
	for (i = 0; i < n; i++)
		opened &= mc->cpu[i].opened;
	if (opened) {
		vs_mc_phase(mc, VS_MC_CONTROL, every, "control_all");
		for (t = 0; t < ARRAY_SIZE(who); t++) {
			for (i = 0; i < n; i++)
				vs_mc_phase(mc, who[t], BIT(i), solo[t]);
			vs_mc_phase(mc, who[t], every, all[t]);
		}
	}
	vs_release(tn, regions);
	for (i = 0; i < n; i++) {
		bad += mc->cpu[i].bad;
		vs_conv_close(&mc->cpu[i].conv[0]);
		vs_conv_close(&mc->cpu[i].conv[1]);
	}
	OUT("mc_cpus %u", opened ? n : 0);
	OUT("mc_not_accepted %u", bad);
	kfree(mc);
}

static void bench_versus(struct tcpfsm_net *tn, u32 m, u32 regions)
{
	static u32 round;
	u64 inval0 = bench_invalid(tn);

	bench_room(regions ? regions * VS_BATCH : m);
	/*
	 * Alternate who goes first, so neither always meets a warm cache.
	 * Counted regions must all run on one CPU: the plugin numbers them
	 * per vCPU, and insn_regions gives their order.
	 */
	migrate_disable();
	if (regions) {
		vs_selftest();
		vs_run(VS_NONE, "none", 0, 2 * round + 1, regions);
	}
	if (round & 1) {
		vs_run(VS_CONNTRACK, "conntrack", m, 2 * round, regions);
		vs_run(VS_TCPFSM, "tcpfsm", m, 2 * round + 1, regions);
	} else {
		vs_run(VS_TCPFSM, "tcpfsm", m, 2 * round, regions);
		vs_run(VS_CONNTRACK, "conntrack", m, 2 * round + 1, regions);
	}
	migrate_enable();
	round++;
	OUT("tcpfsm_invalid %llu", bench_invalid(tn) - inval0);
	OUT("segments %u", m);
}

/*
 * SUMMARY_GET's work for @n replies at the table's current size: the reply
 * is built as the do builds it (tcpfsm_nl_put_summary() into a new message,
 * which reads the summary), then freed.  Its cost must not grow with flows.
 */
static void bench_summary(struct tcpfsm_net *tn, u32 n)
{
	struct sk_buff *skb;
	u64 t0, dt = 0;
	u32 i, done = 0, len = 0;

	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
		if (skb && !tcpfsm_nl_put_summary(skb, tn->net)) {
			len = skb->len;
			done++;
		}
		kfree_skb(skb);
		dt += ktime_get_ns() - t0;
		if ((i & 63) == 63)
			cond_resched();
	}
	OUT("summary_ns %llu", done ? div_u64(dt, done) : 0);
	OUT("summary_bytes %u", len);
	OUT("summary_replies %u", done);
	OUT("flows %u", atomic_read(&tn->flows));
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct tcpfsm_net *tn = tcpfsm_pernet(&init_net);
	char buf[64], cmd[16];
	ssize_t ret = len;
	u32 a = 0, b = 0;
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	n = sscanf(buf, "%15s %u %u", cmd, &a, &b);
	if (n < 1)
		return -EINVAL;

	mutex_lock(&bench_lock);
	/* The GC would walk the table while it is timed, or expire its flows. */
	tcpfsm_gc_stop(tn);
	bench_len = 0;
	bench_out[0] = 0;
	if (!strcmp(cmd, "fill") && n >= 2)
		bench_fill(tn, a);
	else if (!strcmp(cmd, "seg") && n >= 2)
		bench_segments(tn, a);
	else if (!strcmp(cmd, "scan"))
		bench_gc(tn, false, "scan");
	else if (!strcmp(cmd, "expire"))
		bench_gc(tn, true, "expire");
	else if (!strcmp(cmd, "rate") && n >= 3 && a)
		bench_rate(tn, a, b);
	else if (!strcmp(cmd, "versus") && n >= 2)
		bench_versus(tn, a, 0);
	else if (!strcmp(cmd, "insns") && n >= 2 && a)
		bench_versus(tn, 0, a);
	else if (!strcmp(cmd, "mc") && n >= 2 && a)
		bench_mc(tn, a);
	else if (!strcmp(cmd, "summary") && n >= 2)
		bench_summary(tn, a);
	else if (!strcmp(cmd, "flush"))
		tcpfsm_flush(tn);
	else
		ret = -EINVAL;
	tcpfsm_gc_start(tn);
	mutex_unlock(&bench_lock);
	return ret;
}

static ssize_t bench_read(struct file *file, char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&bench_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, bench_out, bench_len);
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.read = bench_read,
	.write = bench_write,
	.llseek = default_llseek,
};

int tcpfsm_bench_init(void)
{
	vs_priv = tcpfsm_pernet(&init_net);
	bench_file = debugfs_create_file("tcpfsm_bench", 0600, NULL, NULL, &bench_fops);
	if (IS_ERR(bench_file))
		return PTR_ERR(bench_file);
	pr_info("benchmark build, driven through /sys/kernel/debug/tcpfsm_bench: not for production\n");
	return 0;
}

/* Waits for a command still running; none can start after. */
void tcpfsm_bench_uninit(void)
{
	debugfs_remove(bench_file);
}
