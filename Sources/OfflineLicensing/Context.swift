import COlic

/// olic_init stores this in ready_ on success only ("OLIC_RDY"). Any other value,
/// a zeroed context included, makes every call return OLIC_ERR_STATE.
let contextReadyMagic: UInt64 = 0x5944_525F_4349_4C4F

extension olic_context {
  var isReady: Bool { ready_ == contextReadyMagic }

  /// The state as the ABI reports it: the committed record plus this firmware's version.
  var stateInfo: olic_state_info { state_ }

  /// Index of the first trusted key whose key_id equals `keyId`, if any.
  func trustedKeyIndex(matching keyId: borrowing olic_license) -> Int? {
    let count = Int(trusted_key_count_)
    return withUnsafeBytes(of: keyId.key_id) { wanted -> Int? in
      withUnsafeBytes(of: key_ids_) { ids -> Int? in
        guard let want = wanted.baseAddress, let table = ids.baseAddress else { return nil }
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
