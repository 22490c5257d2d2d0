#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A SINCE_GEN dump left unread costs a few KiB, not the tombstone ring:
usage dumpmem.py SOCKETS, with the module loaded with tombstones=1048576
(a 56 MiB ring per namespace).

SOCKETS sockets each start a FLOW_GET dump with SINCE_GEN 0 after some
destroys, read nothing and stay open.  The kernel memory they pin (slab
and vmalloc, /proc/meminfo) must stay under 64 KiB a dump; a copy of the
ring per dump, as dumps used to make until .done, would be 56 MiB each.
"""
import socket
import struct
import sys

from tcpfsm import Fail, log, main, stats, wait_for

N = int(sys.argv[1])
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
A_SINCE = 7


def meminfo_kib():
    with open('/proc/meminfo') as f:
        m = {l.split(':')[0]: int(l.split()[1]) for l in f}
    return m['Slab'] + m['VmallocUsed']


def family(s):
    body = struct.pack('BBH', 3, 1, 0) + struct.pack('HH', 11, 2) + b'tcpfsm\0\0'
    s.send(struct.pack('IHHII', 16 + len(body), 0x10, NLM_F_REQUEST, 1, 0) + body)
    m = s.recv(65536)
    off = 20
    while off + 4 <= len(m):
        ln, typ = struct.unpack_from('HH', m, off)
        if typ == 1:
            return struct.unpack_from('H', m, off + 4)[0]
        off += (ln + 3) & ~3
    raise Fail('no tcpfsm family')


def scenario(topo):
    # Some destroys, so that SINCE_GEN 0 has tombstones to go through.
    lst = socket.socket()
    lst.bind(('127.0.0.1', 0))
    lst.listen(64)
    for _ in range(20):
        c = socket.create_connection(lst.getsockname())
        lst.accept()[0].close()
        c.close()
    wait_for('a destroy', lambda: stats(None)['closed'] + stats(None)['expired'] > 0)

    ctl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    ctl.bind((0, 0))
    fam = family(ctl)
    before = meminfo_kib()
    held = []
    for i in range(N):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
        s.bind((0, 0))
        body = struct.pack('BBH', 1, 1, 0) + struct.pack('=HHQ', 12, A_SINCE, 0)
        s.send(struct.pack('IHHII', 16 + len(body), fam, NLM_F_REQUEST | NLM_F_DUMP, i, 0) + body)
        held.append(s)
    grew = meminfo_kib() - before
    log('ok   %-28s %d dumps held unread: kernel memory +%d KiB (%.1f KiB each)' %
        ('dumps held', N, grew, grew / N))
    if grew > 64 * N:
        raise Fail('%d unread SINCE_GEN dumps pin %d KiB, more than 64 KiB each' % (N, grew))
    for s in held:
        s.close()
    lst.close()


if __name__ == '__main__':
    main(scenario)
