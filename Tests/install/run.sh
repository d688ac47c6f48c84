#!/usr/bin/env bash
# make test-install: install into a temporary prefix, check what landed there
# (header, archive, olic.pc, the olic CLI, the docs), run the installed CLI, then
# build and run Tests/install/consumer.c from the prefix alone, through plain
# `pkg-config --cflags --libs olic`, as C11 and as C99 -pedantic, and compare its
# output. A DESTDIR install is checked to stage the same files under DESTDIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix=$(mktemp -d "${TMPDIR:-/tmp}/olic-prefix.XXXXXX")
stage=$(mktemp -d "${TMPDIR:-/tmp}/olic-stage.XXXXXX")
trap 'rm -rf "$prefix" "$stage"' EXIT
fail() { echo "FAIL test-install: $*" >&2; exit 1; }

# A plain make, not the caller's flags: under `make -n test` this script does not
# run at all, and a -j or -k from outside has nothing to do with one install.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$repo" --no-print-directory install PREFIX="$prefix" >/dev/null

docs=(share/doc/olic/README.md)
for d in "$repo"/docs/*.md; do docs+=("share/doc/olic/docs/$(basename "$d")"); done
for f in include/olic.h lib/libolic.a lib/libolic-tools.a lib/pkgconfig/olic.pc bin/olic "${docs[@]}"; do
  [ -f "$prefix/$f" ] || fail "$f not installed"
done
[ -x "$prefix/bin/olic" ] || fail "bin/olic is not executable"
cmp -s "$repo/build/olic" "$prefix/bin/olic" || fail "installed olic differs from build/olic"
cmp -s "$repo/docs/integration.md" "$prefix/share/doc/olic/docs/integration.md" || fail "installed docs differ"
# The README's relative links (docs/format.md, ...) resolve in the installed tree.
grep -o '](docs/[a-z-]*\.md)' "$prefix/share/doc/olic/README.md" | sed 's/^](//; s/)$//' | sort -u |
  while read -r link; do [ -f "$prefix/share/doc/olic/$link" ] || fail "README link $link is dangling"; done
# The installed CLI runs from the prefix, and says what it is.
"$prefix/bin/olic" help | grep -q '^OVERVIEW: Issue, cosign, inspect and check olic' || fail "installed olic help"
"$prefix/bin/olic" keygen --out "$prefix/k" | grep -q '^wrote ' || fail "installed olic keygen"
[ "$("$prefix/bin/olic" pubkey "$prefix/k.pem" --device-id | wc -c)" = 65 ] || fail "installed olic pubkey --device-id"
# module.modulemap only serves Swift; a C vendor must not get it.
[ ! -e "$prefix/include/module.modulemap" ] || fail "include/module.modulemap was installed"
cmp -s "$repo/include/olic.h" "$prefix/include/olic.h" || fail "installed olic.h differs"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --variable=prefix olic)" = "$prefix" ] || fail "olic.pc has the wrong prefix"
pkg-config --print-requires olic | grep -qx 'libsodium' || fail "olic.pc lacks Requires: libsodium"
# Only a static archive ships: plain --libs must already name libsodium.
flags=$(pkg-config --cflags --libs olic)
case " $flags " in *" -lolic-tools "*"-lolic "*"-lsodium "*) ;; *) fail "pkg-config --libs olic lacks -lolic-tools -lolic -lsodium: $flags" ;; esac

# Built from inside the prefix so the repository's include/ cannot be found.
cd "$prefix"
# shellcheck disable=SC2086 # $flags is a list of words by design
for std in "-std=c11" "-std=c99 -pedantic"; do
  # shellcheck disable=SC2086
  cc $std -Wall -Wextra -Werror "$here/consumer.c" $flags -o consumer || fail "consumer does not build with $std"
  ./consumer > consumer.out
  diff -u "$here/expected.txt" consumer.out || fail "consumer ($std) output differs from expected.txt"
done

# A staged install: the same files under DESTDIR, olic.pc naming the real prefix.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$repo" --no-print-directory install DESTDIR="$stage" \
  PREFIX=/opt/olic >/dev/null
for f in include/olic.h lib/libolic.a lib/libolic-tools.a lib/pkgconfig/olic.pc bin/olic "${docs[@]}"; do
  [ -f "$stage/opt/olic/$f" ] || fail "DESTDIR install lacks $f"
done
grep -qx 'prefix=/opt/olic' "$stage/opt/olic/lib/pkgconfig/olic.pc" || fail "DESTDIR olic.pc prefix"
# install-lib: the two archives a C build links, and nothing that needs the network.
rm -rf "${stage:?}"/*
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$repo" --no-print-directory install-lib DESTDIR="$stage" \
  PREFIX=/opt/olic >/dev/null
[ "$(cd "$stage/opt/olic" && find . -type f | sort | tr '\n' ' ')" = \
  "./include/olic.h ./lib/libolic-tools.a ./lib/libolic.a ./lib/pkgconfig/olic.pc " ] || fail "install-lib installs more or less than the library"
echo "test-install: installed to a temp prefix (header, archive, olic.pc, bin/olic, ${#docs[@]} docs);" \
  "consumer built with plain pkg-config ($flags) as C11 and C99 -pedantic and passed;" \
  "DESTDIR staged; install-lib alone"
