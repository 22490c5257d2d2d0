#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw "key value" lines of a bench run into latest.json/latest.md.

report.py RAW ANNOTATE OUT_JSON OUT_MD PREVIOUS_JSON|'' KVER COMMIT SECONDS
"""
import datetime
import json
import os
import re
import sys

raw_path, annot_path, out_json, out_md, prev_path, kver, commit, secs = sys.argv[1:9]

raw = {}
for line in open(raw_path):
    parts = line.split(None, 1)
    if len(parts) == 2:
        raw[parts[0]] = parts[1].strip()


def num(key):
    try:
        return float(raw[key])
    except (KeyError, ValueError):
        return None


def ratio(a, b):
    return a / b if a is not None and b else None


m = {}  # the metrics: name -> value
m["fsm_ir_per_seg"] = num("fsm_ir_per_seg")
m["fsm_segments"] = num("fsm_segments")

# Whole system: configurations none / tcpfsm / ct / both, each measured once
# per round (keys sys_<cfg>_r<round>_<what>); the median over rounds counts.
CFGS = ("none", "tcpfsm", "ct", "both")
KINDS = (("bulk", "bulk_bps"), ("conn", "conn_per_s"), ("syn", "syn_per_s"), ("seg", "seg_per_s"))


def rounds_of(cfg, key):
    vals = []
    for k, v in raw.items():
        mt = re.match(rf"^sys_{cfg}_r(\d+)_{key}$", k)
        if mt:
            try:
                vals.append((int(mt.group(1)), float(v)))
            except ValueError:
                pass
    return [v for _, v in sorted(vals) if v > 0]


def median(vals):
    if not vals:
        return None
    vals = sorted(vals)
    n = len(vals)
    return vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2


m["sys_rounds"] = num("sys_rounds")
for kind, key in KINDS:
    base_vals = rounds_of("none", key)
    base = median(base_vals)
    m[f"sys_{kind}_none"] = base
    if len(base_vals) > 1 and base:
        m[f"sys_{kind}_none_drift"] = (max(base_vals) - min(base_vals)) / base
    for cfg in CFGS[1:]:
        v = median(rounds_of(cfg, key))
        m[f"sys_{kind}_{cfg}"] = v
        m[f"sys_{kind}_{cfg}_ratio"] = ratio(v, base)

    # Added cost per unit of work: 1/rate(cfg) - 1/rate(none).
    def added(cfg):
        v = m[f"sys_{kind}_{cfg}"]
        return (1 / v - 1 / base) if v and base else None
    at, ac = added("tcpfsm"), added("ct")
    m[f"sys_{kind}_added_tcpfsm_over_ct"] = at / ac if at is not None and ac else None
    m[f"sys_{kind}_added_tcpfsm_ns"] = at * 1e9 if at is not None and kind in ("syn", "seg") else None
    m[f"sys_{kind}_added_ct_ns"] = ac * 1e9 if ac is not None and kind in ("syn", "seg") else None
    m[f"sys_{kind}_rounds"] = {cfg: rounds_of(cfg, key) for cfg in CFGS}

# Head to head with conntrack in the kernel (same skbs, both trackers'
# entry points; keys vs_r<round>_<who>_<what>): the best round of each.  A
# neighbour on the host only ever adds time, and it hits whichever tracker
# runs then: the medians still swing between runs, the minima do not.
for what in ("segment_ns", "new_flow_ns"):
    for who in ("tcpfsm", "conntrack"):
        vals = [float(v) for k, v in raw.items()
                if re.match(rf"^vs_r\d+_{who}_{what}$", k)]
        m[f"vs_{who}_{what}"] = min(vals) if vals else None
        m[f"vs_{who}_{what}_rounds"] = vals
    m[f"vs_{what}_ratio"] = ratio(m[f"vs_tcpfsm_{what}"], m[f"vs_conntrack_{what}"])
m["vs_not_accepted"] = sum(float(v) for k, v in raw.items() if k.endswith("_not_accepted"))
m["vs_tcpfsm_invalid"] = sum(float(v) for k, v in raw.items()
                             if re.match(r"^vs_r\d+_tcpfsm_invalid$", k))

# Microbenchmark.
for n in ("1k", "100k", "1m"):
    m[f"micro_segment_ns_{n}"] = num(f"m{n}_segment_ns")
    m[f"micro_insert_ns_{n}"] = num(f"m{n}_fill_insert_ns")
m["micro_est_state_1m"] = raw.get("m1m_est_state")
m["micro_invalid_1m"] = num("m1m_invalid")
m["micro_clock_ns"] = num("m1m_clock_overhead_ns")
m["micro_scan_ns_1m"] = num("m1m_scan_ns")
m["micro_summary_ns_1k"] = num("m1k_summary_ns")
m["micro_summary_ns_1m"] = num("m1m_summary_ns")
m["micro_summary_bytes"] = num("m1m_summary_bytes")
m["micro_summary_1m_over_1k"] = ratio(m["micro_summary_ns_1m"], m["micro_summary_ns_1k"])
m["micro_expire_ns_1m"] = num("m1m_expire_ns")
m["micro_insert_ns_100k_listener"] = num("l100k_fill_insert_ns")
m["micro_segment_ns_100k_listener"] = num("l100k_segment_ns")
m["micro_expire_ns_100k_listener"] = num("l100k_expire_ns")
m["micro_events_lost_100k_listener"] = num("l100k_fill_events_lost")

# Memory: the big table's fill, with counters (m1m_) and without (a0_).
# A flow costs what its slab slot takes (the object, SLUB's free pointer
# beside it, its share of the page tail: /proc/slabinfo), not just the
# object's size, plus its share of the hash buckets.
def memory(out, fill, flows, slab_key):
    obj, buckets = num(f"{fill}_flow_obj_bytes"), num(f"{fill}_buckets")
    slab = num(slab_key) or obj
    share = buckets * 8 / flows if buckets and flows else None
    per_flow = slab + share if slab and share is not None else None
    m[f"{out}flows"] = flows
    m[f"{out}flow_obj_bytes"] = obj
    m[f"{out}flow_slab_bytes"] = slab
    m[f"{out}bucket_bytes_per_flow"] = share
    m[f"{out}bytes_per_flow"] = per_flow
    m[f"{out}1m_flows_mb"] = per_flow * 1e6 / 2**20 if per_flow else None


flows = num("mem_flows") or num("m1m_fill_flows")
memory("mem_", "m1m_fill", flows, "mem_flow_slab_bytes")
memory("mem_acct0_", "a0_fill", num("a0_fill_flows"), "a0_flow_slab_bytes")
m["mem_flow6_obj_bytes"] = num("m1m_fill_flow6_obj_bytes")
m["mem_flow_slot_bytes"] = num("mem_flow_slot_bytes")
m["mem_flow6_slab_bytes"] = num("mem_flow6_slab_bytes")
# An IPv6 flow at the same table size: its own slab slot, the same share.
m["mem_flow6_bytes_per_flow"] = (m["mem_flow6_slab_bytes"] + m["mem_bucket_bytes_per_flow"]
                                 if m["mem_flow6_slab_bytes"] and m["mem_bucket_bytes_per_flow"]
                                 else None)
m["mem_buckets"] = num("m1m_fill_buckets")
m["mem_slab_delta_per_flow"] = ratio(num("mem_slab_delta_bytes"), flows)
m["mem_ct_objsize"] = num("ct_objsize")

# Events.
m["listener"] = raw.get("listener")
m["rcvbuf_default"] = num("rcvbuf_default")
best = None
rates = []
for r in sorted(int(mt.group(1)) for k in raw for mt in [re.match(r"^rate(\d+)_events_lost$", k)] if mt):
    lost = num(f"rate{r}_events_lost")
    if lost is None:
        continue
    rates.append({"target": r, "achieved": num(f"rate{r}_rate_achieved"),
                  "lost": lost, "delivered": num(f"rate{r}_delivered")})
    if lost == 0:
        best = num(f"rate{r}_rate_achieved")
m["events_rates"] = rates
m["events_per_s_before_loss"] = best

# Listeners head to head (scripts/bench/vm-events): the loopback churn's
# rate each follows without loss, on default settings.
EV_LISTENERS = (("tcpfsm", "tcpfsm watch --json"), ("conntrack", "conntrack -E"))
ev_steps = {}
for lis, _ in EV_LISTENERS:
    m[f"ev_{lis}_max_rate"] = num(f"ev_{lis}_max_rate")
    steps = []
    for r in sorted(int(mt.group(1)) for k in raw
                    for mt in [re.match(rf"^ev_{lis}_r(\d+)_lost$", k)] if mt):
        steps.append({"target": r, **{w: num(f"ev_{lis}_r{r}_{w}")
                                      for w in ("conns", "achieved", "new", "events", "lost", "listener_cpu_ms")}})
    ev_steps[lis] = steps
    m[f"ev_{lis}_churn_limited"] = bool(num(f"ev_{lis}_churn_limited"))
    per = [st["events"] / st["conns"] for st in steps if st["conns"] and st["events"] is not None]
    m[f"ev_{lis}_events_per_conn"] = sum(per) / len(per) if per else None
m["ev_steps"] = ev_steps
m["ev_rate_ratio"] = ratio(m["ev_tcpfsm_max_rate"], m["ev_conntrack_max_rate"])
# Each listener's own instructions (callgrind, from its event loop on) over
# one slow churn: per connection it saw, and whether it saw them all.
for lis, _ in EV_LISTENERS:
    ir, conns, new = (num(f"ev_{lis}_cg_{w}") for w in ("ir", "conns", "new"))
    events = num(f"ev_{lis}_cg_events")
    m[f"ev_{lis}_cg_complete"] = bool(conns and new == conns)
    m[f"ev_{lis}_cg_ir_per_conn"] = ir / new if ir and new else None
    m[f"ev_{lis}_cg_ir_per_event"] = ir / events if ir and events else None
m["ev_cg_ratio"] = ratio(m["ev_conntrack_cg_ir_per_conn"], m["ev_tcpfsm_cg_ir_per_conn"])

# Top costs from the callgrind annotation (self instructions per source line).
top = []
try:
    for line in open(annot_path):
        mt = re.match(r"^\s*([\d,]+)\s+(\S.*)$", line)
        if not mt or "=>" in line or "PROGRAM TOTALS" in line or "events annotated" in line:
            continue
        if re.search(r"\.[ch]:|\[", mt.group(2)):
            continue
        top.append((int(mt.group(1).replace(",", "")), mt.group(2).strip()))
except OSError:
    pass
top.sort(reverse=True)
total_ir = num("fsm_ir_total") or 1
m["fsm_top_lines"] = [{"ir_per_seg": round(c / (m["fsm_segments"] or 1), 1),
                       "share": round(100 * c / total_ir, 1), "line": s} for c, s in top[:8]]
m["fsm_functions"] = {k[len("fsm_fn_"):]: float(v) for k, v in raw.items() if k.startswith("fsm_fn_")}

# The exporter's scrape (scripts/bench/vm-scrape): one GET /metrics at 1k
# and at the big table's flows; equal within noise when it reads only the
# summary and the counters.
for n in ("1k", "1m", "1k2"):
    m[f"scrape_us_{n}"] = num(f"s{n}_scrape_us")
    m[f"scrape_min_us_{n}"] = num(f"s{n}_scrape_min_us")
    m[f"scrape_cpu_us_{n}"] = num(f"s{n}_scrape_cpu_us")
    m[f"scrape_bytes_{n}"] = num(f"s{n}_scrape_bytes")
    m[f"scrape_series_{n}"] = num(f"s{n}_scrape_series")
    m[f"scrape_flows_{n}"] = num(f"s{n}_scrape_flows")
# The exporter's CPU time (its kernel requests run in its context): the
# work, where the wall time also has whatever else ran (the GC's walk of a
# big table on the other vCPU, a neighbour on the host).
# Against both 1k runs, before and after the big table (the control: what
# the host did meanwhile shows as their difference).
k = [v for v in (m["scrape_cpu_us_1k"], m["scrape_cpu_us_1k2"]) if v]
m["scrape_ratio"] = ratio(m["scrape_cpu_us_1m"], sum(k) / len(k) if k else None)
m["scrape_wall_ratio"] = ratio(m["scrape_us_1m"], m["scrape_us_1k"])
m["scrape_summary"] = num("s1m_scrape_summary")

# Instruction counts (scripts/bench/insn-report.py's lines): numbers.
for k in raw:
    if k.startswith("insn_") and k != "insn_error":
        m[k] = num(k)
m["insn_error"] = raw.get("insn_error")

result = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "kernel": kver, "commit": commit, "vcpus": raw.get("vcpus"),
    "wall_seconds": int(secs), "vm_status": raw.get("vm_status", "0"),
    "metrics": m, "raw": raw,
}
json.dump(result, open(out_json, "w"), indent=1, sort_keys=True)

prev = {}
if prev_path:
    try:
        prev = json.load(open(prev_path)).get("metrics", {})
    except (OSError, ValueError):
        prev = {}


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if abs(v) >= 1e6:
        return f"{v / 1e6:.1f}M{unit}"
    if abs(v) >= 1e4:
        return f"{v / 1e3:.1f}k{unit}"
    if abs(v) >= 100:
        return f"{v:.0f}{unit}"
    return f"{v:.3g}{unit}"


def change(key):
    a, b = m.get(key), prev.get(key)
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return ""
    return f"{100 * (a - b) / b:+.1f}%"


def target(ok):
    return "n/a" if ok is None else ("met" if ok else "**missed**")


# Tracking cannot make traffic faster: a ratio above 1.05 means the run was
# too noisy (other VMs on the host) for its ratios to mean anything.
NOISY = any((m.get(f"sys_{k}_{c}_ratio") or 0) > 1.05
            for k, _ in KINDS for c in ("tcpfsm", "ct", "both"))


def le(key, lim):
    v = m.get(key)
    return None if v is None else v <= lim


def ge(key, lim):
    v = m.get(key)
    return None if v is None else v >= lim


rows = [
    ("FSM instructions / segment (callgrind, userspace)", "fsm_ir_per_seg", "", None),
    ("Segment on an established flow, 1k flows (ns, TCG)", "micro_segment_ns_1k", "", None),
    ("Segment on an established flow, 100k flows (ns, TCG)", "micro_segment_ns_100k", "", None),
    ("Segment on an established flow, 1M flows (ns, TCG)", "micro_segment_ns_1m", "", None),
    ("Insert new flow, table 0→1k (ns, TCG)", "micro_insert_ns_1k", "", None),
    ("Insert new flow, table 1k→100k (ns, TCG)", "micro_insert_ns_100k", "", None),
    ("Insert new flow, table 100k→1M (ns, TCG)", "micro_insert_ns_1m", "", None),
    ("Insert new flow 1k→100k, listener attached (ns, TCG)", "micro_insert_ns_100k_listener", "", None),
    ("Segment at 100k flows, listener attached (ns, TCG)", "micro_segment_ns_100k_listener", "", None),
    ("GC scan, nothing due, 1M flows (ns/flow, TCG)", "micro_scan_ns_1m", "", None),
    ("SUMMARY_GET reply built, 1k flows (ns, TCG)", "micro_summary_ns_1k", "", None),
    ("SUMMARY_GET reply built, 1M flows (ns, TCG)", "micro_summary_ns_1m", "", None),
    ("SUMMARY_GET: 1M flows / 1k flows (equal within noise)", "micro_summary_1m_over_1k", "≤ 1.5",
     le("micro_summary_1m_over_1k", 1.5)),
    ("  SUMMARY_GET reply size at 1M flows (bytes)", "micro_summary_bytes", "", None),
    ("Expiry, 1M flows (ns/flow, TCG)", "micro_expire_ns_1m", "", None),
    ("Expiry, 100k flows, listener attached (ns/flow, TCG)", "micro_expire_ns_100k_listener", "", None),
    ("Established segment, in kernel: tcpfsm (instructions)", "insn_k1a_tcpfsm_segment", "", None),
    ("Established segment, in kernel: conntrack (instructions)", "insn_k1a_conntrack_segment", "", None),
    ("Established segment, instructions: tcpfsm / conntrack", "insn_k1a_ratio_segment", "≤ 0.25",
     le("insn_k1a_ratio_segment", 0.25)),
    ("New flow, in kernel: tcpfsm (instructions)", "insn_k1a_tcpfsm_new_flow", "", None),
    ("New flow, in kernel: conntrack (instructions)", "insn_k1a_conntrack_new_flow", "", None),
    ("New flow, instructions: tcpfsm / conntrack", "insn_k1a_ratio_new_flow", "≤ 0.5",
     le("insn_k1a_ratio_new_flow", 0.5)),
    ("Expiry, in kernel: tcpfsm (instructions)", "insn_k1a_tcpfsm_expiry", "", None),
    ("Expiry, in kernel: conntrack (instructions)", "insn_k1a_conntrack_expiry", "", None),
    ("Expiry, instructions: tcpfsm / conntrack", "insn_k1a_ratio_expiry", "≤ 0.5",
     le("insn_k1a_ratio_expiry", 0.5)),
    ("Whole path, segment: tcpfsm added / conntrack added (instructions)", "insn_path_seg_added_ratio",
     "≤ 0.15", le("insn_path_seg_added_ratio", 0.15)),
    ("Whole path, new flow: tcpfsm added / conntrack added (instructions)", "insn_path_syn_added_ratio",
     "≤ 0.5", le("insn_path_syn_added_ratio", 0.5)),
    ("Established segment at 1M flows: tcpfsm (instructions)", "insn_m1_tcpfsm_segment", "", None),
    ("New flow at 1M flows, listener attached: tcpfsm (instructions)", "insn_m1_listener_tcpfsm_new_flow", "", None),
    ("Instruction counts of two rounds agree within 1% (1: yes)", "insn_stable", "1",
     ge("insn_stable", 1)),
    ("Established segment, every vCPU at once / alone (instructions, worst vCPU)", "insn_mc_flat",
     "≤ 1.01", le("insn_mc_flat", 1.01)),
    ("  Cache lines stored to by more than one vCPU's segments", "insn_mc_shared_lines", "0",
     le("insn_mc_shared_lines", 0)),
    ("Segment on an established flow, in kernel: tcpfsm (ns, TCG, best of 5)", "vs_tcpfsm_segment_ns", "", None),
    ("Segment on an established flow, in kernel: conntrack (ns, TCG, best of 5)", "vs_conntrack_segment_ns", "", None),
    ("Segment, in kernel: tcpfsm / conntrack", "vs_segment_ns_ratio", "≤ 0.2", le("vs_segment_ns_ratio", 0.2)),
    ("New flow, in kernel: tcpfsm (ns, TCG, best of 5)", "vs_tcpfsm_new_flow_ns", "", None),
    ("New flow, in kernel: conntrack (ns, TCG, best of 5)", "vs_conntrack_new_flow_ns", "", None),
    ("New flow, in kernel: tcpfsm / conntrack", "vs_new_flow_ns_ratio", "≤ 0.5", le("vs_new_flow_ns_ratio", 0.5)),
    ("Head to head: verdicts other than NF_ACCEPT (both)", "vs_not_accepted", "", None),
    ("Head to head: segments tcpfsm found invalid", "vs_tcpfsm_invalid", "", None),
    ("Segment burst, one established flow: tcpfsm / none", "sys_seg_tcpfsm_ratio", "", None),
    ("Segment burst: conntrack / none", "sys_seg_ct_ratio", "", None),
    ("Segment burst: both / none", "sys_seg_both_ratio", "", None),
    ("Segment burst: tcpfsm added ns (TCG, whole path)", "sys_seg_added_tcpfsm_ns", "", None),
    ("Segment burst: conntrack added ns (TCG, whole path)", "sys_seg_added_ct_ns", "", None),
    ("Segment burst: tcpfsm added cost / conntrack's", "sys_seg_added_tcpfsm_over_ct", "", None),
    ("SYN burst new flows/s: tcpfsm / none", "sys_syn_tcpfsm_ratio", "", None),
    ("SYN burst new flows/s: conntrack / none", "sys_syn_ct_ratio", "", None),
    ("SYN burst new flows/s: both / none", "sys_syn_both_ratio", "", None),
    ("SYN burst: tcpfsm added ns (TCG, whole path)", "sys_syn_added_tcpfsm_ns", "", None),
    ("SYN burst: conntrack added ns (TCG, whole path)", "sys_syn_added_ct_ns", "", None),
    ("SYN burst: tcpfsm added cost / conntrack's", "sys_syn_added_tcpfsm_over_ct", "", None),
    ("Bulk throughput: tcpfsm / none", "sys_bulk_tcpfsm_ratio", "≥ 0.95", ge("sys_bulk_tcpfsm_ratio", 0.95)),
    ("Bulk throughput: conntrack / none", "sys_bulk_ct_ratio", "", None),
    ("Bulk throughput: both / none", "sys_bulk_both_ratio", "", None),
    ("Connections/s: tcpfsm / none", "sys_conn_tcpfsm_ratio", "", None),
    ("Connections/s: conntrack / none", "sys_conn_ct_ratio", "", None),
    ("Connections/s: both / none", "sys_conn_both_ratio", "", None),
    ("Connections: tcpfsm added cost / conntrack's", "sys_conn_added_tcpfsm_over_ct", "", None),
    ("Whole-system rounds (medians taken)", "sys_rounds", "", None),
    ("Baseline spread over rounds (max-min)/median: segments", "sys_seg_none_drift", "", None),
    ("Baseline spread: SYN burst", "sys_syn_none_drift", "", None),
    ("Baseline spread: bulk", "sys_bulk_none_drift", "", None),
    ("Baseline spread: connections/s", "sys_conn_none_drift", "", None),
    ("Bytes per IPv4 flow (slab slot + hash share) at 1M", "mem_bytes_per_flow", "≤ 128",
     le("mem_bytes_per_flow", 128)),
    ("  slab bytes per IPv4 flow (slot, page tail share: /proc/slabinfo)", "mem_flow_slab_bytes", "", None),
    ("  slot size (object and SLUB's free pointer)", "mem_flow_slot_bytes", "", None),
    ("  object size (kmem_cache_size())", "mem_flow_obj_bytes", "", None),
    ("  hash buckets share per flow", "mem_bucket_bytes_per_flow", "", None),
    ("  Slab growth per flow (/proc/meminfo)", "mem_slab_delta_per_flow", "", None),
    ("Bytes per IPv6 flow (slab slot + hash share)", "mem_flow6_bytes_per_flow", "≤ 152",
     le("mem_flow6_bytes_per_flow", 152)),
    ("  object size of an IPv6 flow", "mem_flow6_obj_bytes", "", None),
    ("1M flows (MiB)", "mem_1m_flows_mb", "< 128 MB", le("mem_1m_flows_mb", 128e6 / 2**20)),
    ("Bytes per flow at 1M with acct=0 (no counters)", "mem_acct0_bytes_per_flow", "", None),
    ("  object size of a flow (IPv4), acct=0", "mem_acct0_flow_obj_bytes", "", None),
    ("1M flows with acct=0 (MiB)", "mem_acct0_1m_flows_mb", "", None),
    ("nf_conntrack slab object (bytes, + extensions)", "mem_ct_objsize", "", None),
    ("Events/s to one `tcpfsm watch --json` before loss", "events_per_s_before_loss", "", None),
    ("Loopback churn followed without loss: `tcpfsm watch --json` (conn/s)", "ev_tcpfsm_max_rate", "", None),
    ("Loopback churn followed without loss: `conntrack -E` (conn/s)", "ev_conntrack_max_rate", "", None),
    ("  events per connection: tcpfsm", "ev_tcpfsm_events_per_conn", "", None),
    ("  events per connection: conntrack", "ev_conntrack_events_per_conn", "", None),
    ("Churn followed without loss: tcpfsm / conntrack", "ev_rate_ratio", "≥ 4", ge("ev_rate_ratio", 4)),
    ("Listener's own instructions per connection (callgrind): `tcpfsm watch --json`",
     "ev_tcpfsm_cg_ir_per_conn", "", None),
    ("  per event", "ev_tcpfsm_cg_ir_per_event", "", None),
    ("Listener's own instructions per connection (callgrind): `conntrack -E`",
     "ev_conntrack_cg_ir_per_conn", "", None),
    ("  per event", "ev_conntrack_cg_ir_per_event", "", None),
    ("  conntrack / tcpfsm, per connection", "ev_cg_ratio", "", None),
    ("Exporter scrape (GET /metrics), 1k flows (µs wall, TCG, median of 200)", "scrape_us_1k", "", None),
    ("Exporter scrape, 1M flows (µs wall, TCG, median of 200)", "scrape_us_1m", "", None),
    ("Exporter CPU per scrape, 1k flows (µs, user + system, TCG)", "scrape_cpu_us_1k", "", None),
    ("Exporter CPU per scrape, 1M flows (µs, user + system, TCG)", "scrape_cpu_us_1m", "", None),
    ("Exporter CPU per scrape, 1k flows again after 1M (µs, the control)", "scrape_cpu_us_1k2", "", None),
    ("Exporter CPU per scrape: 1M flows / 1k flows (both 1k runs)", "scrape_ratio", "≤ 1.5 (flat)", le("scrape_ratio", 1.5)),
    ("Exporter scrape size, 1k flows (bytes)", "scrape_bytes_1k", "", None),
    ("Exporter scrape size, 1M flows (bytes)", "scrape_bytes_1m", "", None),
    ("  flows in the table at the 1M scrape", "scrape_flows_1m", "", None),
]
out = [f"# tcpfsm benchmark — {result['date']}", "",
       f"Kernel {kver} under qemu TCG ({result['vcpus']} vCPUs), commit {commit}, "
       f"run took {secs} s. Absolute times under TCG mean little; ratios from one run do.", ""]
if result["vm_status"] != "0":
    out += [f"**The VM run was not clean (vm-run status {result['vm_status']}): numbers may be missing.**", ""]
if m["scrape_summary"] == 0:
    out += ["**The exporter's scrapes found no SUMMARY_GET in this module: counters only, "
            "not the whole exposition.**", ""]
if NOISY:
    out += ["**Whole-system ratios above 1 seen: the host was loaded, these ratios are noise.**", ""]
out += ["| Metric | Value | Target | Status | Change vs previous |",
        "|---|---:|---|---|---:|"]
for label, key, tgt, ok in rows:
    st = target(ok) if tgt else ""
    if tgt and NOISY and key.startswith("sys_"):
        st = "noisy run"
    out.append(f"| {label} | {fmt(m.get(key))} | {tgt} | {st} | {change(key)} |")
out += ["", "Raw rates per round (none / tcpfsm / conntrack / both):", ""]
for kind, key in KINDS:
    per = m[f"sys_{kind}_rounds"]
    vals = " / ".join(",".join(fmt(v) for v in per[c]) or "n/a" for c in CFGS)
    out.append(f"- {key}: {vals}")
if rates:
    out += ["", f"Event delivery to one listener ({m['listener']}, default rcvbuf "
            f"{fmt(m['rcvbuf_default'])} B), 1 s at each paced rate:", "",
            "| target/s | achieved/s | delivered | lost |", "|---:|---:|---:|---:|"]
    for r in rates:
        out.append(f"| {r['target']} | {fmt(r['achieved'])} | {fmt(r['delivered'])} | {fmt(r['lost'])} |")
if any(ev_steps.values()):
    out += ["", "Listeners on the same loopback churn, default settings, a fresh listener "
            "at each paced rate (scripts/bench/vm-events):", "",
            "| listener | target conn/s | achieved | connections | NEW seen | events | lost | listener CPU ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for lis, name in EV_LISTENERS:
        for st in ev_steps[lis]:
            out.append(f"| {name} | {st['target']} | {fmt(st['achieved'])} | {fmt(st['conns'])} | "
                       f"{fmt(st['new'])} | {fmt(st['events'])} | {fmt(st['lost'])} | "
                       f"{fmt(st['listener_cpu_ms'])} |")
        if m[f"ev_{lis}_churn_limited"]:
            out.append(f"| {name} | (never lost: the churn, not the listener, set its "
                       f"limit) | | | | | | |")
for lis, name in EV_LISTENERS:
    if m[f"ev_{lis}_cg_ir_per_conn"] is not None and not m[f"ev_{lis}_cg_complete"]:
        out += ["", f"**{name} under callgrind saw {fmt(num(f'ev_{lis}_cg_new'))} of "
                f"{fmt(num(f'ev_{lis}_cg_conns'))} connections: its count per connection "
                f"leaves out what it lost.**"]
if m["fsm_top_lines"]:
    out += ["", "Top FSM costs (callgrind, self instructions per segment by source line):", "",
            "| Ir/seg | share | line |", "|---:|---:|---|"]
    for t in m["fsm_top_lines"]:
        out.append(f"| {t['ir_per_seg']} | {t['share']}% | `{t['line'][:80]}` |")
    out += ["", "By function (self): " + ", ".join(f"{k} {v}%" for k, v in m["fsm_functions"].items())]
insn_md = os.environ.get("BENCH_INSN_MD")
if insn_md and os.path.exists(insn_md):
    out += [""] + open(insn_md).read().splitlines()
open(out_md, "w").write("\n".join(out) + "\n")
