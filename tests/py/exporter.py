# SPDX-License-Identifier: GPL-2.0
"""tcpfsm exporter scraped by a real Prometheus (tests/64-exporter.sh).

exporter.py EXPORTER_URL PROMETHEUS_URL KO EXPORTER_PID

With the exporter and Prometheus already running (in this namespace, on
loopback): N connections held open are the ESTABLISHED count PromQL gives,
as /proc/net/tcpfsm does; connections that churn give a positive transition
rate; rmmod makes tcpfsm_up 0, insmod brings it and the metrics back, the
exporter still the same process.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

from tcpfsm import Fail, flows, log, wait_for

EXPORTER, PROM, KO, PID = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
N = 20
PORT = 7464
EXPORTER_PORT = int(urllib.parse.urlparse(EXPORTER).port)
PROM_PORT = int(urllib.parse.urlparse(PROM).port)


def get(url, accept=None):
    req = urllib.request.Request(url, headers={'Accept': accept} if accept else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode()


def query(expr):
    """The instant vector of expr, as {labels (sorted tuple): value}."""
    out = json.loads(get('%s/api/v1/query?%s' % (PROM, urllib.parse.urlencode({'query': expr}))))
    if out.get('status') != 'success':
        raise Fail('query %s: %s' % (expr, out))
    return {tuple(sorted(s['metric'].items())): float(s['value'][1]) for s in out['data']['result']}


def one(expr):
    """The single value of expr, or None when it has no (or many) samples."""
    v = query(expr)
    return next(iter(v.values())) if len(v) == 1 else None


def target():
    """What Prometheus last saw of its one target: health, error, how long
    the scrape took."""
    t = json.loads(get(PROM + '/api/v1/targets'))['data']['activeTargets'][0]
    return {k: t.get(k) for k in ('health', 'lastError', 'lastScrape', 'lastScrapeDuration')}


def prom_wait(what, cond, deadline=120):
    """wait_for a PromQL condition; on a timeout, say what the scrapes did."""
    try:
        wait_for(what, cond, deadline=deadline)
    except Fail as e:
        raise Fail('%s; target %s' % (e, target()))


def alive():
    try:
        os.kill(PID, 0)
    except OSError:
        raise Fail('the exporter (pid %d) is gone' % PID)


def est_flows(port=None, exclude=()):
    """ESTABLISHED/ESTABLISHED rows of /proc/net/tcpfsm (to port), not to the ports in exclude."""
    n = 0
    for r in flows(None):
        sport = int(r['server'].rsplit(':', 1)[1])
        if r['cstate'] == r['sstate'] == 'ESTABLISHED' and \
                (port is None or sport == port) and sport not in exclude:
            n += 1
    return n


def held_connections():
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(('127.0.0.1', PORT))
    lst.listen(128)
    clients = [socket.create_connection(('127.0.0.1', PORT), timeout=30) for _ in range(N)]
    servers = [lst.accept()[0] for _ in range(N)]
    wait_for('%d held connections ESTABLISHED in /proc' % N, lambda: est_flows(PORT) == N)
    log('ok   %d connections held open, ESTABLISHED/ESTABLISHED in /proc/net/tcpfsm' % N)

    # At a quiet point, PromQL's count is /proc's: the held connections and
    # Prometheus's own (kept alive) scrape connection, not its API's,
    # which this poll opens and closes.
    seen = {}

    def same():
        alive()
        want = est_flows(exclude=(PROM_PORT,))
        got = one('tcpfsm_flows{client_state="ESTABLISHED",server_state="ESTABLISHED"}')
        scrape = est_flows(EXPORTER_PORT)
        seen.update(want=want, got=got, scrape=scrape)
        return got == want and want == N + scrape
    try:
        prom_wait('PromQL ESTABLISHED flows = /proc', same, deadline=120)
    except Fail as e:
        raise Fail('%s: %s' % (e, seen))
    log('ok   PromQL tcpfsm_flows{ESTABLISHED,ESTABLISHED} = %d = /proc (%d held + %d scrape)' %
        (seen['got'], N, seen['scrape']))

    def endpoints():
        got = one('tcpfsm_endpoints{state="ESTABLISHED"}')
        want = 2 * est_flows(exclude=(PROM_PORT,))
        return got == want
    prom_wait('PromQL ESTABLISHED endpoints = 2 x flows', endpoints, deadline=120)
    log('ok   PromQL tcpfsm_endpoints{state="ESTABLISHED"} = twice the flows')
    prom_wait('handshake RTT histogram', lambda: (one('tcpfsm_handshake_rtt_seconds_count') or 0) >= N,
              deadline=60)
    log('ok   PromQL tcpfsm_handshake_rtt_seconds_count >= %d' % N)
    for s in clients + servers:
        s.close()
    lst.close()


def churn():
    """Connections opened and closed over and over until told to stop."""
    stop = threading.Event()
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(('127.0.0.1', PORT + 1))
    lst.listen(128)

    def serve():
        while not stop.is_set():
            try:
                c, _ = lst.accept()
            except OSError:
                return
            c.close()

    def connect():
        while not stop.is_set():
            with socket.create_connection(('127.0.0.1', PORT + 1), timeout=30) as c:
                c.recv(1)
    threads = [threading.Thread(target=f, daemon=True) for f in (serve, connect)]
    for t in threads:
        t.start()
    try:
        expr = 'sum(rate(tcpfsm_transitions_total[10s]))'
        prom_wait('a positive transition rate', lambda: alive() or (one(expr) or 0) > 0, deadline=120)
        log('ok   PromQL %s = %.1f/s while connections churn' % (expr, one(expr) or 0))
        expr = 'sum(rate(tcpfsm_transitions_total{endpoint="server",from="SYN-RECEIVED",to="ESTABLISHED"}[10s]))'
        prom_wait('servers established', lambda: (one(expr) or 0) > 0, deadline=60)
        log('ok   PromQL server SYN-RECEIVED -> ESTABLISHED rate positive')
        expr = 'rate(tcpfsm_flows_created_total[10s])'
        prom_wait('flows created', lambda: (one(expr) or 0) > 0, deadline=60)
        log('ok   PromQL rate(tcpfsm_flows_created_total[10s]) positive')
    finally:
        stop.set()
        lst.close()
        for t in threads:
            t.join(30)


def exposition_says(pattern_line):
    return pattern_line in get(EXPORTER + '/metrics').split('\n')


def reload():
    subprocess.run(['rmmod', 'tcpfsm'], check=True)
    wait_for('the exporter says tcpfsm_up 0', lambda: alive() or exposition_says('tcpfsm_up 0'))
    log('ok   rmmod: the exporter answers tcpfsm_up 0')
    prom_wait('PromQL tcpfsm_up 0', lambda: one('tcpfsm_up') == 0, deadline=120)
    # A series the module gave and no longer does goes stale: no sample.
    prom_wait('PromQL: no endpoints while unloaded',
              lambda: not query('tcpfsm_endpoints') and not query('tcpfsm_segments_total'), deadline=120)
    log('ok   PromQL tcpfsm_up = 0, the module\'s series gone stale')
    subprocess.run(['insmod', KO], check=True)
    prom_wait('PromQL tcpfsm_up 1', lambda: alive() or one('tcpfsm_up') == 1, deadline=120)
    prom_wait('PromQL: endpoints back', lambda: len(query('tcpfsm_endpoints')) == 11, deadline=120)
    prom_wait('PromQL: module_info back', lambda: query('tcpfsm_module_info'), deadline=120)
    alive()
    log('ok   insmod: tcpfsm_up = 1 and the metrics are back, same exporter process')


def main():
    try:
        held_connections()
        churn()
        reload()
    except Fail as e:
        log('FAIL %s' % e)
        sys.exit(1)
    log('PASS')


main()
