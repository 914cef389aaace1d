#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A sparse the kernel accepts, for 'make series-build'.  Linux 7.3's
# scripts/checker-valid.sh requires __typeof_unqual__, which Debian 12's
# sparse 0.6.4 does not know; Debian unstable's (0.6.5 release candidates)
# does, but needs a newer glibc.  Both packages are downloaded from the
# Debian mirror this machine's apt already uses (the URI is read from the
# apt sources, the host's own packages and apt configuration are left
# alone) and unpacked into a private root under the project's cache;
# $CACHE/sparse/sparse runs that sparse with that root's loader and libc.
#
# Prints the path of a sparse that passes checker-valid.sh: the host's if
# it does, else the private one (made on first use).
. "$(dirname "$0")/lib.sh"
need_tree

valid() { [ "$(sh "$TREE/scripts/checker-valid.sh" "$1" 2>/dev/null)" = 1 ]; }

if command -v sparse >/dev/null && valid sparse; then
	command -v sparse
	exit 0
fi
root=$CACHE/sparse
wrapper=$root/sparse
if [ -x "$wrapper" ] && valid "$wrapper"; then
	echo "$wrapper"
	exit 0
fi

suite=unstable
apt_unpack "$suite" "" "$root" sparse libc6
cat >"$wrapper" <<EOF
#!/bin/sh
# sparse from Debian $suite, with its own loader and libc
exec "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu" "$root/usr/bin/sparse" "\$@"
EOF
chmod +x "$wrapper"
valid "$wrapper" || die "the sparse of Debian $suite ($("$wrapper" --version 2>&1)) is not accepted by the kernel's checker-valid.sh"
say "sparse: $("$wrapper" --version)"
echo "$wrapper"
