# shellcheck shell=bash
# Helpers for the in-VM scenario tests (tests/NN-name.sh). A test does:
#   . "$(dirname "$0")/lib.sh"
# and runs as root inside the VM with TCPFSM_KO, TCPFSM_KVER, TCPFSM_TOOLS,
# TCPFSM_REPO and TCPFSM_RESULTS set. Any failing command fails the test.
set -euo pipefail
trap 'echo "FAIL: ${BASH_SOURCE[0]}:$LINENO: $BASH_COMMAND" >&2' ERR
trap _tcpfsm_exit EXIT

IP=/usr/sbin/ip
# Inline python in a test imports the helpers as any script in tests/py does.
export PYTHONPATH=$TCPFSM_REPO/tests/py${PYTHONPATH:+:$PYTHONPATH}
_tcpfsm_netns=()

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# tcpfsm needs nf_defrag_ipv4 and nf_defrag_ipv6, which insmod does not load.
# The stock kernels have them as modules; the debug kernel builds them in and
# has no modules.dep (nor anything else) to ask modprobe about.
# The modules tcpfsm.ko needs (defragmentation), where they are modules.
tcpfsm_deps() {
	if [[ -f /lib/modules/${TCPFSM_KVER:-}/modules.dep ]]; then
		modprobe -a nf_defrag_ipv4 nf_defrag_ipv6 || fail "modprobe -a nf_defrag_ipv4 nf_defrag_ipv6"
	fi
}

tcpfsm_load() {
	[[ -n ${TCPFSM_KO:-} && -f $TCPFSM_KO ]] || fail "TCPFSM_KO not set or missing"
	tcpfsm_deps
	insmod "$TCPFSM_KO" "$@" || fail "insmod $TCPFSM_KO $*"
}

tcpfsm_unload() {
	rmmod tcpfsm || fail "rmmod tcpfsm"
}

tcpfsm_loaded() {
	[[ -d /sys/module/tcpfsm ]]
}

# wait_for TIMEOUT_S CMD...: poll CMD until it succeeds; fail after
# TIMEOUT_S (whole) seconds.  The clock is bash's own (no date process per
# poll: processes start slowly under emulation) and the pause grows from
# 20 ms to half a second, as in tests/py/tcpfsm.py.
wait_for() {
	local timeout=$1 end pause=20 secs
	shift
	end=$((${EPOCHREALTIME/./} + timeout * 1000000))
	until "$@" >/dev/null 2>&1; do
		((${EPOCHREALTIME/./} < end)) || fail "timed out after ${timeout}s waiting for: $*"
		printf -v secs '0.%03d' "$pause"
		sleep "$secs"
		pause=$((pause * 3 / 2 > 500 ? 500 : pause * 3 / 2))
	done
}

# load_size N: N on the stock kernels, N/10 on the debug kernel (vm-tests
# says which), where KASAN and lockdep make every segment many times slower.
# The full scale is proven on the stock kernels; the debug kernel looks for
# splats, races and leaks, which a tenth of the load (still many table
# resizes, evictions and expiries) shows as well.
load_size() {
	if [[ ${TCPFSM_DEBUG_KERNEL:-0} == 1 ]]; then
		echo $(($1 / 10))
	else
		echo "$1"
	fi
}

# netns_pair NS1 NS2 V4NET V6NET, e.g. netns_pair a b 10.1.1 fd00:1::
# Two namespaces joined by veth (veth0 on both sides): NS1 gets V4NET.1/24 and
# V6NET1/64, NS2 gets V4NET.2/24 and V6NET2/64 (exported as NS1_V4, NS2_V4,
# NS1_V6, NS2_V6). Returns when both links are up and the addresses usable.
# One `ip -batch` per namespace: a process start costs about half a second on
# the debug kernel.
netns_pair() {
	local ns1=$1 ns2=$2 v4=$3 v6=$4 ns i=0
	_tcpfsm_netns+=("$ns1" "$ns2")
	$IP -batch - <<-EOF
		netns add $ns1
		netns add $ns2
		link add veth0 netns $ns1 type veth peer name veth0 netns $ns2
	EOF
	for ns in "$ns1" "$ns2"; do
		i=$((i + 1))
		$IP -n "$ns" -batch - <<-EOF
			link set lo up
			addr add $v4.$i/24 dev veth0
			addr add $v6$i/64 dev veth0 nodad
			link set veth0 up
		EOF
	done
	export NS1_V4=$v4.1 NS2_V4=$v4.2 NS1_V6=${v6}1 NS2_V6=${v6}2
	for ns in "$ns1" "$ns2"; do
		wait_for 10 _netns_ready "$ns"
	done
}

# short_conns CLIENT_NS SERVER_NS SERVER PORT N: N short connections from
# CLIENT_NS to SERVER:PORT, each sending a byte and closing, served from
# SERVER_NS by the same python process (tests/py/tcpfsm.py short_conns()).
short_conns() {
	/usr/bin/python3 -c 'import sys
from tcpfsm import short_conns
short_conns(*sys.argv[1:4], int(sys.argv[4]), int(sys.argv[5]))' "$@"
}

# events_lost NS: NS's events_lost counter (tcpfsm stats).
events_lost() {
	in_ns "$1" "$TCPFSM" stats | awk '$1 == "events_lost" { print $2 }'
}

# reported_lost FILE: the losses a tcpfsm watch reported on its stderr, FILE.
reported_lost() {
	awk '$2 == "lost" { s += $3 } END { print s + 0 }' "$1"
}

_netns_ready() {
	local out
	out=$($IP -n "$1" addr show dev veth0) &&
		[[ $out == *"state UP"* && $out != *tentative* ]]
}

# in_ns NS CMD...: run CMD in network namespace NS (nsenter: one setns,
# where `ip netns exec` also starts ip and makes a mount namespace).  In the
# background, $! is then a subshell's: a process to be signalled is started
# with nsenter itself.
in_ns() {
	nsenter --net="/run/netns/$1" -- "${@:2}"
}

cleanup_netns() {
	local ns
	for ns in "${_tcpfsm_netns[@]}"; do
		$IP netns del "$ns" 2>/dev/null || true
	done
	_tcpfsm_netns=()
}

_tcpfsm_exit() {
	local rc=$?
	trap - ERR
	cleanup_netns
	if tcpfsm_loaded && ! rmmod tcpfsm; then
		echo "FAIL: rmmod tcpfsm at exit" >&2
		rc=1
	fi
	exit "$rc"
}
