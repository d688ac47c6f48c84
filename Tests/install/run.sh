#!/usr/bin/env bash
# make test-install: install into a temporary prefix, check what landed there,
# then build and run Tests/install/consumer.c from the prefix alone, through
# `pkg-config --cflags --libs --static olic`, and compare its output.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix=$(mktemp -d "${TMPDIR:-/tmp}/olic-prefix.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL test-install: $*" >&2; exit 1; }

# A plain make, not the caller's flags: under `make -n test` this script does not
# run at all, and a -j or -k from outside has nothing to do with one install.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$repo" --no-print-directory install PREFIX="$prefix" >/dev/null

for f in include/olic.h lib/libolic.a lib/pkgconfig/olic.pc; do
  [ -f "$prefix/$f" ] || fail "$f not installed"
done
# module.modulemap only serves Swift; a C vendor must not get it.
[ ! -e "$prefix/include/module.modulemap" ] || fail "include/module.modulemap was installed"
cmp -s "$repo/include/olic.h" "$prefix/include/olic.h" || fail "installed olic.h differs"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --variable=prefix olic)" = "$prefix" ] || fail "olic.pc has the wrong prefix"
pkg-config --print-requires-private olic | grep -qx 'libsodium' \
  || fail "olic.pc lacks Requires.private: libsodium"
flags=$(pkg-config --cflags --libs --static olic)
case " $flags " in *" -lsodium "*) ;; *) fail "--static does not bring in -lsodium: $flags" ;; esac

# Built from inside the prefix so the repository's include/ cannot be found.
cd "$prefix"
# shellcheck disable=SC2086 # $flags is a list of words by design
cc -std=c11 -Wall -Wextra -Werror "$here/consumer.c" $flags -o consumer
./consumer > consumer.out
diff -u "$here/expected.txt" consumer.out || fail "consumer output differs from expected.txt"
echo "test-install: installed to a temp prefix, consumer built with pkg-config ($flags) and passed"
