# SPDX-License-Identifier: GPL-2.0
# Out-of-tree build of tcpfsm.ko (sources and objects: see Kbuild) and the
# project's entry points (make help). KDIR defaults to the newest installed
# build tree.
KDIR ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1)
PREFIX ?= /usr/local
DESTDIR ?=

all:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	if [ -f tools/Makefile ]; then $(MAKE) -C tools; fi

help:
	@echo 'make [KDIR=...]    build tcpfsm.ko (newest /lib/modules/*/build) and tools/tcpfsm'
	@echo 'make install       modules_install + depmod for KDIR, tools/tcpfsm and tcpfsm(8)'
	@echo '                   under PREFIX (/usr/local); DESTDIR stages it all'
	@echo 'make dkms-install  the DKMS tree in /usr/src/tcpfsm-VERSION, dkms install for the'
	@echo '                   running kernel (or DKMS_KERNEL=kver)'
	@echo 'make deb           build/deb/tcpfsm-dkms_*.deb and tcpfsm_*.deb, checked by lintian'
	@echo 'make dist          build/tcpfsm-VERSION.tar.gz, which builds, demos and checks without git'
	@echo 'make version       print the version (git describe, or VERSION in an archive)'
	@echo 'make deps          install what the tests need (scripts/setup)'
	@echo 'make demo          boot Debian 6.1 under qemu and show tcpfsm at work'
	@echo 'make check         lint and every test on 6.1, 6.12, sid (7.2) and the debug kernel'
	@echo '                   (KERNELS="6.1 6.12 debug sid", TESTS="prefix ..." narrow it)'
	@echo 'make stress        make check with the fault and churn tests at full length'
	@echo 'make bench         measure costs (bench/results/latest.md)'
	@echo 'make lint          W=1, sparse and checkpatch'
	@echo 'make clean'

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	if [ -f tools/Makefile ]; then $(MAKE) -C tools clean; fi
	rm -rf build

# The module for KDIR's kernel under /lib/modules/<kver>/extra (kbuild's
# INSTALL_MOD_DIR), modules.dep updated; the CLI and its man page by
# tools/Makefile's own install target.  Unsigned, as `make` builds it:
# headers packages carry no signing key, with which kbuild would try to sign
# it (set CONFIG_MODULE_SIG_ALL=y to sign with a key of your own).
# <kver> is UTS_RELEASE: Debian's include/config/kernel.release says 6.1.N.
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)
CONFIG_MODULE_SIG_ALL ?=
install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		CONFIG_MODULE_SIG_ALL=$(CONFIG_MODULE_SIG_ALL) modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	if [ -f tools/Makefile ]; then $(MAKE) -C tools install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR); fi

# Without a distribution package: DKMS builds and installs the module for the
# running kernel (or DKMS_KERNEL) now, and for every new kernel whose headers
# are installed.
dkms-install:
	v=$$(scripts/version) && rm -rf $(DESTDIR)/usr/src/tcpfsm-$$v && \
	scripts/dkms-tree $(DESTDIR)/usr/src/tcpfsm-$$v && \
	dkms install -m tcpfsm -v $$v $(if $(DKMS_KERNEL),-k $(DKMS_KERNEL))

deb:
	scripts/deb

dist:
	scripts/dist

version:
	@scripts/version

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

.PHONY: all help clean install dkms-install deb dist version deps lint check stress demo bench
