#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh ARCH FLAVOUR
#
# Build the kernel of the work tree out of tree, with ccache, into
# $BUILD/kernel-ARCH-FLAVOUR.  The configuration is tinyconfig plus
# configs/common.config, configs/ARCH.config and, for FLAVOUR=debug,
# configs/debug.config; every option those fragments set must survive
# olddefconfig, or the build stops and names it.  The uapi headers are
# installed beside the image for the test programs.

. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-kernel.sh ARCH FLAVOUR}
flavour=${2:?usage: build-kernel.sh ARCH FLAVOUR}
need_tree

case $arch in
x86_64) karch=x86_64; image=bzImage; image_path=arch/x86/boot/bzImage; cross= ;;
arm64) karch=arm64; image=Image; image_path=arch/arm64/boot/Image; cross=aarch64-linux-gnu- ;;
*) die "unknown ARCH '$arch' (x86_64 or arm64)" ;;
esac

frags=("$TOP/configs/common.config" "$TOP/configs/$arch.config")
case $flavour in
base) ;;
debug) frags+=("$TOP/configs/debug.config") ;;
*) die "unknown FLAVOUR '$flavour' (base or debug)" ;;
esac

out=$BUILD/kernel-$arch-$flavour
mkdir -p "$out" "$CCACHE_DIR"
command -v ccache >/dev/null || die "ccache is missing: run 'make setup'"
kmake=(make -C "$TREE" O="$out" ARCH="$karch" CROSS_COMPILE="$cross"
	CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$JOBS" -s
	KBUILD_BUILD_USER=iommu-lu KBUILD_BUILD_HOST=qemu
	KBUILD_BUILD_TIMESTAMP="2026-01-01")

# config_lost: print, and fail if, any option the fragments set that the
# current .config does not have.
config_lost() {
	local line opt lost=1
	while IFS= read -r line; do
		case $line in
		CONFIG_*=y)
			grep -qx "$line" "$out/.config" || { echo "  not set: $line"; lost=0; } ;;
		CONFIG_*=n)
			opt=${line%=n}
			! grep -q "^$opt=y" "$out/.config" || { echo "  still set: $opt"; lost=0; } ;;
		esac
	done < <(cat "${frags[@]}")
	return $lost
}

# Regenerate the configuration when a fragment changed, or when the .config
# lost one of their options behind our back (e.g. a build of an older commit
# of the tree in the same directory); otherwise keep make's incremental
# build.
stamp=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.config.fragments" 2>/dev/null)" != "$stamp" ] ||
   config_lost >/dev/null; then
	say "configuring $arch/$flavour: tinyconfig + ${frags[*]##*/}"
	run "${kmake[@]}" tinyconfig >/dev/null
	run env ARCH="$karch" "$TREE/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" >/dev/null
	run "${kmake[@]}" olddefconfig >/dev/null
	if config_lost >&2; then
		rm -f "$out/.config"
		die "the $arch/$flavour configuration lost options (above): fix the fragments"
	fi
	echo "$stamp" >"$out/.config.fragments"
fi

say "building $arch/$flavour kernel in $out"
start=$(date +%s)
run "${kmake[@]}" "$image"
run "${kmake[@]}" headers_install INSTALL_HDR_PATH="$out/hdr" >/dev/null
cp "$out/$image_path" "$out/kernel.img"
say "built $out/kernel.img in $(( $(date +%s) - start )) s"
