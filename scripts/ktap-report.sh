#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktap-report.sh LOG...
#
# Read the serial logs of test VMs (scripts/vmtest.sh) and print one row per
# test: its subtest counts, its time and its result.  A test's subtests (the
# KTAP results its program printed, indented under it) are what is counted;
# a test without subtests counts as one.  Each boot's kernel log is checked
# too: an oops, BUG, WARNING, KASAN/lockdep/UBSAN report, hung task or panic
# is a failed "kernel-log" test of that run.  A failing subtest listed in
# tests/known-base-failures (it fails on the unmodified base kernel too) is
# counted apart, as "known", with its reason; so is a kernel splat listed
# there as RUN:kernel-log:PART+PART+... (every PART found in the splat's
# first lines).  Ends with the closing line
# "N passed, N failed, N skipped" and exits 1 when anything failed.

. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: ktap-report.sh LOG..."
known=$TOP/tests/known-base-failures

awk -v known_file="$known" -v skips_file="$TOP/tests/expected-skips" '
function load_known(   line, key) {
	while ((getline line < known_file) > 0) {
		if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
		key = line; sub(/[ \t].*/, "", key)
		reason = line; sub(/^[^ \t]*[ \t]+/, "", reason)
		known[key] = reason
	}
}
function load_skips(   line, key) {
	while ((getline line < skips_file) > 0) {
		if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
		key = line; sub(/[ \t].*/, "", key)
		gsub(/\./, "\\.", key); gsub(/\*/, ".*", key)
		skip_re[++nskip_re] = "^" key "$"
	}
}
# A skip must be listed in tests/expected-skips (with its reason): any other
# skip may hide a missing feature, and counts as a failure.
function skip_expected(run, test, sub_,   i, k) {
	k = run ":" test ":" sub_
	for (i = 1; i <= nskip_re; i++) if (k ~ skip_re[i]) return 1
	return 0
}
function globmatch(g, str,   re) {
	re = g; gsub(/\./, "\\.", re); gsub(/\*/, ".*", re)
	return str ~ ("^" re "$")
}
# The reason a failing subtest is a known base failure, or "" if it is not.
function known_reason(run, test, sub_,   k, p) {
	for (k in known) {
		split(k, p, ":")
		if (globmatch(p[1], run) && p[2] == test && p[3] == sub_) return known[k]
	}
	return ""
}
# The reason a kernel splat (its first lines, joined) is a known base one.
function known_splat(run, text,   k, p, parts, n, i, ok) {
	for (k in known) {
		split(k, p, ":")
		if (!globmatch(p[1], run) || p[2] != "kernel-log") continue
		n = split(p[3], parts, "+"); ok = 1
		for (i = 1; i <= n; i++) if (!index(text, parts[i])) ok = 0
		if (ok) return known[k]
	}
	return ""
}
function row(run, stage, test, pass, fail, skip, kn, ms, res) {
	printf "%-22s %5s  %-34s %5d %5d %5d %5d %8.1f  %s\n", run, stage, test, pass, fail, skip, kn, ms / 1000, res
}
function begin_test() { sp = 0; sf = 0; ss = 0; sk = 0; nsub = 0; failed_subs = ""; skipped_subs = "" }
function end_boot(   i, why, n, nk, first) {
	if (run == "") return
	n = 0; nk = 0; first = ""
	for (i = 1; i <= splats; i++) {
		why = known_splat(run, splat_text[i])
		if (why != "") {
			nk++
			knownlist = knownlist sprintf("  %s: kernel-log: %s -- %s\n", run, splat_first[i], why)
		} else {
			n++
			if (first == "") first = splat_first[i]
		}
	}
	if (n) {
		row(run, stage, "kernel-log", 0, 1, 0, nk, 0, "FAIL: " n " kernel splat(s): " first); F++
		faillist = faillist sprintf("  %s: stage %s: kernel-log: %s\n", run, stage, first)
	}
	else if (nk) { row(run, stage, "kernel-log", 0, 0, 0, nk, 0, "ok (known base failures)"); K += nk }
	splats = 0; splat_lines = 0
}
BEGIN {
	load_known()
	load_skips()
	printf "%-22s %5s  %-34s %5s %5s %5s %5s %8s  %s\n", "RUN", "STAGE", "TEST", "PASS", "FAIL", "SKIP", "KNOWN", "TIME(s)", "RESULT"
	begin_test()
}
FNR == 1 {
	end_boot()
	run = FILENAME; sub(/.*\//, "", run); sub(/\.log$/, "", run)
	stage = 1; host_fail = ""; saw_stage = 0
}
{ sub(/\r$/, "") }
# kernel splats (printk lines carry a [ time] prefix), with the 12 lines
# after their first (which locks, which functions) to recognise known ones
splat_lines > 0 { splat_text[splats] = splat_text[splats] " | " $0; splat_lines-- }
/\] (BUG:|WARNING:|Oops|general protection fault|Kernel panic|UBSAN:|INFO: task .* blocked|possible circular locking|possible recursive locking|inconsistent lock state|kernel BUG at|arm-smmu-v3 [^ ]+: CMD_SYNC timeout)/ {
	splats++
	splat_first[splats] = $0; sub(/^.*\] /, "", splat_first[splats])
	splat_text[splats] = $0; splat_lines = 12
}
/^# lu-stage: / { if (saw_stage) end_boot(); saw_stage = 1; stage = $3; begin_test(); next }
/^# lu-time: / { ms = $(NF - 1); next }
/^# lu-host: FAILED: / { host_fail = $0; sub(/^# lu-host: FAILED: /, "", host_fail)
	row(run, stage, "vm", 0, 1, 0, 0, 0, "FAIL: " host_fail); F++
	faillist = faillist sprintf("  %s: stage %s: vm: %s\n", run, stage, host_fail); next }
/^  (not )?ok [0-9]+ / {
	line = $0; sub(/^  /, "", line)
	name = line; sub(/^(not )?ok [0-9]+ /, "", name); sub(/ # .*/, "", name)
	nsub++
	if (line ~ /# SKIP/ || line ~ /# skip/) skipped_subs = skipped_subs "\n" name
	else if (line ~ /^ok/) sp++
	else {
		# the test name is the next top-level result: decide at its end
		failed_subs = failed_subs "\n" name
	}
	next
}
/^(not )?ok [0-9]+ / {
	test = $0; sub(/^(not )?ok [0-9]+ /, "", test); sub(/ # .*/, "", test)
	n = split(skipped_subs, sk_, "\n")
	for (i = 2; i <= n; i++) {
		if (skip_expected(run, test, sk_[i])) ss++
		else { sf++; faillist = faillist sprintf("  %s: %s: %s (unexpected skip: not in tests/expected-skips)\n", run, test, sk_[i]) }
	}
	n = split(failed_subs, fs, "\n")
	for (i = 2; i <= n; i++) {
		why = known_reason(run, test, fs[i])
		if (why != "") { sk++; knownlist = knownlist sprintf("  %s: %s: %s -- %s\n", run, test, fs[i], why) }
		else { sf++; faillist = faillist sprintf("  %s: %s: %s\n", run, test, fs[i]) }
	}
	top_skip = ($0 ~ /# SKIP/)
	top_ok = ($0 ~ /^ok/)
	if (nsub == 0) {
		if (top_skip && skip_expected(run, test, "")) ss = 1
		else if (top_skip) { sf = 1; faillist = faillist sprintf("  %s: %s (unexpected skip: not in tests/expected-skips)\n", run, test) }
		else if (top_ok) sp = 1; else { sf = 1; faillist = faillist sprintf("  %s: %s\n", run, test) }
	} else if (!top_ok && sf == 0 && sk == 0) {
		sf = 1; faillist = faillist sprintf("  %s: %s (exit status)\n", run, test)
	}
	res = sf ? "FAIL" : (sk ? "ok (known base failures)" : (top_skip ? "SKIP" : "ok"))
	row(run, stage, test, sp, sf, ss, sk, ms, res)
	P += sp; F += sf; S += ss; K += sk
	ms = 0; begin_test()
	next
}
END {
	end_boot()
	if (knownlist != "") printf "\nKnown base failures (fail on the unmodified base too; tests/known-base-failures):\n%s", knownlist
	if (K) printf "\n%d known base failures are not counted below\n", K
	# last, next to the totals: what failed
	if (faillist != "") printf "\nFailed:\n%s", faillist
	printf "\n%d passed, %d failed, %d skipped\n", P, F, S
	exit F ? 1 : 0
}
' "$@"
