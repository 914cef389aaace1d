# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the project's scripts.  Sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=${TREE:-$BUILD/linux}
CACHE=${IOMMU_LU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-lu}
JOBS=${JOBS:-$(nproc)}

# The pinned base: Debian's linux-source-7.3 from trixie-backports.
BASE_PKG=linux-source-7.3
BASE_VERSION=7.3.4-1~bpo13+1
BASE_SUITE=trixie-backports
BASE_DEB=${BASE_PKG}_${BASE_VERSION}_all.deb
BASE_TARBALL=$CACHE/linux-source-7.3.4.tar.xz

# The QEMU of the VM tests: Debian 13's, in a root of its own under the
# cache (scripts/qemu-root.sh makes it).
QEMU_SUITE=trixie
QEMU_ROOT=${QEMU_ROOT:-$CACHE/qemu-$QEMU_SUITE}

# ccache: keyed on paths relative to the project so that any clone shares it.
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$TOP
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_COMPILERCHECK=content

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
run() { printf '+ %s\n' "$*" >&2; "$@"; }

need_tree() {
	[ -d "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
}

# Fixed identity and dates for commits the scripts make, so hashes are stable.
export GIT_COMMITTER_NAME="IOMMU Live Update Project"
export GIT_COMMITTER_EMAIL="iommu-lu@users.noreply.invalid"

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

# private_apt SUITE DIR: an apt configuration of its own in DIR, for SUITE
# of the Debian mirror this machine's apt uses (the host's apt state is left
# alone); sets apt_opts for apt-get.  Fails if no mirror is found.
private_apt() {
	local uri
	uri=$(mirror_uri) || true
	[ -n "$uri" ] || return 1
	mkdir -p "$2/lists/partial" "$2/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $1 main" >"$2/sources.list"
	apt_opts=(
		-o "Dir::Etc::SourceList=$2/sources.list"
		-o "Dir::Etc::SourceParts=/nonexistent"
		-o "Dir::State::Lists=$2/lists"
		-o "Dir::Cache=$2/cache"
		-o "APT::Sandbox::User=root"
	)
}

# apt_unpack SUITE DEBARCH DEST PACKAGE...: download PACKAGE... of Debian
# SUITE for DEBARCH (empty: this machine's architecture) from the mirror
# this machine's apt uses, with an apt state of its own under the cache
# (the host's is left alone), and unpack them into DEST, made afresh.
apt_unpack() {
	local suite=$1 debarch=$2 dest=$3 dir deb
	shift 3
	dir=$CACHE/apt-$suite${debarch:+-$debarch}
	private_apt "$suite" "$dir" ||
		die "no Debian mirror found in this machine's apt sources (/etc/apt/sources.list*)"
	[ -z "$debarch" ] || apt_opts+=(-o "APT::Architecture=$debarch" -o "APT::Architectures=$debarch")
	say "fetching $* ${debarch:+($debarch) }from Debian $suite into $dest"
	run apt-get -q "${apt_opts[@]}" update >&2
	rm -f "$dir"/*.deb
	(cd "$dir" && run apt-get -q "${apt_opts[@]}" download "$@" >&2) ||
		die "cannot download $* ${debarch:+($debarch) }from Debian $suite"
	rm -rf "$dest"
	mkdir -p "$dest"
	for deb in "$dir"/*.deb; do
		run dpkg-deb -x "$deb" "$dest" >&2
	done
	rm -f "$dir"/*.deb
}

# qemu_command BINARY: set qemu_cmd to the command line that runs BINARY
# (qemu-system-x86_64, ...) of the QEMU root: its own dynamic loader and
# libraries, its firmware directories.  Fails if the root lacks BINARY.
qemu_command() {
	local r=$QEMU_ROOT lib=$QEMU_ROOT/usr/lib/x86_64-linux-gnu
	[ -x "$r/usr/bin/$1" ] || return 1
	qemu_cmd=("$r/lib64/ld-linux-x86-64.so.2" --library-path "$lib"
		"$r/usr/bin/$1" -L "$r/usr/share/qemu" -L "$r/usr/share/seabios")
	export QEMU_MODULE_DIR=$lib/qemu
}

# qemu_version: the first line of the root's qemu-system-x86_64 --version.
qemu_version() {
	qemu_command qemu-system-x86_64 || return 1
	"${qemu_cmd[@]}" --version | head -n 1
}
