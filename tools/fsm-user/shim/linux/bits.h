/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/bits.h>: just what tcpfsm_fsm.h needs. */
#ifndef _TCPFSM_SHIM_LINUX_BITS_H
#define _TCPFSM_SHIM_LINUX_BITS_H

#define BIT(nr)	(1UL << (nr))

#endif
