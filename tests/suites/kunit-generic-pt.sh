# SPDX-License-Identifier: GPL-2.0
# The generic_pt KUnit suites, run at boot (kunit.enable=1 on the command
# line) and reported from debugfs.
PROGS=""

stage_1() {
	local s
	for s in /sys/kernel/debug/kunit/*; do
		[ -d "$s" ] || continue
		lu_test "kunit:${s##*/}" lu_kunit_results "${s##*/}"
	done
	[ -d /sys/kernel/debug/kunit ] || lu_check kunit-ran false
}
