#!/usr/bin/env bash
# Host test: build tcpfsm_fsm.c in userspace (ASan/UBSan) and run every
# scenario of kunit/tcpfsm_vectors.h and the seeded property walks.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
exec make -s -C "$repo/tools/fsm-user" check
