import COlic

/// What the layout walk found: the fields, whether an unknown critical extension
/// is present (step 5, reported only after every layout rule has passed), and,
/// when asked for, one extension's position; for both versions, where the
/// signed bytes end and how many entries are signed.
struct LayoutWalk {
  var license = olic_license()
  var unknownCritical = false
  var selected = olic_extension()
  /// Every signature covers [0, bodyEnd).
  var bodyEnd = 0
  /// Entries with a key_id; with `proposal` false, always n.
  var signedCount = 0
}

/// Check steps 2-4 over the private copy `s` of a blob whose caller-given length
/// is `length`, for wire versions 1 and 2. Every rule of step 4 is MALFORMED, so
/// their order among themselves does not matter; all of them are checked before
/// step 5. `select` names an extension index whose TLV is reported in
/// `selected`. `proposal` (tools only) lets a v2 license end in empty entries.
func parseLicenseLayout(
  _ s: RawSpan, length: Int, select: Int = -1, proposal: Bool = false
) throws(olic_status) -> LayoutWalk {
  let version = try checkHeader(s, length: length, type: Int(OLIC_TYPE_LICENSE), threshold: true)
  let v2 = version == LicenseLayout.v2
  let minSize = v2 ? LicenseLayout.v2MinSize : LicenseLayout.minSize
  guard length >= minSize, length <= LicenseLayout.maxSize, s.byteCount == length else {
    throw OLIC_ERR_MALFORMED
  }
  // n entries of 72 bytes (v2) or the one 64-byte signature (v1) end the blob.
  // v2: the count and the 7 reserved bytes are one little-endian word.
  var count = 1
  if v2 {
    let word = try s.le64(at: LicenseLayout.signatureCountOffset)
    count = Int(word & 0xFF)
    guard count >= 1, count <= LicenseLayout.maxSigners, word >> 8 == 0 else { throw OLIC_ERR_MALFORMED }
  }
  // length <= 1024 and count <= 8, so neither product nor difference wraps.
  let end = v2 ? length &- count &* LicenseLayout.entrySize : length &- Wire.signatureSize
  guard end >= LicenseLayout.extensionsOffset else { throw OLIC_ERR_MALFORMED }

  var license = olic_license()
  license.total_length = UInt32(truncatingIfNeeded: length)
  license.license_id = try s.le64(at: LicenseLayout.licenseIdOffset)
  license.allowance = try s.le64(at: LicenseLayout.allowanceOffset)
  license.min_firmware_version = try s.le32(at: LicenseLayout.minFirmwareOffset)
  license.flags = try s.le32(at: LicenseLayout.flagsOffset)
  guard license.flags == 0, license.license_id != 0, license.allowance != 0 else { throw OLIC_ERR_MALFORMED }
  try withUnsafeMutableBytes(of: &license.device_id) { (b) throws(olic_status) in
    try s.copy(from: LicenseLayout.deviceIdOffset, into: b)
  }

  // The TLVs must tile [72, end) exactly. `end - offset` never wraps:
  // offset only grows up to end, each step checked against the room left.
  var offset = LicenseLayout.extensionsOffset
  var previousType = -1
  var extensions = 0
  var unknownCritical = false
  var selected = olic_extension()
  while offset < end {
    guard end - offset >= LicenseLayout.extensionHeaderSize else { throw OLIC_ERR_MALFORMED }
    let type = try s.le16(at: offset)
    let valueLength = Int(try s.le16(at: offset + 2))
    let valueOffset = offset + LicenseLayout.extensionHeaderSize
    guard Int(type) > previousType else { throw OLIC_ERR_MALFORMED }
    guard end - valueOffset >= valueLength else { throw OLIC_ERR_MALFORMED }

    switch type {
    case LicenseLayout.validityType:
      guard valueLength == LicenseLayout.validitySize else { throw OLIC_ERR_MALFORMED }
      license.not_before = try s.le64(at: valueOffset)
      license.not_after = try s.le64(at: valueOffset + 8)
      guard license.not_before <= license.not_after else { throw OLIC_ERR_MALFORMED }
      license.has_validity = true
    case LicenseLayout.bindRequestType:
      guard valueLength == LicenseLayout.bindRequestSize else { throw OLIC_ERR_MALFORMED }
      license.bind_request = try s.le64(at: valueOffset)
      guard license.bind_request != 0 else { throw OLIC_ERR_MALFORMED }
      license.has_bind_request = true
    default:
      // Unknown: skipped if optional, refused (after the layout is proven) if critical.
      if type & LicenseLayout.criticalBit != 0 { unknownCritical = true }
    }
    if extensions == select {
      selected.type = type
      selected.length = UInt16(truncatingIfNeeded: valueLength)
      selected.offset = UInt32(truncatingIfNeeded: valueOffset)
    }
    extensions += 1
    previousType = Int(type)
    offset = valueOffset + valueLength
  }

  license.extension_count = UInt32(truncatingIfNeeded: extensions)
  license.version = UInt32(version)
  license.signature_count = UInt32(truncatingIfNeeded: count)
  let signedCount = try readEntries(s, into: &license, v2: v2, end: end, count: count, proposal: proposal)
  return LayoutWalk(
    license: license, unknownCritical: unknownCritical, selected: selected, bodyEnd: end, signedCount: signedCount)
}

/// The signature entries: key_ids reported in order, the first entry's
/// key_id and signature in v1's fields, and (v2) the order rule: key_ids
/// strictly ascending, except that a proposal's trailing all-zero entries are
/// empty and exempt. A v1 license is one entry: its key_id at offset 8 and
/// its signature at `end`. Returns how many entries are not empty (n on a device).
private func readEntries(
  _ s: RawSpan, into license: inout olic_license, v2: Bool, end: Int, count: Int, proposal: Bool
) throws(olic_status) -> Int {
  let entry = LicenseLayout.entrySize
  // A proposal may end in empty entries (72 zero bytes each); the device has
  // no such notion. Every entry before them follows the device's order rule,
  // so whatever the device accepts, a proposal decoder accepts alike.
  var signed = count
  while proposal, v2, signed > 0 {
    var any: UInt64 = 0
    for i in 0..<entry / 8 { any |= try s.le64(at: end &+ (signed &- 1) &* entry &+ i &* 8) }
    guard any == 0 else { break }
    signed &-= 1
  }
  // memcmp order of two 8-byte strings is the order of their big-endian values.
  var previous: UInt64 = 0
  for i in 0..<min(count, LicenseLayout.maxSigners) {
    let raw = try s.le64(at: v2 ? end &+ i &* entry : LicenseLayout.keyIdOffset)
    let key = raw.byteSwapped
    // Zero sorts first, so an empty entry past the first breaks the order.
    if i > 0, i < signed, key <= previous { throw OLIC_ERR_MALFORMED }
    previous = key
    withUnsafeMutableBytes(of: &license.key_ids) { ids in
      ids.storeBytes(of: raw.littleEndian, toByteOffset: i &* Wire.keyIdSize, as: UInt64.self)
    }
  }
  license.key_id = license.key_ids.0
  try withUnsafeMutableBytes(of: &license.signature) { (b) throws(olic_status) in
    try s.copy(from: v2 ? end &+ LicenseLayout.entrySignatureOffset : end, into: b)
  }
  return signed
}

/// Check steps 2-5: a structurally acceptable license, or the first failing status.
func parseLicense(_ s: RawSpan, length: Int) throws(olic_status) -> olic_license {
  let layout = try parseLicenseLayout(s, length: length)
  guard !layout.unknownCritical else { throw OLIC_ERR_UNSUPPORTED_EXTENSION }
  return layout.license
}
