# x86_64 q35 with QEMU's intel-iommu in legacy (non-scalable) mode; the
# devices are in machines/q35-vtd.inc.
. "$(dirname "${BASH_SOURCE[0]}")/q35-vtd.inc"
q35_vtd ""
