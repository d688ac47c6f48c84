import COlic

/// What the layout walk found: the fields, whether an unknown critical extension
/// is present (step 5, reported only after every layout rule has passed), and,
/// when asked for, one extension's position.
struct LayoutWalk {
  var license: olic_license
  var unknownCritical: Bool
  var selected: olic_extension
}

/// Check steps 2-4 over the private copy `s` of a blob whose caller-given length
/// is `length`. Every rule of step 4 is MALFORMED, so their order among
/// themselves does not matter; all of them are checked before step 5.
/// `select` names an extension index whose TLV is reported in `selected`.
func parseLicenseLayout(_ s: RawSpan, length: Int, select: Int = -1) throws(olic_status) -> LayoutWalk {
  try checkHeader(s, length: length, type: Int(OLIC_TYPE_LICENSE))
  guard length >= LicenseLayout.minSize, length <= LicenseLayout.maxSize, s.byteCount == length else {
    throw OLIC_ERR_MALFORMED
  }

  var license = olic_license()
  license.total_length = UInt32(truncatingIfNeeded: length)
  license.license_id = try s.le64(at: LicenseLayout.licenseIdOffset)
  license.allowance = try s.le64(at: LicenseLayout.allowanceOffset)
  license.min_firmware_version = try s.le32(at: LicenseLayout.minFirmwareOffset)
  license.flags = try s.le32(at: LicenseLayout.flagsOffset)
  guard license.flags == 0, license.license_id != 0, license.allowance != 0 else { throw OLIC_ERR_MALFORMED }
  try withUnsafeMutableBytes(of: &license.key_id) { (b) throws(olic_status) in
    try s.copy(from: LicenseLayout.keyIdOffset, into: b)
  }
  try withUnsafeMutableBytes(of: &license.device_id) { (b) throws(olic_status) in
    try s.copy(from: LicenseLayout.deviceIdOffset, into: b)
  }

  // The TLVs must tile [72, length - 64) exactly. `end - offset` never wraps:
  // offset only grows up to end, each step checked against the room left.
  let end = length - Wire.signatureSize
  var offset = LicenseLayout.extensionsOffset
  var previousType = -1
  var count = 0
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
    if count == select {
      selected.type = type
      selected.length = UInt16(truncatingIfNeeded: valueLength)
      selected.offset = UInt32(truncatingIfNeeded: valueOffset)
    }
    count += 1
    previousType = Int(type)
    offset = valueOffset + valueLength
  }

  license.extension_count = UInt32(truncatingIfNeeded: count)
  try withUnsafeMutableBytes(of: &license.signature) { (b) throws(olic_status) in
    try s.copy(from: end, into: b)
  }
  return LayoutWalk(license: license, unknownCritical: unknownCritical, selected: selected)
}

/// Check steps 2-5: a structurally acceptable license, or the first failing status.
func parseLicense(_ s: RawSpan, length: Int) throws(olic_status) -> olic_license {
  let layout = try parseLicenseLayout(s, length: length)
  guard !layout.unknownCritical else { throw OLIC_ERR_UNSUPPORTED_EXTENSION }
  return layout.license
}
