#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The demo, inside the VM: real connections between two namespaces and what
/proc/net/tcpfsm (and `tcpfsm watch`, when built) shows at each moment."""
import os
import socket
import subprocess
import sys
import urllib.request

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(repo, 'tests', 'py'))
# The helpers check the summary with the CLI at every quiet point, as the tests do.
os.environ.setdefault('TCPFSM_TOOLS', os.path.join(repo, 'tools', 'tcpfsm'))
from tcpfsm import (IP, Conn, Topology, abort, accept, connect, ep,  # noqa: E402
                    listener, netns, ns_run, read_eof, read_ns, wait_for)

CLI = os.path.join(repo, 'tools', 'tcpfsm', 'tcpfsm')


def show(title, conn_list, cstate, sstate):
    for conn in conn_list:
        conn.expect(cstate, sstate, title)
    print('\n## %s\n$ cat /proc/net/tcpfsm        (in namespace "client")' % title)
    print(read_ns('client', '/proc/net/tcpfsm'), end='', flush=True)


def cli(ns, *args):
    """Run the CLI in namespace @ns and print what a user would type and see."""
    print('\n$ tcpfsm %s        (in namespace "client")' % ' '.join(args))
    print(ns_run(ns, CLI, *args).stdout, end='', flush=True)


def stuck_and_summary(c):
    """A server that does not close: CLOSE-WAIT past its threshold is stuck."""
    print('\n## A server that never closes: CLOSE-WAIT past its stuck threshold')
    cli(c, 'config', 'stuck_close_wait=1')
    wait_for('a stuck server endpoint',
             lambda: ns_run(c, CLI, 'list', '--stuck', '--json').stdout.count('CLOSE-WAIT') >= 2)
    cli(c, 'list', '--stuck')
    cli(c, 'summary')
    scrape(c)


def scrape(c):
    """What Prometheus would read from `tcpfsm exporter`."""
    with netns(c):
        exp = subprocess.Popen([CLI, 'exporter', '--listen', '127.0.0.1:9475'],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def get():
            with netns(c):
                try:
                    with urllib.request.urlopen('http://127.0.0.1:9475/metrics', timeout=5) as r:
                        return r.read().decode()
                except OSError:
                    return None
        body = wait_for('the exporter to answer', get)
        print('\n$ curl -s http://127.0.0.1:9475/metrics | grep -E "^tcpfsm_(endpoints|stuck)"'
              '        (tcpfsm exporter, in namespace "client")')
        print('# (the scrapes\' own loopback connections are flows of this namespace too)')
        for line in body.splitlines():
            if line.startswith(('tcpfsm_endpoints{', 'tcpfsm_stuck_endpoints{')) and \
                    not line.endswith(' 0'):
                print(line)
    finally:
        exp.terminate()
        exp.wait(timeout=30)


def main():
    topo = Topology()
    c, s = topo.ns('client'), topo.ns('server')
    topo.link(c, s, '10.0.0', 'fd00')
    ns_run(c, IP, 'route', 'add', '192.0.2.0/24', 'via', '10.0.0.2')
    watch = None
    if os.access(CLI, os.X_OK):
        with netns(c):
            watch = subprocess.Popen([CLI, 'watch'], stdout=subprocess.PIPE, text=True)
    try:
        print('\n## A SYN that nobody answers: the server is shown in LISTEN')
        lone = connect(c, '10.0.0.1', '192.0.2.1', 41000, 80, block=False)
        show('after the SYN', [Conn(ep('10.0.0.1', 41000), ep('192.0.2.1', 80), [c], cns=c)],
             'SYN-SENT', 'LISTEN')
        conns, socks = [], []
        for caddr, saddr, port in (('10.0.0.1', '10.0.0.2', 40000), ('fd00::1', 'fd00::2', 40001)):
            lst = listener(s, saddr, 80)
            cl = connect(c, caddr, saddr, port, 80)
            sv = accept(lst)
            lst.close()
            cl.sendall(b'GET / HTTP/1.0\r\n\r\n')
            sv.recv(100)
            conns.append(Conn(ep(caddr, port), ep(saddr, 80), [c, s], c, s))
            socks.append((cl, sv))
        show('IPv4 and IPv6 connections established, data sent', conns, 'ESTABLISHED', 'ESTABLISHED')
        for cl, sv in socks:
            cl.shutdown(socket.SHUT_WR)
        show('the clients closed their side (shutdown): server still talking', conns,
             'FIN-WAIT-2', 'CLOSE-WAIT')
        if os.access(CLI, os.X_OK):
            stuck_and_summary(c)
        cl, sv = socks[0]
        sv.sendall(b'HTTP/1.0 200 OK\r\n\r\nhello')
        read_eof(sv)
        sv.close()
        show('the IPv4 server closed too: TIME-WAIT on the side that closed first',
             conns[:1], 'TIME-WAIT', 'CLOSED')
        abort(socks[1][1])
        show('the IPv6 server reset its connection (SO_LINGER 0)', conns[1:], 'CLOSED', 'CLOSED')
        lone.close()
        print('\n$ cat /proc/net/stat/tcpfsm     (in namespace "client")')
        print(read_ns(c, '/proc/net/stat/tcpfsm'), end='')
    finally:
        if watch:
            watch.terminate()
            out = watch.communicate(timeout=30)[0]
            print('\n$ tcpfsm watch                  (in namespace "client", during all of the above)')
            print(out, end='')
        topo.cleanup()


main()
