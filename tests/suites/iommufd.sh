# SPDX-License-Identifier: GPL-2.0
# The upstream iommufd selftests against the IOMMUFD_TEST mock driver.
# lu.iommufd_tests=NAME,... on the kernel command line runs only those tests
# of the iommufd program (each in every fixture variant that has it).
PROGS="iommu/iommufd iommu/iommufd_fail_nth"

stage_1() {
	local tests t args=
	echo 512 >/proc/sys/vm/nr_hugepages
	tests=$(lu_cmdline_value lu.iommufd_tests)
	if [ -n "$tests" ]; then
		for t in $(echo "$tests" | tr , ' '); do
			args="$args -t $t"
		done
		# shellcheck disable=SC2086 # one word per option
		lu_test iommufd iommufd $args
		return
	fi
	lu_test iommufd iommufd
	lu_test iommufd_fail_nth iommufd_fail_nth
}
