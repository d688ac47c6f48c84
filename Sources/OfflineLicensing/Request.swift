import COlic

/// Writes the 120 signed bytes of a request (header and fields, docs/format.md).
func encodeRequestBody(
  _ b: UnsafeMutableRawBufferPointer, deviceId: UnsafeRawBufferPointer,
  publicKey: UnsafeRawBufferPointer, state: olic_state_info
) throws(olic_status) {
  guard b.count == RequestLayout.size, deviceId.count == Wire.deviceIdSize,
    publicKey.count == Wire.publicKeySize
  else { throw OLIC_ERR_ARGUMENT }
  try b.put32(Wire.magic, at: Wire.magicOffset)
  try b.put8(UInt8(OLIC_VERSION), at: Wire.versionOffset)
  try b.put8(UInt8(OLIC_TYPE_REQUEST), at: Wire.typeOffset)
  try b.put16(UInt16(RequestLayout.size), at: Wire.totalLengthOffset)
  try b.putBytes(deviceId, at: RequestLayout.deviceIdOffset)
  try b.putBytes(publicKey, at: RequestLayout.publicKeyOffset)
  try b.put64(state.last_license_id, at: RequestLayout.lastLicenseIdOffset)
  try b.put64(state.remaining, at: RequestLayout.remainingOffset)
  try b.put64(state.consumed_total, at: RequestLayout.consumedTotalOffset)
  try b.put64(state.request_sequence, at: RequestLayout.sequenceOffset)
  try b.put32(state.firmware_version, at: RequestLayout.firmwareVersionOffset)
  try b.put32(0, at: RequestLayout.reservedOffset)
  try b.put64(state.time_high_water, at: RequestLayout.timeHighWaterOffset)
}

/// olic_verify_request's order over the private copy `s` of a blob whose
/// caller-given length is `length`: header, layout, then the signature by the
/// key the request carries.
func verifyRequest(_ s: RawSpan, length: Int) throws(olic_status) -> olic_request {
  let request = try readRequestFields(s, length: length, fieldRules: true)

  let verified = s.withUnsafeBytes { blob -> Bool in
    guard let base = blob.baseAddress, blob.count == RequestLayout.size else { return false }
    return Crypto.verify(
      signature: base + RequestLayout.signatureOffset, message: base,
      length: RequestLayout.signatureOffset, publicKey: base + RequestLayout.publicKeyOffset) == 0
  }
  guard verified else { throw OLIC_ERR_SIGNATURE }
  return request
}

/// The header and size rules, every field, and with `fieldRules` the rules on
/// reserved and request_sequence; the signature is verifyRequest's. Without the
/// field rules it is what `olic inspect` shows of a refused request. Inlined, so
/// the firmware's one caller compiles to the plain strict walk.
@inline(__always)
func readRequestFields(_ s: RawSpan, length: Int, fieldRules: Bool) throws(olic_status) -> olic_request {
  try checkHeader(s, length: length, type: Int(OLIC_TYPE_REQUEST))
  guard length == RequestLayout.size, s.byteCount == length else { throw OLIC_ERR_MALFORMED }

  var request = olic_request()
  request.last_license_id = try s.le64(at: RequestLayout.lastLicenseIdOffset)
  request.remaining = try s.le64(at: RequestLayout.remainingOffset)
  request.consumed_total = try s.le64(at: RequestLayout.consumedTotalOffset)
  request.request_sequence = try s.le64(at: RequestLayout.sequenceOffset)
  request.firmware_version = try s.le32(at: RequestLayout.firmwareVersionOffset)
  request.reserved = try s.le32(at: RequestLayout.reservedOffset)
  request.time_high_water = try s.le64(at: RequestLayout.timeHighWaterOffset)
  if fieldRules {
    guard request.reserved == 0, request.request_sequence != 0 else { throw OLIC_ERR_MALFORMED }
  }
  try withUnsafeMutableBytes(of: &request.device_id) { (b) throws(olic_status) in
    try s.copy(from: RequestLayout.deviceIdOffset, into: b)
  }
  try withUnsafeMutableBytes(of: &request.device_public_key) { (b) throws(olic_status) in
    try s.copy(from: RequestLayout.publicKeyOffset, into: b)
  }
  try withUnsafeMutableBytes(of: &request.signature) { (b) throws(olic_status) in
    try s.copy(from: RequestLayout.signatureOffset, into: b)
  }
  return request
}
