#!/usr/bin/env bash
# Host test: a short libFuzzer session over tcpfsm_fsm.c (tools/fsm-user,
# ASan and UBSan), from the seed corpus checked in as
# tools/fsm-user/corpus (the vectors, make -C tools/fsm-user corpus), for
# FUZZ_SECONDS (45).  Fails on a crash or a broken invariant of
# kunit/tcpfsm_props.h, and prints the transition-table cells reached:
# fails too if one unreached is not explained in
# tools/fsm-user/cells-unreached.txt.  Needs clang (scripts/setup).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
exec make -s -C "$repo/tools/fsm-user" fuzz-check FUZZ_SECONDS="${FUZZ_SECONDS:-45}"
