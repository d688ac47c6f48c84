#!/usr/bin/env bash
# Fetches Debian's libsodium source package (upstream 1.0.18 plus Debian's patches)
# into a directory of our own, for the bare-metal RV64 build.
#
# Usage: fetch-libsodium.sh OUT_DIR
# Leaves OUT_DIR/src, the unpacked tree with the patches applied.
#
# apt is pointed at a private source list, list directory and cache under OUT_DIR,
# so the system's apt configuration and state are never touched: the deb-src
# entries exist only for this one command.
set -euo pipefail

out=$1
version=1.0.18-1+deb12u1
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security

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
cat >"$apt_dir/sources.list" <<LIST
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $security bookworm-security main
LIST

apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=-"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Sandbox::User=root"   # our private directories are root's, not _apt's
)
apt-get "${apt_opts[@]}" -qq update
# Download only, then unpack with dpkg-source ourselves: same result as a plain
# `apt-get source`, but the tree lands at a path we choose.
(cd "$out/dl" && apt-get "${apt_opts[@]}" -qq --download-only source "libsodium=$version")
# --no-check: the .dsc's own OpenPGP signature would need debian-keyring; apt has
# already checked every file's hash against the signed Release file.
dpkg-source --no-check -x "$out/dl/libsodium_${version}.dsc" "$out/src" >/dev/null
echo "$version" >"$out/src/.olic-version"
# dpkg-source leaves a copy of the upstream tarball beside the tree.
rm -rf "$apt_dir" "$out/dl" "$out"/libsodium_*.orig.tar.*
