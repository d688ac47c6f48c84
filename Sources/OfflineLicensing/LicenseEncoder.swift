import COlic

// The one license encoder. The CLI issues with it, the fuzzers re-encode with it,
// and its output is checked by the same layout walk the device runs.

/// One extension to write: from the fields (VALIDITY, BIND_REQUEST) or the caller.
private struct PendingExtension {
  var type: UInt16
  var length: Int
  /// nil: a known extension whose value comes from the license fields.
  var value: UnsafePointer<UInt8>?
}

/// The extension at position `index` of the merged list: 0 is VALIDITY (if
/// present), 1 is BIND_REQUEST (if present), then the caller's `extra` in order.
private func pending(
  _ index: Int, _ fields: borrowing olic_license, _ extra: UnsafePointer<olic_extension>?
) -> PendingExtension? {
  switch index {
  case 0:
    return fields.has_validity
      ? PendingExtension(type: LicenseLayout.validityType, length: LicenseLayout.validitySize, value: nil) : nil
  case 1:
    return fields.has_bind_request
      ? PendingExtension(type: LicenseLayout.bindRequestType, length: LicenseLayout.bindRequestSize, value: nil)
      : nil
  default:
    guard let extra else { return nil }
    let e = extra[index - 2]
    return PendingExtension(type: e.type, length: Int(e.length), value: e.value)
  }
}

/// Encodes `fields` and `extra` into `b` (the signature left zero) and returns
/// the total length. Extensions are emitted in ascending type order by repeated
/// selection of the next larger type: no sort buffer, no allocation, and a type
/// given twice is a layout error rather than a silent duplicate.
func encodeLicense(
  _ fields: borrowing olic_license, extra: UnsafePointer<olic_extension>?, extraCount: Int,
  into b: UnsafeMutableRawBufferPointer
) throws(olic_status) -> Int {
  guard extraCount >= 0, extraCount <= LicenseLayout.maxExtensions else { throw OLIC_ERR_MALFORMED }
  let candidates = extraCount + 2
  // 0 is a zero-initialised v1 caller's struct.
  guard fields.version <= UInt32(LicenseLayout.v2) else { throw OLIC_ERR_ARGUMENT }
  let v2 = fields.version == UInt32(LicenseLayout.v2)
  let signers = Int(fields.signature_count)
  guard !v2 || (signers >= 1 && signers <= LicenseLayout.maxSigners) else { throw OLIC_ERR_MALFORMED }
  let tail = v2 ? signers * LicenseLayout.entrySize : Wire.signatureSize

  var total = LicenseLayout.extensionsOffset + tail
  for i in 0..<candidates {
    guard let e = pending(i, fields, extra) else { continue }
    guard e.length == 0 || e.value != nil || i < 2 else { throw OLIC_ERR_ARGUMENT }
    total += LicenseLayout.extensionHeaderSize + e.length
    guard total <= LicenseLayout.maxSize else { throw OLIC_ERR_MALFORMED }
  }
  guard b.count >= total, let base = b.baseAddress else { throw OLIC_ERR_BUFFER }
  // Reserved bytes and the signature (v2: every entry) start zero, so the
  // output never carries stale caller bytes and the tools find empty entries.
  base.initializeMemory(as: UInt8.self, repeating: 0, count: total)

  // The fixed fields lie in [0, 72) and total >= 72 + the signature area,
  // so the one check above covers every store below up to the extensions.
  func store<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
    base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
  }
  func store<T>(bytesOf value: T, _ offset: Int) {
    withUnsafeBytes(of: value) { v in (base + offset).copyMemory(from: v.baseAddress.unsafelyUnwrapped, byteCount: v.count) }
  }
  store(Wire.magic, Wire.magicOffset)
  store(v2 ? LicenseLayout.v2 : LicenseLayout.v1, Wire.versionOffset)
  store(UInt8(OLIC_TYPE_LICENSE), Wire.typeOffset)
  store(UInt16(truncatingIfNeeded: total), Wire.totalLengthOffset)
  if v2 {
    store(UInt8(truncatingIfNeeded: signers), LicenseLayout.signatureCountOffset)
  } else {
    store(bytesOf: fields.key_id, LicenseLayout.keyIdOffset)
  }
  store(bytesOf: fields.device_id, LicenseLayout.deviceIdOffset)
  store(fields.license_id, LicenseLayout.licenseIdOffset)
  store(fields.allowance, LicenseLayout.allowanceOffset)
  store(fields.min_firmware_version, LicenseLayout.minFirmwareOffset)
  store(fields.flags, LicenseLayout.flagsOffset)

  // Repeated selection of the next larger type. A type given twice is
  // emitted once, so the TLVs then fall short of `total`: a layout error,
  // never a silent duplicate.
  var offset = LicenseLayout.extensionsOffset
  var previous = -1
  while true {
    var next: PendingExtension? = nil
    for i in 0..<candidates {
      guard let e = pending(i, fields, extra), Int(e.type) > previous else { continue }
      if let n = next, n.type <= e.type { continue }
      next = e
    }
    guard let e = next else { break }
    try b.put16(e.type, at: offset)
    try b.put16(UInt16(truncatingIfNeeded: e.length), at: offset + 2)
    let valueOffset = offset + LicenseLayout.extensionHeaderSize
    if let value = e.value {
      try b.putBytes(UnsafeRawBufferPointer(start: value, count: e.length), at: valueOffset)
    } else if e.type == LicenseLayout.validityType {
      try b.put64(fields.not_before, at: valueOffset)
      try b.put64(fields.not_after, at: valueOffset + 8)
    } else {
      try b.put64(fields.bind_request, at: valueOffset)
    }
    offset = valueOffset + e.length
    previous = Int(e.type)
  }
  // Every candidate was emitted once, so offset is where the signatures start.
  guard offset == total - tail else { throw OLIC_ERR_MALFORMED }
  return total
}
