#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmtest.sh RUN SUITE MACHINE FLAVOUR TIMEOUT [KERNEL-ARGS...]
#
# Run one in-VM test suite: build an initramfs with busybox, tests/vm/init,
# tests/suites/SUITE.sh and the programs the suite lists in PROGS; boot the
# FLAVOUR kernel on machines/MACHINE.sh under QEMU; let the suite kexec
# through its stages; stop it after TIMEOUT seconds (the whole run).  The
# serial log is kept as $BUILD/logs/RUN.log and its KTAP is reported by
# scripts/ktap-report.sh.  Fails on a timeout or when the last stage did not
# finish, printing the log's tail.
#
# A suite can ask for a QEMU monitor command (to unplug a device, say) by
# printing a line "# lu-qemu: COMMAND" on the console: the harness watches
# the serial log and gives the monitor (a pair of FIFOs) these commands
# only: "device_del ID", "device_add ID" (the -device of the machine with
# that id, added again) and "pcie_aer_inject_error ...".  The monitor's
# replies are kept in $BUILD/vm/RUN/monitor.log.  The suite waits for the
# effect itself.

. "$(dirname "$0")/lib.sh"

[ $# -ge 5 ] || die "usage: vmtest.sh RUN SUITE MACHINE FLAVOUR TIMEOUT [KERNEL-ARGS...]"
name=$1 suite=$2 machine=$3 flavour=$4 timeout=$5
shift 5
extra_args=("$@")

mfile=$TOP/machines/$machine.sh
sfile=$TOP/tests/suites/$suite.sh
[ -f "$mfile" ] || die "no machine description $mfile"
[ -f "$sfile" ] || die "no suite $sfile"
# shellcheck source=/dev/null
. "$mfile"
arch=$MACHINE_ARCH
# What the monitor is asked 30 s before a timeout, and the name of the
# instruction pointer in its "info registers": the x86 machines also give
# the guest's blocked tasks (sysrq-w through the PS/2 keyboard) and the
# local APICs; the arm64 machine has no keyboard and a GIC.
case $arch in
x86_64)
	ip_reg=RIP
	vcpu_cmds=("sendkey alt-sysrq-w" "info cpus" "info registers -a" "info lapic 0" "info lapic 1") ;;
*)
	ip_reg=PC
	vcpu_cmds=("info cpus" "info registers -a") ;;
esac
# The suite's host side, if it has one (tests/suites/SUITE.host.sh): it may
# set TRACE_EVENTS (QEMU trace events, written to $work/trace.log for the
# whole run) and define host_checks, which reads that trace after the run
# and prints KTAP results of its own; they go into the log, under a stage
# named "host".
TRACE_EVENTS=
hfile=$TOP/tests/suites/$suite.host.sh
# shellcheck source=/dev/null
[ -f "$hfile" ] && . "$hfile"

kernel=$BUILD/kernel-$arch-$flavour/kernel.img
progs=$BUILD/progs-$arch
[ -f "$kernel" ] || die "no $arch/$flavour kernel: run 'make kernel ARCH=$arch FLAVOUR=$flavour'"
[ -x "$progs/lu-kexec" ] || die "no test programs for $arch: run 'make progs ARCH=$arch'"
qemu_command "$QEMU" || die "$QEMU is missing from the QEMU root $QEMU_ROOT: run 'make setup'"

# What the suite needs: PROGS (paths under $progs) and its number of stages.
info=$(bash -c '. "$1"; n=1; while declare -F "stage_$((n + 1))" >/dev/null; do n=$((n + 1)); done; echo "$n"; echo "${PROGS:-}"' _ "$sfile") ||
	die "cannot read $sfile"
stages=$(sed -n 1p <<<"$info")
suite_progs=$(sed -n 2p <<<"$info")

work=$BUILD/vm/$name
logs=$BUILD/logs
rm -rf "$work"
mkdir -p "$work/root/bin" "$work/root/lib" "$logs"
for d in dev proc sys tmp; do mkdir -p "$work/root/$d"; done
busybox=$("$TOP/scripts/fetch-busybox.sh" "$arch") || die "no busybox for $arch"
cp "$busybox" "$work/root/bin/busybox"
install -m 0755 "$TOP/tests/vm/init" "$work/root/init"
cp "$TOP/tests/vm/lib.sh" "$work/root/lib/lu.sh"
cp "$sfile" "$work/root/suite.sh"
cp "$progs/lu-kexec" "$work/root/bin/"
for p in $suite_progs; do
	[ -x "$progs/$p" ] || die "suite $suite needs $p, not built in $progs"
	cp "$progs/$p" "$work/root/bin/"
done
append="console=$CONSOLE panic=-1 liveupdate=on lu.suite=$suite"
if [ "$stages" -gt 1 ]; then
	cp "$kernel" "$work/root/kernel"
	append="$append retain_initrd"
fi
# KHO's default scratch size is twice the memory memblock has reserved at
# boot; with KASAN's shadow that no longer fits in the VM, and KHO (so LUO)
# turns itself off.  Debug kernels get fixed sizes that fit: 64M low, 512M
# global, 512M per node.
[ "$flavour" = debug ] && append="$append kho_scratch=64M,512M,512M"
# Debug kernels also run with 4-level paging: with -cpu max (LA57) a timer
# interrupt that hits very early in start_kernel (identify_cpu, before any
# of the series' code runs) made KASAN report a "wild-memory-access" on the
# irq descriptor's lock in the 5-level direct map, in about one fresh boot
# in fifteen under TCG.  It is a base kernel issue outside this series.
[ "$flavour" = debug ] && append="$append no5lvl"
append="$append ${extra_args[*]}"
(cd "$work/root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$work/initramfs.cpio"

log=$logs/$name.log
: >"$log"
mkfifo "$work/monitor.in" "$work/monitor.out" || die "cannot make the monitor FIFOs in $work"

# monitor_command CMD: the monitor line for a suite's request, or nothing
# if the request is not one a suite may make.
monitor_command() {
	local id a prev=
	case $1 in
	"device_del "*)
		echo "$1" ;;
	"device_add "*)
		id=${1#device_add }
		for a in "${QEMU_ARGS[@]}"; do
			if [ "$prev" = -device ] && [[ ",$a," == *",id=$id,"* ]]; then
				echo "device_add $a"
				return
			fi
			prev=$a
		done ;;
	"pcie_aer_inject_error "*)
		echo "$1" ;;
	esac
}

# send_monitor CMD: give CMD to the monitor.  QEMU frees a deleted device's
# id a moment after the guest let the device go: a device_add refused for
# a duplicate id is tried again, for up to 30 s.
send_monitor() {
	local n before
	for n in $(seq 30); do
		before=$(grep -ac "Duplicate device ID" "$work/monitor.raw" 2>/dev/null || true)
		echo "$1" >"$work/monitor.in"
		sleep 1
		[ "$(grep -ac "Duplicate device ID" "$work/monitor.raw" 2>/dev/null || true)" = "$before" ] && return
		[[ $1 == "device_add "* ]] || return
	done
}

# After a timeout: each vCPU's state (halted or not) and instruction
# pointer from the monitor's last answers, as "# lu-host: " lines, the
# pointer as SYMBOL+OFFSET of the kernel that ran: the monitor gave the
# pointer's guest physical address (gva2gpa), the last boot's "# lu-text:"
# line where its kernel code starts in physical memory (KASLR), System.map
# where _text was linked.
vcpu_report() {
	local map=$BUILD/kernel-$arch-$flavour/System.map rt lt rip gpa addr base sym dump i rips gpas
	sed -n '/^# vCPUs 30 s before the timeout/,$p' "$work/monitor.log" |
		grep -aE '^[ *]*CPU #[0-9]+:' | sed 's/^/# lu-host: /'
	dump=$(sed -n '/^# vCPUs 30 s before the timeout/,$p' "$work/monitor.log")
	rt=$(sed -n 's/^# lu-text: \([0-9a-f]\{1,16\}\)$/\1/p' <<<"$dump")
	lt=$(sed -n 's/^\([0-9a-f]\{16\}\) [Tt] _text$/\1/p' "$map" 2>/dev/null)
	read -ra rips <<<"$(grep -aoE "$ip_reg=ffff[0-9a-f]{12}" <<<"$dump" | sed "s/$ip_reg=//" | tr '\n' ' ')"
	read -ra gpas <<<"$(grep -aoE '^gpa: 0x[0-9a-f]+' <<<"$dump" | sed 's/gpa: 0x//' | tr '\n' ' ')"
	for i in "${!rips[@]}"; do
		rip=${rips[$i]} gpa=${gpas[$i]:-}
		if [ -z "$rt" ] || [ -z "$lt" ] || [ -z "$gpa" ]; then
			echo "# lu-host: vCPU at $rip"
			continue
		fi
		addr=$(printf '%016x' $((0x$gpa - 0x$rt + 0x$lt)))
		read -r base sym < <(awk -v a="$addr" '
			$1 > a { exit }
			$2 ~ /^[TtWw]$/ { sym = $3; base = $1 }
			$3 == "_etext" { sym = "" }
			END { print base, sym }' "$map")
		if [ -n "$sym" ]; then
			printf '# lu-host: vCPU at %s %s+0x%x\n' "$rip" "$sym" $((0x$addr - 0x$base))
		else
			echo "# lu-host: vCPU at $rip (not in the kernel's text)"
		fi
	done
	echo "# lu-host: the monitor's whole answer: $work/monitor.log"
}

# Pass the suite's "# lu-qemu: " lines of the serial log to the monitor,
# each once, until killed.  Thirty seconds before the run's timeout, ask
# the guest for its blocked tasks (on the serial log) and the monitor where
# the vCPUs are and what their local APICs hold (a hung run then says
# where it hung).
# (It runs under set -e: no command in it may fail unchecked.)
watch_monitor() {
	local seen=0 total req cmd dumped=0
	while sleep 1; do
		if [ $dumped = 0 ] && [ "$(date +%s)" -ge $((start + timeout - 30)) ]; then
			dumped=1
			{
				echo "# vCPUs 30 s before the timeout"
				grep -a '^# lu-text: ' "$log" | tail -n 1 | tr -d '\r' || true
			} >>"$work/monitor.log"
			# the guest's blocked tasks (sysrq w, through the PS/2
			# keyboard) go to the serial log, the rest to the monitor's
			printf '%s\n' "${vcpu_cmds[@]}" >"$work/monitor.in"
			sleep 2
			# and where each instruction pointer is in guest memory
			tr '\r' '\n' <"$work/monitor.raw" | grep -aoE "$ip_reg=ffff[0-9a-f]{12}" |
				sed "s/$ip_reg=/gva2gpa 0x/" >"$work/monitor.in" || true
		fi
		total=$(wc -l <"$log")
		[ "$total" -gt "$seen" ] || continue
		sed -n "$((seen + 1)),${total}{s/\r\$//; s/^ *# lu-qemu: //p}" "$log" |
			while IFS= read -r req; do
				cmd=$(monitor_command "$req" || true)
				echo "# request: $req" >>"$work/monitor.log"
				[ -n "$cmd" ] || { echo "# refused: not a command suites may ask for" >>"$work/monitor.log"; continue; }
				send_monitor "$cmd"
			done
		seen=$total
	done
}
say "VM $name: suite $suite, $machine, $arch/$flavour kernel, $stages stage(s), timeout ${timeout}s"
start=$(date +%s)
trace_args=()
for e in $TRACE_EVENTS; do
	trace_args+=(-trace "$e")
done
[ -n "$TRACE_EVENTS" ] && trace_args+=(-D "$work/trace.log")
printf '+ %s\n' "${qemu_cmd[*]} ${QEMU_ARGS[*]} ${trace_args[*]} -kernel $kernel -initrd $work/initramfs.cpio -append '$append'" >&2
cat "$work/monitor.out" >"$work/monitor.raw" &
replies=$!
watch_monitor &
watcher=$!
rc=0
timeout --foreground -k 10 "$timeout" "${qemu_cmd[@]}" "${QEMU_ARGS[@]}" "${trace_args[@]}" \
	-nodefaults -display none -no-reboot -monitor "pipe:$work/monitor" \
	-serial "file:$log" \
	-kernel "$kernel" -initrd "$work/initramfs.cpio" -append "$append" \
	</dev/null >"$work/qemu.out" 2>&1 || rc=$?
took=$(( $(date +%s) - start ))
kill "$watcher" "$replies" 2>/dev/null || true
wait "$watcher" "$replies" 2>/dev/null || true
# HMP echoes each line as it is typed, with escape sequences: left out
if [ -f "$work/monitor.raw" ]; then
	tr '\r' '\n' <"$work/monitor.raw" | grep -av $'\e' >>"$work/monitor.log" || true
fi
sed -i 's/\r$//' "$log"
# The kernel writes its console messages to the serial port whole, but in
# the middle of whatever line a test program is printing: the message
# then ends the test's line early and the rest of that line follows it.
# Put such lines back together (a kernel message starts with its
# "[ seconds.micro] " time stamp), so that a KTAP result is one line.
awk '
	{
		line = $0
		if (pending != "" && line ~ /^\[ *[0-9]+\.[0-9]+\] /) { print line; next }
		if (match(line, /\[ *[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]\] /) && RSTART > 1) {
			pending = pending substr(line, 1, RSTART - 1)
			print substr(line, RSTART)
			next
		}
		print pending line
		pending = ""
	}
	END { if (pending != "") print pending }' "$log" >"$work/serial.log" && cp "$work/serial.log" "$log"
if declare -F host_checks >/dev/null; then
	echo "# lu-stage: host $suite"
	host_checks "$log" "$work/trace.log"
fi >>"$log"
echo "# lu-host: run=$name suite=$suite machine=$machine flavour=$flavour seconds=$took qemu_exit=$rc" >>"$log"

problem=
if [ $rc = 124 ] || [ $rc = 137 ]; then
	problem="timed out after ${timeout}s"
	vcpu_report >>"$log"
elif [ $rc != 0 ]; then
	problem="QEMU exited with status $rc: $(tail -n 3 "$work/qemu.out")"
elif ! grep -q "^# lu-stage: $stages " "$log" || ! grep -q "^# lu-done" "$log"; then
	problem="stage $stages did not finish"
fi
if [ -n "$problem" ]; then
	echo "# lu-host: FAILED: $problem" >>"$log"
	echo "VM $name FAILED: $problem; last lines of $log:" >&2
	tail -n 40 "$log" | sed 's/^/    /' >&2
	exit 1
fi
say "VM $name finished in ${took}s; log: $log"
