#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make demo': a VFIO device keeps (or does not keep) doing DMA across a kexec.
#
# In a q35 VM with QEMU's intel-iommu (legacy mode, scalable mode with
# second-stage page tables, scalable mode with first-stage ones), and in an
# arm64 virt VM with QEMU's SMMUv3 (stage 1 page tables), QEMU's edu
# device is bound to vfio-pci and driven through iommufd: it DMAs into a
# memfd preserved in a LUO session; then a DMA is started in the last moment
# before a kexec_file_load reboot; the new kernel reports what became of that
# DMA and of the device.  "before" preserves only the memfd, which is all a
# stock kernel can do (tests/suites/demo-before.sh); "after" also preserves
# the iommufd and the device (tests/suites/vfio-lu.sh), and drives the device
# again in the new kernel.  Everything printed is read from the VMs' serial
# logs.
#
# DEMO_REPORT_ONLY=1 builds and runs nothing: it prints the table from the
# logs of the last run.

. "$(dirname "$0")/lib.sh"

# The VT-d machines (x86_64), then the SMMUv3 one (arm64)
machines=(q35-vtd-legacy q35-vtd-sm q35-vtd-sm-fs virt-smmuv3)

if [ -n "${DEMO_REPORT_ONLY:-}" ]; then
	say "DEMO_REPORT_ONLY: no build and no VM run, the table from the logs in $BUILD/logs"
	for m in "${machines[@]}"; do
		for r in before after; do
			[ -f "$BUILD/logs/demo-$r-$m.log" ] ||
				die "no $BUILD/logs/demo-$r-$m.log: run 'make demo' first"
		done
	done
else
	"$TOP/scripts/setup.sh"
	"$TOP/scripts/mktree.sh"
	for arch in x86_64 arm64; do
		"$TOP/scripts/build-kernel.sh" "$arch" base
		"$TOP/scripts/build-progs.sh" "$arch"
	done
	for m in "${machines[@]}"; do
		"$TOP/scripts/vmtest.sh" "demo-before-$m" demo-before "$m" base 300
		"$TOP/scripts/vmtest.sh" "demo-after-$m" vfio-lu "$m" base 300
	done
fi

# The IOMMU driver of machine $1: vtd or smmuv3.  row() sets $iommu to it
# for the cells of each machine.
iommu_of() {
	case $1 in
	virt-smmuv3*) echo smmuv3 ;;
	*) echo vtd ;;
	esac
}
iommu=vtd

# value KEY LOG: the last "# demo: ... KEY=value" of a log
value() { grep -o "# demo: .*\b$1=[^ ]*" "$2" | tail -n 1 | sed "s/.*\b$1=//"; }
# stage_log N LOG: the serial log lines of boot N (1 = before the kexec)
stage_log() { awk -v n="$1" '/Linux version/ { boot++ } boot == n' "$2"; }
# faults N LOG: the IOMMU's fault reports in boot N (the regular
# expressions of tests/suites/vfio-lu.sh, LU_IOMMU_FAULT_RE): VT-d's fault
# records; the SMMUv3's events (each "event 0x.. received", and those its
# rate limit dropped), event queue overflows and global errors
faults() {
	local re='DMAR: \[(DMA (Read|Write)|INTR-REMAP)|DRHD: handling fault status'
	[ "$iommu" = vtd ] ||
		re='arm-smmu-v3 [^ ]+: (event 0x[0-9a-f]+ received|EVTQ overflow detected|unexpected global error reported)|arm_smmu_dump_event: [0-9]+ callbacks suppressed'
	stage_log "$1" "$2" | grep -cE "$re" || true
}
# ktap NAME LOG: the result of the (sub)test NAME
ktap() {
	if grep -q "^  ok [0-9]* $1\( #.*\)\?\$" "$2"; then echo ok
	elif grep -q "^  not ok [0-9]* $1" "$2"; then echo FAILED
	else echo "-"
	fi
}
# cost LOG STEP: the microseconds of one row of the first "# lu-cost:" table
# with it (vfio-lu preserves the device again before its second kexec)
cost() { grep -o "lu-cost: $2  *[0-9.]*" "$1" | head -n 1 | awk '{ printf "%.0f", $NF }'; }
# in_boot N LOG PATTERN: does boot N's log have a line that matches?  (No
# grep -q after a pipe: under pipefail, the writer it leaves dying of
# SIGPIPE would make the answer "no".)
in_boot() { stage_log "$1" "$2" | grep -e "$3" >/dev/null; }
# What the new kernel found of the IOMMU's translation: VT-d kept
# translating, or found on and switched off, or off; the SMMUv3 kept
# enabled, or found enabled and reset (GBPA abort, then SMMUEN cleared),
# or disabled (nothing logged)
translation() {
	if [ "$iommu" = smmuv3 ]; then
		if in_boot 2 "$1" "arm-smmu-v3 [^ ]*: live update: keeping the SMMU enabled for the preserved devices"; then
			echo "kept on"
		elif in_boot 2 "$1" "arm-smmu-v3 [^ ]*: SMMU currently enabled! Resetting"; then
			echo "on, reset"
		else
			echo "off"
		fi
	elif in_boot 2 "$1" "DMAR: live update: .*keeping translation on"; then
		echo "kept on"
	elif in_boot 2 "$1" "Translation was enabled for"; then
		echo "on, switched off"
	else
		echo "off"
	fi
}

echo
echo "Live update demo: QEMU edu device, VFIO cdev + iommufd, DMA through VT-d or the SMMUv3 into a LUO-preserved memfd"
echo "Kernel: Linux 7.3.4 + patches/ ($(find "$TOP/patches" -name '[0-9]*.patch' ! -name '0000-*' | wc -l) patches)"
echo "before: only the memfd is preserved, as a stock kernel can (the device takes the stock kexec path)"
echo "after:  the memfd, the iommufd (its HWPT marked) and the VFIO device are preserved"
echo
fmt='%-52s'
runs=()
for m in "${machines[@]}"; do runs+=("demo-before-$m" "demo-after-$m"); done
printf "$fmt" ""; for m in "${machines[@]}"; do printf '%-14s%-14s' "before" "after"; done; echo
label() {
	case $1 in
	q35-vtd-legacy) echo "VT-d legacy mode" ;;
	q35-vtd-sm) echo "VT-d scalable, 2nd stage" ;;
	q35-vtd-sm-fs) echo "VT-d scalable, 1st stage" ;;
	virt-smmuv3) echo "Arm SMMUv3, stage 1" ;;
	esac
}
printf "$fmt" ""; for m in "${machines[@]}"; do printf '%-28s' "$(label "$m")"; done; echo
row() { # label function-of-log-for-before function-of-log-for-after
	local label=$1 before=$2 after=$3 m
	printf "$fmt" "$label"
	for m in "${machines[@]}"; do
		iommu=$(iommu_of "$m")
		printf '%-14s' "$($before "$BUILD/logs/demo-before-$m.log")"
		printf '%-14s' "$($after "$BUILD/logs/demo-after-$m.log")"
	done
	echo
}
none() { echo "-"; }
b_roundtrip() { ktap dma-round-trip-before-kexec "$1"; }
a_roundtrip() { ktap "DMA round trip through the HWPT" "$1"; }
a_preserved() { [ "$(ktap "kexec: preserve the VFIO device" "$1")" = ok ] && echo yes || echo no; }
b_preserved() { echo "no"; }
f1() { faults 1 "$1"; }
f2() { faults 2 "$1"; }
a_prescost() { echo "$(cost "$1" "preserve the iommufd (1 HWPT)") + $(cost "$1" "preserve the VFIO device")"; }
b_landed() { value inflight_dma_landed "$1"; }
a_landed() { [ "$(ktap "the DMA in flight during the kexec landed" "$1")" = ok ] && echo yes || echo no; }
b_bm_after() { grep -o "# demo: after_kexec_pci_command=[^ ]* bus_master=[a-z]*" "$1" | sed 's/.*bus_master=//'; }
a_bm_after() { grep -o "PCI_COMMAND [^:]*: bus master [a-z]*" "$1" | tail -n 1 | sed 's/.*bus master //'; }
trans() { translation "$1"; }
b_domain() { stage_log 2 "$1" | grep -o 'iommu_group_default_domain=[^ ]*' | sed 's/.*=//'; }
a_domain() { in_boot 2 "$1" 'held over on its preserved domain' && echo restored || echo other; }
# The stage of the VT-d entry adopted for the held device; on the SMMUv3,
# of its STE ("stage-1 domain, ASID n" or "stage-2 domain, VMID n")
a_stage() {
	local k
	if [ "$iommu" = smmuv3 ]; then
		k=$(stage_log 2 "$1" | grep -oE 'translating through its preserved stage-[12] domain, (ASID|VMID) [0-9]+' |
			awk 'NR == 1 { print $5 }') || true
	else
		k=$(stage_log 2 "$1" | grep -o 'translating through its preserved [a-z-]* domain' |
			awk 'NR == 1 { print $5 }') || true
	fi
	echo "${k:-FAILED}"
}
a_restore() { stage_log 2 "$1" | grep -o 'restored and adopted in [0-9]* us' | sed 's/restored and adopted in //; s/ us//'; }
a_again() { ktap "DMA round trip through the preserved translation" "$1"; }
a_finish() { ktap "finish the session" "$1"; }
# Boot 2: the VMM's own HWPTs; five that do not translate like the restored
# one are refused (EDOM, the device's DMA goes on), the right one is taken
a_refusals() {
	local n=0 w
	for w in "one page to another address" "a range missing" "an extra range" \
		"read-only where it was writable" "a 2 MiB leaf where it had 4 KiB ones"; do
		[ "$(ktap "replace: onto an HWPT with $w" "$1")" = ok ] && n=$((n + 1))
	done
	if [ "$(all_ok 2 "$1" replace-refusals-logged)" = ok ] && [ "$n" -eq 5 ]; then
		echo "5 of 5"
	else
		echo "FAILED ($n of 5)"
	fi
}
# (The kernel's line, VT-d's "DID n to n" or the SMMUv3's "ASID n kept",
# is an info message, in dmesg and not on the console: the suite's
# replace-hitless-logged checks it)
a_hitless() {
	[ "$(all_ok 2 "$1" replace-hitless-logged no-blocking-replace-logged)" = ok ] &&
		[ "$(ktap "replace: DMA round trip through the replacement HWPT after it" "$1")" = ok ] &&
		echo "no break" || echo FAILED
}
# Boot 3 of vfio-lu: the VMM of a second live update dies before taking the
# device back; the device must be blocked before its memory is released.
a_blocked() {
	if in_boot 3 "$1" 'its session finished before it was taken over: device blocked' &&
	   [ "$(ktap "blocked: Bus Master is off" "$1")" = ok ]; then
		echo yes
	else
		echo no
	fi
}
# The DMA forced through the blocked device: the test program checks that
# no page of another process changed; VT-d logs a fault record for it, the
# SMMUv3 F_TRANSLATION events (the suite's blocked-dma-faulted checks both).
a_strayed() {
	if [ "$(ktap "blocked: a DMA started through BAR0 changes no page of another process" "$1")" = ok ] &&
	   [ "$(top 3 blocked-dma-faulted "$1")" = ok ]; then
		echo "no, faulted"
	else
		echo "FAILED"
	fi
}
# top N NAME LOG: the result of the suite's own test NAME in boot N
top() {
	if stage_log "$1" "$3" | grep -e "^ok [0-9]* $2\$" >/dev/null; then echo ok
	elif stage_log "$1" "$3" | grep -e "^not ok [0-9]* $2" >/dev/null; then echo FAILED
	else echo "-"
	fi
}
b_rng() { [ "$(top 2 "virtio-rng DMA after the kexec" "$1")" = ok ] && echo works || echo FAILED; }
# vfio-lu boots 2 (identity default domain) and 3 (translated: the suite
# names the type sysfs gives, DMA-FQ on the VT-d machines, DMA on the
# SMMUv3 one)
dma_type() { [ "$iommu" = smmuv3 ] && echo DMA || echo DMA-FQ; }
a_rng() {
	if [ "$(top 2 "virtio-rng DMA through the identity domain" "$1")" = ok ] &&
	   [ "$(top 3 "virtio-rng DMA through the $(dma_type) domain" "$1")" = ok ]; then
		echo works
	else
		echo FAILED
	fi
}
a_edu2() { stage_log 2 "$1" | grep -e "^ok [0-9]* second edu .* through a fresh iommufd\$" >/dev/null && echo works || echo FAILED; }
a_resets() {
	if [ "$(stage_log 2 "$1" | grep -c -e "^ok [0-9]* sysfs reset.* refused\$")" = 2 ] &&
	   [ "$(ktap "no bus reset (VFIO_DEVICE_PCI_HOT_RESET) before the session finishes" "$1")" = ok ]; then
		echo "EBUSY"
	else
		echo FAILED
	fi
}
a_irq() {
	if grep -e "^  ok [0-9]* the in-flight DMA's interrupt is in edu's status" "$1" >/dev/null &&
	   [ "$(ktap "MSI armed again after the live update is delivered" "$1")" = ok ]; then
		echo "kept, MSI ok"
	else
		echo FAILED
	fi
}
# all_ok N LOG NAME...: "ok" if each top-level test NAME of boot N passed
all_ok() {
	local n=$1 log=$2 name
	shift 2
	for name in "$@"; do
		[ "$(top "$n" "$name" "$log")" = ok ] || { echo FAILED; return; }
	done
	echo ok
}
# Boot 2: session retrieves and binds, each fault point failing in turn
a_nth() {
	local n
	n=$(grep -o "^  ok [0-9]* fail-nth retrieve: [0-9]* fault points" "$1" | awk '{ print $5 }')
	[ -n "$n" ] && [ "$(ktap "fail-nth bind: .*" "$1")" = ok ] && echo "$n points ok" || echo FAILED
}
# Boot 5: a fatal AER error above the second held edu
a_aer() {
	[ "$(all_ok 5 "$1" "fatal AER error at [0-9a-f:.]*: the reset of held [0-9a-f:.]* refused" \
		"[0-9a-f:.]* still held after the failed recovery")" = ok ] && echo "reset EBUSY" || echo FAILED
}
a_removed() {
	[ "$(all_ok 5 "$1" "unplug the held [0-9a-f:.]* (QEMU device_del edu1)" \
		"remove the held [0-9a-f:.]* (sysfs)" "[0-9a-f:.]* blocked as it went")" = ok ] &&
		echo "both blocked" || echo FAILED
}
a_back() {
	[ "$(all_ok 5 "$1" "[0-9a-f:.]* back as a new device" "[0-9a-f:.]* after its session is closed" \
		"iommu_vfio_lu_test-stage-5")" = ok ] && echo works || echo FAILED
}
a_closed() {
	[ "$(all_ok 6 "$1" "iommu_vfio_lu_test-stage-6" device-blocked-logged blocked-dma-faulted)" = ok ] &&
		echo "blocked" || echo FAILED
}
a_shared() {
	[ "$(all_ok 7 "$1" hold-refused-logged blocked-at-boot-logged iommu_vfio_lu_test-stage-7)" = ok ] &&
		[ "$(ktap "shared group: preserving the device is refused" "$1")" = ok ] &&
		echo "blocked" || echo FAILED
}
# Boot 8: legacy mode on a scalable-mode unit refuses it; a legacy-only
# unit has no other mode, its state is kept; nor has an SMMUv3 (the suite
# boots stage 8 as any other there): the device is held over as usual
a_mode() {
	if [ "$iommu" = smmuv3 ]; then
		[ "$(all_ok 8 "$1" "[0-9a-f:.]* held over (an SMMUv3 has no other mode)" no-refusal-logged)" = ok ] &&
			echo "kept (no other mode)" || echo FAILED
	elif [ "$(top 8 "unit-refused-logged" "$1")" = ok ]; then
		[ "$(all_ok 8 "$1" all-dma-blocked-logged "[0-9a-f:.]* blocked, then an ordinary device")" = ok ] &&
			echo "refused" || echo FAILED
	elif [ "$(top 8 "[0-9a-f:.]* held over (a legacy-only unit has no other mode)" "$1")" = ok ]; then
		echo "kept (no SM)"
	else
		echo FAILED
	fi
}
# Boot 9: the core's state corrupted (a reserved field set)
a_refused() {
	[ "$(all_ok 9 "$1" state-refused-logged all-dma-blocked-logged \
		"[0-9a-f:.]* blocked, then an ordinary device")" = ok ] && echo "blocked" || echo FAILED
}
# Boot 10: the driver part of the device record changed (bit 0 of the table)
a_entry() {
	[ "$(all_ok 10 "$1" entry-refused-logged not-held-logged state-taken \
		"[0-9a-f:.]* blocked, then an ordinary device")" = ok ] && echo "blocked" || echo FAILED
}
# Boot 11: a kernel booted with intel_iommu=off.  No arm64 kernel runs with
# its SMMUv3 off (tests/suites/vfio-lu.sh says why): the suite skips that
# test there, and the cell says "n/a" (a footnote under the table)
a_off() {
	if [ "$iommu" = smmuv3 ]; then
		stage_log 11 "$1" | grep -e "^ok [0-9]* smmuv3-off-kernel-stops-held-device # SKIP" >/dev/null &&
			echo "n/a" || echo FAILED
	elif [ "$(top 11 "Bus Master of [0-9a-f:.]* off" "$1")" = ok ] &&
	   in_boot 11 "$1" "live update: the IOMMU is off: Bus Master off"; then
		echo "stopped"
	else
		echo FAILED
	fi
}
row "device preserved in the LUO session" b_preserved a_preserved
row "DMA round trip through the IOMMU before the kexec" b_roundtrip a_roundtrip
row "IOMMU faults logged before the kexec" f1 f1
row "preserve iommufd + VFIO device (us)" none a_prescost
row "IOMMU translation at the handover" trans trans
row "DMA started just before the kexec landed" b_landed a_landed
row "Bus Master in the new kernel" b_bm_after a_bm_after
row "device's domain in the new kernel" b_domain a_domain
row "page table adopted (translation stage)" none a_stage
row "boot-time restore + adopt of the domain (us)" none a_restore
row "DMA round trip after retrieve, same translation" none a_again
row "VMM's HWPTs not translating alike: refused" none a_refusals
row "VMM's own HWPT taken (IOMMU entry switch)" none a_hitless
row "session finished" none a_finish
row "IOMMU faults logged in the new kernel" f2 f2
row "virtio-rng on the same IOMMU after the kexec" b_rng a_rng
row "a second edu, fresh iommufd, after the kexec" none a_edu2
row "resets of the held device (sysfs, bus, hot reset)" none a_resets
row "edu's DMA interrupt raised during the kexec" none a_irq
row "retrieve + bind, each allocation failing in turn" none a_nth
echo "Then, after a second live update of the same device, its VMM dies without taking it back:"
row "device blocked (Bus Master off, IOMMU blocking)" none a_blocked
row "a DMA forced through it reaches memory" none a_strayed
echo "Then, held over once more with the second edu, both are removed (hot-unplug, sysfs):"
row "fatal AER error above a held device: recovery" none a_aer
row "removed: blocked, restored state freed" none a_removed
row "back: new devices, fresh iommufd DMA" none a_back
echo "Then the VMM closes its iommufd before binding the device, and dies:"
row "the device" none a_closed
echo "Then a kernel that puts the device in its bridge's IOMMU group:"
row "the device (it cannot be held over)" none a_shared
echo "Then a kernel booted in the other VT-d mode (intel_iommu=sm_off / sm_on; an SMMUv3 has one mode):"
row "the preserved state" none a_mode
echo "Then a kernel given a corrupted IOMMU state (a reserved field set):"
row "the preserved state, the device" none a_refused
echo "Then a kernel given a device record that no longer matches its IOMMU entry:"
row "the device's entry, the device" none a_entry
echo "Then, preserved once more, it goes to a kernel booted with intel_iommu=off:"
row "the device in that kernel" none a_off
echo "(n/a: no arm64 kernel runs with its SMMUv3 off, there is no intel_iommu=off;"
echo " vfio-lu's stage 11 skips that test there: tests/suites/vfio-lu.sh says why)"
echo
echo "Serial logs: $BUILD/logs/demo-{before,after}-*.log"
