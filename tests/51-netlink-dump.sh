#!/usr/bin/env bash
# tcpfsm-timeout: 900
# tcpfsm list --json (a netlink dump): every filter returns exactly the flows
# that match it, the full dump equals /proc/net/tcpfsm, 10,000 steady flows
# are each listed once with their states while short connections churn, and
# a bad filter fails with one line on stderr.
. "$(dirname "$0")/lib.sh"

TCPFSM=$TCPFSM_TOOLS/tcpfsm
py="/usr/bin/python3 $(dirname "$0")/py/dump.py"
export TCPFSM_DEADLINE=120
tmp=$(mktemp -d)
# Long timeouts: the known flows of the filter checks must not expire.
tcpfsm_load max_flows=40000 netns_max_flows=40000 timeout_time_wait=3600 timeout_closed=3600 \
	timeout_fin_wait_2=3600 timeout_close_wait=3600

# 3: a bad filter exits 2 with one clear line, whatever the module holds.
# Checked with bash alone: every process start costs on the debug kernel.
bad_filter() {
	local rc=0 msg=$1 err lines
	shift
	"$TCPFSM" list --json "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	mapfile -t lines <"$tmp/err"
	err=${lines[*]}
	((rc == 2)) || fail "list $*: status $rc, want 2 ($err)"
	[[ ! -s $tmp/out ]] || fail "list $*: printed $(<"$tmp/out")"
	((${#lines[@]} == 1)) || fail "list $*: want one line on stderr, got: $err"
	[[ $err == *"tcpfsm: bad filter: $msg"* ]] || fail "list $*: unclear message: $err"
	echo "ok   list $* -> 2: $err"
}
bad_filter "--state: unknown state 'BOGUS'" --state BOGUS
bad_filter "--src: '300.1.1.1' is not an IPv4 or IPv6 address" --src 300.1.1.1/8
bad_filter "--dst: prefix length" --dst 10.0.0.0/40
bad_filter "--client-state: unknown state 'NOPE'" --client-state ESTABLISHED,NOPE
bad_filter "--dport: 'http' is not a port" --dport http

t0=$SECONDS
$py filters "$TCPFSM"
echo "filters: $((SECONDS - t0))s"
t0=$SECONDS
$py big "$TCPFSM" "$(load_size 10000)" 2
echo "10,000 flows under churn: $((SECONDS - t0))s"
rm -rf "$tmp"
