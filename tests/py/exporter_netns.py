# SPDX-License-Identifier: GPL-2.0
"""tcpfsm exporter --all-namespaces (tests/65-exporter-netns.sh).

exporter_netns.py TCPFSM

Namespaces a and b (tests/lib.sh's netns_pair, already made) hold N
connections from a to b.  One exporter with -A in the initial namespace
shows every namespace's series with its netns and netns_ino labels, each
equal to what that namespace's own /proc says; an exporter without -A in
a shows a's alone; -A from a, or as nobody, is refused at start.
"""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

from tcpfsm import Fail, flows, log, netns, stats, wait_for

TCPFSM = sys.argv[1]
N = 5
PORT = 6565
NS2_V4 = os.environ['NS2_V4']


def start(ns, *args):
    """An exporter in namespace ns (None: the initial one), and its URL."""
    port = 9476 + len(PROCS)
    cmd = [TCPFSM, 'exporter', '--listen', '127.0.0.1:%d' % port] + list(args)
    if ns:
        cmd = ['nsenter', '--net=/run/netns/' + ns, '--'] + cmd
    PROCS.append(subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True))
    url = 'http://127.0.0.1:%d/metrics' % port
    wait_for('exporter in %s' % (ns or 'the initial namespace'), lambda: scrape(ns, url))
    return url


def scrape(ns, url):
    try:
        with netns(ns):
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.read().decode()
    except OSError as e:
        raise Fail(str(e))


SAMPLE = re.compile(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-z_]+)="((?:[^"\\]|\\.)*)"')


def samples(text):
    """[(name, {label: value}, value)] of an exposition."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise Fail('not a sample: %r' % line)
        out.append((m.group(1), dict(LABEL.findall(m.group(2) or '')), float(m.group(3))))
    return out


def value(ss, name, **labels):
    got = [v for n, l, v in ss if n == name and all(l.get(k) == w for k, w in labels.items())]
    if len(got) != 1:
        raise Fail('%s%s: %d samples' % (name, labels, len(got)))
    return got[0]


def ino(path):
    return str(os.stat(path).st_ino)


def est(ns):
    return sum(1 for r in flows(ns) if r['cstate'] == r['sstate'] == 'ESTABLISHED')


def refused(ns, user, what):
    cmd = [TCPFSM, 'exporter', '-A', '--listen', '127.0.0.1:9499']
    if user:
        cmd = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
               '--inh-caps=-all', '--bounding-set=-all'] + cmd
    if ns:
        cmd = ['nsenter', '--net=/run/netns/' + ns, '--'] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if p.returncode != 4 or '--all-namespaces' not in p.stderr:
        raise Fail('%s: status %d, stderr %r (want 4 and a message)' % (what, p.returncode, p.stderr))
    log('ok   -A %s: exit 4: %s' % (what, p.stderr.strip()))


PROCS = []


def main():
    with netns('b'):
        lst = socket.socket()
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind((NS2_V4, PORT))
        lst.listen(16)
    with netns('a'):
        clients = [socket.create_connection((NS2_V4, PORT), timeout=30) for _ in range(N)]
    servers = [lst.accept()[0] for _ in range(N)]
    wait_for('held connections in a and b', lambda: est('a') == N and est('b') == N)

    url = start(None, '-A')
    want = {'a': ino('/run/netns/a'), 'b': ino('/run/netns/b'), None: ino('/proc/self/ns/net')}

    # Every namespace's series carry its labels, and say what its /proc says.
    def same():
        ss = samples(scrape(None, url))
        for ns in ('a', 'b'):
            got = value(ss, 'tcpfsm_flows', netns=ns, netns_ino=want[ns],
                        client_state='ESTABLISHED', server_state='ESTABLISHED')
            if got != N:
                raise Fail('%s: %s ESTABLISHED flows, want %d' % (ns, got, N))
            got = value(ss, 'tcpfsm_flows_in_table', netns=ns, netns_ino=want[ns])
            if got != stats(ns)['flows']:
                raise Fail('%s: %s flows in table, /proc says %d' % (ns, got, stats(ns)['flows']))
            got = value(ss, 'tcpfsm_endpoints', netns=ns, state='ESTABLISHED')
            if got != 2 * N:
                raise Fail('%s: %s ESTABLISHED endpoints' % (ns, got))
        # The initial namespace is there too, labelled by its inode.
        inits = {l['netns'] for n, l, v in ss if n == 'tcpfsm_segments_total' and
                 l['netns_ino'] == want[None]}
        if len(inits) != 1:
            raise Fail('initial namespace: %s' % inits)
        # Global series carry no netns label; there is one tcpfsm_up.
        for name in ('tcpfsm_up', 'tcpfsm_max_flows', 'tcpfsm_host_flows_in_table'):
            value(ss, name)
            if any('netns' in l for n, l, v in ss if n == name):
                raise Fail('%s has a netns label' % name)
        if value(ss, 'tcpfsm_up') != 1:
            raise Fail('tcpfsm_up is not 1')
        # The quota: of our own namespace only.
        q = [l for n, l, v in ss if n == 'tcpfsm_netns_max_flows']
        if len(q) != 1 or q[0].get('netns_ino') != want[None]:
            raise Fail('tcpfsm_netns_max_flows: %s' % q)
        return ss
    ss = wait_for('-A exposition = each namespace\'s /proc', same)
    init_label = [l['netns'] for n, l, v in ss
                  if n == 'tcpfsm_segments_total' and l['netns_ino'] == want[None]][0]
    log('ok   -A: a, b and the initial namespace (netns="%s"), each as its /proc says; '
        'global series unlabelled' % init_label)
    lint = subprocess.run(['promtool', 'check', 'metrics'], input=scrape(None, url),
                          capture_output=True, text=True)
    if lint.returncode or lint.stdout.strip() or lint.stderr.strip():
        raise Fail('promtool check metrics (-A): %s %s' % (lint.stdout, lint.stderr))
    log('ok   -A: promtool check metrics clean')

    # A namespace that goes: its series go with it.
    subprocess.run(['ip', 'netns', 'add', 'c'], check=True)
    wait_for('namespace c in -A', lambda: 'netns="c"' in scrape(None, url))
    subprocess.run(['ip', 'netns', 'del', 'c'], check=True)
    wait_for('namespace c gone from -A', lambda: 'netns="c"' not in scrape(None, url), deadline=60)
    log('ok   -A: a new namespace appears with its name, and goes when it is deleted')

    # Without -A, in a: a's series alone, without labels.
    url_a = start('a')

    def only_a():
        ss = samples(scrape('a', url_a))
        if any('netns' in l for n, l, v in ss):
            raise Fail('netns labels without -A')
        got = value(ss, 'tcpfsm_flows_in_table')
        if got != stats('a')['flows']:
            raise Fail('a: %s flows in table, /proc says %d' % (got, stats('a')['flows']))
        return True
    wait_for('exporter in a = a\'s /proc', only_a)
    log('ok   without -A, in a: a\'s series alone, as a\'s /proc says')

    refused('a', False, 'from namespace a')
    refused(None, True, 'as nobody')
    for s in clients + servers:
        s.close()
    lst.close()


try:
    main()
except Fail as e:
    log('FAIL %s' % e)
    sys.exit(1)
finally:
    for p in PROCS:
        p.terminate()
        p.wait(30)
log('PASS')
