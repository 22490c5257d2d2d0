#!/usr/bin/env bash
# An unprivileged user can list, watch and read stats and config, but
# config changes fail with EPERM and a clear message; root of a user
# namespace may shorten its own namespace's timeouts, but not lengthen them
# past the module's defaults, nor set max_flows or its own quota.
# tcpfsm-timeout: 120
. "$(dirname "$0")/lib.sh"

TCPFSM=$TCPFSM_TOOLS/tcpfsm
tmp=$(mktemp -d)
chmod 755 "$tmp"
tcpfsm_load
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

"${nobody[@]}" "$TCPFSM" list >/dev/null
"${nobody[@]}" "$TCPFSM" stats --json >/dev/null
"${nobody[@]}" "$TCPFSM" config --json >/dev/null
"${nobody[@]}" "$TCPFSM" watch --json >"$tmp/w" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q "\"event\":\"ready\"" "$tmp/w" && break; sleep 0.1; done
grep -q "\"event\":\"ready\"" "$tmp/w" || { cat "$tmp/w" >&2; fail "watch as nobody did not start"; }
kill "$pid"; wait "$pid" || true

rc=0
"${nobody[@]}" "$TCPFSM" config timeout_established=100 2>"$tmp/err" || rc=$?
[[ $rc -eq 4 ]] || fail "config as nobody: exit $rc, want 4"
grep -q 'permission denied: config changes need CAP_NET_ADMIN' "$tmp/err" ||
	fail "unclear message: $(cat "$tmp/err")"
[[ $("$TCPFSM" config --json) == *'"timeout_established":432000'* ]] ||
	fail "the refused change happened anyway"

# Root of its own user and network namespace: its timeouts yes, max_flows no.
if "${nobody[@]}" unshare -Urn true 2>/dev/null; then
	"${nobody[@]}" unshare -Urn "$TCPFSM" config timeout_established=100 >"$tmp/out"
	grep -q 'timeout_established *100' "$tmp/out" || fail "userns config: $(cat "$tmp/out")"
	rc=0
	"${nobody[@]}" unshare -Urn "$TCPFSM" config max_flows=5000 2>"$tmp/err" || rc=$?
	[[ $rc -eq 4 ]] || fail "max_flows from a user namespace: exit $rc, want 4"
	grep -q 'initial' "$tmp/err" || fail "max_flows message: $(cat "$tmp/err")"
	# Nor its own quota, nor timeouts beyond the host's (flows that squat).
	for set in netns_max_flows=1000000 timeout_established=432001 timeout_syn_sent=121; do
		rc=0
		"${nobody[@]}" unshare -Urn "$TCPFSM" config "$set" 2>"$tmp/err" || rc=$?
		[[ $rc -eq 4 ]] || fail "$set from a user namespace: exit $rc, want 4"
		grep -q 'initial' "$tmp/err" || fail "$set message: $(cat "$tmp/err")"
	done
	# A fresh namespace's quota is a quarter of max_flows.
	max=$("$TCPFSM" config | sed -n 's/^max_flows *//p')
	"${nobody[@]}" unshare -Urn "$TCPFSM" config >"$tmp/out"
	grep -qx "netns_max_flows *$((max / 4))" "$tmp/out" ||
		fail "default quota: $(grep netns "$tmp/out"), max_flows $max"
else
	echo "no unprivileged user namespaces here: userns part skipped"
fi
# root may
"$TCPFSM" config timeout_established=100 max_flows=5000 | grep -q 'max_flows *5000'
"$TCPFSM" config netns_max_flows=77 | grep -qx 'netns_max_flows *77'
# 0: back to the default, all of max_flows in the initial namespace
"$TCPFSM" config netns_max_flows=0 | grep -qx 'netns_max_flows *5000'
rm -rf "$tmp"
