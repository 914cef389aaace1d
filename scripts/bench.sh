#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make bench': what a live update costs as it grows, beside what a VMM
# without live update does instead, measured in the same run.
#
# One VM run (tests/suites/bench.sh on machines/q35-vtd-bench.sh, base
# kernel): iommu_vfio_lu_test bench-1 and bench-2 print "# lu-bench:" lines
# (key=value); this script makes the tables of them, with every figure
# also given as a ratio to its baseline of the same run, and a plot.
# Writes docs/bench-DATE.txt (the tables, the machine) and
# docs/bench-DATE.png (gnuplot, installed if missing: run as root then).
#
# Under TCG every time is an emulated one: read the ratios, not the
# milliseconds, as what a real machine would show.

. "$(dirname "$0")/lib.sh"

arch=x86_64
WITH_BENCH=1 "$TOP/scripts/setup.sh"
"$TOP/scripts/mktree.sh"
"$TOP/scripts/build-kernel.sh" "$arch" base
"$TOP/scripts/build-progs.sh" "$arch"

"$TOP/scripts/vmtest.sh" bench bench q35-vtd-bench base 1800 ||
	die "the benchmark's VM run failed: see $BUILD/logs/bench.log"
log=$BUILD/logs/bench.log
"$TOP/scripts/ktap-report.sh" "$log" >/dev/null ||
	die "a step of the benchmark failed: scripts/ktap-report.sh $log"

date=$(date +%Y-%m-%d)
mkdir -p "$TOP/docs"
txt=$TOP/docs/bench-$date.txt
png=$TOP/docs/bench-$date.png
data=$BUILD/bench
mkdir -p "$data"

# The "# lu-bench:" lines, without their prefix
sed -n 's/^ *# lu-bench: //p' "$log" >"$data/lines"

# field KEY: the value of KEY= in the line on stdin
tables() {
	awk '
	function v(k,   i, n, a) {
		for (i = 2; i <= NF; i++) { n = index($i, "="); if (substr($i, 1, n - 1) == k) return substr($i, n + 1) }
		return ""
	}
	function size(b) { b += 0; return b >= 1073741824 ? sprintf("%d GiB", b / 1073741824) : sprintf("%d MiB", b / 1048576) }
	function r(a, b) { return b > 0 ? sprintf("%.4f", a / b) : "-" }
	$1 == "preserve" { np++; P[np] = $0 }
	$1 == "after" { na++; A[na] = $0 }
	$1 == "boot" { boot[v("stage")] = v("kernel_to_init_ms") }
	$1 == "adopt" { adopt[v("device")] = v("us") }
	$1 == "blackout" { blackout = v("ms") }
	$1 == "blackout-nodev" { blackout_nodev = v("ms") }
	$1 == "state" { st[v("stage")] = $0 }
	$1 == "domains" { domains = $0 }
	$1 == "inflight" { landed = v("landed") }
	$1 == "faults" { faults = v("n") }
	$1 == "retrieve" { retrieve = $0 }
	END {
		print "Preserve (old kernel) against the map of the same HWPT, in the same run"
		print ""
		print "| leaf | IOVA mapped | map (ms) | preserve (ms) | preserve / map | table pages | KHO pages | KHO pages / table page |"
		print "|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= np; i++) {
			$0 = P[i]
			printf "| %s | %s | %.1f | %.2f | %s | %d | %d | %s |\n", v("leaf"), size(v("size")), v("map_us") / 1000, v("preserve_us") / 1000, r(v("preserve_us"), v("map_us")), v("tables"), v("kho_pages"), r(v("kho_pages"), v("tables"))
		}
		print ""
		print "After the kexec (new kernel), each device on its restored HWPT, against the VMM building the same HWPT afresh"
		print ""
		print "| leaf | IOVA mapped | table pages | fresh map (ms) | restore + adopt at boot (ms) | check (ms) | check / fresh | replace, checking again (ms) | destroy restored: restore + free of every table (ms) | its ratio to the boot restore | destroy fresh: unmap + free (ms) |"
		print "|---|---|---|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= na; i++) {
			$0 = A[i]
			f = v("fresh_us"); a = adopt[v("device")]
			printf "| %s | %s | %d | %.1f | %.3f | %.2f | %s | %.2f | %.2f | %s | %.1f |\n", v("leaf"), size(v("size")), v("tables"), f / 1000, a / 1000, v("check_us") / 1000, r(v("check_us"), f), v("replace_us") / 1000, v("destroy_restored_us") / 1000, r(v("destroy_restored_us"), a), v("destroy_fresh_us") / 1000
		}
		print ""
		print "The IOMMU core state the new kernel reads and checks at boot (all of it, every record), and the retrieve of an iommufd whose HWPTs no device uses"
		print ""
		print "| state | time | ratio |"
		print "|---|---|---|"
		$0 = st[2]; d2 = v("us")
		printf "| after the first live update: %d domains, %d devices | %d us | 1 |\n", v("domains"), v("devices"), d2
		$0 = st[3]
		printf "| after the second: %d domains (as many as one iommufd carries), %d devices | %d us | %s |\n", v("domains"), v("devices"), v("us"), r(v("us"), d2)
		$0 = domains
		printf "| retrieve the session of that iommufd (LUO retrieves the iommufd with it, which frees its %d domains: %d table pages leave KHO) | %.2f ms | |\n", v("nr"), v("freed_pages"), v("session_us") / 1000
		print ""
		$0 = retrieve
		print "The first device (2 MiB at 4 KiB leaves, the DMA in flight at the kexec)"
		print ""
		print "| step | time | ratio |"
		print "|---|---|---|"
		printf "| kernel start to init, boot without live update state | %d ms | 1 |\n", boot[1]
		printf "| kernel start to init, boot with the state of the nine devices | %d ms | %s |\n", boot[2], r(boot[2], boot[1])
		printf "| kernel start to init, boot with no device preserved (the guest memory, 254 HWPTs attached to nothing) | %d ms | %s |\n", boot[3], r(boot[3], boot[1])
		printf "| blackout without preserved devices: reboot(RB_KEXEC) to the first DMA through the device set up afresh (retrieve the session, bind, IOAS, map 2 MiB, HWPT, attach) | %.0f ms | 1 |\n", blackout_nodev
		printf "| blackout with them: reboot(RB_KEXEC) to the first DMA through the retrieved device | %.0f ms | %s |\n", blackout, r(blackout, blackout_nodev)
		printf "| the DMA in flight at the kexec landed | %s | |\n", landed == 1 ? "yes" : "NO"
		printf "| DMA fault reports in the log of the new kernel (all nine devices) | %d | |\n", faults
		printf "| retrieve the session | %.2f ms | |\n", v("session_us") / 1000
		printf "| retrieve the memfds | %.2f ms | |\n", v("memfds_us") / 1000
		printf "| retrieve the iommufd | %.2f ms | |\n", v("iommufd_us") / 1000
		printf "| retrieve the VFIO device | %.2f ms | |\n", v("vfio_us") / 1000
		printf "| bind it (to its restored HWPT) | %.2f ms | |\n", v("bind_us") / 1000
	}' "$data/lines"
}

qemu_command qemu-system-x86_64 || die "no QEMU in $QEMU_ROOT: run 'make setup'"
{
	echo "make bench, $date, base kernel, $("${qemu_cmd[@]}" --version | sed -n 1p)"
	echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo); VM: q35-vtd-bench under TCG"
	echo "ratios compare figures of the same run; the milliseconds are emulated ones"
	echo
	tables
} >"$txt"
cat "$txt"

# The plot: time against IOVA mapped, log-log
awk '$1 == "preserve" { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	print f["leaf"], f["size"] / 1073741824, f["map_us"] / 1000, f["preserve_us"] / 1000 }' "$data/lines" >"$data/preserve.dat"
# (two passes: the boot's adopt lines come after the "after" lines)
awk '{ delete f; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
	NR == FNR { if ($1 == "adopt") adopt[f["device"]] = f["us"]; next }
	$1 == "after" { print f["leaf"], f["size"] / 1073741824, f["fresh_us"] / 1000, f["check_us"] / 1000,
		f["destroy_restored_us"] / 1000, adopt[f["device"]] / 1000 }' "$data/lines" "$data/lines" >"$data/after.dat"
command -v gnuplot >/dev/null || die "gnuplot is missing: run 'make bench' as root once"
gnuplot <<GP
set terminal pngcairo size 1000,650 font ",10"
set output "$png"
set title "IOMMU live update: cost against IOVA mapped ($date, QEMU TCG: compare the lines, not the times)"
set logscale xy
set xlabel "IOVA mapped (GiB)"
set ylabel "time (ms)"
set key left top
set grid
plot "< grep ^4K $data/preserve.dat" using 2:3 with linespoints title "map, 4 KiB leaves (old kernel)", \
     "< grep ^4K $data/preserve.dat" using 2:4 with linespoints title "preserve, 4 KiB leaves", \
     "< grep ^2M $data/preserve.dat" using 2:3 with linespoints title "map, 2 MiB leaves", \
     "< grep ^2M $data/preserve.dat" using 2:4 with linespoints title "preserve, 2 MiB leaves", \
     "< grep ^4K $data/after.dat" using 2:4 with linespoints title "check against the restored HWPT, 4 KiB", \
     "< grep ^2M $data/after.dat" using 2:4 with linespoints title "check, 2 MiB", \
     "< grep ^4K $data/after.dat" using 2:5 with linespoints title "restore + free of every table (what an eager restore at boot costs), 4 KiB", \
     "< grep ^4K $data/after.dat" using 2:6 with linespoints title "restore + adopt at boot (this series), 4 KiB"
GP
say "wrote $txt and $png"
