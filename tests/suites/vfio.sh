# SPDX-License-Identifier: GPL-2.0
# The upstream VFIO selftests that run on QEMU's edu device, through the
# vIOMMU of the machine.  The driver test maps a 1 GiB region per case,
# which takes seconds under TCG, so it runs only in the IOMMU modes named by
# lu.vfio_modes= on the kernel command line (comma separated; default: all;
# "none" leaves the driver test out: on KASAN kernels one case's setup runs
# past the harness's 30 s limit).
PROGS="vfio/vfio_pci_driver_test vfio/vfio_dma_mapping_test vfio/vfio_iommufd_setup_test vfio/vfio_pci_device_test"

stage_1() {
	local bdf modes m filter=
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	echo 64 >/proc/sys/vm/nr_hugepages
	modes=$(lu_cmdline_value lu.vfio_modes)
	for m in $(echo "$modes" | tr ',' ' '); do
		filter="$filter -v $m"
	done
	lu_test vfio_pci_device_test vfio_pci_device_test "$bdf"
	# shellcheck disable=SC2086
	[ "$modes" = none ] || lu_test vfio_pci_driver_test vfio_pci_driver_test $filter "$bdf"
	lu_test vfio_dma_mapping_test vfio_dma_mapping_test "$bdf"
	lu_test vfio_iommufd_setup_test vfio_iommufd_setup_test "$bdf"
}
