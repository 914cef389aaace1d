#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the pinned base kernel source (Debian's linux-source-7.3, version
# 7.3.4-1~bpo13+1) into the cache, checking the sha256 kept in base.sha256.
#
# The package comes from the Debian mirror this machine's apt already uses:
# the URI is read from the apt sources, and a private apt configuration under
# the cache is used so that the machine's own lists and packages stay as they
# are.  Only a download is done; nothing is installed.
#
# To supply the source by hand, put the tarball (the linux-source-7.3.tar.xz
# found in that package under /usr/src) at $BASE_TARBALL, or point
# BASE_TARBALL_FROM at it; its sha256 must match base.sha256.

. "$(dirname "$0")/lib.sh"

want_sum() { awk -v f="$1" '$2 == f { print $1 }' "$TOP/base.sha256"; }

check_sum() { # file name-in-base.sha256
	local got want
	want=$(want_sum "$2")
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$want" ] || die "$1: sha256 $got, expected $want"
}

if [ -f "$BASE_TARBALL" ]; then
	check_sum "$BASE_TARBALL" linux-source-7.3.4.tar.xz
	say "base source already cached: $BASE_TARBALL"
	exit 0
fi

mkdir -p "$CACHE"

if [ -n "${BASE_TARBALL_FROM:-}" ]; then
	say "using the base tarball supplied by hand: $BASE_TARBALL_FROM"
	check_sum "$BASE_TARBALL_FROM" linux-source-7.3.4.tar.xz
	run cp "$BASE_TARBALL_FROM" "$BASE_TARBALL.tmp"
	mv "$BASE_TARBALL.tmp" "$BASE_TARBALL"
	exit 0
fi

apt_dir=$CACHE/apt
private_apt "$BASE_SUITE" "$apt_dir" ||
	die "no Debian mirror found in this machine's apt sources; supply the tarball by hand (see the top of $0)"

say "fetching $BASE_PKG=$BASE_VERSION from $BASE_SUITE (mirror from the apt sources)"
run apt-get -q "${apt_opts[@]}" update
if ! (cd "$apt_dir" && run apt-get -q "${apt_opts[@]}" download "$BASE_PKG=$BASE_VERSION"); then
	die "$BASE_PKG $BASE_VERSION is no longer on the mirror.
  Get linux-source-7.3_7.3.4-1~bpo13+1_all.deb elsewhere (e.g. snapshot.debian.org),
  extract usr/src/linux-source-7.3.tar.xz from it (dpkg-deb -x) and run:
    BASE_TARBALL_FROM=/path/to/linux-source-7.3.tar.xz make base"
fi
check_sum "$apt_dir/$BASE_DEB" "$BASE_DEB"

tmp=$(mktemp -d "$CACHE/deb.XXXXXX")
run dpkg-deb -x "$apt_dir/$BASE_DEB" "$tmp"
check_sum "$tmp/usr/src/linux-source-7.3.tar.xz" linux-source-7.3.4.tar.xz
mv "$tmp/usr/src/linux-source-7.3.tar.xz" "$BASE_TARBALL"
rm -rf "$tmp" "${apt_dir:?}/$BASE_DEB"
say "base source cached: $BASE_TARBALL"
