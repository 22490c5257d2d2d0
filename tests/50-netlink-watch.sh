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

# Server, client and the check in one python process: each start costs
# seconds on the debug kernel.
/usr/bin/python3 - "$tmp/events" "$NS2_V4" <<'PY' || { cat "$tmp/events" "$tmp/err" >&2; fail "event sequence"; }
import json, socket, sys, threading
from tcpfsm import listener, netns, wait_for

events, server = sys.argv[1], sys.argv[2]


def ours():
    with open(events) as f:
        lines = f.read().split("\n")[:-1]  # the last may be half written
    evs = [json.loads(l) for l in lines]
    return [e for e in evs if e.get("flow", {}).get("server") == server
            and e["flow"]["server_port"] == 5050]


lst = listener("b", "0.0.0.0", 5050)
go = threading.Event()


def serve():
    c, _ = lst.accept()
    while c.recv(4096):
        pass
    go.wait(60)
    c.close()


t = threading.Thread(target=serve, daemon=True)
t.start()
with netns("a"):
    c = socket.create_connection((server, 5050), timeout=60)
c.sendall(b"hello")
c.shutdown(socket.SHUT_WR)
# The server closes only once the client's FIN was acknowledged alone
# (client FIN-WAIT-2), so the ACK and the server's FIN are two segments.
wait_for("client FIN-WAIT-2", lambda: any(e.get("new_state") == "FIN-WAIT-2" for e in ours()))
go.set()
while c.recv(4096):
    pass
c.close()
t.join()
wait_for("the flow's destroy", lambda: any(e["event"] == "destroy" for e in ours()))

evs = ours()
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
kill "$watch_pid"; wait "$watch_pid" || true
! grep -q . "$tmp/err" || { cat "$tmp/err" >&2; fail "watch wrote to stderr"; }
rm -rf "$tmp"
