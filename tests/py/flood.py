#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""No namespace can take every slot, and a SYN flood costs half-open flows,
not connections: usage flood.py SHARE MAX (the module's netns_max_flows and
max_flows, MAX below twice SHARE so that two floods fill the whole table).

Namespaces x1 and x2 each send 10 x SHARE SYNs from spoofed sources to a
listener on their own address; the kernel answers each (with SYN cookies
once the backlog is full) out of a veth whose peer is down, which drops them:
half-open flows, client SYN-SENT, server SYN-RECEIVED.  Throughout:
  - neither flooder ever holds more than SHARE flows, nor all namespaces
    together more than MAX (sampled every few SYNs);
  - idle connections x1 made before the flood are still tracked after it;
  - connections opened during the flood, once the whole table is full, in a
    quiet namespace y and in the initial namespace, are tracked with the
    kernel's states;
  - every SYN reached the listener's stack, and each flooder's counters add
    up: every SYN made a flow or was counted as not tracked, and every flow
    made is still there or was counted as evicted, expired or closed; the
    slab cache never holds more flows than max_flows;
  - a quota lowered by the host drains under the flood, idle connections
    still kept.
"""
import os
import socket
import subprocess
import sys

from tcpfsm import (SYN, TCPFSM, Conn, Fail, _in_ns, accept, connect, ep, ip_batch,
                    listener, log, main, netns, read_ns, segment, stats, wait_for)

SHARE, MAX = int(sys.argv[1]), int(sys.argv[2])

ES = 'ESTABLISHED'
FLOODERS = ('x1', 'x2')
IDLE = 5


def tcp_in_segs(ns):
    lines = [l.split() for l in read_ns(ns, '/proc/net/snmp').splitlines() if l.startswith('Tcp:')]
    return int(dict(zip(lines[0], lines[1]))['InSegs'])


class Flooder:
    def __init__(self, topo, name, net):
        self.name, self.dst, self.net, self.sent = name, '%s.0.1' % net, net, 0
        topo.ns(name)
        # A veth with its peer down: what leaves it is dropped (the debug
        # kernel has no dummy device), through one permanent neighbour, not
        # one ARP entry per spoofed address.
        ip_batch(name, 'link add d0 type veth peer name d0p',
                 'addr add %s/32 dev d0' % self.dst, 'link set d0 up',
                 'neigh add 10.76.0.1 lladdr 02:00:00:00:00:01 dev d0 nud permanent',
                 'route add 10.77.0.0/16 via 10.76.0.1 dev d0 onlink')
        self.lst = listener(name, self.dst, 80)
        with netns(name):
            self.raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.before = stats(name)
        self.in_before = tcp_in_segs(name)

    def send(self, n):
        for _ in range(n):
            i = self.sent
            src = '10.77.%d.%d' % (i // 250, 1 + i % 250)
            self.raw.sendto(segment(src, self.dst, 40000, 80, SYN, seq=i * 7919), (self.dst, 0))
            self.sent += 1
            if i % 25 == 0:
                check_bounds()

    def check_counts(self):
        st, b = stats(self.name), self.before
        d = {k: st[k] - b.get(k, 0) for k in st}
        if d['created'] + d['not_tracked'] < self.sent:
            raise Fail('%s: %d SYNs, but %d flows made and %d not tracked' %
                       (self.name, self.sent, d['created'], d['not_tracked']))
        gone = d['evicted'] + d['expired'] + d['closed']
        if d['created'] != st['flows'] - b['flows'] + gone:
            raise Fail('%s: %d flows made, %d held, %d evicted/expired/closed' %
                       (self.name, d['created'], st['flows'] - b['flows'], gone))
        # Loopback queues what it delivers: the last SYNs may be on their way.
        wait_for('%s: the stack to receive all %d SYNs' % (self.name, self.sent),
                 lambda: tcp_in_segs(self.name) - self.in_before >= self.sent)
        log('ok   %-28s %d SYNs: %d flows made, %d evicted, %d not tracked, %d held' %
            (self.name, self.sent, d['created'], d['evicted'], d['not_tracked'], st['flows']))


peak = {}


def check_bounds():
    for ns in FLOODERS:
        st = stats(ns)
        peak[ns] = max(peak.get(ns, 0), st['flows'])
        if st['flows'] > SHARE:
            raise Fail('%s holds %d flows, its share is %d' % (ns, st['flows'], SHARE))
        if st['flows_total'] > MAX:
            raise Fail('all namespaces hold %d flows, max_flows is %d' % (st['flows_total'], MAX))
    peak['all'] = max(peak.get('all', 0), st['flows_total'])


def check_slab(name='tcpfsm_flow4'):
    """The flow cache holds no more than max_flows objects, give or take
    what SLUB keeps per CPU: /proc/slabinfo's active_objs counts objects
    free in per-CPU slabs and their partial lists as in use (6.12 keeps
    more of them than 6.1).  A leak would grow with the flood (20 x SHARE
    SYNs, over 2,000 flows made), far past this."""
    with open('/proc/slabinfo') as f:
        for line in f:
            col = line.split()
            if col and col[0] == name:
                active, per_slab = int(col[1]), int(col[4])
                slack = per_slab * 4 * (1 + os.cpu_count())
                if active > MAX + slack:
                    raise Fail('%d objects in %s, max_flows %d (+%d per-CPU slack)' %
                               (active, name, MAX, slack))
                return active
    raise Fail('no slab cache %s' % name)


def conn_in(ns, port):
    """A connection on ns's loopback, tracked ESTABLISHED on both ends."""
    lst = listener(ns, '127.0.0.1', port)
    c = connect(ns, '127.0.0.1', '127.0.0.1', port + 1000, port)
    s = accept(lst)
    Conn(ep('127.0.0.1', port + 1000), ep('127.0.0.1', port), [ns], cns=ns, sns=ns).expect(
        ES, ES, 'connection in %s' % (ns or 'the initial namespace'))
    return lst, c, s


def scenario(topo):
    # Loopback hands each SYN to a per-CPU backlog of 1,000 by default: on
    # the debug kernel the flood outruns it, and the stack (not tcpfsm)
    # would drop what the receiver's counters are checked for.
    with open('/proc/sys/net/core/netdev_max_backlog', 'w') as f:
        f.write('100000')
    x1, x2 = Flooder(topo, 'x1', '10.78'), Flooder(topo, 'x2', '10.79')
    topo.ns('y')
    keep = []
    idle = []
    for i in range(IDLE):
        keep.append(conn_in('x1', 7000 + i))
        idle.append(Conn(ep('127.0.0.1', 8000 + i), ep('127.0.0.1', 7000 + i), ['x1']))

    # Half of each flood: together they fill the whole table.
    x1.send(5 * SHARE)
    x2.send(5 * SHARE)
    check_slab()
    if stats('x1')['flows_total'] < MAX:
        raise Fail('two floods of %d did not fill a table of %d' % (5 * SHARE, MAX))
    log('ok   %-28s full: %d flows in all' % ('table', stats('x1')['flows_total']))
    keep.append(conn_in('y', 6000))
    keep.append(conn_in(None, 6001))
    x1.send(5 * SHARE)
    x2.send(5 * SHARE)
    check_bounds()
    log('ok   %-28s at most %d, %d and %d of all %d (shares %d, max %d); %d slab objects' %
        ('bounds held', peak['x1'], peak['x2'], peak['all'], MAX, SHARE, MAX, check_slab()))

    for c in idle:
        try:
            c.expect(ES, ES, 'idle through the flood')
        except Fail as e:
            raise Fail('%s\n  x1: %s' % (e, stats('x1')))
    for f in (x1, x2):
        f.check_counts()

    # A lowered quota drains under load: each new flow evicts two.
    low = SHARE // 2
    with _in_ns('x1') as kw:
        subprocess.run([TCPFSM, 'config', 'netns_max_flows=%d' % low], check=True,
                       stdout=subprocess.DEVNULL, **kw)
    x1.send(2 * SHARE)
    if stats('x1')['flows'] > low:
        raise Fail('x1 holds %d flows after %d more SYNs, its lowered quota is %d' %
                   (stats('x1')['flows'], 2 * SHARE, low))
    log('ok   %-28s x1 down to %d flows (quota lowered to %d)' %
        ('quota lowered', stats('x1')['flows'], low))
    for c in idle:
        c.expect(ES, ES, 'idle through the drain')
    for lst, c, s in keep:
        for sk in (lst, c, s):
            sk.close()


if __name__ == '__main__':
    main(scenario)
