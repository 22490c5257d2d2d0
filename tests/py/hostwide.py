# SPDX-License-Identifier: GPL-2.0
"""tests/62-netns-hostwide.sh: the host's administrator sees every namespace.

Three child namespaces hold loopback flows: one named (ip netns), one never
named (unshare -n, held by its process alone) and one whose name was
removed while a process kept it.  From the host, `list -A` shows each
namespace's flows with the right netns label (the name; INO/PID:COMM for
the other two) and the cookie and inode that SO_NETNS_COOKIE and
/proc/PID/ns/net give; `stats -A` gives each namespace the counters
`stats` run inside it gives.  Then namespaces come and go while the host
dumps every namespace with a slow reader: every dump completes, and
namespaces destroyed mid-dump break nothing (the harness fails the test
on any KASAN, lockdep or kmemleak report).
"""
import json
import os
import subprocess
import sys
import threading
import time

import tcpfsm as T

HERE = os.path.dirname(os.path.abspath(__file__))
NSFLOWS = os.path.join(HERE, 'nsflows.py')
PY = '/usr/bin/python3'
SO_NETNS_COOKIE = 71
CONNS = 3


class Holder:
    """nsflows.py in a namespace: argv runs it (unshare -n, or with setns)."""

    def __init__(self, port, argv, **kw):
        self.port = port
        self.proc = subprocess.Popen(argv + [PY, NSFLOWS, str(port), str(CONNS)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, **kw)
        line = self.proc.stdout.readline().strip()
        if line != 'ready':
            raise T.Fail('holder on port %d did not start: %r' % (port, line))
        self.pid = self.proc.pid
        self.ino = os.stat('/proc/%d/ns/net' % self.pid).st_ino
        self.cookie = cookie_of(self.pid)

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait()


def cookie_of(pid):
    """SO_NETNS_COOKIE of a socket made in pid's namespace."""
    fd = os.open('/proc/%d/ns/net' % pid, os.O_RDONLY)
    back = os.open('/proc/self/ns/net', os.O_RDONLY)
    try:
        T._setns(fd)
        import socket
        with socket.socket() as s:
            c = int.from_bytes(s.getsockopt(socket.SOL_SOCKET, SO_NETNS_COOKIE, 8),
                               sys.byteorder)
    finally:
        T._setns(back)
        os.close(fd)
        os.close(back)
    return c


def tcpfsm(*args, pid=None, check=True):
    """The CLI, in pid's namespace when given (setns between fork and exec)."""
    kw = {}
    if pid:
        fd = os.open('/proc/%d/ns/net' % pid, os.O_RDONLY | os.O_CLOEXEC)
        kw = {'pass_fds': (fd,), 'preexec_fn': lambda: T._setns(fd)}
    try:
        p = subprocess.run([T.TCPFSM] + list(args), capture_output=True, text=True, **kw)
    finally:
        if pid:
            os.close(fd)
    if check and p.returncode:
        raise T.Fail('tcpfsm %s: exit %d: %s' % (' '.join(args), p.returncode, p.stderr.strip()))
    return p


def expect_listed(holders):
    flows = json.loads(tcpfsm('list', '-A', '--json').stdout)
    for h in holders:
        mine = [f for f in flows if f['server_port'] == h.port and f['client'] == '127.0.0.1']
        if len(mine) != CONNS:
            raise T.Fail('port %d: %d flows listed, want %d' % (h.port, len(mine), CONNS))
        for f in mine:
            got = (f.get('netns'), f.get('netns_cookie'), f.get('netns_ino'))
            if got != (h.label, h.cookie, h.ino):
                raise T.Fail('port %d: netns %r, want %r' % (h.port, got, (h.label, h.cookie, h.ino)))
    return flows


def stats_match(h):
    """stats -A's entry for h's namespace equals stats inside it."""
    inside = json.loads(tcpfsm('stats', '--json', pid=h.pid).stdout)
    every = json.loads(tcpfsm('stats', '-A', '--json').stdout)
    mine = [s for s in every if s.get('netns_ino') == h.ino]
    if len(mine) != 1:
        raise T.Fail('stats -A: %d entries for inode %d' % (len(mine), h.ino))
    got = dict(mine[0])
    if (got.pop('netns'), got.pop('netns_cookie'), got.pop('netns_ino')) != (h.label, h.cookie, h.ino):
        raise T.Fail('stats -A names the namespace of port %d %r' % (h.port, mine[0]))
    # The one count of all namespaces together may move with another's flows.
    got.pop('flows_total', None)
    inside.pop('flows_total', None)
    if got != inside:
        diff = {k: (got.get(k), inside.get(k)) for k in set(got) | set(inside)
                if got.get(k) != inside.get(k)}
        raise T.Fail('port %d: stats -A differs from stats inside: %s' % (h.port, diff))
    if inside['flows'] != CONNS:
        raise T.Fail('port %d: %d flows in its namespace' % (h.port, inside['flows']))
    return True


def churn(stop, counter, errors):
    """Namespaces, each with flows, made and destroyed one after another."""
    port = 6290
    while not stop.is_set():
        try:
            h = Holder(port, ['unshare', '-n'])
            h.stop()
            counter[0] += 1
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)
            return
        port = 6290 + (port - 6289) % 8


def main():
    tmp_ns = ['ns62a', 'ns62c']
    holders = []
    try:
        T.run(T.IP, 'netns', 'add', 'ns62a')
        fd = os.open('/run/netns/ns62a', os.O_RDONLY | os.O_CLOEXEC)
        a = Holder(6201, [], pass_fds=(fd,), preexec_fn=lambda: T._setns(fd))
        os.close(fd)
        a.label = 'ns62a'
        holders.append(a)

        b = Holder(6202, ['unshare', '-n'])
        b.label = '%d/%d:python3' % (b.ino, b.pid)
        holders.append(b)

        T.run(T.IP, 'netns', 'add', 'ns62c')
        fd = os.open('/run/netns/ns62c', os.O_RDONLY | os.O_CLOEXEC)
        c = Holder(6203, [], pass_fds=(fd,), preexec_fn=lambda: T._setns(fd))
        os.close(fd)
        # Its name goes; its process keeps it.
        T.run(T.IP, 'netns', 'del', 'ns62c')
        tmp_ns.remove('ns62c')
        c.label = '%d/%d:python3' % (c.ino, c.pid)
        holders.append(c)
        if len({h.cookie for h in holders}) != 3 or len({h.ino for h in holders}) != 3:
            raise T.Fail('cookies or inodes not distinct: %r' %
                         [(h.cookie, h.ino) for h in holders])

        T.wait_for('every namespace\'s flows in list -A', lambda: expect_listed(holders))
        T.log('list -A: %s' % ', '.join('%d in %s' % (CONNS, h.label) for h in holders))
        # The text table's NETNS column.
        for h in holders:
            out = tcpfsm('list', '-A', '--dport', str(h.port)).stdout.splitlines()
            if not out[0].startswith('NETNS ') or len(out) != CONNS + 1 or \
                    any(line.split()[0] != h.label for line in out[1:]):
                raise T.Fail('list -A --dport %d:\n%s' % (h.port, '\n'.join(out)))
        # The host's own view is still its own namespace's alone.
        plain = json.loads(tcpfsm('list', '--json').stdout)
        if any(f['server_port'] in (6201, 6202, 6203) for f in plain):
            raise T.Fail('plain list on the host shows a child namespace\'s flow')
        if any('netns' in f for f in plain):
            raise T.Fail('plain list names namespaces')

        for h in holders:
            T.wait_for('stats -A equal to stats in %s' % h.label, lambda h=h: stats_match(h))
        every = json.loads(tcpfsm('stats', '-A', '--json').stdout)
        host_ino = os.stat('/proc/1/ns/net').st_ino
        if not any(s['netns_ino'] == host_ino for s in every):
            raise T.Fail('stats -A has no entry for the initial namespace')
        text = tcpfsm('stats', '-A').stdout.split('\n\n')
        if len(text) != len(every) or not any(
                block.startswith('netns') and block.split('\n')[0].split() == ['netns', 'ns62a']
                for block in text):
            raise T.Fail('stats -A text: %d blocks for %d namespaces, or none for ns62a' %
                         (len(text), len(every)))
        T.log('stats -A: %d namespaces, each as its own stats says' % len(every))

        # Churn while dumping: slow readers with small buffers, so that every
        # dump spans many batches while namespaces die under it.
        stop, counter, errors = threading.Event(), [0], []
        t = threading.Thread(target=churn, args=(stop, counter, errors))
        t.start()
        crossed = dumps = 0
        end = time.monotonic() + T.DEADLINE
        try:
            while crossed < 3 and not errors:
                if time.monotonic() > end:
                    raise T.Fail('no dump crossed a namespace\'s destruction in %.0fs '
                                 '(%d dumps, %d namespaces churned)' % (T.DEADLINE, dumps, counter[0]))
                before = counter[0]
                p = tcpfsm('list', '-A', '--json', '--rcvbuf', '4096', '--read-delay-ms', '20')
                json.loads(p.stdout)
                s = tcpfsm('stats', '-A', '--json')
                json.loads(s.stdout)
                dumps += 1
                if counter[0] > before:
                    crossed += 1
        finally:
            stop.set()
            t.join()
        if errors:
            raise errors[0]
        T.log('churn: %d dumps, %d crossed destructions, %d namespaces churned' %
              (dumps, crossed, counter[0]))
        # What is left is exactly what lives.
        T.wait_for('list -A after the churn', lambda: expect_listed(holders))
    finally:
        for h in holders:
            h.stop()
        for ns in tmp_ns:
            T.run(T.IP, 'netns', 'del', ns, check=False)


if __name__ == '__main__':
    try:
        main()
    except T.Fail as e:
        print('FAIL: %s' % e, file=sys.stderr)
        sys.exit(1)
