#!/usr/bin/env bash
# tcpfsm-timeout: 240
# Isolation under churn: namespaces are made, filled with connections and
# deleted with their flows live while others carry traffic and are listed
# and watched from inside; no list line, /proc line or event of any
# namespace is ever another's, and each view saw its own flows
# (tests/py/isochurn.py says exactly what).
. "$(dirname "$0")/lib.sh"

# Observed namespaces (and the initial one), namespaces churned through,
# connections in each churned one.  make stress: eight times the churn.
observers=3 churned=8 conns=8
[[ ${TCPFSM_DEBUG_KERNEL:-0} != 1 ]] || observers=2 churned=3 conns=4
[[ ${TCPFSM_STRESS:-0} != 1 ]] || churned=$((churned * 8))
tcpfsm_load
/usr/bin/python3 "$(dirname "$0")/py/isochurn.py" "$observers" "$churned" "$conns"
tcpfsm_unload
