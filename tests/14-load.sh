#!/usr/bin/env bash
# tcpfsm-timeout: 900
# 10,000 concurrent connections tracked, carried and expired; then a table
# smaller than the load stays bounded, evicts, and still harms no packet.
. "$(dirname "$0")/lib.sh"

py="/usr/bin/python3 $(dirname "$0")/py/load.py"
# TIME-WAIT here is 2 s, the kernel's 60 s: late segments between sockets
# still in TIME-WAIT would come back as mid-stream pickups, how many depending
# on how slow the VM is (2,500 for 2,000 connections on a loaded debug
# kernel, whose drain then took 30 to 140 s).  This round is about tracking
# and ending real connections, so pickup is off (the second round and
# 13-crafted test pickups), and every closing state gets a short timeout in
# case a connection's last segments are never seen.
tcpfsm_load max_flows=20000 netns_max_flows=20000 pickup=0 timeout_time_wait=2 timeout_closed=1 \
	timeout_fin_wait_1=3 timeout_fin_wait_2=3 timeout_close_wait=3 \
	timeout_closing=3 timeout_last_ack=3
$py "$(load_size 10000)" 20000
tcpfsm_unload
# Evicted connections come back as mid-stream pickups, in any state: short
# timeouts everywhere a closed connection can be left.
max=$(load_size 1000)
tcpfsm_load max_flows="$max" netns_max_flows="$max" timeout_time_wait=2 timeout_closed=1 timeout_pickup=2 \
	timeout_fin_wait_1=3 timeout_fin_wait_2=3 timeout_close_wait=3 \
	timeout_closing=3 timeout_last_ack=3
$py "$(load_size 3000)" "$max"
tcpfsm_unload
