#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Every vCPU at once against one alone, from the insn_count plugin.

mc-report.py COUNTS VM_RESULTS OUT_MD

COUNTS is the plugin's output for scripts/bench/vm-mc's run (mcregion,
mcwrites and mcshared lines), VM_RESULTS that run's results port (insn_mc
lines: per CPU, in order, what its concurrent regions were).  Prints
"KEY VALUE" lines for the bench's raw file and appends a markdown section
to OUT_MD.

A segment's count is the mean over a phase's regions, the harness's own
("none") subtracted.  "flat" is the largest ratio, over the CPUs, of a
segment's count with every CPU at once to the count on that CPU alone: 1.000
when nothing spins or retries.  The shared lines are the 64-byte lines that
more than one vCPU stored to inside the concurrent regions: on a real
machine each would bounce between the CPUs' caches on every such store.
The control phase's line (vs_mc_control, which every vCPU increments once a
segment's worth) must be among them with exactly its stores, or the count
of shared lines means nothing; it is left out of that count.
"""
import base64
import bisect
import collections
import gzip
import statistics
import sys

counts_path, results_path, out_md = sys.argv[1:4]
regions = collections.defaultdict(list)   # vcpu -> [insns] in order
writes = {}                                # vcpu -> (lines, stores, lost)
shared = []                                # (addr, [stores per vcpu])
for line in open(counts_path):
    f = line.split()
    if f[:1] == ["mcregion"]:
        regions[int(f[1])].append(int(f[3]))
    elif f[:1] == ["mcwrites"]:
        writes[int(f[1])] = tuple(int(x) for x in f[2:5])
    elif f[:1] == ["mcshared"]:
        shared.append((int(f[1], 16), [int(x) for x in f[2:]]))

phases = []     # (label, cpu, regions, ops) in order
ncpus = 0
syms = []
for line in open(results_path):
    f = line.split()
    if len(f) < 3 or f[0] != "bench":
        continue
    if f[1] == "insn_mc" and len(f) == 6:
        phases.append((f[2], int(f[3]), int(f[4]), int(f[5])))
    elif f[1] == "mc_cpus":
        ncpus = int(f[2])
    elif f[1] == "mc_not_accepted":
        print(f"insn_mc_not_accepted {f[2]}")
    elif f[1] == "insn_kallsyms_data":
        for s in gzip.decompress(base64.b64decode(f[2])).decode().splitlines():
            a, _, name = s.split()[:3]
            syms.append((int(a, 16), name))
syms.sort()
sym_addrs = [a for a, _ in syms]


def sym(addr):
    j = bisect.bisect_right(sym_addrs, addr) - 1
    return f"{syms[j][1]}+{addr - syms[j][0]:#x}" if j >= 0 and addr - syms[j][0] < 4096 \
        else "(heap, slab or stack)"


control = [a for a, name in syms if name == "vs_mc_control"]
control_line = control[0] & ~63 if control else None


want = collections.Counter()
for _, cpu, n, _ in phases:
    want[cpu] += n
if ncpus < 2 or any(len(regions[c]) != want[c] for c in want):
    print(f"insn_error mc_regions_{sum(len(v) for v in regions.values())}"
          f"_expected_{sum(want.values())}_cpus_{ncpus}")
    open(out_md, "a").write("\nEvery vCPU at once: not produced (the plugin's concurrent "
                            "regions do not match the bench's labels).\n")
    sys.exit(0)

per_op = {}     # (label, cpu) -> instructions per segment
pos = collections.Counter()
for label, cpu, n, ops in phases:
    vals = regions[cpu][pos[cpu]:pos[cpu] + n]
    pos[cpu] += n
    per_op[(label, cpu)] = statistics.mean(vals) / ops

out = [f"insn_mc_cpus {ncpus}"]
want_control = [n * ops for label, _, n, ops in phases if label == "control_all"]
got_control = [v for a, v in shared if a == control_line]
control_ok = bool(want_control) and got_control == [want_control]
out.append(f"insn_mc_control {int(control_ok)}")
if not control_ok:
    out.append(f"insn_error mc_control_{got_control}_expected_{want_control}")
shared = [(a, v) for a, v in shared if a != control_line]
flat = 0.0
rows = []
for cpu in sorted({c for _, c, _, _ in phases}):
    solo = per_op[("tcpfsm_solo", cpu)] - per_op[("none_solo", cpu)]
    every = per_op[("tcpfsm_all", cpu)] - per_op[("none_all", cpu)]
    r = every / solo if solo else 0.0
    flat = max(flat, r)
    out += [f"insn_mc_tcpfsm_solo_cpu{cpu} {solo:.1f}", f"insn_mc_tcpfsm_all_cpu{cpu} {every:.1f}"]
    rows.append(f"| {cpu} | {solo:.1f} | {every:.1f} | {r:.3f} |")
out.append(f"insn_mc_flat {flat:.3f}")
segs = sum(n * ops for label, _, n, ops in phases if label != "control_all")
out.append(f"insn_mc_shared_lines {len(shared)}")
out.append(f"insn_mc_shared_stores_per_segment {sum(min(v) for _, v in shared) / max(segs, 1):.4f}")
lost = sum(w[2] for w in writes.values())
if lost:
    out.append(f"insn_error mc_lines_lost_{lost}")
md = ["", "## Every vCPU at once (concurrent regions, tools/insn-count writes=1)", "",
      f"Each of {ncpus} vCPUs pushes established segments of its own flow, alone and then "
      "all at once; instructions per segment, harness subtracted.", "",
      "| vCPU | alone | all at once | ratio |", "|---|---|---|---|"] + rows + [""]
md.append(f"Cache lines stored to by more than one vCPU in those regions: {len(shared)}"
          + ("." if not shared else ":") + " (The control, a counter every vCPU increments "
          + ("in its own phase, was seen with exactly its stores.)" if control_ok else
             "in its own phase, was **not** seen as it should be: this count means nothing.)"))
for addr, v in shared[:20]:
    md.append(f"- `{addr:#x}` {sym(addr)}: stores per vCPU {v}")
md += ["", "Lines and stores per vCPU (all phases, harness included): " +
       ", ".join(f"vCPU {c}: {w[0]} lines, {w[1]} stores" for c, w in sorted(writes.items())), ""]
open(out_md, "a").write("\n".join(md) + "\n")
print("\n".join(out))
