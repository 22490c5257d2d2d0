#!/usr/bin/env bash
# tcpfsm-timeout: 240
# Faults: tcpfsm is loaded and unloaded again and again under connection
# churn, while /proc/net/tcpfsm is read, slow dumps run and a listener
# listens, and namespaces holding live flows are deleted around the unload
# (tests/py/faults.py says exactly what).  Nothing may crash, hang or leak:
# the slab caches exist while loaded and are gone after the last unload, no
# /proc file or family is left, churn loses no connection, and the debug
# kernel's kmemleak scan and the console's splat check (vm-run) see nothing.
. "$(dirname "$0")/lib.sh"

dir=$(dirname "$0")
# 10 rounds, 3 on the debug kernel; make stress: 100.
rounds=10
[[ ${TCPFSM_DEBUG_KERNEL:-0} != 1 ]] || rounds=3
[[ ${TCPFSM_STRESS:-0} != 1 ]] || rounds=100
# faults.py loads the module with finit_module(2) itself: its needs first.
tcpfsm_deps
/usr/bin/python3 "$dir/py/churn.py" &
churn=$!
/usr/bin/python3 "$dir/py/faults.py" "$rounds"
kill -TERM "$churn"
wait "$churn" || fail "churn lost a connection"
