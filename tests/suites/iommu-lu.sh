# SPDX-License-Identifier: GPL-2.0
# The IOMMU live update layers without a driver, across real kexecs
# (tools/testing/selftests/iommu/iommu_liveupdate_test, /dev/iommu_lu_test):
# stage 1 cancels a session and checks nothing stays preserved, then
# preserves page tables of every generic_pt format with a memfd, and a
# second such session whose x86_64 table reaches a page that is not
# preserved; stage 2 restores, compares and frees them and prints their
# cost (the spoilt table: compare refused, the free leaves it), then hands over
# a state with a reserved field set; stage 3 checks it is refused and
# hands over a state with a block chain cycle; stage 4 checks that one is
# refused.
PROGS="iommu/iommu_liveupdate_test"

lu_iommu_lu_stage() { # stage
	lu_check liveupdate-enabled test -c /dev/liveupdate
	lu_check iommu-lu-test-device test -c /dev/iommu_lu_test
	lu_test "iommu_liveupdate_test-stage-$1" iommu_liveupdate_test "$1"
}

# The refusal named its reason in the kernel log.
lu_refusal_logged() { # reason
	dmesg | grep "iommu: live update: refusing the preserved state: $1"
}

stage_1() {
	lu_iommu_lu_stage 1
	lu_next_stage
}

stage_2() {
	lu_iommu_lu_stage 2
	lu_check "no-refusal-logged" "! dmesg | grep -q 'refusing the preserved state'"
	# The spoilt x86_64 table: compare and free each said why, once.
	lu_check spoilt-compare-logged \
		"dmesg | grep -q 'iommupt x86_64: a lower table at .* of a restored table is not preserved memory'"
	lu_check spoilt-free-logged \
		"dmesg | grep -q 'iommupt x86_64: 1 preserved page tables could not be restored'"
	lu_next_stage
}

stage_3() {
	lu_iommu_lu_stage 3
	lu_test refusal-logged-reserved lu_refusal_logged "domain [0-9]*: reserved bits set"
	lu_next_stage
}

stage_4() {
	lu_iommu_lu_stage 4
	# kho_block refuses the looping chain, and the core the whole state
	lu_test refusal-logged-cycle lu_refusal_logged "the chain of domain records"
	lu_check cycle-logged-by-kho-block \
		"dmesg | grep -q 'luo: block chain at .* is longer than 10000 blocks or loops'"
}
