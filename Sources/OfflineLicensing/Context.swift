import COlic

/// olic_init stores this in ready_ on success only ("OLIC_RDY"). Any other value,
/// a zeroed context included, makes every call return OLIC_ERR_STATE.
let contextReadyMagic: UInt64 = 0x5944_525F_4349_4C4F

extension olic_context {
  var isReady: Bool { ready_ == contextReadyMagic }

  /// The state as the ABI reports it: the committed record plus this firmware's version.
  var stateInfo: olic_state_info { state_ }

  /// Index of the trusted key whose key_id equals that of the license's entry
  /// `entry`, if any (key_ids are distinct in the table: olic_init).
  func trustedKeyIndex(matching license: borrowing olic_license, entry: Int) -> Int? {
    let count = Int(trusted_key_count_)
    guard entry >= 0, entry < Int(OLIC_MAX_SIGNERS) else { return nil }
    return withUnsafeBytes(of: license.key_ids) { wanted -> Int? in
      withUnsafeBytes(of: key_ids_) { ids -> Int? in
        guard let base = wanted.baseAddress, let table = ids.baseAddress else { return nil }
        let want = base + entry &* Wire.keyIdSize
        for index in 0..<min(count, Int(OLIC_MAX_TRUSTED_KEYS))
        where sameBytes(table + index &* Wire.keyIdSize, want, count: Wire.keyIdSize) {
          return index
        }
        return nil
      }
    }
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
