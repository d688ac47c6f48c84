#!/usr/bin/env bash
# Checks build/qemu.json against the bare-metal budgets (docs/bare-metal.md); exits 1 on any miss,
# naming each one. The budgets are not parameters: missing one is a finding.
set -euo pipefail
json=$1
value() { awk -v k="\"$1\":" '$1 == k { v = $2; sub(/,$/, "", v); print v; exit }' "$json"; }
status=0
at_most() { # KEY LIMIT
  local v
  v=$(value "$1")
  if [ -n "$v" ] && awk -v v="$v" -v l="$2" 'BEGIN { exit !(v <= l) }'; then
    echo "budget ok:     $1 = $v (<= $2)"
  else
    echo "BUDGET MISSED: $1 = ${v:-absent} (must be <= $2)"
    status=1
  fi
}
at_most check_over_verify_instructions 1.01
at_most reject_over_verify_instructions 0.01
# A 2-of-3 device's check of a license two keys signed: n x 1.01 verifications.
at_most check_v2_n2_over_verify_instructions 2.02
at_most reject_v2_over_verify_instructions 0.01
at_most image_text_bytes 65536
at_most stack_bytes 8192
exit $status
