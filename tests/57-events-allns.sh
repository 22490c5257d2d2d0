#!/usr/bin/env bash
# watch -A in the host namespace, as root: one subscription gets the
# events of every namespace, each tagged with its namespace's cookie
# (SO_NETNS_COOKIE) and inode (/proc/PID/ns/net), and named by /run/netns;
# EVENT_SUB_GET gives its mark to the host's root only, and a stopped -A
# watcher counts exactly the tail of a burst it lost.
# tcpfsm-timeout: 360
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

# EVENT_SUB_GET: an all-netns subscription's mark, for the initial
# namespace's administrator only (it sends every namespace's queue first).
/usr/bin/python3 - <<'PY' || fail "EVENT_SUB_GET"
import os, struct
from nlabuse import Nl, attr
from tcpfsm import Fail, netns, nl_attrs

SUBSCRIBE, SUB_GET = 6, 12
A_ALL_NETNS, A_SUB_PORTID, A_SUB_SEQ = 12, 16, 17
EPERM, ENOENT, EINVAL = 1, 2, 22


def sub_get(nl, portid):
    return nl.request(SUB_GET, b'' if portid is None else attr(A_SUB_PORTID, struct.pack('I', portid)))


def refused(r, err, words, what):
    if r.kind != 'error' or r.err != err or words not in (r.msg or ''):
        raise Fail('%s: %s errno %s %r, want errno %d and "%s"' % (what, r.kind, r.err, r.msg, err, words))


sub = Nl()
if sub.request(SUBSCRIBE, attr(A_ALL_NETNS, b'')).kind != 'ack':
    raise Fail('all-netns subscription refused')
portid = sub.s.getsockname()[0]
q = Nl()
r = sub_get(q, portid)
if r.kind != 'do':
    raise Fail('EVENT_SUB_GET: %s errno %s %r' % (r.kind, r.err, r.msg))
a = nl_attrs(r.msgs[0], 20)
if struct.unpack('I', a[A_SUB_PORTID])[0] != portid or A_ALL_NETNS not in a or A_SUB_SEQ not in a:
    raise Fail('EVENT_SUB_GET reply: %s' % a)
print('ok   the mark of an all-netns subscription: sub-seq %d' % struct.unpack('I', a[A_SUB_SEQ])[0])
refused(sub_get(q, None), EINVAL, '', 'no sub-portid')
refused(sub_get(q, q.s.getsockname()[0]), ENOENT, 'has a subscription', 'a socket without one')
with netns('a'):
    qa = Nl()
refused(sub_get(qa, portid), ENOENT, 'has a subscription', "namespace a, naming the host's")
child = os.fork()
if child == 0:
    os.setgroups([])
    os.setresgid(65534, 65534, 65534)
    os.setresuid(65534, 65534, 65534)
    try:
        refused(sub_get(Nl(), portid), EPERM, 'CAP_NET_ADMIN', 'nobody')
    except Exception as e:  # the child must not go on as the parent
        print(e)
        os._exit(1)
    os._exit(0)
if os.waitpid(child, 0)[1]:
    raise Fail('nobody was not refused')
print('ok   EINVAL without sub-portid; ENOENT elsewhere; EPERM for nobody')
PY

# Losses at the end of a burst, which no later event reveals: an -A
# watcher with a tiny buffer is stopped, so its queue takes the first
# datagrams and the kernel drops the rest.  Resumed, it finds the queue
# overrun and asks for its subscription's mark with the queue empty, which
# says how many it missed.  Nothing of the burst may expire meanwhile (a
# destroy is an event too).
for n in a b; do in_ns "$n" "$TCPFSM" config timeout_time_wait=900 >/dev/null; done
lost_ab() { echo $(($(events_lost a) + $(events_lost b))); }
l0=$(lost_ab)
"$TCPFSM" watch -A --json --rcvbuf 2048 >"$tmp/ev2" 2>"$tmp/err2" &
wpid=$!
wait_for 20 grep -q '"event":"ready"' "$tmp/ev2"
kill -STOP "$wpid"
short_conns a b 10.57.1.2 5753 100
# Every flow of the burst over in both namespaces: nothing more to report.
tail_over() {
	local n l
	for n in a b; do
		l=$(in_ns "$n" "$TCPFSM" list --dport 5753 --json)
		grep -q '"server_port":5753' <<<"$l" || return 1
		! grep -oE '"(client|server)_state":"[A-Z-]+"' <<<"$l" | grep -qvE 'TIME-WAIT|CLOSED' ||
			return 1
	done
}
wait_for 60 tail_over
kill -CONT "$wpid"
lost_more() { [[ $(lost_ab) -gt $l0 ]]; }
(wait_for 30 lost_more) || fail "the stopped watcher lost nothing: the test proves nothing"
tail_found() {
	[[ $(reported_lost "$tmp/err2") -eq $(($(lost_ab) - l0)) ]] &&
		grep -q "seen by the subscription's mark" "$tmp/err2"
}
if ! (wait_for 120 tail_found); then
	cat "$tmp/err2" >&2
	fail "after a lost tail: reported $(reported_lost "$tmp/err2") lost events, the kernel" \
		"counted $(($(lost_ab) - l0))"
fi
kill "$wpid"; wait "$wpid" || true
echo "tail: $(reported_lost "$tmp/err2") lost, reported exactly by the subscription's mark"
rm -rf "$tmp"
