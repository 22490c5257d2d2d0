# SPDX-License-Identifier: GPL-2.0
# Out-of-tree build of tcpfsm.ko (sources and objects: see Kbuild) and the
# project's entry points. KDIR defaults to the newest installed build tree.
KDIR ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1)

all:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	if [ -f tools/Makefile ]; then $(MAKE) -C tools; fi

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	if [ -f tools/Makefile ]; then $(MAKE) -C tools clean; fi
	rm -rf build

deps:
	scripts/setup

lint: deps
	scripts/lint

check:
	@scripts/check

# make check with TCPFSM_STRESS=1: the tests that know it (21-faults,
# 22-isolation-churn) run their long versions; the same filters apply.
stress:
	@TCPFSM_STRESS=1 scripts/check

demo:
	scripts/demo

bench:
	if [ -x scripts/bench/run ]; then scripts/bench/run; \
	else echo "no scripts/bench/run yet" >&2; exit 1; fi

.PHONY: all clean deps lint check stress demo bench
