#!/usr/bin/env bash
# tcpfsm-timeout: 300
# The summary with real sockets: equal to /proc/net/tcpfsm at every quiet point (flows, client x server state pairs, endpoints by state, pairs adding up to flows), transitions and the handshake histogram counted, per namespace, SUMMARY_GET's do refusing all-netns.  tests/10-12 check the summary at each of their quiet points too (tests/py/tcpfsm.py, Conn.expect).
. "$(dirname "$0")/lib.sh"

tcpfsm_load timeout_time_wait=2 timeout_closed=2
/usr/bin/python3 "$(dirname "$0")/py/summary.py"
tcpfsm_unload
