#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Many concurrent connections over loopback in one namespace.

usage: load.py COUNT MAX_FLOWS
Opens COUNT connections at once, echoes data on each, closes them all, and
checks: every connection worked (a monitor never harms traffic); with
MAX_FLOWS >= COUNT every flow was tracked, established, then expired; with
MAX_FLOWS < COUNT the table never held more than MAX_FLOWS and evictions were
counted.
"""
import resource
import selectors
import socket
import sys

from tcpfsm import Fail, flows, log, main, netns, ns_run, stats, sysctl, wait_for

COUNT, MAX = int(sys.argv[1]), int(sys.argv[2])


def open_all(ns):
    resource.setrlimit(resource.RLIMIT_NOFILE, (3 * COUNT + 100, 3 * COUNT + 100))
    with netns(ns):
        lst = socket.socket()
        lst.bind(('127.0.0.1', 7000))
        lst.listen(COUNT)
        lst.setblocking(False)
        clients, servers = [], []
        sel = selectors.DefaultSelector()
        sel.register(lst, selectors.EVENT_READ)
        peak = 0
        while len(servers) < COUNT:
            while len(clients) < COUNT and len(clients) - len(servers) < 256:
                c = socket.socket()
                c.setblocking(False)
                c.connect_ex(('127.0.0.1', 7000))
                clients.append(c)
            for _ in sel.select(timeout=5):
                try:
                    while True:
                        servers.append(lst.accept()[0])
                except BlockingIOError:
                    pass
            peak = max(peak, stats(ns)['flows'])
        lst.close()
    return clients, servers, peak


def echo_all(clients, servers):
    for c in clients:
        c.setblocking(True)
        c.settimeout(60)
        c.send(b'ping')
    for s in servers:
        s.settimeout(60)
        s.send(s.recv(4))
    for c in clients:
        if c.recv(4) != b'ping':
            raise Fail('a connection lost its data')
    log('ok   %d connections carried data' % COUNT)


def scenario(topo):
    ns = topo.ns('load')
    sysctl(ns, 'net.core.somaxconn', COUNT)
    sysctl(ns, 'net.ipv4.ip_local_port_range', '20000 60000')
    sysctl(ns, 'net.ipv4.tcp_max_syn_backlog', COUNT)
    clients, servers, peak = open_all(ns)
    echo_all(clients, servers)
    st = stats(ns)
    log('     flows %d, created %d, evicted %d, not tracked %d, peak %d' %
        (st['flows'], st['created'], st['evicted'], st['not_tracked'], peak))
    if MAX >= COUNT:
        rows = flows(ns)
        established = sum(1 for f in rows if f['cstate'] == f['sstate'] == 'ESTABLISHED')
        if established != COUNT:
            odd = [f for f in rows if not f['cstate'] == f['sstate'] == 'ESTABLISHED']
            raise Fail('%d of %d flows shown ESTABLISHED; others: %s; stats %s' %
                       (established, COUNT, odd[:10], stats(ns)))
        log('ok   all %d flows tracked and ESTABLISHED' % COUNT)
    else:
        if max(st['flows'], peak) > MAX or st['flows_total'] > MAX:
            raise Fail('table above max_flows %d: %d' % (MAX, st['flows']))
        if st['evicted'] + st['not_tracked'] == 0:
            raise Fail('table full but nothing evicted or refused')
        log('ok   table bounded at %d, %d evicted' % (MAX, st['evicted']))
    for c in clients:
        c.close()
    for s in servers:
        s.close()
    # Only the counters while draining: reading thousands of rows took the
    # emulated CPU the closing connections needed (140 s on the debug kernel).
    try:
        wait_for('all flows to expire', lambda: stats(ns)['flows'] == 0, deadline=300)
    except Fail:
        left = flows(ns)[:10]
        ports = {r.split(':')[-1] for f in left for r in (f['client'], f['server'])} - {'7000'}
        kernel = [l for l in ns_run(ns, 'ss', '-tanoi').stdout.splitlines()
                  if any(':' + p + ' ' in l for p in ports)]
        raise Fail('flows left: %s; stats %s; the kernel shows: %s; %s' %
                   (left, stats(ns), kernel,
                    ns_run(ns, 'nstat', '-az', 'TcpRetransSegs', 'TcpExtTCPBacklogDrop',
                           'TcpExtTW*', 'TcpExtTCPTimeouts', 'TcpExtPAWS*').stdout))
    st = stats(ns)
    log('ok   all flows expired (created %d, closed %d, expired %d, evicted %d)' %
        (st['created'], st['closed'], st['expired'], st['evicted']))


main(scenario)
