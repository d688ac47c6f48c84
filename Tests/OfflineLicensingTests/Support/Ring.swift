import COlic

/// The ring layout as docs/format.md states it, written out independently of the
/// core so that a test can say which offset a commit must write.
enum Ring {
  static let stride = Int(OLIC_STATE_SLOT_STRIDE)
  static let record = Int(OLIC_STATE_RECORD_SIZE)

  static func slots(_ size: Int) -> Int {
    min((size - record) / stride + 1, Int(OLIC_STATE_MAX_SLOTS))
  }

  /// The generation field of slot `slot`, as stored (not judged).
  static func generation(_ bytes: [UInt8], slot: Int) -> UInt64 {
    (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[slot * stride + 8 + $1]) << (8 * UInt64($1)) }
  }

  /// The slot whose header claims the highest generation among intact-looking ones
  /// ("OLST", format 1): in tests that never corrupt, the current slot.
  static func current(_ bytes: [UInt8]) -> Int {
    var best = -1
    var bestGeneration: UInt64 = 0
    for slot in 0..<slots(bytes.count) {
      let o = slot * stride
      guard bytes[o..<o + 8].elementsEqual([0x4F, 0x4C, 0x53, 0x54, 1, 0, 0, 0]) else { continue }
      let g = generation(bytes, slot: slot)
      if g > bestGeneration { (best, bestGeneration) = (slot, g) }
    }
    return best
  }
}

/// olic_init runs the ring's search twice: the second run is the recovery's
/// fault-hardening twin (docs/fault-hardening.md), so boot's reads double.
let recoveryPasses = 2
