/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/string.h>: libc's memset and friends. */
#ifndef _TCPFSM_SHIM_LINUX_STRING_H
#define _TCPFSM_SHIM_LINUX_STRING_H

#include <string.h>

#endif
