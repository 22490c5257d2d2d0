#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Malformed traffic, IPv4 and IPv6, each packet counted under its reason.

  malformed.py defrag     tcpfsm loaded with defrag=1 (the default)
  malformed.py nodefrag   tcpfsm loaded with defrag=0: the fragment cases only

The crafting namespace 'x' sends hand-built packets (IPPROTO_RAW) between two
foreign addresses routed to namespace 'sink', which drops them (not its
address, no forwarding): each view sees each packet once, x at LOCAL_OUT and
sink at PRE_ROUTING, and no stack answers.  Kinds of case:

  tcp      TCP header truncated, data offset < 5 or past the payload
  options  SYNs with option garbage: tcpfsm_parse_tcp() ignores malformed
           options, so the SYN is tracked
  ip       IPv4 header options of garbage: tracked (sink's stack drops the
           packet only after PRE_ROUTING)
  ext6     IPv6 extension-header chains: parsed to the TCP header and tracked;
           a truncated chain counted as truncated
  frag     fragments: with defrag, held or dropped by netfilter's
           defragmentation before the hook, or reassembled and tracked whole;
           without, every fragment counted in `fragments`
  flags    all 256 flag bytes, each on its own crafted established
           connection: the states and counters tcpfsm_seg_kind() and the
           transition tables give

Every case ends with a fence, a packet with an 8-byte TCP header (counted as
truncated in both views): once the fence is counted, everything sent before
it has been seen (the process is pinned to one CPU, so sink gets them in
order), and the counters must have moved by exactly what the case says, no
more.  Then a real connection between two other namespaces is still tracked
exactly, open to close.
"""
import collections
import os
import socket
import struct
import sys

from tcpfsm import (ACK, FIN, PSH, RST, SYN, URG, Conn, Crafter, Fail, _csum,
                    accept, connect, ep, expect_counts, flow, flows, ip_batch,
                    listener, log, main, read_eof, stats, wait_for)

MODE = sys.argv[1]
ES, SS, LI, F1, F2 = 'ESTABLISHED', 'SYN-SENT', 'LISTEN', 'FIN-WAIT-1', 'FIN-WAIT-2'
CW, TW, CL = 'CLOSE-WAIT', 'TIME-WAIT', 'CLOSED'
ECE, CWR = 0x40, 0x80
VIEWS = ['x', 'sink']
# The counters a case may move; the others (expired, closed, ...) follow time.
COUNTED = ('segments', 'created', 'not_tracked', 'truncated', 'fragments',
           'invalid_bad_flags', 'invalid_seq_window', 'invalid_ack_window',
           'invalid_rst_window', 'invalid_rst_challenge', 'invalid_bad_ack',
           'invalid_unexpected', 'invalid_no_pickup')
HOP, ROUTING, FRAG, AUTH, DEST, TCP = 0, 43, 44, 51, 60, 6
DATA = bytes(range(48))      # a SYN's data: 68 bytes of TCP, two fragments
FIGURE = collections.Counter()
FAILED = []      # one case failing does not hide the next


# ---- packets ----------------------------------------------------------------

def tcp(src, dst, sport, dport, flags, seq, ack=0, payload=b'', opts=b'', doff=None):
    """A TCP header (with checksum) and payload; doff overrides the data
    offset the options give."""
    hl = 5 + len(opts) // 4 if doff is None else doff
    t = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                    hl << 4, flags, 65535, 0, 0) + opts + payload
    fam = socket.AF_INET6 if ':' in src else socket.AF_INET
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    if fam == socket.AF_INET:
        pseudo = s + d + struct.pack('!BBH', 0, 6, len(t))
    else:
        pseudo = s + d + struct.pack('!IxxxB', len(t), 6)
    return t[:16] + struct.pack('!H', _csum(pseudo + t)) + t[18:]


def ip4(src, dst, payload, opts=b'', frag=0x4000, ident=0):
    h = struct.pack('!BBHHHBBH4s4s', 0x45 + len(opts) // 4, 0, 20 + len(opts) + len(payload),
                    ident, frag, 64, TCP, 0, socket.inet_pton(socket.AF_INET, src),
                    socket.inet_pton(socket.AF_INET, dst)) + opts
    return h[:10] + struct.pack('!H', _csum(h)) + h[12:] + payload


def ip6(src, dst, payload, nexthdr=TCP):
    return struct.pack('!IHBB16s16s', 6 << 28, len(payload), nexthdr, 64,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload


def opts_hdr(nxt, n8=1):
    """Hop-by-hop or destination options of 8 * n8 bytes: one PadN."""
    return bytes([nxt, n8 - 1, 1, 8 * n8 - 4]) + bytes(8 * n8 - 4)


def rt_hdr(nxt):
    """A segment routing header (type 4) with no segment left: the stack
    only looks at a routing header on local delivery, and passes this one
    even then."""
    return bytes([nxt, 2, 4, 0, 0, 0, 0, 0]) + bytes(16)


def ah_hdr(nxt):
    """An authentication header, 16 bytes (its length counts 4-byte words)."""
    return bytes([nxt, 2, 0, 0]) + struct.pack('!II', 0x100, 1) + bytes(4)


def frag_hdr(nxt, off, mf, ident=0x2323):
    return struct.pack('!BBHI', nxt, 0, off | mf, ident)


def chain6(src, dst, kinds, payload):
    """An IPv6 packet whose extension headers are kinds (HOP, ROUTING, DEST,
    AUTH), in order, before payload (TCP)."""
    nxt, body = TCP, payload
    build = {HOP: opts_hdr, DEST: opts_hdr, ROUTING: rt_hdr, AUTH: ah_hdr}
    for k in reversed(kinds):
        body = build[k](nxt) + body
        nxt = k
    return ip6(src, dst, body, nxt)


def fragments(src, dst, t, pieces, ident, nxt6=TCP):
    """The IP payload t (TCP) cut into pieces (start, end, more) as IPv4 or
    IPv6 fragments; nxt6 is the fragment header's next header."""
    out = []
    for start, end, more in pieces:
        if ':' in src:
            out.append(ip6(src, dst, frag_hdr(nxt6, start, more, ident) + t[start:end], FRAG))
        else:
            out.append(ip4(src, dst, t[start:end], frag=(0x2000 if more else 0) | start // 8,
                           ident=ident))
    return out


# ---- counters ---------------------------------------------------------------

def snap():
    return {ns: stats(ns) for ns in VIEWS}


def delta(before):
    now = snap()
    return {ns: {k: now[ns][k] - before[ns][k] for k in COUNTED
                 if now[ns][k] != before[ns][k]} for ns in VIEWS}


class Case:
    """Sends packets of one case and checks what tcpfsm counted."""
    port = 20000

    def __init__(self, cr, fam, caddr, saddr):
        self.cr, self.fam, self.caddr, self.saddr = cr, fam, caddr, saddr

    def sock(self):
        return self.cr.s6 if self.fam == 'IPv6' else self.cr.s4

    def send(self, pkts):
        """Returns how many x's stack refused: a netfilter hook's NF_DROP at
        LOCAL_OUT fails sendto() with EPERM."""
        refused = 0
        for p in pkts:
            try:
                self.sock().sendto(p, (self.saddr, 0))
            except PermissionError:
                refused += 1
        return refused

    def new_port(self):
        Case.port += 1
        return Case.port

    def fence(self):
        t = tcp(self.caddr, self.saddr, 1, 1, ACK, 0)[:8]
        self.send([self.ip(t)])

    def ip(self, payload):
        if self.fam == 'IPv6':
            return ip6(self.caddr, self.saddr, payload)
        return ip4(self.caddr, self.saddr, payload)

    def syn(self, port, **kw):
        return tcp(self.caddr, self.saddr, port, 80, SYN, 1000, **kw)

    def run(self, kind, what, *args, **kw):
        FIGURE[(self.fam, kind)] += 1
        try:
            self.check(kind, what, *args, **kw)
        except Fail as e:
            log('FAIL %s' % e)
            FAILED.append('%s %s' % (self.fam, what))

    def check(self, kind, what, pkts, want, tracked=None, port=None, refused=0):
        """Send pkts, then the fence; want: the counters that must move in
        every view ({counter: by}), or {view: {...}} where the views differ.
        tracked: the flow on port that must exist afterwards in the views that
        saw it, as (client state, server state, client payload bytes), or
        None: no flow on port in any view.  refused: how many of pkts x's
        stack must refuse (see send())."""
        if not any(ns in want for ns in VIEWS):
            want = {ns: want for ns in VIEWS}
        shown = ', '.join('%s %s' % (ns, want[ns] or 'nothing') for ns in VIEWS)
        before = snap()
        n = self.send(pkts)
        if n != refused:
            raise Fail('%s %s: x refused %d of %d packets, want %d' %
                       (self.fam, what, n, len(pkts), refused))
        self.fence()
        want = {ns: dict(want[ns]) for ns in VIEWS}
        for w in want.values():
            w['truncated'] = w.get('truncated', 0) + 1
        try:
            wait_for('the fence', lambda: all(
                stats(ns)['truncated'] >= before[ns]['truncated'] + want[ns]['truncated']
                for ns in VIEWS))
        except Fail as e:
            raise Fail('%s %s: %s; counted %s, want %s' % (self.fam, what, e, delta(before), want))
        got = delta(before)
        if got != want:
            raise Fail('%s %s: counted %s, want %s' % (self.fam, what, got, want))
        if port is not None:
            c, s = ep(self.caddr, port), ep(self.saddr, 80)
            for ns in VIEWS:
                row = flow(ns, c, s)
                saw = want[ns].get('created')
                if tracked and saw:
                    st = (row['cstate'], row['sstate'], int(row['c_bytes'])) if row else None
                    if st != tracked:
                        raise Fail('%s %s: %s shows %s, want %s' % (self.fam, what, ns, st, tracked))
                elif row:
                    raise Fail('%s %s: %s tracks it: %s' % (self.fam, what, ns, row))
        log('ok   %-5s %-7s %-44s %s' % (self.fam, kind, what, shown))


TRACKED_SYN = {'segments': 1, 'created': 1}


def tcp_cases(c):
    """Truncated TCP headers: the hook counts each as truncated, both views
    (the IP layer checks no TCP length before PRE_ROUTING)."""
    for n in (0, 1, 12, 19):
        p = c.new_port()
        c.run('tcp', 'TCP header of %d bytes' % n, [c.ip(c.syn(p)[:n])],
              {'truncated': 1}, port=p)
    for doff in range(5):
        p = c.new_port()
        c.run('tcp', 'data offset %d' % doff, [c.ip(c.syn(p, doff=doff, payload=DATA))],
              {'truncated': 1}, port=p)
    for doff, pay in ((6, b''), (15, b''), (15, bytes(36)), (8, bytes(8))):
        p = c.new_port()
        c.run('tcp', 'data offset %d, %d bytes after the header' % (doff, len(pay)),
              [c.ip(c.syn(p, doff=doff, payload=pay))], {'truncated': 1}, port=p)
    # The options fit, the payload is exactly the header: a valid SYN.
    p = c.new_port()
    c.run('tcp', 'data offset 15, 40 bytes of NOP', [c.ip(c.syn(p, opts=b'\1' * 40))],
          TRACKED_SYN, (SS, LI, 0), p)


# Option garbage on SYNs: tcpfsm_parse_tcp() stops at the first malformed
# option ("malformed: ignore the rest"), so every one of these is tracked.
GARBAGE = {
    'option length 0': b'\x08\x00' + bytes(10),
    'option length 1': b'\x02\x01\x04\x00',
    'option length 255': b'\x02\xff\x05\xb4',
    'wscale length 255 after NOPs': b'\x01\x01\x03\xff\x07\x00\x00\x00',
    'option kind as last byte': b'\x01\x01\x01\x03',
    'option length past the header': b'\x01\x01\x08\x0a\x00\x00\x00\x00',
    'wscale length 2': b'\x03\x02\x0e\x00',
    'wscale length 4, scale 255': b'\x03\x04\xff\x00',
    'unknown kind 253, length 40': b'\xfd\x28' + bytes(38),
    '40 bytes of 0xff': b'\xff' * 40,
    'EOL then garbage': b'\x00\x03\xff\xff' + b'\xee' * 36,
}


def option_cases(c):
    for what, opts in GARBAGE.items():
        p = c.new_port()
        c.run('options', what, [c.ip(c.syn(p, opts=opts))], TRACKED_SYN, (SS, LI, 0), p)


def ip_cases(c):
    """IPv4 options of garbage: the hook skips ihl words, tracks the SYN.
    sink's stack compiles the options (and drops the packet) only after its
    PRE_ROUTING hook."""
    if c.fam != 'IPv4':
        return
    for what, opts in (('IPv4 options: 40 bytes of 0xff', b'\xff' * 40),
                       ('IPv4 options: length 0', b'\x07\x00\x00\x00')):
        p = c.new_port()
        c.run('ip', what, [ip4(c.caddr, c.saddr, c.syn(p), opts=opts)],
              TRACKED_SYN, (SS, LI, 0), p)


# Linux 7 (7.2 at least: IP6_MAX_EXT_HDRS_CNT in include/net/ipv6.h; 6.12
# has none) stops ipv6_find_hdr() after 12 extension headers.
EXT6_LIMIT = 12 if int(os.uname().release.split('.')[0]) >= 7 else 1 << 30


def ext6_cases(c):
    """Extension-header chains: ipv6_find_hdr() walks them to the TCP header
    (up to 6.12 it has no limit on their number; from 7, 12)."""
    if c.fam != 'IPv6':
        return
    chains = {
        'hop-by-hop': [HOP],
        'routing (type 4, no segment left)': [ROUTING],
        'destination options': [DEST],
        'authentication header': [AUTH],
        'hop-by-hop, dstopts, routing, dstopts': [HOP, DEST, ROUTING, DEST],
        '12 headers': [HOP] + [DEST] * 5 + [ROUTING, AUTH] + [DEST] * 4,
        '24 headers': [HOP] + [DEST] * 10 + [ROUTING] + [DEST] * 12,
    }
    for what, kinds in chains.items():
        p = c.new_port()
        if len(kinds) > EXT6_LIMIT:
            # Past the kernel's limit ipv6_find_hdr() fails: no TCP header.
            c.run('ext6', what, [chain6(c.caddr, c.saddr, kinds, c.syn(p))],
                  {'truncated': 1}, port=p)
            continue
        c.run('ext6', what, [chain6(c.caddr, c.saddr, kinds, c.syn(p))],
              TRACKED_SYN, (SS, LI, 0), p)
    # Truncated chains.  ipv6_find_hdr() fails (-EBADMSG) on a header cut
    # inside its first two bytes; a header whose length runs past the packet
    # leaves the offset past the end, where tcpfsm_parse_tcp() finds no TCP
    # header: truncated either way.
    p = c.new_port()
    c.run('ext6', 'dstopts cut after its first byte', [ip6(c.caddr, c.saddr, bytes([TCP]), DEST)],
          {'truncated': 1})
    p = c.new_port()
    cut = chain6(c.caddr, c.saddr, [HOP] + [DEST] * 10, c.syn(p)[:10])
    c.run('ext6', '11 headers, the TCP header cut to 10 bytes', [cut],
          {'truncated': 1}, port=p)
    p = c.new_port()
    body = bytes([TCP, 4]) + bytes(6) + c.syn(p)          # says 40 bytes, has 28
    c.run('ext6', 'dstopts length past the packet', [ip6(c.caddr, c.saddr, body, DEST)],
          {'truncated': 1}, port=p)
    # The same with a hop-by-hop header: x counts it at LOCAL_OUT, but sink's
    # ip6_rcv_core() parses hop-by-hop options before PRE_ROUTING and drops
    # the packet there: sink never sees it.
    p = c.new_port()
    body = bytes([TCP, 4]) + bytes(6) + c.syn(p)
    c.run('ext6', 'hop-by-hop length past the packet', [ip6(c.caddr, c.saddr, body, HOP)],
          {'x': {'truncated': 1}, 'sink': {}}, port=p)


def frag_cases(c):
    defrag = MODE == 'defrag'
    pair = ((0, 32, 1), (32, 68, 0))

    def t(port):
        return c.syn(port, payload=DATA)

    def frags(port, pieces, **kw):
        return fragments(c.caddr, c.saddr, t(port), pieces, (0x2300 + port) & 0xffff, **kw)

    # Fragments netfilter's defragmentation holds (waiting for the rest,
    # until ipfrag_time) or drops (overlapping: RFC 5722, and Linux does the
    # same for IPv4) never reach the hook: nothing counted.  Without it,
    # each fragment is counted and skipped.  An overlapping IPv6 fragment
    # is dropped with NF_DROP (ipv6_defrag()), which fails x's sendto();
    # IPv4's defrag frees it and says NF_STOLEN.
    held = [('first fragment alone', [pair[0]], 0),
            ('non-first fragment alone', [pair[1]], 0),
            ('overlapping fragments', [(0, 32, 1), (24, 68, 0)], int(c.fam == 'IPv6')),
            ('three fragments, the middle one missing', [(0, 24, 1), (48, 68, 0)], 0)]
    for what, pieces, refused in held:
        p = c.new_port()
        c.run('frag', what, frags(p, pieces), {} if defrag else {'fragments': len(pieces)},
              port=p, refused=refused if defrag else 0)
    p = c.new_port()
    if defrag:
        c.run('frag', 'complete pair: tracked whole', frags(p, pair),
              TRACKED_SYN, (SS, LI, len(DATA)), p)
    else:
        c.run('frag', 'complete pair: both counted', frags(p, pair), {'fragments': 2}, port=p)
    p = c.new_port()
    pieces = ((0, 24, 1), (24, 40, 1), (40, 68, 0))
    if defrag:
        c.run('frag', 'three fragments out of order: tracked whole',
              frags(p, pieces)[::-1], TRACKED_SYN, (SS, LI, len(DATA)), p)
    else:
        c.run('frag', 'three fragments out of order', frags(p, pieces)[::-1],
              {'fragments': 3}, port=p)
    if c.fam != 'IPv6':
        return
    # An atomic fragment (offset 0, no MF): defragmentation "reassembles" it,
    # taking the fragment header out, so the hook tracks the SYN; without
    # defragmentation it is a fragment like any other.
    p = c.new_port()
    c.run('frag', 'atomic fragment', frags(p, [(0, 68, 0)]),
          TRACKED_SYN if defrag else {'fragments': 1}, (SS, LI, len(DATA)), p)
    # A first fragment without the whole TCP header: nf_ct_frag6_gather()
    # lets it through untouched (ipv6frag_thdr_truncated(), RFC 8200 4.5),
    # so even with defragmentation the hook gets a fragment: counted as one.
    p = c.new_port()
    c.run('frag', 'first fragment with 8 bytes of TCP', frags(p, [(0, 8, 1)]),
          {'fragments': 1}, port=p)
    # A non-first fragment whose fragment header names a destination options
    # header as the next one (RFC 8200 4.5: the fragmentable part may start
    # with one, as it does with AH): README says any IPv6 packet with a
    # fragment header is counted in fragments.  ipv6_find_hdr() fails on it
    # (-ENOENT), and the hook used to count that as truncated.
    p = c.new_port()
    c.run('frag', 'non-first fragment, next header dstopts',
          frags(p, [pair[1]], nxt6=DEST), {} if defrag else {'fragments': 1}, port=p)


# ---- every flag byte on an established connection ---------------------------

def seg_kind(b):
    """tcpfsm_seg_kind(), restated: PSH, ECE and CWR masked off; any RST is a
    RST; then only these combinations are valid."""
    f = b & ~(PSH | ECE | CWR)
    if f & RST:
        return 'RST'
    return {SYN: 'SYN', SYN | URG: 'SYN', SYN | ACK: 'SYN/ACK', FIN | ACK: 'FIN',
            FIN | ACK | URG: 'FIN', ACK: 'ACK', ACK | URG: 'ACK'}.get(f, 'INVALID')


# What the client's segment at its next sequence number, acknowledging all
# the server sent, does to an established connection (both ESTABLISHED):
#   RST      exact sequence number: accepted, both CLOSED (IN_RST)
#   SYN      a SYN on a synchronised connection, not the opening one again
#            (tcpfsm_syn_retransmit() wants its sequence number): unexpected
#   SYN/ACK  IN_SYNACK, ESTABLISHED stays ESTABLISHED ("retransmitted
#            SYN/ACK after the handshake"): accepted, no change
#   FIN      active close: FIN-WAIT-1 / CLOSE-WAIT
#   ACK      no change
#   INVALID  bad_flags, no change
OUTCOME = {'RST': ((CL, CL), None), 'SYN': ((ES, ES), 'invalid_unexpected'),
           'SYN/ACK': ((ES, ES), None), 'FIN': ((F1, CW), None),
           'ACK': ((ES, ES), None), 'INVALID': ((ES, ES), 'invalid_bad_flags')}


def flag_cases(c):
    cr, ca, sa = c.cr, c.caddr, c.saddr
    base = c.new_port()
    Case.port += 255
    flows256 = [(base + b, 1000000 + 4096 * b, 7000000 + 4096 * b) for b in range(256)]

    def phase(what, send, n):
        before = snap()
        for port, cisn, sisn in flows256:
            send(port, cisn, sisn)
        wait_for(what, lambda: all(stats(ns)['segments'] >= before[ns]['segments'] + n
                                   for ns in VIEWS))
        return before

    def rows():
        out = {}
        for ns in VIEWS:
            out[ns] = {r['client']: r for r in flows(ns) if r['server'] == ep(sa, 80)}
        return out

    def C(port, flags, seq, ack):
        cr.send(ca, sa, port, 80, flags, seq, ack)

    def S(port, flags, seq, ack):
        cr.send(sa, ca, 80, port, flags, seq, ack)

    before = phase('256 SYNs', lambda p, ci, si: C(p, SYN, ci, 0), 256)
    phase('256 SYN/ACKs', lambda p, ci, si: S(p, SYN | ACK, si, ci + 1), 256)
    phase('256 ACKs', lambda p, ci, si: C(p, ACK, ci + 1, si + 1), 256)
    got = delta(before)
    want = {'segments': 768, 'created': 256}
    if got != {ns: want for ns in VIEWS}:
        raise Fail('%s 256 handshakes: counted %s, want %s' % (c.fam, got, want))
    r = rows()
    for port, _, _ in flows256:
        for ns in VIEWS:
            row = r[ns].get(ep(ca, port))
            if not row or (row['cstate'], row['sstate']) != (ES, ES):
                raise Fail('%s handshake on port %d: %s shows %s' % (c.fam, port, ns, row))
    log('ok   %-5s %-7s %-44s' % (c.fam, 'flags', '256 crafted connections ESTABLISHED'))

    before = phase('256 flag bytes', lambda p, ci, si: C(p, p - base, ci + 1, si + 1), 256)
    got = delta(before)
    refused = collections.Counter(OUTCOME[seg_kind(b)][1] for b in range(256))
    want = {'segments': 256}
    want.update({k: n for k, n in refused.items() if k})
    if got != {ns: want for ns in VIEWS}:
        raise Fail('%s 256 flag bytes: counted %s, want %s' % (c.fam, got, want))
    r = rows()
    kinds = collections.Counter()
    for port, _, _ in flows256:
        b = port - base
        kind = seg_kind(b)
        (cst, sst), reason = OUTCOME[kind]
        for ns in VIEWS:
            row = r[ns].get(ep(ca, port))
            st = (row['cstate'], row['sstate'], int(row['invalid'])) if row else None
            if st != (cst, sst, int(bool(reason))):
                raise Fail('%s flags 0x%02x (%s): %s shows %s, want %s' %
                           (c.fam, b, kind, ns, st, (cst, sst, int(bool(reason)))))
        kinds[kind] += 1
        FIGURE[(c.fam, 'flags')] += 1
    log('ok   %-5s %-7s %-44s %s' % (c.fam, 'flags', '256 flag bytes: states and counters',
                                     ', '.join('%s %d' % kv for kv in sorted(kinds.items()))))
    log('ok   %-5s %-7s %-44s %s' % (c.fam, 'flags', 'refused, by reason',
                                     ', '.join('%s %d' % kv for kv in sorted(want.items()))))


# ---- afterwards: a real connection ------------------------------------------

def real_connection(caddr, saddr, port):
    """Listener in b, client in a: tracked exactly (tcpfsm's states equal the
    kernel's sockets' at every step, packet counts equal the socket's)."""
    views = ['a', 'b']
    before = {ns: stats(ns) for ns in views}
    lst = listener('b', saddr, port)
    cl = connect('a', caddr, saddr, port + 1, port)
    conn = Conn(ep(caddr, port + 1), ep(saddr, port), views, 'a', 'b')
    sv = accept(lst)
    lst.close()
    conn.expect(ES, ES, 'real: established')
    cl.sendall(b'c' * 3000)
    if len(sv.recv(3000, socket.MSG_WAITALL)) != 3000:
        raise Fail('real: short read')
    conn.expect(ES, ES, 'real: after data')
    expect_counts(conn, cl, views)
    cl.shutdown(socket.SHUT_WR)
    conn.expect(F2, CW, 'real: client FIN, acked')
    if read_eof(sv) != b'':
        raise Fail('real: data after EOF')
    sv.close()
    conn.expect(TW, CL, 'real: server FIN, final ACK')
    expect_counts(conn, cl, views)
    cl.close()
    for ns in views:
        bad = {k: stats(ns)[k] - before[ns][k] for k in COUNTED
               if k.startswith('invalid_') or k in ('truncated', 'fragments')}
        if any(bad.values()) or conn.row(ns)['invalid'] != '0':
            raise Fail('real connection: %s counted %s, flow invalid %s' %
                       (ns, bad, conn.row(ns)['invalid']))
    log('ok   %-28s nothing refused or skipped' % 'real connection')


def scenario(topo):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    x, sink = topo.ns('x'), topo.ns('sink')
    topo.link(x, sink, '10.23.0', 'fd23')
    topo.route(x, '10.23.1.0/24', '10.23.0.2', 'fd23:1::/64', 'fd23::2')
    cr = Crafter(x)
    cases = [frag_cases] if MODE == 'nodefrag' else \
        [tcp_cases, option_cases, ip_cases, ext6_cases, frag_cases, flag_cases]
    for fam, ca, sa in (('IPv4', '10.23.1.1', '10.23.1.2'), ('IPv6', 'fd23:1::1', 'fd23:1::2')):
        log('--- %s %s %s -> %s' % (MODE, fam, ca, sa))
        c = Case(cr, fam, ca, sa)
        for case in cases:
            case(c)
    log('--- %s: a real connection afterwards' % MODE)
    a, b = topo.ns('a'), topo.ns('b')
    topo.link(a, b, '10.23.5', 'fd23:5')
    for caddr, saddr, port in (('10.23.5.1', '10.23.5.2', 2300), ('fd23:5::1', 'fd23:5::2', 2302)):
        real_connection(caddr, saddr, port)
    kinds = sorted({k for _, k in FIGURE})
    log('--- malformed cases sent (%s)' % MODE)
    log('  %-8s' % 'family' + ''.join('%9s' % k for k in kinds) + '%9s' % 'total')
    for fam in ('IPv4', 'IPv6'):
        n = [FIGURE[(fam, k)] for k in kinds]
        log('  %-8s' % fam + ''.join('%9d' % v for v in n) + '%9d' % sum(n))
    if FAILED:
        raise Fail('%d of %d cases failed: %s' % (len(FAILED), sum(FIGURE.values()),
                                                  '; '.join(FAILED)))


if __name__ == '__main__':
    main(scenario)
