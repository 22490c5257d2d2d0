# SPDX-License-Identifier: GPL-2.0
"""nsflows.py PORT N: in the network namespace it runs in, bring lo up,
open N loopback connections to 127.0.0.1:PORT and hold them ESTABLISHED;
print "ready" once they are, then wait for stdin to close (or a signal).
The holder of a namespace for tests/62 and 63: run under `unshare -n` it
is the only thing keeping that namespace alive."""
import fcntl
import socket
import struct
import sys

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def lo_up():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack('16sH14x', b'lo', 0)
        flags = struct.unpack('16sH14x', fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
        if not flags & IFF_UP:
            fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack('16sH14x', b'lo', flags | IFF_UP))


def main():
    port, n = int(sys.argv[1]), int(sys.argv[2])
    lo_up()
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(('127.0.0.1', port))
    lst.listen(n + 1)
    keep = []
    for _ in range(n):
        c = socket.create_connection(('127.0.0.1', port))
        a, _ = lst.accept()
        # One byte each way: both ends ESTABLISHED, nothing left in flight.
        c.sendall(b'x')
        a.recv(1)
        a.sendall(b'y')
        c.recv(1)
        keep += [c, a]
    print('ready', flush=True)
    sys.stdin.read()


if __name__ == '__main__':
    main()
