// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: track both endpoints' RFC 9293 states of every TCP connection seen
 * through netfilter, in every network namespace.
 *
 * This file only orders the parts.  Bring-up goes from the inside out (the
 * table before anything that reads it, the hooks that feed it, then only in
 * a bench build the benchmark that drives it); teardown is the reverse,
 * except that flows are destroyed while the event receiver is still
 * registered, so that listeners see every flow go.
 *
 * Each part registers its own pernet_operations in its *_init(), so this
 * order is also every namespace's: a new namespace gets its table, then its
 * event state (netlink), its /proc files and last its hooks; a namespace
 * that goes loses them in the reverse order, hooks first, so no segment
 * reaches a table being emptied.  The benchmark has no pernet state.
 */

#include <linux/kernel.h>
#include <linux/module.h>

#include "tcpfsm_bench.h"
#include "tcpfsm_compat.h"
#include "tcpfsm_hooks.h"
#include "tcpfsm_netlink.h"
#include "tcpfsm_proc.h"
#include "tcpfsm_table.h"

static int __init tcpfsm_mod_init(void)
{
	int err;

	err = tcpfsm_table_init();
	if (err)
		return err;
	err = tcpfsm_netlink_init();
	if (err)
		goto err_netlink;
	err = tcpfsm_proc_init();
	if (err)
		goto err_proc;
	err = tcpfsm_hooks_init();
	if (err)
		goto err_hooks;
	err = tcpfsm_bench_init();
	if (err)
		goto err_bench;
	return 0;

err_bench:
	tcpfsm_hooks_uninit();
err_hooks:
	tcpfsm_proc_uninit();
err_proc:
	tcpfsm_netlink_uninit();
err_netlink:
	tcpfsm_table_uninit();
	return err;
}

static void __exit tcpfsm_mod_exit(void)
{
	tcpfsm_bench_uninit();
	tcpfsm_hooks_uninit();
	tcpfsm_proc_uninit();
	tcpfsm_table_shutdown();
	tcpfsm_netlink_uninit();
	tcpfsm_table_uninit();
}

module_init(tcpfsm_mod_init);
module_exit(tcpfsm_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-endpoint TCP state tracking through netfilter");
MODULE_AUTHOR("tcpfsm developers");
MODULE_VERSION(TCPFSM_VERSION);
