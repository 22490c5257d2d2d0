#!/usr/bin/env bash
# tcpfsm-timeout: 240
# Malformed traffic, IPv4 and IPv6, from a crafting namespace: truncated TCP
# headers, data offsets below 5 and past the payload, option garbage, IPv4
# options, IPv6 extension-header chains (hop-by-hop, routing, destination
# options, AH, 24 headers, truncated ones), fragments (held, overlapping,
# complete, atomic) and all 256 flag bytes on established connections: each
# counted under its reason, exactly; then a real connection is still tracked
# exactly.  Again with defrag=0, where every fragment is counted and skipped.
# timeout_closed: the 128 connections reset by a flag byte stay visible
# while they are checked; max_flows: 512 of them fit a namespace's quota.
. "$(dirname "$0")/lib.sh"
py=$(dirname "$0")/py/malformed.py

tcpfsm_load max_flows=16384 timeout_closed=300
/usr/bin/python3 "$py" defrag
tcpfsm_unload

tcpfsm_load defrag=0 max_flows=16384
/usr/bin/python3 "$py" nodefrag
tcpfsm_unload
