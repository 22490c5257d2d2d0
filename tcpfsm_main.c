// SPDX-License-Identifier: GPL-2.0
/*
 * tcpfsm: track both endpoints' RFC 9293 states of every TCP connection seen
 * through netfilter, in every network namespace.
 *
 * This file only orders the parts.  Bring-up goes from the inside out (the
 * table before anything that reads it, the hooks that feed it last); teardown
 * is the reverse, except that flows are destroyed while the event channel
 * still works so that listeners see every flow go.
 */

#include <linux/kernel.h>
#include <linux/module.h>

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
	return 0;

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
