import COlic
import OfflineLicensing
import Testing

/// A license whose every byte is written here by hand (not by the encoder):
/// the encoder must produce exactly these bytes, and the parser must read them.
private func handWrittenLicense() -> [UInt8] {
  var b: [UInt8] = [0x4F, 0x4C, 0x49, 0x43, 0x01, 0x01]  // "OLIC", version 1, type license
  b += le16(72 + 20 + 12 + 64)  // total_length: fixed part, VALIDITY, BIND_REQUEST, signature
  b += regulator.keyId
  b += thisDevice
  b += le64(5) + le64(1000) + le32(7) + le32(0)
  b += le16(0x8001) + le16(16) + le64(1_700_000_000) + le64(1_800_000_000)
  b += le16(0x8002) + le16(8) + le64(3)
  b += [UInt8](repeating: 0, count: 64)
  return b
}

/// Valid bytes with `value` written at `offset`, re-signed so that only the
/// patched rule can fail.
func patched(_ blob: [UInt8], at offset: Int, _ value: [UInt8]) -> [UInt8] {
  var b = blob
  b.replaceSubrange(offset..<offset + value.count, with: value)
  return resigned(b)
}

@Suite struct ParseTests {
  @Test func encoderWritesTheHandWrittenBytes() {
    let spec = LicenseSpec(minFirmware: 7, validity: (1_700_000_000, 1_800_000_000), bindRequest: 3)
    let encoded = spec.encoded()
    #expect(encoded.status == OLIC_OK)
    #expect(encoded.bytes == handWrittenLicense())
  }

  @Test func parseReadsEveryField() {
    let blob = resigned(handWrittenLicense())
    var out = olic_license()
    #expect(olic_parse(blob, blob.count, &out) == OLIC_OK)
    #expect(withUnsafeBytes(of: out.key_id) { Array($0) } == regulator.keyId)
    #expect(withUnsafeBytes(of: out.device_id) { Array($0) } == thisDevice)
    #expect(out.license_id == 5)
    #expect(out.allowance == 1000)
    #expect(out.min_firmware_version == 7)
    #expect(out.flags == 0)
    #expect(out.total_length == 168)
    #expect(out.extension_count == 2)
    #expect(out.has_validity && out.not_before == 1_700_000_000 && out.not_after == 1_800_000_000)
    #expect(out.has_bind_request && out.bind_request == 3)
    #expect(withUnsafeBytes(of: out.signature) { Array($0) } == Array(blob[104...]))
  }

  @Test func parseAcceptsNullOut() {
    let blob = LicenseSpec().bytes
    #expect(olic_parse(blob, blob.count, nil) == OLIC_OK)
  }

  @Test func nullLicenseIsArgument() {
    var out = olic_license()
    out.license_id = 99
    #expect(olic_parse(nil, 136, &out) == OLIC_ERR_ARGUMENT)
    #expect(out.license_id == 0)
  }

  @Test func failureZeroesOut() {
    var blob = LicenseSpec().bytes
    blob[68] = 1  // flags
    var out = olic_license()
    out.license_id = 99
    out.allowance = 99
    #expect(olic_parse(blob, blob.count, &out) == OLIC_ERR_MALFORMED)
    #expect(withUnsafeBytes(of: &out) { $0.allSatisfy { $0 == 0 } })
  }

  // Step 2.
  @Test func shorterThanHeaderIsMalformed() {
    let blob = LicenseSpec().bytes
    for n in 0..<8 { #expect(olic_parse(blob, n, nil) == OLIC_ERR_MALFORMED, "length \(n)") }
  }

  @Test func badMagicIsMalformedEvenWithBadVersion() {
    var blob = LicenseSpec().bytes
    blob[3] = 0x44  // "OLID"
    blob[4] = 9
    #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED)
  }

  // Step 3, and its precedence over step 4. Version 2 is a license format now
  // (threshold licenses): a v1 blob with version 2 is a malformed v2 one.
  @Test func versionIsCheckedBeforeLayout() {
    var v2 = LicenseSpec().bytes
    v2[4] = 2
    #expect(olic_parse(v2, v2.count, nil) == OLIC_ERR_MALFORMED)
    for version: UInt8 in [0, 3, 255] {
      var blob = LicenseSpec().bytes
      blob[4] = version
      #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_VERSION)
      blob[5] = 7  // bad type too: version still wins
      blob[68] = 1
      #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_VERSION)
      #expect(olic_parse(blob, 9, nil) == OLIC_ERR_VERSION, "short but with a header")
      #expect(olic_parse(blob, 5000, nil) == OLIC_ERR_VERSION, "over 1024 bytes")
    }
  }

  // Step 4, one rule at a time.
  @Test func typeNotLicenseIsMalformed() {
    for type: UInt8 in [0, 2, 3, 255] {
      var blob = LicenseSpec().bytes
      blob[5] = type
      #expect(olic_parse(resigned(blob), blob.count, nil) == OLIC_ERR_MALFORMED)
    }
  }

  @Test func totalLengthDifferentFromGivenLengthIsMalformed() {
    let blob = LicenseSpec().bytes
    #expect(olic_parse(blob + [0], blob.count + 1, nil) == OLIC_ERR_MALFORMED)
    var patched = blob
    patched[6] = UInt8(blob.count - 1)
    #expect(olic_parse(resigned(patched), blob.count, nil) == OLIC_ERR_MALFORMED)
  }

  @Test func everyTruncationIsMalformed() {
    let blob = LicenseSpec(validity: (1, 2), bindRequest: 1, extra: [(0x10, [1, 2, 3])]).bytes
    for n in 0..<blob.count {
      var out = olic_license()
      out.allowance = 7
      #expect(olic_parse(Array(blob[0..<n]), n, &out) == OLIC_ERR_MALFORMED, "truncated to \(n)")
      #expect(out.allowance == 0)
    }
  }

  @Test func everyTruncationWithMatchingTotalLengthIsMalformed() {
    // A truncation whose total_length was fixed up to match: the TLVs no longer tile.
    let blob = LicenseSpec(validity: (1, 2), bindRequest: 1).bytes
    for n in 136..<blob.count {
      var cut = Array(blob[0..<n])
      cut[6] = UInt8(n & 0xFF)
      cut[7] = UInt8(n >> 8)
      // Cut at a TLV boundary, the re-signed rest is a whole (shorter) license.
      let expected = (n == 136 || n == 136 + 20) ? OLIC_OK : OLIC_ERR_MALFORMED
      #expect(olic_parse(resigned(cut), n, nil) == expected, "truncated to \(n)")
    }
  }

  @Test func sizeBoundaries() {
    // 136: no extension at all. 1024: one unknown optional extension filling the rest.
    let smallest = LicenseSpec().bytes
    #expect(smallest.count == 136)
    #expect(olic_parse(smallest, 136, nil) == OLIC_OK)
    let largest = LicenseSpec(extra: [(0x0001, [UInt8](repeating: 0xAB, count: 1024 - 136 - 4))]).bytes
    #expect(largest.count == 1024)
    #expect(olic_parse(largest, 1024, nil) == OLIC_OK)

    // 135 and 1025 with self-consistent total_length fields.
    var small = Array(smallest[0..<135])
    small[6] = 135
    #expect(olic_parse(resigned(small), 135, nil) == OLIC_ERR_MALFORMED)
    var large = largest
    large.insert(0xAB, at: 72 + 4)
    large[72 + 2] = UInt8((1024 - 136 - 3) & 0xFF)
    large[72 + 3] = UInt8((1024 - 136 - 3) >> 8)
    large[6] = UInt8(1025 & 0xFF)
    large[7] = UInt8(1025 >> 8)
    #expect(olic_parse(resigned(large), 1025, nil) == OLIC_ERR_MALFORMED)
    // The encoder refuses to go past 1024 as well.
    let tooLong = LicenseSpec(extra: [(0x0001, [UInt8](repeating: 0, count: 1024 - 136 - 3))]).encoded()
    #expect(tooLong.status == OLIC_ERR_MALFORMED)
    #expect(tooLong.bytes.isEmpty)
  }

  @Test func hugeGivenLengthsAreMalformedNotTraps() {
    let blob = LicenseSpec().bytes
    #expect(olic_parse(blob, Int.max, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_parse(blob, -1, nil) == OLIC_ERR_MALFORMED)  // SIZE_MAX from C
    #expect(olic_parse(blob, 65536 + 136, nil) == OLIC_ERR_MALFORMED)  // total_length is u16
  }

  @Test func nonZeroFlagsAreMalformed() {
    for bit in 0..<32 {
      let blob = patched(LicenseSpec().bytes, at: 68, le32(UInt32(1) << UInt32(bit)))
      #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED, "flag bit \(bit)")
    }
  }

  @Test func zeroLicenseIdIsMalformed() {
    let blob = patched(LicenseSpec().bytes, at: 48, le64(0))
    #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED)
  }

  @Test func zeroAllowanceIsMalformed() {
    let blob = patched(LicenseSpec().bytes, at: 56, le64(0))
    #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED)
  }

  @Test func maximumIdAndAllowanceParse() {
    let blob = LicenseSpec(licenseId: .max, allowance: .max, minFirmware: .max).bytes
    var out = olic_license()
    #expect(olic_parse(blob, blob.count, &out) == OLIC_OK)
    #expect(out.license_id == .max && out.allowance == .max && out.min_firmware_version == .max)
  }

  /// Builds a license around a hand-written extension area.
  private func withExtensionArea(_ area: [UInt8]) -> [UInt8] {
    var b = Array(LicenseSpec().bytes[0..<72]) + area + [UInt8](repeating: 0, count: 64)
    b[6] = UInt8(b.count & 0xFF)
    b[7] = UInt8(b.count >> 8)
    return resigned(b)
  }

  @Test func extensionAreaMustBeWholeTLVs() {
    // A lone byte, a 3-byte header fragment, and a value running past the area.
    for area: [UInt8] in [[0x01], [0x01, 0x00, 0x00], le16(0x10) + le16(5) + [1, 2, 3, 4]] {
      let blob = withExtensionArea(area)
      #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED, "area \(area)")
    }
    let ok = withExtensionArea(le16(0x10) + le16(4) + [1, 2, 3, 4])
    #expect(olic_parse(ok, ok.count, nil) == OLIC_OK)
    let empty = withExtensionArea(le16(0x10) + le16(0))
    #expect(olic_parse(empty, empty.count, nil) == OLIC_OK)
  }

  @Test func extensionTypesMustStrictlyAscend() {
    let repeated = withExtensionArea(le16(0x10) + le16(0) + le16(0x10) + le16(0))
    #expect(olic_parse(repeated, repeated.count, nil) == OLIC_ERR_MALFORMED)
    let descending = withExtensionArea(le16(0x11) + le16(0) + le16(0x10) + le16(0))
    #expect(olic_parse(descending, descending.count, nil) == OLIC_ERR_MALFORMED)
    let knownOutOfOrder = withExtensionArea(le16(0x8002) + le16(8) + le64(1) + le16(0x8001) + le16(16) + le64(1) + le64(2))
    #expect(olic_parse(knownOutOfOrder, knownOutOfOrder.count, nil) == OLIC_ERR_MALFORMED)
    let ascending = withExtensionArea(le16(0x0000) + le16(0) + le16(0x7FFF) + le16(1) + [9])
    var out = olic_license()
    #expect(olic_parse(ascending, ascending.count, &out) == OLIC_OK)
    #expect(out.extension_count == 2)
  }

  @Test func knownTypesWithWrongLengthAreMalformed() {
    for n: UInt16 in [0, 8, 15, 17, 24] {
      let blob = withExtensionArea(le16(0x8001) + le16(n) + [UInt8](repeating: 0, count: Int(n)))
      #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED, "VALIDITY length \(n)")
    }
    for n: UInt16 in [0, 7, 9, 16] {
      let blob = withExtensionArea(le16(0x8002) + le16(n) + [UInt8](repeating: 1, count: Int(n)))
      #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED, "BIND_REQUEST length \(n)")
    }
  }

  @Test func validityMustNotBeInverted() {
    let inverted = patched(LicenseSpec(validity: (10, 10)).bytes, at: 76, le64(11))
    #expect(olic_parse(inverted, inverted.count, nil) == OLIC_ERR_MALFORMED)
    let instant = LicenseSpec(validity: (10, 10)).bytes
    #expect(olic_parse(instant, instant.count, nil) == OLIC_OK)
    let whole = LicenseSpec(validity: (0, .max)).bytes
    #expect(olic_parse(whole, whole.count, nil) == OLIC_OK)
  }

  @Test func bindRequestZeroIsMalformed() {
    let zero = patched(LicenseSpec(bindRequest: 1).bytes, at: 76, le64(0))
    #expect(olic_parse(zero, zero.count, nil) == OLIC_ERR_MALFORMED)
    let max = LicenseSpec(bindRequest: .max).bytes
    #expect(olic_parse(max, max.count, nil) == OLIC_OK)
  }

  // Step 5 and its precedence below step 4.
  @Test func unknownCriticalExtensionIsUnsupported() {
    for type: UInt16 in [0x8000, 0x8003, 0xFFFF] {
      let blob = LicenseSpec(extra: [(type, [1, 2])]).bytes
      #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_UNSUPPORTED_EXTENSION, "type \(type)")
    }
    let optional = LicenseSpec(extra: [(0x7FFF, [1, 2])]).bytes
    #expect(olic_parse(optional, optional.count, nil) == OLIC_OK)
  }

  @Test func layoutErrorsAfterAnUnknownCriticalStillWin() {
    // The unknown critical TLV comes first; a later TLV breaks a step-4 rule.
    let blob = withExtensionArea(le16(0x8000) + le16(0) + le16(0x8002) + le16(8) + le64(0))
    #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED)
    let trailing = withExtensionArea(le16(0x8000) + le16(0) + [0x01])
    #expect(olic_parse(trailing, trailing.count, nil) == OLIC_ERR_MALFORMED)
  }

  @Test func licenseExtensionEnumeratesEveryTLV() {
    let blob = LicenseSpec(validity: (1, 2), bindRequest: 9, extra: [(0x0005, [7, 7, 7]), (0x9000 & 0x7FFF, [])]).bytes
    var e = olic_extension()
    let expected: [(UInt16, UInt16, UInt32)] = [(0x0005, 3, 76), (0x1000, 0, 83), (0x8001, 16, 87), (0x8002, 8, 107)]
    for (i, want) in expected.enumerated() {
      #expect(olic_license_extension(blob, blob.count, i, &e) == OLIC_OK)
      #expect(e.type == want.0 && e.length == want.1 && e.offset == want.2, "extension \(i)")
    }
    #expect(olic_license_extension(blob, blob.count, 4, &e) == OLIC_ERR_ARGUMENT)
    #expect(e.type == 0 && e.length == 0 && e.offset == 0)
    #expect(olic_license_extension(blob, blob.count, -1, &e) == OLIC_ERR_ARGUMENT)
    #expect(olic_license_extension(Array(blob.dropLast()), blob.count - 1, 0, &e) == OLIC_ERR_MALFORMED)
  }

  @Test func encoderRefusesWhatTheDeviceWouldRefuse() {
    #expect(LicenseSpec(extra: [(0x10, []), (0x10, [])]).encoded().status == OLIC_ERR_MALFORMED)
    #expect(LicenseSpec(validity: (1, 2), extra: [(0x8001, le64(1) + le64(2))]).encoded().status == OLIC_ERR_MALFORMED)
    #expect(LicenseSpec(extra: [(0x8002, [1])]).encoded().status == OLIC_ERR_MALFORMED)
    #expect(LicenseSpec(licenseId: 0).encoded().status == OLIC_ERR_MALFORMED)
    #expect(LicenseSpec(validity: (3, 2)).encoded().status == OLIC_ERR_MALFORMED)
    // Unknown critical extensions are encoded; refusing them is the device's job.
    let critical = LicenseSpec(extra: [(0x8100, [1])]).encoded()
    #expect(critical.status == OLIC_OK && critical.bytes.count == 136 + 5)
    // Extensions given out of order come out in order.
    let sorted = LicenseSpec(bindRequest: 1, extra: [(0x20, [2]), (0x10, [1])]).encoded()
    #expect(sorted.status == OLIC_OK)
    #expect(Array(sorted.bytes[72..<82]) == le16(0x10) + le16(1) + [1] + le16(0x20) + le16(1) + [2])
  }

  @Test func encoderChecksItsBuffer() {
    var fields = olic_license()
    fields.license_id = 1
    fields.allowance = 1
    var out = [UInt8](repeating: 0, count: 135)
    var length = 77
    #expect(olic_encode_license(&fields, nil, 0, &out, out.count, &length) == OLIC_ERR_BUFFER)
    #expect(length == 0)
    out = [UInt8](repeating: 0xFF, count: 136)
    #expect(olic_encode_license(&fields, nil, 0, &out, out.count, &length) == OLIC_OK)
    #expect(length == 136)
    #expect(out[72...].allSatisfy { $0 == 0 }, "signature area zeroed")
    #expect(olic_encode_license(&fields, nil, 1, &out, out.count, &length) == OLIC_ERR_ARGUMENT)
    #expect(olic_encode_license(nil, nil, 0, &out, out.count, &length) == OLIC_ERR_ARGUMENT)
  }
}
