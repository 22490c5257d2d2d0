/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Naming network namespaces for people: the kernel says which namespace a
 * message is about by its cookie (SO_NETNS_COOKIE) and its nsfs inode
 * (/proc/PID/ns/net); these turn that into what `ip netns` and lsns show.
 */
#ifndef TCPFSM_CLI_NETNS_H
#define TCPFSM_CLI_NETNS_H

#include <stdint.h>

/*
 * The name under /run/netns whose nsfs inode is @ino ("ip netns" names);
 * else "INO/PID:COMM" of the first process (lowest pid) in it, as lsns
 * shows one; else "INO" alone (a namespace only a socket or a bind mount
 * elsewhere keeps), or "cookie:COOKIE" when the inode is unknown (0).
 * Looked up once per run and cached: the string stays valid until exit.
 */
const char *netns_label(uint64_t cookie, uint32_t ino);

/*
 * For a caller that runs for long (the exporter): forget every label and
 * scan, so that the next netns_label() looks again (names added under
 * /run/netns since, processes started since, namespaces gone).
 */
void netns_labels_forget(void);

/* The caller's own namespace: its cookie (0 with -errno if the kernel has
 * no SO_NETNS_COOKIE) and its inode (0 if /proc is not mounted).
 */
int netns_self_cookie(uint64_t *cookie);
uint32_t netns_self_ino(void);

#endif
