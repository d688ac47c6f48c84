import COlic

/// olic_init stores this in ready_ on success only ("OLIC_RDY"). Any other value,
/// a zeroed context included, makes every call return OLIC_ERR_STATE.
let contextReadyMagic: UInt64 = 0x5944_525F_4349_4C4F

extension olic_context {
  var isReady: Bool { ready_ == contextReadyMagic }

  /// The state as the ABI reports it: the committed record plus this firmware's version.
  var stateInfo: olic_state_info { state_ }

  /// Index of the trusted key whose key_id equals that of the license's entry
  /// `entry`, if any (key_ids are distinct in the table: olic_init). Key_ids
  /// are public, so they are compared as words, not in constant time.
  func trustedKeyIndex(matching license: borrowing olic_license, entry: Int) -> Int? {
    guard entry >= 0, entry < Int(OLIC_MAX_SIGNERS) else { return nil }
    let want = entryKeyId(license, entry)
    var index = 0
    while index < min(Int(trusted_key_count_), Int(OLIC_MAX_TRUSTED_KEYS)) {
      if tableKeyId(self, index) == want { return index }
      index &+= 1
    }
    return nil
  }

  func isDevice(_ license: borrowing olic_license) -> Bool {
    withUnsafeBytes(of: license.device_id) { theirs in
      withUnsafeBytes(of: device_id_) { ours in
        guard let a = theirs.baseAddress, let b = ours.baseAddress else { return false }
        return sameBytes(a, b, count: Wire.deviceIdSize)
      }
    }
  }
}

/// Entry `entry`'s key_id (0 <= entry < 8), as a word.
@inline(__always)
func entryKeyId(_ license: borrowing olic_license, _ entry: Int) -> UInt64 {
  withUnsafeBytes(of: license.key_ids) { $0.loadUnaligned(fromByteOffset: entry &* Wire.keyIdSize, as: UInt64.self) }
}

/// The key_id of trusted key `index` (0 <= index < 8), as a word.
@inline(__always)
func tableKeyId(_ ctx: borrowing olic_context, _ index: Int) -> UInt64 {
  withUnsafeBytes(of: ctx.key_ids_) { $0.loadUnaligned(fromByteOffset: index &* Wire.keyIdSize, as: UInt64.self) }
}
