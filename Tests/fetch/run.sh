#!/usr/bin/env bash
# The deb-src entries fetch-libsodium.sh derives from an apt configuration
# (OLIC_DERIVE_ONLY=1: no network, nothing fetched), for a corporate-mirror
# setup in both formats, for a machine with no deb entries, and for this
# machine's own /etc/apt. Exact output; prints "N passed, M failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script=$here/../../Sources/BareMetal/scripts/fetch-libsodium.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
expect() { # WHAT GOT WANT
  if [ "$2" == "$3" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); printf 'FAIL %s\n--- got\n%s\n--- want\n%s\n' "$1" "$2" "$3"; fi
}
derive() { OLIC_DERIVE_ONLY=1 APT_ETC=$1 "$script" "$work/out" 2>"$work/stderr"; }

# A vendor's mirror: deb822 with an inline key, a disabled stanza, a deb-src-only
# stanza and a deb+deb-src one; one-line entries with options and comments.
etc=$work/corp
mkdir -p "$etc/sources.list.d"
cat >"$etc/sources.list.d/corp.sources" <<'SRC'
# the company mirror
Types: deb
URIs: https://mirror.corp.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NlOeSuHOF8sbj5TdJTxSpx
 -----END PGP PUBLIC KEY BLOCK-----

Types: deb
URIs: https://old.corp.example/debian
Suites: bullseye
Components: main
Enabled: no

Types: deb-src
URIs: https://src-only.corp.example/debian
Suites: bookworm
Components: main

Types: deb deb-src
URIs: https://mirror.corp.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /etc/apt/keyrings/corp.gpg
SRC
cat >"$etc/sources.list.d/ignored.sources.disabled" <<'SRC'
Types: deb
URIs: https://never.example/debian
Suites: bookworm
Components: main
SRC
cat >"$etc/sources.list" <<'SRC'
# deb http://commented.example/debian bookworm main
deb [arch=amd64 signed-by=/etc/apt/keyrings/corp.gpg] http://proxy.corp.example:3142/debian bookworm main
  deb http://indented.corp.example/debian bookworm main non-free-firmware
deb-src http://already-src.example/debian bookworm main
SRC
cat >"$etc/sources.list.d/extra.list" <<'SRC'
deb https://extra.corp.example/debian bookworm-backports main
SRC
got=$(derive "$etc")
expect "a corporate configuration" "$got" "$(cat <<'WANT'
deb-src [arch=amd64 signed-by=/etc/apt/keyrings/corp.gpg] http://proxy.corp.example:3142/debian bookworm main
deb-src http://indented.corp.example/debian bookworm main non-free-firmware
deb-src https://extra.corp.example/debian bookworm-backports main
Types: deb-src
URIs: https://mirror.corp.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NlOeSuHOF8sbj5TdJTxSpx
 -----END PGP PUBLIC KEY BLOCK-----

Types: deb-src
URIs: https://mirror.corp.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /etc/apt/keyrings/corp.gpg
WANT
)"
expect "no warning when entries were found" "$(cat "$work/stderr")" ""
expect "derive-only leaves OUT_DIR alone" "$(ls -A "$work" | grep -c '^out$' || true)" "0"

# Nothing to derive from: Debian's own hosts, said on stderr.
mkdir -p "$work/empty/sources.list.d"
got=$(derive "$work/empty")
expect "an empty configuration" "$got" "$(cat <<'WANT'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
WANT
)"
expect "the fallback is reported" "$(cat "$work/stderr")" \
  "fetch-libsodium: no deb entries in $work/empty; using deb.debian.org"

# This machine: every deb URI it uses is a deb-src URI of the derivation.
got=$(derive /etc/apt)
want_uris=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources || true
  sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]*\)\?\([^[:space:]]*\).*/URIs: \2/p' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } | sort -u)
got_uris=$( { grep '^URIs:' <<<"$got" || true
  sed -n 's/^deb-src[[:space:]]\+\(\[[^]]*\][[:space:]]*\)\?\([^[:space:]]*\).*/URIs: \2/p' <<<"$got"; } | sort -u)
if [ -n "$want_uris" ]; then
  expect "this machine's sources ($(wc -l <<<"$want_uris") URIs)" "$got_uris" "$want_uris"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
