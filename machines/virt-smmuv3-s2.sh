# machines/virt-smmuv3.sh with an SMMUv3 that has stage 2 only, so that
# arm-smmu-v3 gives every paging domain a stage 2 table (the STE's S2TTB
# and VTCR, tagged with a VMID): the table and STE a nesting parent gets
# on an SMMU with both stages.  QEMU's arm-smmuv3 "stage" property does
# it, but virt 9.2 and later set it to "nested" over any -global: the
# machine is virt-9.1, the last one that leaves it to the property.  The
# devices (edu1, the virtio-rng, edu2 and their fixed PCI addresses) are
# virt-smmuv3.sh's: the vfio-lu suite runs on both machines.
. "${BASH_SOURCE[0]%/*}/virt-smmuv3.sh"
QEMU_ARGS=("${QEMU_ARGS[@]/#virt,/virt-9.1,}")
QEMU_ARGS+=(-global arm-smmuv3.stage=2)
