// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpfsm (the flows) and /proc/net/stat/tcpfsm (the counters),
 * per network namespace: a reader sees the namespace of the /proc/net it
 * opened.
 *
 * /proc/net/tcpfsm: a header line naming the columns, then one line per flow:
 *   proto          tcp or tcp6
 *   client         addr:port of the endpoint that sent the first SYN
 *                  ([addr]:port for IPv6)
 *   server         addr:port of the other endpoint
 *   client_state   RFC 9293 state name of the client (LISTEN, SYN-SENT, ...)
 *   server_state   the same for the server
 *   age_ms         since the flow's first segment
 *   c_in_state_ms  since the client entered its state
 *   s_in_state_ms  since the server entered its state
 *   idle_ms        since the last accepted segment
 *   c_pkts c_bytes segments and payload bytes sent by the client
 *   s_pkts s_bytes segments and payload bytes sent by the server
 *   rtt_us         SYN to the ACK completing the handshake, 0 if not seen
 *   invalid        segments the state machine did not accept
 *   flags          P picked up mid-stream, O simultaneous open,
 *                  C simultaneous close, c client stuck, s server stuck
 *                  (longer in its state than the state's stuck threshold),
 *                  - none
 *
 * The file keeps its rhashtable walker from open to release, so a long
 * read costs O(flows) in total, not O(flows^2) over its read() calls.
 */

#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "tcpfsm_names.h"
#include "tcpfsm_proc.h"
#include "tcpfsm_stats.h"
#include "tcpfsm_table.h"
#include "tcpfsm_walk.h"

static const char tcpfsm_flag_letters[__TCPFSM_FLOW_MAX] = TCPFSM_FLOW_FLAG_LETTERS;

struct tcpfsm_proc_iter {
	struct net *net;
	struct tcpfsm_walk walk;
	loff_t pos;		/* position of the flow the walker is on */
};

static void tcpfsm_proc_rewind(struct tcpfsm_proc_iter *it)
{
	tcpfsm_walk_exit(&it->walk);
	tcpfsm_walk_enter(it->net, &it->walk);
	it->pos = 0;
}

/*
 * seq_file asks again for the record it could not fit: that is the flow the
 * walker is on, which peek returns (or the next one if it went away).  Any
 * other position (lseek, pread) is reached by walking from the start.
 */
static void *tcpfsm_seq_start(struct seq_file *s, loff_t *pos)
{
	struct tcpfsm_proc_iter *it = s->private;
	struct tcpfsm_flow *flow;

	if (*pos != it->pos)
		tcpfsm_proc_rewind(it);
	tcpfsm_walk_start(&it->walk);
	if (!*pos)
		return SEQ_START_TOKEN;
	if (*pos == it->pos)
		return tcpfsm_walk_peek(&it->walk);
	for (flow = NULL; it->pos < *pos; it->pos++) {
		flow = tcpfsm_walk_next(&it->walk);
		if (!flow)
			return NULL;
	}
	return flow;
}

static void *tcpfsm_seq_next(struct seq_file *s, void *v, loff_t *pos)
{
	struct tcpfsm_proc_iter *it = s->private;

	++*pos;
	it->pos = *pos;
	return tcpfsm_walk_next(&it->walk);
}

static void tcpfsm_seq_stop(struct seq_file *s, void *v)
{
	struct tcpfsm_proc_iter *it = s->private;

	tcpfsm_walk_stop(&it->walk);
}

static void tcpfsm_seq_endpoint(struct seq_file *s, const struct tcpfsm_tuple *t, int e)
{
	if (t->family == AF_INET)
		seq_printf(s, " %pI4:%u", &t->addr[e].ip, ntohs(t->port[e]));
	else
		seq_printf(s, " [%pI6c]:%u", &t->addr[e].in6, ntohs(t->port[e]));
}

static int tcpfsm_seq_show(struct seq_file *s, void *v)
{
	struct tcpfsm_proc_iter *it = s->private;
	char flags[__TCPFSM_FLOW_MAX + 1], *f = flags;
	struct tcpfsm_flow_info info;
	int i;

	if (v == SEQ_START_TOKEN) {
		seq_puts(s, "proto client server client_state server_state age_ms c_in_state_ms s_in_state_ms idle_ms c_pkts c_bytes s_pkts s_bytes rtt_us invalid flags\n");
		return 0;
	}
	/* Gone since the walk reached it, or never this namespace's. */
	if (!tcpfsm_walk_info(&it->walk, v, &info))
		return SEQ_SKIP;

	for (i = 0; i < __TCPFSM_FLOW_MAX; i++)
		if (info.flags & BIT(i))
			*f++ = tcpfsm_flag_letters[i];
	if (f == flags)
		*f++ = '-';
	*f = '\0';

	seq_puts(s, info.tuple.family == AF_INET ? "tcp" : "tcp6");
	tcpfsm_seq_endpoint(s, &info.tuple, TCPFSM_CLIENT);
	tcpfsm_seq_endpoint(s, &info.tuple, TCPFSM_SERVER);
	seq_printf(s, " %s %s %u %u %u %u",
		   tcpfsm_state_name(info.state[TCPFSM_CLIENT]),
		   tcpfsm_state_name(info.state[TCPFSM_SERVER]),
		   info.age_ms, info.in_state_ms[TCPFSM_CLIENT],
		   info.in_state_ms[TCPFSM_SERVER], info.idle_ms);
	if (info.acct)
		seq_printf(s, " %llu %llu %llu %llu",
			   info.packets[TCPFSM_CLIENT], info.bytes[TCPFSM_CLIENT],
			   info.packets[TCPFSM_SERVER], info.bytes[TCPFSM_SERVER]);
	else
		seq_puts(s, " - - - -");	/* loaded with acct=0 */
	seq_printf(s, " %u %u %s\n", info.rtt_us, info.invalid, flags);
	return 0;
}

static const struct seq_operations tcpfsm_seq_ops = {
	.start = tcpfsm_seq_start,
	.next = tcpfsm_seq_next,
	.stop = tcpfsm_seq_stop,
	.show = tcpfsm_seq_show,
};

/*
 * Our own open and release rather than proc_create_net(): the walker must be
 * entered for the file's lifetime and left on release, which seq_open_net()
 * gives no hook for.  The file pins its namespace as seq_open_net() does;
 * removing the entry (namespace exit, unload) waits for readers and releases
 * open files before the table goes.
 */
static int tcpfsm_proc_open(struct inode *inode, struct file *file)
{
	struct tcpfsm_proc_iter *it;
	struct net *net;

	net = maybe_get_net(pde_data(inode));
	if (!net)
		return -ENXIO;
	it = __seq_open_private(file, &tcpfsm_seq_ops, sizeof(*it));
	if (!it) {
		put_net(net);
		return -ENOMEM;
	}
	it->net = net;
	it->pos = 0;
	tcpfsm_walk_enter(net, &it->walk);
	return 0;
}

static int tcpfsm_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *s = file->private_data;
	struct tcpfsm_proc_iter *it = s->private;
	struct net *net = it->net;

	tcpfsm_walk_exit(&it->walk);
	seq_release_private(inode, file);
	put_net(net);
	return 0;
}

static const struct proc_ops tcpfsm_proc_ops = {
	.proc_open = tcpfsm_proc_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = tcpfsm_proc_release,
};

/* "name value" lines, in the uAPI's order; refusals as invalid_<reason>. */
static int tcpfsm_stat_show(struct seq_file *s, void *v)
{
	const struct tcpfsm_stat_desc *d;
	struct tcpfsm_stats st;
	int a, r;

	tcpfsm_table_stats(seq_file_single_net(s), &st);
	for (a = 0; a < __TCPFSM_A_STATS_MAX; a++) {
		d = &tcpfsm_stat_descs[a];
		if (d->kind != TCPFSM_STAT_BY_REASON) {
			if (d->name)
				seq_printf(s, "%s %llu\n", d->name, st.val[a]);
			continue;
		}
		for (r = TCPFSM_REASON_NONE + 1; r < __TCPFSM_REASON_MAX; r++)
			seq_printf(s, "%s_%s %llu\n", d->name, tcpfsm_reason_name(r),
				   st.invalid[r]);
	}
	return 0;
}

static int __net_init tcpfsm_proc_net_init(struct net *net)
{
	if (!proc_create_data("tcpfsm", 0440, net->proc_net, &tcpfsm_proc_ops, net))
		return -ENOMEM;
	if (!proc_create_net_single("tcpfsm", 0444, net->proc_net_stat,
				    tcpfsm_stat_show, NULL)) {
		remove_proc_entry("tcpfsm", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit tcpfsm_proc_net_exit(struct net *net)
{
	remove_proc_entry("tcpfsm", net->proc_net_stat);
	remove_proc_entry("tcpfsm", net->proc_net);
}

static struct pernet_operations tcpfsm_proc_net_ops = {
	.init = tcpfsm_proc_net_init,
	.exit = tcpfsm_proc_net_exit,
};

int tcpfsm_proc_init(void)
{
	return register_pernet_subsys(&tcpfsm_proc_net_ops);
}

void tcpfsm_proc_uninit(void)
{
	unregister_pernet_subsys(&tcpfsm_proc_net_ops);
}
