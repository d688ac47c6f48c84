#!/usr/bin/env bash
# Runs the instruction counter under callgrind and prints instructions per call
# for each scenario (inclusive: libsodium and libc included).
# Usage: count.sh BINARY OUT_DIR
set -euo pipefail
bin=$1 out=$2
mkdir -p "$out"
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$bin" > "$out/run.txt" 2> "$out/valgrind.txt" \
  || { cat "$out/valgrind.txt" >&2; exit 1; }
reps=$(awk '/^reps/ {print $2}' "$out/run.txt")
echo "| scenario | instructions per call |"
echo "|---|---|"
callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null \
  | awk -v reps="$reps" '
      /:scenario_[a-z_0-9]+ / {
        n = $1; gsub(",", "", n)
        match($0, /scenario_[a-z_0-9]+/)
        name = substr($0, RSTART + 9, RLENGTH - 9)
        if (!(name in seen)) { seen[name] = 1; printf "| %s | %d |\n", name, n / reps }
      }' | sort -t'|' -k2,2V
