#!/usr/bin/env bash
# The module loads, creates /proc/net/tcpfsm with its header, and unloads
# cleanly, removing the file; a bad parameter refuses the load with a message.
. "$(dirname "$0")/lib.sh"

tcpfsm_load
[[ -e /proc/net/tcpfsm ]] || fail "/proc/net/tcpfsm missing after load"
header=$(head -n1 /proc/net/tcpfsm)
[[ $header == proto* ]] || fail "unexpected header: $header"
tcpfsm_unload
[[ ! -e /proc/net/tcpfsm ]] || fail "/proc/net/tcpfsm still there after unload"

# A bad parameter refuses the load, with a message naming it.
for bad in tombstones=0 tombstones=2000000 netns_max_flows=16777217 max_flows=0 \
	timeout_established=0 defrag=maybe; do
	if insmod "$TCPFSM_KO" "$bad" 2>/dev/null; then
		rmmod tcpfsm
		fail "insmod accepted $bad"
	fi
	dmesg | tail -n 5 | grep -q "${bad%%=*}" || fail "no message naming ${bad%%=*}"
done
[[ ! -d /sys/module/tcpfsm ]] || fail "a refused load left the module"
