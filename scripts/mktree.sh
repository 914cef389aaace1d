#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Create the kernel work tree: a git repository at $TREE with the pinned base
# as its single root commit and the series in patches/ applied with 'git am'.
#
# An existing tree is left alone unless FORCE=1 (it may hold unexported work);
# with FORCE=1 it is removed and made again.  CHECK_ONLY=1 makes a throw-away
# tree in a temporary directory (used by 'make check' to prove the series
# applies to the base).

. "$(dirname "$0")/lib.sh"

dest=$TREE
if [ "${CHECK_ONLY:-0}" = 1 ]; then
	dest=$BUILD/tree-check
	rm -rf "$dest"
elif [ -d "$TREE/.git" ]; then
	if [ "${FORCE:-0}" != 1 ]; then
		say "kernel tree exists: $TREE (FORCE=1 to recreate it from patches/)"
		exit 0
	fi
	say "removing the existing kernel tree $TREE"
	rm -rf "$TREE"
fi

"$TOP/scripts/fetch-base.sh"

mkdir -p "$dest"
say "unpacking the base into $dest"
tar -xJf "$BASE_TARBALL" -C "$dest" --strip-components=1
# Debian's linux-source adds an ignore-everything-at-the-top rule to
# .gitignore, which would hide every new file of the series from git.  The
# base commit drops just that block; no patch touches .gitignore.
sed -i '/^# Debian packaging: ignore everything/,/^!\/debian\/$/d' "$dest/.gitignore"

cd "$dest"
run git init -q -b series
git config user.name "$GIT_COMMITTER_NAME"
git config user.email "$GIT_COMMITTER_EMAIL"
git config core.abbrev 12
# The base commit is the same on every machine: fixed author, date and message.
say "committing the base"
git add -A -f .
GIT_AUTHOR_NAME="Debian linux-source" GIT_AUTHOR_EMAIL="debian-kernel@lists.debian.org" \
GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
	git commit -q -m "Linux 7.3.4 (Debian linux-source-7.3 $BASE_VERSION)"
git tag base

shopt -s nullglob
patches=("$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch)
series=()
for p in "${patches[@]}"; do
	case "$(basename "$p")" in 0000-*) continue ;; esac
	series+=("$p")
done
if [ ${#series[@]} -gt 0 ]; then
	say "applying ${#series[@]} patches from patches/"
	git am -q --keep-cr --committer-date-is-author-date "${series[@]}" ||
		die "the series does not apply to the base (git am stopped in $dest; see 'git am --show-current-patch')"
fi
say "kernel tree ready: $dest ($(git rev-list --count base..HEAD) patches on the base)"
