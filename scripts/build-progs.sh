#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-progs.sh ARCH
#
# Build the static programs the test VMs run, into $BUILD/progs-ARCH:
# the upstream selftests of the work tree (vfio, iommu, liveupdate) and the
# harness's own helpers (tests/vm/*.c), and the busybox of ARCH (fetched
# when not the host's).  They are built against the uapi
# headers of the work tree, installed into $BUILD/hdr-ARCH.

. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-progs.sh ARCH}
need_tree

case $arch in
x86_64) karch=x86_64; cross= ;;
arm64) karch=arm64; cross=aarch64-linux-gnu- ;;
*) die "unknown ARCH '$arch'" ;;
esac

hdr=$BUILD/hdr-$arch
out=$BUILD/progs-$arch
mkdir -p "$out"

say "installing uapi headers for $arch into $hdr"
run make -C "$TREE" O="$hdr" ARCH="$karch" -s headers_install INSTALL_HDR_PATH="$hdr/install"

cc="ccache ${cross}gcc"
incs="-isystem $hdr/install/include"
ldflags="-static -pthread"
# A cross build links libuuid and libcap of the target architecture.
if [ -n "$cross" ]; then
	libs=$("$TOP/scripts/fetch-cross-libs.sh" "$arch") || die "no libuuid and libcap for $arch"
	incs="$incs -isystem $libs/usr/include"
	ldflags="$ldflags -L$libs/usr/lib/${cross%-}"
fi
st=$TREE/tools/testing/selftests
# The LUO selftests' Makefile builds its test objects in the source
# directory, not in OUTPUT: objects of another architecture's build would
# be taken as up to date.
rm -f "$st"/liveupdate/*.o "$st"/liveupdate/*.d
for t in vfio iommu liveupdate; do
	say "building selftests/$t for $arch"
	mkdir -p "$out/$t"
	run make -C "$st/$t" -s -j"$JOBS" ARCH="$karch" CROSS_COMPILE="$cross" CC="$cc" \
		OUTPUT="$out/$t" KHDR_INCLUDES="$incs" LDFLAGS="$ldflags" >/dev/null
done

say "building the harness helpers for $arch"
for src in "$TOP"/tests/vm/*.c; do
	run $cc -static -O2 -Wall -Werror -isystem "$hdr/install/include" \
		-o "$out/$(basename "$src" .c)" "$src"
done

# The VMs' busybox, fetched now rather than by the first VM runs of this
# architecture (make check starts two at a time).
busybox=$("$TOP/scripts/fetch-busybox.sh" "$arch") || die "no busybox for $arch"
say "busybox for $arch: $busybox"
