#!/usr/bin/env bash
# Host test: a release archive (`git archive HEAD`, as a user or DKMS gets
# it: no .git) builds.  `make KDIR=...` against the 6.1 headers builds the
# module and the CLI, scripts/build-module builds it as `make check` and
# `make demo` do, and both take the same module sources as a git work tree
# would, and scripts/source-files gives lint the same files.  Run from a
# tree without .git, it tests a copy of that tree instead.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/tcpfsm-nogit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

src=$tmp/src
mkdir -p "$src"
if [[ -e $repo/.git ]]; then
	git -C "$repo" archive HEAD | tar -x -C "$src"
	git -C "$repo" ls-tree -r --name-only HEAD | LC_ALL=C sort > "$tmp/want"
else
	# What a build or a test run leaves (make in the tree, make check's
	# bytecode) is no source: .gitignore's patterns.
	(cd "$repo" && tar -c --exclude=./build --exclude=./bench/results --exclude='*.o' \
		--exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' --exclude='*.cmd' \
		--exclude='*.a' --exclude='*.d' --exclude=modules.order --exclude=Module.symvers \
		--exclude=.tmp_versions --exclude=__pycache__ --exclude='.checkpatch-camelcase.*' .) |
		tar -x -C "$src"
	(cd "$src" && find . -type f -printf '%P\n') | LC_ALL=C sort > "$tmp/want"
fi
[[ ! -e $src/.git ]] || fail "the archive has a .git"
eval "$("$repo/scripts/kernel-env" 6.1)"

# scripts/build-module: what make check and make demo run.
out=$tmp/out
"$src/scripts/build-module" "$kdir" "$out" || fail "scripts/build-module failed without .git"
[[ -f $out/tcpfsm.ko ]] || fail "scripts/build-module made no tcpfsm.ko"
(cd "$out" && find . \( -name '*.[ch]' ! -name '*.mod.c' -o -name Kbuild \) -printf '%P\n') |
	LC_ALL=C sort > "$tmp/copied"
grep -E '^Kbuild$|\.[ch]$' "$tmp/want" | grep -Ev '^(tools|tests|scripts)/' > "$tmp/sources"
diff -u "$tmp/sources" "$tmp/copied" || fail "scripts/build-module copied other sources than git's"

# The files a git tree would give, and what the tree without git gives.
[[ -x $src/scripts/source-files ]] || fail "no scripts/source-files in the archive"
"$src/scripts/source-files" > "$tmp/got" || fail "scripts/source-files failed without .git"
diff -u "$tmp/want" "$tmp/got" || fail "scripts/source-files without .git differs from git's files"

# make: the module and the CLI, as a user builds them.
make -s -C "$src" KDIR="$kdir" > "$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; fail "make KDIR=$kdir failed"; }
[[ -f $src/tcpfsm.ko ]] || fail "make made no tcpfsm.ko"
[[ ! -f $src/tools/Makefile || -x $src/tools/tcpfsm/tcpfsm ]] || fail "make made no tools/tcpfsm/tcpfsm"
echo "PASS host-nogit"
