#!/usr/bin/env bash
# A watcher with a tiny receive buffer that reads slowly under a burst of
# connections loses events: it reports exactly as many as the kernel counted
# (events_lost), repairs itself, and its view equals a full dump.  A loss at
# the end of a burst, which no later event reveals, is counted too.
# tcpfsm-timeout: 420
. "$(dirname "$0")/lib.sh"

TCPFSM=$TCPFSM_TOOLS/tcpfsm
tmp=$(mktemp -d)
tcpfsm_load timeout_time_wait=3600
netns_pair a b 10.52.1 fd00:52::

# nsenter itself, not in_ns: $! must be the watcher, which gets signals
nsenter --net=/run/netns/a "$TCPFSM" watch --json --rcvbuf 2048 --read-delay-ms 20 \
	>"$tmp/events" 2>"$tmp/err" &
watch_pid=$!
wait_for 20 grep -q '"event":"ready"' "$tmp/events"

short_conns a b "$NS2_V4" 5252 100
echo "burst done"
lost_kernel() {
	events_lost a
}
[[ $(lost_kernel) -gt 0 ]] || fail "the burst lost no events: the test proves nothing"

# Once it has caught up the watcher has counted every loss, also those at the
# end of a group's events, which no later event reveals: it takes a dump with
# its queue empty, which says how far each group's numbers got.
# reported [ERR]: the losses a watcher reported on its stderr (default $tmp/err).
reported() {
	reported_lost "${1:-$tmp/err}"
}
settled() {
	[[ $(reported) -eq $(lost_kernel) ]]
}
echo "kernel lost $(lost_kernel)"
kill -USR2 "$watch_pid"	# read at full speed from now on
if ! (wait_for 120 settled); then
	cat "$tmp/err" >&2
	in_ns a "$TCPFSM" stats >&2
	tail -n 30 "$tmp/events" >&2
	fail "reported $(reported) lost events, the kernel counted $(lost_kernel)"
fi
echo "settled: $(reported) lost, $(grep -c 'seen by a dump' "$tmp/err" || true) of the gaps found by a dump"

same_view() {
	local before
	before=$(grep -c '"event":"view-end"' "$tmp/events" || true)
	kill -USR1 "$watch_pid"
	wait_for 20 test "$(grep -c '"event":"view-end"' "$tmp/events")" -gt "$before"
	in_ns a "$TCPFSM" list --json >"$tmp/list"
	python3 - "$tmp/events" "$tmp/list" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
end = max(i for i, e in enumerate(lines) if e["event"] == "view-end")
start = max([i for i, e in enumerate(lines[:end]) if e["event"] == "view-end"] + [-1]) + 1
key = lambda f: (f["client"], f["client_port"], f["server"], f["server_port"],
                 f["client_state"], f["server_state"])
view = {key(e["flow"]) for e in lines[start:end] if e["event"] == "view"}
dump = {key(f) for f in json.load(open(sys.argv[2]))}
sys.exit(0 if view == dump else 1)
PY
}
wait_for 60 same_view
grep -q 'resynchronised' "$tmp/err" || fail "no repair reported"
kill "$watch_pid"; wait "$watch_pid" || true
echo "lost $(lost_kernel) events, reported exactly, view repaired"

# Losses at the end of a burst, which no later event reveals: a second
# watcher with a tiny buffer is stopped, so its queue takes the first
# datagrams and the kernel drops the rest.  Resumed, it finds the queue
# overrun, takes a dump with the queue empty, and the dump's mark of its
# subscription says how many it missed.
# Nothing of the burst may expire meanwhile either (a destroy is an event
# too): TIME-WAIT outlasts the phase however slow the machine.
in_ns a "$TCPFSM" config timeout_time_wait=900 >/dev/null
l0=$(lost_kernel)
nsenter --net=/run/netns/a "$TCPFSM" watch --json --rcvbuf 2048 >"$tmp/events2" 2>"$tmp/err2" &
watch_pid=$!
wait_for 20 grep -q '"event":"ready"' "$tmp/events2"
tail_found() {
	[[ $(reported "$tmp/err2") -eq $(($(lost_kernel) - l0)) ]] && grep -q 'seen by a dump' "$tmp/err2"
}
kill -STOP "$watch_pid"
short_conns a b "$NS2_V4" 5253 100
# No event may come after the tail, or it would show the gap itself: wait
# until every flow of the burst has ended (nothing more to report), then
# dump once more, which first sends what is still queued.
# (Not a count of 100: a client port the kernel gives again makes the
# same flow anew.)
tail_over() {
	local l
	l=$(in_ns a "$TCPFSM" list --dport 5253 --json)
	grep -q '"server_port":5253' <<<"$l" &&
		! grep -oE '"(client|server)_state":"[A-Z-]+"' <<<"$l" | grep -qvE 'TIME-WAIT|CLOSED'
}
wait_for 60 tail_over
in_ns a "$TCPFSM" list >/dev/null
kill -CONT "$watch_pid"
lost_more() { [[ $(lost_kernel) -gt $l0 ]]; }
(wait_for 30 lost_more) || fail "the stopped watcher lost nothing: the test proves nothing"
if ! (wait_for 120 tail_found); then
	cat "$tmp/err2" >&2
	fail "after a lost tail: reported $(reported "$tmp/err2") lost events, the kernel counted" \
		"$(($(lost_kernel) - l0))"
fi
kill "$watch_pid"; wait "$watch_pid" || true
echo "tail: $(reported "$tmp/err2") lost, reported exactly, $(grep -c 'seen by a dump' "$tmp/err2") found by a dump"
rm -rf "$tmp"
