#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Unusual segments against real sockets: at every quiet point tcpfsm's
states in both namespaces (and their event streams) must equal the state of
the kernel's own socket, which is what decides whether tcpfsm is right.

Namespace 'x' crafts the remote endpoint's segments (its addresses are
foreign to x, so no stack there answers) and sniffs on its veth what the real
socket in 'sink' sends back, to learn its sequence numbers.  Linux's
behaviour each case relies on is net/ipv4/tcp_input.c, tcp_minisocks.c and
tcp_fastopen.c of 6.1.
"""
import select
import socket
import struct

from tcpfsm import (ACK, FIN, PSH, RST, SYN, URG, Conn, Crafter, Fail, accept, connect,
                    ep, ip_batch, ksockets, listener, log, main, netns, stats, sysctl,
                    wait_for)

ES, SS, SR, LI = 'ESTABLISHED', 'SYN-SENT', 'SYN-RECEIVED', 'LISTEN'
F1, F2, CW, LA = 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'LAST-ACK'
TW, CL = 'TIME-WAIT', 'CLOSED'
VIEWS = ['x', 'sink']
TCP_FASTOPEN = 23
ETH_P_ALL = 3


class Sniffer:
    """Every TCP segment that crosses x's veth to sink, parsed."""

    def __init__(self, ns, dev):
        with netns(ns):
            self.s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                                   socket.htons(ETH_P_ALL))
            self.s.bind((dev, ETH_P_ALL))
        self.s.setblocking(False)
        self.segs = []

    def _drain(self):
        while select.select([self.s], [], [], 0)[0]:
            pkt, addr = self.s.recvfrom(65535)
            seg = self._parse(pkt, addr[1])
            if seg:
                self.segs.append(seg)

    @staticmethod
    def _parse(pkt, proto):
        if proto == 0x0800 and len(pkt) >= 20 and pkt[9] == 6:
            hl = (pkt[0] & 15) * 4
            src = socket.inet_ntop(socket.AF_INET, pkt[12:16])
            dst = socket.inet_ntop(socket.AF_INET, pkt[16:20])
            end = struct.unpack('!H', pkt[2:4])[0]
        elif proto == 0x86dd and len(pkt) >= 40 and pkt[6] == 6:
            hl = 40
            src = socket.inet_ntop(socket.AF_INET6, pkt[8:24])
            dst = socket.inet_ntop(socket.AF_INET6, pkt[24:40])
            end = 40 + struct.unpack('!H', pkt[4:6])[0]
        else:
            return None
        sport, dport, seq, ack, off, flags = struct.unpack('!HHIIBB', pkt[hl:hl + 14])
        return {'src': ep(src, sport), 'dst': ep(dst, dport), 'seq': seq, 'ack': ack,
                'flags': flags, 'len': end - hl - (off >> 4) * 4}

    def mark(self):
        self._drain()
        return len(self.segs)

    def wait(self, what, since, src, dst, pred=lambda s: True):
        """The first segment src -> dst after mark `since` that pred accepts."""
        def found():
            self._drain()
            for seg in self.segs[since:]:
                if seg['src'] == src and seg['dst'] == dst and pred(seg):
                    return seg
            return None
        return wait_for(what, found)


class Remote:
    """The crafted remote endpoint of one connection with a real socket in
    sink: rem/rport are its address, loc/lport the real socket's."""
    port = 40000

    def __init__(self, cr, sn, rem, loc, lport, client=True, isn=0xfffffff0):
        Remote.port += 1
        self.cr, self.sn = cr, sn
        self.rem, self.rport, self.loc, self.lport = rem, Remote.port, loc, lport
        self.nxt, self.rcv = isn, 0       # our next seq, what we acknowledge
        r, lc = ep(rem, self.rport), ep(loc, lport)
        if client:
            self.conn = Conn(r, lc, VIEWS, sns='sink')
        else:
            self.conn = Conn(lc, r, VIEWS, cns='sink')

    def send(self, flags, seq=None, ack=None, data=b''):
        self.cr.send(self.rem, self.loc, self.rport, self.lport, flags,
                     self.nxt if seq is None else seq, self.rcv if ack is None else ack,
                     data)

    def wait(self, what, since, pred):
        return self.sn.wait(what, since, ep(self.loc, self.lport),
                            ep(self.rem, self.rport), pred)

    def expect(self, cst, sst, what):
        self.conn.expect(cst, sst, what)

    def open(self, data=b''):
        """SYN (with data), the real server's SYN/ACK; returns the SYN/ACK."""
        m = self.sn.mark()
        self.send(SYN, data=data)
        synack = self.wait('SYN/ACK', m, lambda s: s['flags'] & (SYN | ACK) == SYN | ACK)
        self.rcv = synack['seq'] + 1
        return synack


def established(cr, sn, rem, loc, port):
    """A crafted client and a real server socket, both ESTABLISHED; the
    listener is closed, so that the server's socket alone is its state."""
    lst = listener('sink', loc, port)
    r = Remote(cr, sn, rem, loc, port)
    r.open()
    r.nxt += 1
    r.expect(ES, SR, 'handshake: SYN/ACK')
    r.send(ACK)
    sock = accept(lst)
    lst.close()
    r.expect(ES, ES, 'handshake: ACK')
    return r, sock


def counter_rises(name, before):
    wait_for('%s to rise' % name, lambda: all(stats(ns)[name] > before[ns] for ns in VIEWS))


def snapshot(name):
    return {ns: stats(ns)[name] for ns in VIEWS}


def tfo_server_without_tfo(cr, sn, rem, loc, port):
    """Defect 8: the SYN/ACK acknowledges the SYN only, the server's socket
    is SYN-RECEIVED (tcp_conn_request() without TFO); the client sends the
    data again after the handshake and the server takes it."""
    sysctl('sink', 'net.ipv4.tcp_fastopen', 1)        # client only: the default
    lst = listener('sink', loc, port)
    data = b'fast open data ' * 8
    r = Remote(cr, sn, rem, loc, port)
    synack = r.open(data)
    if synack['ack'] != (r.nxt + 1) & 0xffffffff:
        raise Fail('the SYN/ACK acks %#x, not the SYN alone (%#x)' % (synack['ack'], r.nxt + 1))
    r.nxt += 1
    r.expect(ES, SR, 'TFO SYN, SYN/ACK of SYN')
    m = sn.mark()
    r.send(PSH | ACK, data=data)          # the data again, from isn + 1
    sock = accept(lst)
    lst.close()
    r.nxt += len(data)
    r.wait('ACK of the data', m, lambda s: s['ack'] == r.nxt & 0xffffffff)
    sock.settimeout(10)
    if sock.recv(4096) != data:
        raise Fail('the server did not receive the data sent again')
    r.expect(ES, ES, 'data sent again')
    r.send(RST)
    r.expect(CL, CL, 'RST')
    sock.close()


def tfo_server_with_tfo(cr, sn, rem, loc, port):
    """A server with TFO acknowledges the data too; its child socket is
    SYN-RECEIVED until the client's ACK (tcp_try_fastopen())."""
    sysctl('sink', 'net.ipv4.tcp_fastopen', 0x202)    # server, no cookie needed
    lst = listener('sink', loc, port)
    with netns('sink'):
        lst.setsockopt(socket.IPPROTO_TCP, TCP_FASTOPEN, 16)
    data = b'fast open data ' * 8
    r = Remote(cr, sn, rem, loc, port)
    synack = r.open(data)
    r.nxt += 1 + len(data)
    if synack['ack'] != r.nxt & 0xffffffff:
        raise Fail('the TFO server acks %#x, not the data (%#x)' % (synack['ack'], r.nxt))
    r.expect(ES, SR, 'TFO SYN, SYN/ACK of data')
    r.send(ACK)
    r.expect(ES, ES, 'TFO ACK')
    sock = accept(lst)
    lst.close()
    r.send(RST)
    r.expect(CL, CL, 'RST')
    sock.close()
    sysctl('sink', 'net.ipv4.tcp_fastopen', 1)


def rst_established(cr, sn, rem, loc, port, flags, name):
    """Defect 9: at the exact sequence number a RST resets, whatever else is
    set (tcp_validate_incoming() checks th->rst, step 2, before th->syn)."""
    r, sock = established(cr, sn, rem, loc, port)
    r.send(flags, ack=r.rcv)
    r.expect(CL, CL, name + ' resets')
    sock.close()


def syn_fin_established(cr, sn, rem, loc, port):
    """SYN+FIN at the exact sequence number: Linux answers the SYN with a
    challenge ACK and drops it (tcp_validate_incoming() step 4): no change."""
    r, sock = established(cr, sn, rem, loc, port)
    before = snapshot('invalid_bad_flags')
    m = sn.mark()
    r.send(SYN | FIN | ACK)
    r.wait('challenge ACK', m, lambda s: s['flags'] == ACK)
    counter_rises('invalid_bad_flags', before)
    r.expect(ES, ES, 'SYN+FIN ignored')
    r.send(RST)
    r.expect(CL, CL, 'RST')
    sock.close()


def rst_syn_sent(cr, sn, rem, loc, port):
    """A real client in SYN-SENT: RST+SYN+ACK acknowledging its SYN resets it
    (tcp_rcv_synsent_state_process(): th->rst once the ACK is acceptable)."""
    r = Remote(cr, sn, rem, loc, port, client=False)
    m = sn.mark()
    sock = connect('sink', loc, rem, port, r.rport, block=False)
    syn = r.wait('SYN', m, lambda s: s['flags'] & (SYN | ACK) == SYN)
    r.expect(SS, LI, 'real client SYN')
    r.send(RST | SYN | ACK, seq=0x1000, ack=syn['seq'] + 1)
    r.expect(CL, CL, 'RST+SYN+ACK refuses')
    err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err != 111:
        raise Fail('connect() failed with %d, not ECONNREFUSED' % err)
    sock.close()


def rst_syn_received(cr, sn, rem, loc, port):
    """SYN-RECEIVED: RST+FIN+ACK resets the request and the server is back in
    LISTEN (tcp_check_req(): flg & (TCP_FLAG_RST | TCP_FLAG_SYN))."""
    lst = listener('sink', loc, port)
    r = Remote(cr, sn, rem, loc, port)
    r.open()
    r.nxt += 1
    r.expect(ES, SR, 'SYN/ACK')
    r.send(RST | FIN | ACK)
    r.expect(CL, LI, 'RST+FIN+ACK resets the request')
    lst.close()


def rst_time_wait(cr, sn, rem, loc, port):
    """TIME-WAIT: RST+SYN at the exact sequence number kills it
    (tcp_timewait_state_process(): th->rst, tcp_rfc1337 off)."""
    r, sock = established(cr, sn, rem, loc, port)
    m = sn.mark()
    sock.close()
    fin = r.wait('FIN', m, lambda s: s['flags'] & FIN)
    r.rcv = fin['seq'] + fin['len'] + 1
    r.send(ACK)
    r.expect(CW, F2, 'server FIN acked')
    m = sn.mark()
    r.send(FIN | ACK)
    r.nxt += 1
    r.wait('final ACK', m, lambda s: s['ack'] == r.nxt & 0xffffffff)
    r.expect(CL, TW, 'server in TIME-WAIT')
    r.send(RST | SYN)
    r.expect(CL, CL, 'RST+SYN kills TIME-WAIT')


def rst_listen(cr, sn, rem, loc, port):
    """LISTEN drops every RST (tcp_rcv_state_process()): SYN+RST opens
    nothing, and tcpfsm tracks nothing."""
    lst = listener('sink', loc, port)
    r = Remote(cr, sn, rem, loc, port)
    before = snapshot('invalid_unexpected')
    r.send(SYN | RST)
    counter_rises('invalid_unexpected', before)
    if any(r.conn.row(ns) for ns in VIEWS):
        raise Fail('a SYN+RST created a flow')
    # The listener did not take it for a SYN: the next SYN is answered.
    r.open()
    r.nxt += 1
    r.expect(ES, SR, 'then a SYN')
    r.send(RST)
    r.expect(CL, LI, 'RST')
    lst.close()


def scenario(topo):
    x, sink = topo.ns('x'), topo.ns('sink')
    topo.link(x, sink, '10.66.0', 'fd66')
    ip_batch(sink, 'addr add 10.66.2.2/32 dev vx', 'route add 10.66.2.0/24 via 10.66.0.1',
             'addr add fd66:2::2/128 dev vx nodad', 'route add fd66:2::/64 via fd66::1')
    # x drops what the real sockets send back without a word: without the
    # blackhole routes, IPv6 answers "no route" with an ICMPv6 error, which
    # kills a socket in SYN-SENT or a Fast Open child in SYN-RECEIVED
    # (tcp_v6_err()), while IPv4 with forwarding off sends none.
    ip_batch(x, 'route add 10.66.2.2/32 via 10.66.0.2', 'route add fd66:2::2/128 via fd66::2',
             'route add blackhole 10.66.2.0/24', 'route add blackhole fd66:2::/64')
    cr, sn = Crafter(x), Sniffer(x, 'vsink')
    port, failed = 9000, []
    for rem, loc in (('10.66.2.1', '10.66.2.2'), ('fd66:2::1', 'fd66:2::2')):
        log('--- %s <-> real socket %s' % (rem, loc))
        cases = [(tfo_server_without_tfo, ()), (tfo_server_with_tfo, ())]
        for flags, name in ((RST | SYN, 'RST+SYN'), (RST | SYN | ACK, 'RST+SYN+ACK'),
                            (RST | FIN, 'RST+FIN'), (RST | FIN | ACK, 'RST+FIN+ACK'),
                            (RST | URG, 'RST+URG'), (RST | PSH, 'RST+PSH'),
                            (0xff, 'all flags')):
            cases.append((rst_established, (flags, name)))
        cases += [(syn_fin_established, ()), (rst_syn_sent, ()),
                  (rst_syn_received, ()), (rst_time_wait, ()), (rst_listen, ())]
        for case, args in cases:
            port += 1
            what = ' '.join([case.__name__] + [str(a) for a in args[1:]])
            log('- %s' % what)
            # Every case runs, each on its own port, so that one run shows
            # every disagreement.
            try:
                case(cr, sn, rem, loc, port, *args)
            except Fail as e:
                log('case failed: %s %s: %s' % (rem, what, e))
                # What the kernel had on that port, to tell why.
                for (lo, re_), st in ksockets('sink').items():
                    if lo.endswith(':%d' % port) or re_.endswith(':%d' % port):
                        log('  kernel socket %s %s %s' % (lo, re_, st))
                failed.append('%s %s' % (rem, what))
    if failed:
        raise Fail('%d cases failed: %s' % (len(failed), '; '.join(failed)))


main(scenario, watch=True)
