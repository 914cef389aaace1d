# x86_64 q35 with QEMU's intel-iommu in legacy (non-scalable) mode, interrupt
# remapping on, and an edu DMA device at 01:00.0, behind a PCIe root port
# (so that it has a bus reset, and a bridge forwards its DMA), whose DMA
# addresses are not truncated (edu masks them to 28 bits by default).  The
# rest of the machine that a live update must leave working, behind the
# same unit: a virtio-rng at 00:05.0 that translates through the IOMMU
# (iommu_platform=on) for its kernel driver, and a second edu at 02:00.0,
# behind a root port of its own.  The root ports' hotplug is native PCIe
# (pciehp; QEMU's ACPI hotplug is off), so that the vfio-lu suite can
# unplug and plug edu1 through the monitor (device_del/device_add edu1).
MACHINE_ARCH=x86_64
QEMU=qemu-system-x86_64
QEMU_ARGS=(
	-machine q35 -cpu max -smp 2 -m 2G -accel tcg
	-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
	-device intel-iommu,intremap=on
	-device pcie-root-port,id=rp1,chassis=1,addr=03.0
	-device edu,bus=rp1,addr=00.0,dma_mask=0xffffffffffffffff,id=edu1
	-device virtio-rng-pci,addr=05.0,disable-legacy=on,iommu_platform=on
	-device pcie-root-port,id=rp2,chassis=2,addr=06.0
	-device edu,bus=rp2,addr=00.0,dma_mask=0xffffffffffffffff,id=edu2
)
CONSOLE=ttyS0
