import COlic

/// The whole check order (steps 2-13) for a license already copied into `s`.
/// Steps 6-12 are comparisons on data already in hand; the signature, the only
/// expensive step, runs last, so junk is refused without a verification.
/// Nothing here acts on the license: the caller does, and only after OLIC_OK
/// and `approved(proof)`. Each passing step is counted in `proof`; after the
/// signature every decision is taken again by `confirmLicense`, which alone
/// writes the passing verdict. A disagreement throws OLIC_ERR_FAULT; the
/// export that owns a mutable context poisons it (no pointer to it is kept
/// here, where a glitched parser could write through it).
func checkLicense(
  _ context: UnsafePointer<olic_context>, _ s: RawSpan, length: Int, now: UInt64,
  proof: UnsafeMutablePointer<Proof>
) throws(olic_status) -> olic_license {
  // A skipped move in this function's prologue can leave `proof` holding the
  // caller's register instead, and that may be the context: every step count
  // would then be written into it. A proof never lies inside the context.
  guard proofOutside(proof, context) else { throw faultDetected(nil) }
  var license = try parseLicense(s, length: length)
  proof.pointee.step()
  let state = context.pointee.state_

  // Step 6: every entry names a trusted key (v1: its one entry).
  let signers = Int(license.signature_count)
  guard signers >= 1, signers <= LicenseLayout.maxSigners else { throw OLIC_ERR_MALFORMED }
  var entries = EntryRecord()
  for i in 0..<signers {
    guard let index = context.pointee.trustedKeyIndex(matching: license, entry: i) else {
      throw OLIC_ERR_UNKNOWN_KEY
    }
    entries.index[i] = index
  }
  proof.pointee.step()
  // Step 7: entries are strictly ascending (step 4) and the table has no two
  // equal keys or key_ids (olic_init), so n counts distinct public keys.
  guard UInt32(signers) >= context.pointee.signature_threshold_ else { throw OLIC_ERR_THRESHOLD }
  proof.pointee.step()
  guard context.pointee.isDevice(license) else { throw OLIC_ERR_DEVICE }
  proof.pointee.step()
  guard license.license_id > state.last_license_id else { throw OLIC_ERR_REPLAY }
  proof.pointee.step()
  if license.has_bind_request, license.bind_request != state.request_sequence {
    throw OLIC_ERR_BINDING
  }
  proof.pointee.step()
  guard license.min_firmware_version <= state.firmware_version else { throw OLIC_ERR_FIRMWARE }
  proof.pointee.step()
  if license.has_validity {
    guard now != 0 else { throw OLIC_ERR_NO_TIME }
    // A clock set back below what the device has already seen does not reopen a window.
    let t = max(now, state.time_high_water)
    guard t >= license.not_before else { throw OLIC_ERR_NOT_YET_VALID }
    guard t <= license.not_after else { throw OLIC_ERR_EXPIRED }
  }
  proof.pointee.step()

  // Step 14. The signed bytes end where the entries (v1: the signature) begin.
  let v2 = license.version == UInt32(LicenseLayout.v2)
  let entrySize = v2 ? LicenseLayout.entrySize : Wire.signatureSize
  let signedLength = length &- signers &* entrySize
  let signatureOffset = v2 ? Wire.keyIdSize : 0
  // The bounds are checked before the verification, not beside it: a "return
  // -1" next to the call is hoisted above it, and a glitch that skips the
  // branches then leaves a stale 0 as libsodium's result.
  guard s.byteCount == length, signedLength >= LicenseLayout.extensionsOffset, signedLength < length else {
    throw OLIC_ERR_SIGNATURE
  }
  // Every entry, in order; the first that fails refuses the license.
  // libsodium's own results are kept, never a Bool made of them: 0 is the
  // only pass, and no single bit flip turns a -1 into 0.
  // libsodium gets a stack copy of the entry's key, never a pointer into the
  // context: a glitch in its prologues can send a store through a stale
  // pointer register, and one into the trusted key table would rewrite it.
  // (The table is read in place, an inout access that writes nothing, rather
  // than copied whole as a borrowed tuple would be.)
  let table = UnsafeMutablePointer(mutating: context)
  var key = InlineArray<32, UInt8>(repeating: 0)
  for i in 0..<signers {
    // The signature's offset and the key's index go through launders, and
    // what libsodium is given is recorded from those very values: a skipped
    // step of the loop's pointers verifies another entry's signature, or
    // under another entry's key, and its tag then shows it to the twin.
    let at = launder(signedLength &+ i &* entrySize &+ signatureOffset)
    let index = launder(entries.index[i])
    guard index >= 0, index < Int(OLIC_MAX_TRUSTED_KEYS) else { throw OLIC_ERR_SIGNATURE }
    withUnsafeMutableBytes(of: &key) { k in
      withUnsafeMutableBytes(of: &table.pointee.trusted_keys_) { keys in
        k.baseAddress.unsafelyUnwrapped.copyMemory(
          from: keys.baseAddress.unsafelyUnwrapped + index &* Wire.publicKeySize, byteCount: Wire.publicKeySize)
      }
    }
    let verified = s.withUnsafeBytes { blob -> Int32 in
      withUnsafeBytes(of: &key) { k -> Int32 in
        let message = blob.baseAddress.unsafelyUnwrapped
        return Crypto.verify(
          signature: message + at, message: message,
          length: signedLength, publicKey: k.baseAddress.unsafelyUnwrapped)
      }
    }
    // Stored as libsodium returned it, before the branch: the twin reads
    // every entry's result back, so a skipped store (-1 stays) or a skipped
    // branch after a failed verification (-1 stored) cannot pass.
    entries.result[i] = verified
    entries.tag[i] = at &* 8 &+ index
    guard verified == 0 else { throw OLIC_ERR_SIGNATURE }
    proof.pointee.verified &+= launder(UInt32(1))
  }
  // The verdict of step 14 is made of the stored results only, never of a
  // register the loop left behind.
  var combined: Int32 = 0
  for i in 0..<signers { combined |= launder(entries.result[i]) }
  proof.pointee.signature = combined
  guard combined == 0 else { throw OLIC_ERR_SIGNATURE }
  proof.pointee.step()
  try confirmLicense(context, &license, s, length: length, entries: &entries, now: now, proof: proof)
  return license
}

/// What step 14 did with each entry, kept in checkLicense's frame for
/// confirmLicense to read back.
struct EntryRecord {
  /// The trusted key each entry's key_id names (step 6).
  var index = InlineArray<8, Int>(repeating: -1)
  /// libsodium's result, stored as it came: a skipped store leaves -1, never
  /// a 0 that no verification produced.
  var result = InlineArray<8, Int32>(repeating: -1)
  /// The signature offset times 8 plus the key index libsodium was given.
  var tag = InlineArray<8, Int>(repeating: -1)
}
