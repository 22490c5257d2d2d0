#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Segments split into IP fragments, against a real server socket.

  fragments.py defrag     tcpfsm loaded with defrag=1 (the default)
  fragments.py nodefrag   tcpfsm loaded with defrag=0

A crafted client in namespace 'x' (its addresses foreign to x, so no stack of
x answers) talks to a listener in namespace 'srv'.  x sends each fragment as
it is through a raw socket; srv's kernel reassembles them and answers, and x
reads the answers off its veth with a packet socket.  srv accepts data on a
SYN (TCP Fast Open without a cookie), so the kernel's SYN/ACK acknowledges
the whole SYN, data included: what tcpfsm must have seen to follow.

With defrag, both views must follow a SYN and a FIN that carry data split
in two fragments exactly as the server's own socket does, count the whole
payload, and see no fragment at all (defragmentation comes before the hook).
Without it, every fragment is counted and skipped: a first fragment alone
(which the server holds, waiting for the rest) changes nothing, and a
connection whose SYN came in fragments is picked up from the SYN/ACK.
"""
import random
import socket
import struct
import sys
import time

from tcpfsm import (ACK, DEADLINE, FIN, SYN, Conn, Crafter, Fail, _csum, ep,
                    family, flow, ip_batch, listener, log, main, segment,
                    stats, sysctl, netns, wait_for)

ES, SR, F2, CW = 'ESTABLISHED', 'SYN-RECEIVED', 'FIN-WAIT-2', 'CLOSE-WAIT'
VIEWS = ['x', 'srv']
SPORT = 8080
DATA = bytes(range(48))           # 20 bytes of TCP header + 48: two fragments
FIRST = 32                        # IP payload bytes in the first fragment
ETH_P_ALL, PACKET_OUTGOING = 0x0003, 4
# tcp_fastopen: server on (0x2), no cookie needed (0x200), on every listener
# without setsockopt (0x400).
TFO_SERVER_NO_COOKIE = 0x602


def fragment(pkt):
    """pkt (a whole IPv4 or IPv6 packet) as two fragments: FIRST bytes of its
    payload (TCP header and some data) with MF set, then the rest."""
    ident = random.randrange(1, 0xffff)
    out = []
    if pkt[0] >> 4 == 4:
        hl = (pkt[0] & 0xf) * 4
        pay = pkt[hl:]
        for off, chunk, more in ((0, pay[:FIRST], 0x2000), (FIRST, pay[FIRST:], 0)):
            h = bytearray(pkt[:hl])
            struct.pack_into('!HHH', h, 2, hl + len(chunk), ident, more | off // 8)
            h[10:12] = b'\0\0'
            struct.pack_into('!H', h, 10, _csum(bytes(h)))
            out.append(bytes(h) + chunk)
    else:
        nexthdr, pay = pkt[6], pkt[40:]
        for off, chunk, more in ((0, pay[:FIRST], 1), (FIRST, pay[FIRST:], 0)):
            h = bytearray(pkt[:40])
            h[6] = 44                                   # fragment header
            struct.pack_into('!H', h, 4, 8 + len(chunk))
            out.append(bytes(h) + struct.pack('!BBHI', nexthdr, 0, off | more, ident) + chunk)
    return out


class Capture:
    """What arrives on x's veth: the server's answers, which x then drops."""

    def __init__(self, ns, dev):
        with netns(ns):
            self.s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
            self.s.bind((dev, ETH_P_ALL))

    def synack(self, saddr, sport, cport):
        """(seq, ack) of the first SYN/ACK saddr:sport -> *:cport."""
        src = socket.inet_pton(family(saddr), saddr)
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            self.s.settimeout(max(end - time.monotonic(), 0.01))
            try:
                pkt, addr = self.s.recvfrom(65535)
            except socket.timeout:
                break
            if addr[2] == PACKET_OUTGOING:
                continue
            if pkt[0] >> 4 == 4 and pkt[9] == 6 and pkt[12:16] == src:
                tcp = pkt[(pkt[0] & 0xf) * 4:]
            elif pkt[0] >> 4 == 6 and pkt[6] == 6 and pkt[8:24] == src:
                tcp = pkt[40:]
            else:
                continue
            sp, dp, seq, ack, _, flags = struct.unpack_from('!HHIIBB', tcp)
            if (sp, dp) == (sport, cport) and flags & (SYN | ACK) == SYN | ACK:
                return seq, ack
        raise Fail('no SYN/ACK from %s:%d to port %d' % (saddr, sport, cport))


class Client:
    """A crafted client of the real server srv:SPORT."""
    port = 40000

    def __init__(self, cr, cap, caddr, saddr):
        Client.port += 1
        self.cr, self.cap, self.caddr, self.saddr = cr, cap, caddr, saddr
        self.cport = Client.port
        self.c = random.randrange(1 << 32)      # next seq to send
        self.s = 0                              # next seq expected
        self.conn = Conn(ep(caddr, self.cport), ep(saddr, SPORT), VIEWS, sns='srv')

    def packet(self, flags, data=b''):
        return segment(self.caddr, self.saddr, self.cport, SPORT, flags, self.c,
                       self.s if flags & ACK else 0, data)

    def send(self, flags, data=b'', how='whole'):
        """how: 'whole', 'fragments' (both), 'first' (the first fragment
        only: the second waits for send_rest())."""
        pkts = [self.packet(flags, data)]
        if how != 'whole':
            pkts = fragment(pkts[0])
        room = len(data) + bool(flags & SYN) + bool(flags & FIN)
        if how == 'first':
            pkts, self.rest = pkts[:1], (pkts[1:], room)
            room = 0
        self._send(pkts)
        self.c += room

    def send_rest(self):
        pkts, room = self.rest
        self._send(pkts)
        self.c += room

    def _send(self, pkts):
        sock = self.cr.s4 if family(self.saddr) == socket.AF_INET else self.cr.s6
        for p in pkts:
            sock.sendto(p, (self.saddr, 0))

    def syn(self, data=b'', how='whole'):
        """Send a SYN, wait for the server's SYN/ACK; returns how much it
        acknowledged of the SYN's data."""
        isn = self.c
        self.send(SYN, data, how)
        seq, ack = self.cap.synack(self.saddr, SPORT, self.cport)
        self.s = seq + 1
        return (ack - isn - 1) & 0xffffffff

    def expect(self, cst, sst, what):
        self.conn.expect(cst, sst, what)

    def bytes_counted(self, n):
        def ok():
            got = {ns: self.conn.row(ns)['c_bytes'] for ns in VIEWS}
            if got != {ns: str(n) for ns in VIEWS}:
                raise Fail('client sent %d payload bytes, counted %s' % (n, got))
            return True
        wait_for('payload bytes counted', ok)
        log('ok   %-28s %d bytes in %s' % ('whole payload counted', n, ', '.join(VIEWS)))


def fragments_seen():
    return {ns: stats(ns)['fragments'] for ns in VIEWS}


def fragments_rise(before, by, c):
    try:
        wait_for('fragments counted', lambda: all(
            stats(ns)['fragments'] >= before[ns] + by for ns in VIEWS))
    except Fail as e:
        raise Fail('%s: %s before, %s now; flow: %s' %
                   (e, before, fragments_seen(), c.conn.seen()))
    log('ok   %-28s by %d in %s' % ('fragments counted', by, ', '.join(VIEWS)))


def handshake(c):
    acked = c.syn()
    if acked:
        raise Fail('SYN without data: server acknowledged %d bytes' % acked)
    c.expect(ES, SR, 'SYN/ACK')
    c.send(ACK)
    c.expect(ES, ES, 'ACK')


def fragmented_syn(cr, cap, ca, sa):
    """(a) a SYN with data in two fragments, then the handshake's end."""
    c = Client(cr, cap, ca, sa)
    acked = c.syn(DATA, 'fragments')
    if acked != len(DATA):
        raise Fail('server acknowledged %d of the SYN\'s %d data bytes '
                   '(is Fast Open on?)' % (acked, len(DATA)))
    c.expect(ES, SR, 'fragmented SYN answered')
    c.send(ACK)
    c.expect(ES, ES, 'handshake done')
    c.bytes_counted(len(DATA))


def fragmented_fin(cr, cap, ca, sa):
    """(b) on an established connection, a FIN with data in two fragments."""
    c = Client(cr, cap, ca, sa)
    handshake(c)
    c.send(FIN | ACK, DATA, 'fragments')
    c.expect(F2, CW, 'fragmented FIN acked')
    c.bytes_counted(len(DATA))


def lone_first_fin(cr, cap, ca, sa):
    """(c) defrag=0: the first fragment of a FIN alone changes nothing (the
    server is waiting for the rest); the whole FIN then closes as usual."""
    c = Client(cr, cap, ca, sa)
    handshake(c)
    before = fragments_seen()
    c.send(FIN | ACK, DATA, 'first')
    fragments_rise(before, 1, c)
    c.expect(ES, ES, 'first fragment of a FIN')
    c.send(FIN | ACK, DATA)
    c.expect(F2, CW, 'whole FIN acked')


def lone_first_syn(cr, cap, ca, sa):
    """(c) defrag=0: the first fragment of a SYN alone creates no flow; with
    the second one the server answers, and the flow is picked up from its
    SYN/ACK."""
    c = Client(cr, cap, ca, sa)
    before = fragments_seen()
    c.send(SYN, DATA, 'first')
    fragments_rise(before, 1, c)
    rows = {ns: flow(ns, c.conn.client, c.conn.server) for ns in VIEWS}
    if any(rows.values()):
        raise Fail('the first fragment of a SYN made a flow: %s' % rows)
    log('ok   %-28s no flow in %s' % ('first fragment of a SYN', ', '.join(VIEWS)))
    # The second fragment: the server reassembles both and answers.
    c.send_rest()
    c.s = c.cap.synack(sa, SPORT, c.cport)[0] + 1
    fragments_rise(before, 2, c)
    c.expect(ES, SR, 'picked up at the SYN/ACK')
    if 'P' not in c.conn.row('srv')['flags']:
        raise Fail('flow not flagged as picked up: %s' % c.conn.row('srv')['flags'])
    c.send(ACK)
    c.expect(ES, ES, 'handshake done')


def scenario(topo, mode):
    x, srv = topo.ns('x'), topo.ns('srv')
    topo.link(x, srv, '10.67.0', 'fd67')
    sysctl(srv, 'net.ipv4.tcp_fastopen', TFO_SERVER_NO_COOKIE)
    # The server's addresses in srv, the clients' routed to x, which drops
    # what comes back to them (not its address, no forwarding) into a
    # blackhole: without a route IPv6 would answer "no route", an ICMPv6
    # error that kills the server's Fast Open child socket.
    ip_batch(srv, 'addr add 10.67.2.2/32 dev vx', 'addr add fd67:2::2/128 dev vx nodad',
             'route add 10.67.1.0/24 via 10.67.0.1', 'route add fd67:1::/64 via fd67::1')
    ip_batch(x, 'route add 10.67.2.2/32 via 10.67.0.2', 'route add fd67:2::2/128 via fd67::2',
             'route add blackhole 10.67.1.0/24', 'route add blackhole fd67:1::/64')
    cr, cap = Crafter(x), Capture(x, 'vsrv')
    lst = [listener(srv, sa, SPORT) for sa in ('10.67.2.2', 'fd67:2::2')]
    cases = {'defrag': (fragmented_syn, fragmented_fin),
             'nodefrag': (lone_first_fin, lone_first_syn)}[mode]
    # Each case has its own connection: one failing does not hide the next.
    failed = []
    for ca, sa in (('10.67.1.1', '10.67.2.2'), ('fd67:1::1', 'fd67:2::2')):
        log('--- %s %s <-> %s' % (mode, ca, sa))
        for case in cases:
            log('- %s' % case.__name__)
            try:
                case(cr, cap, ca, sa)
            except Fail as e:
                log('FAIL %s %s: %s' % (case.__name__, ca, e))
                failed.append('%s %s' % (case.__name__, ca))
    if failed:
        raise Fail('failed: %s' % ', '.join(failed))
    if mode == 'defrag':
        seen = fragments_seen()
        if any(seen.values()):
            raise Fail('with defrag a fragment reached the hook: %s' % seen)
        log('ok   %-28s %s' % ('no fragment reached tcpfsm', seen))
    for s in lst:
        s.close()


if __name__ == '__main__':
    main(lambda topo: scenario(topo, sys.argv[1]), watch=True)
