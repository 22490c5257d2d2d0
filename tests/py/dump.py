#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpfsm list --json (a netlink dump) against the truth.

usage: dump.py filters TCPFSM    every filter of the CLI, on a known set of
                                 flows, equals the full dump filtered here
                                 by the same rule; the full dump equals
                                 /proc/net/tcpfsm
       dump.py big TCPFSM COUNT DUMPS
                                 COUNT steady connections stay in every one
                                 of DUMPS full dumps exactly once, with their
                                 states, while short connections churn
Needs the module loaded with long timeouts (the flows of "filters" must not
expire while it runs) and max_flows above COUNT plus the churn.
"""
import ipaddress
import json
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import time

from tcpfsm import (Conn, Fail, accept, connect, ep, flows, ip_batch, listener, log,
                    main, netns, stats, sysctl, wait_for)

MODE, TCPFSM = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
STATES = ['LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1',
          'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT', 'CLOSED']
ES, F2, CW, LA, TW, CL = ('ESTABLISHED', 'FIN-WAIT-2', 'CLOSE-WAIT', 'LAST-ACK',
                          'TIME-WAIT', 'CLOSED')


def cli(ns, *args, expect_rc=0):
    """Run the CLI in ns; returns (stdout, stderr, seconds)."""
    t0 = time.monotonic()
    with netns(ns):
        p = subprocess.run([TCPFSM] + list(args), capture_output=True, text=True)
    dt = time.monotonic() - t0
    if p.returncode != expect_rc:
        raise Fail('tcpfsm %s: status %d (want %d), stderr %r' %
                   (' '.join(args), p.returncode, expect_rc, p.stderr))
    return p.stdout, p.stderr, dt


def key(f):
    """A flow's tuple, addresses normalised."""
    return (f['family'], str(ipaddress.ip_address(f['client'])), f['client_port'],
            str(ipaddress.ip_address(f['server'])), f['server_port'])


def dump(ns, *args):
    out, err, dt = cli(ns, 'list', '--json', *args)
    return json.loads(out), err, dt


def as_map(fl, what, may_repeat=lambda k: False):
    """{tuple: (client_state, server_state)}; a tuple twice is a failure
    unless may_repeat(tuple)."""
    m = {}
    for f in fl:
        k = key(f)
        if k in m and not may_repeat(k):
            raise Fail('%s: flow %s listed twice' % (what, k))
        m[k] = (f['client_state'], f['server_state'])
    return m


def churned(k):
    return k[4] == 7100


def proc_map(ns, may_repeat=lambda k: False):
    m = {}
    for r in flows(ns):
        fam = 'ipv4' if r['proto'] == 'tcp' else 'ipv6'
        (ca, cp), (sa, sp) = (e.rsplit(':', 1) for e in (r['client'], r['server']))
        k = (fam, str(ipaddress.ip_address(ca.strip('[]'))), int(cp),
             str(ipaddress.ip_address(sa.strip('[]'))), int(sp))
        if k in m and not may_repeat(k):
            raise Fail('/proc/net/tcpfsm: flow %s twice' % (k,))
        m[k] = (r['cstate'], r['sstate'])
    return m


# ---- 1: filters -------------------------------------------------------------

V6 = ['fd51::1', 'fd51::2', 'fd51:8000::7']
# client addr, server addr, client port, server port, what happens to it
FLOWS = [
    ('127.0.0.1', '127.0.0.2', 41001, 5001, 'est'),
    ('127.1.2.3', '127.0.0.1', 41002, 5001, 'est'),
    ('127.128.0.5', '127.1.2.3', 41003, 5003, 'half'),
    ('127.0.0.2', '127.128.0.5', 41004, 5004, 'tw'),
    ('127.0.0.1', '127.0.0.1', 41005, 5005, 'stw'),
    ('127.0.0.2', '127.0.0.1', 41006, 5006, 'rhalf'),
    ('::1', '::1', 41011, 5001, 'est'),
    ('fd51::1', 'fd51::2', 41001, 5012, 'est'),
    ('fd51:8000::7', 'fd51::1', 41013, 5013, 'half'),
    ('fd51::2', 'fd51:8000::7', 41014, 5014, 'tw'),
    ('::1', 'fd51::1', 41015, 5015, 'stw'),
    ('fd51::1', '::1', 41016, 5016, 'rhalf'),
]
WANT = {'est': (ES, ES), 'half': (F2, CW), 'tw': (TW, CL), 'stw': (CL, TW), 'rhalf': (CW, F2)}


def make_flows(ns):
    keep = []
    for caddr, saddr, cport, sport, kind in FLOWS:
        lst = listener(ns, saddr, sport)
        cl = connect(ns, caddr, saddr, cport, sport)
        sv = accept(lst)
        lst.close()
        conn = Conn(ep(caddr, cport), ep(saddr, sport), [ns], ns, ns)
        conn.expect(ES, ES, 'established')
        cl.sendall(b'x' * 100)
        assert len(sv.recv(100, socket.MSG_WAITALL)) == 100
        if kind == 'half':
            cl.shutdown(socket.SHUT_WR)
        elif kind == 'rhalf':
            sv.shutdown(socket.SHUT_WR)
        elif kind == 'tw':
            cl.close()
            conn.expect(F2, CW, 'client closed')
            sv.close()
        elif kind == 'stw':
            sv.close()
            conn.expect(CW, F2, 'server closed')
            cl.close()
        conn.expect(*WANT[kind], what=kind)
        keep += [cl, sv]
    return keep


def prefix_rule(side, prefix):
    net = ipaddress.ip_network(prefix, strict=False)
    addr = 1 if side == 'src' else 3

    def rule(k, st):
        a = ipaddress.ip_address(k[addr])
        return a.version == net.version and a in net
    return rule


def filters():
    """(CLI arguments, the same rule on (tuple, (client state, server state)))."""
    out = []
    for s in STATES:
        out.append((['--state', s], lambda k, st, s=s: s in st))
        out.append((['--client-state', s], lambda k, st, s=s: st[0] == s))
        out.append((['--server-state', s], lambda k, st, s=s: st[1] == s))
    out.append((['--state', 'established,time_wait'], lambda k, st: bool({ES, TW} & set(st))))
    out.append((['--state', 'close-wait,Fin_Wait_2'], lambda k, st: bool({CW, F2} & set(st))))
    out.append((['--client-state', 'CLOSED,CLOSE-WAIT'], lambda k, st: st[0] in (CL, CW)))
    out.append((['--client-state', 'FIN-WAIT-2', '--server-state', 'CLOSE-WAIT'],
                lambda k, st: st == (F2, CW)))
    out.append((['--state', 'TIME-WAIT', '--server-state', 'CLOSED'], lambda k, st: st == (TW, CL)))
    for p in sorted({f[2] for f in FLOWS}) + [41999, 0]:
        out.append((['--sport', str(p)], lambda k, st, p=p: k[2] == p))
    for p in sorted({f[3] for f in FLOWS}) + [5999, 0]:
        out.append((['--dport', str(p)], lambda k, st, p=p: k[4] == p))
    out.append((['--sport', '41001', '--dport', '5001'], lambda k, st: k[2] == 41001 and k[4] == 5001))
    prefixes = sorted({f[0] for f in FLOWS} | {f[1] for f in FLOWS}) + [
        '127.0.0.0/24', '127.0.0.0/16', '127.0.0.0/9', '127.128.0.0/9', '127.0.0.0/8',
        '127.0.0.2/31', '0.0.0.0/0', '10.0.0.0/8', 'fd51::/64', 'fd51::/17', 'fd51:8000::/17',
        'fd51::/16', 'fd51::2/127', '::/0', '::/127', '2001:db8::/32']
    for side in ('src', 'dst'):
        for p in prefixes:
            out.append((['--' + side, p], prefix_rule(side, p)))
    out.append((['-4'], lambda k, st: k[0] == 'ipv4'))
    out.append((['-6'], lambda k, st: k[0] == 'ipv6'))
    out.append((['-4', '--state', 'ESTABLISHED'], lambda k, st: k[0] == 'ipv4' and ES in st))
    out.append((['-6', '--dport', '5001'], lambda k, st: k[0] == 'ipv6' and k[4] == 5001))
    out.append((['-4', '--src', '127.0.0.0/8', '--dst', '127.0.0.1'],
                lambda k, st: k[0] == 'ipv4' and k[3] == '127.0.0.1'))
    out.append((['-6', '--src', 'fd51::/16', '--client-state', 'ESTABLISHED,FIN-WAIT-2,TIME-WAIT'],
                lambda k, st: k[0] == 'ipv6' and k[1].startswith('fd51:') and st[0] in (ES, F2, TW)))
    return out


def filter_kind(args):
    """The options of a filter and, for an address, its family and whether
    it is a prefix: what picks a different path in the kernel's filter."""
    def kind(a):
        if a.startswith('-'):
            return a
        if '.' in a or ':' in a:
            return ('6' if ':' in a else '4') + ('/' if '/' in a else '')
        return ''  # a state or a port
    return tuple(kind(a) for a in args)


def filters_here(full):
    """All filters on the stock kernels.  On the debug kernel, where each CLI
    run costs several times more, each kind of filter runs once, with a value
    that matches some of the flows: there the point is the kernel's dump and
    filter paths under KASAN and lockdep, which another value of the same
    kind does not change; the filter semantics are proven on the stock
    kernels."""
    if os.environ.get('TCPFSM_DEBUG_KERNEL') != '1':
        return filters()
    out, kinds = [], set()
    for args, rule in filters():
        kind = filter_kind(args)
        if kind not in kinds and any(rule(k, st) for k, st in full.items()):
            out.append((args, rule))
            kinds.add(kind)
    return out


def scenario_filters(topo):
    ns = topo.ns('dump')
    ip_batch(ns, *('addr add %s/128 dev lo nodad' % a for a in V6))
    t0 = time.monotonic()
    keep = make_flows(ns)
    log('ok   %d flows made (%.1fs)' % (len(FLOWS), time.monotonic() - t0))
    want = {}
    for caddr, saddr, cport, sport, kind in FLOWS:
        fam = 'ipv6' if ':' in caddr else 'ipv4'
        want[(fam, str(ipaddress.ip_address(caddr)), cport,
              str(ipaddress.ip_address(saddr)), sport)] = WANT[kind]

    full_list, err, _ = dump(ns)
    full = as_map(full_list, 'list --json')
    if err:
        raise Fail('list --json wrote to stderr: %r' % err)
    if full != want:
        raise Fail('full dump is not the flows made:\n  dump %s\n  want %s' % (full, want))
    proc = proc_map(ns)
    if proc != full:
        raise Fail('/proc/net/tcpfsm differs from list --json:\n  proc %s\n  list %s' % (proc, full))
    log('ok   full dump = the %d flows made = /proc/net/tcpfsm' % len(full))

    t0 = time.monotonic()
    n = 0
    bad = []
    for args, rule in filters_here(full):
        got, err, _ = dump(ns, *args)
        got = as_map(got, 'list --json ' + ' '.join(args))
        exp = {k: st for k, st in full.items() if rule(k, st)}
        if err:
            bad.append('%s: stderr %r' % (' '.join(args), err))
        if got != exp:
            bad.append('%s:\n    missing %s\n    extra   %s' %
                       (' '.join(args), sorted(set(exp) - set(got)), sorted(set(got) - set(exp))))
        n += 1
    after = as_map(dump(ns)[0], 'list --json (after)')
    if after != full:
        raise Fail('the table changed while the filters ran: %s' % after)
    if bad:
        raise Fail('%d of %d filtered dumps wrong:\n  %s' % (len(bad), n, '\n  '.join(bad)))
    log('ok   %d filtered dumps equal the full dump filtered by the same rule (%.1fs)' %
        (n, time.monotonic() - t0))

    # Filters the CLI must refuse before asking the kernel.
    for args in (['-6', '--src', '127.0.0.1'], ['-4', '--dst', '::1/64'],
                 ['--state', ''], ['--sport', '65536'], ['--dst', '::1/129'],
                 ['--src', '127.0.0.1/33']):
        _, err, _ = cli(ns, 'list', '--json', *args, expect_rc=2)
        lines = err.splitlines()
        if len(lines) != 1 or not lines[0].startswith('tcpfsm: bad filter'):
            raise Fail('list %s: want one "tcpfsm: bad filter" line, got %r' % (' '.join(args), err))
    log('ok   contradictory and malformed filters refused with one line')
    for s in keep:
        s.close()


# ---- 2: 10,000 flows under churn --------------------------------------------

def open_all(ns, count):
    resource.setrlimit(resource.RLIMIT_NOFILE, (3 * count + 1000, 3 * count + 1000))
    with netns(ns):
        lst = socket.socket()
        lst.bind(('127.0.0.1', 7000))
        lst.listen(count)
        lst.setblocking(False)
        clients, servers = [], []
        sel = selectors.DefaultSelector()
        sel.register(lst, selectors.EVENT_READ)
        idle_since = time.monotonic()
        while len(servers) < count:
            while len(clients) < count and len(clients) - len(servers) < 256:
                c = socket.socket()
                c.setblocking(False)
                c.connect_ex(('127.0.0.1', 7000))
                clients.append(c)
            got = 0
            for _ in sel.select(timeout=5):
                try:
                    while True:
                        servers.append(lst.accept()[0])
                        got += 1
                except BlockingIOError:
                    pass
            if got:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > 120:
                raise Fail('accepted only %d of %d connections' % (len(servers), count))
        lst.close()
    return clients, servers


def check_steady(m, steady, what):
    """Every steady flow listed once (as_map made sure), ESTABLISHED both
    sides; anything else is churn on port 7100."""
    missing = steady - set(m)
    wrong = {k: m[k] for k in steady & set(m) if m[k] != (ES, ES)}
    other = {k for k in set(m) - steady if k[4] != 7100}
    if missing or wrong or other:
        raise Fail('%s: %d steady flows missing (%s), %d in wrong states (%s), '
                   '%d unknown flows (%s)' % (what, len(missing), sorted(missing)[:5],
                                              len(wrong), list(wrong.items())[:5],
                                              len(other), sorted(other)[:5]))
    return len(set(m) - steady)


def scenario_big(topo):
    count, ndumps = int(sys.argv[3]), int(sys.argv[4])
    ns = topo.ns('big')
    sysctl(ns, 'net.core.somaxconn', count)
    sysctl(ns, 'net.ipv4.ip_local_port_range', '20000 60000')
    sysctl(ns, 'net.ipv4.tcp_max_syn_backlog', count)
    # Churned flows end within a second or two here: destroys during dumps.
    cli(ns, 'config', 'timeout_time_wait=1', 'timeout_closed=1', 'timeout_last_ack=2')
    t0 = time.monotonic()
    clients, servers = open_all(ns, count)
    steady = set()
    for c in clients:
        (ca, cp), (sa, sp) = c.getsockname(), c.getpeername()
        steady.add(('ipv4', ca, cp, sa, sp))
    if len(steady) != count:
        raise Fail('%d distinct tuples for %d connections' % (len(steady), count))
    log('ok   %d connections open (%.1fs)' % (count, time.monotonic() - t0))
    t0 = time.monotonic()
    wait_for('%d steady flows ESTABLISHED' % count,
             lambda: sum(1 for f in flows(ns) if f['server'] == '127.0.0.1:7000'
                         and f['cstate'] == f['sstate'] == ES) == count, deadline=300)
    log('ok   all %d ESTABLISHED in /proc/net/tcpfsm (%.1fs)' % (count, time.monotonic() - t0))
    m, err, dt = dump(ns)
    check_steady(as_map(m, 'quiet dump'), steady, 'quiet dump')
    if err:
        raise Fail('quiet dump wrote to stderr: %r' % err)
    log('ok   quiet dump: %d flows, all steady ones once (%.1fs)' % (len(m), dt))

    with netns(ns):
        churn = subprocess.Popen(['/usr/bin/python3', os.path.join(HERE, 'churn.py')],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = stats(ns)
        wait_for('churn flows destroyed',
                 lambda: stats(ns)['closed'] + stats(ns)['expired'] >= base['closed'] + base['expired'] + 20
                 and churn.poll() is None, deadline=300)
        notes = 0
        for i in range(ndumps):
            s0 = stats(ns)
            m, err, dt = dump(ns)
            s1 = stats(ns)
            destroyed = s1['closed'] + s1['expired'] - s0['closed'] - s0['expired']
            mm = as_map(m, 'dump %d' % (i + 1), churned)
            churned_n = check_steady(mm, steady, 'dump %d' % (i + 1))
            repeats = len(m) - len(mm)
            if err:
                notes += 1
            log('ok   dump %d under churn: %d steady once each + %d churned (%d repeated), '
                '%d flows destroyed meanwhile (%.1fs)%s' % (i + 1, count, churned_n, repeats,
                                                            destroyed, dt,
                                                  ', stderr: ' + err.strip() if err else ''))
            if churn.poll() is not None:
                raise Fail('churn stopped: %s' % churn.stdout.read())
        m, err, dt = dump(ns, '--dport', '7000')
        mm = as_map(m, 'dump --dport 7000')
        if mm != {k: (ES, ES) for k in steady}:
            raise Fail('dump --dport 7000 under churn: %d flows, %d of the steady' %
                       (len(mm), len(set(mm) & steady)))
        log('ok   dump --dport 7000 under churn: exactly the %d steady flows (%.1fs)' % (count, dt))
        m, err, dt = dump(ns, '--dport', '7100')
        if any(f['server_port'] != 7100 for f in m):
            raise Fail('dump --dport 7100 lists other ports')
        log('ok   dump --dport 7100 under churn: %d churned flows only' % len(m))
        t0 = time.monotonic()
        check_steady(proc_map(ns, churned), steady, '/proc/net/tcpfsm under churn')
        log('ok   /proc/net/tcpfsm under churn: all steady once each (%.1fs)' % (time.monotonic() - t0))
    finally:
        churn.send_signal(signal.SIGTERM)
        try:
            out, _ = churn.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            churn.kill()
            out, _ = churn.communicate()
    if churn.returncode != 0:
        raise Fail('churn failed: %s' % out)
    log('ok   %s' % out.strip())
    for s in clients + servers:
        s.close()


main(scenario_filters if MODE == 'filters' else scenario_big)
