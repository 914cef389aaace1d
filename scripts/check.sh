#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite ('make check'): set-up, the series checks, the
# kernel builds (base and debug flavours), the test programs, every VM run
# of tests/check.list, and the report.  Each step's time is printed at the
# end.  RUNS="name ..." limits the VM runs to those named; VM_JOBS="N"
# runs N VMs at a time (default 2).

. "$(dirname "$0")/lib.sh"

times=()
step() { # name command...
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s)
	say "step: $name"
	"$@" || rc=$?
	times+=("$(printf '%-34s %5d s%s' "$name" $(( $(date +%s) - t0 )) "$([ $rc = 0 ] || echo '  FAILED')")")
	return $rc
}
print_times() {
	echo
	echo "Step times:"
	printf '  %s\n' "${times[@]}"
}
trap print_times EXIT

step setup "$TOP/scripts/setup.sh"
step tree "$TOP/scripts/mktree.sh"
step series "$TOP/scripts/check-series.sh"

# The kernels and programs the runs need: each machine says its
# architecture (MACHINE_ARCH in machines/MACHINE.sh).
builds=$(awk '!/^#/ && NF >= 5 { print $3, $4 }' "$TOP/tests/check.list" | sort -u |
	while read -r machine flavour; do
		arch=$(bash -c '. "$1"; echo "$MACHINE_ARCH"' _ "$TOP/machines/$machine.sh") ||
			die "cannot read machines/$machine.sh"
		echo "$arch $flavour"
	done | sort -u)
archs=$(awk '{ print $1 }' <<<"$builds" | sort -u)
while read -r arch flavour; do
	step "kernel $arch/$flavour" "$TOP/scripts/build-kernel.sh" "$arch" "$flavour"
done <<<"$builds"
for arch in $archs; do
	step "programs $arch" "$TOP/scripts/build-progs.sh" "$arch"
done

# The VM runs, VM_JOBS at a time (default 2, one per core: the VT-d and
# arm64 machines run both their vCPUs in one host thread), the longest
# first (their timeout says which) so that the lanes end together.  Each
# run's output is printed, in tests/check.list order, once all have ended.
VM_JOBS=${VM_JOBS:-2}
vmdir=$BUILD/check-vm
rm -rf "$vmdir"
mkdir -p "$vmdir"
names=()
logs=()
queue=()
while read -r run suite machine flavour timeout rest; do
	case $run in '#'* | '') continue ;; esac
	if [ -n "${RUNS:-}" ] && [[ " $RUNS " != *" $run "* ]]; then continue; fi
	names+=("$run")
	logs+=("$BUILD/logs/$run.log")
	queue+=("$timeout $run $suite $machine $flavour $rest")
done <"$TOP/tests/check.list"

# run_vm RUN SUITE MACHINE FLAVOUR TIMEOUT ARGS...: one run, its output and
# its exit status and time kept in $vmdir.
run_vm() {
	local run=$1 t0 rc=0
	t0=$(date +%s)
	"$TOP/scripts/vmtest.sh" "$@" >"$vmdir/$run.out" 2>&1 || rc=$?
	echo "$rc $(( $(date +%s) - t0 ))" >"$vmdir/$run.rc"
}

say "step: ${#names[@]} VM runs, $VM_JOBS at a time"
t0=$(date +%s)
while read -r timeout run suite machine flavour rest; do
	[ -n "$run" ] || continue
	while [ "$(jobs -rp | wc -l)" -ge "$VM_JOBS" ]; do
		wait -n || true
	done
	read -ra args <<<"$rest"	# split into words, with no glob expansion
	say "vm $run: started"
	run_vm "$run" "$suite" "$machine" "$flavour" "$timeout" "${args[@]}" &
done < <(printf '%s\n' "${queue[@]}" | sort -s -k1,1nr)
wait
vm_fail=0
for run in "${names[@]}"; do
	cat "$vmdir/$run.out"
	read -r rc secs <"$vmdir/$run.rc" || { rc=1 secs=0; }
	times+=("$(printf '%-34s %5d s%s' "vm $run" "$secs" "$([ "$rc" = 0 ] || echo '  FAILED')")")
	[ "$rc" = 0 ] || vm_fail=1
done
times+=("$(printf '%-34s %5d s' "VM runs (wall clock)" $(( $(date +%s) - t0 )))")

print_times
trap - EXIT
echo
"$TOP/scripts/ktap-report.sh" "${logs[@]}" | tee "$BUILD/check-report.txt"
rc=${PIPESTATUS[0]}

# The cost tables the IOMMU live update test prints, measured in that run.
for log in "${logs[@]}"; do
	grep -q 'lu-cost:' "$log" || continue
	echo
	echo "IOMMU live update cost, $(basename "$log" .log) (ratios to the baseline the table names, same run):"
	sed -n 's/.*lu-cost: /  /p' "$log"
done | tee -a "$BUILD/check-report.txt"
[ $vm_fail = 0 ] && [ "$rc" = 0 ]
