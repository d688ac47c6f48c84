import COlic
import Testing

@testable import OfflineLicensing

/// The v2 rules that ThresholdTests' worked cases leave undecided, each found
/// by a mutant of the core that survived them (docs/testing.md): the order of
/// the steps around the threshold, n = 9 where nine entries fit, entries that
/// overlap the fixed fields, every entry's twins, and the tools' readers on
/// blobs the device refuses.
@Suite struct ThresholdEdgeTests {
  let three = [regulator, otherRegulator, thirdRegulator]

  /// Step 6 (every entry names a trusted key) comes before step 7 (the
  /// threshold), and step 7 before step 8 (the device).
  @Test func stepOrderAroundTheThreshold() {
    let stranger = LicenseSpec(keyId: strangerKey.keyId, signer: strangerKey).bytes
    #expect(thresholdDevice(three, k: 2).check(stranger) == OLIC_ERR_UNKNOWN_KEY)
    let oneStranger = LicenseV2(signers: [regulator, strangerKey]).bytes
    #expect(thresholdDevice(three, k: 3).check(oneStranger) == OLIC_ERR_UNKNOWN_KEY)
    let elsewhere = LicenseSpec(deviceId: otherDevice).bytes
    #expect(thresholdDevice(three, k: 2).check(elsewhere) == OLIC_ERR_THRESHOLD)
    #expect(thresholdDevice(three, k: 1).check(elsewhere) == OLIC_ERR_DEVICE)
    let twoElsewhere = LicenseV2(deviceId: otherDevice).bytes
    #expect(thresholdDevice(three, k: 3).check(twoElsewhere) == OLIC_ERR_THRESHOLD)
  }

  /// A v2 blob of 72 fixed bytes and `keyIds.count` entries in the given
  /// order, whatever its count byte says (signatures are filler).
  static func entries(_ keyIds: [UInt8], countByte: UInt8) -> [UInt8] {
    var b = LicenseV2(count: 1, signers: []).body
    precondition(b.count == 72)
    b[8] = countByte
    for first in keyIds { b += [first, 1, 2, 3, 4, 5, 6, 7] + [UInt8](repeating: 0xAB, count: 64) }
    b[6] = UInt8(b.count & 0xFF)
    b[7] = UInt8(b.count >> 8)
    return b
  }

  /// n = 9 is refused by both decoders even where nine ascending entries fit;
  /// the same blob with n = 8 (one entry fewer) is accepted.
  @Test func nineEntriesAreMalformed() {
    let eight = Self.entries(Array(1...8), countByte: 8)
    #expect(eight.count == 648 && olic_parse(eight, eight.count, nil) == OLIC_OK)
    let nine = Self.entries(Array(1...9), countByte: 9)
    #expect(nine.count == 720)
    #expect(olic_parse(nine, nine.count, nil) == OLIC_ERR_MALFORMED)
    var p = olic_proposal()
    #expect(olic_parse_proposal(nine, nine.count, &p) == OLIC_ERR_MALFORMED)
    #expect(thresholdDevice(three, k: 1).check(nine) == OLIC_ERR_MALFORMED)
  }

  /// body_end below 72: a 144-byte blob that claims n = 2 puts its entries at
  /// 0 and 72, over the header and fixed fields. Refused even when those
  /// "key_ids" happen to ascend ("OLIC.." < FF..).
  @Test func entriesOverTheFixedFieldsAreMalformed() {
    var b = LicenseV2(count: 1, signers: [regulator]).bytes
    #expect(b.count == 144 && olic_parse(b, b.count, nil) == OLIC_OK)
    b[8] = 2
    b.replaceSubrange(72..<80, with: [UInt8](repeating: 0xFF, count: 8))
    #expect(olic_parse(b, b.count, nil) == OLIC_ERR_MALFORMED)
    var p = olic_proposal()
    #expect(olic_parse_proposal(b, b.count, &p) == OLIC_ERR_MALFORMED)
  }

  /// confirmLicense re-checks every entry, not only the first: a passing
  /// two-signer license with a validity window goes through 12 + 3 x 2 = 18
  /// twins, and tripping any one of them is a fault.
  @Test func aTwoSignerCheckGoesThroughEveryEntrysTwins() {
    let blob = LicenseV2(validity: (100, 200)).bytes
    let fresh = thresholdDevice(three, k: 2)
    let (status, twins) = FaultInjection.withTrip(.max) { fresh.check(blob, now: 150) }
    #expect(status == OLIC_OK && twins == 18, "\(name(status)) after \(twins) twins")
    for k in 0...18 {
      let d = thresholdDevice(three, k: 2)
      let (s, seen) = FaultInjection.withTrip(k) { d.check(blob, now: 150) }
      if k < 18 {
        #expect(s == OLIC_ERR_FAULT && seen == k + 1, "twin \(k + 1): \(name(s)) after \(seen)")
      } else {
        #expect(s == OLIC_OK && seen == 18, "\(name(s)) after \(seen) twins")
      }
    }
  }

  /// olic_license_extension reads a partly signed v2 license (olic.h: it takes
  /// what olic_parse_proposal accepts), which olic_parse refuses.
  @Test func extensionsOfAPartlySignedLicense() {
    let part = LicenseV2(count: 3, signers: [regulator], validity: (1, 2)).bytes
    #expect(olic_parse(part, part.count, nil) == OLIC_ERR_MALFORMED)
    var e = olic_extension()
    #expect(olic_license_extension(part, part.count, 0, &e) == OLIC_OK)
    #expect(e.type == UInt16(OLIC_EXTENSION_VALIDITY) && e.length == 16 && e.offset == 76)
  }

  /// The tools' readers refuse an unknown critical extension as the device
  /// does, after the layout: parse_proposal, add_signature and the digest.
  @Test func proposalReadersRefuseAnUnknownCriticalExtension() {
    var fields = olic_license()
    fields.version = 2
    fields.signature_count = 2
    withUnsafeMutableBytes(of: &fields.device_id) { $0.copyBytes(from: thisDevice) }
    fields.license_id = 3
    fields.allowance = 10
    var value: [UInt8] = [1, 2]
    var out = [UInt8](repeating: 0, count: 1024)
    var length = 0
    let status = value.withUnsafeMutableBufferPointer { v -> olic_status in
      var e = olic_extension()
      e.type = UInt16(OLIC_EXTENSION_CRITICAL) | 0x0123
      e.length = 2
      e.value = UnsafePointer(v.baseAddress)
      return olic_encode_license(&fields, &e, 1, &out, out.count, &length)
    }
    #expect(status == OLIC_OK)
    var blob = Array(out[0..<length])
    #expect(olic_parse(blob, blob.count, nil) == OLIC_ERR_MALFORMED, "two empty entries")
    var p = olic_proposal()
    #expect(olic_parse_proposal(blob, blob.count, &p) == OLIC_ERR_UNSUPPORTED_EXTENSION)
    var digest = [UInt8](repeating: 7, count: 32)
    #expect(olic_license_digest(blob, blob.count, &digest) == OLIC_ERR_UNSUPPORTED_EXTENSION)
    #expect(digest == [UInt8](repeating: 0, count: 32))
    let before = blob
    let sig = regulator.sign(Array(blob[0..<(length - 144)]))
    #expect(olic_add_signature(&blob, blob.count, regulator.keyId, sig) == OLIC_ERR_UNSUPPORTED_EXTENSION)
    #expect(blob == before)
  }

  /// Two trusted keys that differ in one byte are distinct wherever the table
  /// lies: olic_init's repeat check compares every byte, in its word loop
  /// (8-aligned table) and in its byte loop (any other address). The keys are
  /// only hashed by olic_init, so they need not be curve points.
  @Test func keysDifferingInOneByteAreDistinctAtAnyAlignment() {
    let base = regulator.publicKey
    for shift in [0, 1, 3, 8] {
      for position in [0, 1, 7, 8, 31] {
        var other = base
        other[position] ^= 0x01
        for (pair, want) in [(base + other, OLIC_OK), (base + base, OLIC_ERR_ARGUMENT)] {
          let table = [UInt8](repeating: 0, count: shift) + pair
          let ram = RAMStorage()
          var storage = ram.storage
          #expect(olic_provision(&storage) == OLIC_OK)
          var config = olic_config()
          config.trusted_key_count = 2
          withUnsafeMutableBytes(of: &config.device_id) { $0.copyBytes(from: thisDevice) }
          var context = olic_context()
          let s = table.withUnsafeBufferPointer { t -> olic_status in
            config.trusted_keys = t.baseAddress.map { $0 + shift }
            return olic_init(&context, &config, &storage)
          }
          #expect(s == want, "table at +\(shift), keys differing in byte \(position): \(name(s))")
        }
      }
    }
  }
}
