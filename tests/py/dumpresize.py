#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A dump that spans a resize of the table never repeats a flow silently:
usage dumpresize.py START GROW.

Namespace g holds START half-open flows (SYNs to addresses routed to a
veth whose peer is down, which drops them: no stack answers).  Slow `tcpfsm list
--json` readers (a small buffer, a pause before each read) dump it while
GROW more flows arrive, so the rhashtable grows, and the walk restarts,
under them.  Every list is either exact (each flow once, every flow there
before it started present) or says on stderr that the table kept changing;
before restarts were reported, lists came back with repeated flows and no
word of it.  No flow is destroyed meanwhile, so this is about resizes only.
"""
import json
import socket
import subprocess
import sys
import threading

from tcpfsm import (SYN, TCPFSM, Fail, _in_ns, ip_batch, log, main, netns, segment,
                    stats, wait_for)

START, GROW = int(sys.argv[1]), int(sys.argv[2])
SRC = '10.81.0.1'


def dst(i):
    return '10.80.%d.%d' % (i // 250, 1 + i % 250)


def flows_in_g():
    """Flows in g, from any thread: /proc/net is the main thread's view."""
    with netns('g'), open('/proc/thread-self/net/stat/tcpfsm') as f:
        return int(dict(l.split() for l in f)['flows'])


def send(raw, first, n, step=None):
    """SYNs for flows first .. first + n - 1; with step, waiting after each
    step of them until the table holds them, which spreads the growth (and
    the resizes) over several slow lists."""
    for i in range(first, first + n):
        raw.sendto(segment(SRC, dst(i), 40000, 80, SYN, seq=i), (dst(i), 0))
        if step and (i + 1 - first) % step == 0:
            wait_for('%d flows' % (i + 1), lambda: flows_in_g() >= i + 1)


def slow_list():
    with _in_ns('g') as kw:
        p = subprocess.run([TCPFSM, 'list', '--json', '--rcvbuf', '4096',
                            '--read-delay-ms', '40'], capture_output=True, text=True, **kw)
    if p.returncode:
        raise Fail('tcpfsm list: exit %d: %s' % (p.returncode, p.stderr.strip()))
    return json.loads(p.stdout), p.stderr


def scenario(topo):
    topo.ns('g')
    # A veth with its peer down drops what leaves it (no dummy on debug),
    # through one permanent neighbour rather than an ARP entry per address.
    ip_batch('g', 'link add d0 type veth peer name d0p', 'addr add %s/32 dev d0' % SRC,
             'link set d0 up',
             'neigh add 10.76.0.1 lladdr 02:00:00:00:00:01 dev d0 nud permanent',
             'route add 10.80.0.0/16 via 10.76.0.1 dev d0 onlink')
    with netns('g'):
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    send(raw, 0, START)
    wait_for('%d flows' % START, lambda: stats('g')['flows'] == START)
    before = {dst(i) for i in range(START)}

    grower = threading.Thread(target=send, args=(raw, START, GROW, 250))
    grower.start()
    lists = noted = 0
    while True:
        growing = grower.is_alive()
        rows, err = slow_list()
        lists += 1
        servers = [r['server'] for r in rows]
        if 'kept changing' in err:
            noted += 1
        elif len(servers) != len(set(servers)):
            raise Fail('list %d repeated %d flows and did not say so' %
                       (lists, len(servers) - len(set(servers))))
        elif not before <= set(servers):
            raise Fail('list %d missed %d flows and did not say so' %
                       (lists, len(before - set(servers))))
        if not growing:
            break
    grower.join()
    n = stats('g')['flows']
    if n != START + GROW:
        raise Fail('%d flows after the growth, want %d' % (n, START + GROW))
    rows, err = slow_list()
    if len(rows) != n or len({r['server'] for r in rows}) != n:
        raise Fail('a quiet list shows %d flows (%d distinct), the table %d' %
                   (len(rows), len({r['server'] for r in rows}), n))
    log('ok   %-28s %d lists while %d -> %d flows, %d said the table kept changing' %
        ('dumps across resizes', lists, START, n, noted))


if __name__ == '__main__':
    main(scenario)
