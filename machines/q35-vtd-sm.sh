# As q35-vtd-legacy, with the intel-iommu in scalable mode.
MACHINE_ARCH=x86_64
QEMU=qemu-system-x86_64
QEMU_ARGS=(
	-machine q35 -cpu max -smp 2 -m 2G -accel tcg
	-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
	-device intel-iommu,intremap=on,x-scalable-mode=on
	-device pcie-root-port,id=rp1,chassis=1,addr=03.0
	-device edu,bus=rp1,addr=00.0,dma_mask=0xffffffffffffffff,id=edu1
	-device virtio-rng-pci,addr=05.0,disable-legacy=on,iommu_platform=on
	-device pcie-root-port,id=rp2,chassis=2,addr=06.0
	-device edu,bus=rp2,addr=00.0,dma_mask=0xffffffffffffffff,id=edu2
)
CONSOLE=ttyS0
