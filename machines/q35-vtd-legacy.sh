# x86_64 q35 with QEMU's intel-iommu in legacy (non-scalable) mode, interrupt
# remapping on, and an edu DMA device at 00:04.0 whose DMA addresses are not
# truncated (edu masks them to 28 bits by default).
MACHINE_ARCH=x86_64
QEMU=qemu-system-x86_64
QEMU_ARGS=(
	-machine q35 -cpu max -smp 2 -m 2G -accel tcg
	-device intel-iommu,intremap=on
	-device edu,addr=04.0,dma_mask=0xffffffffffffffff
)
CONSOLE=ttyS0
