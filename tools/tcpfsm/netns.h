/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A network namespace's name for people: what `ip netns` calls it, else
 * its inode number and a process in it, as lsns(8) shows them.
 *
 * A minimal version, written for `tcpfsm exporter` until the netns work
 * (tools/tcpfsm/netns.[ch] of the all-namespaces views) lands: that one
 * replaces this file whole, with the same signature.
 */
#ifndef TCPFSM_CLI_NETNS_H
#define TCPFSM_CLI_NETNS_H

#include <stdint.h>

/*
 * The namespace's name under /run/netns, else "INO/PID:COMM" for a process
 * in it, else "INO".  @cookie (SO_NETNS_COOKIE's value) is not used yet.
 * Returns a static buffer, overwritten by the next call.
 */
const char *netns_label(uint64_t cookie, uint32_t ino);

/*
 * For a caller that runs for long (the exporter): forget what was learnt
 * of the namespaces, so that the next netns_label() looks again (names
 * added under /run/netns since, processes started since).  This version
 * keeps nothing between calls.
 */
void netns_labels_forget(void);

#endif
