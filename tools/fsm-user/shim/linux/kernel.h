/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/kernel.h>: min_t, max_t, ARRAY_SIZE, and
 * __printf, noinline and __always_inline, which the kernel gets from
 * <linux/compiler_attributes.h> and <linux/compiler_types.h>.
 */
#ifndef _TCPFSM_SHIM_LINUX_KERNEL_H
#define _TCPFSM_SHIM_LINUX_KERNEL_H

#include <linux/types.h>

#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define noinline __attribute__((__noinline__))
#ifndef __always_inline		/* glibc's <sys/cdefs.h> has it too */
#define __always_inline inline __attribute__((__always_inline__))
#endif

#endif
