# x86_64 q35 without a vIOMMU (for tests of the iommufd mock driver).
MACHINE_ARCH=x86_64
QEMU=qemu-system-x86_64
QEMU_ARGS=(
	-machine q35 -cpu max -smp 2 -m 2G -accel tcg
)
CONSOLE=ttyS0
