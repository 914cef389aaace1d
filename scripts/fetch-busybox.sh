#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-busybox.sh ARCH
#
# Print the path of a static busybox for the test VMs of ARCH.  x86_64
# uses the host's (busybox-static, installed by 'make setup').  Other
# architectures get Debian's busybox-static of that architecture, from the
# suite of the QEMU root and the mirror this machine's apt already uses,
# unpacked under the cache; the host's apt state is left alone.

. "$(dirname "$0")/lib.sh"

arch=${1:?usage: fetch-busybox.sh ARCH}
case $arch in
x86_64)
	[ -x /bin/busybox ] || die "busybox-static is missing: run 'make setup'"
	echo /bin/busybox
	exit 0 ;;
arm64) debarch=arm64 ;;
*) die "unknown ARCH '$arch'" ;;
esac

root=$CACHE/busybox-$arch
if [ -x "$root/usr/bin/busybox" ]; then
	echo "$root/usr/bin/busybox"
	exit 0
fi
apt_unpack "$QEMU_SUITE" "$debarch" "$root" busybox-static
[ -x "$root/usr/bin/busybox" ] || die "the busybox-static package has no usr/bin/busybox"
echo "$root/usr/bin/busybox"
