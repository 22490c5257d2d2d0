#!/usr/bin/env bash
# tcpfsm-timeout: 300
# Unusual segments sent to real sockets, where the receiving kernel's own
# socket state is the truth: a SYN carrying data (TCP Fast Open) against a
# server without and with TFO, and RST with other flags set (SYN, FIN, URG,
# PSH, all) to a socket in ESTABLISHED, SYN-SENT, SYN-RECEIVED, TIME-WAIT and
# LISTEN, and SYN+FIN, which Linux ignores.
. "$(dirname "$0")/lib.sh"

tcpfsm_load
/usr/bin/python3 "$(dirname "$0")/py/unusual.py"
tcpfsm_unload
