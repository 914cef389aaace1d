#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export the commits of the kernel work tree (base..HEAD) to patches/, in the
# stable form that mktree.sh applies: zeroed commit ids, no signature, and the
# hand-written cover letter patches/0000-cover-letter.patch kept as it is.
# OUT=dir exports somewhere else (used by the round-trip check).

. "$(dirname "$0")/lib.sh"

tree=${SRC_TREE:-$TREE}
[ -e "$tree/.git" ] || die "no kernel tree at $tree: run 'make tree' first"
out=${OUT:-$TOP/patches}
mkdir -p "$out"

if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	die "$tree has uncommitted changes: commit (or stash) them before exporting"
fi

n=$(git -C "$tree" rev-list --count base..HEAD)
say "exporting $n commits from $tree to $out"
find "$out" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' -delete
[ "$n" -gt 0 ] || exit 0
git -C "$tree" -c core.abbrev=12 -c diff.noprefix=false -c format.signature= \
	format-patch -q --zero-commit --no-signature --numbered \
	--subject-prefix=PATCH --no-cover-letter -o "$out" base..HEAD >/dev/null
