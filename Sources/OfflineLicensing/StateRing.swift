import COlic

// The ring of record slots over the storage (docs/format.md, "State in secure NVM").
//
// Slot i is at offset i * 128; a commit writes the slot after the current one,
// wrapping. Boot must not hash every slot: it reads each slot's 16-byte header
// (magic, format, generation), then checks whole records from the highest
// generation down until one is intact. A torn commit costs one extra checksum,
// and erased, blank or random slots cost none (their magic is wrong). A header
// that claims a generation but whose checksum fails is skipped for good, so each
// round lowers the bound and the search ends within the slot count.

enum StateRing {
  static let headerSize = 16

  /// Slots in `size` bytes: the last needs only a record's 96 bytes, not the stride.
  static func slotCount(_ size: UInt32) -> UInt32 {
    let record = UInt32(StateRecord.size), stride = UInt32(StateRecord.stride)
    guard size >= UInt32(OLIC_STORAGE_MIN_SIZE) else { return 0 }
    return min((size - record) / stride + 1, UInt32(OLIC_STATE_MAX_SLOTS))
  }

  /// The byte offset of `slot`, if the slot is inside the ring.
  static func offset(of slot: UInt32, in storage: olic_storage) -> UInt32? {
    guard slot < slotCount(storage.size) else { return nil }
    return slot &* UInt32(StateRecord.stride)
  }

  /// The slot a commit after `slot` writes: the next one, the first after the last.
  static func slot(after slot: UInt32, in storage: olic_storage) -> UInt32 {
    let next = slot &+ 1
    return next < slotCount(storage.size) ? next : 0
  }

  /// The generation a slot's header claims, or nil when magic or format rule it
  /// out (such a slot can never be intact, so it is never hashed).
  static func claimedGeneration(_ storage: olic_storage, slot: UInt32) throws(olic_status) -> UInt64? {
    guard let read = storage.read, let offset = offset(of: slot, in: storage) else { throw OLIC_ERR_ARGUMENT }
    var header = InlineArray<16, UInt8>(repeating: 0)
    let status = withUnsafeMutableBytes(of: &header) { buffer -> Int32 in
      read(storage.ctx, offset, buffer.baseAddress, UInt32(headerSize))
    }
    guard status == 0 else { throw OLIC_ERR_STORAGE }
    let s = header.span.bytes
    guard try s.le32(at: StateRecord.magicOffset) == StateRecord.magic,
      try s.le32(at: StateRecord.formatOffset) == StateRecord.format
    else { return nil }
    let generation = try s.le64(at: StateRecord.generationOffset)
    return generation == 0 ? nil : generation
  }

  /// The highest claimed generation below `below` (any, when nil), the first slot
  /// claiming it, and whether another slot claims it too.
  static func newestClaim(_ storage: olic_storage, below: UInt64?) throws(olic_status)
    -> (generation: UInt64, slot: UInt32, shared: Bool)?
  {
    var best: (generation: UInt64, slot: UInt32, shared: Bool)? = nil
    for slot in 0..<slotCount(storage.size) {
      guard let generation = try claimedGeneration(storage, slot: slot) else { continue }
      if let below, generation >= below { continue }
      if let current = best, generation < current.generation { continue }
      if let current = best, generation == current.generation {
        best = (current.generation, current.slot, true)
      } else {
        best = (generation, slot, false)
      }
    }
    return best
  }

  enum Found {
    case record(CommittedRecord)
    /// Two intact records of the newest generation: olic's own writes never make that.
    case tie
    case nothing
  }

  /// The newest intact record. Never an older one while a newer one is intact:
  /// generations are tried strictly downwards and the first intact one wins.
  static func newest(_ storage: olic_storage) throws(olic_status) -> Found {
    var below: UInt64? = nil
    for _ in 0..<slotCount(storage.size) {
      guard let claim = try newestClaim(storage, below: below) else { return .nothing }
      if !claim.shared {
        if let record = try readRecord(storage, slot: claim.slot), record.generation == claim.generation {
          return .record(record)
        }
      } else {
        var found: CommittedRecord? = nil
        for slot in claim.slot..<slotCount(storage.size)
        where try claimedGeneration(storage, slot: slot) == claim.generation {
          guard let record = try readRecord(storage, slot: slot), record.generation == claim.generation
          else { continue }
          guard found == nil else { return .tie }
          found = record
        }
        if let found { return .record(found) }
      }
      below = claim.generation
    }
    return .nothing
  }
}
