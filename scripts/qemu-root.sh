#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Provide the QEMU the VM tests run on: QEMU 10.0 from Debian 13 (trixie),
# in a private root under the cache ($QEMU_ROOT), made with debootstrap from
# the Debian mirror this machine's apt already uses.  The machine's own
# packages and apt configuration are left alone.
#
# Why not the host's QEMU: bookworm's QEMU 7.2 has no first-stage
# translation in its intel-iommu (x-flts) and a single-stage SMMUv3; the
# tests need both.  scripts/vmtest.sh runs the root's QEMU binary through
# the root's own dynamic loader and libraries (no chroot), with the root's
# firmware directories (-L), so that it sees the host's files.
#
# Run as root (debootstrap).  A root that is complete (its stamp lists the
# packages asked for) is kept.  It has QEMU for x86_64 and arm64, and the
# UEFI firmware of the arm64 machines (qemu-efi-aarch64).

. "$(dirname "$0")/lib.sh"

packages=(qemu-system-x86 qemu-system-arm qemu-efi-aarch64)
stamp=$QEMU_ROOT/.iommu-lu-packages

have_all() {
	local p
	[ -f "$stamp" ] || return 1
	for p in "${packages[@]}"; do
		grep -qx "$p" "$stamp" || return 1
	done
}

if have_all; then
	say "QEMU root ready: $QEMU_ROOT ($(qemu_version))"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "no QEMU root at $QEMU_ROOT: run 'make setup' as root"
command -v debootstrap >/dev/null || die "debootstrap is missing: run 'make setup' as root"
uri=$(mirror_uri) || true
[ -n "$uri" ] || die "no Debian mirror found in this machine's apt sources (/etc/apt/sources.list*)"

# Keep the packages of an earlier root, if any, in the new one.
want=("${packages[@]}")
if [ -f "$stamp" ]; then
	while read -r p; do
		[[ " ${want[*]} " == *" $p "* ]] || want+=("$p")
	done <"$stamp"
fi

tmp=$QEMU_ROOT.tmp
mkdir -p "$CACHE" "$(dirname "$QEMU_ROOT")"
rm -rf "$tmp"
say "making the QEMU root: debootstrap $QEMU_SUITE from $uri with ${want[*]}"
include=$(IFS=,; echo "${want[*]}")
run debootstrap --variant=minbase --include="$include" "$QEMU_SUITE" "$tmp" "$uri" >"$CACHE/qemu-root.log" 2>&1 ||
	die "debootstrap failed; its log: $CACHE/qemu-root.log"
rm -rf "$tmp/var/cache/apt/archives/"*.deb
rm -rf "$QEMU_ROOT"
mv "$tmp" "$QEMU_ROOT"
printf '%s\n' "${want[@]}" >"$stamp"
v=$(qemu_version) || die "the QEMU of $QEMU_ROOT does not run"
say "QEMU root ready: $QEMU_ROOT ($v)"
