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
