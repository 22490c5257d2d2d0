#!/usr/bin/env bash
# Malformed, oversized and random requests speaking raw generic netlink are
# refused with an error (and an extack message where the attribute is
# known); the kernel stays healthy (vm-run checks for splats and taint) and
# the family still answers.
# tcpfsm-timeout: 180
. "$(dirname "$0")/lib.sh"

tcpfsm_load
python3 - <<'PY'
import errno, os, random, socket, struct, sys

NETLINK_GENERIC, GENL_ID_CTRL = 16, 0x10
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_CAP_ACK = 270, 11, 10
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
s.bind((0, 0))
s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
s.settimeout(10)
seq = 0

def attr(t, data):
    a = struct.pack("HH", 4 + len(data), t) + data
    return a + b"\0" * (-len(a) % 4)

def nest(t, *parts):
    return attr(t | 0x8000, b"".join(parts))

def request(fam, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK):
    """Returns (errno, extack message) of the reply, 0 for success."""
    global seq
    seq += 1
    body = struct.pack("BBH", cmd, 1, 0) + payload
    s.send(struct.pack("IHHII", 16 + len(body), fam, flags, seq, 0) + body)
    msgs = []
    while True:
        data = s.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            ln, typ, fl, sq, _ = struct.unpack_from("IHHII", data, off)
            if ln < 16:
                break
            if sq == seq:
                # NLMSG_ERROR, or NLMSG_DONE: a dump refused after its
                # start (6.1) carries the errno and its extack there
                if typ in (2, 3):
                    err = struct.unpack_from("i", data, off + 16)[0] if ln >= 20 else 0
                    return -err, ext_msg(data, off + (36 if typ == 2 else 20), off + ln), msgs
                msgs.append(data[off:off + ln])
            off += (ln + 3) & ~3

def ext_msg(data, o, end):
    """The extack message among the TLVs from o to end, or ''."""
    msg = ""
    while o + 4 <= end:
        al, at = struct.unpack_from("HH", data, o)
        if al < 4:
            break
        if at == 1:
            msg = data[o + 4:o + al].rstrip(b"\0").decode()
        o += (al + 3) & ~3
    return msg

def family_id():
    err, _, msgs = request(GENL_ID_CTRL, 3, attr(2, b"tcpfsm\0"))
    assert err == 0, err
    m = msgs[0]
    o = 20
    while o < len(m):
        al, at = struct.unpack_from("HH", m, o)
        if at == 1:
            return struct.unpack_from("H", m, o + 4)[0]
        o += (al + 3) & ~3

fam = family_id()
FLOW_GET, STATS_GET, CONFIG_GET, CONFIG_SET = 1, 2, 3, 4
A_FLOW, A_TUPLE, A_FILTER, A_SINCE, A_CONFIG = 2, 5, 6, 7, 10
v4 = lambda s: socket.inet_aton(s)
tuple_ok = lambda fam_=2, ca=v4("10.0.0.1"), sa=v4("10.0.0.2"): nest(
    A_TUPLE, attr(1, bytes([fam_])), attr(2, ca), attr(3, sa),
    attr(4, struct.pack("!H", 1000)), attr(5, struct.pack("!H", 80)))

cases = [
    ("no tuple", FLOW_GET, b"", 0, errno.EINVAL),
    ("unknown flow", FLOW_GET, tuple_ok(), 0, errno.ENOENT),
    ("bad family", FLOW_GET, tuple_ok(fam_=3), 0, errno.EAFNOSUPPORT),
    ("5-byte address", FLOW_GET, tuple_ok(ca=b"12345"), 0, errno.EINVAL),
    ("17-byte address", FLOW_GET, tuple_ok(ca=b"x" * 17), 0, errno.ERANGE),
    ("v6 length for v4", FLOW_GET, tuple_ok(ca=b"x" * 16), 0, errno.EINVAL),
    ("reply-only attribute", FLOW_GET, nest(A_FLOW, b""), 0, errno.EINVAL),
    ("unknown attribute", FLOW_GET, attr(200, b"1234"), 0, errno.EINVAL),
    ("short u64", FLOW_GET, attr(A_SINCE, b"123"), NLM_F_DUMP, errno.EINVAL),
    ("state mask bit 0", FLOW_GET, nest(A_FILTER, attr(1, struct.pack("I", 1))), NLM_F_DUMP, errno.EINVAL),
    ("state mask bit 12", FLOW_GET, nest(A_FILTER, attr(1, struct.pack("I", 1 << 12))), NLM_F_DUMP, errno.EINVAL),
    ("prefix too long", FLOW_GET, nest(A_FILTER, nest(7, attr(1, b"\2"), attr(2, v4("1.2.3.4")), attr(3, b"\x28"))), NLM_F_DUMP, errno.EINVAL),
    ("tuple in a dump", FLOW_GET, tuple_ok(), NLM_F_DUMP, errno.EINVAL),
    ("timeout 0", CONFIG_SET, nest(A_CONFIG, nest(1, attr(1, struct.pack("I", 0)))), 0, errno.ERANGE),
    ("timeout state 12", CONFIG_SET, nest(A_CONFIG, nest(1, attr(12, struct.pack("I", 5)))), 0, errno.EINVAL),
    ("pickup 2", CONFIG_SET, nest(A_CONFIG, attr(3, b"\2")), 0, errno.ERANGE),
    ("unknown command", 99, b"", 0, errno.EOPNOTSUPP),
]
bad = 0
for name, cmd, payload, extra, want in cases:
    err, msg, _ = request(fam, cmd, payload, NLM_F_REQUEST | NLM_F_ACK | extra)
    print(f"{name}: errno {err} ({os.strerror(err) if err else 'ok'}) extack {msg!r}")
    if err != want:
        print(f"  want errno {want}"); bad += 1

# oversized: a 60 KiB attribute, and deep nesting
err, msg, _ = request(fam, FLOW_GET, attr(A_SINCE, b"x" * 60000), NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
print("oversized:", err, msg); bad += err == 0
deep = b""
for _ in range(200):
    deep = nest(A_FILTER, deep)
err, msg, _ = request(fam, FLOW_GET, deep, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
print("deep nesting:", err, msg); bad += err == 0

# random bytes as attributes, for every command
rnd = random.Random(54)
for i in range(2000):
    payload = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 96)))
    cmd = rnd.choice([FLOW_GET, STATS_GET, CONFIG_GET, CONFIG_SET, 5, 6, 7])
    flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if rnd.random() < 0.5 else 0)
    request(fam, cmd, payload, flags)
err, _, msgs = request(fam, STATS_GET, b"")
assert err == 0 and msgs, "the family no longer answers"
sys.exit(1 if bad else 0)
PY
"$TCPFSM_TOOLS/tcpfsm" stats >/dev/null
