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
# blocked and usable again.
PROGS="iommu/iommu_vfio_lu_test"

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

stage_1() {
	local bdf
	lu_check liveupdate-enabled test -c /dev/liveupdate
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-1 iommu_vfio_lu_test 1 "$bdf"
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
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test iommu_vfio_lu_test-stage-4 iommu_vfio_lu_test 4 "$bdf"
	lu_check blocked-dma-faulted "dmesg | grep -qE 'DMAR: \[DMA Write'"
	lu_check no-refusal-logged "! dmesg | grep -q 'refusing the preserved state'"
}
