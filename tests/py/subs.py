#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""EVENT_SUBSCRIBE and EVENT_UNSUBSCRIBE at the netlink level, for
tests/56-events-filter.sh: usage subs.py limit|unsubscribe|badfilter.

limit: TCPFSM_SUBSCRIPTIONS_MAX (64) sockets of one namespace subscribe; the
65th gets ENOSPC with an extack message; once one of the 64 closes, its
subscription is gone with it and the 65th may subscribe.
unsubscribe: a socket without a subscription gets ENOENT; with one, 0; then
ENOENT again.
badfilter: an empty events mask is EINVAL with a message.
"""
import errno
import socket
import struct
import sys

from tcpfsm import nl_attrs

NETLINK_GENERIC, GENL_ID_CTRL = 16, 0x10
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_CAP_ACK = 270, 11, 10
CMD_SUBSCRIBE, CMD_UNSUBSCRIBE = 6, 7
A_FILTER, A_FILTER_EVENTS = 6, 10
NLM_F_REQUEST, NLM_F_ACK = 1, 4
MAX = 64


def attr(typ, payload):
    a = struct.pack('HH', 4 + len(payload), typ) + payload
    return a + b'\0' * ((4 - len(a) % 4) % 4)


class Genl:
    def __init__(self, family=None):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.seq = 0
        self.family = family
        if family is None:
            err, msg, reply = self.request(GENL_ID_CTRL, 3, attr(2, b'tcpfsm\0'))
            assert not err, 'no tcpfsm family: %d' % err
            self.family = struct.unpack('H', nl_attrs(reply, 20)[1][:2])[0]

    def request(self, fam, cmd, payload=b''):
        """(errno, extack message, first reply)"""
        self.seq += 1
        body = struct.pack('BBH', cmd, 1, 0) + payload
        self.s.send(struct.pack('IHHII', 16 + len(body), fam, NLM_F_REQUEST | NLM_F_ACK,
                                self.seq, 0) + body)
        reply = None
        while True:
            data = self.s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, typ, flags, seq = struct.unpack_from('IHHI', data, off)
                m = data[off:off + ln]
                off += (ln + 3) & ~3
                if seq != self.seq:
                    continue    # an event
                if typ == 2:
                    err = -struct.unpack_from('i', m, 16)[0]
                    msg = nl_attrs(m, 36).get(1, b'').rstrip(b'\0').decode()
                    return err, msg, reply
                reply = m

    def subscribe(self, events=None):
        f = attr(A_FILTER_EVENTS, struct.pack('I', events)) if events is not None else b''
        return self.request(self.family, CMD_SUBSCRIBE, attr(A_FILTER | 0x8000, f))[:2]

    def unsubscribe(self):
        return self.request(self.family, CMD_UNSUBSCRIBE)[:2]


def check(what, got, want):
    if got[0] != want:
        sys.exit('FAIL: %s: errno %d (%s), want %d' % (what, got[0], got[1], want))
    print('%s: errno %d, %r' % (what, got[0], got[1]))


def limit():
    socks = [Genl()]
    fam = socks[0].family
    check('subscription 1', socks[0].subscribe(), 0)
    for i in range(2, MAX + 1):
        socks.append(Genl(fam))
        err, msg = socks[-1].subscribe()
        if err:
            sys.exit('FAIL: subscription %d: errno %d (%s)' % (i, err, msg))
    # A socket's second subscription replaces its first: no new slot.
    check('resubscribe', socks[0].subscribe(events=4), 0)
    extra = Genl(fam)
    err, msg = extra.subscribe()
    check('subscription %d' % (MAX + 1), (err, msg), errno.ENOSPC)
    if 'subscriptions' not in msg:
        sys.exit('FAIL: ENOSPC without a message: %r' % msg)
    socks.pop().s.close()
    # NETLINK_URELEASE runs as the socket is released: at once.
    check('after one closed', extra.subscribe(), 0)


def unsubscribe():
    g = Genl()
    check('unsubscribe without one', g.unsubscribe(), errno.ENOENT)
    check('subscribe', g.subscribe(), 0)
    check('unsubscribe', g.unsubscribe(), 0)
    check('unsubscribe again', g.unsubscribe(), errno.ENOENT)


def badfilter():
    g = Genl()
    err, msg = g.subscribe(events=0)
    check('empty events mask', (err, msg), errno.EINVAL)
    if 'events' not in msg:
        sys.exit('FAIL: EINVAL without a message: %r' % msg)


{'limit': limit, 'unsubscribe': unsubscribe, 'badfilter': badfilter}[sys.argv[1]]()
