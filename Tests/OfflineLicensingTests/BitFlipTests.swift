import COlic
import OfflineLicensing
import Testing

/// Every single-bit flip of a valid license is refused, with the status that
/// the first check it breaks must give. The expected status is derived here
/// from the field the bit lands in, by the spec's rules.
@Suite struct BitFlipTests {
  // Chosen so that single flips reach both time statuses: not_before 1024 -> 1056
  // (bit 5) opens after now; not_after 1056 -> 1024 (bit 5) closes before it.
  static let now: UInt64 = 1050
  static let spec = LicenseSpec(licenseId: 5, allowance: 1000, minFirmware: 0, validity: (1024, 1056))

  static func expected(bit: Int, flipped: [UInt8]) -> olic_status {
    let byte = bit / 8
    func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(flipped[o + $1]) << (8 * UInt64($1)) } }
    switch byte {
    case 0..<4: return OLIC_ERR_MALFORMED  // magic
    case 4: return OLIC_ERR_VERSION
    case 5..<8: return OLIC_ERR_MALFORMED  // type, total_length
    case 8..<16: return OLIC_ERR_UNKNOWN_KEY
    case 16..<48: return OLIC_ERR_DEVICE
    case 48..<56: return u64(48) == 0 ? OLIC_ERR_MALFORMED : OLIC_ERR_SIGNATURE  // id 5 -> 4, 1, or larger
    case 56..<64: return u64(56) == 0 ? OLIC_ERR_MALFORMED : OLIC_ERR_SIGNATURE
    case 64..<68:  // min_firmware 0 -> 2^k; the device runs firmware 100
      let v = UInt32(flipped[64]) | UInt32(flipped[65]) << 8 | UInt32(flipped[66]) << 16 | UInt32(flipped[67]) << 24
      return v > firmwareVersion ? OLIC_ERR_FIRMWARE : OLIC_ERR_SIGNATURE
    case 68..<72: return OLIC_ERR_MALFORMED  // flags
    case 72..<74:  // VALIDITY's type 0x8001
      let t = UInt16(flipped[72]) | UInt16(flipped[73]) << 8
      if t == 0x8002 { return OLIC_ERR_MALFORMED }  // BIND_REQUEST of length 16
      return t & 0x8000 != 0 ? OLIC_ERR_UNSUPPORTED_EXTENSION : OLIC_ERR_SIGNATURE
    case 74..<76: return OLIC_ERR_MALFORMED  // its length
    case 76..<92:
      let nb = u64(76), na = u64(84)
      if nb > na { return OLIC_ERR_MALFORMED }
      if now < nb { return OLIC_ERR_NOT_YET_VALID }
      if now > na { return OLIC_ERR_EXPIRED }
      return OLIC_ERR_SIGNATURE
    default: return OLIC_ERR_SIGNATURE
    }
  }

  @Test func everySingleBitFlipIsRefusedWithItsStatus() {
    let d = Device()
    let blob = Self.spec.bytes
    #expect(blob.count == 156)
    #expect(d.check(blob, now: Self.now) == OLIC_OK)
    var seen = Set<UInt32>()
    for bit in 0..<(blob.count * 8) {
      var b = blob
      b[bit / 8] ^= UInt8(1 << (bit % 8))
      let status = d.check(b, now: Self.now)
      let want = Self.expected(bit: bit, flipped: b)
      #expect(status == want, "bit \(bit): \(name(status)), expected \(name(want))")
      seen.insert(status.rawValue)
    }
    #expect(!seen.contains(OLIC_OK.rawValue))
    // The flips reach every check the fields can break.
    for s in [OLIC_ERR_MALFORMED, OLIC_ERR_VERSION, OLIC_ERR_UNSUPPORTED_EXTENSION, OLIC_ERR_UNKNOWN_KEY,
              OLIC_ERR_DEVICE, OLIC_ERR_FIRMWARE, OLIC_ERR_NOT_YET_VALID, OLIC_ERR_EXPIRED, OLIC_ERR_SIGNATURE] {
      #expect(seen.contains(s.rawValue), "\(name(s)) never seen")
    }
    #expect(d.ram.writes == 1)
  }
}
