#!/usr/bin/env bash
# tcpfsm-timeout: 300
# tcpfsm exporter --all-namespaces: every namespace's series labelled with
# its name (netns) and inode (netns_ino), each equal to that namespace's
# own /proc, the global ones unlabelled, promtool clean; namespaces come and
# go with their series; without -A a namespace sees its own alone; -A from
# a namespace other than the initial one, or as nobody, exits 4 at start.
. "$(dirname "$0")/lib.sh"

tcpfsm_load
netns_pair a b 10.65.1 fd00:65::
/usr/bin/python3 "$(dirname "$0")/py/exporter_netns.py" "$TCPFSM_TOOLS/tcpfsm"
