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

A region may hold an interrupt's instructions as well (the regions run with
bottom halves off, not interrupts): the median region of each kind counts,
which is exact as long as fewer than half are hit.  "none" is the harness
alone (crafting the skbs, looping); it is subtracted from both trackers.
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
blocks = collections.defaultdict(list)  # (vcpu, index) -> [(addr, n)]
for line in open(counts_path):
    f = line.split()
    if f[:1] == ["region"]:
        regions.append((int(f[1]), int(f[2]), int(f[3])))
    elif f[:1] == ["block"]:
        blocks[(int(f[1]), int(f[2]))].append((int(f[3], 16), int(f[4])))

labels = []  # (round, label, regions, ops per region)
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
    per_op[(rnd, label)] = statistics.median(vals) / ops
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
# The plugin's own check (tools/insn-count/selftest.c): regions of 0, n and
# 2n turns of "dec; jnz" after "test; jz" are 2, 2 + 2n and 2 + 4n
# instructions; interrupts may only add, so the least of each is exact.
self_span = spans.get(("selftest", "selftest"))
if self_span:
    got = [min(regions[j][2] for j in self_span[k::3]) for k in range(3)]
    exact = got == [2, 2002, 4002]
    out.append(f"insn_plugin_exact {int(exact)}")
    if not exact:
        out.append(f"insn_error plugin_selftest_{got[0]}_{got[1]}_{got[2]}")
md = ["## Instructions per operation (QEMU TCG plugin, tools/insn-count)", "",
      "Guest instructions between two markers, median region of "
      f"{labels[-1][3]} operations, harness subtracted: the same from run to run "
      "whatever the host's load.", "",
      "| round | operation | tcpfsm | conntrack | tcpfsm / conntrack |",
      "|---|---|---|---|---|"]
for rnd in dict.fromkeys(r for r, *_ in labels if r != "selftest"):
    for op, name in (("segment", "established segment"), ("new_flow", "new flow (SYN)")):
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
    for op in ("segment", "new_flow"):
        a, b = per_op.get(("k1a", f"{tracker}_{op}")), per_op.get(("k1b", f"{tracker}_{op}"))
        if a is None or b is None:
            continue
        d = abs(a - b) / max(a, 1)
        out.append(f"insn_repeat_{tracker}_{op} {d:.4f}")
        stable &= d <= 0.01
out.append(f"insn_stable {int(stable)}")
md += ["", f"Rounds k1a and k1b (1k flows) agree within 1%: {'yes' if stable else 'NO'}.", ""]

for tracker in ("tcpfsm", "conntrack"):
    for op in ("segment", "new_flow"):
        rows = top("k1a", f"{tracker}_{op}", labels[-1][3])
        if not rows:
            continue
        md.append(f"Top functions, {tracker} {op.replace('_', ' ')} (k1a; instructions per operation, share):")
        md.append("")
        md += [f"- `{name}` {n:.0f} ({share:.0f}%)" for name, n, share in rows]
        md.append("")
open(out_md, "w").write("\n".join(md) + "\n")
print("\n".join(out))
