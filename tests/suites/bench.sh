# SPDX-License-Identifier: GPL-2.0
# The benchmark of make bench (scripts/bench.sh), not a test of make check:
# iommu_vfio_lu_test bench-1 measures preserving against mapping, from 2 MiB
# to 16 GiB of IOVA, then carries one HWPT per edu device (nine) across a
# kexec; bench-2 measures the new kernel's side: retrieve, bind, the VMM's
# fresh HWPT, the check against the restored one, the replace, the destroy,
# then starts a live update that preserves the guest memory only; bench-3
# sets the device up again from nothing after it (the blackout without
# preserved devices).
# The boots' own figures (kernel start to init, the IOMMU core's restore
# and adopt of each held device) come from the kernel log; all are printed
# as "# lu-bench:" lines that scripts/bench.sh makes a table of.
PROGS="iommu/iommu_vfio_lu_test"

# The edu devices' addresses; the first N (all by default) bound to
# vfio-pci
lu_bench_devices() {
	local n b
	for n in 1 2 3 4 5 6 7 8 9; do
		b=$(lu_find_pci 1234 11e8 $n) || return 1
		if [ "$n" -le "${1:-9}" ]; then
			lu_test "bind-vfio-pci $b" lu_bind_vfio "$b" >&2 || return 1
		fi
		echo "$b"
	done
}

# Milliseconds from the kernel's start to init
lu_bench_boot() {
	dmesg | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\] Run .* as init process.*/\1/p' |
		awk 'NR == 1 { printf "%.0f", $1 * 1000 }'
}

# The TSC's rate in kHz, as this kernel measured it
lu_bench_khz() {
	dmesg | sed -n 's/.*tsc: .* \([0-9]*\.[0-9]*\) MHz.*/\1/p' | tail -n 1 |
		awk '{ printf "%d", $1 * 1000 }'
}

# How long this boot took to read and check the IOMMU core's state
lu_bench_state() {
	dmesg | sed -n "s/.*iommu: live update: preserved state: [0-9]* units, \([0-9]*\) domains, \([0-9]*\) devices, read and checked in \([0-9]*\) us.*/# lu-bench: state stage=$1 domains=\1 devices=\2 us=\3/p"
}

stage_1() {
	local bdfs
	lu_check liveupdate-enabled test -c /dev/liveupdate
	echo "# lu-bench: boot stage=1 kernel_to_init_ms=$(lu_bench_boot)"
	bdfs=$(lu_bench_devices) || { lu_check edu-devices false; return; }
	# shellcheck disable=SC2086
	lu_test bench-1 iommu_vfio_lu_test bench-1 $bdfs
	lu_next_stage
}

stage_2() {
	local bdfs khz
	lu_check liveupdate-enabled test -c /dev/liveupdate
	echo "# lu-bench: boot stage=2 kernel_to_init_ms=$(lu_bench_boot)"
	khz=$(lu_bench_khz)
	# The first device only: the test binds the others once the blackout
	# is over, as a VMM would
	bdfs=$(lu_bench_devices 1) || { lu_check edu-devices false; return; }
	# shellcheck disable=SC2086
	lu_test bench-2 iommu_vfio_lu_test bench-2 "$khz" $bdfs
	dmesg | sed -n 's/.* \([0-9a-f:.]*\): live update: .*restored and adopted in \([0-9]*\) us.*/# lu-bench: adopt device=\1 us=\2/p'
	lu_bench_state 2
	echo "# lu-bench: faults stage=2 n=$(dmesg | grep -c 'DMAR: \[DMA')"
	lu_next_stage
}

# After a live update that preserved the guest memory only: the blackout
# of setting the device up again from nothing
stage_3() {
	local bdf khz
	lu_check liveupdate-enabled test -c /dev/liveupdate
	echo "# lu-bench: boot stage=3 kernel_to_init_ms=$(lu_bench_boot)"
	khz=$(lu_bench_khz)
	bdf=$(lu_find_pci 1234 11e8) || { lu_check edu-present false; return; }
	lu_test "bind-vfio-pci $bdf" lu_bind_vfio "$bdf"
	lu_test bench-3 iommu_vfio_lu_test bench-3 "$khz" "$bdf"
	lu_bench_state 3
}
