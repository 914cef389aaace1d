# SPDX-License-Identifier: GPL-2.0
# A VFIO device keeps doing DMA through its iommufd HWPT across a kexec
# (tools/testing/selftests/iommu/iommu_vfio_lu_test, QEMU's edu device).
# Stage 1 sets the device up on a paging HWPT over a memfd, checks the
# errnos of preserving it wrongly and that a cancelled session leaves
# nothing behind, then preserves the memfd, the iommufd and the device in a
# LUO session; its holder starts a DMA in the last moment before the kexec.
# Stage 2 checks that the DMA landed, that the device is held for its live
# update owner (no kernel driver but vfio-pci, no foreign iommufd), that
# VT-d kept translating for it and the core held it on its restored domain,
# and that the new kernel logged no IOMMU fault and refused no preserved
# state; the VMM replaces the restored HWPT with its own, after the kernel
# refused five that do not translate alike, and VT-d moves the device's
# entry to it without a break; then it preserves the device again, on
# that HWPT of its own.  Stage 3: the VMM finds the memory of both live
# updates in its memfd and dies without taking the device back; the
# device is blocked (a DMA forced through it faults and changes no other
# process's memory) and usable again through VFIO; then it preserves the
# device once more.  Stage 4: the
# VMM takes the device back and dies before finishing; the device is
# blocked and usable again, and preserved once more, this time with the
# second edu held over beside it in a session of its own.  Stage 5: both
# held devices are removed, the first by a PCIe hot-unplug (QEMU's
# device_del through the monitor), the second through sysfs: each is
# blocked and its restored state freed; plugged in again and found by a
# rescan, they are new devices that work through a fresh iommufd, and the
# second one's session, retrieved and closed, leaves the new device alone;
# the first is preserved once more.  Stage 6: the VMM closes the iommufd it
# retrieved before binding the device (retrieved again, it is the same),
# retrieves the device and dies without binding it: blocked, usable,
# preserved once more.  Stage 7 is booted with the ACS redirect controls
# of the device's bridge off, so the device shares the bridge's IOMMU
# group and cannot be held over: it is blocked at boot, works as an
# ordinary device and cannot be preserved (EOPNOTSUPP); the second edu is
# preserved instead.  Stage 8 boots the other VT-d mode: on a scalable-mode
# unit, legacy mode (intel_iommu=sm_off), whose kernel must refuse the
# unit's preserved state, keep translation on and block the device (Bus
# Master off, a forced DMA faults), which is an ordinary device afterwards;
# a legacy-only unit has no other mode (intel_iommu=sm_on leaves it in
# legacy mode), so there the device is held over as usual.  Then edu1 is
# preserved, and a domain record of the IOMMU core's outgoing state gets a
# reserved field set (through the core's test device).  Stage 9
# refuses that state: translation stays on with empty tables, the device is
# blocked and is an ordinary device afterwards; it is preserved once more,
# and the driver part of its device record is changed (the test device
# flips bit 0 of its table address).  Stage 10 takes the core's state but
# VT-d refuses the device's entry, which no longer matches its record: the
# entry is not taken over (its DMA faults), the device is not held, and
# is an ordinary device afterwards; it is preserved once more.  Stage 11
# is booted with intel_iommu=off, a kernel that cannot take the device
# over: it stops the device (Bus Master off) before turning translation
# off.
#
# While the device is preserved or held, no reset reaches it (sysfs reset,
# its bridge's reset_subordinate: EBUSY); the interrupt its in-flight DMA
# raised during the kexec waits in its status, and its MSI works again once
# the VMM arms it (the test program checks both).  In every stage the rest
# of the machine, behind the same VT-d unit, works: a virtio-rng that the
# kernel's own driver uses for DMA, through the translated default domain,
# or the identity one in stage 2 (booted with iommu.passthrough=1), and a
# second edu through a fresh VFIO/iommufd.
#
# The same suite runs on arm64 QEMU virt with the SMMUv3 (arm-smmu-v3):
# machines/virt-smmuv3.sh, where paging HWPTs are stage 1 (ASIDs), and
# virt-smmuv3-s2.sh, an SMMUv3 of stage 2 only, where they are stage 2
# (VMIDs).  The driver is told by the IOMMU's sysfs class (dmar* or
# smmu3.*; LU_IOMMU below), and each VT-d log check has its SMMUv3
# counterpart: the SMMU left enabled at the kexec ("keeping the SMMU
# enabled for the preserved devices"), the entry adopted with its stage
# and tag ("stage-1 domain, ASID n" where the SMMU has stage 1, else
# "stage-2 domain, VMID n"), the hitless replace keeping that tag, the
# SMMUv3's event queue and global errors as its faults.  Where they differ:
#  - A DMA forced through a blocked device: the test program checks the
#    memory itself; the device is then on its translating default domain,
#    where the IOVA is not mapped, and the SMMUv3 must report F_TRANSLATION
#    events for it and no other kind (lu_smmu_blocked_dma).
#  - Stage 8: an SMMUv3 has no other mode to boot in; as on a legacy-only
#    VT-d unit, the device is held over as usual.
#  - Stages 9 and 10: the SMMUv3 has no "translation turned off" path (its
#    reset of an SMMU found enabled sets GBPA to abort before it clears
#    SMMUEN): stage 9 checks that the refused SMMU went through that reset,
#    stage 10 that it was kept enabled.  The corrupted device record of
#    stage 10 (bit 0 of its first field, the CD table address or, on stage
#    2, the zero that stands there) is not a valid record for arm-smmu-v3,
#    which refuses it as the SMMU is taken over, before the device is
#    probed; the core then finds no domain to restore for it.
#  - Stage 11 has no arm64 counterpart: no kernel command line keeps the
#    SMMUv3 off.  intel_iommu=off makes the VT-d driver stop the held
#    devices before it turns translation off; arm64 has no such parameter
#    (iommu.passthrough=1 still runs the driver, which takes the device
#    over), the driver is built in (no module_blacklist), and
#    initcall_blacklist=arm_smmu_driver_init needs CONFIG_KALLSYMS, which
#    configs/arm64.config leaves out; and where it works it keeps any
#    driver code from running, so the SMMU would stay enabled on the
#    preserved tables with nothing stopping the held device and the other
#    streams aborted: no honest equivalent.  The harness boots every stage
#    a suite defines, so on the SMMUv3 stage 10 preserves nothing and
#    stage 11 is an ordinary kexec: its test of a kernel with the IOMMU
#    off is a skip (tests/expected-skips says why), and it checks that an
#    SMMU left with no held device was disabled at the kexec and that the
#    machine works.
PROGS="iommu/iommu_vfio_lu_test"
# The IOMMU driver of the machine: "vtd" if a VT-d unit is in the IOMMU
# class, "smmuv3" if an SMMUv3 is; otherwise (a kernel that runs neither:
# stage 11 of the VT-d machines, booted with intel_iommu=off) the
# architecture's.
lu_iommu_driver() {
	local d
	for d in /sys/class/iommu/dmar*; do
		[ -e "$d" ] && { echo vtd; return; }
	done
	for d in /sys/class/iommu/smmu3.*; do
		[ -e "$d" ] && { echo smmuv3; return; }
	done
	case $(uname -m) in
	aarch64) echo smmuv3 ;;
	*) echo vtd ;;
	esac
}
LU_IOMMU=$(lu_iommu_driver)
LU_STAGE_ARGS_2="iommu.passthrough=1"
# The bridge above edu1 (machines/q35-vtd-*.sh: rp1, at 00:03.0; the
# same address on machines/virt-smmuv3*.sh)
LU_STAGE_ARGS_7="pci=disable_acs_redir=0000:00:03.0"
# Does the VT-d unit have a scalable mode?  (ECAP.SMTS, bit 43: the
# hardware's, whatever mode this kernel runs it in)
lu_vtd_scalable() {
	local ecap
	ecap=$(cat /sys/class/iommu/dmar0/intel-iommu/ecap 2>/dev/null) || return 1
	[ $(((0x$ecap >> 43) & 1)) -eq 1 ]
}
# (An SMMUv3 has one mode only: its stage 8 boots as any other.)
if [ "$LU_IOMMU" = smmuv3 ]; then
	LU_STAGE_ARGS_8=
elif lu_vtd_scalable; then
	LU_STAGE_ARGS_8="intel_iommu=sm_off"
else
	LU_STAGE_ARGS_8="intel_iommu=sm_on"
fi
# (No arm64 kernel runs with its SMMUv3 off: see above.)
[ "$LU_IOMMU" = smmuv3 ] || LU_STAGE_ARGS_11="intel_iommu=off"

# The stage of the page tables VT-d gives a paging HWPT in this boot:
# first-stage on a unit with first-stage translation (ECAP.FLTS, bit 47)
# run in scalable mode, second-stage otherwise.
lu_vtd_stage() {
	local ecap
	ecap=$(cat /sys/class/iommu/dmar0/intel-iommu/ecap 2>/dev/null) || return 1
	if lu_vtd_scalable && ! grep -q 'intel_iommu=sm_off' /proc/cmdline &&
	   [ $(((0x$ecap >> 47) & 1)) -eq 1 ]; then
		echo first-stage
	else
		echo second-stage
	fi
}

# The stage of the page tables arm-smmu-v3 gives a paging HWPT: stage 1
# if the SMMU has stage 1, else stage 2.  The driver logs its IDR0
# features at probe ("... (features 0x...)"; ARM_SMMU_FEAT_TRANS_S1 is
# bit 9, TRANS_S2 bit 10), as tests/suites/vfio.sh reads them.
lu_smmu_stage() {
	local f
	f=$(dmesg | sed -n 's/.*arm-smmu-v3 .*(features \(0x[0-9a-f]*\)).*/\1/p' | head -n 1)
	if [ -z "$f" ]; then
		echo no-features-line
	elif [ $((f >> 9 & 1)) = 1 ]; then
		echo stage-1
	else
		echo stage-2
	fi
}

# The tag an SMMUv3 entry of stage $1 translates with: ASID or VMID.
lu_smmu_tag() {
	case $1 in
	stage-1) echo ASID ;;
	*) echo VMID ;;
	esac
}

if [ "$LU_IOMMU" = smmuv3 ]; then
	# SMMUv3 fault reports (arm-smmu-v3.c): each event of the event
	# queue that no handler takes starts with "event 0x.. received:" (then
	# its raw qwords and a decoded "event: F_... client: ..." line), but
	# arm_smmu_dump_event() ratelimits them, and the events it drops show
	# later as "arm_smmu_dump_event: N callbacks suppressed"; an event
	# queue overflow loses events; a global error (GERROR: a command
	# error, an aborted queue or MSI write, service failure mode) is one
	# "unexpected global error reported (0x...)" line.
	LU_IOMMU_FAULT_RE='arm-smmu-v3 [^ ]+: (event 0x[0-9a-f]+ received|EVTQ overflow detected|unexpected global error reported)|arm_smmu_dump_event: [0-9]+ callbacks suppressed'
else
	# VT-d fault reports: "DRHD: handling fault status reg", then one
	# "DMAR: [DMA Read|Write ...]" or "DMAR: [INTR-REMAP]" line per record.
	LU_IOMMU_FAULT_RE='DMAR: \[(DMA (Read|Write)|INTR-REMAP)|DRHD: handling fault status'
fi

# No IOMMU fault in the kernel log since this kernel booted.
lu_no_iommu_faults() {
	local n
	n=$(dmesg | grep -cE "$LU_IOMMU_FAULT_RE")
	echo "# IOMMU fault lines since boot: $n"
	dmesg | grep -E "$LU_IOMMU_FAULT_RE" | head -n 10
	# (an SMMUv3 event's decoded line, which names the device)
	[ "$LU_IOMMU" != smmuv3 ] || dmesg | grep -E 'arm-smmu-v3 [^ ]+: event: ' | head -n 10
	[ "$n" -eq 0 ]
}

# The DMA the test program forces through a blocked device $1
# (check_blocked_dma: Bus Master turned on again behind the kernel's back,
# a DMA to the IOVA its preserved table mapped) on an SMMUv3.  Whether the
# DMA reached memory is the test program's check (Bus Master off before,
# and in stage 3 no page of the process that took the freed memory
# changed).  By then the core has moved the device from its blocking
# domain to its default domain, which translates and does not map that
# IOVA (iommu-dma reserves the PCI windows, where it lies on the virt
# machine): the SMMUv3 must report F_TRANSLATION events for the device,
# as VT-d must log a fault record, and no other kind (a bad STE or CD, a
# fetch fault).
lu_smmu_blocked_dma() {
	local ev
	ev=$(dmesg | grep -E "arm-smmu-v3 [^ ]+: event: [A-Z_]+ client: $1 ")
	echo "$ev" | head -n 10 | sed 's/^/# /'
	if [ -z "$ev" ]; then
		echo "# no SMMUv3 event names $1"
		return 1
	fi
	if echo "$ev" | grep -qv ' event: F_TRANSLATION client: '; then
		echo "# an event other than F_TRANSLATION names $1"
		return 1
	fi
}

# The IOMMU stopped the DMA that the test program forced through the
# blocked device $1: a VT-d fault record, or on the SMMUv3 see above.
lu_blocked_dma_faulted() {
	if [ "$LU_IOMMU" = smmuv3 ]; then
		lu_test blocked-dma-faulted lu_smmu_blocked_dma "$1"
	else
		lu_check blocked-dma-faulted "dmesg | grep -qE 'DMAR: \[DMA Write'"
	fi
}

# Write $2 to the sysfs file $1 and print the error of the write, if any
# (strerror: "Device or resource busy" is EBUSY).
lu_write_err() {
	{ echo "$2" >"$1"; } 2>&1 | sed -n 's/.*write error: //p'
}

# A reset through sysfs file $1 is refused with EBUSY.
lu_reset_refused() {
	local err
	err=$(lu_write_err "$1" 1)
	echo "# $1: ${err:-the reset was done}"
	[ "$err" = "Device or resource busy" ]
}

# Every reset that would reach the preserved or held device $1 is refused
# with EBUSY: its own and that of its bus (the bridge above it).
lu_resets_refused() {
	local dev=/sys/bus/pci/devices/$1 bridge
	bridge=$(basename "$(readlink -f "$dev/..")")
	lu_test "sysfs reset of $1 refused" lu_reset_refused "$dev/reset"
	lu_test "sysfs reset_subordinate of its bridge $bridge refused" \
		lu_reset_refused "/sys/bus/pci/devices/$bridge/reset_subordinate"
}

# The devices of the machine that no live update carries, behind the same
# VT-d unit as the preserved one, work while it is held: the virtio-rng for
# its kernel driver, on a default domain of type $1 (a sysfs type
# pattern), and the second edu through a fresh VFIO/iommufd.
lu_rest_of_machine() {
	local want=$1 rng edu2 type
	rng=$(lu_find_pci 1af4 1044) || { lu_check virtio-rng-present false; return; }
	type=$(cat "/sys/bus/pci/devices/$rng/iommu_group/type")
	lu_check "virtio-rng $rng default domain $type (expected $want)" \
		"case '$type' in $want) true ;; *) false ;; esac"
	lu_test "virtio-rng DMA through the $type domain" lu_hwrng_read
	edu2=$(lu_find_pci 1234 11e8 2) || { lu_check second-edu-present false; return; }
	lu_test "bind-vfio-pci $edu2" lu_bind_vfio "$edu2"
	lu_test "second edu $edu2 through a fresh iommufd" \
		iommu_vfio_lu_test fresh "$edu2"
}

stage_1() {
	local bdf
	lu_check liveupdate-enabled test -c /dev/liveupdate
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_rest_of_machine 'DMA*'
	# QEMU's trace (tests/suites/vfio-lu.host.sh): the ordinary VFIO
	# attach blocks the device
	lu_trace_mark 1
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-1 iommu_vfio_lu_test 1 "$bdf"
	lu_trace_mark 255
	lu_resets_refused "$bdf"
	lu_test no-iommu-faults lu_no_iommu_faults
	lu_next_stage
}

# The device is not bound here: the test checks which drivers can bind it.
# After a live update: the edu device's address in $bdf, and the checks
# that VT-d kept translating for it and that the core held it over.
lu_held_over() {
	lu_check liveupdate-enabled test -c /dev/liveupdate
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return 1; }
	if [ "$LU_IOMMU" = smmuv3 ]; then
		# (the old kernel's "keeping translation on" line went with it)
		lu_check smmuv3-kept-enabled \
			"dmesg | grep -qE 'arm-smmu-v3 [^ ]+: live update: keeping the SMMU enabled for the preserved devices'"
		lu_check device-held-over "dmesg | grep -q '$bdf: live update: held over on its preserved domain'"
		local stage
		stage=$(lu_smmu_stage)
		lu_check "smmuv3-$stage-entry-adopted" \
			"dmesg | grep -qE '$bdf: live update: translating through its preserved $stage domain, $(lu_smmu_tag "$stage") [0-9]+'"
		return 0
	fi
	lu_check vtd-kept-translation "dmesg | grep -q 'DMAR: live update: .*keeping translation on'"
	lu_check device-held-over "dmesg | grep -q '$bdf: live update: held over on its preserved domain'"
	local kind
	kind=$(lu_vtd_stage)
	lu_check "vtd-$kind-entry-adopted" \
		"dmesg | grep -q '$bdf: live update: translating through its preserved $kind domain'"
}

stage_2() {
	local bdf
	lu_held_over || return
	lu_rest_of_machine identity
	lu_resets_refused "$bdf"
	# QEMU's trace: the device's entry stays present from the retrieve
	# through the replace to the next preserve
	lu_trace_mark 2
	lu_test iommu_vfio_lu_test-stage-2 iommu_vfio_lu_test 2 "$bdf"
	lu_trace_mark 255
	# The five replacements that do not translate alike, refused
	lu_check replace-refusals-logged \
		"[ \"\$(dmesg | grep -c '$bdf: live update: HWPT [0-9]* does not translate like the restored HWPT [0-9]* at IOVA 0x[0-9a-f]*, not replaced')\" -eq 5 ]"
	# The one that does, taken without the entry ever changing shape
	if [ "$LU_IOMMU" = smmuv3 ]; then
		# (it takes the restored domain's ASID or VMID over, so that the
		# entry changes in its table address only, one qword)
		local stage
		stage=$(lu_smmu_stage)
		lu_check replace-hitless-logged \
			"dmesg | grep -qE '$bdf: live update: moved off its restored domain without a break, $(lu_smmu_tag "$stage") [0-9]+ kept'"
	else
		lu_check replace-hitless-logged \
			"dmesg | grep -q '$bdf: live update: moved off its restored domain without a break, DID [0-9]* to [0-9]*'"
	fi
	lu_check no-blocking-replace-logged \
		"! dmesg | grep -q 'cannot be hitless, blocking for it'"
	lu_test no-iommu-faults lu_no_iommu_faults
	lu_check no-refusal-logged "! dmesg | grep -q 'refusing the preserved state'"
	lu_next_stage
}

# The VMM of the second live update dies: it retrieves its session and
# closes it with nothing taken back.  The device must be blocked before its
# memory is freed, and be an ordinary device afterwards.
stage_3() {
	local bdf
	lu_held_over || return
	lu_rest_of_machine 'DMA*'
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-3 iommu_vfio_lu_test 3 "$bdf"
	lu_check device-blocked-logged "dmesg | grep -q '$bdf: live update: its session finished before it was taken over: device blocked'"
	# The DMA started with Bus Master forced on was stopped by the IOMMU
	lu_blocked_dma_faulted "$bdf"
	lu_check no-refusal-logged "! dmesg | grep -q 'refusing the preserved state'"
	lu_next_stage
}

# The VMM of the third live update takes the device back on its restored
# HWPT and dies before finishing the session: closing its files must block
# the device before the HWPT and its memory go.
stage_4() {
	local bdf edu2
	lu_held_over || return
	lu_rest_of_machine 'DMA*'
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	# The second edu, bound to vfio-pci above, is preserved beside it
	edu2=$(lu_find_pci 1234 11e8 2) || { lu_check second-edu-present false; return; }
	lu_test iommu_vfio_lu_test-stage-4 iommu_vfio_lu_test 4 "$bdf" "$edu2"
	lu_blocked_dma_faulted "$bdf"
	lu_check no-refusal-logged "! dmesg | grep -q 'refusing the preserved state'"
	lu_next_stage
}

# Bus Master is off in the PCI command register of device $1.
lu_bus_master_off() {
	local cmd
	cmd=$(od -An -tu1 -j4 -N1 "/sys/bus/pci/devices/$1/config") || return 1
	echo "# PCI_COMMAND low byte of $1: $cmd"
	[ $((cmd & 4)) -eq 0 ]
}

# Remove PCI device $1 through sysfs.
lu_remove() {
	echo 1 >"/sys/bus/pci/devices/$1/remove" || return 1
	[ ! -e "/sys/bus/pci/devices/$1" ]
}

# Rescan PCI; device $1 must be back.
lu_rescan() {
	echo 1 >/sys/bus/pci/rescan || return 1
	[ -e "/sys/bus/pci/devices/$1" ]
}

# The sysfs directory of the hotplug slot that holds device $1.
lu_slot_of() {
	local s
	for s in /sys/bus/pci/slots/*; do
		if [ "$(cat "$s/address" 2>/dev/null)" = "${1%.*}" ]; then
			echo "$s"
			return 0
		fi
	done
	return 1
}

# Unplug device $1, QEMU's device $2, through the monitor: a PCIe
# hot-unplug (the attention button, then pciehp's 5 s), done once the
# device is gone and its slot powered off (QEMU then lets the device go).
lu_unplug() {
	local slot
	slot=$(lu_slot_of "$1") || { echo "# no hotplug slot holds $1"; return 1; }
	echo "# $1 is in slot $slot"
	lu_qemu "device_del $2"
	lu_wait 120 "[ ! -e /sys/bus/pci/devices/$1 ] && [ \"\$(cat $slot/power)\" = 0 ]"
}

# Plug QEMU's device $2 in again; it must come back as $1.
lu_plug() {
	local n
	for n in 1 2 3; do
		lu_qemu "device_add $2"
		lu_wait 60 "[ -e /sys/bus/pci/devices/$1 ]" && return 0
	done
	return 1
}

# A fatal error (a malformed TLP) that QEMU injects in the root port $1,
# QEMU's device $2, above a held device: AER's recovery would reset the
# port's secondary bus, which is refused (EBUSY, -16), so the recovery
# fails instead of resetting the held device.
lu_aer_fatal() {
	lu_qemu "pcie_aer_inject_error $2 MALF_TLP"
	lu_wait 60 "dmesg | grep -q '$1: .*device recovery'" || return 1
	dmesg | grep -E "$1: .*(Fatal|reset|recovery)" | sed 's/^/# /'
	dmesg | grep -q "$1: .*Root Port link has been reset (-16)" &&
		dmesg | grep -q "$1: .*device recovery failed"
}

# Device $1 is back after its removal: a new device on its default domain.
lu_back_as_new() {
	local type
	lu_check "$1 back as a new device" \
		"dmesg | grep -q '$1: live update: its preserved attachment ended, probed as a new device'"
	type=$(cat "/sys/bus/pci/devices/$1/iommu_group/type")
	lu_check "$1 on its default domain $type (expected DMA*)" \
		"case '$type' in DMA*) true ;; *) false ;; esac"
}

# Both held devices are removed: edu1 by a hot-unplug, the second edu
# through sysfs.  Each is blocked and its restored state freed (kmemleak
# checks the debug kernel); back again, each is a new device, on its
# default domain, that works through a fresh iommufd, whatever the session
# that preserved it does afterwards.  Then edu1 is preserved once more.
stage_5() {
	local bdf edu2 bridge2
	lu_held_over || return
	edu2=$(lu_find_pci 1234 11e8 2) || { lu_check second-edu-present false; return; }
	lu_check "$edu2 held over too" \
		"dmesg | grep -q '$edu2: live update: held over on its preserved domain'"
	lu_test "virtio-rng DMA" lu_hwrng_read
	bridge2=$(basename "$(readlink -f "/sys/bus/pci/devices/$edu2/..")")
	lu_test "fatal AER error at $bridge2: the reset of held $edu2 refused" \
		lu_aer_fatal "$bridge2" rp2
	lu_check "$edu2 still held after the failed recovery" \
		"! dmesg | grep -q '$edu2: live update: .*device blocked'"
	lu_test "remove the held $edu2 (sysfs)" lu_remove "$edu2"
	lu_check "$edu2 blocked as it went" \
		"dmesg | grep -q '$edu2: live update: removed while held over: device blocked'"
	# (Lockdep reports a base pciehp lock inversion at every hot-unplug,
	# and is off for the rest of the boot: after the sysfs removal.)
	lu_test "unplug the held $bdf (QEMU device_del edu1)" lu_unplug "$bdf" edu1
	lu_check "$bdf blocked as it went" \
		"dmesg | grep -q '$bdf: live update: removed while held over: device blocked'"
	lu_test "plug $bdf in again (QEMU device_add edu1)" lu_plug "$bdf" edu1
	lu_back_as_new "$bdf"
	lu_test "rescan finds $edu2 again" lu_rescan "$edu2"
	lu_back_as_new "$edu2"
	lu_test "bind-vfio-pci $edu2" lu_bind_vfio "$edu2"
	lu_test "$edu2 after its session is closed" \
		iommu_vfio_lu_test orphan "$edu2"
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-5 iommu_vfio_lu_test preserve "$bdf"
	lu_test no-iommu-faults lu_no_iommu_faults
	lu_next_stage
}

# The VMM of the sixth live update closes the iommufd it retrieved before
# it binds the device, then retrieves the device and dies without binding
# it: the device must be blocked before its memory is freed.
stage_6() {
	local bdf
	lu_held_over || return
	lu_rest_of_machine 'DMA*'
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-6 iommu_vfio_lu_test 6 "$bdf"
	lu_check device-blocked-logged "dmesg | grep -q '$bdf: live update: its session finished before it was taken over: device blocked'"
	lu_blocked_dma_faulted "$bdf"
	lu_check no-refusal-logged "! dmesg | grep -q 'refusing the preserved state'"
	lu_next_stage
}

# Booted with the ACS redirect controls of edu1's bridge off: edu1 shares
# the bridge's IOMMU group, so the hold fails at boot and the device is
# blocked, with a log line.  It works as an ordinary device of that group
# and cannot be preserved; the second edu is preserved for stage 8.
stage_7() {
	local bdf edu2 n
	lu_check liveupdate-enabled test -c /dev/liveupdate
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	n=$(ls "/sys/bus/pci/devices/$bdf/iommu_group/devices" | wc -l)
	lu_check "$bdf shares its bridge's IOMMU group ($n devices)" "[ $n -gt 1 ]"
	lu_check hold-refused-logged \
		"dmesg | grep -q '$bdf: live update: not held over, its IOMMU group is shared'"
	lu_check blocked-at-boot-logged \
		"dmesg | grep -q '$bdf: live update: Bus Master off, moved to its default domain'"
	lu_rest_of_machine 'DMA*'
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-7 iommu_vfio_lu_test 7 "$bdf"
	lu_blocked_dma_faulted "$bdf"
	edu2=$(lu_find_pci 1234 11e8 2) || { lu_check second-edu-present false; return; }
	if [ "$LU_IOMMU" = smmuv3 ]; then
		lu_test "preserve $edu2 for stage 8" \
			iommu_vfio_lu_test preserve "$edu2"
	else
		lu_test "preserve $edu2 for the other VT-d mode" \
			iommu_vfio_lu_test preserve "$edu2"
	fi
	lu_next_stage
}

# The other VT-d mode (see LU_STAGE_ARGS_8).  The virtio-rng works in
# either case.
stage_8() {
	local bdf edu2
	lu_check liveupdate-enabled test -c /dev/liveupdate
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	edu2=$(lu_find_pci 1234 11e8 2) || { lu_check second-edu-present false; return; }
	lu_test "virtio-rng DMA" lu_hwrng_read
	if [ "$LU_IOMMU" = smmuv3 ]; then
		# An SMMUv3 has no other mode (LU_STAGE_ARGS_8 is empty): as
		# on a legacy-only VT-d unit, the device is held over as usual.
		lu_check "$edu2 held over (an SMMUv3 has no other mode)" \
			"dmesg | grep -q '$edu2: live update: held over on its preserved domain'"
		lu_check no-refusal-logged "! dmesg | grep -q 'refusing the preserved'"
	elif lu_vtd_scalable; then
		lu_check unit-refused-logged \
			"dmesg | grep -q 'refusing the preserved unit: it ran in scalable mode'"
		lu_check all-dma-blocked-logged \
			"dmesg | grep -q 'blocking all DMA, the live update state was refused'"
		lu_check "$edu2 not held over" \
			"dmesg | grep -q '$edu2: live update: not held over'"
		lu_test "bind-vfio-pci $edu2" lu_bind_vfio "$edu2"
		lu_test "$edu2 blocked, then an ordinary device" \
			iommu_vfio_lu_test blocked "$edu2"
		lu_blocked_dma_faulted "$edu2"
	else
		lu_check "$edu2 held over (a legacy-only unit has no other mode)" \
			"dmesg | grep -q '$edu2: live update: held over on its preserved domain'"
		lu_check no-refusal-logged "! dmesg | grep -q 'refusing the preserved'"
	fi
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test "preserve $bdf, the IOMMU state spoilt" \
		iommu_vfio_lu_test corrupt "$bdf"
	lu_next_stage
}

# A kernel that refused what it was handed for the device $1 but kept VT-d
# translating: the device's DMA faults, and it is an ordinary device for
# VFIO; the rest of the machine works.  On an SMMUv3 the check of the
# SMMU's state is the stage's own (test $2, shell condition $3): it has
# no path that turns translation off and lets DMA through.
lu_refused_device() {
	if [ "$LU_IOMMU" = smmuv3 ]; then
		lu_check "$2" "$3"
	else
		lu_check translation-not-turned-off "! dmesg | grep -q 'Translation was enabled for'"
	fi
	lu_rest_of_machine 'DMA*'
	lu_test "bind-vfio-pci $1" lu_bind_vfio "$1"
	lu_test "$1 blocked, then an ordinary device" \
		iommu_vfio_lu_test blocked "$1"
	lu_blocked_dma_faulted "$1"
}

# The IOMMU core's state is corrupted: refused, as is every unit
# it described; translation stays on with empty tables, so the device that
# was preserved translates nothing until it is on its default domain.  It
# is blocked and an ordinary device; the rest of the machine works.
stage_9() {
	local bdf
	lu_check liveupdate-enabled test -c /dev/liveupdate
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_check state-refused-logged \
		"dmesg | grep -q 'iommu: live update: refusing the preserved state: .*reserved bits set'"
	if [ "$LU_IOMMU" = smmuv3 ]; then
		lu_check all-dma-blocked-logged \
			"dmesg | grep -qE 'arm-smmu-v3 [^ ]+: live update: blocking all DMA, the live update state was refused'"
	else
		lu_check all-dma-blocked-logged \
			"dmesg | grep -q 'blocking all DMA, the live update state was refused'"
	fi
	# SMMUv3: the reset of the refused SMMU, found enabled, sets GBPA to
	# abort before it disables it, then starts on an empty stream table
	lu_refused_device "$bdf" smmuv3-reset-aborting-dma \
		"dmesg | grep -qE 'arm-smmu-v3 [^ ]+: SMMU currently enabled! Resetting'"
	lu_test "preserve $bdf, its device record changed" \
		iommu_vfio_lu_test corrupt-entry "$bdf"
	lu_next_stage
}

# The core's state is taken, but the driver part of the device's record no
# longer matches its entry: VT-d refuses to take the entry over (the
# device's DMA faults from the first moment) and the core does not hold
# the device.  It is an ordinary device; the rest of the machine works.
stage_10() {
	local bdf
	lu_check liveupdate-enabled test -c /dev/liveupdate
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	if [ "$LU_IOMMU" = smmuv3 ]; then
		lu_smmu_entry_refused "$bdf"
	else
		lu_check entry-refused-logged \
			"dmesg | grep -q 'refusing its preserved entry, it does not match its record'"
		lu_check not-held-logged \
			"dmesg | grep -q '$bdf: live update: not held over, its driver refused it'"
	fi
	lu_check state-taken "! dmesg | grep -q 'refusing the preserved state'"
	# SMMUv3: taken over, never disabled nor reset
	lu_refused_device "$bdf" smmuv3-kept-enabled \
		"dmesg | grep -qE 'arm-smmu-v3 [^ ]+: live update: keeping the SMMU enabled for the preserved devices' && ! dmesg | grep -q 'SMMU currently enabled'"
	# No arm64 kernel runs with its SMMUv3 off (see the top): stage 11
	# is an ordinary kexec there, with nothing preserved
	if [ "$LU_IOMMU" != smmuv3 ]; then
		lu_test "preserve $bdf for a kernel without IOMMU" \
			iommu_vfio_lu_test preserve "$bdf"
	fi
	lu_next_stage
}

# Stage 10 on an SMMUv3: arm-smmu-v3 refuses the entry of device $1 either
# as it adopts the device (the live entries are not what the record says:
# the core logs that its driver refused it) or, for a record that is not
# valid (this stage's: see the top), as it takes the SMMU over, before the
# device is probed (the stream aborted; the core then finds no domain to
# restore for the device: -EIO, "-5" without CONFIG_SYMBOLIC_ERRNAME).
lu_smmu_entry_refused() {
	lu_check entry-refused-logged \
		"dmesg | grep -qE '$1: live update: refusing its preserved entry, it does not match its record|arm-smmu-v3 [^ ]+: live update: $1: refusing its preserved entry, its record is not valid; its DMA is aborted'"
	if dmesg | grep -q "live update: $1: refusing its preserved entry, its record is not valid"; then
		lu_check not-held-logged \
			"dmesg | grep -qE '$1: live update: not held over, its domain [0-9]+ cannot be restored: (-EIO|-5)\$'"
	else
		lu_check not-held-logged \
			"dmesg | grep -q '$1: live update: not held over, its driver refused it'"
	fi
}

# The next kernel does not take the device over: it is booted with its
# IOMMU off.  It must stop the device before it turns translation off, so
# that no DMA of it reaches memory untranslated; the rest of the machine
# works without an IOMMU.
stage_11() {
	local bdf
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	if [ "$LU_IOMMU" = smmuv3 ]; then
		lu_smmu_stage_11 "$bdf"
		return
	fi
	lu_check iommu-off-device-stopped-logged \
		"dmesg | grep -q '$bdf: live update: the IOMMU is off: Bus Master off'"
	lu_test "Bus Master of $bdf off" lu_bus_master_off "$bdf"
	lu_check translation-turned-off "! dmesg | grep -q 'DMAR: live update: .*keeping translation on'"
	lu_test "virtio-rng DMA without an IOMMU" lu_hwrng_read
}

# No kernel with its SMMUv3 off exists on arm64 (see the top of this file):
# the test that such a kernel stops the held device is a skip, which
# tests/expected-skips lists.
lu_smmu_off_kernel() {
	echo "# arm64 has no kernel command line that keeps the SMMUv3 off (intel_iommu=off's counterpart)"
	return 4
}

# Stage 11 on an SMMUv3: the stage 10 kernel preserved nothing, so its
# handover disabled the SMMU at the kexec (an SMMU without held devices
# goes as at any shutdown): this kernel found it disabled, took nothing
# over, and edu1 is an ordinary device like the rest of the machine.
lu_smmu_stage_11() {
	lu_test smmuv3-off-kernel-stops-held-device lu_smmu_off_kernel
	lu_check smmuv3-disabled-at-the-kexec \
		"! dmesg | grep -q 'SMMU currently enabled' && ! dmesg | grep -q 'live update: keeping the SMMU enabled'"
	lu_check "$1 not held over" "! dmesg | grep -q '$1: live update: '"
	lu_rest_of_machine 'DMA*'
	lu_test "bind-vfio-pci $1" lu_bind_vfio "$1"
	lu_test "$1 through a fresh iommufd" iommu_vfio_lu_test fresh "$1"
}
