# SPDX-License-Identifier: GPL-2.0
"""tests/63-netns-isolation.sh: nobody sees another namespace but the host's
administrator.

usage: isolation.py host | refuse WHO | container DIR

host (root, the initial namespace): all-netns requests that are malformed
get EINVAL with their reason (a do; since-gen with all-netns) and the
administrator's dumps name every message's namespace; then `refuse` runs
as nobody, as root of a plain child namespace and, with the events check,
as root of a container (its own user and network namespace, unshare -Urn
by nobody): each asking for all-netns, by raw netlink (FLOW_GET,
STATS_GET, SUMMARY_GET dumps) and by `tcpfsm list -A` / `stats -A`, gets
EPERM and the kernel's message.  The container then listens to the plain
multicast groups while another namespace opens and closes connections:
once the other namespace's own watcher has seen all of its events, the
container makes one connection of its own and waits until its watcher
shows it; by then any event leaked from elsewhere would be in front of
it.  Its watcher, list and stats must show its own flow only.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile

import tcpfsm as T
from nlabuse import NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, Nl, attr

FLOW_GET, STATS_GET, SUMMARY_GET = 1, 2, 5
A_FLOW, A_SINCE, A_STATS = 2, 7, 9
A_ALL_NETNS, A_NETNS_COOKIE, A_NETNS_INO, A_SUMMARY = 12, 13, 14, 15
DUMP = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP
DO = NLM_F_REQUEST | NLM_F_ACK
HERE = os.path.dirname(os.path.abspath(__file__))
PY = '/usr/bin/python3'
NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
MSG = {
    'nobody': 'all-netns needs CAP_NET_ADMIN in the initial user namespace',
    'child': 'all-netns is only for the initial network namespace',
    'container': 'all-netns is only for the initial network namespace',
}
OTHER_PORT, OWN_PORT, CONNS = 6301, 6399, 5


def attrs_of(m):
    from nlabuse import walk_attrs
    return walk_attrs(m, 20, len(m))


def expect_error(r, err, text, what):
    if r.kind != 'error' or r.err != err:
        raise T.Fail('%s: %s errno %d, want errno %d' % (what, r.kind, r.err, err))
    if not r.msg or text not in r.msg:
        raise T.Fail('%s: extack %r, want %r' % (what, r.msg, text))


def refuse_raw(who):
    nl = Nl()
    for cmd, name in ((FLOW_GET, 'FLOW_GET'), (STATS_GET, 'STATS_GET'),
                      (SUMMARY_GET, 'SUMMARY_GET')):
        r = nl.request(cmd, attr(A_ALL_NETNS, b''), DUMP)
        expect_error(r, 1, MSG[who], '%s %s dump all-netns' % (who, name))
    # Without all-netns: its own namespace, named as its own.
    r = nl.request(STATS_GET, b'', DUMP)
    if r.kind != 'dump' or len(r.msgs) != 1:
        raise T.Fail('%s: STATS_GET dump: %s, %d messages' % (who, r.kind, len(r.msgs)))
    ino = os.stat('/proc/self/ns/net').st_ino
    got = int.from_bytes(attrs_of(r.msgs[0])[A_NETNS_INO], sys.byteorder)
    if got != ino:
        raise T.Fail('%s: STATS_GET dump names inode %d, its own is %d' % (who, got, ino))
    nl.close()


def refuse_cli(who):
    for cmd in ('list', 'stats'):
        p = subprocess.run([T.TCPFSM, cmd, '-A'], capture_output=True, text=True)
        if p.returncode != 4 or MSG[who] not in p.stderr or 'permission denied' not in p.stderr:
            raise T.Fail('%s: tcpfsm %s -A: exit %d, %r' % (who, cmd, p.returncode, p.stderr))
        if p.stdout:
            raise T.Fail('%s: tcpfsm %s -A printed %r' % (who, cmd, p.stdout))


def refuse(who):
    refuse_raw(who)
    refuse_cli(who)


def host_checks():
    nl = Nl()
    r = nl.request(STATS_GET, attr(A_ALL_NETNS, b''), DO)
    expect_error(r, 22, 'all-netns needs a dump', 'STATS_GET do all-netns')
    r = nl.request(FLOW_GET, attr(A_ALL_NETNS, b'') + attr(A_SINCE, (1).to_bytes(8, sys.byteorder)),
                   DUMP)
    expect_error(r, 22, 'since-gen', 'FLOW_GET dump since-gen with all-netns')
    for cmd, body in ((FLOW_GET, A_FLOW), (STATS_GET, A_STATS), (SUMMARY_GET, A_SUMMARY)):
        r = nl.request(cmd, attr(A_ALL_NETNS, b''), DUMP)
        if r.kind != 'dump':
            raise T.Fail('command %d all-netns dump as root: %s %d %r' % (cmd, r.kind, r.err, r.msg))
        n = 0
        for m in r.msgs:
            a = attrs_of(m)
            if body in a:
                n += 1
                if A_NETNS_COOKIE not in a or A_NETNS_INO not in a:
                    raise T.Fail('command %d: a message without its namespace' % cmd)
        if cmd != FLOW_GET and n < 2:
            raise T.Fail('command %d all-netns: %d namespaces' % (cmd, n))
    nl.close()


def watch_events(path):
    with open(path) as f:
        return [json.loads(line) for line in f.read().split('\n')[:-1]]


def container(d):
    """Root of its own user and network namespace."""
    refuse('container')
    sys.path.insert(0, HERE)
    import nsflows
    nsflows.lo_up()
    out = os.path.join(d, 'container.events')
    with open(out, 'w') as o, open(os.path.join(d, 'container.err'), 'w') as e:
        w = subprocess.Popen([T.TCPFSM, 'watch', '--json'], stdout=o, stderr=e)
    try:
        T.wait_for('the container\'s watch', lambda: any(
            ev.get('event') == 'ready' for ev in watch_events(out)))
        open(os.path.join(d, 'ready'), 'w').close()
        T.wait_for('the other namespace\'s traffic',
                   lambda: os.path.exists(os.path.join(d, 'go')), deadline=3 * T.DEADLINE)
        lst = socket.socket()
        lst.bind(('127.0.0.1', OWN_PORT))
        lst.listen(1)
        c = socket.create_connection(('127.0.0.1', OWN_PORT))
        a, _ = lst.accept()
        T.wait_for('its own flow in its watch', lambda: any(
            ev.get('event') == 'new' and ev['flow']['server_port'] == OWN_PORT
            for ev in watch_events(out)))
        evs = [ev for ev in watch_events(out) if 'flow' in ev]
        foreign = [ev for ev in evs if ev['flow']['server_port'] != OWN_PORT]
        if foreign:
            raise T.Fail('the container got %d events of another namespace: %r' %
                         (len(foreign), foreign[:3]))
        flows = json.loads(subprocess.run([T.TCPFSM, 'list', '--json'], capture_output=True,
                                          text=True, check=True).stdout)
        if [f['server_port'] for f in flows] != [OWN_PORT]:
            raise T.Fail('the container lists %r' % flows)
        st = json.loads(subprocess.run([T.TCPFSM, 'stats', '--json'], capture_output=True,
                                       text=True, check=True).stdout)
        if st['created'] != 1 or st['flows'] != 1:
            raise T.Fail('the container\'s stats count another\'s flows: %r' % st)
        a.close()
        c.close()
    finally:
        w.terminate()
        w.wait()
    print('container saw %d events, all its own' % len(evs))


def host():
    T.run(T.IP, 'netns', 'add', 'ns63c')
    host_checks()
    T.log('root: malformed all-netns requests refused with their reason; dumps name namespaces')
    subprocess.run(NOBODY + [PY, __file__, 'refuse', 'nobody'], check=True)
    T.ns_run('ns63c', PY, __file__, 'refuse', 'child')
    T.log('nobody and a child namespace\'s root: EPERM with the reason')
    # A container: its own user namespace, whose root it is, and its own
    # network namespace, made by nobody.  The VM runs us chrooted, and a
    # chrooted process may not make a user namespace: unchroot.py first
    # makes our root its mount namespace's, as a container runtime does.
    maker = [PY, os.path.join(HERE, 'unchroot.py')] + NOBODY
    if subprocess.run(maker + ['unshare', '-Urn', 'true'], capture_output=True).returncode:
        T.log('no user namespace for nobody here: the container part is skipped')
        return
    d = tempfile.mkdtemp()
    os.chmod(d, 0o777)
    T.run(T.IP, 'netns', 'add', 'ns63t')
    w = T.Watcher('ns63t', d)
    cont = subprocess.Popen(maker + ['unshare', '-Urn', PY, __file__, 'container', d],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        T.wait_for('the container ready', lambda: cont.poll() is not None or
                   os.path.exists(os.path.join(d, 'ready')))
        if cont.poll() is not None:
            raise T.Fail('container: %s' % cont.stdout.read())
        with T._in_ns('ns63t') as kw:
            p = subprocess.Popen([PY, os.path.join(HERE, 'nsflows.py'), str(OTHER_PORT),
                                  str(CONNS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True, **kw)
        if p.stdout.readline().strip() != 'ready':
            raise T.Fail('traffic in ns63t did not start')
        p.stdin.close()
        p.wait()

        def other_done():
            evs = [e for e in w.events() if 'flow' in e and e['flow']['server_port'] == OTHER_PORT]
            new = sum(e['event'] == 'new' for e in evs)
            closed = sum(e['event'] == 'change' and e.get('new_state') in ('CLOSED', 'TIME-WAIT')
                         for e in evs)
            return new == CONNS and closed >= CONNS and evs
        evs = T.wait_for('ns63t\'s own events', other_done)
        T.log('ns63t saw %d events of its %d connections' % (len(evs), CONNS))
        open(os.path.join(d, 'go'), 'w').close()
        out, _ = cont.communicate(timeout=4 * T.DEADLINE)
        sys.stdout.write(out)
        if cont.returncode:
            raise T.Fail('container check failed (exit %d)' % cont.returncode)
    finally:
        if cont.poll() is None:
            cont.kill()
            cont.wait()
        w.proc.terminate()
        w.proc.wait()


def main():
    role = sys.argv[1]
    if role == 'host':
        host()
    elif role == 'refuse':
        refuse(sys.argv[2])
    elif role == 'container':
        container(sys.argv[2])


if __name__ == '__main__':
    try:
        main()
    except T.Fail as e:
        print('FAIL: %s' % e, file=sys.stderr)
        sys.exit(1)
