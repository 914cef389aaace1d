#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build every patch of the series on its own: for each commit of
# base..HEAD of the kernel tree, in a throw-away worktree and one build
# directory (so that each step is incremental), compile the directories the
# series touches with W=1, and run sparse (C=1) on every file a step
# recompiles (the files the patch touches and those that include a header
# it touches).  A diagnostic of the compiler or of sparse that the base
# build does not have fails the step; the base's own are listed once and
# ignored.
#
# sparse: the host's if the kernel accepts it, else one from Debian
# unstable in a private root (scripts/fetch-sparse.sh).  Not part of 'make
# check': 40 incremental builds take 20 to 40 minutes on two cores, more
# than CI's time allows.  Run it before sending the series:
#   make series-build            every patch
#   make series-build FROM=25    patches 25 to the end
. "$(dirname "$0")/lib.sh"
need_tree
checker=$("$TOP/scripts/fetch-sparse.sh") || die "no sparse the kernel accepts"
config=$BUILD/kernel-x86_64-base/.config
[ -f "$config" ] || die "no base kernel config: run 'make kernel' first"

from=${FROM:-1}
wt=$BUILD/series-build
out=$BUILD/series-build-obj
logs=$BUILD/logs/series-build
targets=(drivers/iommu/ drivers/vfio/ drivers/pci/ kernel/liveupdate/ mm/memfd.o)
mapfile -t commits < <(git -C "$TREE" rev-list --reverse base..HEAD)
[ "${#commits[@]}" -gt 0 ] || die "no commits between base and HEAD in $TREE"

git -C "$TREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$TREE" worktree prune
run git -C "$TREE" worktree add -q --detach "$wt" base
# A fresh build directory: C=1 checks only what a step compiles.
rm -rf "$out" "$logs"
mkdir -p "$out" "$logs"

# build NAME: configure for the checked-out commit and build the targets;
# the compiler's and sparse's diagnostics go to $logs/NAME.log.
build() {
	cp "$config" "$out/.config"
	make -s -C "$wt" O="$out" ARCH=x86_64 olddefconfig >/dev/null
	make -s -C "$wt" O="$out" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
		W=1 C=1 CHECK="$checker" "${targets[@]}" >"$logs/$1.log" 2>&1
}

# Diagnostics as "COUNT file: message", without line numbers, for
# comparison: a step whose count of a message in a file is above the
# base's (that file was recompiled) has a new one.
diags() {
	sed -n 's#^\([^: ]*\):[0-9]*:[0-9]*: \(warning\|error\): \(.*\)#\1: \2: \3#p' "$1" |
		sed "s|^$wt/||; s|^\.\./$(basename "$wt")/||" | sort | uniq -c
}

# new_diags STEP_LOG: the diagnostics of a step the base does not have.
new_diags() {
	diags "$1" | awk -v base="$logs/base.diags" '
		BEGIN { while ((getline l < base) > 0) { n = l + 0; sub(/^ *[0-9]+ /, "", l); known[l] = n } }
		{ n = $1 + 0; d = $0; sub(/^ *[0-9]+ /, "", d); if (n > known[d]) print (n - known[d]) " more: " d }'
}

say "building the base with W=1 and sparse (the reference for known warnings)"
build base || die "the base does not build: see $logs/base.log"
diags "$logs/base.log" >"$logs/base.diags"
say "$(wc -l <"$logs/base.diags") diagnostics in the base, ignored from here on"

fail=0
for i in "${!commits[@]}"; do
	n=$((i + 1))
	[ "$n" -ge "$from" ] || continue
	c=${commits[$i]}
	git -C "$wt" checkout -q "$c"
	name=$(printf '%04d' "$n")
	subject=$(git -C "$wt" log -1 --format=%s)
	if ! build "$name"; then
		echo "  FAIL: patch $n ($subject) does not build:" >&2
		grep -E 'error|Error' "$logs/$name.log" | head -n 20 | sed 's/^/    /' >&2
		fail=1
		continue
	fi
	new=$(new_diags "$logs/$name.log")
	if [ -n "$new" ]; then
		echo "  FAIL: patch $n ($subject): new diagnostics:" >&2
		sed 's/^/    /' <<<"$new" >&2
		fail=1
	else
		say "patch $n builds clean: $subject"
	fi
done
git -C "$TREE" worktree remove --force "$wt"
[ "$fail" = 0 ] || die "some patches do not build clean; logs in $logs"
say "every patch from $from on builds with W=1 and sparse without new diagnostics"
