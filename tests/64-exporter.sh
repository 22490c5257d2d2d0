#!/usr/bin/env bash
# tcpfsm-timeout: 600
# tcpfsm exporter: its exposition passes promtool check metrics (text
# 0.0.4) and is OpenMetrics when asked (# EOF, counter families without
# _total); only GET /metrics and / are served; a real Prometheus scrapes
# it every 2 s with the repo's alert rules loaded, and PromQL gives the
# ESTABLISHED count /proc/net/tcpfsm gives at a quiet point and a positive
# transition rate while connections churn; rmmod makes tcpfsm_up 0, insmod
# brings it and the metrics back, the exporter running throughout.
. "$(dirname "$0")/lib.sh"

TCPFSM=$TCPFSM_TOOLS/tcpfsm
tmp=$(mktemp -d)
exp_url=http://127.0.0.1:9475
prom_url=http://127.0.0.1:9090
pids=()
stop() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
on_exit() {
	local rc=$?
	stop
	if ((rc)) && [[ -d $tmp ]]; then
		echo "--- exporter's stderr:" >&2
		cat "$tmp/exporter.err" >&2 2>/dev/null
		echo "--- prometheus's log (tail):" >&2
		tail -n 20 "$tmp/prometheus.log" >&2 2>/dev/null
	fi
	(exit "$rc")
	_tcpfsm_exit
}
trap on_exit EXIT
tcpfsm_load

"$TCPFSM" exporter --listen 127.0.0.1:9475 2>"$tmp/exporter.err" &
exp_pid=$!
pids+=("$exp_pid")
wait_for 30 curl -sf -o /dev/null "$exp_url/metrics"

# 1. The exposition, as a scraper gets it.
curl -sf -D "$tmp/text.h" -o "$tmp/text" "$exp_url/metrics" || fail "GET /metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/text.h" || fail "text content type: $(<"$tmp/text.h")"
grep -qx 'tcpfsm_up 1' "$tmp/text" || fail "no tcpfsm_up 1 in: $(<"$tmp/text")"
grep -q '^tcpfsm_module_info{version="[^"]\+"} 1$' "$tmp/text" || fail "no tcpfsm_module_info"
promtool check metrics < "$tmp/text" > "$tmp/lint" 2>&1 || fail "promtool check metrics: $(<"$tmp/lint")"
[[ ! -s $tmp/lint ]] || fail "promtool check metrics: $(<"$tmp/lint")"
echo "ok   text format 0.0.4: promtool check metrics clean ($(grep -vc '^#' "$tmp/text") samples)"
for m in tcpfsm_segments_total tcpfsm_flows_created_total tcpfsm_events_lost_total \
	tcpfsm_flows_in_table tcpfsm_max_flows tcpfsm_netns_max_flows \
	'tcpfsm_invalid_segments_total{reason="bad_flags"}' 'tcpfsm_endpoints{state="CLOSE-WAIT"}' \
	'tcpfsm_stuck_endpoints{state="SYN-SENT"}' 'tcpfsm_handshake_rtt_seconds_bucket{le="+Inf"}' \
	tcpfsm_handshake_rtt_seconds_sum tcpfsm_handshake_rtt_seconds_count; do
	grep -qF "$m " "$tmp/text" || fail "no $m in the exposition"
done
echo "ok   every family there"

curl -sf -D "$tmp/om.h" -o "$tmp/om" \
	-H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' \
	"$exp_url/metrics" || fail "GET /metrics (OpenMetrics)"
grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$tmp/om.h" ||
	fail "OpenMetrics content type: $(<"$tmp/om.h")"
[[ $(tail -n1 "$tmp/om") == '# EOF' ]] || fail "OpenMetrics body does not end with # EOF"
grep -qx '# TYPE tcpfsm_segments counter' "$tmp/om" || fail "OpenMetrics counter family"
grep -qx '# TYPE tcpfsm_module info' "$tmp/om" || fail "OpenMetrics info family"
! grep -q '^# TYPE [a-z_]*_total ' "$tmp/om" || fail "OpenMetrics family named _total"
grep -q '^tcpfsm_segments_total [0-9]' "$tmp/om" || fail "OpenMetrics counter sample"
# The text format, asked for first: text.
curl -sf -D "$tmp/t2.h" -o /dev/null -H 'Accept: text/plain;version=0.0.4,application/openmetrics-text;q=0.5' \
	"$exp_url/metrics"
grep -qi '^content-type: text/plain' "$tmp/t2.h" || fail "text preferred, got: $(<"$tmp/t2.h")"
echo "ok   OpenMetrics 1.0.0 when asked for: counter families without _total, # EOF"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[[ $(code "$exp_url/") == 200 ]] || fail "GET / not 200"
[[ $(code "$exp_url/nope") == 404 ]] || fail "GET /nope not 404"
[[ $(code -X POST -d x=1 "$exp_url/metrics") == 405 ]] || fail "POST /metrics not 405"
[[ $(code -X DELETE "$exp_url/metrics") == 405 ]] || fail "DELETE /metrics not 405"
echo "ok   GET / 200, /nope 404, POST and DELETE 405"

# 2. A real Prometheus, on loopback, its storage in our tmp (the root is
# read-only), the repo's alert rules loaded.  A scrape every 2 s, with 2 s to
# answer: on the debug kernel a scrape beside the churn can take more than 1 s,
# and one that times out makes every series stale until the next.
cat > "$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
rule_files:
  - $TCPFSM_REPO/packaging/prometheus/tcpfsm.rules.yml
scrape_configs:
  - job_name: tcpfsm
    static_configs:
      - targets: ['127.0.0.1:9475']
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address=127.0.0.1:9090 > "$tmp/prometheus.log" 2>&1 &
pids+=($!)
wait_for 180 curl -sf -o /dev/null "$prom_url/-/ready"
# The target scraped, without error (Prometheus asks for OpenMetrics first).
target_up() {
	curl -sf "$prom_url/api/v1/targets" > "$tmp/targets" &&
		jq -e '.data.activeTargets[0] | .health == "up" and .lastError == ""' "$tmp/targets"
}
wait_for 120 target_up || fail "target not up: $(<"$tmp/targets")"
curl -sf "$prom_url/api/v1/rules" > "$tmp/rules"
jq -e '[.data.groups[].rules[] | select(.health == "ok")] | length == 3' "$tmp/rules" > /dev/null ||
	fail "alert rules not loaded: $(<"$tmp/rules")"
echo "ok   Prometheus scrapes the exporter (target up, no error), 3 alert rules loaded"

/usr/bin/python3 "$(dirname "$0")/py/exporter.py" "$exp_url" "$prom_url" "$TCPFSM_KO" "$exp_pid" ||
	fail "exporter scenario"
grep -q 'tcpfsm_up 0: module not loaded' "$tmp/exporter.err" || fail "no log of the module gone"
(($(grep -c 'the module answers' "$tmp/exporter.err") >= 2)) || fail "no log of the module back"
echo "ok   the exporter logged the module going and coming back"
stop
rm -rf "$tmp"
