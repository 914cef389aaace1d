# arm64 QEMU virt with a GICv3 (and its ITS), the SMMUv3 in front of the
# PCIe host bridge, and an edu DMA device at 01:00.0 behind a PCIe root port
# (so that it has a bus reset), whose DMA addresses are not truncated (edu
# masks them to 28 bits by default).  QEMU 9.2 and later give the virt
# machine's SMMUv3 both stages: paging HWPTs get stage 1, nesting parents
# stage 2.  The kernel is booted through UEFI (Debian's QEMU_EFI.fd from the
# QEMU root) with the device tree (acpi=off): kexec needs the firmware's
# memory reservations (configs/arm64.config says why).  -cpu max with the
# cheaper pointer authentication of QEMU's own algorithm (pauth-impdef):
# the architected one is slow under TCG.
MACHINE_ARCH=arm64
QEMU=qemu-system-aarch64
QEMU_ARGS=(
	-machine virt,gic-version=3,iommu=smmuv3,acpi=off
	-cpu max,pauth-impdef=on -smp 2 -m 2G -accel tcg,thread=single
	-bios "$QEMU_ROOT/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"
	-device pcie-root-port,id=rp1,chassis=1
	-device edu,bus=rp1,addr=00.0,dma_mask=0xffffffffffffffff,id=edu1
)
CONSOLE=ttyAMA0
