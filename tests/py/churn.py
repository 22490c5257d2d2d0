#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Short connections on loopback until SIGTERM; exits non-zero if any
connection failed to carry its data.  Load for the unload test."""
import signal
import socket
import sys
import threading

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
lst = socket.socket()
lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind(('127.0.0.1', 7100))
lst.listen(128)


def serve():
    while True:
        s, _ = lst.accept()
        s.sendall(s.recv(5))
        s.close()


threading.Thread(target=serve, daemon=True).start()
done = 0
while not stop.is_set():
    c = socket.create_connection(('127.0.0.1', 7100), timeout=30)
    c.sendall(b'hello')
    if c.recv(5) != b'hello':
        sys.exit('connection %d lost its data' % done)
    c.close()
    done += 1
print('churn: %d connections, all delivered' % done, flush=True)
