#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Cases real sockets cannot reach, driven with hand-made segments:
simultaneous open and close, blind and in-window resets, invalid flag
combinations, retransmissions, a new SYN on a TIME-WAIT tuple, mid-stream
pickup, and a half-open handshake against a real listener.

The crafting namespace 'x' sends segments between two foreign addresses routed
to namespace 'sink', which drops them (not its address, no forwarding): both
see each segment exactly once and no stack answers.
"""
import socket

from tcpfsm import (ACK, FIN, RST, SYN, Conn, Crafter, Fail, ep, listener, log,
                    ip_batch, main, stats, wait_for)

ES, SS, SR, LI = 'ESTABLISHED', 'SYN-SENT', 'SYN-RECEIVED', 'LISTEN'
F1, CW, CG, TW, CL = 'FIN-WAIT-1', 'CLOSE-WAIT', 'CLOSING', 'TIME-WAIT', 'CLOSED'
VIEWS = ['x', 'sink']


class Flow:
    """One crafted connection: client C and server S with their own seqs."""
    port = 50000

    def __init__(self, cr, caddr, saddr, cisn=0xfffffff0, sisn=1000):
        Flow.port += 1
        self.cr, self.caddr, self.saddr = cr, caddr, saddr
        self.cport, self.sport = Flow.port, 80
        self.c, self.s = cisn, sisn          # next seq to send
        self.conn = Conn(ep(caddr, self.cport), ep(saddr, self.sport), VIEWS)

    def C(self, flags, seq=None, ack=None, data=b'', **kw):
        self.cr.send(self.caddr, self.saddr, self.cport, self.sport, flags,
                     self.c if seq is None else seq, self.s if ack is None else ack, data, **kw)

    def S(self, flags, seq=None, ack=None, data=b'', **kw):
        self.cr.send(self.saddr, self.caddr, self.sport, self.cport, flags,
                     self.s if seq is None else seq, self.c if ack is None else ack, data, **kw)

    def handshake(self):
        self.C(SYN)
        self.c += 1
        self.conn.expect(SS, LI, 'SYN')
        self.S(SYN | ACK)
        self.s += 1
        self.conn.expect(ES, SR, 'SYN/ACK')
        self.C(ACK)
        self.conn.expect(ES, ES, 'ACK')

    def expect(self, cst, sst, what):
        self.conn.expect(cst, sst, what)

    def flags(self):
        return self.conn.row('x')['flags']


def counter_rises(name, before):
    wait_for('%s to rise' % name, lambda: all(stats(ns)[name] > before[ns] for ns in VIEWS))
    log('ok   %-28s rose' % name)


def snapshot(name):
    return {ns: stats(ns)[name] for ns in VIEWS}


def simultaneous_open(cr, ca, sa):
    f = Flow(cr, ca, sa)
    f.C(SYN)
    f.c += 1
    f.S(SYN)                       # crossing: acknowledges nothing
    f.s += 1
    f.expect(SR, SR, 'crossing SYNs')
    f.C(SYN | ACK, seq=f.c - 1)
    f.expect(SR, ES, 'client SYN/ACK')
    f.S(SYN | ACK, seq=f.s - 1)
    f.expect(ES, ES, 'server SYN/ACK')
    if 'O' not in f.flags():
        raise Fail('simultaneous open not flagged: %s' % f.flags())


def simultaneous_close(cr, ca, sa):
    f = Flow(cr, ca, sa)
    f.handshake()
    f.C(FIN | ACK)
    f.S(FIN | ACK)                 # acknowledges data, not the client's FIN
    f.c += 1
    f.s += 1
    f.expect(CG, CG, 'crossing FINs')
    f.C(ACK)
    f.S(ACK)
    f.expect(TW, TW, 'both FINs acked')
    if 'C' not in f.flags():
        raise Fail('simultaneous close not flagged: %s' % f.flags())


def resets(cr, ca, sa):
    f = Flow(cr, ca, sa)
    f.handshake()
    before = snapshot('invalid_rst_window')
    f.S(RST, seq=f.s + 0x40000000)          # blind: far outside the window
    counter_rises('invalid_rst_window', before)
    f.expect(ES, ES, 'blind RST changes nothing')
    before = snapshot('invalid_rst_challenge')
    f.S(RST, seq=f.s + 100)                 # in the window, not exact
    counter_rises('invalid_rst_challenge', before)
    f.expect(ES, ES, 'in-window RST changes nothing')
    f.S(RST | ACK)
    f.expect(CL, CL, 'exact RST')


def bad_flags(cr, ca, sa):
    f = Flow(cr, ca, sa)
    f.handshake()
    before = snapshot('invalid_bad_flags')
    f.C(SYN | FIN)
    counter_rises('invalid_bad_flags', before)
    f.C(FIN)                                 # FIN without ACK
    f.C(0)                                   # no flags at all
    f.expect(ES, ES, 'SYN+FIN, FIN alone, no flags')
    # A RST with a SYN is a RST (a listener drops it: tcp_rcv_state_process()):
    # a reset for a connection never seen, which starts nothing.
    g = Flow(cr, ca, sa)
    before = snapshot('invalid_unexpected')
    g.C(SYN | RST)
    counter_rises('invalid_unexpected', before)
    if any(g.conn.row(ns) for ns in VIEWS):
        raise Fail('a SYN+RST created a flow')
    log('ok   %-28s' % 'SYN+RST creates no flow')


def retransmissions(cr, ca, sa):
    f = Flow(cr, ca, sa)
    f.C(SYN)
    f.C(SYN)
    f.c += 1
    f.expect(SS, LI, 'SYN twice')
    f.S(SYN | ACK)
    f.S(SYN | ACK)
    f.s += 1
    f.expect(ES, SR, 'SYN/ACK twice')
    f.C(ACK)
    f.C(FIN | ACK)
    f.C(FIN | ACK)
    f.c += 1
    f.expect(F1, CW, 'FIN twice')
    pkts = int(f.conn.row('x')['c_pkts'])
    if pkts != 5:
        raise Fail('client sent 5 segments, counted %d' % pkts)


def reuse_time_wait(cr, ca, sa):
    f = Flow(cr, ca, sa)
    f.handshake()
    f.C(FIN | ACK)
    f.c += 1
    f.S(FIN | ACK)
    f.s += 1
    f.C(ACK)
    f.expect(TW, CL, 'closed')
    f.c += 100000
    f.C(SYN)
    f.expect(SS, LI, 'new SYN on TIME-WAIT tuple')


def pickup(cr, ca, sa):
    f = Flow(cr, ca, sa)
    f.C(ACK | 0x08, data=b'mid-stream')
    f.expect(ES, ES, 'picked up')
    if 'P' not in f.flags():
        raise Fail('pickup not flagged: %s' % f.flags())


def half_open(topo, ca, sa):
    """A crafted client against a real listener in 'sink': after the SYN/ACK
    the server is in SYN-RECEIVED, as the kernel's request socket says."""
    srv = listener('sink', sa, 81)
    f = Flow(Crafter('x'), ca, sa)
    f.sport = 81
    f.conn = Conn(ep(ca, f.cport), ep(sa, 81), VIEWS, sns='sink')
    f.C(SYN)
    f.c += 1

    def synack():
        row = f.conn.row('x')
        return row and row['sstate'] == SR
    wait_for('SYN/ACK from the real server', synack)
    f.conn.expect(ES, SR, 'real server answered')
    srv.close()


def scenario(topo):
    x, sink = topo.ns('x'), topo.ns('sink')
    topo.link(x, sink, '10.66.0', 'fd66')
    topo.route(x, '10.66.1.0/24', '10.66.0.2', 'fd66:1::/64', 'fd66::2')
    cr = Crafter(x)
    for ca, sa in (('10.66.1.1', '10.66.1.2'), ('fd66:1::1', 'fd66:1::2')):
        log('--- crafted %s <-> %s' % (ca, sa))
        for case in (simultaneous_open, simultaneous_close, resets, bad_flags,
                     retransmissions, reuse_time_wait, pickup):
            log('- %s' % case.__name__)
            case(cr, ca, sa)
    # the real listener needs its own address in sink, reachable from x
    ip_batch(sink, 'addr add 10.66.2.2/32 dev vx', 'route add 10.66.2.0/24 via 10.66.0.1')
    ip_batch(x, 'route add 10.66.2.2/32 via 10.66.0.2')
    log('- half_open')
    half_open(topo, '10.66.2.1', '10.66.2.2')


main(scenario, watch=True)
