#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink abuse against the tcpfsm family, from one caller:
usage nlabuse.py fuzz CALLER N | dumps CALLER NSOCK [FLOWS] | flows N | hold.

CALLER is root, nobody or userns (the root of a fresh user namespace); the
shell puts the process in its namespace and drops its privileges first.
With FLOWS (and for fuzz as root or userns, always) the process is in a
network namespace of its own and makes its flows there: half-open flows from
SYNs routed to a dummy device, which drops them.

fuzz: N messages for each command class (FLOW_GET do, FLOW_GET dump,
STATS_GET, CONFIG_GET, CONFIG_SET, unknown commands) built from valid
requests, wrong types and lengths, truncated attribute headers, lengths past
the end, 64 KiB attributes, deep nests, random bytes, attribute types
sampled over the whole 16-bit space, nests with garbage, bad families and
prefix lengths, dump flags on do-only commands and garbage genetlink
headers.  Every request must get, within a deadline, a well-formed reply of
the family (a do's message and its ACK, or a dump's messages and
NLMSG_DONE) or an NLMSG_ERROR with an errno of EXPECTED; an error that
names an attribute (an offset or a missing type) comes with an extack
message, and an errno that only a bad attribute causes names one.

dumps: NSOCK sockets each start a FLOW_GET dump (plain, SINCE_GEN, filters)
over FLOWS flows, read nothing, one part or half of it, and close; up to
HOLD at a time stay open, and meanwhile the module's reference count shows
the held dumps; after closing it is back where it was.  Then a full dump
still returns every flow.

Prints the figures on one line starting with "figures".
"""
import collections
import errno
import functools
import os
import random
import socket
import struct
import subprocess
import sys
import time

NETLINK_GENERIC, GENL_ID_CTRL = 16, 0x10
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_ACK_TLVS = 0x200
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_CAP_ACK = 270, 11, 10
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_MISS_TYPE = 1, 2, 5
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000

FLOW_GET, STATS_GET, CONFIG_GET, CONFIG_SET = 1, 2, 3, 4
A_PAD, A_FLOW, A_EVENT, A_TOMB, A_TUPLE, A_FILTER, A_SINCE, A_DUMP, A_STATS, A_CONFIG = range(1, 11)
TOP_MAX = 10
# tuple: family u8, client addr, server addr, client port be16, server port be16
T_FAMILY, T_CADDR, T_SADDR, T_CPORT, T_SPORT = range(1, 6)
# filter
F_MASK, F_CMASK, F_SMASK, F_CPORT, F_SPORT, F_FAMILY, F_CPREFIX, F_SPREFIX = range(1, 9)
P_FAMILY, P_ADDR, P_LEN = 1, 2, 3
C_TIMEOUT, C_MAX_FLOWS, C_PICKUP, C_NETNS_MAX_FLOWS = 1, 2, 3, 4
STATS_FLOWS = 12
NESTS = (A_TUPLE, A_FILTER, A_CONFIG, A_FLOW, A_DUMP, A_STATS)
STATES = range(1, 12)
# The module's timeouts as loaded (its parameters): the userns root's caps.
STATE_PARAMS = {1: 'established', 2: 'syn_sent', 3: 'syn_received', 4: 'fin_wait_1',
                5: 'fin_wait_2', 6: 'time_wait', 7: 'closed', 8: 'close_wait',
                9: 'last_ack', 10: 'listen', 11: 'closing'}


@functools.lru_cache(maxsize=None)
def module_timeouts():
    out = {}
    for st, name in STATE_PARAMS.items():
        with open('/sys/module/tcpfsm/parameters/timeout_' + name) as f:
            out[st] = int(f.read())
    return out


EXPECTED = {errno.EINVAL, errno.ERANGE, errno.EOPNOTSUPP, errno.EPERM, errno.EMSGSIZE,
            errno.ENOENT, errno.EAFNOSUPPORT, errno.E2BIG}
DEADLINE = float(os.environ.get('TCPFSM_NL_DEADLINE', '15'))

SRC = '10.81.0.1'


def dst(i):
    return '10.80.%d.%d' % (i // 250, 1 + i % 250)


from tcpfsm import Fail, wait_for  # noqa: E402 (after the constants it shares)


def attr(t, data):
    a = struct.pack('HH', 4 + len(data), t & 0xffff) + data
    return a + b'\0' * (-len(a) % 4)


def nest(t, *parts):
    return attr(t | NLA_F_NESTED, b''.join(parts))


def u8(v):
    return struct.pack('B', v & 0xff)


def u32(v):
    return struct.pack('I', v & 0xffffffff)


def be16(v):
    return struct.pack('!H', v & 0xffff)


class Reply:
    """What came back for one request: kind is 'do' (a message and its ACK),
    'ack' (the ACK alone), 'dump' (messages then NLMSG_DONE) or 'error'."""

    def __init__(self, kind, err=0, msg=None, offs=None, miss=None, msgs=()):
        self.kind, self.err, self.msg, self.offs, self.miss = kind, err, msg, offs, miss
        self.msgs = list(msgs)

    def extack(self):
        return self.msg is not None or self.offs is not None or self.miss is not None


def walk_attrs(buf, off, end, depth=0):
    """Checks attributes in buf[off:end] are well formed (recursing into
    nests); returns {type: payload} of the top level."""
    out = {}
    while off < end:
        if off + 4 > end:
            raise Fail('reply: truncated attribute header at %d' % off)
        ln, typ = struct.unpack_from('HH', buf, off)
        if ln < 4 or off + ln > end:
            raise Fail('reply: attribute length %d at %d past %d' % (ln, off, end))
        if typ & NLA_F_NESTED:
            walk_attrs(buf, off + 4, off + ln, depth + 1)
        out[typ & 0x3fff] = buf[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


class Nl:
    def __init__(self, rcvbuf=None):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.bind((0, 0))
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.settimeout(DEADLINE)
        self.seq = random.randrange(1 << 20)
        self.fam = None
        self.fam = self.family_id()

    def close(self):
        self.s.close()

    def send(self, cmd, payload, flags, genl=None, fam=None):
        self.seq += 1
        body = (struct.pack('BBH', cmd, 1, 0) if genl is None else genl) + payload
        msg = struct.pack('IHHII', 16 + len(body), self.fam if fam is None else fam,
                          flags, self.seq, 0) + body
        self.s.send(msg)
        return msg

    def recv_reply(self, cmd, dump, fam=None):
        """Reads until the answer to the last request is complete."""
        fam = self.fam if fam is None else fam
        msgs = []
        end = time.monotonic() + DEADLINE
        while True:
            if time.monotonic() > end:
                raise socket.timeout()
            data = self.s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, typ, fl, sq, _ = struct.unpack_from('IHHII', data, off)
                if ln < 16 or off + ln > len(data):
                    raise Fail('reply: bad nlmsg_len %d at %d of %d' % (ln, off, len(data)))
                if sq != self.seq:
                    off += (ln + 3) & ~3
                    continue
                if typ == NLMSG_ERROR:
                    return self.parse_error(data, off, ln, fl, msgs, dump)
                if typ == NLMSG_DONE:
                    if not dump:
                        raise Fail('reply: NLMSG_DONE to a do request')
                    err = struct.unpack_from('i', data, off + 16)[0] if ln >= 20 else 0
                    if err:
                        r = self.parse_tlvs(data, off + 20, off + ln)
                        return Reply('error', -err, *r)
                    return Reply('dump', msgs=msgs)
                if typ != fam:
                    raise Fail('reply: message type %d, not the family %d' % (typ, fam))
                if ln < 20:
                    raise Fail('reply: no genetlink header')
                rcmd = data[off + 16]
                if cmd is not None and rcmd != cmd:
                    raise Fail('reply: command %d to command %d' % (rcmd, cmd))
                if dump and not fl & NLM_F_MULTI:
                    raise Fail('reply: dump message without NLM_F_MULTI')
                walk_attrs(data, off + 20, off + ln)
                msgs.append(data[off:off + ln])
                off += (ln + 3) & ~3

    def parse_tlvs(self, data, o, end):
        msg = offs = miss = None
        while o + 4 <= end:
            al, at = struct.unpack_from('HH', data, o)
            if al < 4:
                break
            if at == NLMSGERR_ATTR_MSG:
                msg = data[o + 4:o + al].rstrip(b'\0').decode(errors='replace')
            elif at == NLMSGERR_ATTR_OFFS:
                offs = struct.unpack_from('I', data, o + 4)[0]
            elif at == NLMSGERR_ATTR_MISS_TYPE:
                miss = struct.unpack_from('I', data, o + 4)[0]
            o += (al + 3) & ~3
        return msg, offs, miss

    def parse_error(self, data, off, ln, fl, msgs, dump):
        if ln < 36:
            raise Fail('reply: NLMSG_ERROR of %d bytes' % ln)
        err = struct.unpack_from('i', data, off + 16)[0]
        if err > 0:
            raise Fail('reply: positive error %d' % err)
        msg = offs = miss = None
        if fl & NLM_F_ACK_TLVS:
            msg, offs, miss = self.parse_tlvs(data, off + 36, off + ln)
        if err == 0:
            if dump:
                raise Fail('reply: ACK instead of NLMSG_DONE to a dump')
            return Reply('do' if msgs else 'ack', msgs=msgs)
        return Reply('error', -err, msg, offs, miss, msgs)

    def request(self, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK, genl=None, rcmd=-1):
        dump = (flags & NLM_F_DUMP) == NLM_F_DUMP
        self.last = self.send(cmd, payload, flags, genl)
        return self.recv_reply(cmd if rcmd == -1 else rcmd, dump)

    def family_id(self):
        self.fam = GENL_ID_CTRL
        r = self.request(3, attr(2, b'tcpfsm\0'), rcmd=None)
        if r.kind != 'do':
            raise Fail('no tcpfsm family: errno %d' % r.err)
        m = r.msgs[0]
        a = walk_attrs(m, 20, len(m))
        return struct.unpack('H', a[1][:2])[0]


# ---- requests ---------------------------------------------------------------

def tuple_attrs(i, fam=2, caddr=None, saddr=None):
    return (attr(T_FAMILY, u8(fam)),
            attr(T_CADDR, caddr if caddr is not None else socket.inet_aton(SRC)),
            attr(T_SADDR, saddr if saddr is not None else socket.inet_aton(dst(i))),
            attr(T_CPORT, be16(40000)), attr(T_SPORT, be16(80)))


def prefix(rnd, fam=None, plen=None, alen=None):
    fam = rnd.choice((2, 10)) if fam is None else fam
    alen = (4 if fam == 2 else 16) if alen is None else alen
    parts = [attr(P_FAMILY, u8(fam)), attr(P_ADDR, rnd.randbytes(alen))]
    if plen is not None:
        parts.append(attr(P_LEN, u8(plen)))
    rnd.shuffle(parts)
    return b''.join(parts)


def valid_filter(rnd):
    parts = []
    if rnd.random() < .5:
        parts.append(attr(F_MASK, u32(rnd.randrange(1 << 12) & ~1)))
    if rnd.random() < .3:
        parts.append(attr(F_CMASK, u32(1 << 2)))
    if rnd.random() < .3:
        parts.append(attr(F_SPORT, be16(80)))
    if rnd.random() < .3:
        parts.append(attr(F_FAMILY, u8(2)))
    if rnd.random() < .3:
        parts.append(nest(F_SPREFIX, attr(P_FAMILY, u8(2)), attr(P_ADDR, socket.inet_aton('10.80.0.0')),
                          attr(P_LEN, u8(rnd.randrange(33)))))
    return nest(A_FILTER, *parts)


def junk_attr(rnd, maxtype=None):
    """One attribute of random type (sampled over the whole 16-bit space,
    flag bits included) and random length."""
    if maxtype is None:
        t = rnd.choice((rnd.randrange(16), rnd.randrange(70000) & 0xffff, rnd.randrange(1 << 16)))
    else:
        t = rnd.randrange(maxtype + 3)
    if rnd.random() < .2:
        t |= rnd.choice((NLA_F_NESTED, NLA_F_NET_BYTEORDER))
    return attr(t, rnd.randbytes(rnd.choice((0, 1, 2, 3, 4, 5, 8, 16, 17, rnd.randrange(64)))))


def wrong_len(rnd, t):
    """Attribute t with a length its type does not have."""
    return attr(t, rnd.randbytes(rnd.choice((0, 1, 2, 3, 5, 6, 7, 9, 15, 17, 32, 255))))


def garbage_nest(rnd, depth=0):
    """Attributes for a nest: valid ones mixed with wrong types, lengths and
    nests inside."""
    parts = []
    for _ in range(rnd.randrange(1, 6)):
        k = rnd.random()
        if k < .3:
            parts.append(wrong_len(rnd, rnd.randrange(1, 10)))
        elif k < .5:
            parts.append(junk_attr(rnd, 10))
        elif k < .6 and depth < 4:
            parts.append(nest(rnd.randrange(12), garbage_nest(rnd, depth + 1)))
        else:
            parts.append(attr(rnd.randrange(1, 10), rnd.choice((u8(rnd.randrange(256)),
                                                                u32(rnd.getrandbits(32)),
                                                                be16(rnd.randrange(1 << 16))))))
    return b''.join(parts)


class Gen:
    """Requests for one command class; each is (label, cmd, flags, payload,
    genl header or None).  Labels say which builder made it."""

    def __init__(self, rnd, nflows):
        self.rnd, self.nflows = rnd, nflows

    def valid(self, cmd, dump):
        rnd = self.rnd
        if cmd == FLOW_GET and not dump:
            i = rnd.randrange(max(self.nflows, 1) * 2)   # half of them do not exist
            return nest(A_TUPLE, *tuple_attrs(i))
        if cmd == FLOW_GET:
            parts = []
            if rnd.random() < .5:
                parts.append(valid_filter(rnd))
            if rnd.random() < .5:
                parts.append(attr(A_SINCE, struct.pack('Q', rnd.choice((0, 1, rnd.getrandbits(64))))))
            return b''.join(parts)
        if cmd == CONFIG_SET:
            # The defaults themselves: harmless to set, allowed to all admins.
            s = rnd.choice(STATES)
            parts = [nest(C_TIMEOUT, attr(s, u32(module_timeouts()[s])))]
            if rnd.random() < .3:
                parts.append(attr(C_PICKUP, u8(1)))
            return nest(A_CONFIG, *parts)
        return b''

    def structured(self, cmd):
        """A request of the command's own shape, with one thing wrong."""
        rnd = self.rnd
        k = rnd.randrange(12)
        if k == 0:   # bad family in a tuple, a filter or a prefix
            fam = rnd.choice((0, 1, 3, 9, 11, 255, rnd.randrange(256)))
            return 'bad family', rnd.choice((
                nest(A_TUPLE, *tuple_attrs(0, fam=fam)),
                nest(A_FILTER, attr(F_FAMILY, u8(fam))),
                nest(A_FILTER, nest(rnd.choice((F_CPREFIX, F_SPREFIX)), prefix(rnd, fam=fam, alen=4)))))
        if k == 1:   # prefix lengths out of range (and in range)
            fam = rnd.choice((2, 10))
            plen = rnd.choice((33, 64, 128, 129, 200, 255, rnd.randrange(256)))
            return 'prefix length', nest(A_FILTER, nest(rnd.choice((F_CPREFIX, F_SPREFIX)),
                                                        prefix(rnd, fam=fam, plen=plen)))
        if k == 2:   # address lengths
            alen = rnd.choice((0, 1, 3, 5, 15, 17, 32))
            return 'address length', rnd.choice((
                nest(A_TUPLE, *tuple_attrs(0, fam=rnd.choice((2, 10)), caddr=rnd.randbytes(alen))),
                nest(A_FILTER, nest(F_CPREFIX, prefix(rnd, alen=alen)))))
        if k == 3:   # a tuple with one member missing
            parts = list(tuple_attrs(0))
            del parts[rnd.randrange(len(parts))]
            return 'tuple member missing', nest(A_TUPLE, *parts)
        if k == 4:   # state masks with invalid bits
            bad = rnd.choice((1, 1 << 12, 1 << 31, 0xffffffff, rnd.getrandbits(32) | 1))
            return 'state mask', nest(A_FILTER, attr(rnd.choice((F_MASK, F_CMASK, F_SMASK)), u32(bad)))
        if k == 5:   # config values out of range
            choice = rnd.randrange(5)
            if choice == 0:
                v = rnd.choice((0, 2147484, 0xffffffff, rnd.getrandbits(32)))
                c = nest(C_TIMEOUT, attr(rnd.choice(STATES), u32(v)))
            elif choice == 1:
                c = nest(C_TIMEOUT, attr(rnd.choice((0, 12, 13, 100, 0xfff)), u32(5)))
            elif choice == 2:
                c = attr(C_PICKUP, u8(rnd.randrange(2, 256)))
            elif choice == 3:
                c = attr(C_MAX_FLOWS, u32(rnd.choice((0, 16777217, 0xffffffff))))
            else:
                c = attr(C_NETNS_MAX_FLOWS, u32(rnd.choice((16777217, 0xffffffff))))
            return 'config out of range', nest(A_CONFIG, c)
        if k == 6:   # a nest of the right type filled with garbage
            t = rnd.choice((A_TUPLE, A_FILTER, A_CONFIG))
            inner = garbage_nest(rnd)
            if t == A_CONFIG and rnd.random() < .5:
                inner = nest(C_TIMEOUT, garbage_nest(rnd))
            if t == A_FILTER and rnd.random() < .5:
                inner = nest(rnd.choice((F_CPREFIX, F_SPREFIX)), garbage_nest(rnd))
            return 'garbage in nest', nest(t, inner)
        if k == 7:   # a reply-only attribute in a request
            return 'reply-only attribute', nest(rnd.choice((A_FLOW, A_EVENT, A_TOMB, A_DUMP, A_STATS)),
                                                garbage_nest(rnd))
        if k == 8:   # a nest sent as a plain attribute or the other way round
            t = rnd.choice((A_TUPLE, A_FILTER, A_CONFIG, A_SINCE))
            return 'nest flag', attr(t ^ NLA_F_NESTED if t != A_SINCE else t | NLA_F_NESTED,
                                     rnd.randbytes(rnd.choice((0, 4, 8, 12))))
        if k == 9:   # a known top-level attribute of the wrong length
            return 'wrong length', wrong_len(rnd, rnd.choice((A_PAD, A_SINCE, A_TUPLE, A_FILTER, A_CONFIG)))
        if k == 10:  # the same attribute many times
            one = self.valid(cmd, cmd == FLOW_GET and rnd.random() < .5) or attr(A_SINCE, bytes(8))
            return 'repeated attribute', one * rnd.randrange(2, 400)
        # valid and invalid requests' attributes for another command
        return 'other command\'s attributes', self.valid(rnd.choice((FLOW_GET, CONFIG_SET)), rnd.random() < .5)

    def raw(self, cmd, dump):
        """Lengths and headers that do not add up."""
        rnd = self.rnd
        base = self.valid(cmd, dump)
        k = rnd.randrange(9)
        if k == 0:
            return 'truncated attribute header', base + rnd.randbytes(rnd.randrange(1, 4))
        if k == 1:
            return 'nla_len past the end', base + struct.pack('HH', rnd.randrange(9, 65536),
                                                              rnd.randrange(1, 12)) + rnd.randbytes(4)
        if k == 2:
            return 'nla_len under 4', base + struct.pack('HH', rnd.randrange(4), rnd.randrange(12)) + bytes(4)
        if k == 3:   # a nest whose inner length runs past the nest
            inner = struct.pack('HH', rnd.randrange(9, 400), rnd.randrange(1, 6)) + bytes(4)
            return 'inner length past nest', nest(rnd.choice((A_TUPLE, A_FILTER, A_CONFIG)), inner)
        if k == 4:   # 64 KiB attributes, nested or not
            n = rnd.choice((65531, 65528, 60000, rnd.randrange(4096, 65532)))
            t = rnd.choice((A_SINCE, A_TUPLE, A_FILTER, A_CONFIG, A_PAD, rnd.randrange(1 << 16)))
            data = rnd.choice((bytes(n), rnd.randbytes(n)))
            if rnd.random() < .3:
                return 'oversized nest', nest(t, attr(rnd.randrange(1, 9), data[:n - 8]))
            return 'oversized attribute', attr(t, data)
        if k == 5:   # several big attributes: a message over 64 KiB
            return 'oversized message', b''.join(attr(rnd.randrange(1, 11), bytes(60000)) for _ in range(2))
        if k == 6:   # deep nests
            depth = rnd.choice((2, 5, 11, 32, 100, 300, 1000))
            t = rnd.choice(NESTS + (rnd.randrange(1 << 14),))
            d = rnd.choice((b'', attr(1, u8(2)), junk_attr(rnd)))
            for _ in range(depth):
                d = nest(rnd.choice((t, rnd.randrange(12))), d)
            return 'deep nest', d
        if k == 7:   # random bytes
            return 'random bytes', rnd.randbytes(rnd.choice((1, 2, 3, 4, 7, 8, rnd.randrange(512))))
        # bit flips in a valid request
        b = bytearray(base or attr(A_SINCE, bytes(8)))
        for _ in range(rnd.randrange(1, 4)):
            b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
        return 'bit flips', bytes(b)

    def one(self, klass):
        """(label, cmd, flags, payload, genl header or None) for klass, one
        of 'flow-do', 'flow-dump', 'stats', 'config-get', 'config-set',
        'unknown'."""
        rnd = self.rnd
        flags = NLM_F_REQUEST | NLM_F_ACK
        cmd = {'flow-do': FLOW_GET, 'flow-dump': FLOW_GET, 'stats': STATS_GET,
               'config-get': CONFIG_GET, 'config-set': CONFIG_SET}.get(klass)
        dump = klass == 'flow-dump'
        if cmd is None:
            cmd = rnd.choice((0, 5, 6, 7, 8, 9, 99, 127, 128, 200, 255, rnd.randrange(8, 256)))
            dump = rnd.random() < .5
        elif klass != 'flow-dump' and rnd.random() < .1:
            dump = True     # NLM_F_DUMP on a do-only command (or FLOW_GET dump)
        if dump:
            flags |= NLM_F_DUMP
        elif rnd.random() < .05:
            flags |= rnd.choice((0x100, 0x200))     # half a dump flag: a do
        k = rnd.random()
        genl = None
        if k < .1:
            label, payload = 'valid', self.valid(cmd, dump)
        elif k < .55:
            label, payload = self.structured(cmd)
        elif k < .95:
            label, payload = self.raw(cmd, dump)
        else:
            label, payload = 'genetlink header', self.valid(cmd, dump)
            genl = rnd.choice((b'', struct.pack('B', cmd), struct.pack('BB', cmd, 1),
                               struct.pack('BBH', cmd, rnd.randrange(256), rnd.randrange(1 << 16))))
            if len(genl) < 4:
                payload = b''
        return label, cmd, flags, payload, genl


# ---- flows of our own ---------------------------------------------------------

def make_flows(n, nl):
    """n half-open flows in the caller's own network namespace."""
    # The debug kernel has no dummy driver: a veth whose peer stays down
    # (and no ARP) drops what it is given as well.
    for link in ('link add d0 type dummy', 'link add d0 type veth peer name d1\nlink set d0 arp off'):
        p = subprocess.run(['/usr/sbin/ip', '-batch', '-'], capture_output=True, text=True,
                           input='%s\naddr add %s/32 dev d0\nlink set d0 up\n'
                                 'route add 10.80.0.0/16 dev d0\n' % (link, SRC))
        if 'Unknown device type' not in p.stderr:
            break
    if p.returncode:
        raise Fail('ip -batch: %s' % p.stderr.strip())
    from tcpfsm import SYN, segment
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i in range(n):
        raw.sendto(segment(SRC, dst(i), 40000, 80, SYN, seq=i), (dst(i), 0))
    raw.close()
    wait_for('%d flows' % n, lambda: flow_count(nl) == n, deadline=60)


def flow_count(nl):
    r = nl.request(STATS_GET, b'')
    if r.kind != 'do':
        raise Fail('STATS_GET: errno %d %s' % (r.err, r.msg))
    m = r.msgs[0]
    st = walk_attrs(m, 20, len(m))[A_STATS]
    return struct.unpack('I', walk_attrs(st, 0, len(st))[STATS_FLOWS][:4])[0]


def config(nl):
    r = nl.request(CONFIG_GET, b'')
    if r.kind != 'do':
        raise Fail('CONFIG_GET: errno %d %s' % (r.err, r.msg))
    m = r.msgs[0]
    c = walk_attrs(m, 20, len(m))[A_CONFIG]
    a = walk_attrs(c, 0, len(c))
    to = a[C_TIMEOUT]
    out = {'timeout': {t: struct.unpack('I', v[:4])[0] for t, v in walk_attrs(to, 0, len(to)).items()},
           'max_flows': struct.unpack('I', a[C_MAX_FLOWS][:4])[0],
           'netns_max_flows': struct.unpack('I', a[C_NETNS_MAX_FLOWS][:4])[0],
           'pickup': a[C_PICKUP][0]}
    return out


# ---- fuzz ---------------------------------------------------------------------

CLASSES = ('flow-do', 'flow-dump', 'stats', 'config-get', 'config-set', 'unknown')
# Only a bad attribute makes these: the reply must say which, or what is missing.
ATTR_ERRNOS = {errno.ERANGE, errno.EAFNOSUPPORT}


def fuzz(caller, n):
    nl = Nl()
    nflows = 0
    if caller in ('root', 'userns'):
        nflows = 16
        make_flows(nflows, nl)
    else:
        nflows = flow_count(nl)
    before = config(nl)
    rnd = random.Random('%s-%d' % (caller, n))
    gen = Gen(rnd, nflows)
    kinds = collections.Counter()
    per_class = collections.defaultdict(collections.Counter)
    labels = collections.defaultdict(collections.Counter)
    extacks = sent = 0
    problems = []
    # Problems by what went wrong and in which class: counted, and the
    # first few requests of each kept, bytes and all, for the report.
    bad = collections.Counter()
    examples = collections.defaultdict(list)

    def problem(what, label, req, r=None):
        key = '%s (%s, %s%s)' % (what, klass, label,
                                 ', errno %s' % ename(r.err) if r and r.kind == 'error' else '')
        bad[key] += 1
        if len(examples[key]) < 3:
            examples[key].append('%srequest %s' % (
                'extack %r offs %r miss %r; ' % (r.msg, r.offs, r.miss) if r else '',
                req[:96].hex() + ('...(%d bytes)' % len(req) if len(req) > 96 else '')))

    t0 = time.monotonic()
    for klass in CLASSES:
        for _ in range(n):
            label, cmd, flags, payload, genl = gen.one(klass)
            try:
                r = nl.request(cmd, payload, flags, genl)
            except socket.timeout:
                problem('no answer within %.0fs' % DEADLINE, label, nl.last)
                raise Fail(report(bad, examples))
            except OSError as e:
                if e.errno == errno.EMSGSIZE:   # refused by sendmsg: bigger than sndbuf
                    kinds['send EMSGSIZE'] += 1
                    continue
                raise
            sent += 1
            kind = r.kind if r.kind != 'error' else ename(r.err)
            kinds[kind] += 1
            per_class[klass][kind] += 1
            labels[label][kind] += 1
            if r.msg:
                extacks += 1
            if r.kind == 'error':
                if r.err not in EXPECTED:
                    problem('unexpected errno', label, nl.last, r)
                if r.offs is not None and not r.msg:
                    problem('bad attribute named without a message', label, nl.last, r)
                if (r.err in ATTR_ERRNOS or r.err == errno.EINVAL and label != 'genetlink header') \
                        and not r.extack():
                    problem('no extack for an attribute error', label, nl.last, r)
                if r.err == errno.ENOENT and not r.msg:
                    problem('ENOENT without a message', label, nl.last, r)
                # Refused before its attributes are looked at: EPERM, or
                # from genetlink, EINVAL for a short header and (6.12
                # checks this first) EOPNOTSUPP for a dump of a do-only
                # command.
                if caller == 'nobody' and cmd == CONFIG_SET and r.err not in (
                        (errno.EPERM, errno.EINVAL) + ((errno.EOPNOTSUPP,) if (flags & NLM_F_DUMP) == NLM_F_DUMP
                                                       else ())):
                    problem('CONFIG_SET as nobody', label, nl.last, r)
            else:
                if cmd == CONFIG_SET and caller == 'nobody':
                    problem('CONFIG_SET accepted from nobody', label, nl.last, r)
                if cmd == CONFIG_SET and caller == 'userns':
                    cfg = config(nl)
                    over = {s: v for s, v in cfg['timeout'].items() if v > module_timeouts()[s]}
                    if over or (cfg['max_flows'], cfg['netns_max_flows']) != \
                            (before['max_flows'], before['netns_max_flows']):
                        problem('userns root set %s' % (over or cfg), label, nl.last, r)
    took = time.monotonic() - t0

    # Root may have changed max_flows, which is global: put it back.
    if caller == 'root' and config(nl)['max_flows'] != before['max_flows']:
        r = nl.request(CONFIG_SET, nest(A_CONFIG, attr(C_MAX_FLOWS, u32(before['max_flows']))))
        if r.kind != 'ack':
            raise Fail('restoring max_flows: errno %d %s' % (r.err, r.msg))
    after = config(nl)
    if caller == 'nobody' and after != before:
        problems.append('config changed by nobody: %s -> %s' % (before, after))
    if after['max_flows'] != before['max_flows']:
        problems.append('max_flows %d, was %d' % (after['max_flows'], before['max_flows']))
    # The family still answers, with exact flows.
    if flow_count(nl) > nflows and caller != 'nobody':
        problems.append('%d flows, made %d' % (flow_count(nl), nflows))

    for klass in CLASSES:
        print('%-8s %-10s %s' % (caller, klass, dict(per_class[klass].most_common())))
    for label in sorted(labels):
        print('%-8s  %-28s %s' % (caller, label, dict(labels[label].most_common())))
    valid = kinds['do'] + kinds['ack'] + kinds['dump']
    errors = sum(v for k, v in kinds.items() if k not in ('do', 'ack', 'dump'))
    print('figures %s: sent %d in %.1fs, valid %d (do %d, ack %d, dump %d), errors %d %s, '
          'extack messages %d' % (caller, sent, took, valid, kinds['do'], kinds['ack'], kinds['dump'],
                                  errors, dict((k, v) for k, v in kinds.most_common()
                                               if k not in ('do', 'ack', 'dump')), extacks), flush=True)
    if not valid or not errors or not extacks:
        problems.append('valid %d, errors %d, extack messages %d: each must be non-zero' %
                        (valid, errors, extacks))
    if caller != 'nobody' and not kinds['ack']:
        problems.append('no CONFIG_SET was accepted')
    if caller == 'nobody' and not per_class['config-set']['EPERM']:
        problems.append('no EPERM for CONFIG_SET as nobody')
    if problems or bad:
        raise Fail('\n'.join(problems + [report(bad, examples)]))


def ename(e):
    return 'EOPNOTSUPP' if e == errno.EOPNOTSUPP else errno.errorcode.get(e, str(e))


def report(bad, examples):
    out = []
    for key, n in bad.most_common():
        out.append('%d x %s' % (n, key))
        out.extend('    ' + e for e in examples[key])
    return '\n'.join(out)


# ---- abandoned dumps --------------------------------------------------------

HOLD = 48


def refcnt():
    with open('/sys/module/tcpfsm/refcnt') as f:
        return int(f.read())


def dump_request(rnd, i):
    k = i % 4
    if k == 0:
        return b''
    if k == 1:
        return attr(A_SINCE, struct.pack('Q', rnd.choice((0, 1, 2))))
    if k == 2:
        return nest(A_FILTER, attr(F_FAMILY, u8(2)), attr(F_SPORT, be16(80)),
                    attr(F_MASK, u32(0xffe)))
    return attr(A_SINCE, struct.pack('Q', 0)) + nest(
        A_FILTER, nest(F_SPREFIX, attr(P_FAMILY, u8(2)), attr(P_ADDR, socket.inet_aton('10.80.0.0')),
                       attr(P_LEN, u8(16))))


def dumps(caller, nsock, nflows):
    nl = Nl()
    if nflows:
        make_flows(nflows, nl)
    nflows = flow_count(nl)
    if nflows < 200:     # a dump of them must not fit one skb (debug kernel: 300)
        raise Fail('only %d flows to dump' % nflows)
    rnd = random.Random('dumps-%s' % caller)
    base = refcnt()
    abandoned = collections.Counter()
    held_max = peak = 0
    t0 = time.monotonic()
    open_ = []
    for i in range(nsock):
        d = Nl(rcvbuf=rnd.choice((2048, 4096, 16384)))
        d.send(FLOW_GET, dump_request(rnd, i), NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
        how = rnd.choice(('nothing', 'one part', 'half'))
        got = 0
        if how != 'nothing':
            want = 1 if how == 'one part' else min(nflows // 2, 400)
            while got < want:
                data = d.s.recv(1 << 16)
                off = 0
                while off + 16 <= len(data):
                    ln, typ = struct.unpack_from('IH', data, off)
                    if typ in (NLMSG_ERROR, NLMSG_DONE):
                        raise Fail('dump %d ended (type %d) after %d messages of %d flows' %
                                   (i, typ, got, nflows))
                    got += 1
                    off += (ln + 3) & ~3
        abandoned[how] += 1
        open_.append(d)
        if len(open_) == HOLD or i == nsock - 1:
            held = refcnt() - base
            held_max = max(held_max, held)
            peak = max(peak, len(open_))
            # A dump that is not done holds the module (netlink_dump_start);
            # one per socket whose dump is still pending.
            if held < len(open_) // 2:
                raise Fail('%d dumps held open, module refcnt only +%d' % (len(open_), held))
            for s in open_:
                s.close()
            open_ = []
    # Closed sockets let go of their dumps after an RCU grace period.
    try:
        wait_for('module refcnt back to %d' % base, lambda: refcnt() == base)
    except Fail:
        raise Fail('module refcnt %d after closing every dump, was %d: a dump leaked'
                   % (refcnt(), base))
    took = time.monotonic() - t0
    # The module still answers: a whole dump, every flow once.
    r = nl.request(FLOW_GET, b'', NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
    rows = len(r.msgs) - 1 if r.kind == 'dump' else -1
    if rows != nflows:
        raise Fail('a full dump after the abandoned ones: %s %d rows of %d flows' % (r.kind, rows, nflows))
    print('figures %s: dumps abandoned %d (%s) over %d flows in %.1fs, up to %d open at once '
          '(module refcnt +%d), refcnt back to %d, a full dump still gives all %d' %
          (caller, sum(abandoned.values()), ', '.join('%s %d' % kv for kv in sorted(abandoned.items())),
           nflows, took, peak, held_max, base, nflows), flush=True)


def hold():
    """rmmod while a dump is held open: refused at once (the dump holds the
    module), never a hang; once the socket is closed the reference goes."""
    nl = Nl()
    base = refcnt()
    d = Nl(rcvbuf=2048)
    d.send(FLOW_GET, b'', NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
    if refcnt() != base + 1:
        raise Fail('a pending dump: module refcnt %d, was %d' % (refcnt(), base))
    p = subprocess.run(['rmmod', 'tcpfsm'], capture_output=True, text=True, timeout=DEADLINE)
    if p.returncode == 0 or 'in use' not in p.stderr:
        raise Fail('rmmod with a dump held: exit %d %s' % (p.returncode, p.stderr.strip()))
    d.close()
    wait_for('module refcnt back to %d after closing the dump' % base,
             lambda: refcnt() == base)
    if flow_count(nl) < 200:
        raise Fail('flows gone')
    print('ok   rmmod refused while a dump is held (%s), refcnt back to %d after close' %
          (p.stderr.strip(), base), flush=True)


if __name__ == '__main__':
    try:
        if sys.argv[1] == 'fuzz':
            fuzz(sys.argv[2], int(sys.argv[3]))
        elif sys.argv[1] == 'flows':
            make_flows(int(sys.argv[2]), Nl())
        elif sys.argv[1] == 'hold':
            hold()
        else:
            dumps(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    except Fail as e:
        print('FAIL %s: %s' % (' '.join(sys.argv[1:3]), e), flush=True)
        sys.exit(1)
