#!/usr/bin/env bash
# Fetches Debian's libsodium source package (upstream 1.0.18 plus Debian's patches)
# into a directory of our own, for the bare-metal RV64 build.
#
# Usage: fetch-libsodium.sh OUT_DIR
# Leaves OUT_DIR/src, the unpacked tree with the patches applied.
#
# apt is pointed at a private source list, list directory and cache under OUT_DIR,
# so the system's apt configuration and state are never touched: the deb-src
# entries exist only for this one command. They are derived from the system's own
# `deb` entries (the stanzas of /etc/apt/sources.list.d/*.sources, the deb lines of
# /etc/apt/sources.list and sources.list.d/*.list), so a machine behind a
# corporate mirror fetches from that mirror, with its keys; apt.conf's proxy
# settings apply as to any apt command. Only a machine with no deb entries at all
# falls back to deb.debian.org.
#
# Environment: APT_ETC (default /etc/apt) names the configuration to derive from;
# with OLIC_DERIVE_ONLY=1 the script prints the derived entries and stops (the
# derivation's test, Tests/fetch/run.sh, needs no network).
set -euo pipefail

out=$1
version=1.0.18-1+deb12u1
etc=${APT_ETC:-/etc/apt}

# derive_sources DIR: DIR/sources.list and DIR/sources.list.d/system.sources.
derive_sources() {
  mkdir -p "$1/sources.list.d"

  # deb822 stanzas: each enabled one whose Types include deb, copied whole (URIs,
  # Suites, Components, Signed-By, options) with Types: deb-src.
  for f in "$etc"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
      {
        n = split($0, line, "\n"); keep = ""; types = 0; disabled = 0
        for (i = 1; i <= n; i++) {
          if (line[i] ~ /^#/) continue
          if (tolower(line[i]) ~ /^types:/) {
            if (line[i] ~ /[: \t]deb([ \t]|$)/) types = 1
            line[i] = "Types: deb-src"
          }
          if (tolower(line[i]) ~ /^enabled:[ \t]*no/) disabled = 1
          keep = keep line[i] "\n"
        }
        if (types && !disabled) printf "%s\n", keep
      }' "$f" >>"$1/sources.list.d/system.sources"
  done
  # One-line entries: each `deb [options] URI suite components` as deb-src.
  for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$f" >>"$1/sources.list"
  done
  touch "$1/sources.list"
  if ! grep -qs . "$1/sources.list" "$1/sources.list.d/system.sources"; then
    echo "fetch-libsodium: no deb entries in $etc; using deb.debian.org" >&2
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    printf 'deb-src [signed-by=%s] %s\n' \
      "$keyring" "http://deb.debian.org/debian bookworm main" \
      "$keyring" "http://deb.debian.org/debian-security bookworm-security main" >"$1/sources.list"
  fi
}

if [ "${OLIC_DERIVE_ONLY:-}" = 1 ]; then
  tmp=$(mktemp -d)
  derive_sources "$tmp"
  cat "$tmp/sources.list" "$tmp/sources.list.d/system.sources" 2>/dev/null || true
  rm -rf "$tmp"
  exit 0
fi

if [ -f "$out/src/src/libsodium/include/sodium.h" ] && [ -f "$out/src/.olic-version" ] \
  && [ "$(cat "$out/src/.olic-version")" = "$version" ]; then
  exit 0   # cached
fi

# dpkg-source unpacks the package and applies its patches.
if ! command -v dpkg-source >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi

apt_dir=$(realpath -m "$out/apt")
rm -rf "$apt_dir" "$out/src" "$out/dl"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$out/dl"
derive_sources "$apt_dir"

apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Sandbox::User=root"   # our private directories are root's, not _apt's
)
apt-get "${apt_opts[@]}" -qq update
# Download only, then unpack with dpkg-source ourselves: same result as a plain
# `apt-get source`, but the tree lands at a path we choose.
if ! (cd "$out/dl" && apt-get "${apt_opts[@]}" -qq --download-only source "libsodium=$version"); then
  echo "fetch-libsodium: libsodium $version is not in the deb-src of the sources derived from $etc" \
    "(Debian 12 bookworm and bookworm-security carry it); see $apt_dir" >&2
  exit 1
fi
# --no-check: the .dsc's own OpenPGP signature would need debian-keyring; apt has
# already checked every file's hash against the signed Release file.
dpkg-source --no-check -x "$out/dl/libsodium_${version}.dsc" "$out/src" >/dev/null
echo "$version" >"$out/src/.olic-version"
# dpkg-source leaves a copy of the upstream tarball beside the tree.
rm -rf "$apt_dir" "$out/dl" "$out"/libsodium_*.orig.tar.*
