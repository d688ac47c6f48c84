import COlic

/// One NVM record (docs/format.md, "State"): 96 bytes, a BLAKE2b-256 checksum
/// over the first 64. The checksum detects torn writes, not attackers: the NVM is
/// assumed secure (docs/threat-model.md).
enum StateRecord {
  static let size = Int(OLIC_STATE_RECORD_SIZE)
  static let stride = Int(OLIC_STATE_SLOT_STRIDE)
  /// "OLST" as a little-endian u32; erased (0xFF) and blank (0x00) flash never match.
  static let magic: UInt32 = 0x5453_4C4F
  static let format: UInt32 = 1

  static let magicOffset = 0
  static let formatOffset = 4
  static let generationOffset = 8
  static let lastLicenseIdOffset = 16
  static let remainingOffset = 24
  static let consumedTotalOffset = 32
  static let requestSequenceOffset = 40
  static let timeHighWaterOffset = 48
  static let reservedOffset = 56
  static let checksumOffset = 64
  static let checksumSize = 32

  static func encode(
    _ state: olic_state_info, generation: UInt64, into b: UnsafeMutableRawBufferPointer
  ) throws(olic_status) {
    guard b.count == size, let base = b.baseAddress else { throw OLIC_ERR_BUFFER }
    try b.put32(magic, at: magicOffset)
    try b.put32(format, at: formatOffset)
    try b.put64(generation, at: generationOffset)
    try b.put64(state.last_license_id, at: lastLicenseIdOffset)
    try b.put64(state.remaining, at: remainingOffset)
    try b.put64(state.consumed_total, at: consumedTotalOffset)
    try b.put64(state.request_sequence, at: requestSequenceOffset)
    try b.put64(state.time_high_water, at: timeHighWaterOffset)
    try b.put64(0, at: reservedOffset)
    guard Crypto.blake2b256(base, length: checksumOffset, into: base + checksumOffset) else {
      throw OLIC_ERR_CRYPTO
    }
  }

  /// The state and generation of an intact record, or nil for anything else
  /// (blank, erased, torn, or another format).
  static func decode(_ s: RawSpan) -> (state: olic_state_info, generation: UInt64)? {
    guard s.byteCount == size else { return nil }
    var checksum = InlineArray<32, UInt8>(repeating: 0)
    let computed = s.withUnsafeBytes { record -> Bool in
      withUnsafeMutableBytes(of: &checksum) { out -> Bool in
        guard let r = record.baseAddress, let o = out.baseAddress else { return false }
        return Crypto.blake2b256(r, length: checksumOffset, into: o)
      }
    }
    guard computed else { return nil }
    let intact = withUnsafeBytes(of: &checksum) { s.equals($0, at: checksumOffset) }
    guard intact else { return nil }
    do throws(olic_status) {
      guard try s.le32(at: magicOffset) == magic, try s.le32(at: formatOffset) == format,
        try s.le64(at: reservedOffset) == 0
      else { return nil }
      var state = olic_state_info()
      state.last_license_id = try s.le64(at: lastLicenseIdOffset)
      state.remaining = try s.le64(at: remainingOffset)
      state.consumed_total = try s.le64(at: consumedTotalOffset)
      state.request_sequence = try s.le64(at: requestSequenceOffset)
      state.time_high_water = try s.le64(at: timeHighWaterOffset)
      let generation = try s.le64(at: generationOffset)
      guard generation != 0 else { return nil }
      return (state, generation)
    } catch {
      return nil
    }
  }
}
