#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Real sockets, IPv4 and IPv6, over veth between two namespaces or over
loopback: both endpoints' states at every quiet point, as tcpfsm shows them in
every namespace that sees the connection, equal to the kernel's own sockets.

usage: states.py veth|loopback|forward
forward: the connection crosses a router namespace, which must track it once
with the same counters as both ends.
Needs the module loaded with timeouts (time_wait, closed, syn_sent, listen)
longer than the slowest kernel takes to check a state: a flow that leaves
under the checks fails them.  At the end the test shortens them in every
view (`tcpfsm config`), which applies to flows already in the table.
"""
import socket
import sys

from tcpfsm import (TCPFSM, Conn, Fail, accept, abort, connect, ep, expect_counts, flows,
                    ip_batch, listener, log, main, ns_run, read_eof)

MODE = sys.argv[1]
ES, SS, LI = 'ESTABLISHED', 'SYN-SENT', 'LISTEN'
F1, F2, CW, LA, TW, CL = 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'LAST-ACK', 'TIME-WAIT', 'CLOSED'


def setup(topo):
    """Returns client ns, server ns, the namespaces that see the connection,
    and the address pairs to use."""
    if MODE == 'veth':
        c, s = topo.ns('c'), topo.ns('s')
        topo.link(c, s, '10.77.0', 'fd77')
        topo.route(c, '10.77.9.0/24', '10.77.0.2', 'fd77:9::/64', 'fd77::2')
        # s drops these silently (IPv6 would answer "no route" otherwise)
        ip_batch(s, 'route add blackhole 10.77.9.0/24', 'route add blackhole fd77:9::/64')
        return c, s, [c, s], [('10.77.0.1', '10.77.0.2'), ('fd77::1', 'fd77::2')]
    if MODE == 'forward':
        c, r, s = topo.ns('c'), topo.ns('r', forward=True), topo.ns('s')
        topo.link(c, r, '10.78.0', 'fd78:0')
        topo.link(r, s, '10.78.1', 'fd78:1')
        topo.route(c, '10.78.1.0/24', '10.78.0.2', 'fd78:1::/64', 'fd78:0::2')
        topo.route(s, '10.78.0.0/24', '10.78.1.1', 'fd78:0::/64', 'fd78:1::1')
        return c, s, [c, r, s], [('10.78.0.1', '10.78.1.2'), ('fd78:0::1', 'fd78:1::2')]
    lo = topo.ns('lo1')
    return lo, lo, [lo], [('127.0.0.1', '127.0.0.1'), ('::1', '::1')]


def opened(c, s, caddr, saddr, sport, views):
    lst = listener(s, saddr, 8000 + sport % 100)
    cl = connect(c, caddr, saddr, sport, 8000 + sport % 100)
    conn = Conn(ep(caddr, sport), ep(saddr, 8000 + sport % 100), views, c, s)
    sv = accept(lst)
    lst.close()
    conn.expect(ES, ES, 'established')
    cl.sendall(b'c' * 3000)
    assert len(sv.recv(3000, socket.MSG_WAITALL)) == 3000
    sv.sendall(b's' * 1000)
    assert len(cl.recv(1000, socket.MSG_WAITALL)) == 1000
    conn.expect(ES, ES, 'after data both ways')
    expect_counts(conn, cl, views)
    for ns in ('elsewhere', None):
        if flows(ns):
            raise Fail('namespace %s sees flows of others: %s' % (ns, flows(ns)))
    return conn, cl, sv


def client_closes_first(c, s, caddr, saddr, views):
    conn, cl, sv = opened(c, s, caddr, saddr, 40001, views)
    cl.shutdown(socket.SHUT_WR)
    conn.expect(F2, CW, 'client FIN, acked')
    sv.sendall(b'half-closed but talking')
    assert cl.recv(100) == b'half-closed but talking'
    assert read_eof(sv) == b''
    conn.expect(F2, CW, 'data after half-close')
    sv.close()
    conn.expect(TW, CL, 'server FIN, final ACK')
    expect_counts(conn, cl, views)
    cl.close()
    return conn, 'gone after TIME-WAIT'


def server_closes_first(c, s, caddr, saddr, views):
    conn, cl, sv = opened(c, s, caddr, saddr, 40002, views)
    sv.close()
    conn.expect(CW, F2, 'server FIN, acked')
    assert read_eof(cl) == b''
    cl.close()
    conn.expect(CL, TW, 'client FIN, final ACK')
    return conn, 'gone after TIME-WAIT'


def reset(c, s, caddr, saddr, views):
    conn, cl, sv = opened(c, s, caddr, saddr, 40003, views)
    abort(cl)
    conn.expect(CL, CL, 'client RST (SO_LINGER 0)')
    sv.close()
    return conn, 'gone after CLOSED'


def unanswered_syn(c, s, caddr, saddr, views):
    """A SYN nobody answers: the server is shown in LISTEN; on veth the server
    side drops it after its hook saw it (the address is not its own)."""
    if MODE != 'veth':
        return None
    dst = '10.77.9.1' if '.' in caddr else 'fd77:9::1'
    cl = connect(c, caddr, dst, 40004, 9000, block=False)
    conn = Conn(ep(caddr, 40004), ep(dst, 9000), views, cns=c)
    conn.expect(SS, LI, 'SYN, unanswered')
    cl.close()
    return conn, 'gone after SYN-SENT timeout'


def scenario(topo):
    c, s, views, pairs = setup(topo)
    topo.ns('elsewhere')
    ending = []
    for caddr, saddr in pairs:
        log('--- %s -> %s over %s' % (caddr, saddr, MODE))
        for case in (client_closes_first, server_closes_first, reset, unanswered_syn):
            ending.append(case(c, s, caddr, saddr, views))
    # Every flow leaves once its timeout, shortened now, has passed: the
    # GC reads the timeouts as it goes, and a flow whose time is past
    # leaves at its next visit.
    log('--- flows leave after their timeouts')
    for ns in views:
        ns_run(ns, TCPFSM, 'config', 'timeout_time_wait=1', 'timeout_closed=1',
               'timeout_syn_sent=1', 'timeout_listen=1')
    for conn, what in filter(None, ending):
        conn.expect_gone(what)


main(scenario, watch=True)
