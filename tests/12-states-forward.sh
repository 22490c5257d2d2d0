#!/usr/bin/env bash
# tcpfsm-timeout: 600
# The same connections through a router namespace: the router tracks each flow once, with the same states and counters as both ends.
. "$(dirname "$0")/lib.sh"

tcpfsm_load timeout_time_wait=120 timeout_closed=120 timeout_syn_sent=120 timeout_listen=120
/usr/bin/python3 "$(dirname "$0")/py/states.py" forward
tcpfsm_unload
