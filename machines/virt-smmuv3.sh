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
#
# The rest of the machine, behind the same SMMUv3, as on the VT-d machines
# (machines/q35-vtd.inc), for the vfio-lu suite: a virtio-rng at 00:05.0
# that translates through the IOMMU (iommu_platform=on) for its kernel
# driver, and a second edu at 02:00.0, behind a root port of its own.  The
# PCI addresses are fixed, the same as q35-vtd.inc's (edu1's root port
# rp1 at 00:03.0, which vfio-lu's stage 7 names on the command line; rp2
# at 00:06.0), so that every bdf is stable.  Hotplug of the root ports is
# native PCIe (pciehp): the machine has no ACPI (acpi=off), so nothing
# else claims it, and vfio-lu unplugs and plugs edu1 through the monitor
# (device_del/device_add edu1).  The VFIO selftests (tests/suites/vfio.sh)
# take the first edu, edu1 at 01:00.0, as before.
MACHINE_ARCH=arm64
QEMU=qemu-system-aarch64
QEMU_ARGS=(
	-machine virt,gic-version=3,iommu=smmuv3,acpi=off
	-cpu max,pauth-impdef=on -smp 2 -m 2G -accel tcg,thread=single
	-bios "$QEMU_ROOT/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"
	-device pcie-root-port,id=rp1,chassis=1,addr=03.0
	-device edu,bus=rp1,addr=00.0,dma_mask=0xffffffffffffffff,id=edu1
	-device virtio-rng-pci,addr=05.0,disable-legacy=on,iommu_platform=on
	-device pcie-root-port,id=rp2,chassis=2,addr=06.0
	-device edu,bus=rp2,addr=00.0,dma_mask=0xffffffffffffffff,id=edu2
)
CONSOLE=ttyAMA0
