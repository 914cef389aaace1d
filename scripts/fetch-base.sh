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

# The first Debian archive URI of this machine's apt sources (deb822 or
# one-line format); security and third-party archives are skipped.
mirror_uri() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }'
	} | grep -v -e security -e '^$' | grep '/debian/\?$' | head -n 1
}

uri=$(mirror_uri) || true
[ -n "$uri" ] || die "no Debian mirror found in this machine's apt sources; supply the tarball by hand (see the top of $0)"

apt_dir=$CACHE/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $BASE_SUITE main" >"$apt_dir/sources.list"
apt_opts=(
	-o "Dir::Etc::SourceList=$apt_dir/sources.list"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache"
	-o "APT::Sandbox::User=root"
)

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
