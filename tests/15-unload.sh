#!/usr/bin/env bash
# tcpfsm-timeout: 300
# Unload is clean at any moment: repeatedly, under connection churn and while
# /proc/net/tcpfsm is being read.  The churn must never lose a connection.
. "$(dirname "$0")/lib.sh"

py=/usr/bin/python3
dir=$(dirname "$0")
$py "$dir/py/churn.py" &
churn=$!
# Five rounds; three on the debug kernel, where each takes ten seconds.
rounds=5
[[ ${TCPFSM_DEBUG_KERNEL:-0} != 1 ]] || rounds=3
for ((round = 1; round <= rounds; round++)); do
	tcpfsm_load
	kill -0 "$churn" || fail "churn died"
	# python3 may take many seconds to start under TCG
	wait_for 180 grep -q ':7100 ' /proc/net/tcpfsm
	(while cat /proc/net/tcpfsm /proc/net/stat/tcpfsm; do :; done) >/dev/null 2>&1 &
	reader=$!
	wait_for 30 test -d /proc/$reader
	tcpfsm_unload
	kill "$reader" 2>/dev/null || true
	wait "$reader" 2>/dev/null || true
	echo "round $round: unloaded under churn and reads"
done
kill -TERM "$churn"
wait "$churn" || fail "churn lost a connection"
