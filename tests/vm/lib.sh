# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the in-VM test suites (tests/suites/*.sh), sourced by /init.
#
# A suite defines stage_1 (and stage_2 ... for kexec tests).  Each stage
# runs its tests with lu_test, which prints one KTAP result per test; the
# output of the test program itself is indented below it as a subtest.  A
# stage that wants a kexec afterwards calls lu_next_stage.

set -o pipefail

LU_N=0
LU_NEXT=

lu_stage() {
	local s
	s=$(sed -n 's/.*lu\.stage=\([0-9]*\).*/\1/p' /proc/cmdline)
	echo "${s:-1}"
}

lu_cmdline_value() { # key
	tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1
}

# Milliseconds since boot, from /proc/uptime ("12.34 ..."), as a decimal
# without leading zeros: shell arithmetic reads "0980" as a bad octal number.
lu_uptime_ms() {
	local up ms
	read -r up _ </proc/uptime
	ms="${up%.*}${up#*.}0"
	while [ "${ms#0}" != "$ms" ] && [ "${#ms}" -gt 1 ]; do
		ms=${ms#0}
	done
	echo "$ms"
}

# A test still running after LU_HANG_SECONDS gets its processes and the
# kernel's blocked tasks printed, once (the run's own timeout then fails
# it): a hang leaves its cause in the log.  It is a report, not a failure:
# the longest test (a debug kernel's fault injection sweep, 90 s here) may
# print one on a slower machine.  The bound is low enough for the report
# to come before the timeout of a run (300 s for make demo's, whose runs
# take 90 s) that hangs midway.
LU_HANG_SECONDS=120
lu_hang_report() { # name
	sleep "$LU_HANG_SECONDS" </dev/null >/dev/null 2>&1
	echo "# lu-hang: $1 still running after ${LU_HANG_SECONDS}s; processes:"
	ps -o pid,ppid,stat,comm,args 2>/dev/null || ps
	for p in /proc/[0-9]*; do
		[ -r "$p/wchan" ] && echo "#   ${p#/proc/} $(cat "$p/comm" 2>/dev/null) wchan=$(cat "$p/wchan" 2>/dev/null)"
		[ -r "$p/stack" ] && sed "s|^|#     |" "$p/stack" 2>/dev/null
	done
	echo w >/proc/sysrq-trigger
}

# lu_test NAME CMD [ARGS...]: run one test; exit 0 passes, 4 skips.
lu_test() {
	local name=$1 rc t0 t1 watch
	shift
	LU_N=$((LU_N + 1))
	t0=$(lu_uptime_ms)
	lu_hang_report "$name" &
	watch=$!
	"$@" 2>&1 | awk '{ print "  " $0; fflush() }'
	rc=$?
	kill "$watch" 2>/dev/null
	wait "$watch" 2>/dev/null
	t1=$(lu_uptime_ms)
	echo "# lu-time: $name $((t1 - t0)) ms"
	case $rc in
	0) echo "ok $LU_N $name" ;;
	4) echo "ok $LU_N $name # SKIP" ;;
	*) echo "not ok $LU_N $name # exit status $rc" ;;
	esac
	return 0
}

# lu_check NAME SHELL-CONDITION...: a test that is a shell condition.
lu_check() {
	local name=$1
	shift
	lu_test "$name" sh -c "$*"
}

lu_next_stage() { LU_NEXT=$(($(lu_stage) + 1)); }

# The PCI address of the first device with vendor:device $1:$2, or of the
# $3rd one.
lu_find_pci() {
	local d n=${3:-1} vendor device
	for d in /sys/bus/pci/devices/*; do
		# read, not cat: no process per device (the benchmark's blackout
		# runs through this)
		read -r vendor <"$d/vendor"
		read -r device <"$d/device"
		if [ "$vendor" = "0x$1" ] && [ "$device" = "0x$2" ]; then
			n=$((n - 1))
			[ "$n" -gt 0 ] && continue
			basename "$d"
			return 0
		fi
	done
	return 1
}

# 256 bytes from the machine's virtio-rng, which its kernel driver reads by
# DMA; a device whose DMA is blocked never completes the request (the bound
# is for a slow machine: it completes in milliseconds).
lu_hwrng_read() {
	local n
	echo "# rng_current: $(cat /sys/class/misc/hw_random/rng_current)"
	grep -q '^virtio_rng' /sys/class/misc/hw_random/rng_current || return 1
	n=$(timeout 60 dd if=/dev/hwrng bs=64 count=4 2>/dev/null | wc -c) || return 1
	echo "# read $n bytes from /dev/hwrng"
	[ "$n" -eq 256 ]
}

# Ask for a QEMU monitor COMMAND (scripts/vmtest.sh lists the ones a suite
# may ask for): the harness reads the console about once a second and
# passes the request on.  Returns at once: wait for its effect.
lu_qemu() { echo "# lu-qemu: $*"; }

# lu_trace_mark N: put mark N (1 to 255) into QEMU's trace of this run, in
# order with what the guest did before and does after it: a config write of
# byte N at offset 0xf0 (unused in its config space) of the machine's
# second edu, which QEMU traces as pci_cfg_write when the run traces it (a
# suite's tests/suites/SUITE.host.sh, see scripts/vmtest.sh).
lu_trace_mark() {
	local edu2
	edu2=$(lu_find_pci 1234 11e8 2) || return 1
	printf "\\$(printf %o "$1")" |
		dd of="/sys/bus/pci/devices/$edu2/config" bs=1 seek=240 count=1 conv=notrunc 2>/dev/null
}

# lu_wait SECONDS CONDITION...: 0 as soon as the shell CONDITION holds
# (checked every second), 1 if it still does not after SECONDS.
lu_wait() {
	local n=$1
	shift
	until sh -c "$*"; do
		[ "$n" -gt 0 ] || return 1
		n=$((n - 1))
		sleep 1
	done
}

# Bind a PCI device to vfio-pci.
lu_bind_vfio() {
	local bdf=$1 dev=/sys/bus/pci/devices/$1
	[ -e "$dev/driver" ] && echo "$bdf" >"$dev/driver/unbind"
	echo vfio-pci >"$dev/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ]
}

# Print the results of a built-in KUnit suite (from debugfs) with its test
# cases one level up, so that they are this test's subtests; fails when the
# suite did not run or did not pass.
lu_kunit_results() {
	local f=/sys/kernel/debug/kunit/$1/results
	[ -r "$f" ] || { echo "# no KUnit results for $1"; return 1; }
	sed -n 's/^    //p' "$f"
	grep -q "^ok [0-9]* $1\( # SKIP.*\)\?\$" "$f"
}

# Check kmemleak (debug kernels) for leaks found so far.
lu_kmemleak() {
	local f=/sys/kernel/debug/kmemleak
	[ -w "$f" ] || { echo "# kmemleak is not enabled in this kernel"; return 4; }
	echo scan >"$f"
	sleep 1
	echo scan >"$f"
	if [ -s "$f" ]; then
		cat "$f"
		return 1
	fi
	echo "# no leaks"
}

# Load /kernel with the initramfs this boot came from (kept by retain_initrd)
# and the same command line for stage $1, then reboot into it.  A suite that
# sets LU_STAGE_ARGS_<n> boots stage n with those kernel arguments added
# (and only stage n).  A test that must act in the last moment before the
# kexec (start a DMA, say) writes its pid to /tmp/lu-kexec-hook: it gets
# SIGUSR1 once the kernel is loaded and does the reboot itself.
lu_kexec() {
	local next=$1 cmdline pid cur_args next_args
	eval "cur_args=\${LU_STAGE_ARGS_$(lu_stage):-}"
	eval "next_args=\${LU_STAGE_ARGS_$next:-}"
	cmdline=$(sed -e 's/ *lu\.stage=[0-9]*//g' /proc/cmdline)
	[ -n "$cur_args" ] && cmdline=${cmdline/ $cur_args/}
	cmdline="$cmdline${next_args:+ $next_args} lu.stage=$next"
	cp /sys/firmware/initrd /tmp/initrd || return 1
	/bin/lu-kexec load /kernel /tmp/initrd "$cmdline" || return 1
	rm -f /tmp/initrd
	if [ -s /tmp/lu-kexec-hook ]; then
		pid=$(cat /tmp/lu-kexec-hook)
		echo "# lu-kexec: loaded; pid $pid does the reboot"
		kill -USR1 "$pid" || return 1
		# It reboots at once; a slow machine or a debug kernel may take
		# long to get there (the run's own timeout bounds the wait).
		sleep 300
		return 1
	fi
	echo "# lu-kexec: loaded, rebooting"
	/bin/lu-kexec exec
}

lu_run_stage() {
	local stage=$1
	# The tests' KTAP and the kernel's console messages share the serial
	# port, and a message printed in the middle of a KTAP line splits it.
	# From here on only notices and worse (warnings, errors, oopses, the
	# kernel's own test reports) reach the console; the rest stays in
	# dmesg, which is where the suites look for kernel messages.
	echo 5 >/proc/sys/kernel/printk
	echo "KTAP version 1"
	echo "# lu-stage: $stage $(lu_cmdline_value lu.suite)"
	# Where this boot's kernel text is in memory (KASLR): the harness turns
	# the vCPUs' instruction pointers into symbols if the run hangs
	echo "# lu-text: $(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : Kernel code$/\1/p' /proc/iomem)"
	[ -r /sys/kernel/debug/kho/out/preserved ] &&
		echo "# kho at start: out/preserved" $(cat /sys/kernel/debug/kho/out/preserved) \
			"in/unclaimed" $(cat /sys/kernel/debug/kho/in/unclaimed 2>/dev/null)
	if type "stage_$stage" >/dev/null 2>&1; then
		"stage_$stage"
	else
		LU_N=$((LU_N + 1))
		echo "not ok $LU_N stage_$stage # the suite has no stage $stage"
	fi
	[ -w /sys/kernel/debug/kmemleak ] && lu_test "kmemleak-stage-$stage" lu_kmemleak
	# What the previous kernel preserved and nobody took back (KHO)
	[ -r /sys/kernel/debug/kho/in/unclaimed ] &&
		echo "# kho in/unclaimed:" $(cat /sys/kernel/debug/kho/in/unclaimed)
	echo "1..$LU_N"
	if [ -n "$LU_NEXT" ]; then
		echo "# lu-kexec: stage $LU_NEXT"
		lu_kexec "$LU_NEXT"
		echo "# lu-kexec: failed"
	fi
	echo "# lu-done"
	sync
	poweroff -f
}
