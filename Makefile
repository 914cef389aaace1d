# SPDX-License-Identifier: GPL-2.0
#
# IOMMU live update: the patch series in patches/ and what builds and tests
# it.  'make help' lists the targets.

ARCH    ?= x86_64
FLAVOUR ?= base

S := scripts

.PHONY: help setup base tree export series series-build kernel progs vmtest check demo bench clean

help:
	@echo "make setup      install the Debian packages needed (as root) and fetch the base"
	@echo "make check      the whole test suite (set-up, series checks, builds, VM tests)"
	@echo "make demo       build and run the live update demo in QEMU"
	@echo "make bench      measure a live update against its size (not in make check)"
	@echo "make tree       create build/linux: the base plus patches/ as commits (FORCE=1 recreates)"
	@echo "make export     write the commits of build/linux back to patches/"
	@echo "make series     check that patches/ applies, round-trips and is checkpatch clean"
	@echo "make series-build [FROM=N]  build each patch on its own with W=1 and sparse"
	@echo "                (not in make check: 20 to 40 minutes)"
	@echo "make kernel     build the kernel (ARCH=$(ARCH) FLAVOUR=base|debug)"
	@echo "make progs      build the static test programs for ARCH"
	@echo "make vmtest SUITE=vfio MACHINE=q35-vtd-sm [FLAVOUR=base] [TIMEOUT=900] [ARGS='...']"
	@echo "                run one suite of tests/suites in one VM and report it"
	@echo "make clean      remove build/ (the kernel tree too: export first)"

setup:
	$(S)/setup.sh

base:
	$(S)/fetch-base.sh

tree:
	$(S)/mktree.sh

export:
	$(S)/export.sh

series:
	$(S)/check-series.sh

series-build:
	FROM=$(or $(FROM),1) $(S)/series-build.sh

kernel:
	$(S)/build-kernel.sh $(ARCH) $(FLAVOUR)

progs:
	$(S)/build-progs.sh $(ARCH)

SUITE   ?= vfio
MACHINE ?= q35-vtd-legacy
TIMEOUT ?= 900
RUN     ?= $(SUITE)-$(MACHINE)-$(FLAVOUR)
vmtest:
	set -f; $(S)/vmtest.sh $(RUN) $(SUITE) $(MACHINE) $(FLAVOUR) $(TIMEOUT) $(ARGS); \
	rc=$$?; $(S)/ktap-report.sh build/logs/$(RUN).log && exit $$rc

check:
	$(S)/check.sh

demo:
	$(S)/demo.sh

bench:
	$(S)/bench.sh

clean:
	rm -rf build
