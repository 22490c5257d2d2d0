#!/usr/bin/env bash
# tcpfsm watch --json sees, for one connection between two namespaces, the
# NEW event and then every CHANGE of both endpoints in the order of the
# segments that caused them, and the DESTROY after TIME-WAIT ends.
# tcpfsm-timeout: 120
. "$(dirname "$0")/lib.sh"

TCPFSM=$TCPFSM_TOOLS/tcpfsm
tmp=$(mktemp -d)
tcpfsm_load timeout_time_wait=2
netns_pair a b 10.50.1 fd00:50::

# nsenter itself, not in_ns: $! must be the watcher, which gets signals
nsenter --net=/run/netns/a "$TCPFSM" watch --json >"$tmp/events" 2>"$tmp/err" &
watch_pid=$!
wait_for 20 grep -q '"event":"ready"' "$tmp/events"

# The server closes only once the client's FIN was acknowledged alone
# (client FIN-WAIT-2), so the ACK and the server's FIN are two segments.
in_ns b python3 - "$tmp/go" >"$tmp/server.log" 2>&1 <<'PY' &
import os, socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5050)); s.listen(1)
open(sys.argv[1] + ".listening", "w").close()
c, _ = s.accept()
while c.recv(4096):
    pass
deadline = time.time() + 30
while not os.path.exists(sys.argv[1]) and time.time() < deadline:
    time.sleep(0.05)
c.close()
PY
for _ in $(seq 600); do [[ -e $tmp/go.listening ]] && break; sleep 0.1; done
[[ -e $tmp/go.listening ]] || { cat "$tmp/server.log" >&2; fail "server did not start"; }
in_ns a python3 - "$NS2_V4" >"$tmp/client.log" 2>&1 <<'PY' &
import socket, sys
c = socket.create_connection((sys.argv[1], 5050))
c.sendall(b"hello")
c.shutdown(socket.SHUT_WR)
while c.recv(4096):
    pass
c.close()
PY
client_pid=$!
for _ in $(seq 600); do grep -q '"new_state":"FIN-WAIT-2"' "$tmp/events" && break; sleep 0.1; done
grep -q '"new_state":"FIN-WAIT-2"' "$tmp/events" ||
	{ cat "$tmp/events" "$tmp/err" "$tmp"/*.log >&2; fail "client never reached FIN-WAIT-2"; }
touch "$tmp/go"
wait "$client_pid"
wait_for 30 grep -q '"event":"destroy"' "$tmp/events"
kill "$watch_pid"; wait "$watch_pid" || true

python3 - "$tmp/events" "$NS2_V4" <<'PY' || { cat "$tmp/events" "$tmp/err" >&2; fail "event sequence"; }
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
evs = [e for e in evs if e.get("flow", {}).get("server") == sys.argv[2]
       and e["flow"]["server_port"] == 5050]
assert evs and evs[0]["event"] == "new", evs[:1]
n = evs[0]["flow"]
assert (n["client_state"], n["server_state"]) == ("SYN-SENT", "LISTEN"), n
ch = [(e["endpoint"], e["old_state"], e["new_state"]) for e in evs if e["event"] == "change"]
# Events one segment causes may come in either order: compare step by step.
steps = [
    {("client", "SYN-SENT", "ESTABLISHED"), ("server", "LISTEN", "SYN-RECEIVED")},
    {("server", "SYN-RECEIVED", "ESTABLISHED")},
    {("client", "ESTABLISHED", "FIN-WAIT-1"), ("server", "ESTABLISHED", "CLOSE-WAIT")},
    {("client", "FIN-WAIT-1", "FIN-WAIT-2")},
    {("server", "CLOSE-WAIT", "LAST-ACK"), ("client", "FIN-WAIT-2", "TIME-WAIT")},
    {("server", "LAST-ACK", "CLOSED")},
    {("client", "TIME-WAIT", "CLOSED")},
]
i = 0
for st in steps:
    got = set(ch[i:i + len(st)])
    assert got == st, f"step {steps.index(st)}: want {st}, got {ch[i:i + len(st)]} (all: {ch})"
    i += len(st)
assert i == len(ch), f"extra changes: {ch[i:]}"
seqs = {}
for e in evs:
    assert e["gen"] > 0 and e["seq"] > 0, e
# a gapless series per group
for g in ("new", "change", "destroy"):
    s = [e["seq"] for e in evs if e["event"] == g]
    assert s == list(range(s[0], s[0] + len(s))), (g, s)
gens = [e["gen"] for e in evs]
assert gens == sorted(gens), gens
assert evs[-1]["event"] == "destroy", evs[-1]
last = [e for e in evs if e["event"] == "change"][-1]
assert last["seg_from"] == "timer", last
print("ok:", len(ch), "changes")
PY
! grep -q . "$tmp/err" || { cat "$tmp/err" >&2; fail "watch wrote to stderr"; }
rm -rf "$tmp"
