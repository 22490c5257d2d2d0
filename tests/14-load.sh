#!/usr/bin/env bash
# tcpfsm-timeout: 900
# 10,000 concurrent connections tracked, carried and expired; then a table
# smaller than the load stays bounded, evicts, and still harms no packet.
. "$(dirname "$0")/lib.sh"

py="/usr/bin/python3 $(dirname "$0")/py/load.py"
tcpfsm_load max_flows=20000 timeout_time_wait=2 timeout_closed=1
$py 10000 20000
tcpfsm_unload
tcpfsm_load max_flows=1000 timeout_time_wait=2 timeout_closed=1
$py 3000 1000
tcpfsm_unload
