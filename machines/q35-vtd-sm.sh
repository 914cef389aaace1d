# As q35-vtd-legacy, with the intel-iommu in scalable mode: second-stage
# translation only, so paging domains are second-stage (generic_pt vtdss).
. "$(dirname "${BASH_SOURCE[0]}")/q35-vtd.inc"
q35_vtd ",x-scalable-mode=on"
