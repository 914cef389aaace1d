# SPDX-License-Identifier: GPL-2.0
# The upstream iommufd selftests against the IOMMUFD_TEST mock driver.
PROGS="iommu/iommufd iommu/iommufd_fail_nth"

stage_1() {
	echo 512 >/proc/sys/vm/nr_hugepages
	lu_test iommufd iommufd
	lu_test iommufd_fail_nth iommufd_fail_nth
}
