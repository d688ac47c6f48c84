#!/usr/bin/env bash
# fuzz-one.sh FUZZ_DIR TARGET SECONDS [libFuzzer options...]
# Runs one target for SECONDS on its seeds, regressions and growing corpus.
# On a finding it minimises each artifact into Fuzz/regressions/TARGET/ (to be
# committed) and exits 1, so make fuzz fails.
set -euo pipefail
dir=$1 target=$2 seconds=$3
shift 3
bin=$dir/$target
work=$dir/work/$target
artifacts=$dir/artifacts/$target
seeds=$dir/seeds/$target
regressions=Fuzz/regressions/$target
mkdir -p "$work" "$artifacts" "$dir/logs"
rm -f "$artifacts"/*
log=$dir/logs/$target.log
# Room past each format's limit, and no more: longer inputs only slow mutation.
case $target in
  fuzz_parse) max_len=1100 ;;             # licenses end at 1024
  fuzz_check) max_len=1130 ;;             # 29-byte device header + a license
  fuzz_request) max_len=256 ;;            # requests are 184 bytes
  fuzz_state) max_len=600 ;;              # 32 operations of at most 18 bytes
  *) max_len=4096 ;;
esac
corpora=("$work" "$seeds")
[ -d "$regressions" ] && corpora+=("$regressions")

echo "== fuzzing $target for ${seconds}s (log: $log)"
status=0
"$bin" "$@" -max_len="$max_len" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "${corpora[@]}" >"$log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::average_exec_per_sec' "$log" || true

shopt -s nullglob
findings=("$artifacts"/*)
if [ "$status" -eq 0 ] && [ ${#findings[@]} -eq 0 ]; then exit 0; fi

echo "FAIL: $target: exit status $status, ${#findings[@]} artifact(s); see $log" >&2
grep -m 5 -E 'ERROR|oracle|budget|SUMMARY' "$log" >&2 || true
mkdir -p "$regressions"
for a in "${findings[@]}"; do
  name=$(basename "$a")
  out=$regressions/$name
  # Minimise crashes; timeouts and ooms are kept as they are (-minimize_crash needs a crash).
  if [[ $name == crash-* || $name == leak-* ]] &&
     "$bin" -minimize_crash=1 -max_total_time=60 -exact_artifact_path="$out" "$a" >"$log.min" 2>&1 &&
     [ -s "$out" ]; then
    :
  else
    cp "$a" "$out"
  fi
  echo "  reproducer: $out   (reproduce: $bin $out)" >&2
done
exit 1
