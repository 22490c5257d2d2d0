/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TCPFSM_PROC_H
#define _TCPFSM_PROC_H

int tcpfsm_proc_init(void);
void tcpfsm_proc_uninit(void);

#endif /* _TCPFSM_PROC_H */
