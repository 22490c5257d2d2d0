#!/usr/bin/env bash
# tcpfsm-timeout: 600
# Real IPv4 and IPv6 connections between two namespaces over veth: both endpoints' states at every step equal the kernel's own sockets, every segment counted once, flows gone after their timeouts.
. "$(dirname "$0")/lib.sh"

tcpfsm_load timeout_time_wait=120 timeout_closed=120 timeout_syn_sent=120 timeout_listen=120
/usr/bin/python3 "$(dirname "$0")/py/states.py" veth
tcpfsm_unload
