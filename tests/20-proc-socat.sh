#!/usr/bin/env bash
# tcpfsm-timeout: 600
# A socat connection between two namespaces over veth, IPv4 then IPv6:
# /proc/net/tcpfsm in each namespace shows one flow with the documented
# columns and both endpoints' states matching ss at each step; each
# namespace sees only its own flows; /proc/net/stat/tcpfsm has every
# counter; unload works while a reader loops.
. "$(dirname "$0")/lib.sh"

HEADER='proto client server client_state server_state age_ms c_in_state_ms s_in_state_ms idle_ms c_pkts c_bytes s_pkts s_bytes rtt_us invalid flags'
SOCAT=/usr/bin/socat
PORT=7200

tcpfsm_load timeout_time_wait=20 timeout_closed=1
netns_pair c s 10.20.0 fd20::

# flow_line NS: the one flow line on PORT in NS's /proc/net/tcpfsm, of the
# protocol under test
flow_line() {
	$IP netns exec "$1" awk -v p=":$PORT" -v proto="$PROTO" \
		'NR > 1 && $1 == proto && index($3, p) { print }' /proc/net/tcpfsm
}

# states NS: "client_state server_state" of the flow
states() {
	flow_line "$1" | awk '{ print $4, $5 }'
}

# ss_state NS: ss's state of the one socket on PORT in NS (not the listener),
# of the family under test ($FAM): the previous run's TIME-WAIT socket lingers.
ss_state() {
	$IP netns exec "$1" ss -Htan "$FAM" state all "( sport = :$PORT or dport = :$PORT )" |
		awk '$1 != "LISTEN" { print $1; exit }'
}

# Map ss names to RFC 9293 names as /proc/net/tcpfsm shows them.
rfc() {
	case $1 in
	ESTAB) echo ESTABLISHED ;; SYN-SENT|SYN-RECV) echo "${1/RECV/RECEIVED}" ;;
	FIN-WAIT-1|FIN-WAIT-2|CLOSE-WAIT|LAST-ACK|TIME-WAIT|CLOSING) echo "$1" ;;
	"") echo CLOSED ;; *) echo "$1" ;;
	esac
}

# poll TIMEOUT_S CMD...: like wait_for, but returns 1 instead of failing.
poll() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		(($(date +%s) < deadline)) || return 1
		sleep 0.1
	done
}

expect_states() { # WANT_CLIENT WANT_SERVER
	local ns
	for ns in c s; do
		[[ "$(states "$ns")" == "$1 $2" ]] || return 1
	done
	[[ "$(rfc "$(ss_state c)")" == "$1" && "$(rfc "$(ss_state s)")" == "$2" ]]
}

check_line() { # NS CLIENT_ADDR SERVER_ADDR PROTO
	local l f
	l=$(flow_line "$1")
	read -ra f <<< "$l"
	((${#f[@]} == 16)) || fail "$1: ${#f[@]} columns: $l"
	[[ ${f[0]} == "$4" ]] || fail "$1: proto ${f[0]}"
	[[ ${f[1]} == "$2":* ]] || fail "$1: client ${f[1]}, want $2"
	[[ ${f[2]} == "$3:$PORT" ]] || fail "$1: server ${f[2]}, want $3:$PORT"
	((f[9] > 0 && f[11] > 0)) || fail "$1: no packets counted: $l"
	((f[10] == 6 && f[12] == 6)) || fail "$1: payload bytes ${f[10]}/${f[12]}, want 6/6: $l"
	((f[13] > 0)) || fail "$1: no handshake RTT: $l"
	[[ ${f[15]} == - ]] || fail "$1: flags ${f[15]}"
	echo "ok $1: $l"
}

run_one() { # PROTO CLIENT_ADDR SERVER_ADDR SOCAT_LISTEN SOCAT_CONNECT
	local fifo out srv cli
	PROTO=$1 FAM=-4
	[[ $1 == tcp ]] || FAM=-6
	fifo=$(mktemp -u) out=$(mktemp)
	mkfifo "$fifo"
	$IP netns exec s $SOCAT "$4" SYSTEM:cat &
	srv=$!
	wait_for 30 sh -c "$IP netns exec s ss -Htln | grep -q :$PORT"
	$IP netns exec c $SOCAT - "$5" < "$fifo" > "$out" &
	cli=$!
	exec 9> "$fifo"
	echo hello >&9
	wait_for 60 grep -q hello "$out"
	wait_for 60 expect_states ESTABLISHED ESTABLISHED
	for ns in c s; do
		check_line "$ns" "$2" "$3" "$1"
		[[ $($IP netns exec "$ns" head -n1 /proc/net/tcpfsm) == "$HEADER" ]] ||
			fail "header"
	done
	# The init namespace saw none of it.
	! grep -q ":$PORT " /proc/net/tcpfsm || fail "flow leaked into init_net"
	# Client closes: socat half-closes, cat sees EOF and the server closes.
	exec 9>&-
	wait "$cli" || true
	wait "$srv" || true
	if ! poll 40 expect_states TIME-WAIT CLOSED; then
		for ns in c s; do
			echo "$ns: tcpfsm $(states "$ns"), ss $(ss_state "$ns")"
		done
		fail "not TIME-WAIT CLOSED"
	fi
	echo "ok: TIME-WAIT CLOSED"
	for ns in c s; do
		if ! poll 60 sh -c "! $IP netns exec $ns grep -q '^$PROTO .*:$PORT ' /proc/net/tcpfsm"; then
			$IP netns exec "$ns" cat /proc/net/tcpfsm /proc/net/stat/tcpfsm
			$IP netns exec "$ns" ss -tan
			fail "$ns: flow not gone after TIME-WAIT"
		fi
	done
	echo "ok: gone after TIME-WAIT"
	rm -f "$fifo" "$out"
}

run_one tcp "$NS1_V4" "$NS2_V4" "TCP4-LISTEN:$PORT,bind=$NS2_V4" "TCP4:$NS2_V4:$PORT"
run_one tcp6 "[$NS1_V6]" "[$NS2_V6]" "TCP6-LISTEN:$PORT,bind=[$NS2_V6]" "TCP6:[$NS2_V6]:$PORT"

stat=$($IP netns exec s cat /proc/net/stat/tcpfsm)
for name in segments created expired closed evicted not_tracked truncated \
	    fragments events_lost flows flows_total max_flows flow_bytes; do
	grep -Eq "^$name [0-9]+$" <<< "$stat" || fail "stat: no $name"
done
grep -Eq '^invalid_[a-z_]+ [0-9]+$' <<< "$stat" || fail "stat: no invalid_*"
grep -Eq '^created 2$' <<< "$stat" || fail "stat: created != 2: $stat"
grep -Eq '^flows 0$' <<< "$stat" || fail "stat: flows left: $stat"
echo "$stat" | grep -E '^(created|closed|flow_bytes|max_flows) '

# Unload while a reader loops over both files.
(while $IP netns exec s cat /proc/net/tcpfsm /proc/net/stat/tcpfsm; do :; done) \
	>/dev/null 2>&1 &
reader=$!
tcpfsm_unload
kill "$reader" 2>/dev/null || true
wait "$reader" 2>/dev/null || true
echo PASS
