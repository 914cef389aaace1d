# SPDX-License-Identifier: GPL-2.0
# The "before" picture of 'make demo': a VFIO device (QEMU's edu) does DMA
# through VT-d via iommufd into a LUO-preserved memfd; a DMA is started in
# the last moment before a kexec; the new kernel reports what became of it,
# and whether a virtio-rng behind the same IOMMU still does DMA.
PROGS="lu-dma-demo"

stage_1() {
	local bdf
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test lu-dma-demo-stage1 lu-dma-demo stage1 "$bdf"
	lu_next_stage
}

stage_2() {
	local bdf
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_test lu-dma-demo-stage2 lu-dma-demo stage2 "$bdf"
	lu_test "virtio-rng DMA after the kexec" lu_hwrng_read
}
