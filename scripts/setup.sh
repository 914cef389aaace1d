#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the project needs on a Debian bookworm machine (run as root),
# make the private root of the VM tests' QEMU (scripts/qemu-root.sh), then
# fetch the pinned base kernel source.  Packages already present are
# left alone; apt-get runs only when something is missing.

. "$(dirname "$0")/lib.sh"

packages=(
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod ccache
	xz-utils zstd python3 python3-ply python3-git perl git rsync
	# static test programs for the VM
	libc6-dev libcap-dev uuid-dev busybox-static
	# the private root of the VM tests' QEMU (scripts/qemu-root.sh)
	debootstrap
	# the arm64 kernel and test programs (the SMMUv3 machine)
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
)
# make bench's plot
[ "${WITH_BENCH:-0}" = 1 ] && packages+=(gnuplot-nox)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}): run 'make setup' as root"
	say "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	run apt-get -q update
	run apt-get -q install -y --no-install-recommends "${missing[@]}"
else
	say "all required packages are installed"
fi

"$TOP/scripts/qemu-root.sh"
"$TOP/scripts/fetch-base.sh"
