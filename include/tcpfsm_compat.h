/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels we build against (6.1 to current).
 * Every kernel version test of the module lives here and nowhere else, so
 * supporting a new kernel is a change to this file only.
 */
#ifndef _TCPFSM_COMPAT_H
#define _TCPFSM_COMPAT_H

#include <linux/module.h>
#include <linux/version.h>

/* Built against kernel @maj.@min or later. */
#define TCPFSM_KERNEL_AT_LEAST(maj, min)				\
	(LINUX_VERSION_MAJOR * 256 + LINUX_VERSION_PATCHLEVEL >= (maj) * 256 + (min))

/*
 * 6.13 turned the namespace argument of MODULE_IMPORT_NS() into a string
 * literal; before it was a bare identifier that the macro stringified.
 */
#if TCPFSM_KERNEL_AT_LEAST(6, 13)
#define TCPFSM_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define TCPFSM_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/* ---- generic netlink (tcpfsm_netlink.c; appended by its owner) ---- */
#include <net/genetlink.h>

/*
 * The parsed attributes of a dump request: 6.1 keeps them in
 * genl_dumpit_info::attrs, 6.2 and later in genl_dumpit_info::info.attrs.
 */
#if TCPFSM_KERNEL_AT_LEAST(6, 2)
#define tcpfsm_dump_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define tcpfsm_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif
/* ---- end generic netlink ---- */

#endif /* _TCPFSM_COMPAT_H */
