#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The summary (SUMMARY_GET, `tcpfsm summary`) with real sockets over
loopback in a namespace: at every quiet point it equals what /proc/net/tcpfsm
lists (flows, flows by client and server state, endpoints by state; its pairs
add up to its flows), its transitions count every handshake's changes, its
handshake histogram has every handshake, another namespace's summary is
untouched, a SUMMARY_GET do with all-netns is refused with EINVAL and the
kernel's reason, and the text form says the same as the JSON.

usage: summary.py
Needs the module loaded with timeout_time_wait, timeout_closed of a few seconds.
"""
import socket
import struct

from nlabuse import NLM_F_ACK, NLM_F_REQUEST, Nl, attr
from tcpfsm import (TCPFSM, Conn, Fail, abort, accept, connect, ep, expect_summary, listener,
                    log, main, ns_run, summary, wait_for)

ES, F2, CW, CL = 'ESTABLISHED', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSED'
SUMMARY_GET, A_ALL_NETNS = 5, 12
A_NETNS_COOKIE, A_NETNS_INO, A_SUMMARY = 13, 14, 15
EINVAL = 22


def transitions(s):
    return {(t['endpoint'], t['from'], t['to']): t['count'] for t in s['transitions']}


def scenario(topo):
    ns, quiet = topo.ns('sum'), topo.ns('quiet')
    views = [ns]
    socks = []
    expect_summary(ns, 'empty')
    if summary(ns)['flows'] != 0:
        raise Fail('a new namespace has flows')

    def opened(addr, cport, what):
        """A connection to its own listener, closed once it accepted: the
        kernel's server state is then the connection's own."""
        lst = listener(ns, addr, cport - 33000)
        cl = connect(ns, addr, addr, cport, cport - 33000)
        sv = accept(lst)
        lst.close()
        conn = Conn(ep(addr, cport), ep(addr, cport - 33000), views, ns, ns)
        conn.expect(ES, ES, what)
        return cl, sv, conn

    # Three established, two families.
    for i, addr in enumerate(('127.0.0.1', '::1', '127.0.0.1')):
        cl, sv, _ = opened(addr, 41000 + i, 'established %d' % i)
        socks.append((cl, sv))

    # One half closed: client FIN-WAIT-2, server CLOSE-WAIT.
    cl, sv, half = opened('127.0.0.1', 41010, 'half: established')
    cl.shutdown(socket.SHUT_WR)
    half.expect(F2, CW, 'half: FIN-WAIT-2/CLOSE-WAIT')
    socks.append((cl, sv))

    # One reset: CLOSED on both sides until timeout_closed.
    cl, sv, rst = opened('::1', 41011, 'reset: established')
    abort(cl)
    sv.close()
    rst.expect(CL, CL, 'reset: CLOSED/CLOSED')

    s = summary(ns)
    pairs = {(p['client'], p['server']): p['flows'] for p in s['pairs']}
    if pairs.get((ES, ES)) != 3 or pairs.get((F2, CW)) != 1:
        raise Fail('pairs %s' % pairs)
    if (s['client'][F2], s['server'][CW], s['endpoints'][ES]) != (1, 1, 6):
        raise Fail('by endpoint: client %s server %s endpoints %s' %
                   (s['client'], s['server'], s['endpoints']))
    # Five handshakes, each client SYN-SENT -> ESTABLISHED once and each
    # server LISTEN -> SYN-RECEIVED -> ESTABLISHED.
    tr = transitions(s)
    for k in (('client', 'SYN-SENT', ES), ('server', 'LISTEN', 'SYN-RECEIVED'),
              ('server', 'SYN-RECEIVED', ES)):
        if tr.get(k) != 5:
            raise Fail('transition %s: %s, want 5 (all: %s)' % (k, tr.get(k), tr))
    if tr.get(('client', ES, 'FIN-WAIT-1')) != 1 or tr.get(('server', ES, CW)) != 1:
        raise Fail('closing transitions: %s' % tr)
    log('ok   %-28s pairs, endpoints, transitions' % 'counts')

    rtt = s['rtt']
    bounds = [b['le_us'] for b in rtt['buckets']]
    if rtt['count'] != 5 or sum(b['count'] for b in rtt['buckets']) != 5 or not rtt['sum_us']:
        raise Fail('rtt: %s' % rtt)
    if len(bounds) != 15 or bounds[-1] != '+Inf' or bounds[:-1] != sorted(bounds[:-1]):
        raise Fail('rtt buckets: %s' % bounds)
    log('ok   %-28s 5 handshakes, 15 buckets' % 'rtt histogram')

    q = summary(quiet)
    if q['flows'] or q['pairs'] or q['transitions'] or q['rtt']['count']:
        raise Fail('namespace quiet sees summary of sum: %s' % q)
    log('ok   %-28s another namespace untouched' % 'isolation')

    # The text form: the same flows, pairs and states.  The reset flow
    # leaves when timeout_closed ends, which on a slow emulated CPU can fall
    # between two reads: compare with the JSON read just before and after.
    def text_agrees():
        before = summary(ns)['flows']
        text = ns_run(ns, TCPFSM, 'summary').stdout
        if summary(ns)['flows'] != before:
            return None
        if 'Flows: %d' % before not in text or 'FIN-WAIT-2' not in text or \
                'CLOSE-WAIT' not in text:
            raise Fail('tcpfsm summary text, %d flows:\n%s' % (before, text))
        return text
    wait_for('tcpfsm summary text agrees with the JSON', text_agrees)

    # A do with all-netns is refused: it needs a dump.
    nl = Nl()
    r = nl.request(SUMMARY_GET, attr(A_ALL_NETNS, b''), NLM_F_REQUEST | NLM_F_ACK)
    if r.kind != 'error' or r.err != EINVAL or 'all-netns needs a dump' not in (r.msg or ''):
        raise Fail('SUMMARY_GET do with all-netns: %s errno %s %r' % (r.kind, r.err, r.msg))
    r = nl.request(SUMMARY_GET, b'', NLM_F_REQUEST | NLM_F_ACK)
    if r.kind != 'do' or len(r.msgs) != 1:
        raise Fail('SUMMARY_GET do: %s errno %s' % (r.kind, r.err))
    body = r.msgs[0]
    tops = set()
    off = 20
    while off < len(body):
        ln, typ = struct.unpack_from('HH', body, off)
        tops.add(typ & 0x3fff)
        off += (ln + 3) & ~3
    if not {A_NETNS_COOKIE, A_NETNS_INO, A_SUMMARY} <= tops:
        raise Fail('SUMMARY_GET reply without summary, netns-cookie, netns-ino: %s' % tops)
    nl.close()
    log('ok   %-28s EINVAL "all-netns needs a dump"; reply has netns ids' % 'do')

    # Everything closes and goes: the gauges drop to 0, the counters stay.
    for cl, sv in socks:
        abort(cl)
        sv.close()
    wait_for('every flow gone', lambda: summary(ns)['flows'] == 0)
    expect_summary(ns, 'all gone')
    after = summary(ns)
    if after['pairs'] or any(after['endpoints'].values()) or \
            transitions(after).get(('client', 'SYN-SENT', ES)) != 5:
        raise Fail('after the flows went: %s' % after)
    log('ok   %-28s gauges 0, transitions kept' % 'all gone')


if __name__ == '__main__':
    main(scenario)
