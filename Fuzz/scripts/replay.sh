#!/usr/bin/env bash
# replay.sh FUZZ_DIR TARGET
# Runs every seed, regression and (if present) grown corpus input of TARGET
# once: no mutation, so it takes seconds and fails on any finding.
set -euo pipefail
dir=$1 target=$2
corpora=()
for d in "$dir/seeds/$target" "Fuzz/regressions/$target" "$dir/work/$target"; do
  [ -d "$d" ] && [ -n "$(ls -A "$d")" ] && corpora+=("$d")
done
if [ ${#corpora[@]} -eq 0 ]; then
  echo "FAIL: $target has no inputs to replay" >&2
  exit 1
fi
log=$dir/logs/$target.replay.log
mkdir -p "$dir/logs"
# -runs=0 executes each input of the directories once and stops before fuzzing.
mkdir -p "$dir/artifacts/$target"
if ! "$dir/$target" -runs=0 -timeout=1 -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/$target/" "${corpora[@]}" >"$log" 2>&1; then
  echo "FAIL: $target replay; see $log" >&2
  grep -m 10 -E 'ERROR|oracle|budget|SUMMARY|Test unit written' "$log" >&2 || true
  exit 1
fi
n=$(find "${corpora[@]}" -type f | wc -l)
echo "== $target: replayed $n inputs ($(grep -oE 'INITED.*' "$log" | head -n 1))"
