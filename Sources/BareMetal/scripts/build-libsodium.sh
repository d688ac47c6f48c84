#!/usr/bin/env bash
# Compiles libsodium's C sources for bare-metal RV64 into one static archive.
#
# Usage: build-libsodium.sh SRC_TREE OUT_ARCHIVE [EXTRA.c...]
#
# EXTRA.c files are compiled with the same flags, plus -Wall -Wextra -Werror,
# and archived with libsodium: Sources/BareMetal/sodium/*.c, code that uses
# libsodium's private headers and types.
#
# The Debian source package has no configure script, and a cross configure would
# probe a machine that has no OS anyway, so the .c files are compiled directly with
# the feature macros configure would have defined for rv64imac + picolibc:
#   CONFIGURED            we stand in for config.h
#   NATIVE_LITTLE_ENDIAN  RV64 is little-endian (fast load/store paths)
#   HAVE_TI_MODE          GCC has __int128 on RV64: the 64-bit field arithmetic
#   HAVE_ATOMIC_OPS, HAVE_WEAK_SYMBOLS, HAVE_INLINE_ASM, HAVE_C_VARARRAYS
# Nothing that probes the OS (mmap, mlock, getrandom, pthreads) is defined, so
# those paths compile to their portable fallbacks.
#
# randombytes/sysrandom and randombytes/internal are left out: they read the OS's
# entropy. The firmware provides randombytes itself (Sources/BareMetal/randombytes.c).
set -euo pipefail

src=$1
archive=$2
shift 2
cc=${RV64_CC:-riscv64-unknown-elf-gcc}
ar=${RV64_AR:-riscv64-unknown-elf-ar}
lib=$src/src/libsodium
obj=$(dirname "$archive")/obj
cflags=(--specs=picolibc.specs -march=rv64imac -mabi=lp64 -mcmodel=medany -Os
  -ffunction-sections -fdata-sections
  -DCONFIGURED=1 -DNATIVE_LITTLE_ENDIAN=1 -DHAVE_TI_MODE=1 -DHAVE_ATOMIC_OPS=1
  -DHAVE_WEAK_SYMBOLS=1 -DHAVE_INLINE_ASM=1 -DHAVE_C_VARARRAYS=1
  -I"$lib/include/sodium")

# version.h from version.h.in, with the values configure.ac gives 1.0.18.
major=$(sed -n 's/^SODIUM_LIBRARY_VERSION_MAJOR=//p' "$src/configure.ac")
minor=$(sed -n 's/^SODIUM_LIBRARY_VERSION_MINOR=//p' "$src/configure.ac")
version=$(sed -n 's/^AC_INIT(\[libsodium\],\[\([0-9.]*\)\].*/\1/p' "$src/configure.ac")
[ -n "$major" ] && [ -n "$minor" ] && [ -n "$version" ] || { echo "cannot read the version from configure.ac" >&2; exit 1; }
sed -e "s/@VERSION@/$version/" -e "s/@SODIUM_LIBRARY_VERSION_MAJOR@/$major/" \
  -e "s/@SODIUM_LIBRARY_VERSION_MINOR@/$minor/" -e "s/@SODIUM_LIBRARY_MINIMAL_DEF@//" \
  "$lib/include/sodium/version.h.in" >"$lib/include/sodium/version.h"

rm -rf "$obj" && mkdir -p "$obj"
# One object per source, its relative path flattened into the name because
# libsodium has several files with the same base name. Sequential: about 5 s.
# -w: libsodium's warnings are upstream's; our own files below use -Werror.
(cd "$lib" && find . -name '*.c' ! -path './randombytes/sysrandom/*' ! -path './randombytes/internal/*') \
  | sed 's|^\./||' | sort | while read -r rel; do
  "$cc" "${cflags[@]}" -w -c "$lib/$rel" -o "$obj/$(echo "${rel%.c}" | tr / _).o"
done
# libsodium's private headers as system headers: they define static inline
# helpers that one file does not all use.
for extra in "$@"; do
  "$cc" "${cflags[@]}" -isystem "$lib/include/sodium" -Wall -Wextra -Werror -c "$extra" -o "$obj/olic_$(basename "${extra%.c}").o"
done
rm -f "$archive.tmp"
"$ar" rcs "$archive.tmp" "$obj"/*.o
mv "$archive.tmp" "$archive"
