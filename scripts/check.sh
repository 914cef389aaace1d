#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite ('make check'): set-up, the series checks, the
# kernel builds (base and debug flavours), the test programs, every VM run
# of tests/check.list, and the report.  Each step's time is printed at the
# end.  RUNS="name ..." limits the VM runs to those named.

. "$(dirname "$0")/lib.sh"

arch=x86_64
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

flavours=$(awk '!/^#/ && NF >= 5 { print $4 }' "$TOP/tests/check.list" | sort -u)
for f in $flavours; do
	step "kernel $arch/$f" "$TOP/scripts/build-kernel.sh" "$arch" "$f"
done
step "programs $arch" "$TOP/scripts/build-progs.sh" "$arch"

logs=()
vm_fail=0
while read -r run suite machine flavour timeout rest; do
	case $run in '#'* | '') continue ;; esac
	if [ -n "${RUNS:-}" ] && [[ " $RUNS " != *" $run "* ]]; then continue; fi
	read -ra args <<<"$rest"	# split into words, with no glob expansion
	step "vm $run" "$TOP/scripts/vmtest.sh" "$run" "$suite" "$machine" "$flavour" "$timeout" "${args[@]}" || vm_fail=1
	logs+=("$BUILD/logs/$run.log")
done <"$TOP/tests/check.list"

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
