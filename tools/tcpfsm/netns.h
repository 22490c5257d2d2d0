/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Naming network namespaces for people.  A minimal version for watch -A,
 * until the netns branch's (the same netns_label()) is merged over it.
 */
#ifndef TCPFSM_CLI_NETNS_H
#define TCPFSM_CLI_NETNS_H

#include <stdint.h>

/*
 * The name under /run/netns whose nsfs inode is @ino; else "INO/PID:COMM"
 * of the first process found in it; else "INO".  Cached: the string stays
 * valid until exit.
 */
const char *netns_label(uint64_t cookie, uint32_t ino);

#endif
