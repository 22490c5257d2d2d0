#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Stuck endpoints with real sockets between two namespaces over veth:
a server that never closes after its peer's FIN (server CLOSE-WAIT, client
FIN-WAIT-2) and a client whose SYNs an nft rule drops in the server's
namespace (client SYN-SENT).  With thresholds of 1 s (stuck_syn_sent at
load, the others through `tcpfsm config`), every view flags the stuck
endpoints in /proc ('c', 's'), `tcpfsm list --stuck` lists exactly those
flows with their flags, the summary counts them by state, each endpoint is
flagged once per stay (its flow's generation moves once), and the flags go
when the endpoints move on.

usage: stuck.py
Needs the module loaded with stuck_syn_sent=1.
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile

from tcpfsm import (TCPFSM, Conn, Fail, _in_ns, accept, connect, ep, expect_summary, flow,
                    listener, log, main, ns_run, summary, wait_for)

ES, SS, LI, F2, CW = 'ESTABLISHED', 'SYN-SENT', 'LISTEN', 'FIN-WAIT-2', 'CLOSE-WAIT'
CADDR, SADDR = '10.79.0.1', '10.79.0.2'


def cli(ns, *args):
    p = ns_run(ns, TCPFSM, *args, check=False)
    if p.returncode:
        raise Fail('tcpfsm %s in %s: status %d: %s' % (' '.join(args), ns, p.returncode,
                                                       p.stderr.strip()))
    return p.stdout


def listed(ns, *args):
    out = cli(ns, 'list', '--json', *args)
    return json.loads(out) if out.strip() else []


def key(f):
    return ('%s:%d' % (f['client'], f['client_port']), '%s:%d' % (f['server'], f['server_port']))


def letters(ns, conn):
    row = flow(ns, conn.client, conn.server)
    return row['flags'] if row else None


def stuck_counts(ns):
    return {k: v for k, v in summary(ns)['stuck'].items() if v}


class StuckEvents:
    """`tcpfsm watch --json --groups stuck` in ns, if this CLI and module
    deliver stuck events (the events side's work); else None."""

    @staticmethod
    def start(ns, tmp):
        out, err = os.path.join(tmp, 'stuck.%s' % ns), os.path.join(tmp, 'stuck.%s.err' % ns)
        with _in_ns(ns) as kw, open(out, 'w') as o, open(err, 'w') as e:
            p = subprocess.Popen([TCPFSM, 'watch', '--json', '--groups', 'stuck'],
                                 stdout=o, stderr=e, **kw)
        w = StuckEvents()
        w.proc, w.out = p, out

        def ready():
            if p.poll() is not None:
                return 'exited'
            return 'ready' if any(ev.get('event') == 'ready' for ev in w.events()) else None
        if wait_for('tcpfsm watch --groups stuck in %s' % ns, ready) == 'exited':
            with open(err) as f:
                log('note stuck events not delivered by this build (%s): the event check '
                    'is left to the merge with the events side' % f.read().strip()[:120])
            return None
        return w

    def events(self):
        with open(self.out) as f:
            return [json.loads(line) for line in f.read().split('\n')[:-1]]

    def stuck(self):
        """{(client, server, endpoint): count} of stuck events so far."""
        out = {}
        for ev in self.events():
            if ev.get('event') != 'stuck':
                continue
            k = key(ev['flow']) + (ev['endpoint'],)
            out[k] = out.get(k, 0) + 1
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def scenario(topo):
    c, s = topo.ns('c'), topo.ns('s')
    topo.link(c, s, '10.79.0', 'fd79')
    views = [c, s]
    # s drops the SYNs to port 9: the client waits in SYN-SENT.
    p = ns_run(s, 'nft', '-f', '-', check=False, stdin=(
        'table inet stuck {\n'
        '\tchain in {\n'
        '\t\ttype filter hook input priority 0; policy accept;\n'
        '\t\ttcp dport 9 drop\n'
        '\t}\n'
        '}\n'))
    if p.returncode:
        raise Fail('nft in %s: %s' % (s, p.stderr.strip()))

    # The thresholds: SYN-SENT's from the module parameter, the others set here.
    for ns in views:
        cfg = json.loads(cli(ns, 'config', '--json'))
        if cfg.get('stuck_syn_sent') != 1 or cfg.get('stuck_close_wait') != 60:
            raise Fail('config in %s: stuck_syn_sent %s (loaded 1), stuck_close_wait %s '
                       '(default 60)' % (ns, cfg.get('stuck_syn_sent'), cfg.get('stuck_close_wait')))
        cli(ns, 'config', 'stuck_close_wait=1', 'stuck_fin_wait_2=2')
        cfg = json.loads(cli(ns, 'config', '--json'))
        if (cfg['stuck_close_wait'], cfg['stuck_fin_wait_2']) != (1, 2):
            raise Fail('config in %s did not take: %s' % (ns, cfg))
    log('ok   thresholds                   syn-sent 1 s (parameter), close-wait 1 s, '
        'fin-wait-2 2 s (config)')
    # A namespace's thresholds are its own.
    other = topo.ns('other')
    if json.loads(cli(other, 'config', '--json'))['stuck_close_wait'] != 60:
        raise Fail('config set in c and s changed namespace other')

    tmp = tempfile.mkdtemp(prefix='tcpfsm-stuck.')
    events = StuckEvents.start(c, tmp)

    # A healthy connection, never stuck: the filter must leave it out.
    lst = listener(s, SADDR, 8000)
    ok_cl = connect(c, CADDR, SADDR, 40000, 8000)
    ok_sv = accept(lst)
    healthy = Conn(ep(CADDR, 40000), ep(SADDR, 8000), views, c, s)
    healthy.expect(ES, ES, 'healthy established')

    # The client closes, the server never does.
    cl = connect(c, CADDR, SADDR, 40001, 8000)
    sv = accept(lst)
    half = Conn(ep(CADDR, 40001), ep(SADDR, 8000), views, c, s)
    half.expect(ES, ES, 'half: established')
    cl.shutdown(socket.SHUT_WR)
    wait_for('half: flags c and s in both views',
             lambda: all(letters(ns, half) and 'c' in letters(ns, half) and
                         's' in letters(ns, half) for ns in views))
    half.expect(F2, CW, 'half: FIN-WAIT-2/CLOSE-WAIT')
    log('ok   %-28s both endpoints flagged (c s) in c and s' % 'half-closed stuck')
    gen = {ns: [f for f in listed(ns) if key(f) == (half.client, half.server)][0]['gen']
           for ns in views}

    # SYNs into the void.
    syn = connect(c, CADDR, SADDR, 40002, 9, block=False)
    void = Conn(ep(CADDR, 40002), ep(SADDR, 9), views, c, None)
    wait_for('void: flag c in both views',
             lambda: all(letters(ns, void) and 'c' in letters(ns, void) for ns in views))
    for ns in views:
        row = flow(ns, void.client, void.server)
        if (row['cstate'], row['sstate']) != (SS, LI) or 's' in row['flags']:
            raise Fail('void in %s: %s/%s flags %s' % (ns, row['cstate'], row['sstate'],
                                                        row['flags']))
    log('ok   %-28s client flagged (c) in c and s' % 'SYN-SENT stuck')

    # The half-closed flow was flagged before the void flow was created;
    # the void one was flagged a second later, by a later GC pass, which
    # went over the half-closed one again: its generation must not have moved.
    for ns in views:
        now = [f for f in listed(ns) if key(f) == (half.client, half.server)][0]['gen']
        if now != gen[ns]:
            raise Fail('half in %s: generation %d -> %d: flagged again' % (ns, gen[ns], now))
    log('ok   %-28s once per stay' % 'no repeated marks')

    for ns in views:
        got = sorted((key(f), tuple(f['flags'])) for f in listed(ns, '--stuck'))
        want = sorted([((half.client, half.server), ('client-stuck', 'server-stuck')),
                       ((void.client, void.server), ('client-stuck',))])
        if got != want:
            raise Fail('list --stuck in %s: %s, want %s' % (ns, got, want))
        if stuck_counts(ns) != {F2: 1, CW: 1, SS: 1}:
            raise Fail('summary stuck in %s: %s' % (ns, stuck_counts(ns)))
        expect_summary(ns, 'stuck')
    log('ok   %-28s list --stuck, summary stuck counts' % 'views')

    if events:
        want = {(half.client, half.server, 'client'): 1, (half.client, half.server, 'server'): 1,
                (void.client, void.server, 'client'): 1}
        wait_for('one stuck event per endpoint', lambda: events.stuck() == want)
        log('ok   %-28s one per endpoint' % 'stuck events')

    # The server closes at last: both ends move on, the flags go.
    sv.close()
    wait_for('half: no stuck flag once both moved on',
             lambda: all(letters(ns, half) is None or not set('cs') & set(letters(ns, half))
                         for ns in views))
    for ns in views:
        counts = stuck_counts(ns)
        if counts != {SS: 1}:
            raise Fail('summary stuck in %s after the close: %s' % (ns, counts))
        expect_summary(ns, 'after the close')
    log('ok   %-28s flags and counts gone' % 'moved on')

    # The void flow goes with its socket (the RST it sends is dropped too, the
    # flow times out later): close the client and drop the thresholds.
    syn.close()
    cl.close()
    ok_cl.close()
    ok_sv.close()
    lst.close()
    if events:
        events.stop()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main(scenario, watch=False)
