#!/usr/bin/env bash
# tcpfsm-timeout: 120
# Unread SINCE_GEN dumps pin a few KiB each, not a copy of the tombstone
# ring (56 MiB each at tombstones=1048576, held until the dump ended).
. "$(dirname "$0")/lib.sh"

tcpfsm_load tombstones=1048576 timeout_time_wait=1 timeout_closed=1
/usr/bin/python3 "$(dirname "$0")/py/dumpmem.py" 20
tcpfsm_unload
