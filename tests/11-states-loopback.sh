#!/usr/bin/env bash
# tcpfsm-timeout: 600
# The same connections over loopback, where each segment crosses both LOCAL_OUT and PRE_ROUTING: still counted once, states equal the kernel's.
. "$(dirname "$0")/lib.sh"

tcpfsm_load timeout_time_wait=120 timeout_closed=120 timeout_syn_sent=120 timeout_listen=120
/usr/bin/python3 "$(dirname "$0")/py/states.py" loopback
tcpfsm_unload
