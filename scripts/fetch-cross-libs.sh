#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-cross-libs.sh ARCH
#
# The static libraries the test programs link (libuuid, libcap) for a
# foreign ARCH, and their headers: Debian's uuid-dev and libcap-dev of that
# architecture, from this machine's own suite (so that they match the
# cross C library, libc6-dev-ARCH-cross) and the mirror its apt already
# uses, unpacked under the cache; the host's apt state is left alone.
# Prints the directory that holds usr/include and usr/lib/TRIPLET.

. "$(dirname "$0")/lib.sh"

arch=${1:?usage: fetch-cross-libs.sh ARCH}
case $arch in
arm64) debarch=arm64 triplet=aarch64-linux-gnu ;;
*) die "no cross libraries for ARCH '$arch'" ;;
esac

root=$CACHE/cross-libs-$arch
if [ -f "$root/usr/lib/$triplet/libuuid.a" ] && [ -f "$root/usr/lib/$triplet/libcap.a" ]; then
	echo "$root"
	exit 0
fi
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || die "cannot tell this machine's Debian suite from /etc/os-release"
apt_unpack "$suite" "$debarch" "$root" uuid-dev libcap-dev
[ -f "$root/usr/lib/$triplet/libuuid.a" ] && [ -f "$root/usr/lib/$triplet/libcap.a" ] ||
	die "uuid-dev or libcap-dev ($debarch) has no static library"
echo "$root"
