#!/usr/bin/env bash
# tcpfsm-timeout: 240
# A listener without NETLINK_BROADCAST_ERROR loses events under a burst:
# its sequence numbers say exactly how many, and events_lost (which counts
# only what listeners with that option could not take) does not move.
. "$(dirname "$0")/lib.sh"

tcpfsm_load timeout_time_wait=1 timeout_closed=1
/usr/bin/python3 "$(dirname "$0")/py/plainloss.py" "$(load_size 300)"
tcpfsm_unload
