#!/usr/bin/env bash
# tcpfsm-timeout: 120
# Loaded with acct=0, flows are 32 bytes smaller and carry no counters:
# states are tracked as ever, /proc shows "-" for the counts and netlink
# leaves their attributes out (so `tcpfsm list --json` has no such keys).
. "$(dirname "$0")/lib.sh"

TCPFSM=$TCPFSM_TOOLS/tcpfsm
stat_of() { awk -v k="$1" '$1 == k { print $2 }' /proc/net/stat/tcpfsm; }

tcpfsm_load
with4=$(stat_of flow_bytes) with6=$(stat_of flow6_bytes)
tcpfsm_unload
tcpfsm_load acct=0
[[ $(cat /sys/module/tcpfsm/parameters/acct) == N ]] || fail "acct=0 not taken"
without4=$(stat_of flow_bytes) without6=$(stat_of flow6_bytes)
# 32 bytes of counters, plus up to 7 of alignment before them.
for d in $((with4 - without4)) $((with6 - without6)); do
	((d >= 32 && d < 40)) || fail "counters took $d bytes ($with4/$with6 with, $without4/$without6 without)"
done
echo "flow bytes IPv4/IPv6: $with4/$with6 with counters, $without4/$without6 without"

netns_pair a b 10.16.1 fd00:16::
/usr/bin/python3 - "$TCPFSM" "$NS1_V4" "$NS2_V4" <<'PY'
import json, socket, subprocess, sys
from tcpfsm import ep, flow, listener, netns, wait_for

cli, client, server = sys.argv[1:4]
lst = listener("b", server, 5016)
with netns("a"):
    c = socket.create_connection((server, 5016), timeout=60)
s, _ = lst.accept()
c.sendall(b"x" * 1000)
assert len(s.recv(4096)) > 0

row = None


def established():
    global row
    row = flow("a", ep(client, c.getsockname()[1]), ep(server, 5016))
    return row and (row["cstate"], row["sstate"]) == ("ESTABLISHED", "ESTABLISHED")


wait_for("the flow ESTABLISHED in /proc", established)
counts = [row[k] for k in ("c_pkts", "c_bytes", "s_pkts", "s_bytes")]
assert counts == ["-"] * 4, row
with netns("a"):
    out = subprocess.run([cli, "list", "--json"], check=True, capture_output=True, text=True).stdout
f = [f for f in json.loads(out) if f["server_port"] == 5016]
assert len(f) == 1, out
assert (f[0]["client_state"], f[0]["server_state"]) == ("ESTABLISHED", "ESTABLISHED"), f
assert not any(k.endswith(("_packets", "_bytes")) for k in f[0]), f
c.close()
s.close()
print("tracked without counters:", row)
PY
tcpfsm_unload
