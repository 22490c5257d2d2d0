#!/usr/bin/env bash
# tcpfsm-timeout: 900
# 10,000 concurrent connections tracked, carried and expired; then a table
# smaller than the load stays bounded, evicts, and still harms no packet.
. "$(dirname "$0")/lib.sh"

py="/usr/bin/python3 $(dirname "$0")/py/load.py"
# TIME-WAIT here is 2 s, the kernel's 60 s: a late segment between two
# sockets still in TIME-WAIT comes back as a pickup, one-sided
# (timeout_pickup) or, once answered, in any state (FIN-WAIT-1/CLOSE-WAIT
# pickups were seen on the slow debug kernel).  As in the second round,
# every state a closing connection can be left in gets a short timeout, so
# no such pickup holds the drain for a default 60-120 s.
tcpfsm_load max_flows=20000 timeout_time_wait=2 timeout_closed=1 timeout_pickup=2 \
	timeout_established=120 timeout_fin_wait_1=3 timeout_fin_wait_2=3 \
	timeout_close_wait=3 timeout_closing=3 timeout_last_ack=3
$py "$(load_size 10000)" 20000
tcpfsm_unload
# Evicted connections come back as mid-stream pickups, in any state: short
# timeouts everywhere a closed connection can be left.
max=$(load_size 1000)
tcpfsm_load max_flows="$max" timeout_time_wait=2 timeout_closed=1 timeout_pickup=2 \
	timeout_fin_wait_1=3 timeout_fin_wait_2=3 timeout_close_wait=3 \
	timeout_closing=3 timeout_last_ack=3
$py "$(load_size 3000)" "$max"
tcpfsm_unload
