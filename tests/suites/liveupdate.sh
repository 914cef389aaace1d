# SPDX-License-Identifier: GPL-2.0
# The upstream LUO selftests (tools/testing/selftests/liveupdate): the
# in-kernel API test, then the kexec tests, whose stage 2 runs after a real
# kexec_file_load with KHO.  The tests skip without /dev/liveupdate; here
# that is a failure (KHO or LUO did not come up).
PROGS="liveupdate/liveupdate liveupdate/luo_kexec_simple liveupdate/luo_multi_session liveupdate/luo_stress_files liveupdate/luo_stress_sessions"

stage_1() {
	lu_check liveupdate-enabled test -c /dev/liveupdate
	lu_test liveupdate liveupdate
	lu_test luo_kexec_simple luo_kexec_simple -s 1
	lu_test luo_multi_session luo_multi_session -s 1
	lu_test luo_stress_files luo_stress_files -s 1
	lu_test luo_stress_sessions luo_stress_sessions -s 1
	lu_next_stage
}

stage_2() {
	lu_check liveupdate-enabled test -c /dev/liveupdate
	lu_test luo_kexec_simple luo_kexec_simple -s 2
	lu_test luo_multi_session luo_multi_session -s 2
	lu_test luo_stress_files luo_stress_files -s 2
	lu_test luo_stress_sessions luo_stress_sessions -s 2
}
