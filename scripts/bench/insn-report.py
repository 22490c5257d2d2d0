#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions per operation from the insn_count plugin's regions.

insn-report.py COUNTS VM_RESULTS OUT_MD

COUNTS is the plugin's output (region/block lines), VM_RESULTS the results
port of scripts/bench/vm-insn (its insn_round/insn_regions lines say what
each region was, in order, and insn_kallsyms the guest's text symbols).
Prints "KEY VALUE" lines for the bench's raw file and writes a markdown
section (per-operation figures, their ratios, the two 1k rounds' agreement,
the top functions of each tracker's path) to OUT_MD.

The bench's regions run with interrupts off, so a region holds only the
work it brackets; the mean over a kind's regions counts (a new flow's
share of slab page allocations varies from region to region).  "none" is
the harness alone (crafting the skbs, looping); it is subtracted from both
trackers.
"""
import base64
import bisect
import collections
import gzip
import statistics
import sys

counts_path, results_path, out_md = sys.argv[1:4]

# The plugin writes a region's line when it ends, so the file is in the
# order the regions ran in, whichever vCPU ran them (the bench runs one at
# a time; each command stays on one CPU, the next may be on another).
regions = []    # [(vcpu, index on that vCPU, insns)] in order
globals_ = []   # whole-machine counts, in order
blocks = collections.defaultdict(list)  # (vcpu, index) -> [(addr, n)]
for line in open(counts_path):
    f = line.split()
    if f[:1] == ["region"]:
        regions.append((int(f[1]), int(f[2]), int(f[3])))
    elif f[:1] == ["global"]:
        globals_.append(int(f[2]))
    elif f[:1] == ["block"]:
        blocks[(int(f[1]), int(f[2]))].append((int(f[3], 16), int(f[4])))

labels = []  # (round, label, regions, ops per region)
glabels = []  # (label, segments delivered) of the whole-machine counts
rnd = None
syms = []
for line in open(results_path):
    f = line.split()
    if len(f) < 2 or f[0] != "bench":
        continue
    if f[1] == "insn_round":
        rnd = f[2]
    elif f[1] == "insn_regions" and rnd:
        labels.append((rnd, f[2], int(f[3]), int(f[4])))
    elif f[1] == "insn_global" and len(f) > 3:
        glabels.append((f[2], int(f[3])))
    elif f[1] == "insn_kallsyms" and len(f) > 2:
        for s in gzip.decompress(base64.b64decode(f[2])).decode().splitlines():
            a, _, name = s.split()[:3]
            syms.append((int(a, 16), name))
syms.sort()
sym_addrs = [a for a, _ in syms]

want = sum(n for _, _, n, _ in labels)
if not regions or len(regions) != want:
    print(f"insn_error regions_{len(regions)}_expected_{want}")
    open(out_md, "w").write("Instruction counts: not produced (the plugin's regions do not "
                            "match the bench's labels).\n")
    sys.exit(0)

per_op = {}   # (round, label) -> instructions per operation (median region / ops)
spans = {}    # (round, label) -> region indexes
i = 0
for rnd, label, n, ops in labels:
    vals = [r[2] for r in regions[i:i + n]]
    spans[(rnd, label)] = range(i, i + n)
    if vals:
        per_op[(rnd, label)] = statistics.mean(vals) / ops
    i += n


def net(rnd, tracker, op):
    v = per_op.get((rnd, f"{tracker}_{op}"))
    base = per_op.get((rnd, f"none_{op}"))
    return None if v is None or base is None else v - base


def sym(addr):
    j = bisect.bisect_right(sym_addrs, addr) - 1
    return syms[j][1] if j >= 0 else hex(addr)


def top(rnd, label, ops_per_region, k=8):
    agg = collections.Counter()
    span = spans.get((rnd, label), [])
    for idx in span:
        for addr, n in blocks.get(regions[idx][:2], []):
            if addr:
                agg[sym(addr)] += n
    total = sum(agg.values()) or 1
    per = len(span) * ops_per_region or 1
    return [(name, n / per, 100.0 * n / total) for name, n in agg.most_common(k)]


out = []
# The plugin's own check (vs_selftest() in bench/tcpfsm_bench.c), in every
# round: regions of 0, 200 and 400 turns of "dec; jnz" after "test; jz",
# with interrupts off, are exactly 2, 402 and 802 instructions.
got = [[regions[j][2] for j in span] for (r, label), span in spans.items() if label == "selftest"]
if got:
    exact = all(g == [2, 402, 802] for g in got)
    out.append(f"insn_plugin_exact {int(exact)}")
    if not exact:
        out.append("insn_error plugin_selftest_" + "_".join(str(v) for g in got for v in g))
md = ["## Instructions per operation (QEMU TCG plugin, tools/insn-count)", "",
      "Guest instructions between two markers, mean over regions of "
      f"{labels[-1][3]} operations, harness subtracted: the same from run to run "
      "whatever the host's load.", "",
      "| round | operation | tcpfsm | conntrack | tcpfsm / conntrack |",
      "|---|---|---|---|---|"]
for rnd in dict.fromkeys(r for r, *_ in labels if r != "warmup"):
    for op, name in (("segment", "established segment"), ("new_flow", "new flow (SYN)"),
                     ("expiry", "expiry")):
        t, c = net(rnd, "tcpfsm", op), net(rnd, "conntrack", op)
        if t is None:
            continue
        out.append(f"insn_{rnd}_tcpfsm_{op} {t:.1f}")
        if c is not None:
            out.append(f"insn_{rnd}_conntrack_{op} {c:.1f}")
            out.append(f"insn_{rnd}_ratio_{op} {t / c:.3f}")
        md.append(f"| {rnd} | {name} | {t:.0f} | {c:.0f} | {t / c:.2f} |" if c else
                  f"| {rnd} | {name} | {t:.0f} | - | - |")

# Two rounds at 1k flows: the instrument's repeatability.
stable = True
for tracker in ("tcpfsm", "conntrack", "none"):
    for op in ("segment", "new_flow", "expiry"):
        a, b = per_op.get(("k1a", f"{tracker}_{op}")), per_op.get(("k1b", f"{tracker}_{op}"))
        if a is None or b is None:
            continue
        d = abs(a - b) / max(a, 1)
        out.append(f"insn_repeat_{tracker}_{op} {d:.4f}")
        stable &= d <= 0.01
out.append(f"insn_stable {int(stable)}")
md += ["", f"Rounds k1a and k1b (1k flows) agree within 1%: {'yes' if stable else 'NO'}.", ""]

for tracker in ("tcpfsm", "conntrack"):
    for op in ("segment", "new_flow", "expiry"):
        rows = top("k1a", f"{tracker}_{op}", labels[-1][3])
        if not rows:
            continue
        md.append(f"Top functions, {tracker} {op.replace('_', ' ')} (k1a; instructions per operation, share):")
        md.append("")
        md += [f"- `{name}` {n:.0f} ({share:.0f}%)" for name, n, share in rows]
        md.append("")
# The whole path: every vCPU's instructions per delivered segment, and what
# each tracker adds over no tracking.
if glabels and len(glabels) == len(globals_):
    path = collections.defaultdict(list)   # (cfg, kind) -> [per segment]
    for (label, delivered), insns in zip(glabels, globals_):
        cfg, kind, rnd = label.rsplit("_", 2)
        if delivered > 0 and rnd != "rw":
            path[(cfg, kind)].append(insns / delivered)
    md += ["## Whole path (every vCPU, per delivered segment)", "",
           "| burst | none | tcpfsm | conntrack | both | tcpfsm added / conntrack added |",
           "|---|---|---|---|---|---|"]
    for kind, name in (("seg", "segments, one established flow"), ("syn", "SYNs, new flows")):
        med = {c: statistics.median(path[(c, kind)]) if path[(c, kind)] else None
               for c in ("none", "tcpfsm", "ct", "both")}
        for c, v in med.items():
            if v is not None:
                out.append(f"insn_path_{kind}_{c} {v:.1f}")
            vals = path[(c, kind)]
            if len(vals) == 2:
                out.append(f"insn_path_repeat_{kind}_{c} {abs(vals[0] - vals[1]) / max(vals[0], 1):.4f}")
        r = None
        if None not in (med["none"], med["tcpfsm"], med["ct"]) and med["ct"] > med["none"]:
            r = (med["tcpfsm"] - med["none"]) / (med["ct"] - med["none"])
            out.append(f"insn_path_{kind}_added_ratio {r:.3f}")
        cells = " | ".join(f"{med[c]:.0f}" if med[c] is not None else "-"
                           for c in ("none", "tcpfsm", "ct", "both"))
        md.append(f"| {name} | {cells} | {r:.2f} |" if r is not None else f"| {name} | {cells} | - |")
    md.append("")
elif glabels or globals_:
    out.append(f"insn_error global_{len(globals_)}_expected_{len(glabels)}")
open(out_md, "w").write("\n".join(md) + "\n")
print("\n".join(out))
