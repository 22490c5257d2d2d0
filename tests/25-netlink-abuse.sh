#!/usr/bin/env bash
# Netlink abuse from root, from an unprivileged user and from the root of a
# fresh user namespace (tests/py/nlabuse.py): thousands of random,
# truncated, oversized and wrongly typed requests for every command, each
# answered within a deadline by a valid reply or a precise error (with an
# extack message where an attribute is at fault); then hundreds of FLOW_GET
# dumps over thousands of flows abandoned mid-way, after which the module's
# reference count is back, the family still answers and rmmod works.  The
# console is scanned for splats; on the debug kernel kmemleak scans at the
# end of the VM.
# tcpfsm-timeout: 420
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
H=$TCPFSM_REPO/tests/py/nlabuse.py
TCPFSM=$TCPFSM_TOOLS/tcpfsm
per_cmd=$(load_size 2000)	# messages per command class and caller
flows=$(load_size 3000)
socks=$(load_size 300)
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# Every caller and phase runs even after one fails, so that one run shows
# every problem and every figure; the test fails at the end.
failed=()
step() {
	"$@" || failed+=("$(printf '%q ' "$@")")
}

# The dumps need their half-open flows for the whole test (SYN-SENT 120 s
# by default: slower than that in a loaded CI).
tcpfsm_load max_flows=40000 netns_max_flows=20000 timeout_syn_sent=3600 timeout_listen=3600
host_cfg=$("$TCPFSM" config --json)
for ns in fz abuse; do
	$IP netns add "$ns"
	_tcpfsm_netns+=("$ns")
done
in_ns fz $PY "$H" flows 16		# for nobody's FLOW_GET to find
in_ns abuse $PY "$H" flows "$flows"	# for the abandoned dumps

# Root's CONFIG_SET really changes things: it runs in a throwaway namespace
# of its own and puts max_flows, which is global, back at the end.
step unshare -n $PY "$H" fuzz root "$per_cmd"
step in_ns fz "${nobody[@]}" $PY "$H" fuzz nobody "$per_cmd"
# The root of a fresh user namespace, made by nobody.  The VM runs us
# chrooted into the host's root, and a chrooted process may not make a user
# namespace (EPERM): unchroot.py first makes our root its mount namespace's
# root, as a container runtime does.
userns_root() {
	$PY "$TCPFSM_REPO/tests/py/unchroot.py" "${nobody[@]}" unshare -Urn "$@"
}
if userns_root true; then
	userns=(userns_root)
else
	echo "no user namespace for nobody here: the userns part is skipped"
	userns=(:)
fi
step "${userns[@]}" $PY "$H" fuzz userns "$per_cmd"
[[ $("$TCPFSM" config --json) == "$host_cfg" ]] ||
	fail "the initial namespace's config changed: $host_cfg -> $("$TCPFSM" config --json)"

step in_ns abuse $PY "$H" dumps root "$socks"
step in_ns abuse "${nobody[@]}" $PY "$H" dumps nobody "$socks"
step "${userns[@]}" $PY "$H" dumps userns "$socks" "$flows"
step in_ns abuse $PY "$H" hold

"$TCPFSM" stats >/dev/null
((${#failed[@]} == 0)) || fail "$(printf '%s\n' "${failed[@]}")"
cleanup_netns
tcpfsm_unload
