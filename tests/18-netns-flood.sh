#!/usr/bin/env bash
# tcpfsm-timeout: 300
# Two containers flood SYNs at ten times their share: neither holds more
# than its share, the whole table never more than max_flows, connections
# opened meanwhile in a quiet namespace and in the initial one are tracked,
# and the flooder's own idle connections outlive its half-open flows.
. "$(dirname "$0")/lib.sh"

share=100 max=150
tcpfsm_load max_flows=$max netns_max_flows=$share
/usr/bin/python3 "$(dirname "$0")/py/flood.py" "$share" "$max"
tcpfsm_unload
