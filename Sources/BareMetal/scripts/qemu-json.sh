#!/usr/bin/env bash
# Turns one run of the bare-metal image into build/qemu.json.
#
# Usage: qemu-json.sh CONSOLE_LOG IMAGE_ELF LINKER_MAP OLIC_OBJECT > qemu.json
#
# Instruction counts come from the firmware's "metric KEY VALUE" lines: rdinstret
# read before and after each call under QEMU's -icount shift=0 (one instruction
# per tick, so the count is exact and the same on every run), minus the
# counter's own overhead. Stack figures come from painting (Sources/BareMetal/
# stack.c). Sizes come from the linked image: `size` for the total read-only
# image (.text + .rodata), the linker map for olic's and libsodium's shares.
set -euo pipefail

log=$1 elf=$2 map=$3 olic_object=$4

metric() {
  local v
  v=$(awk -v k="$1" '$1 == "metric" && $2 == k { print $3 }' "$log")
  [ -n "$v" ] || { echo "qemu-json.sh: no metric $1 in $log" >&2; exit 1; }
  echo "$v"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.5f", a / b }'; }

image=$(size -A "$elf" | awk '$1 == ".text" || $1 == ".rodata" { n += $2 } END { print n }')
read -r olic libsodium < <(awk -v OLIC_OBJECT="$olic_object" \
  -f "$(dirname "$0")/image-sizes.awk" "$map" | awk '{ v[$1] = $2 } END { print v["olic"], v["libsodium"] }')
verify=$(metric verify_instructions)
check=$(metric check_instructions)
reject=$(metric reject_instructions)
check_v2=$(metric check_v2_n2_instructions)
# The two bare verifications of that license's own entries, as one verification each.
verify_v2=$(awk -v n="$(metric verify_v2_entries_instructions)" 'BEGIN { printf "%.1f", n / 2 }')
reject_v2=$(metric reject_v2_instructions)

cat <<JSON
{
  "target": "riscv64 rv64imac, QEMU virt, -bios none, -icount shift=0",
  "method": "instructions retired (rdinstret) around each call; stack by painting",
  "verify_instructions": $verify,
  "check_instructions": $check,
  "check_over_verify_instructions": $(ratio "$check" "$verify"),
  "reject_instructions": $reject,
  "reject_over_verify_instructions": $(ratio "$reject" "$verify"),
  "check_v2_n2_instructions": $check_v2,
  "verify_v2_entry_instructions": $verify_v2,
  "check_v2_n2_over_verify_instructions": $(ratio "$check_v2" "$verify_v2"),
  "reject_v2_instructions": $reject_v2,
  "reject_v2_over_verify_instructions": $(ratio "$reject_v2" "$verify_v2"),
  "parse_instructions": $(metric parse_instructions),
  "reserve_instructions": $(metric reserve_instructions),
  "install_instructions": $(metric install_instructions),
  "init_instructions": {
    "256": $(metric init_256_instructions),
    "4096": $(metric init_4096_instructions),
    "65536": $(metric init_65536_instructions)
  },
  "init_after_provisioning_instructions": $(metric init_instructions),
  "init_after_torn_commit_instructions": {
    "256": $(metric init_torn_256_instructions),
    "4096": $(metric init_torn_4096_instructions),
    "65536": $(metric init_torn_65536_instructions)
  },
  "init_corrupt_65536_instructions": $(metric init_corrupt_65536_instructions),
  "make_request_instructions": $(metric make_request_instructions),
  "verify_request_instructions": $(metric verify_request_instructions),
  "image_text_bytes": $image,
  "olic_text_bytes": $olic,
  "libsodium_text_bytes": $libsodium,
  "firmware_text_bytes": $((image - olic - libsodium)),
  "stack_bytes": $(metric stack_bytes),
  "check_stack_bytes": $(metric check_stack_bytes),
  "install_stack_bytes": $(metric install_stack_bytes),
  "reserve_stack_bytes": $(metric reserve_stack_bytes),
  "make_request_stack_bytes": $(metric make_request_stack_bytes),
  "verify_stack_bytes": $(metric verify_stack_bytes),
  "budgets": {
    "check_over_verify_instructions": 1.01,
    "reject_over_verify_instructions": 0.01,
    "check_v2_n2_over_verify_instructions": 2.02,
    "reject_v2_over_verify_instructions": 0.01,
    "image_text_bytes": 65536,
    "stack_bytes": 8192
  }
}
JSON
