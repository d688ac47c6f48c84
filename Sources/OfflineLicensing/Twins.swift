import COlic

// The second evaluation of every decision that leads to a state change or to
// OLIC_OK (Hardening.swift says why). Each function runs after the first
// evaluations have all passed, in a function of its own so that its checks lie
// far from the ones they repeat, on values reloaded through launders. A
// disagreement throws OLIC_ERR_FAULT after `faultDetected` has made the
// context unusable (confirmLicense's caller does it, see checkLicense); none of
// them writes storage, and the commits they guard come after.

/// Every decision of checkLicense again, then the passing verdict. The fields
/// the checks (and then the commit) use are decoded a second time from the
/// very bytes the signature covered, and must be the first decoding's, byte
/// for byte: a glitch in the parser gives a field the signature never saw.
@inline(never)
func confirmLicense(
  _ context: UnsafePointer<olic_context>, _ license: UnsafePointer<olic_license>, _ s: RawSpan, length: Int,
  entries: UnsafePointer<EntryRecord>, now: UInt64, proof: UnsafeMutablePointer<Proof>
) throws(olic_status) {
  let p = launder(proof)
  guard twin(launder(p.pointee.steps) == checkSteps - 1) else { throw faultDetected(nil) }
  var again = olic_license()
  do throws(olic_status) {
    again = try parseLicense(s, length: launder(length))
  } catch {
    throw faultDetected(nil)
  }
  guard twin(sameBytes(launder(license), &again, count: MemoryLayout<olic_license>.size)) else {
    throw faultDetected(nil)
  }
  let ctx = launder(context)
  guard twin(stillReady(ctx)) else { throw faultDetected(nil) }
  guard twin(launder(p.pointee.signature) == 0) else { throw faultDetected(nil) }
  let lic = launder(license)
  // Every entry verified, under the key its key_id names, and n meets k.
  let signers = launder(lic.pointee.signature_count)
  guard twin(signers >= 1 && signers <= UInt32(OLIC_MAX_SIGNERS)) else { throw faultDetected(nil) }
  guard twin(launder(p.pointee.verified) == signers) else { throw faultDetected(nil) }
  let threshold = launder(ctx.pointee.signature_threshold_)
  guard twin(threshold >= 1 && signers >= threshold) else { throw faultDetected(nil) }
  // Where each entry's signature lies, from the fields alone.
  let v2 = launder(lic.pointee.version) == UInt32(LicenseLayout.v2)
  let entrySize = v2 ? LicenseLayout.entrySize : Wire.signatureSize
  let first = Int(launder(lic.pointee.total_length)) &- Int(signers) &* entrySize &+ (v2 ? Wire.keyIdSize : 0)
  for i in 0..<Int(signers) {
    let e = launder(entries)
    let index = launder(e.pointee.index[i])
    guard twin(keyIdMatches(ctx, lic, entry: i, index: index)) else { throw faultDetected(nil) }
    guard twin(launder(e.pointee.result[i]) == 0) else { throw faultDetected(nil) }
    guard twin(launder(e.pointee.tag[i]) == (first &+ i &* entrySize) &* 8 &+ index) else {
      throw faultDetected(nil)
    }
  }
  guard twin(ctx.pointee.isDevice(lic.pointee)) else { throw faultDetected(nil) }
  let state = launder(ctx).pointee.state_
  guard twin(launder(lic.pointee.license_id) > launder(state.last_license_id)) else {
    throw faultDetected(nil)
  }
  guard twin(!lic.pointee.has_bind_request || lic.pointee.bind_request == state.request_sequence) else {
    throw faultDetected(nil)
  }
  guard twin(lic.pointee.min_firmware_version <= state.firmware_version) else { throw faultDetected(nil) }
  if launder(lic).pointee.has_validity {
    let t = max(launder(now), state.time_high_water)
    guard twin(launder(now) != 0 && t >= lic.pointee.not_before && t <= lic.pointee.not_after) else {
      throw faultDetected(nil)
    }
  }
  p.pointee.step()
  launder(p).pointee.verdict = Verdict.passed
}

/// The trusted key at `index` has the key_id of the license's entry `entry`.
private func keyIdMatches(
  _ ctx: UnsafePointer<olic_context>, _ license: UnsafePointer<olic_license>, entry: Int, index: Int
) -> Bool {
  let count = min(Int(ctx.pointee.trusted_key_count_), Int(OLIC_MAX_TRUSTED_KEYS))
  guard index >= 0, index < count, entry >= 0, entry < Int(OLIC_MAX_SIGNERS) else { return false }
  return tableKeyId(ctx.pointee, index) == entryKeyId(license.pointee, entry)
}

/// olic_install's commit, re-derived right before its write: the verdict and
/// the step count, the signature's result, the device, the replay rule, and
/// every field of `next` from the committed state and the license.
@inline(never)
func confirmInstall(
  _ context: UnsafeMutablePointer<olic_context>, _ license: UnsafePointer<olic_license>,
  _ next: UnsafePointer<olic_state_info>, now: UInt64, proof: UnsafeMutablePointer<Proof>
) throws(olic_status) {
  let ctx = launder(context)
  guard twin(stillReady(ctx)) else { throw faultDetected(context) }
  let p = launder(proof)
  guard twin(approved(p, steps: checkSteps)) else { throw faultDetected(context) }
  guard twin(launder(p.pointee.signature) == 0) else { throw faultDetected(context) }
  let lic = launder(license)
  guard twin(ctx.pointee.isDevice(lic.pointee)) else { throw faultDetected(context) }
  let state = launder(ctx).pointee.state_
  guard twin(launder(lic.pointee.license_id) > launder(state.last_license_id)) else {
    throw faultDetected(context)
  }
  let (sum, overflow) = state.remaining.addingReportingOverflow(launder(lic.pointee.allowance))
  var expected = state
  expected.last_license_id = lic.pointee.license_id
  expected.remaining = overflow ? UInt64.max : sum
  expected.time_high_water = max(state.time_high_water, launder(now))
  guard twin(sameState(launder(next), &expected)) else { throw faultDetected(context) }
  p.pointee.step()
}

/// olic_reserve's commit, re-derived: `granted` = min(want, remaining) > 0 of
/// the committed state, and `next` is that state less `granted`.
@inline(never)
func confirmReserve(
  _ context: UnsafeMutablePointer<olic_context>, want: UInt64, granted: UInt64,
  _ next: UnsafePointer<olic_state_info>, proof: UnsafeMutablePointer<Proof>
) throws(olic_status) {
  let ctx = launder(context)
  guard twin(stillReady(ctx)) else { throw faultDetected(context) }
  let p = launder(proof)
  guard twin(launder(p.pointee.steps) == reserveSteps - 2) else { throw faultDetected(context) }
  let state = launder(ctx).pointee.state_
  let remaining = launder(state.remaining)
  let g = launder(granted)
  guard twin(remaining != 0 && g != 0) else { throw faultDetected(context) }
  guard twin(g <= remaining && g == min(launder(want), remaining)) else { throw faultDetected(context) }
  var expected = state
  expected.remaining = remaining &- g
  let (sum, overflow) = state.consumed_total.addingReportingOverflow(g)
  expected.consumed_total = overflow ? UInt64.max : sum
  guard twin(sameState(launder(next), &expected)) else { throw faultDetected(context) }
  p.pointee.step()
  launder(p).pointee.verdict = Verdict.passed
}

/// olic_make_request's commit, re-derived: the buffer is large enough, the key
/// pair matched, the sequence had room, and `next` is the committed state with the sequence raised by one.
@inline(never)
func confirmRequest(
  _ context: UnsafeMutablePointer<olic_context>, derivedPublicKey: UnsafeRawPointer, secretKey: UnsafeRawPointer,
  capacity: Int, _ next: UnsafePointer<olic_state_info>, proof: UnsafeMutablePointer<Proof>
) throws(olic_status) {
  let ctx = launder(context)
  guard twin(stillReady(ctx)) else { throw faultDetected(context) }
  let p = launder(proof)
  guard twin(launder(p.pointee.steps) == requestSteps - 2) else { throw faultDetected(context) }
  // The request is copied out after the commit: a skipped capacity check must
  // not let it overrun the caller's buffer.
  guard twin(givenLength(launder(capacity)) >= RequestLayout.size) else { throw faultDetected(context) }
  let pk = launder(derivedPublicKey.assumingMemoryBound(to: UInt8.self))
  let sk = launder(secretKey.assumingMemoryBound(to: UInt8.self))
  guard twin(sameBytes(pk, sk + Wire.publicKeySize, count: Wire.publicKeySize)) else {
    throw faultDetected(context)
  }
  let state = launder(ctx).pointee.state_
  let sequence = launder(state.request_sequence)
  guard twin(sequence < UInt64.max) else { throw faultDetected(context) }
  var expected = state
  expected.request_sequence = sequence &+ 1
  guard twin(sameState(launder(next), &expected)) else { throw faultDetected(context) }
  p.pointee.step()
  launder(p).pointee.verdict = Verdict.passed
}

/// Every byte of two states equal (the padding-free C struct, compared whole).
private func sameState(_ a: UnsafePointer<olic_state_info>, _ b: UnsafePointer<olic_state_info>) -> Bool {
  sameBytes(a, b, count: MemoryLayout<olic_state_info>.size)
}
