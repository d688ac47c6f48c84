import COlic

/// What the layout walk found: the fields, whether an unknown critical extension
/// is present (step 5, reported only after every layout rule has passed), and,
/// when asked for, one extension's position; for both versions, where the
/// signed bytes end and how many entries are signed.
struct LayoutWalk {
  var license: olic_license
  var unknownCritical: Bool
  var selected: olic_extension
  /// Every signature covers [0, bodyEnd).
  var bodyEnd: Int
  /// Entries with a key_id; with `proposal` false, always n.
  var signedCount: Int
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
  var count = 1
  if v2 {
    count = Int(try s.u8(at: LicenseLayout.signatureCountOffset))
    guard count >= 1, count <= LicenseLayout.maxSigners else { throw OLIC_ERR_MALFORMED }
    for i in 0..<LicenseLayout.reservedSize where try s.u8(at: LicenseLayout.reservedOffset + i) != 0 {
      throw OLIC_ERR_MALFORMED
    }
  }
  // length <= 1024 and count <= 8, so neither product nor difference wraps.
  let end = v2 ? length - count * LicenseLayout.entrySize : length - Wire.signatureSize
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
  let signedCount = try readEntries(s, into: &license, version: version, end: end, count: count, proposal: proposal)
  return LayoutWalk(
    license: license, unknownCritical: unknownCritical, selected: selected, bodyEnd: end, signedCount: signedCount)
}

/// The signature entries: key_ids reported in order, the first entry's
/// key_id and signature in v1's fields, and (v2) the order rule: key_ids
/// strictly ascending, except that a proposal's trailing all-zero entries are
/// empty and exempt. Returns how many entries are not empty (n on a device).
private func readEntries(
  _ s: RawSpan, into license: inout olic_license, version: UInt8, end: Int, count: Int, proposal: Bool
) throws(olic_status) -> Int {
  if version == LicenseLayout.v1 {
    try withUnsafeMutableBytes(of: &license.key_id) { (b) throws(olic_status) in
      try s.copy(from: LicenseLayout.keyIdOffset, into: b)
    }
    try withUnsafeMutableBytes(of: &license.key_ids) { (b) throws(olic_status) in
      try s.copy(from: LicenseLayout.keyIdOffset, into: UnsafeMutableRawBufferPointer(rebasing: b[0..<Wire.keyIdSize]))
    }
    try withUnsafeMutableBytes(of: &license.signature) { (b) throws(olic_status) in try s.copy(from: end, into: b) }
    return 1
  }
  // A proposal may end in empty entries (72 zero bytes each); the device has
  // no such notion. Every entry before them follows the device's order rule,
  // so whatever the device accepts, a proposal decoder accepts alike.
  var signed = count
  if proposal {
    while signed > 0,
      try isZero(s, at: end + (signed - 1) * LicenseLayout.entrySize, count: LicenseLayout.entrySize)
    {
      signed -= 1
    }
  }
  for i in 0..<count {
    let entry = end + i * LicenseLayout.entrySize
    // Zero sorts first, so an empty entry past the first breaks the order.
    if i > 0, i < signed, !(try ascending(s, entry - LicenseLayout.entrySize, entry)) { throw OLIC_ERR_MALFORMED }
    try withUnsafeMutableBytes(of: &license.key_ids) { (b) throws(olic_status) in
      let slot = i * Wire.keyIdSize
      try s.copy(from: entry, into: UnsafeMutableRawBufferPointer(rebasing: b[slot..<slot + Wire.keyIdSize]))
    }
  }
  try withUnsafeMutableBytes(of: &license.key_id) { (b) throws(olic_status) in try s.copy(from: end, into: b) }
  try withUnsafeMutableBytes(of: &license.signature) { (b) throws(olic_status) in
    try s.copy(from: end + Wire.keyIdSize, into: b)
  }
  return signed
}

/// All `count` bytes at `offset` are zero.
private func isZero(_ s: RawSpan, at offset: Int, count: Int) throws(olic_status) -> Bool {
  var any: UInt8 = 0
  for i in 0..<count { any |= try s.u8(at: offset + i) }
  return any == 0
}

/// The 8-byte key_id at `a` sorts strictly before the one at `b` (memcmp order).
private func ascending(_ s: RawSpan, _ a: Int, _ b: Int) throws(olic_status) -> Bool {
  for i in 0..<Wire.keyIdSize {
    let x = try s.u8(at: a + i), y = try s.u8(at: b + i)
    if x != y { return x < y }
  }
  return false
}

/// Check steps 2-5: a structurally acceptable license, or the first failing status.
func parseLicense(_ s: RawSpan, length: Int) throws(olic_status) -> olic_license {
  let layout = try parseLicenseLayout(s, length: length)
  guard !layout.unknownCritical else { throw OLIC_ERR_UNSUPPORTED_EXTENSION }
  return layout.license
}
