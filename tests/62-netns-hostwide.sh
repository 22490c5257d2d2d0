#!/usr/bin/env bash
# tcpfsm-timeout: 180
# The host-wide view (-A): flows and counters of every namespace, named,
# never named (unshare -n) and unnamed while held, with the right labels,
# cookies and inodes, and all-netns dumps that namespaces die under
# (tests/py/hostwide.py says exactly what).
. "$(dirname "$0")/lib.sh"

tcpfsm_load
/usr/bin/python3 "$(dirname "$0")/py/hostwide.py"
tcpfsm_unload
