# SPDX-License-Identifier: GPL-2.0
"""Helpers for tcpfsm's in-VM scenarios.

One process drives a whole scenario: it enters network namespaces with
setns(2) to create sockets and to read /proc there, so a socket keeps the
namespace it was born in.  Every check waits for a condition with a deadline;
nothing sleeps for a fixed time.
"""
import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

IP = '/usr/sbin/ip' if os.path.exists('/usr/sbin/ip') else '/sbin/ip'
TCPFSM = os.path.join(os.environ.get('TCPFSM_TOOLS', ''), 'tcpfsm')
CLONE_NEWNET = 0x40000000
DEADLINE = float(os.environ.get('TCPFSM_DEADLINE', '30'))
# Conn.expect() also checks the summary at each quiet point (0: it does not).
SUMMARY_CHECK = os.environ.get('TCPFSM_SUMMARY_CHECK', '1') != '0'

# The kernel's TCP_* numbers, which tcpfsm's states share (uapi/linux/tcpfsm.h).
KSTATE = {1: 'ESTABLISHED', 2: 'SYN-SENT', 3: 'SYN-RECEIVED', 4: 'FIN-WAIT-1',
          5: 'FIN-WAIT-2', 6: 'TIME-WAIT', 7: 'CLOSED', 8: 'CLOSE-WAIT',
          9: 'LAST-ACK', 10: 'LISTEN', 11: 'CLOSING', 12: 'SYN-RECEIVED'}

_libc = ctypes.CDLL(None, use_errno=True)
_home = os.open('/proc/self/ns/net', os.O_RDONLY)


class Fail(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def run(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns')


class netns:
    """with netns('a'): ... runs the block in namespace 'a' (None: the initial one)."""

    def __init__(self, name):
        self.name = name
        self.back = None

    def __enter__(self):
        self.back = os.open('/proc/self/ns/net', os.O_RDONLY)
        fd = os.open('/run/netns/' + self.name, os.O_RDONLY) if self.name else _home
        try:
            _setns(fd)
        finally:
            if fd != _home:
                os.close(fd)
        return self

    def __exit__(self, *exc):
        _setns(self.back)
        os.close(self.back)


@contextlib.contextmanager
def _in_ns(ns):
    """Popen arguments that start the child in namespace ns: one setns(2)
    between fork and exec, where `ip netns exec` would cost a second process
    and a mount namespace, both slow under emulation."""
    fd = os.open('/run/netns/' + ns, os.O_RDONLY | os.O_CLOEXEC)
    try:
        yield {'pass_fds': (fd,), 'preexec_fn': lambda: _setns(fd)}
    finally:
        os.close(fd)


def ns_run(ns, *args, check=True, stdin=None):
    with _in_ns(ns) as kw:
        return subprocess.run(args, check=check, capture_output=True, text=True,
                              input=stdin, **kw)


def ip_batch(ns, *cmds):
    """ip(8) commands (`addr add ...`, one per argument) run in namespace ns
    by one `ip -batch` process: a process start costs about half a second on
    the debug kernel.  Stops at the first command that fails, and raises."""
    p = ns_run(ns, IP, '-batch', '-', check=False, stdin=''.join(c + '\n' for c in cmds))
    if p.returncode:
        raise Fail('ip -batch in %s: %s' % (ns, (p.stderr or p.stdout).strip()))


SIOCGIFFLAGS, SIOCSIFFLAGS = 0x8913, 0x8914
IFF_UP, IFF_RUNNING = 0x1, 0x40


def if_flags(ns, dev, add=0):
    """The interface flags of dev in namespace ns (struct ifreq's short
    ifr_flags), after setting the bits in add: `ip link` without a process.
    IFF_RUNNING is the operational state `ip link` shows as "state UP"."""
    with netns(ns), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack('16sH14x', dev.encode(), 0)
        flags = struct.unpack('16sH14x', fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
        if add & ~flags:
            flags |= add
            fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack('16sH14x', dev.encode(), flags))
        return flags


def sysctl(ns, name, value):
    """Set a sysctl of namespace ns (net sysctls belong to the opener's)."""
    with netns(ns), open('/proc/sys/' + name.replace('.', '/'), 'w') as f:
        f.write(str(value))


def wait_for(what, cond, deadline=DEADLINE):
    """Poll cond() until it returns a true value; fail after the deadline.
    The pause between polls grows from 20 ms to half a second: most
    conditions hold at once, and a long wait (a timeout to run out) must not
    take the emulated CPU from the kernel work it waits for."""
    end = time.monotonic() + deadline
    last = None
    pause = 0.02
    while True:
        try:
            got = cond()
            if got:
                return got
        except Fail as e:
            last = e
        if time.monotonic() > end:
            raise Fail('timed out after %.0fs waiting for %s%s' %
                       (deadline, what, ': %s' % last if last else ''))
        time.sleep(pause)
        pause = min(pause * 1.5, 0.5)


# ---- topology -------------------------------------------------------------

# Event streams, by namespace, for the namespaces a Topology(watch=True) made.
WATCHERS = {}


class Watcher:
    """`tcpfsm watch --json` in one namespace, started before any traffic:
    the event stream a monitoring daemon would see there."""

    def __init__(self, ns, tmpdir):
        if not os.access(TCPFSM, os.X_OK):
            raise Fail('no tcpfsm command at %s (make -C tools)' % TCPFSM)
        self.ns = ns
        self.out = os.path.join(tmpdir, 'events.%s' % ns)
        self.err = os.path.join(tmpdir, 'events.%s.err' % ns)
        with _in_ns(ns) as kw, open(self.out, 'w') as o, open(self.err, 'w') as e:
            self.proc = subprocess.Popen([TCPFSM, 'watch', '--json'], stdout=o, stderr=e, **kw)
        wait_for('tcpfsm watch in %s' % ns,
                 lambda: any(e.get('event') == 'ready' for e in self.events()))

    def events(self):
        with open(self.out) as f:
            text = f.read()
        # The last line may still be half written.
        return [json.loads(line) for line in text.split('\n')[:-1]]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        with open(self.err) as f:
            err = f.read()
        if err:
            raise Fail('tcpfsm watch in %s wrote to stderr: %s' % (self.ns, err.strip()))


def _ep_json(addr, port):
    return '[%s]:%d' % (addr, port) if ':' in addr else '%s:%d' % (addr, port)


def replay(ns, client, server):
    """The states of client -> server as ns's event stream tells them:
    (client state, server state), or None when it has no live flow.  Fails
    when an event does not follow from the ones before it (a change whose old
    state is not the endpoint's current one, a gap in the sequence numbers
    of the watcher's subscription, which numbers all its events in one
    sequence): the stream must tell every transition, in order."""
    st, last_seq = None, None
    for e in WATCHERS[ns].events():
        kind = e.get('event')
        if 'seq' in e:
            if last_seq is not None and e['seq'] != last_seq + 1:
                raise Fail('events in %s: %s seq %d after %d' % (ns, kind, e['seq'], last_seq))
            last_seq = e['seq']
        if kind not in ('new', 'change', 'destroy'):
            continue
        f = e['flow']
        if (_ep_json(f['client'], f['client_port']), _ep_json(f['server'], f['server_port'])) != \
                (client, server):
            continue
        if kind == 'new':
            st = [f['client_state'], f['server_state']]
        elif kind == 'destroy':
            st = None
        else:
            i = 0 if e['endpoint'] == 'client' else 1
            if st is None or st[i] != e['old_state']:
                raise Fail('events in %s: %s %s -> %s, but it was %s' %
                           (ns, e['endpoint'], e['old_state'], e['new_state'],
                            st[i] if st else 'not tracked'))
            st[i] = e['new_state']
    return tuple(st) if st else None


class Topology:
    """Namespaces joined by veth pairs; removed by cleanup().  With watch,
    every namespace also gets a Watcher, and Conn checks its events."""

    def __init__(self, watch=False):
        self.names = []
        self.tmp = None
        if watch:
            self.tmp = tempfile.mkdtemp(prefix='tcpfsm-events.')

    def ns(self, name, forward=False):
        run(IP, 'netns', 'add', name)
        self.names.append(name)
        if_flags(name, 'lo', add=IFF_UP)
        if forward:
            sysctl(name, 'net.ipv4.ip_forward', 1)
            sysctl(name, 'net.ipv6.conf.all.forwarding', 1)
        if self.tmp:
            WATCHERS[name] = Watcher(name, self.tmp)
        return name

    def link(self, a, b, net4, net6, ia=1, ib=2):
        """veth between a and b: a gets .ia, b gets .ib in net4 (x.y.z) and net6 (prefix)."""
        va, vb = 'v%s' % b, 'v%s' % a
        for ns, dev, i in ((a, va, ia), (b, vb, ib)):
            create = ['link add %s type veth peer name %s netns %s' % (va, vb, b)] if ns == a else []
            ip_batch(ns, *create,
                     'addr add %s.%d/24 dev %s' % (net4, i, dev),
                     'addr add %s::%d/64 dev %s nodad' % (net6, i, dev),
                     'link set %s up' % dev)
        wait_for('veth %s-%s up' % (a, b),
                 lambda: if_flags(a, va) & if_flags(b, vb) & IFF_RUNNING)

    def route(self, ns, dst4, via4, dst6, via6):
        ip_batch(ns, 'route add %s via %s' % (dst4, via4), 'route add %s via %s' % (dst6, via6))

    def stop_watchers(self):
        """Stop the event streams; fails if one reported lost events."""
        errors = []
        for name in self.names:
            w = WATCHERS.pop(name, None)
            if w:
                try:
                    w.stop()
                except Fail as e:
                    errors.append(str(e))
        if errors:
            raise Fail('; '.join(errors))

    def cleanup(self):
        try:
            self.stop_watchers()
        finally:
            for name in self.names:
                run(IP, 'netns', 'del', name, check=False)
            self.names = []
            if self.tmp:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None


# ---- what tcpfsm shows ----------------------------------------------------

def ep(addr, port):
    """An endpoint as /proc/net/tcpfsm prints it (IPv6 compressed, RFC 5952)."""
    if ':' in addr:
        return '[%s]:%d' % (socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, addr)), port)
    return '%s:%d' % (addr, port)


def read_ns(ns, path):
    with netns(ns):
        with open(path) as f:
            return f.read()


def flows(ns):
    """Rows of /proc/net/tcpfsm in ns, as dicts keyed by the header's names;
    the first five columns are also under proto/client/server/cstate/sstate."""
    lines = read_ns(ns, '/proc/net/tcpfsm').splitlines()
    head = lines[0].split()
    rows = []
    for line in lines[1:]:
        col = line.split()
        row = dict(zip(head, col))
        row.update(proto=col[0], client=col[1], server=col[2], cstate=col[3], sstate=col[4])
        rows.append(row)
    return rows


def flow(ns, client, server):
    """The row for client -> server, or None."""
    for row in flows(ns):
        if row['client'] == client and row['server'] == server:
            return row
    return None


def stats(ns):
    out = {}
    for line in read_ns(ns, '/proc/net/stat/tcpfsm').splitlines():
        k, v = line.split()
        out[k] = int(v)
    return out


def summary(ns, *args):
    """`tcpfsm summary --json` in ns (None: the initial namespace), parsed:
    one object, or with -A a list of them."""
    p = ns_run(ns, TCPFSM, 'summary', '--json', *args, check=False) if ns else \
        run(TCPFSM, 'summary', '--json', *args, check=False)
    if p.returncode:
        raise Fail('tcpfsm summary %s in %s: status %d: %s' %
                   (' '.join(args), ns, p.returncode, p.stderr.strip()))
    return json.loads(p.stdout)


def _stuck_letters(row):
    """The stuck endpoints of a /proc row: ('c' client, 's' server)."""
    fl = row.get('flags', '-')
    return [e for e, letter in ((0, 'c'), (1, 's')) if letter in fl]


def summary_mismatch(ns):
    """What ns's summary says that /proc/net/tcpfsm does not, or None: flows,
    flows by (client state, server state), endpoints and stuck endpoints by
    state; and the summary's own sums (its pairs add up to its flows, its
    endpoints to twice that).  Read one after the other, so only at a quiet
    point can they be equal."""
    rows = flows(ns)
    s = summary(ns)
    want_pairs, want_ends, want_stuck = {}, {}, {}
    for r in rows:
        key = (r['cstate'], r['sstate'])
        want_pairs[key] = want_pairs.get(key, 0) + 1
        for st in key:
            want_ends[st] = want_ends.get(st, 0) + 1
        for e in _stuck_letters(r):
            want_stuck[key[e]] = want_stuck.get(key[e], 0) + 1
    got_pairs = {(p['client'], p['server']): p['flows'] for p in s['pairs']}
    got_ends = {k: v for k, v in s['endpoints'].items() if v}
    got_stuck = {k: v for k, v in s['stuck'].items() if v}
    bad = []
    if s['flows'] != len(rows):
        bad.append('flows %d, /proc lists %d' % (s['flows'], len(rows)))
    if sum(got_pairs.values()) != s['flows']:
        bad.append('pairs add up to %d, not flows %d' % (sum(got_pairs.values()), s['flows']))
    if sum(got_ends.values()) != 2 * s['flows']:
        bad.append('endpoints add up to %d, not twice %d' % (sum(got_ends.values()), s['flows']))
    for what, got, want in (('pairs', got_pairs, want_pairs), ('endpoints', got_ends, want_ends),
                            ('stuck', got_stuck, want_stuck)):
        if got != want:
            bad.append('%s %s, /proc %s' % (what, got, want))
    return '; '.join(bad) or None


def expect_summary(ns, what=''):
    """Wait until ns's summary equals what /proc/net/tcpfsm lists there."""
    seen = []

    def ok():
        seen[:] = [summary_mismatch(ns)]
        return seen[0] is None
    try:
        wait_for('summary of %s equal to /proc (%s)' % (ns, what), ok)
    except Fail as e:
        raise Fail('%s: %s' % (e, seen[0] if seen else '?'))


# ---- what the kernel shows ------------------------------------------------

def _hexaddr(h):
    raw = bytes.fromhex(h)
    words = b''.join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, words)
    return socket.inet_ntop(socket.AF_INET6, words)


def ksockets(ns):
    """{(local ep, remote ep): state name} from /proc/net/tcp and tcp6 in ns."""
    out = {}
    for path in ('/proc/net/tcp', '/proc/net/tcp6'):
        for line in read_ns(ns, path).splitlines()[1:]:
            col = line.split()
            (la, lp), (ra, rp) = (c.split(':') for c in col[1:3])
            key = (ep(_hexaddr(la), int(lp, 16)), ep(_hexaddr(ra), int(rp, 16)))
            out[key] = KSTATE[int(col[3], 16)]
    return out


def kstate(ns, local, remote):
    """The kernel's state of the socket local -> remote: a listener on the local
    port counts as LISTEN, no socket at all as CLOSED."""
    socks = ksockets(ns)
    if (local, remote) in socks:
        return socks[(local, remote)]
    port = local.rsplit(':', 1)[1]
    for (l, r), st in socks.items():
        if st == 'LISTEN' and l.rsplit(':', 1)[1] == port and r.endswith(':0'):
            return 'LISTEN'
    return 'CLOSED'


class Conn:
    """One connection as the tests see it: which namespaces watch it and where
    its endpoints live (None when an endpoint is not a local socket)."""

    def __init__(self, client, server, views, cns=None, sns=None):
        self.client, self.server = client, server
        self.views, self.cns, self.sns = views, cns, sns

    def seen(self):
        got = {}
        for ns in self.views:
            row = flow(ns, self.client, self.server)
            got[ns] = (row['cstate'], row['sstate']) if row else None
        if self.cns:
            got['kernel client'] = kstate(self.cns, self.client, self.server)
        if self.sns:
            got['kernel server'] = kstate(self.sns, self.server, self.client)
        for ns in self.views:
            if ns in WATCHERS:
                got['events ' + ns] = replay(ns, self.client, self.server)
        return got

    def expect(self, cstate, sstate, what=''):
        """Wait until every view shows (cstate, sstate) and every local socket's
        kernel state equals tcpfsm's state for it: the truth test."""
        want = {ns: (cstate, sstate) for ns in self.views}
        if self.cns:
            want['kernel client'] = cstate
        if self.sns:
            want['kernel server'] = sstate
        for ns in self.views:
            if ns in WATCHERS:
                want['events ' + ns] = (cstate, sstate)
        seen = {}

        def ok():
            seen.update(self.seen())
            return seen == want
        try:
            wait_for('%s %s -> %s' % (what, self.client, self.server), ok)
        except Fail as e:
            raise Fail('%s\n  want %s\n  seen %s' % (e, want, seen))
        # A quiet point: the summary must tell what /proc lists.
        if SUMMARY_CHECK:
            for ns in self.views:
                expect_summary(ns, what)
        log('ok   %-28s client %-12s server %-12s (%s%s)' %
            (what, cstate, sstate, ', '.join(v or 'initial' for v in self.views),
             ' + events' if any(ns in WATCHERS for ns in self.views) else ''))

    def expect_gone(self, what='gone'):
        wait_for('%s: %s -> %s' % (what, self.client, self.server),
                 lambda: all(flow(ns, self.client, self.server) is None and
                             (ns not in WATCHERS or replay(ns, self.client, self.server) is None)
                             for ns in self.views))
        log('ok   %-28s' % what)

    def row(self, ns):
        return flow(ns, self.client, self.server)


# ---- raw netlink ------------------------------------------------------------

def nl_attrs(data, off=0):
    """The attributes of DATA from OFF on, by type (flags masked off)."""
    out = {}
    while off + 4 <= len(data):
        ln, typ = struct.unpack_from('HH', data, off)
        if ln < 4:
            break
        out[typ & 0x3fff] = data[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


# ---- sockets ----------------------------------------------------------------

def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def listener(ns, addr, port):
    with netns(ns):
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(1024)
    return s


def connect(ns, src, dst, sport, dport, block=True):
    with netns(ns):
        s = socket.socket(family(dst), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src, sport))
        if block:
            s.settimeout(DEADLINE)
            s.connect((dst, dport))
        else:
            s.setblocking(False)
            s.connect_ex((dst, dport))
    return s


def accept(lst):
    lst.settimeout(DEADLINE)
    s, _ = lst.accept()
    return s


def read_eof(s):
    """Read until the peer's FIN."""
    s.settimeout(DEADLINE)
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def abort(s):
    """close() with SO_LINGER 0: the kernel sends a RST."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()


def short_conns(client_ns, server_ns, server, port, n):
    """N connections from CLIENT_NS to SERVER:PORT, one at a time, each
    sending a byte and closing after the server's answer (its close); the
    server is a thread of this process, its socket made in SERVER_NS (one
    process: a python start costs seconds on the debug kernel)."""
    s = listener(server_ns, '::' if ':' in server else '0.0.0.0', port)

    def serve():
        while True:
            c, _ = s.accept()
            c.recv(16)
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    with netns(client_ns):
        for _ in range(n):
            c = socket.create_connection((server, port), timeout=max(DEADLINE, 60))
            c.sendall(b'x')
            c.recv(16)
            c.close()


# ---- crafted segments -----------------------------------------------------

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20


def _csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def segment(src, dst, sport, dport, flags, seq, ack=0, payload=b'', win=65535, wscale=None):
    """A whole IPv4 or IPv6 packet carrying one TCP segment."""
    opts = b''
    if wscale is not None:
        opts = struct.pack('!BBBB', 1, 3, 3, wscale)
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      (5 + len(opts) // 4) << 4, flags, win, 0, 0) + opts + payload
    fam = family(src)
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    if fam == socket.AF_INET:
        pseudo = s + d + struct.pack('!BBH', 0, 6, len(tcp))
    else:
        pseudo = s + d + struct.pack('!IxxxB', len(tcp), 6)
    tcp = tcp[:16] + struct.pack('!H', _csum(pseudo + tcp)) + tcp[18:]
    if fam == socket.AF_INET:
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, s, d)
        ip = ip[:10] + struct.pack('!H', _csum(ip)) + ip[12:]
    else:
        ip = struct.pack('!IHBB16s16s', 6 << 28, len(tcp), 6, 64, s, d)
    return ip + tcp


class Crafter:
    """Sends hand-made segments from namespace ns.  Both addresses are foreign
    to ns and routed out, so ns's LOCAL_OUT hook sees every segment once and no
    local stack answers them."""

    def __init__(self, ns):
        with netns(ns):
            self.s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            self.s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)

    def send(self, src, dst, sport, dport, flags, seq, ack=0, payload=b'', **kw):
        pkt = segment(src, dst, sport, dport, flags, seq, ack, payload, **kw)
        if family(dst) == socket.AF_INET:
            self.s4.sendto(pkt, (dst, 0))
        else:
            self.s6.sendto(pkt, (dst, 0))


def main(scenario, watch=False):
    """Run scenario(topology) and report; exit status is the verdict.  With
    watch, every expectation also holds for each namespace's event stream."""
    topo = Topology(watch)
    try:
        scenario(topo)
        topo.stop_watchers()
    except Fail as e:
        log('FAIL %s' % e)
        sys.exit(1)
    finally:
        topo.cleanup()
    log('PASS')


def tcp_info_segs(s):
    """(segments sent, segments received) of a socket, from TCP_INFO
    (tcpi_segs_out and tcpi_segs_in, which count every segment, SYN and
    retransmissions included)."""
    info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
    return struct.unpack_from('II', info, 136)


def expect_counts(conn, sock, views):
    """Every view counts each segment exactly once: its packet counters equal
    what the client socket itself sent and received."""
    def ok():
        out, inn = tcp_info_segs(sock)
        got = [(int(conn.row(ns)['c_pkts']), int(conn.row(ns)['s_pkts'])) for ns in views]
        if got != [(out, inn)] * len(views):
            raise Fail('client socket sent %d, received %d; views %s' % (out, inn, dict(zip(views, got))))
        return True
    wait_for('packet counters', ok)
    log('ok   %-28s %s' % ('counted once', ', '.join(views)))
