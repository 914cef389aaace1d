# The benchmark's machine (make bench, scripts/bench.sh): as q35-vtd-sm-fs
# (scalable mode, first-stage paging domains, as on recent hardware), with
# seven more edu devices, each behind a PCIe root port of its own (an IOMMU
# group each): nine in all, one per HWPT the benchmark carries across the
# kexec.
. "$(dirname "${BASH_SOURCE[0]}")/q35-vtd.inc"
q35_vtd ",x-scalable-mode=on,x-flts=on"
for i in 3 4 5 6 7 8 9; do
	QEMU_ARGS+=(
		-device "pcie-root-port,id=rp$i,chassis=$i,addr=$(printf %02x $((i + 4))).0"
		-device "edu,bus=rp$i,addr=00.0,dma_mask=0xffffffffffffffff,id=edu$i"
	)
done
