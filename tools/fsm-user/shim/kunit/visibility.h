/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <kunit/visibility.h>: every symbol is visible. */
#ifndef _TCPFSM_SHIM_KUNIT_VISIBILITY_H
#define _TCPFSM_SHIM_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(sym)

#endif
