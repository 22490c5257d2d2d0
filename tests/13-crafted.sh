#!/usr/bin/env bash
# tcpfsm-timeout: 600
# Hand-made segments for what sockets cannot reach: simultaneous open and
# close, blind and in-window resets, invalid flags, retransmissions, a new SYN
# on a TIME-WAIT tuple, mid-stream pickup, a half-open handshake.
. "$(dirname "$0")/lib.sh"

tcpfsm_load
/usr/bin/python3 "$(dirname "$0")/py/crafted.py"
tcpfsm_unload
