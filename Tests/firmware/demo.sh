#!/usr/bin/env bash
# `make run`: the offline licensing round trip, played on fresh files in
# build/demo/ with the real tools: the regulator's `olic` CLI and the chip's
# firmware (build/mock-firmware, C linking build/libolic.a).
#
# Every command is printed in full, exactly as it runs, so a reader can paste the
# lines into a shell at the repository root, in order. Every chip run is checked
# for its exit code and its key status lines, so the demo fails loudly if the
# behaviour it narrates ever changes.
set -euo pipefail

BUILD=${1:-build}
OLIC=${OLIC:-$BUILD/olic}
FW=$BUILD/mock-firmware
D=$BUILD/demo
rm -rf "$D"
mkdir -p "$D"

if [ -t 1 ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD= PLAIN=; fi
WIDTH=100   # no printed line is wider, so none wraps in a 100-column terminal
say()  { printf '\n%s== %s%s\n' "$BOLD" "$*" "$PLAIN"; }
note() { printf '   %s\n' "$@"; }
# Indents output and folds what would still be too wide (long hex values) at a
# space where there is one, the continuation indented two more columns.
show() {
  awk -v w="$WIDTH" -v p="$1" '{
    line = p $0
    while (length(line) > w) {
      cut = w
      skip = 0
      for (i = w + 1; i > length(p) + 20; i--) if (substr(line, i, 1) == " ") { cut = i - 1; skip = 1; break }
      print substr(line, 1, cut)
      rest = substr(line, cut + 1 + skip)
      line = p "  " rest
    }
    print line
  }'
}

# cmd WORD...: one shell command, the words joined by spaces and broken with
# " \" before a word that would pass the width. A word is printed as given, so
# '"$DEVICE_ID"' stays a variable the reader's shell sets from an earlier line.
cmd() {
  local text="" line="" word units=() i=1
  # An option and its value stay on one line.
  while [ $i -le $# ]; do
    word=${!i}
    local next=$((i + 1))
    if [[ $word == --* ]] && [ $next -le $# ] && [[ ${!next} != -* ]]; then
      units+=("$word ${!next}")
      i=$((i + 2))
    else
      units+=("$word")
      i=$((i + 1))
    fi
  done
  for word in "${units[@]}"; do
    if [ -n "$line" ] && [ $(( ${#line} + 1 + ${#word} + 2 + 5 )) -gt "$WIDTH" ]; then
      text+="$line \\"$'\n'
      line="    $word"
    else
      line+="${line:+ }$word"
    fi
  done
  printf '%s' "$text$line"
}

# sh WANT COMMAND: print COMMAND as a reader would paste it, run exactly that text
# in this shell (so variable assignments hold for later commands), show its output,
# and stop the demo unless it exits WANT.
sh() {
  local want=$1 text=$2 got
  printf '%s\n' "$text" | sed '1s/^/   $ /; 2,$s/^/     /'
  set +e
  eval "$text" >"$D/last.out" 2>&1
  got=$?
  set -e
  show '     ' <"$D/last.out"
  if [ "$got" != "$want" ]; then
    echo "demo: FAILED: exit $got, expected $want" >&2
    exit 1
  fi
  if [ "$want" != 0 ]; then note "(exit $got)"; fi
}

# boot EXPECTED_EXIT COMMAND: runs one chip command line, printed in full, and
# fails the demo unless it exits EXPECTED_EXIT.
boot() {
  local want=$1 text=$2 got
  printf '%s\n' "$text" | sed '1s/^/   $ /; 2,$s/^/     /'
  set +e
  eval "$text" >"$D/last.out" 2>"$D/last.err"
  got=$?
  set -e
  show '     chip| ' <"$D/last.out"
  if [ -s "$D/last.err" ]; then show '     chip stderr| ' <"$D/last.err"; fi
  if [ "$got" != "$want" ]; then
    echo "demo: FAILED: the chip exited $got, expected $want" >&2
    exit 1
  fi
  note "(exit $got)"
}

# chip EXPECTED_EXIT [firmware flags...]: one boot of the chip.
chip() {
  local want=$1
  shift
  boot "$want" "$(cmd "$FW" --nvm "$D/chip.nvm" --trusted-key "$D/regulator.pub.pem" \
    --device-key "$D/device.sk.hex" --firmware-version 3 "$@")"
}

# chip_k EXPECTED_EXIT [flags...]: one boot of the second chip, which trusts three
# regulator keys and needs two distinct signers.
chip_k() {
  local want=$1
  shift
  boot "$want" "$(cmd "$FW" --nvm "$D/chip2.nvm" --trusted-key "$D/regulator.pub.pem" \
    --trusted-key "$D/regulator-b.pub.pem" --trusted-key "$D/regulator-c.pub.pem" --threshold 2 \
    --device-key "$D/device2.sk.hex" --firmware-version 3 "$@")"
}

# saw LINE-FRAGMENT: the last chip run printed it.
saw() {
  if ! grep -qF -- "$1" "$D/last.out"; then
    echo "demo: FAILED: expected the chip to print: $1" >&2
    exit 1
  fi
}

# same WHAT GOT WANT: a number the narration depends on.
same() {
  if [ "$2" != "$3" ]; then
    echo "demo: FAILED: $1 is $2, expected $3" >&2
    exit 1
  fi
}

field() { sed -n "s/^$1 .*$2=\([^ ]*\).*/\1/p" "$D/last.out" | tail -n 1; }

say "1. Keys: the regulator signs licenses, the chip signs requests"
note "The regulator keeps its private key offline; its public key is burned into the" \
     "chip's ROM as a trusted key. On a real chip the device key pair is made at the" \
     "factory and its private half never leaves the chip's secure element; here the" \
     "host stands in for the factory's provisioning station: it makes the pair and" \
     "writes the 64-byte secret key (libsodium's seed || public key) the chip loads."
note "(The commands below run from the repository root; pasted in order into one shell" \
     "they replay the demo.)"
sh 0 "$(cmd mkdir -p "$D/mailbox" "$D/attack")"
sh 0 "$(cmd "$OLIC" keygen --out "$D/regulator")"
sh 0 "$(cmd "$OLIC" keygen --out "$D/device")"
sh 0 "$(cmd "$OLIC" secret-key "$D/device.pem" --hex --out "$D/device.sk.hex")"

say "2. Factory: provision the chip's secure NVM and register the chip"
note "A blank NVM is never taken for a fresh device (a wiped chip must not look new)," \
     "so the factory writes the first state explicitly with --provision. The chip" \
     "reports its device id, BLAKE2b-256 of its public key."
chip 0 --provision --mailbox "$D/mailbox"
saw "provision status=OLIC_OK"
CHIP_ID=$(field boot device_id)
note "The vendor registers (device id, device public key) with the regulator; both" \
     "come from the device's public key:"
sh 0 "$(cmd DEVICE_ID='$('"$OLIC" pubkey "$D/device.pem" --device-id')')"
same "the device id from olic pubkey --device-id" "$DEVICE_ID" "$CHIP_ID"
sh 0 "$(cmd printf "'device_id,public_key\\n%s,%s\\n'" '"$DEVICE_ID"' \
  '"$('"$OLIC" pubkey "$D/device.pem"')"' '>' "$D/registry.csv")"
sh 0 "$(cmd cat "$D/registry.csv")"
note "The regulator keeps its record in a ledger (one SQLite file): every device, every" \
     "request, every license and every refusal, hash-chained. It imports the registry:"
sh 0 "$(cmd "$OLIC" ledger init "$D/regulator.db")"
sh 0 "$(cmd "$OLIC" ledger import "$D/regulator.db" --registry "$D/registry.csv")"

say "3. The regulator issues license 1: 5000 compute units for this chip only"
note "Through the ledger, which picks license_id 1 and records the license before the" \
     "file is written."
sh 0 "$(cmd "$OLIC" issue --ledger "$D/regulator.db" --key "$D/regulator.pem" \
  --device '"$DEVICE_ID"' --allowance 5000 --out "$D/mailbox/license-1.olic")"

say "4. The chip boots, installs license 1 and runs a job of 8000 units"
note "The meter reserves 1000 units at a time: each reservation is written to NVM" \
     "(fsync) before those units run, so a power cut can lose allowance, never create it." \
     "At 5000 the allowance is gone: the chip writes a signed request and halts (exit 3)."
chip 3 --mailbox "$D/mailbox" --work 8000 --chunk 1000
saw "install file=license-1.olic license_id=1 status=OLIC_OK"
saw "exhausted work_done=5000 work_left=3000"
saw "request_sequence=1 status=OLIC_OK"

say "5. The owner carries request.olic to the regulator, offline"
note "The request is a signed usage report: last license, allowance left, all consumed," \
     "and a sequence number the renewal must answer, so a renewal cannot be reused." \
     "The regulator's ledger checks the signature and that the signing key is the one" \
     "registered for this device id, records the report, looks for anomalies (a rolled-" \
     "back counter, allowance from nowhere...), then issues license 2 bound to that request."
sh 0 "$(cmd "$OLIC" inspect "$D/mailbox/request.olic")"
sh 0 "$(cmd "$OLIC" issue --ledger "$D/regulator.db" --key "$D/regulator.pem" \
  --from-request "$D/mailbox/request.olic" --allowance 10000 --out "$D/mailbox/license-2.olic")"
note "Asked again, the ledger gives back the very same license, and signs nothing new:"
sh 0 "$(cmd "$OLIC" issue --ledger "$D/regulator.db" --key "$D/regulator.pem" \
  --from-request "$D/mailbox/request.olic" --allowance 10000 --out "$D/again.olic")"
sh 0 "$(cmd cmp "$D/again.olic" "$D/mailbox/license-2.olic")"
note "What the regulator now holds for this chip, and the hash chain over all of it:"
sh 0 "$(cmd "$OLIC" ledger show "$D/regulator.db" --device '"$DEVICE_ID"')"
sh 0 "$(cmd "$OLIC" ledger verify "$D/regulator.db")"

say "6. The chip installs the renewal and finishes the job"
note "Old licenses in the mailbox are refused as replays: the chip keeps the highest" \
     "license id it ever installed, and only a higher one counts."
chip 0 --mailbox "$D/mailbox" --work 3000 --chunk 1000
saw "install file=license-1.olic license_id=1 status=OLIC_ERR_REPLAY"
saw "install file=license-2.olic license_id=2 status=OLIC_OK"
saw "summary exit_code=0 reason=done work_done=3000"

say "7. Three licenses the chip refuses"
note "a) Replay: the owner puts license 1 back, hoping for 5000 more units."
sh 0 "$(cmd cp "$D/mailbox/license-1.olic" "$D/attack/replay.olic")"
chip 0 --mailbox "$D/attack"
saw "status=OLIC_ERR_REPLAY"
sh 0 "$(cmd rm "$D/attack/replay.olic")"

note "b) Tampering: a genuine license 3 for 1000 units, then one byte edited. allowance" \
     "is the little-endian u64 at bytes 56-63, so writing 0x01 over byte 63, its top" \
     "byte, asks for 2^56 more units. The signature no longer matches."
sh 0 "$(cmd "$OLIC" issue --ledger "$D/regulator.db" --key "$D/regulator.pem" \
  --device '"$DEVICE_ID"' --allowance 1000 --out "$D/attack/tampered.olic")"
sh 0 "$(cmd printf "'\\001'" '|' dd of="$D/attack/tampered.olic" bs=1 seek=63 conv=notrunc status=none)"
sh 1 "$(cmd "$OLIC" inspect "$D/attack/tampered.olic" --trusted-key "$D/regulator.pub.pem")"
chip 0 --mailbox "$D/attack"
saw "install file=tampered.olic license_id=3 status=OLIC_ERR_SIGNATURE"
sh 0 "$(cmd rm "$D/attack/tampered.olic")"

note "c) Another device: a genuine license, but bound to chip B's device id."
sh 0 "$(cmd OTHER_ID='$(printf "chip B" | sha256sum | cut -c1-64)')"
sh 0 "$(cmd "$OLIC" issue --key "$D/regulator.pem" --device '"$OTHER_ID"' --license-id 3 \
  --allowance 1000 --out "$D/attack/chip-b.olic")"
chip 0 --mailbox "$D/attack"
saw "install file=chip-b.olic license_id=3 status=OLIC_ERR_DEVICE"
note "None of these wrote to NVM: a refused license costs no NVM wear."
sh 0 "$(cmd rm "$D/attack/chip-b.olic")"

say "8. Power cut in the middle of a job"
note "The chip loses power during its 3rd NVM write (a reservation): only half of the" \
     "record lands, and the program exits 4 like a dead chip."
chip 4 --mailbox "$D/attack" --work 4000 --chunk 1000 --power-cut-after-writes 3
saw "power-cut write=3"
BEFORE=$(field summary remaining)
note "Reboot: the NVM holds either the state before the torn write or the one after it," \
     "never a mix, so the chip boots. Half a record is not a record: nothing changed."
chip 0 --mailbox "$D/attack" --work 2000 --chunk 1000
same "remaining at reboot" "$(field boot remaining)" "$BEFORE"

note "Now the whole record lands but the power dies before the write returns: the" \
     "reservation counts and its 1000 units never ran. Allowance is lost, never created;" \
     "the chunk size bounds the loss (docs/integration.md)."
chip 4 --mailbox "$D/attack" --work 2000 --chunk 1000 --power-cut-after-writes 1 --torn-bytes 4096
BEFORE=$(field summary remaining)
chip 0 --mailbox "$D/attack" --work 1000 --chunk 1000
same "remaining at reboot" "$(field boot remaining)" "$((BEFORE - 1000))"
note "remaining before the cut: $BEFORE; after the reboot: $(field boot remaining)."

say "9. Threshold licenses: two regulators must both sign"
note "A second chip trusts three regulator keys and needs two distinct signers" \
     "(--threshold 2), so one stolen or coerced key issues nothing. Regulator A proposes" \
     "a license with two signature entries; regulator B, on its own machine, checks A's" \
     "signature, sees what it is about to sign, adds its own and records it in its ledger."
sh 0 "$(cmd mkdir -p "$D/mailbox2" "$D/party-b")"
sh 0 "$(cmd "$OLIC" keygen --out "$D/regulator-b")"
sh 0 "$(cmd "$OLIC" keygen --out "$D/regulator-c")"
sh 0 "$(cmd "$OLIC" keygen --out "$D/device2")"
sh 0 "$(cmd "$OLIC" secret-key "$D/device2.pem" --hex --out "$D/device2.sk.hex")"
chip_k 0 --provision --mailbox "$D/mailbox2"
sh 0 "$(cmd DEVICE2_ID='$('"$OLIC" pubkey "$D/device2.pem" --device-id')')"
note "Regulator A proposes (issue --signers 2): the first entry is A's, the second empty."
sh 0 "$(cmd "$OLIC" issue --key "$D/regulator.pem" --device '"$DEVICE2_ID"' --license-id 1 \
  --allowance 2000 --signers 2 --out "$D/proposal.olic")"
sh 0 "$(cmd "$OLIC" inspect "$D/proposal.olic")"
note "A proposal is not a license: the chip refuses it (the empty entry breaks the order)."
sh 0 "$(cmd cp "$D/proposal.olic" "$D/mailbox2/proposal.olic")"
chip_k 0 --mailbox "$D/mailbox2"
saw "file=proposal.olic"
saw "status=OLIC_ERR_MALFORMED"
sh 0 "$(cmd rm "$D/mailbox2/proposal.olic")"
note "Nor does one regulator alone get through: a license A signs on its own (v1) is refused."
sh 0 "$(cmd "$OLIC" issue --key "$D/regulator.pem" --device '"$DEVICE2_ID"' --license-id 1 \
  --allowance 2000 --out "$D/mailbox2/alone.olic")"
chip_k 0 --mailbox "$D/mailbox2"
saw "file=alone.olic"
saw "status=OLIC_ERR_THRESHOLD"
sh 0 "$(cmd rm "$D/mailbox2/alone.olic")"
note "The proposal is carried to regulator B, offline. B cosigns in place, trusting A's key:"
sh 0 "$(cmd cp "$D/proposal.olic" "$D/party-b/license.olic")"
sh 0 "$(cmd "$OLIC" ledger init "$D/party-b.db")"
sh 0 "$(cmd "$OLIC" cosign --key "$D/regulator-b.pem" --trusted-key "$D/regulator.pub.pem" \
  --ledger "$D/party-b.db" "$D/party-b/license.olic")"
sh 0 "$(cmd "$OLIC" inspect "$D/party-b/license.olic" --trusted-key "$D/regulator.pub.pem" \
  --trusted-key "$D/regulator-b.pub.pem")"
note "B signing a second time is refused (exit 3, olic cosign's own code): a key counts once."
sh 3 "$(cmd "$OLIC" cosign --key "$D/regulator-b.pem" --trusted-key "$D/regulator.pub.pem" \
  "$D/party-b/license.olic")"
note "The 2-of-3 chip installs the license that two regulators signed:"
sh 0 "$(cmd cp "$D/party-b/license.olic" "$D/mailbox2/license-2of3.olic")"
chip_k 0 --mailbox "$D/mailbox2" --work 1000 --chunk 1000
saw "install file=license-2of3.olic license_id=1 status=OLIC_OK"

say "Done: files are in $D/. See docs/integration.md to port this loop to a chip."
