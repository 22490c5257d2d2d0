#!/usr/bin/env bash
# The kernel's own netlink CLI, tools/net/ynl/cli.py of linux-source-6.12,
# knowing tcpfsm only from Documentation/netlink/tcpfsm.yaml, speaks to the
# module: a flow-get dump (plain and filtered) and a flow-get do find a
# connection made here, stats-get gives the counters of
# /proc/net/stat/tcpfsm, config-set sets a timeout that config-get reads
# back, and --subscribe receives the new, change and destroy events of a
# second connection.
# tcpfsm-timeout: 240
. "$(dirname "$0")/lib.sh"

# scripts/check unpacks the tree on the host (scripts/unpack-source 6.12)
# and names its ynl directory; the VM sees the host's cache where it is.
ynl=${TCPFSM_YNL:-/var/cache/tcpfsm/src/linux-6.12/tools/net/ynl}
[[ -f $ynl/cli.py ]] || fail "no cli.py in $ynl (scripts/unpack-source 6.12 on the host)"
export TCPFSM_DEADLINE=60
tmp=$(mktemp -d)
tcpfsm_load timeout_time_wait=2
netns_pair a b 10.55.1 fd00:55::

# Servers, clients, the CLI's runs and the checks in one python process:
# each process start costs seconds on the debug kernel.
/usr/bin/python3 - "$ynl" "$TCPFSM_REPO/Documentation/netlink/tcpfsm.yaml" "$tmp" \
	"$NS1_V4" "$NS2_V4" <<'PY' || fail "ynl cli"
import json, os, socket, subprocess, sys, time
import yaml
from tcpfsm import DEADLINE, Fail, _in_ns, ep, flow, listener, log, netns, stats, wait_for

ynl, spec, tmp, client, server = sys.argv[1:6]
cli_py = os.path.join(ynl, 'cli.py')
with open(spec) as f:
    proto = yaml.safe_load(f).get('protocol', 'genetlink')
# cli.py looks for the schema beside the kernel's specs (specs/..), not ours.
# Validating the spec takes seconds under emulation: the first run does it
# (and lint:ynl on the host), the others do not.
schema = os.path.realpath(os.path.join(ynl, '../../../Documentation/netlink', proto + '.yaml'))
base = [sys.executable, cli_py, '--spec', spec, '--output-json']


def cli(*args, validate=False):
    """cli.py ARGS in namespace a: its JSON output, parsed."""
    with _in_ns('a') as kw:
        p = subprocess.run(base + (['--schema', schema] if validate else ['--no-schema']) +
                           list(args), capture_output=True, text=True,
                           timeout=4 * DEADLINE, **kw)
    if p.returncode or p.stderr:
        raise Fail('cli.py %s: status %d: %s' % (' '.join(args), p.returncode,
                                                 (p.stderr or p.stdout).strip()))
    return json.loads(p.stdout)


# cli.py --subscribe GROUP --sleep N joins GROUP, sleeps N seconds, then
# prints what came.  Its sleep is replaced here by a wait that ends when the
# test says the connection is over (at the latest after N seconds), and
# that first tells the test the group is joined.
SUBSCRIBE = r'''
import os, runpy, sys, time
cli, ready, go = sys.argv[1:4]
sys.argv = [cli] + sys.argv[4:]
sys.path.insert(0, os.path.dirname(cli))
sleep = time.sleep


def until_go(limit):
    open(ready, 'w').close()
    end, pause = time.monotonic() + limit, 0.02
    while not os.path.exists(go) and time.monotonic() < end:
        sleep(pause)
        pause = min(pause * 1.5, 0.5)


time.sleep = until_go
runpy.run_path(cli, run_name='__main__')
'''
go = os.path.join(tmp, 'go')
subs = {}
for g in ('new', 'change', 'destroy'):
    ready, out = os.path.join(tmp, 'ready.' + g), open(os.path.join(tmp, 'events.' + g), 'w')
    args = [sys.executable, '-c', SUBSCRIBE, cli_py, ready, go] + base[2:] + [
        '--no-schema', '--subscribe', g, '--sleep', str(int(8 * DEADLINE))]
    with _in_ns('a') as kw:
        subs[g] = (subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE, text=True, **kw),
                   ready, out)

# ---- one connection, open: the dumps and the do find it ----
lst = listener('b', server, 5055)
with netns('a'):
    c = socket.create_connection((server, 5055), timeout=DEADLINE)
s, _ = lst.accept()
c.sendall(b'hello')
assert s.recv(5) == b'hello'
cport = c.getsockname()[1]
wait_for('the flow ESTABLISHED', lambda: (flow('a', ep(client, cport), ep(server, 5055)) or {})
         .get('cstate') == 'ESTABLISHED')


def ours(msgs, port):
    return [m['flow'] for m in msgs if 'flow' in m and m['flow']['tuple']['server-port'] == port]


msgs = cli('--dump', 'flow-get', validate=True)
assert 'dump' in msgs[0] and msgs[0]['dump'].get('full') is True, msgs[:1]
got = ours(msgs, 5055)
assert len(got) == 1, msgs
f = got[0]
want_tuple = {'family': socket.AF_INET, 'client-addr': socket.inet_aton(client).hex(),
              'server-addr': socket.inet_aton(server).hex(), 'client-port': cport,
              'server-port': 5055}
assert f['tuple'] == want_tuple, f
assert (f['client-state'], f['server-state']) == ('established', 'established'), f
assert f['client-bytes'] == 5 and f['client-packets'] >= 2 and f['gen'] > 0, f
assert f['gen'] <= msgs[0]['dump']['gen'], (f, msgs[0])
log('ok   flow-get dump: %s' % f)

# Filters are the kernel's: one that matches, one that cannot.
msgs = cli('--dump', 'flow-get', '--json', json.dumps(
    {'filter': {'server-port': 5055, 'state-mask': ['established'], 'family': socket.AF_INET}}))
assert [m['tuple'] for m in ours(msgs, 5055)] == [want_tuple] and \
    len([m for m in msgs if 'flow' in m]) == 1, msgs
msgs = cli('--dump', 'flow-get', '--json', json.dumps(
    {'filter': {'server-port': 5055, 'client-state-mask': ['time-wait', 'closed']}}))
assert not [m for m in msgs if 'flow' in m], msgs
log('ok   flow-get dump, filtered in the kernel')

# The do, by the tuple in the other orientation.
rev = {'family': socket.AF_INET, 'client-addr': want_tuple['server-addr'],
       'server-addr': want_tuple['client-addr'], 'client-port': 5055, 'server-port': cport}
r = cli('--do', 'flow-get', '--json', json.dumps({'tuple': rev}))
assert r['flow']['tuple'] == want_tuple and r['flow']['client-state'] == 'established', r
log('ok   flow-get do')

# ---- stats-get: /proc/net/stat/tcpfsm's counters, read around it ----
before = stats('a')
reply = cli('--do', 'stats-get')
st = reply['stats']
after = stats('a')
# The module's version, as modinfo has it: what a daemon talks to.
with open('/sys/module/tcpfsm/version') as f:
    assert reply.get('version') == f.read().strip(), reply.get('version')
flat = {k.replace('-', '_'): v for k, v in st.items() if k != 'invalid'}
flat.update({'invalid_' + k.replace('-', '_'): v for k, v in st['invalid'].items()})
assert set(flat) == set(before), (sorted(flat), sorted(before))
for k, v in flat.items():
    assert min(before[k], after[k]) <= v <= max(before[k], after[k]), (k, v, before[k], after[k])
assert st['created'] >= 1 and st['flows'] >= 1 and st['segments'] >= 4, st
assert st['flow-bytes'] > 0 and st['flow6-bytes'] > st['flow-bytes'], st
log('ok   stats-get (module %s): %s' % (reply['version'], st))

# ---- config-set, then config-get ----
cfg = cli('--do', 'config-get')['config']
with open('/sys/module/tcpfsm/parameters/timeout_established') as fp:
    assert cfg['timeout']['established'] == int(fp.read()), cfg
assert cfg['timeout']['time-wait'] == 2, cfg
assert cli('--do', 'config-set', '--json',
           json.dumps({'config': {'timeout': {'established': 4321}, 'pickup': 0}})) is None
cfg2 = cli('--do', 'config-get')['config']
assert cfg2['timeout']['established'] == 4321 and cfg2['pickup'] == 0, cfg2
assert {k: v for k, v in cfg2['timeout'].items() if k != 'established'} == \
    {k: v for k, v in cfg['timeout'].items() if k != 'established'}, (cfg, cfg2)
log('ok   config-set / config-get: %s' % cfg2)

# ---- --subscribe: the events of a second connection ----
for g, (p, ready, _) in subs.items():
    wait_for('cli.py --subscribe %s joined' % g,
             lambda: os.path.exists(ready) or p.poll() is not None, deadline=4 * DEADLINE)
    if p.poll() is not None:
        raise Fail('cli.py --subscribe %s exited: %s' % (g, p.stderr.read()))
lst2 = listener('b', server, 5056)
with netns('a'):
    c2 = socket.create_connection((server, 5056), timeout=DEADLINE)
s2, _ = lst2.accept()
c2port = c2.getsockname()[1]
c2.sendall(b'bye')
c2.shutdown(socket.SHUT_WR)
s2.settimeout(DEADLINE)
while s2.recv(4096):
    pass
s2.close()
c2.settimeout(DEADLINE)
while c2.recv(4096):
    pass
c2.close()
# TIME-WAIT lasts 2 s (timeout_time_wait), then CLOSED, then the destroy.
wait_for('the second flow destroyed',
         lambda: flow('a', ep(client, c2port), ep(server, 5056)) is None)
open(go, 'w').close()
events = {}
for g, (p, _, out) in subs.items():
    try:
        p.wait(timeout=4 * DEADLINE)
    except subprocess.TimeoutExpired:
        p.kill()
        raise Fail('cli.py --subscribe %s did not end' % g)
    out.close()
    err = p.stderr.read()
    if p.returncode or err:
        raise Fail('cli.py --subscribe %s: status %d: %s' % (g, p.returncode, err.strip()))
    with open(out.name) as fp:
        events[g] = [e for e in json.load(fp)
                     if e['msg']['flow']['tuple']['server-port'] == 5056 and
                     e['msg']['flow']['tuple']['client-port'] == c2port]
    assert all(e['name'] == 'flow-' + g for e in events[g]), (g, events[g])
    seqs = [e['msg']['event']['seq'] for e in events[g]]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else True, (g, seqs)

new, changes, destroy = events['new'], events['change'], events['destroy']
assert len(new) == 1 and len(destroy) == 1, events
n = new[0]['msg']
assert (n['flow']['client-state'], n['flow']['server-state']) == ('syn-sent', 'listen'), n
# Every change follows from the one before it, from the new flow's states to
# CLOSED on both sides.
state = {'client': 'syn-sent', 'server': 'listen'}
for e in changes:
    ev = e['msg']['event']
    assert ev['old-state'] == state[ev['endpoint']], (ev, state, changes)
    state[ev['endpoint']] = ev['new-state']
assert state == {'client': 'closed', 'server': 'closed'}, (state, changes)
steps = [(e['msg']['event']['endpoint'], e['msg']['event']['new-state']) for e in changes]
for want in (('client', 'established'), ('server', 'syn-received'), ('server', 'established'),
             ('client', 'fin-wait-1'), ('client', 'time-wait')):
    assert want in steps, (want, steps)
d = destroy[0]['msg']
assert d['event']['reason'] in ('closed', 'time-wait'), d
gens = [n['event']['gen']] + [e['msg']['event']['gen'] for e in changes] + [d['event']['gen']]
assert gens == sorted(gens), gens
log('ok   --subscribe: new, %d changes, destroy (%s)' % (len(changes), d['event']['reason']))
c.close()
s.close()
PY
rm -rf "$tmp"
