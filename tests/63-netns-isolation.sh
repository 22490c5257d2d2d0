#!/usr/bin/env bash
# tcpfsm-timeout: 180
# Only the initial namespace's administrator gets a host-wide view: nobody,
# a child namespace's root and a container's root asking for all-netns get
# EPERM with the kernel's reason, and no flow, counter or event of another
# namespace ever reaches a container (tests/py/isolation.py says exactly
# what).
. "$(dirname "$0")/lib.sh"

tcpfsm_load
_tcpfsm_netns+=(ns63c ns63t)
/usr/bin/python3 "$(dirname "$0")/py/isolation.py" host
tcpfsm_unload
