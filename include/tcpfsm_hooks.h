/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TCPFSM_HOOKS_H
#define _TCPFSM_HOOKS_H

int tcpfsm_hooks_init(void);
void tcpfsm_hooks_uninit(void);

#endif /* _TCPFSM_HOOKS_H */
