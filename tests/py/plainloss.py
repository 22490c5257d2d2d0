#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What events_lost counts, and what an ordinary listener learns of its own
losses: usage plainloss.py CONNECTIONS.

A listener that does not set NETLINK_BROADCAST_ERROR (most daemons do not)
subscribes to all three groups with the smallest receive buffer and reads
nothing while CONNECTIONS connections open and close.  A `tcpfsm watch
--json` with a large buffer takes every event meanwhile.  Then:
  - the small listener lost events (or the test proves nothing);
  - its sequence numbers, with the numbers a dump reports before and after,
    give exactly the number it missed: every event the big listener saw and
    it did not;
  - events_lost, which counts only deliveries refused to listeners that set
    NETLINK_BROADCAST_ERROR (README), did not move: the big one lost none.
"""
import errno
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading

from tcpfsm import (TCPFSM, Fail, _in_ns, listener, log, main, netns, nl_attrs, stats,
                    sysctl, wait_for)

N = int(sys.argv[1])
NETLINK_GENERIC, GENL_ID_CTRL = 16, 0x10
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 270, 1
GROUPS = ('new', 'change', 'destroy')
A_EVENT, A_DUMP, A_EVENT_SEQ = 3, 8, 2
DUMP_SEQ = {'new': 4, 'change': 5, 'destroy': 6}


def messages(data):
    off = 0
    while off + 16 <= len(data):
        ln, typ = struct.unpack_from('IH', data, off)
        if ln < 16:
            return
        yield typ, data[off:off + ln]
        off += (ln + 3) & ~3


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.seq = 0
        reply = self.request(GENL_ID_CTRL, 3, struct.pack('HH', 11, 2) + b'tcpfsm\0\0')[0]
        a = nl_attrs(reply, 20)
        self.family = struct.unpack('H', a[1][:2])[0]
        self.groups = {}
        for grp in nl_attrs(a[7]).values():
            g = nl_attrs(grp)
            self.groups[g[1].rstrip(b'\0').decode()] = struct.unpack('I', g[2][:4])[0]

    def request(self, fam, cmd, payload=b'', flags=0x1):
        self.seq += 1
        body = struct.pack('BBH', cmd, 1, 0) + payload
        self.s.send(struct.pack('IHHII', 16 + len(body), fam, flags, self.seq, 0) + body)
        out = []
        while True:
            for typ, m in messages(self.s.recv(1 << 20)):
                if typ == 2:
                    err = struct.unpack_from('i', m, 16)[0]
                    if err:
                        raise Fail('netlink request %d: errno %d' % (cmd, -err))
                    return out
                if typ == 3:
                    return out
                out.append(m)
                if not flags & 0x300:
                    return out

    def dump_seqs(self):
        """The last sequence number of each group, from a dump's header."""
        first = self.request(self.family, 1, flags=0x301)[0]
        d = nl_attrs(nl_attrs(first, 20)[A_DUMP])
        return {g: struct.unpack('I', d[DUMP_SEQ[g]][:4])[0] for g in GROUPS}


def scenario(topo):
    topo.ns('a')
    # A large buffer for the big listener (net.core.rmem_max is the host's).
    with open('/proc/sys/net/core/rmem_max', 'w') as f:
        f.write('33554432')
    tmp = tempfile.mkdtemp(prefix='tcpfsm-plain.')
    with netns('a'):
        ctl = Genl()
        small = Genl()
        small.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
        for g in GROUPS:
            small.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, ctl.groups[g])
    with _in_ns('a') as kw:
        big = subprocess.Popen([TCPFSM, 'watch', '--json', '--groups', ','.join(GROUPS),
                                '--rcvbuf', '33554432'],
                               stdout=open(os.path.join(tmp, 'ev'), 'w'),
                               stderr=open(os.path.join(tmp, 'err'), 'w'), **kw)

    def big_events():
        got = {g: set() for g in GROUPS}
        with open(os.path.join(tmp, 'ev')) as f:
            for line in f:
                e = json.loads(line)
                if e.get('event') in got:
                    got[e['event']].add(e['seq'])
        return got

    wait_for('the big listener', lambda: 'ready' in open(os.path.join(tmp, 'ev')).read())
    s0 = ctl.dump_seqs()
    sysctl('a', 'net.ipv4.tcp_tw_reuse', 1)
    lst = listener('a', '127.0.0.1', 5353)

    def serve():
        while True:
            try:
                c, _ = lst.accept()
            except OSError:
                return
            c.close()
    threading.Thread(target=serve, daemon=True).start()
    with netns('a'):
        for _ in range(N):
            socket.create_connection(('127.0.0.1', 5353), timeout=30).close()
    lost_kernel = stats('a')['events_lost']
    s1 = ctl.dump_seqs()
    want = {g: s1[g] - s0[g] for g in GROUPS}
    wait_for('the big listener to take all %s' % want,
             lambda: all(len({q for q in big_events()[g] if q > s0[g]}) >= want[g]
                         for g in GROUPS))
    big.terminate()
    big.wait()
    if 'lost' in open(os.path.join(tmp, 'err')).read():
        raise Fail('the big listener lost events: the reference is not whole')

    small.s.setblocking(False)
    seen = {g: set() for g in GROUPS}
    overruns = 0
    cmd_group = {5: 'new', 6: 'change', 7: 'destroy'}
    while True:
        try:
            data = small.s.recv(1 << 20)
        except BlockingIOError:
            break
        except OSError as e:
            if e.errno != errno.ENOBUFS:
                raise
            overruns += 1
            continue
        for typ, m in messages(data):
            cmd = m[16]
            if typ == small.family and cmd in cmd_group:
                ev = nl_attrs(nl_attrs(m, 20)[A_EVENT])
                seen[cmd_group[cmd]].add(struct.unpack('I', ev[A_EVENT_SEQ][:4])[0])
    ref = big_events()
    lost = 0
    for g in GROUPS:
        mine = {q for q in seen[g] if s0[g] < q <= s1[g]}
        theirs = {q for q in ref[g] if s0[g] < q <= s1[g]}
        by_seq = want[g] - len(mine)
        if by_seq != len(theirs - mine) or not mine <= theirs:
            raise Fail('%s: the sequence numbers say %d lost, the big listener shows %d missed'
                       % (g, by_seq, len(theirs - mine)))
        lost += by_seq
    if not lost or not overruns:
        raise Fail('the small listener lost nothing (%d overruns): the test proves nothing'
                   % overruns)
    if stats('a')['events_lost'] != lost_kernel or lost_kernel:
        raise Fail('events_lost moved to %d for a listener without NETLINK_BROADCAST_ERROR'
                   % stats('a')['events_lost'])
    log('ok   %-28s %d of %d events lost, exactly as its sequence numbers say; '
        'events_lost 0' % ('plain listener', lost, sum(want.values())))
    lst.close()


if __name__ == '__main__':
    main(scenario)
