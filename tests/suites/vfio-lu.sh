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
# state; then it preserves the device again.  Stage 3: the VMM dies
# without taking anything back; the device is blocked (a DMA forced
# through it faults and changes no other process's memory) and usable
# again through VFIO; then it preserves the device once more.  Stage 4: the
# VMM takes the device back and dies before finishing; the device is
# blocked and usable again, and preserved once more.  Stage 5: the held
# device is removed through sysfs (blocked, its restored state freed) and
# found again by a rescan as a new device, which works through a fresh
# iommufd and is preserved once more.  Stage 6 is booted with
# intel_iommu=off, a kernel that cannot take the device over: it stops
# the device (Bus Master off) before turning translation off.
#
# While the device is preserved or held, no reset reaches it (sysfs reset,
# its bridge's reset_subordinate: EBUSY); the interrupt its in-flight DMA
# raised during the kexec waits in its status, and its MSI works again once
# the VMM arms it (the test program checks both).  In every stage the rest
# of the machine, behind the same VT-d unit, works: a virtio-rng that the
# kernel's own driver uses for DMA, through the translated default domain,
# or the identity one in stage 2 (booted with iommu.passthrough=1), and a
# second edu through a fresh VFIO/iommufd.
PROGS="iommu/iommu_vfio_lu_test"
LU_STAGE_ARGS_2="iommu.passthrough=1"
LU_STAGE_ARGS_6="intel_iommu=off"

# VT-d fault reports: "DRHD: handling fault status reg", then one
# "DMAR: [DMA Read|Write ...]" or "DMAR: [INTR-REMAP]" line per record.
LU_IOMMU_FAULT_RE='DMAR: \[(DMA (Read|Write)|INTR-REMAP)|DRHD: handling fault status'

# No IOMMU fault in the kernel log since this kernel booted.
lu_no_iommu_faults() {
	local n
	n=$(dmesg | grep -cE "$LU_IOMMU_FAULT_RE")
	echo "# IOMMU fault lines since boot: $n"
	dmesg | grep -E "$LU_IOMMU_FAULT_RE" | head -n 10
	[ "$n" -eq 0 ]
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
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-1 iommu_vfio_lu_test 1 "$bdf"
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
	lu_check vtd-kept-translation "dmesg | grep -q 'DMAR: live update: .*keeping translation on'"
	lu_check device-held-over "dmesg | grep -q '$bdf: live update: held over on its preserved domain'"
}

stage_2() {
	local bdf
	lu_held_over || return
	lu_rest_of_machine identity
	lu_resets_refused "$bdf"
	lu_test iommu_vfio_lu_test-stage-2 iommu_vfio_lu_test 2 "$bdf"
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
	lu_check blocked-dma-faulted "dmesg | grep -qE 'DMAR: \[DMA Write'"
	lu_check no-refusal-logged "! dmesg | grep -q 'refusing the preserved state'"
	lu_next_stage
}

# The VMM of the third live update takes the device back on its restored
# HWPT and dies before finishing the session: closing its files must block
# the device before the HWPT and its memory go.
stage_4() {
	local bdf
	lu_held_over || return
	lu_rest_of_machine 'DMA*'
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-4 iommu_vfio_lu_test 4 "$bdf"
	lu_check blocked-dma-faulted "dmesg | grep -qE 'DMAR: \[DMA Write'"
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

# The held device is removed (as a hot-unplug would): it is blocked and
# its restored state freed (kmemleak checks the debug kernel); found again
# by a rescan it is a new device, on its default domain, that works
# through a fresh iommufd.  Then it is preserved once more.
stage_5() {
	local bdf type
	lu_held_over || return
	lu_test "remove the held $bdf" lu_remove "$bdf"
	lu_check removed-device-blocked-logged \
		"dmesg | grep -q '$bdf: live update: removed while held over: device blocked'"
	lu_test "rescan finds $bdf again" lu_rescan "$bdf"
	lu_check back-as-a-new-device-logged \
		"dmesg | grep -q '$bdf: live update: its preserved attachment ended, probed as a new device'"
	type=$(cat "/sys/bus/pci/devices/$bdf/iommu_group/type")
	lu_check "back on its default domain $type (expected DMA*)" \
		"case '$type' in DMA*) true ;; *) false ;; esac"
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-5 iommu_vfio_lu_test 5 "$bdf"
	lu_test no-iommu-faults lu_no_iommu_faults
	lu_next_stage
}

# The next kernel does not take the device over: it is booted with its
# IOMMU off.  It must stop the device before it turns translation off, so
# that no DMA of it reaches memory untranslated; the rest of the machine
# works without an IOMMU.
stage_6() {
	local bdf
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_check iommu-off-device-stopped-logged \
		"dmesg | grep -q '$bdf: live update: the IOMMU is off: Bus Master off'"
	lu_test "Bus Master of $bdf off" lu_bus_master_off "$bdf"
	lu_check translation-turned-off "! dmesg | grep -q 'DMAR: live update: .*keeping translation on'"
	lu_test "virtio-rng DMA without an IOMMU" lu_hwrng_read
}
