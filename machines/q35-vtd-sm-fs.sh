# As q35-vtd-sm, with first-stage translation in the intel-iommu (x-flts=on,
# QEMU 9.2 and later; the unit then has no second stage): paging domains are
# first-stage (generic_pt x86_64), as on recent hardware in scalable mode.
. "$(dirname "${BASH_SOURCE[0]}")/q35-vtd.inc"
q35_vtd ",x-scalable-mode=on,x-flts=on"
