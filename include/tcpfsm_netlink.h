/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TCPFSM_NETLINK_H
#define _TCPFSM_NETLINK_H

/* The generic netlink family, and the table's event receiver with it. */
int tcpfsm_netlink_init(void);
void tcpfsm_netlink_uninit(void);

#endif /* _TCPFSM_NETLINK_H */
