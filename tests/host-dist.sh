#!/usr/bin/env bash
# Host test: the release archive and the install targets.
#  - make dist writes tcpfsm-VERSION.tar.gz: one top directory, the files of
#    scripts/source-files plus VERSION (= scripts/version) and
#    debian/changelog for that version, no .git.
#  - In a clean directory, from the archive alone: make (KDIR: the 6.1
#    headers) builds the module and the CLI; modinfo and tcpfsm --version
#    show the version; make install DESTDIR=... PREFIX=/usr puts the
#    module, modules.dep, the CLI and its man page in place.
#  - scripts/dkms-tree from the archive gives a tree that the kernel's make
#    alone builds, as DKMS's MAKE line does, with nothing but Kbuild, the
#    module's sources, VERSION and dkms.conf.
# Run from a tree without .git, it tests that tree's own archive.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/tcpfsm-dist.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

version=$("$repo/scripts/version")
tarball=$(make -s -C "$repo" dist | tail -n1)
[[ $tarball == "$repo/build/tcpfsm-$version.tar.gz" && -f $tarball ]] ||
	fail "make dist made '$tarball', want build/tcpfsm-$version.tar.gz"
tar -tzf "$tarball" > "$tmp/listing"
grep -qv "^tcpfsm-$version/" "$tmp/listing" && fail "the archive has files outside tcpfsm-$version/"
mkdir "$tmp/clean"
tar -xzf "$tarball" -C "$tmp/clean"
src=$tmp/clean/tcpfsm-$version
[[ ! -e $src/.git ]] || fail "the archive has a .git"
[[ "$(cat "$src/VERSION")" == "$version" ]] || fail "VERSION in the archive: $(cat "$src/VERSION"), want $version"
[[ "$("$src/scripts/version")" == "$version" ]] || fail "scripts/version in the archive: $("$src/scripts/version")"
head -n1 "$src/debian/changelog" | grep -qF "tcpfsm ($version) " || fail "debian/changelog is not for $version"
(cd "$src" && find . -type f -printf '%P\n') | LC_ALL=C sort > "$tmp/got"
{ "$repo/scripts/source-files"; echo VERSION; echo debian/changelog; } | LC_ALL=C sort -u |
	while read -r f; do [[ -f $repo/$f || $f == VERSION || $f == debian/changelog ]] && echo "$f"; done > "$tmp/want"
diff -u "$tmp/want" "$tmp/got" || fail "the archive holds other files than scripts/source-files lists"

eval "$("$repo/scripts/kernel-env" 6.1)"
make -s -C "$src" KDIR="$kdir" > "$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; fail "make KDIR=$kdir in the archive failed"; }
[[ -f $src/tcpfsm.ko ]] || fail "make in the archive made no tcpfsm.ko"
[[ "$(modinfo -F version "$src/tcpfsm.ko")" == "$version" ]] || fail "modinfo -F version: $(modinfo -F version "$src/tcpfsm.ko")"

dest=$tmp/destdir
make -s -C "$src" KDIR="$kdir" install DESTDIR="$dest" PREFIX=/usr > "$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install failed"; }
ko=$(compgen -G "$dest/lib/modules/$kver/extra/tcpfsm.ko*" | head -n1) || fail "make install: no lib/modules/$kver/extra/tcpfsm.ko"
grep -q '^extra/tcpfsm\.ko' "$dest/lib/modules/$kver/modules.dep" || fail "make install: modules.dep does not list tcpfsm"
[[ -x $dest/usr/sbin/tcpfsm && -f $dest/usr/share/man/man8/tcpfsm.8 ]] || fail "make install: no usr/sbin/tcpfsm or man8/tcpfsm.8"
# The CLI as installed (wherever tools/ builds it).
[[ "$("$dest/usr/sbin/tcpfsm" --version)" == "tcpfsm $version" ]] || fail "tcpfsm --version: $("$dest/usr/sbin/tcpfsm" --version)"

"$src/scripts/dkms-tree" "$tmp/dkms/tcpfsm-$version"
(cd "$tmp/dkms/tcpfsm-$version" && find . -type f -printf '%P\n') | grep -Ev '^(Kbuild|VERSION|dkms\.conf|.*\.[ch])$' &&
	fail "the DKMS tree holds more than Kbuild, sources, VERSION and dkms.conf"
grep -qx "PACKAGE_VERSION=\"$version\"" "$tmp/dkms/tcpfsm-$version/dkms.conf" || fail "dkms.conf does not name $version"
make -C "$kdir" M="$tmp/dkms/tcpfsm-$version" modules > "$tmp/dkms.log" 2>&1 || { cat "$tmp/dkms.log"; fail "the DKMS tree does not build"; }
[[ "$(modinfo -F version "$tmp/dkms/tcpfsm-$version/tcpfsm.ko")" == "$version" ]] || fail "the DKMS tree's module has another version"
echo "PASS host-dist"
