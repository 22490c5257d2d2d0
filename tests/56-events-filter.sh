#!/usr/bin/env bash
# Subscriptions: a watcher with a filter gets from the kernel only the
# events that match (ports, which events, endpoint, transitions), numbered
# in its own sequence so that it counts exactly what it lost; all-netns
# subscriptions are refused to a container's root and to an unprivileged
# user with the kernel's reason; a namespace's subscription never sees
# another's events; unsubscribe, and at most 64 a namespace.
# tcpfsm-timeout: 420
. "$(dirname "$0")/lib.sh"

TCPFSM=$TCPFSM_TOOLS/tcpfsm
tmp=$(mktemp -d)
chmod 755 "$tmp"
tcpfsm_load timeout_time_wait=1 timeout_closed=1
netns_pair a b 10.56.1 fd00:56::
netns_pair c d 10.56.2 fd00:56:2::
AB=10.56.1.2 CD=10.56.2.2	# the servers, in b and d

# watcher NAME NS ARGS...: tcpfsm watch --json ARGS in NS, ready.
declare -A pids
watcher() {
	local name=$1 ns=$2
	shift 2
	nsenter --net="/run/netns/$ns" "$TCPFSM" watch --json "$@" \
		>"$tmp/$name" 2>"$tmp/$name.err" &
	pids[$name]=$!
	wait_for 20 grep -q '"event":"ready"' "$tmp/$name"
}

stop() {
	kill "${pids[$1]}"
	wait "${pids[$1]}" || true
}

# count NAME PYTHON-CONDITION-ON-e: events of NAME's output that satisfy it.
count() {
	/usr/bin/python3 - "$tmp/$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]).read().split("\n")[:-1]:
    e = json.loads(line)
    if e["event"] in ("new", "change", "destroy", "stuck") and eval(sys.argv[2]):
        n += 1
print(n)
PY
}

at_least() {
	[[ $(count "$1" "$2") -ge $3 ]]
}

# ---- filters: only what matches comes ----
watcher port a --dport 5601
watcher destroys a --events destroy
watcher leaving a --events change --endpoint client --from ESTABLISHED
watcher closewait a --client-state CLOSE-WAIT --events change

short_conns a b "$AB" 5601 5
short_conns a b "$AB" 5602 5
wait_for 60 at_least port 'e["event"] == "destroy"' 5
wait_for 60 at_least destroys 'True' 10
wait_for 30 at_least leaving 'True' 10
wait_for 30 at_least closewait 'True' 10

[[ $(count port 'e["flow"]["server_port"] != 5601') -eq 0 ]] ||
	fail "--dport 5601 got other ports' events"
[[ $(count port 'e["event"] == "new"') -eq 5 ]] || fail "--dport 5601: not 5 new events"
[[ $(count destroys 'e["event"] != "destroy"') -eq 0 ]] || fail "--events destroy got others"
[[ $(count leaving 'e["event"] != "change" or e["endpoint"] != "client" or e["old_state"] != "ESTABLISHED"') -eq 0 ]] ||
	fail "--events change --endpoint client --from ESTABLISHED got others"
[[ $(count leaving 'True') -eq 10 ]] || fail "one client leaves ESTABLISHED per connection"
[[ $(count closewait 'e["event"] != "change" or e["flow"]["client_state"] != "CLOSE-WAIT"') -eq 0 ]] ||
	fail "--client-state CLOSE-WAIT --events change got others"
for w in port destroys leaving closewait; do
	stop $w
	! grep -q 'lost' "$tmp/$w.err" || fail "$w lost events: $(cat "$tmp/$w.err")"
done
echo "filters: only matching events"

# ---- a namespace's subscription never sees another's events ----
watcher mine a --events new,change,destroy
short_conns c d "$CD" 5605 5
short_conns a b "$AB" 5606 1		# the marker, in a
wait_for 30 at_least mine 'e["event"] == "destroy" and e["flow"]["server_port"] == 5606' 1
[[ $(count mine 'e["flow"]["server_port"] != 5606') -eq 0 ]] ||
	fail "a subscription in a saw another namespace's events"
stop mine
echo "isolation: none of c's events reached a"

# ---- losses, counted exactly from the subscription's sequence ----
lost_kernel() {
	events_lost a
}
lost0=$(lost_kernel)
watcher slow a --dport 5603 --rcvbuf 2048 --read-delay-ms 20
short_conns a b "$AB" 5603 100
short_conns a b "$AB" 5604 30		# not ours: never counted as our loss
[[ $(($(lost_kernel) - lost0)) -gt 0 ]] || fail "the burst lost no events: the test proves nothing"
kill -USR2 "${pids[slow]}"
reported() {
	reported_lost "$tmp/slow.err"
}
# A subscription's loss shows when its next event comes: one more connection.
short_conns a b "$AB" 5603 1
settled() {
	lost=$(($(lost_kernel) - lost0))
	[[ $(reported) -eq $lost ]]
}
if ! (wait_for 120 settled); then
	cat "$tmp/slow.err" >&2
	fail "reported $(reported) lost events, the kernel counted $(($(lost_kernel) - lost0))"
fi
lost=$(($(lost_kernel) - lost0))
got=$(count slow 'True')
[[ $(count slow 'e["flow"]["server_port"] != 5603') -eq 0 ]] || fail "the slow watcher got other ports"
grep -q 'resynchronised' "$tmp/slow.err" || fail "no repair reported"
stop slow
echo "losses: $lost lost, reported exactly; $got received"

# ---- all namespaces: the host's administrator only ----
rc=0
in_ns a "$TCPFSM" watch -A 2>"$tmp/err" || rc=$?
cat "$tmp/err"
[[ $rc -eq 4 ]] || fail "watch -A in a child namespace: exit $rc, want 4"
grep -q 'kernel: all-netns is only for the initial network namespace' "$tmp/err" ||
	fail "watch -A in a child namespace: $(cat "$tmp/err")"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPFSM" watch -A 2>"$tmp/err" || rc=$?
cat "$tmp/err"
[[ $rc -eq 4 ]] || fail "watch -A as nobody: exit $rc, want 4"
grep -q 'kernel: all-netns needs CAP_NET_ADMIN in the initial user namespace' "$tmp/err" ||
	fail "watch -A as nobody: $(cat "$tmp/err")"
if setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn true 2>/dev/null; then
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn \
		"$TCPFSM" watch -A 2>"$tmp/err" || rc=$?
	[[ $rc -eq 4 ]] || fail "watch -A as a container's root: exit $rc, want 4"
	grep -q 'initial network namespace' "$tmp/err" || fail "container root: $(cat "$tmp/err")"
fi
echo "all-netns: refused with the kernel's reason"

# ---- subscribe, unsubscribe, the limit ----
in_ns a /usr/bin/python3 "$TCPFSM_REPO/tests/py/subs.py" unsubscribe
in_ns a /usr/bin/python3 "$TCPFSM_REPO/tests/py/subs.py" badfilter
in_ns a /usr/bin/python3 "$TCPFSM_REPO/tests/py/subs.py" limit
# Another namespace's limit is its own.
in_ns c /usr/bin/python3 "$TCPFSM_REPO/tests/py/subs.py" limit
rm -rf "$tmp"
