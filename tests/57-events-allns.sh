#!/usr/bin/env bash
# watch -A in the host namespace, as root: one subscription gets the
# events of every namespace, each tagged with its namespace's cookie
# (SO_NETNS_COOKIE) and inode (/proc/PID/ns/net), and named by /run/netns.
# tcpfsm-timeout: 240
. "$(dirname "$0")/lib.sh"

TCPFSM=$TCPFSM_TOOLS/tcpfsm
tmp=$(mktemp -d)
tcpfsm_load
netns_pair a b 10.57.1 fd00:57::
netns_pair c d 10.57.2 fd00:57:2::

"$TCPFSM" watch -A --json >"$tmp/ev" 2>"$tmp/err" &
pid=$!
wait_for 20 grep -q '"event":"ready"' "$tmp/ev"
"$TCPFSM" watch -A >"$tmp/text" 2>&1 &
tpid=$!
wait_for 20 grep -q 'watching' "$tmp/text"

/usr/bin/python3 - "$tmp/ev" <<'PY' || { cat "$tmp/ev" "$tmp/err" >&2; fail "all-netns events"; }
import json, os, socket, sys
from tcpfsm import listener, netns, wait_for

SO_NETNS_COOKIE = 71
want = {}
for ns, sns, server, port in (("a", "b", "10.57.1.2", 5701), ("c", "d", "10.57.2.2", 5702)):
    s = listener(sns, "0.0.0.0", port)
    with netns(ns):
        c = socket.create_connection((server, port), timeout=60)
        cookie = struct_cookie = c.getsockopt(socket.SOL_SOCKET, SO_NETNS_COOKIE, 8)
    a, _ = s.accept()
    c.close()
    a.close()
    # Both sides' namespaces see the flow: the client's (a, c) and the server's (b, d).
    ino = os.stat("/run/netns/" + ns).st_ino
    want[port] = (ns, int.from_bytes(cookie, sys.byteorder), ino)
    ino = os.stat("/run/netns/" + sns).st_ino
    with netns(sns):
        t = socket.socket()
        sc = int.from_bytes(t.getsockopt(socket.SOL_SOCKET, SO_NETNS_COOKIE, 8), sys.byteorder)
        t.close()
    want[-port] = (sns, sc, ino)


def seen():
    got = {}
    for line in open(sys.argv[1]).read().split("\n")[:-1]:
        e = json.loads(line)
        if e["event"] != "new":
            continue
        got.setdefault(e["flow"]["server_port"], set()).add(
            (e["netns"], e["netns_cookie"], e["netns_ino"]))
    return got


def complete():
    got = seen()
    return all(got.get(p) == {want[p], want[-p]} for p in (5701, 5702))


try:
    wait_for("new events of both namespace pairs, tagged", complete)
except Exception:
    print("want", want, "got", seen(), file=sys.stderr)
    raise
print("tagged:", seen())
PY
wait_for 20 grep -q ' a  *new .*:5701' "$tmp/text"
grep ' new ' "$tmp/text" | head -4
kill "$pid" "$tpid"
wait "$pid" || true
wait "$tpid" || true
rm -rf "$tmp"
