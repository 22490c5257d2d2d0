#!/usr/bin/env bash
# tcpfsm-timeout: 300
# Slow dumps while the table grows through several resizes: each list is
# exact or says the table kept changing, never a silent repeat.
. "$(dirname "$0")/lib.sh"

tcpfsm_load max_flows=40000 netns_max_flows=40000
/usr/bin/python3 "$(dirname "$0")/py/dumpresize.py" "$(load_size 1000)" "$(load_size 12000)"
tcpfsm_unload
