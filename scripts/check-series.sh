#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the patch series in patches/:
#  - it applies to the pinned base with 'git am' (in a throw-away worktree);
#  - exporting that result gives patches/ back byte for byte;
#  - the kernel work tree holds exactly the series (nothing left unexported);
#  - every patch is 'checkpatch.pl --strict' clean; a patch may keep a
#    report only if its commit message names the checkpatch type and says
#    why;
#  - every patch is signed off by the project, every file the series adds
#    is covered by a MAINTAINERS entry, and the cover letter counts the
#    patches right.

. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || "$TOP/scripts/mktree.sh"

shopt -s nullglob
series=()
for p in "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch; do
	case "$(basename "$p")" in 0000-*) ;; *) series+=("$p") ;; esac
done
n=${#series[@]}
fail=0
bad() { echo "  FAIL: $*" >&2; fail=1; }

wt=$BUILD/series-check
say "applying the $n patches of patches/ to the base in $wt"
git -C "$TREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$TREE" worktree prune
run git -C "$TREE" worktree add -q --detach "$wt" base
if [ "$n" -gt 0 ] && ! git -C "$wt" am -q --keep-cr --committer-date-is-author-date "${series[@]}"; then
	git -C "$wt" am --abort 2>/dev/null || true
	die "the series does not apply to the base"
fi

say "checking that export round-trips"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SRC_TREE=$wt OUT=$tmp/patches "$TOP/scripts/export.sh"
for p in "${series[@]}"; do
	cmp -s "$p" "$tmp/patches/$(basename "$p")" || bad "$(basename "$p") changes when exported again (regenerate it with 'make export')"
done
[ "$(find "$tmp/patches" -name '*.patch' | wc -l)" = "$n" ] || bad "export gives a different number of patches"

say "checking that the kernel tree holds exactly the series"
ids() { git patch-id --stable | cut -d' ' -f1 | sort; }
if [ "$(git -C "$TREE" format-patch --stdout base..HEAD | ids)" != "$(cat /dev/null "${series[@]}" | ids)" ] ||
   [ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
	bad "$TREE differs from patches/: export your commits ('make export') or recreate it ('make tree FORCE=1')"
fi

say "checkpatch --strict on every patch"
for p in "${series[@]}"; do
	name=$(basename "$p")
	msg=$(sed -n '/^Subject:/,/^---$/p' "$p")
	grep -q '^Signed-off-by: IOMMU Live Update Project <iommu-lu@users.noreply.invalid>$' <<<"$msg" ||
		bad "$name: no project Signed-off-by"
	out=$(cd "$wt" && PATH=/usr/bin:/bin:$PATH ./scripts/checkpatch.pl --strict --terse --show-types --no-summary \
		--ignore FILE_PATH_CHANGES "$p" 2>&1) || true
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		type=$(sed -n 's/.*: \(ERROR\|WARNING\|CHECK\):\([A-Z_0-9]*\):.*/\2/p' <<<"$line")
		if [ -n "$type" ] && grep -qi "checkpatch.*$type" <<<"$msg"; then
			echo "  $name: accepted (justified in the commit message): $line"
		else
			bad "$name: $line"
		fi
	done <<<"$out"
done

say "checking MAINTAINERS coverage of new files"
while IFS= read -r f; do
	m=$(cd "$wt" && ./scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats --nol -f "$f" 2>/dev/null)
	[ -n "$m" ] || bad "$f: not covered by any MAINTAINERS entry"
done < <(git -C "$wt" diff --name-only --diff-filter=A base HEAD)

say "checking the cover letter"
cover=$TOP/patches/0000-cover-letter.patch
if [ ! -f "$cover" ]; then
	bad "patches/0000-cover-letter.patch is missing"
else
	grep -q "^Subject: \[PATCH 0*0/0*$n\] " "$cover" || bad "the cover letter's subject must say [PATCH 00/$n]"
	for p in "${series[@]}"; do
		subj=$(sed -n 's/^Subject: \[PATCH [0-9]*\/[0-9]*\] //p' "$p")
		grep -qF "  $subj" "$cover" || bad "the cover letter's shortlog lacks: $subj"
	done
	grep -q '\*\*\* SUBJECT HERE \*\*\*\|\*\*\* BLURB HERE \*\*\*' "$cover" && bad "the cover letter still has git's placeholders"
fi

git -C "$TREE" worktree remove --force "$wt"
[ $fail = 0 ] || die "the series has problems (above)"
say "series OK: $n patches apply, round-trip, and are checkpatch clean"
