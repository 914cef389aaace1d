# SPDX-License-Identifier: GPL-2.0
# The upstream VFIO selftests that run on QEMU's edu device, through the
# vIOMMU of the machine.  The driver test maps a 1 GiB region per case,
# which takes seconds under TCG, so it runs only in the IOMMU modes named by
# lu.vfio_modes= on the kernel command line (comma separated; default: all;
# "none" leaves the driver test out: on KASAN kernels one case's setup runs
# past the harness's 30 s limit).  vfio_dma_after_unmap_test (in the same
# modes, or in all of them with "none": it maps no more than 2 MiB) checks
# that a DMA to an unmapped IOVA does not land: the IOMMU driver's
# invalidation after unmapping a page, a block and a whole table.
# On the arm64 machines lu.smmu_stages=
# says which translation stages the SMMUv3 must have ("1,2" or "2"), and so
# which stage its paging domains get: arm-smmu-v3 gives them stage 1 when
# it can, and logs its IDR0 features (TRANS_S1 is bit 9, TRANS_S2 bit 10).
PROGS="vfio/vfio_pci_driver_test vfio/vfio_dma_after_unmap_test vfio/vfio_dma_mapping_test vfio/vfio_iommufd_setup_test vfio/vfio_pci_device_test"

vfio_smmu_stages() {
	local f have=
	f=$(dmesg | sed -n 's/.*arm-smmu-v3 .*(features \(0x[0-9a-f]*\)).*/\1/p' | head -n 1)
	[ -n "$f" ] || { echo "# no arm-smmu-v3 features line in the kernel log"; return 1; }
	[ $((f >> 9 & 1)) = 1 ] && have=1
	[ $((f >> 10 & 1)) = 1 ] && have=${have:+$have,}2
	echo "# SMMUv3 features $f: stages $have"
	[ "$have" = "$(lu_cmdline_value lu.smmu_stages)" ]
}

stage_1() {
	local bdf modes m filter=
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	[ -z "$(lu_cmdline_value lu.smmu_stages)" ] ||
		lu_test "smmu-stages $(lu_cmdline_value lu.smmu_stages)" vfio_smmu_stages
	echo 64 >/proc/sys/vm/nr_hugepages
	modes=$(lu_cmdline_value lu.vfio_modes)
	for m in $(echo "$modes" | tr ',' ' '); do
		filter="$filter -v $m"
	done
	lu_test vfio_pci_device_test vfio_pci_device_test "$bdf"
	# shellcheck disable=SC2086
	[ "$modes" = none ] || lu_test vfio_pci_driver_test vfio_pci_driver_test $filter "$bdf"
	# shellcheck disable=SC2086
	if [ "$modes" = none ]; then
		lu_test vfio_dma_after_unmap_test vfio_dma_after_unmap_test "$bdf"
	else
		lu_test vfio_dma_after_unmap_test vfio_dma_after_unmap_test $filter "$bdf"
	fi
	lu_test vfio_dma_mapping_test vfio_dma_mapping_test "$bdf"
	lu_test vfio_iommufd_setup_test vfio_iommufd_setup_test "$bdf"
}
