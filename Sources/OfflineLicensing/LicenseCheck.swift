import COlic

/// The whole check order (steps 2-13) for a license already copied into `s`.
/// Steps 6-12 are comparisons on data already in hand; the signature, the only
/// expensive step, runs last, so junk is refused without a verification.
/// Nothing here acts on the license: the caller does, and only after OLIC_OK.
func checkLicense(
  _ context: UnsafePointer<olic_context>, _ s: RawSpan, length: Int, now: UInt64
) throws(olic_status) -> olic_license {
  let license = try parseLicense(s, length: length)
  let state = context.pointee.state_

  guard let keyIndex = context.pointee.trustedKeyIndex(matching: license) else {
    throw OLIC_ERR_UNKNOWN_KEY
  }
  guard context.pointee.isDevice(license) else { throw OLIC_ERR_DEVICE }
  guard license.license_id > state.last_license_id else { throw OLIC_ERR_REPLAY }
  if license.has_bind_request, license.bind_request != state.request_sequence {
    throw OLIC_ERR_BINDING
  }
  guard license.min_firmware_version <= state.firmware_version else { throw OLIC_ERR_FIRMWARE }
  if license.has_validity {
    guard now != 0 else { throw OLIC_ERR_NO_TIME }
    // A clock set back below what the device has already seen does not reopen a window.
    let t = max(now, state.time_high_water)
    guard t >= license.not_before else { throw OLIC_ERR_NOT_YET_VALID }
    guard t <= license.not_after else { throw OLIC_ERR_EXPIRED }
  }

  let signedLength = length - Wire.signatureSize
  let verified = s.withUnsafeBytes { blob -> Bool in
    withUnsafeBytes(of: context.pointee.trusted_keys_) { keys -> Bool in
      guard let message = blob.baseAddress, let key = keys.baseAddress,
        blob.count == length, keyIndex < Int(OLIC_MAX_TRUSTED_KEYS)
      else { return false }
      return Crypto.verify(
        signature: message + signedLength, message: message, length: signedLength,
        publicKey: key + keyIndex &* Wire.publicKeySize)
    }
  }
  guard verified else { throw OLIC_ERR_SIGNATURE }
  return license
}
