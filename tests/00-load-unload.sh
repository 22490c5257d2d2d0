#!/usr/bin/env bash
# The module loads, creates /proc/net/tcpfsm with its header, and unloads
# cleanly, removing the file.
. "$(dirname "$0")/lib.sh"

tcpfsm_load
[[ -e /proc/net/tcpfsm ]] || fail "/proc/net/tcpfsm missing after load"
header=$(head -n1 /proc/net/tcpfsm)
[[ $header == proto* ]] || fail "unexpected header: $header"
tcpfsm_unload
[[ ! -e /proc/net/tcpfsm ]] || fail "/proc/net/tcpfsm still there after unload"
