#!/usr/bin/env bash
# Checks build/qemu.json against the budgets of issue 7; exits 1 on any miss,
# naming each one. The budgets are not parameters: missing one is a finding.
set -euo pipefail
json=$1
value() { awk -v k="\"$1\":" '$1 == k { v = $2; sub(/,$/, "", v); print v; exit }' "$json"; }
status=0
check() { # KEY OP LIMIT
  local v
  v=$(value "$1")
  if awk -v v="$v" -v l="$3" -v op="$2" 'BEGIN { exit !(op == "<=" ? v <= l : 0) }'; then
    echo "budget ok:     $1 = $v (<= $3)"
  else
    echo "BUDGET MISSED: $1 = $v (must be <= $3)"
    status=1
  fi
}
check check_over_verify_instructions '<=' 1.01
check reject_over_verify_instructions '<=' 0.01
check image_text_bytes '<=' 65536
check stack_bytes '<=' 8192
exit $status
