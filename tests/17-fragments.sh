#!/usr/bin/env bash
# tcpfsm-timeout: 300
# SYNs and FINs carrying data split in two IP fragments (IPv4 and IPv6)
# against a real server: with defrag (the default) tcpfsm follows them as the
# server's socket does; with defrag=0 every fragment is counted and skipped
# and none changes a state.  A bad defrag value refuses the load.
. "$(dirname "$0")/lib.sh"
py=$(dirname "$0")/py/fragments.py
param=/sys/module/tcpfsm/parameters/defrag

tcpfsm_load
[[ $(cat $param) == Y ]] || fail "defrag is $(cat $param) by default, want Y"
/usr/bin/python3 "$py" defrag
tcpfsm_unload

# tcpfsm_load has loaded nf_defrag_*: only the value can refuse this load.
if insmod "$TCPFSM_KO" defrag=maybe 2>/dev/null; then
	fail "insmod accepted defrag=maybe"
fi
! tcpfsm_loaded || fail "tcpfsm loaded with defrag=maybe"

tcpfsm_load defrag=0
[[ $(cat $param) == N ]] || fail "defrag=0 shows as $(cat $param)"
/usr/bin/python3 "$py" nodefrag
tcpfsm_unload
