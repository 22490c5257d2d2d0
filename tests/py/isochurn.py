#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""No namespace ever sees another's flows, while namespaces come and go:
usage isochurn.py OBSERVERS CHURNED CONNS.

Every namespace n has its own addresses and port: its servers listen on
127.n.0.1 and [fd77:n::1] port 10000+n, its clients bind 127.n.0.2 and
[fd77:n::2]; a flow is n's when both its addresses and its server port
are n's.  The initial namespace is n = 250.

  - OBSERVERS namespaces and the initial one live throughout, each with a
    `tcpfsm watch --json` from the start and traffic of its own (a thread
    opens and resets connections in each, in turn);
  - CHURNED namespaces are made one after the other, each with a watcher and
    CONNS connections (half IPv4, half IPv6) that tcpfsm must show there as
    ESTABLISHED in /proc/net/tcpfsm and in `tcpfsm list --json`; then the
    one before it is deleted with its flows live, while the next fills;
  - throughout, a thread lists every live namespace from inside it
    (`tcpfsm list --json` and /proc/net/tcpfsm).
Every line of every list and every event of every watcher is checked: a
flow of another namespace, or one that is nobody's, fails the test at once.
And each view must have seen its own: every list thread's namespace its own
flows, every churned watcher a new event for each of its connections, every
observer's watcher a new event for each connection made in it (or, if it
reported lost events, at least one).
"""
import contextlib
import ctypes
import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading

from tcpfsm import IP, TCPFSM, Fail, _in_ns, abort, ip_batch, log, run, wait_for

OBSERVERS, CHURNED, CONNS = (int(a) for a in sys.argv[1:4])
INIT = 250
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_home = os.open('/proc/self/ns/net', os.O_RDONLY)
stop = threading.Event()
errors = []
total = {'lists': 0, 'list_flows': 0, 'proc_reads': 0, 'proc_lines': 0, 'events': 0,
         'conns': 0}


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns')


@contextlib.contextmanager
def inns(name):
    """Run the block, in this thread only, in namespace name (None: the
    initial one, where every thread is otherwise)."""
    if name is None:
        yield
        return
    fd = os.open('/run/netns/' + name, os.O_RDONLY)
    try:
        _setns(fd)
    finally:
        os.close(fd)
    try:
        yield
    finally:
        _setns(_home)


def owner(addr):
    a = ipaddress.ip_address(addr)
    if a.version == 4:
        b = a.packed
        return b[1] if b[0] == 127 and b[2] == 0 and b[3] in (1, 2) else None
    b = a.packed
    return int.from_bytes(b[2:4], 'big') if b[:2] == b'\xfd\x77' and b[4:15] == bytes(11) \
        and b[15] in (1, 2) else None


def flow_owner(client, server, sport):
    n = owner(client)
    return n if n is not None and owner(server) == n and sport == 10000 + n else None


def proc_ep(text):
    addr, port = text.rsplit(':', 1)
    return addr.strip('[]'), int(port)


class Box:
    """Namespace n (name None: the initial one) with its listeners and watcher."""

    def __init__(self, n, name, tmp):
        self.n, self.name = n, name
        self.port = 10000 + n
        self.v4 = ('127.%d.0.1' % n, '127.%d.0.2' % n)
        self.v6 = ('fd77:%x::1' % n, 'fd77:%x::2' % n)
        self.made = set()       # (client addr, client port) of connections made
        self.lists = self.list_own = self.proc_own = 0
        self.lock = threading.Lock()
        if name:
            run(IP, 'netns', 'add', name)
            ip_batch(name, 'link set lo up',
                     *('addr add %s/128 dev lo nodad' % a for a in self.v6))
        else:
            for a in self.v6:
                run(IP, 'addr', 'add', a + '/128', 'dev', 'lo', 'nodad')
        self.lst = []
        with inns(name):
            for fam, (srv, _) in ((socket.AF_INET, self.v4), (socket.AF_INET6, self.v6)):
                s = socket.socket(fam, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((srv, self.port))
                s.listen(1024)
                s.settimeout(30)
                self.lst.append(s)
        self.out = os.path.join(tmp, 'watch.%d' % n)
        with open(self.out, 'w') as o, open(self.out + '.err', 'w') as e:
            if name:
                with _in_ns(name) as kw:
                    self.watch = subprocess.Popen([TCPFSM, 'watch', '--json'], stdout=o,
                                                  stderr=e, **kw)
            else:
                self.watch = subprocess.Popen([TCPFSM, 'watch', '--json'], stdout=o, stderr=e)
        wait_for('tcpfsm watch in namespace %d' % n,
                 lambda: any(e.get('event') == 'ready' for e in self.events()))

    def connect(self, v6):
        """A connection client -> server in this namespace: (client, server)."""
        fam, (srv, cli) = (socket.AF_INET6, self.v6) if v6 else (socket.AF_INET, self.v4)
        with inns(self.name):
            c = socket.socket(fam, socket.SOCK_STREAM)
        c.bind((cli, 0))
        c.settimeout(30)
        c.connect((srv, self.port))
        s, _ = self.lst[1 if v6 else 0].accept()
        c.sendall(b'ping')
        if s.recv(4) != b'ping':
            raise Fail('namespace %d: a connection lost its data' % self.n)
        with self.lock:
            self.made.add((str(ipaddress.ip_address(cli)), c.getsockname()[1]))
        total['conns'] += 1
        return c, s

    def events(self):
        with open(self.out) as f:
            text = f.read()
        return [json.loads(line) for line in text.split('\n')[:-1]]

    def check(self, where, flows):
        """flows: (client, server, server port) seen in this namespace."""
        own = 0
        for client, server, sport in flows:
            got = flow_owner(client, server, sport)
            if got != self.n:
                errors.append('%s in namespace %d shows %s -> %s:%d, which is %s' %
                              (where, self.n, client, server, sport,
                               'namespace %d\'s' % got if got is not None else 'nobody\'s'))
                raise Fail(errors[-1])
            own += 1
        return own

    def check_events(self):
        evs = [e for e in self.events() if 'flow' in e]
        self.check('tcpfsm watch', [(e['flow']['client'], e['flow']['server'],
                                     e['flow']['server_port']) for e in evs])
        return evs

    def list_json(self):
        with (_in_ns(self.name) if self.name else contextlib.nullcontext({})) as kw:
            p = subprocess.run([TCPFSM, 'list', '--json'], capture_output=True, text=True,
                               timeout=120, **kw)
        if p.returncode:
            raise Fail('tcpfsm list in namespace %d: exit %d: %s' %
                       (self.n, p.returncode, p.stderr.strip()))
        got = json.loads(p.stdout)
        own = self.check('tcpfsm list', [(f['client'], f['server'], f['server_port'])
                                         for f in got])
        total['lists'] += 1
        total['list_flows'] += len(got)
        return got, own

    def proc(self):
        with inns(self.name), open('/proc/thread-self/net/tcpfsm') as f:
            lines = f.read().splitlines()[1:]
        rows = []
        for line in lines:
            col = line.split()
            (c, cp), (s, sp) = proc_ep(col[1]), proc_ep(col[2])
            rows.append((c, cp, s, sp, col[3], col[4]))
        own = self.check('/proc/net/tcpfsm', [(c, s, sp) for c, cp, s, sp, _, _ in rows])
        total['proc_reads'] += 1
        total['proc_lines'] += len(rows)
        return rows, own

    def stop(self):
        self.watch.terminate()
        self.watch.wait(timeout=30)
        with open(self.out + '.err') as f:
            return f.read().strip()

    def delete(self):
        for s in self.lst:
            s.close()
        if self.name:
            run(IP, 'netns', 'del', self.name)
        else:
            for a in self.v6:
                run(IP, 'addr', 'del', a + '/128', 'dev', 'lo', check=False)


live = []      # boxes the lister visits
live_lock = threading.Lock()


def guarded(fn):
    def run_it(*args):
        try:
            fn(*args)
        except Exception as e:      # noqa: BLE001 - reported by the main thread
            errors.append('%s: %s' % (fn.__name__, e))
    return run_it


@guarded
def traffic(observers):
    """Each observer in turn: a new connection, and the oldest but a few reset."""
    held = {b.n: [] for b in observers}
    i = 0
    while not stop.is_set():
        for b in observers:
            held[b.n].append(b.connect(v6=i % 2 == 1))
            if len(held[b.n]) > 4:
                for s in held[b.n].pop(0):
                    abort(s)
        i += 1
        stop.wait(0.02)     # paces the load; no condition is waited for
    for socks in held.values():
        for pair in socks:
            for s in pair:
                abort(s)


@guarded
def lister():
    while not stop.is_set():
        with live_lock:
            boxes = list(live)
        for b in boxes:
            try:
                _, own = b.list_json()
                _, pown = b.proc()
            except (OSError, subprocess.SubprocessError):
                # A churned namespace deleted under us (its /run/netns file
                # gone, or still there but no longer its mount: setns says
                # EINVAL) is no longer there to list.  What a list of it did
                # show was checked all the same (check raises Fail).
                with live_lock:
                    if b in live:
                        raise
                continue
            b.lists += 1
            b.list_own += own
            b.proc_own += pown


def scenario(tmp):
    observers = [Box(INIT, None, tmp)]
    observers += [Box(n, 'o%d' % n, tmp) for n in range(1, OBSERVERS + 1)]
    live.extend(observers)
    threads = [threading.Thread(target=traffic, args=(observers,), daemon=True),
               threading.Thread(target=lister, daemon=True)]
    for t in threads:
        t.start()
    prev = None
    deleted = 0
    for g in range(CHURNED):
        n = OBSERVERS + 1 + g
        b = Box(n, 'c%d' % n, tmp)
        conns = [b.connect(v6=i % 2 == 1) for i in range(CONNS)]

        def established():
            if errors:
                raise Fail('; '.join(errors))
            rows, _ = b.proc()
            est = {(c, cp) for c, cp, s, sp, cs, ss in rows
                   if (cs, ss) == ('ESTABLISHED', 'ESTABLISHED')}
            got, _ = b.list_json()
            lst = {(f['client'], f['client_port']) for f in got
                   if (f['client_state'], f['server_state']) == ('ESTABLISHED', 'ESTABLISHED')}
            news = {(e['flow']['client'], e['flow']['client_port'])
                    for e in b.check_events() if e['event'] == 'new'}
            seen.update(proc=len(est), list=len(lst), made=sorted(b.made), news=sorted(news))
            return b.made <= est and b.made <= lst and b.made <= news
        seen = {}
        try:
            wait_for('namespace %d: its %d connections in its list, /proc and events' %
                     (n, CONNS), established)
        except Fail as e:
            raise Fail('%s: %s' % (e, seen))
        with live_lock:
            live.append(b)
        if prev:
            # Deleted with its flows live, while b fills and others are listed.
            with live_lock:
                live.remove(prev)
            total['events'] += len(prev.check_events())
            err = prev.stop()
            if err:
                raise Fail('tcpfsm watch in namespace %d: %s' % (prev.n, err))
            for pair in prev.conns:
                for s in pair:
                    s.close()
            prev.delete()
            deleted += 1
        b.conns = conns
        prev = b
    # The observers' watchers, lists and /proc saw their own, and the lister
    # went round at least once more after the last namespace came.
    rounds = [bb.lists for bb in observers]
    wait_for('the lister to go round twice more',
             lambda: errors or all(bb.lists >= r + 2 for bb, r in zip(observers, rounds)),
             deadline=120)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise Fail('; '.join(errors))
    for bb in observers + [prev]:
        evs = bb.check_events()
        news = {(e['flow']['client'], e['flow']['client_port'])
                for e in evs if e['event'] == 'new'}
        total['events'] += len(evs)
        err = bb.stop()
        lost = 'lost' in err or 'overrun' in err
        if err and not lost:
            raise Fail('tcpfsm watch in namespace %d: %s' % (bb.n, err))
        if not bb.made or not news or (not lost and not bb.made <= news):
            raise Fail('namespace %d: %d connections made, its watcher saw %d of them%s' %
                       (bb.n, len(bb.made), len(bb.made & news), ' (it lost some)' if lost else ''))
        if bb in observers and not (bb.list_own and bb.proc_own):
            raise Fail('namespace %d: its lists showed %d own flows, /proc %d' %
                       (bb.n, bb.list_own, bb.proc_own))
        for pair in getattr(bb, 'conns', []):
            for s in pair:
                s.close()
        bb.delete()
    log('ok   %d namespaces (%d observed throughout, the initial one too; %d made, filled'
        ' and %d deleted with live flows): %d connections; %d lists of %d flows, %d reads of'
        ' /proc of %d lines, %d events: each its own namespace\'s' %
        (1 + OBSERVERS + CHURNED, OBSERVERS, CHURNED, deleted + 1, total['conns'],
         total['lists'], total['list_flows'], total['proc_reads'], total['proc_lines'],
         total['events']))


def main():
    tmp = tempfile.mkdtemp(prefix='tcpfsm-isochurn.')
    try:
        scenario(tmp)
    except Fail as e:
        log('FAIL %s' % e)
        sys.exit(1)
    log('PASS')


if __name__ == '__main__':
    main()
