# As q35-vtd-legacy, with the intel-iommu in scalable mode.
MACHINE_ARCH=x86_64
QEMU=qemu-system-x86_64
QEMU_ARGS=(
	-machine q35 -cpu max -smp 2 -m 2G -accel tcg
	-device intel-iommu,intremap=on,x-scalable-mode=on
	-device edu,addr=04.0,dma_mask=0xffffffffffffffff
)
CONSOLE=ttyS0
