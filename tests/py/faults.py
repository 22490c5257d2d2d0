#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Load and unload tcpfsm ROUNDS times under everything a user can do to
it at once: usage faults.py ROUNDS (tests/py/churn.py must be running, in
the initial namespace, on 127.0.0.1:7100).

Each round, with the module loaded:
  - its slab caches exist (/sys/kernel/slab/tcpfsm_flow4 and 6), so that
    their absence after the unload means something;
  - a `tcpfsm watch --json` listener starts and sees churn's flows;
  - a namespace made in the previous round, whose connections stayed open
    through the unload and the load, carries data again: its flows are
    tracked afresh (picked up mid-stream); then it is deleted with them;
  - two namespaces are made, each with connections tcpfsm tracks as
    ESTABLISHED there: one is deleted, with its flows, right before the
    unload (its cleanup races the module's exit), the other survives it;
  - throughout, /proc/net/tcpfsm and /proc/net/stat/tcpfsm are read in a
    loop (a file kept open across the unload too), and slow dumps
    (`tcpfsm list --rcvbuf 4096 --read-delay-ms 20`) run back to back;
  - the unload is tried, without waiting, from the moment a dump holds the
    module, until it goes.
A dump or a read the unload cuts may fail; none may hang (a dump gets 120
s) or die by a signal, and a dump that succeeds prints a well-formed list.
The listener must not hang either: after the unload it has printed the
unload's destroy events or exited by itself (a loss it could not repair
with the family gone), not by a signal.  After the last round nothing of
the module is left: no module, no /proc files, no slab caches, no family.
"""
import ctypes
import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from tcpfsm import (IP, TCPFSM, Fail, IFF_UP, abort, accept, connect, flows, if_flags,
                    listener, log, netns, run, wait_for)

ROUNDS = int(sys.argv[1])
KO = os.environ['TCPFSM_KO']
CONNS = 4
SLABS = ('/sys/kernel/slab/tcpfsm_flow4', '/sys/kernel/slab/tcpfsm_flow6')
LEFT = SLABS + ('/sys/module/tcpfsm', '/proc/net/tcpfsm', '/proc/net/stat/tcpfsm')
NR_FINIT_MODULE, NR_DELETE_MODULE = 313, 176      # x86_64
_libc = ctypes.CDLL(None, use_errno=True)
stop = threading.Event()
count = {k: 0 for k in ('reads', 'read_fail', 'dumps', 'dump_fail', 'dump_flows',
                        'dumps_7100', 'busy', 'events', 'unload_destroys', 'ns', 'conns')}
errors = []


def insmod():
    """finit_module(2): what insmod does, without a process to start."""
    fd = os.open(KO, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.syscall(ctypes.c_long(NR_FINIT_MODULE), ctypes.c_long(fd),
                         ctypes.c_char_p(b''), ctypes.c_long(0)):
            raise Fail('insmod: %s' % os.strerror(ctypes.get_errno()))
    finally:
        os.close(fd)


def try_rmmod():
    """delete_module(2) with O_NONBLOCK, as rmmod: False while in use."""
    if _libc.syscall(ctypes.c_long(NR_DELETE_MODULE), ctypes.c_char_p(b'tcpfsm'),
                     ctypes.c_long(os.O_NONBLOCK)) == 0:
        return True
    e = ctypes.get_errno()
    if e in (errno.EAGAIN, errno.EBUSY):
        count['busy'] += 1
        return False
    raise Fail('rmmod: %s' % os.strerror(e))


def refcnt():
    with open('/sys/module/tcpfsm/refcnt') as f:
        return int(f.read())


# The reader and the dumper are threads of this process: paths through
# /proc/thread-self, since /proc/self/net is the main thread's namespace,
# which visits others.
def guarded(fn):
    """A thread's unexpected exception is the main thread's failure."""
    def run_it():
        try:
            fn()
        except Exception as e:      # noqa: BLE001 - reported by check_threads
            errors.append('%s: %r' % (fn.__name__, e))
    return run_it


@guarded
def reader():
    kept = None
    while not stop.is_set():
        for name in ('tcpfsm', 'stat/tcpfsm'):
            try:
                with open('/proc/thread-self/net/' + name) as f:
                    f.read()
                count['reads'] += 1
            except OSError:
                count['read_fail'] += 1
                stop.wait(0.01)     # no module: do not spin
        # One file stays open from one load to the next: reads of it after
        # the unload fail (EIO), never crash.
        try:
            if kept is None:
                kept = os.open('/proc/thread-self/net/tcpfsm', os.O_RDONLY)
            os.lseek(kept, 0, os.SEEK_SET)
            while os.read(kept, 65536):
                pass
            count['reads'] += 1
        except OSError:
            count['read_fail'] += 1
            if kept is not None:
                os.close(kept)
                kept = None
    if kept is not None:
        os.close(kept)


@guarded
def dumper():
    while not stop.is_set():
        try:
            p = subprocess.run([TCPFSM, 'list', '--json', '--rcvbuf', '4096',
                                '--read-delay-ms', '20'], capture_output=True, text=True,
                               timeout=120)
        except subprocess.TimeoutExpired:
            errors.append('tcpfsm list hung for 120 s')
            return
        if p.returncode < 0:
            errors.append('tcpfsm list died of signal %d: %s' % (-p.returncode, p.stderr))
            return
        if p.returncode:
            count['dump_fail'] += 1
            stop.wait(0.05)     # no module: do not spin starting processes
            continue
        try:
            got = json.loads(p.stdout)
            assert all('client_port' in f and 'server_state' in f for f in got)
        except (ValueError, AssertionError):
            errors.append('tcpfsm list printed a bad list: %r' % p.stdout[:300])
            return
        count['dumps'] += 1
        count['dump_flows'] += len(got)
        count['dumps_7100'] += any(f['server_port'] == 7100 for f in got)


class Space:
    """A namespace holding CONNS loopback connections (server port PORT)."""

    def __init__(self, name, port):
        self.name, self.port = name, port
        run(IP, 'netns', 'add', name)
        if_flags(name, 'lo', add=IFF_UP)
        self.lst = listener(name, '127.0.0.1', port)
        self.socks = []
        for i in range(CONNS):
            c = connect(name, '127.0.0.1', '127.0.0.1', port + 1 + i, port)
            self.socks += [c, accept(self.lst)]
        count['ns'] += 1
        count['conns'] += CONNS

    def tracked(self, state=None):
        def ok():
            rows = [r for r in flows(self.name) if r['server'] == '127.0.0.1:%d' % self.port]
            return len(rows) == CONNS and all(
                state is None or (r['cstate'], r['sstate']) == (state, state) for r in rows)
        wait_for('%d flows tracked in %s' % (CONNS, self.name), ok)

    def talk(self):
        for s in self.socks:
            s.sendall(b'x')
        for s in self.socks:
            s.settimeout(30)
            if s.recv(1) != b'x':
                raise Fail('%s: a connection lost its data' % self.name)

    def delete(self):
        for s in self.socks + [self.lst]:
            abort(s)
        run(IP, 'netns', 'del', self.name)


class Listener:
    def __init__(self, tmp, rnd):
        self.out = os.path.join(tmp, 'watch.%d' % rnd)
        self.err = self.out + '.err'
        with open(self.out, 'w') as o, open(self.err, 'w') as e:
            self.proc = subprocess.Popen([TCPFSM, 'watch', '--json'], stdout=o, stderr=e)
        wait_for('tcpfsm watch ready', lambda: any(e['event'] == 'ready' for e in self.events()))

    def events(self):
        with open(self.out) as f:
            text = f.read()
        try:
            return [json.loads(line) for line in text.split('\n')[:-1]]
        except ValueError:
            raise Fail('tcpfsm watch printed a line that is not JSON: %r' % text[-300:])

    def seen_7100(self):
        return any(e['event'] == 'new' and e['flow']['server_port'] == 7100
                   for e in self.events())

    def unloaded(self):
        return self.proc.poll() is not None or any(
            e['event'] == 'destroy' and e.get('reason') == 'unload' for e in self.events())

    def finish(self):
        wait_for('the listener to hear the unload or give up', self.unloaded)
        exited = self.proc.poll() is not None
        if not exited:
            self.proc.terminate()
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise Fail('tcpfsm watch ignored SIGTERM after the unload')
        if rc < 0 and (exited or rc != -signal.SIGTERM):
            raise Fail('tcpfsm watch died of signal %d' % -rc)
        with open(self.err) as f:
            self.said = f.read().strip().split('\n')[-1]
        evs = self.events()
        count['events'] += sum(e['event'] in ('new', 'change', 'destroy') for e in evs)
        count['unload_destroys'] += sum(e['event'] == 'destroy' and
                                        e.get('reason') == 'unload' for e in evs)
        return exited, rc


def check_threads():
    if errors:
        raise Fail('; '.join(errors))


def scenario(tmp):
    threads = [threading.Thread(target=f, daemon=True) for f in (reader, dumper)]
    for t in threads:
        t.start()
    carried = None
    gave_up = 0
    for rnd in range(1, ROUNDS + 1):
        insmod()
        missing = [p for p in SLABS + ('/proc/net/tcpfsm',) if not os.path.exists(p)]
        if missing:
            raise Fail('round %d: loaded, but no %s' % (rnd, ', '.join(missing)))
        w = Listener(tmp, rnd)
        if carried:
            carried.talk()
            carried.tracked()
            carried.delete()
        port = 8000 + 10 * (rnd % 2)
        kept = Space('f%da' % rnd, port)
        doomed = Space('f%db' % rnd, 9000)
        kept.tracked('ESTABLISHED')
        doomed.tracked('ESTABLISHED')
        wait_for('churn tracked', lambda: any(r['server'] == '127.0.0.1:7100'
                                              for r in flows(None)))
        wait_for('the listener to see churn', w.seen_7100)
        doomed.delete()
        # python3 starts slowly under TCG: long deadlines for the dumper
        wait_for('a dump holding the module', lambda: refcnt() > 0, deadline=180)
        check_threads()
        wait_for('the unload', try_rmmod, deadline=120)
        exited, rc = w.finish()
        gave_up += exited
        carried = kept
        check_threads()
        log('round %d: unloaded (%d busy tries so far), listener %s' %
            (rnd, count['busy'], 'exited %d (%s)' % (rc, w.said) if exited
             else 'heard the unload'))
    stop.set()
    for t in threads:
        t.join(timeout=150)
        if t.is_alive():
            raise Fail('a reader or a dump did not finish')
    check_threads()
    if carried:
        carried.delete()
    left = [p for p in LEFT if os.path.exists(p)]
    if left:
        raise Fail('after the last unload: %s still there' % ', '.join(left))
    p = subprocess.run([TCPFSM, 'stats'], capture_output=True, text=True)
    if p.returncode != 3:
        raise Fail('tcpfsm stats after the unload: exit %d (3: not loaded): %s' %
                   (p.returncode, p.stderr.strip()))
    # Honest: every part did something.
    if not (count['reads'] and count['dumps_7100'] and count['unload_destroys']):
        raise Fail('nothing seen: %s' % count)
    log('ok   %d rounds: %d namespaces with %d connections made, %d deleted holding flows;'
        ' %d reads (%d failed), %d dumps listing %d flows (%d failed), %d tries of'
        ' rmmod while busy; listeners: %d events, %d destroys on unload, %d gave up' %
        (ROUNDS, count['ns'], count['conns'], count['ns'], count['reads'],
         count['read_fail'], count['dumps'], count['dump_flows'], count['dump_fail'],
         count['busy'], count['events'], count['unload_destroys'], gave_up))


def main():
    tmp = tempfile.mkdtemp(prefix='tcpfsm-faults.')
    try:
        scenario(tmp)
    except Fail as e:
        log('FAIL %s' % e)
        log('counts %s' % count)
        sys.exit(1)
    log('PASS')


if __name__ == '__main__':
    main()
