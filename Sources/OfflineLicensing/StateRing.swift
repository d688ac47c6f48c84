import COlic

// The ring of record slots over the storage (docs/format.md, "State in secure NVM").
//
// Slot i is at offset i * 128; a commit writes the slot after the current one,
// wrapping. Boot must not hash every slot: it reads each slot's 16-byte header
// (magic, format, generation), then checks whole records from the highest
// generation down until one is intact. A torn commit costs one extra checksum,
// and erased, blank or random slots cost none (their magic is wrong). A header
// that claims a generation but whose checksum fails is skipped for good: a scan
// collects the highest claims below a bound (2 in the first scan, 8 after),
// checks them in order, and only if all fail scans again below the lowest.

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
    let header = try readSlot(storage, slot: slot, count: headerSize)
    let s = header.span.bytes.extracting(first: headerSize)
    guard try s.le32(at: StateRecord.magicOffset) == StateRecord.magic,
      try s.le32(at: StateRecord.formatOffset) == StateRecord.format
    else { return nil }
    let generation = try s.le64(at: StateRecord.generationOffset)
    return generation == 0 ? nil : generation
  }

  /// How many candidates a later scan of the headers collects. Boot hashes them
  /// in descending order and rescans only when all of them failed, so corrupt
  /// storage costs about slots / batch scans, not one scan per slot.
  static let batch = 8

  /// The highest claimed generations below `below` (any, when nil), descending:
  /// up to `limit` distinct ones, each with the first slot claiming it and
  /// whether another slot claims it too. A generation kept is the first slot's:
  /// the kept set only ever gains higher generations, so one that is kept at the
  /// end was kept from its first claim on.
  struct Claims {
    var generations = InlineArray<8, UInt64>(repeating: 0)
    var slots = InlineArray<8, UInt32>(repeating: 0)
    var shared = InlineArray<8, Bool>(repeating: false)
    var count = 0

    /// Collects at most `limit` (1 to `batch`) generations.
    let limit: Int

    init(limit: Int) { self.limit = max(1, min(limit, StateRing.batch)) }

    mutating func offer(_ generation: UInt64, slot: UInt32) {
      // Most slots of a healthy ring are older than every candidate kept.
      if count == limit, generation < generations[limit &- 1] { return }
      var at = 0
      while at < count, generations[at] > generation { at &+= 1 }
      if at < count, generations[at] == generation {
        shared[at] = true
        return
      }
      guard at < limit else { return }
      // Make room at `at`, dropping the lowest when full.
      var i = min(count, limit &- 1)
      while i > at {
        generations[i] = generations[i &- 1]
        slots[i] = slots[i &- 1]
        shared[i] = shared[i &- 1]
        i &-= 1
      }
      generations[at] = generation
      slots[at] = slot
      shared[at] = false
      count = min(count &+ 1, limit)
    }
  }

  static func newestClaims(_ storage: olic_storage, below: UInt64?, limit: Int) throws(olic_status) -> Claims {
    var claims = Claims(limit: limit)
    for slot in 0..<slotCount(storage.size) {
      guard let generation = try claimedGeneration(storage, slot: slot) else { continue }
      if let below, generation >= below { continue }
      claims.offer(generation, slot: slot)
    }
    return claims
  }

  /// The one intact record of `generation`, first claimed by `slot`; .nothing if
  /// none is intact (a torn or corrupt claim); .tie if two are.
  static func verify(
    _ storage: olic_storage, generation: UInt64, slot first: UInt32, shared: Bool
  ) throws(olic_status) -> Found {
    // Only a shared generation needs the later slots' headers: its first slot
    // is known to claim it, and an unshared one has no other slot to try.
    let end = shared ? slotCount(storage.size) : first &+ 1
    var found: CommittedRecord? = nil
    for slot in first..<max(first, end) {
      if shared, try claimedGeneration(storage, slot: slot) != generation { continue }
      guard let record = try readRecord(storage, slot: slot), record.generation == generation
      else { continue }
      guard found == nil else { return .tie }
      found = record
    }
    if let found { return .record(found) }
    return .nothing
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
    // Each scan either ends the search or lowers `below` past at least one
    // slot's claim, so the slot count bounds the scans.
    for scan in 0..<slotCount(storage.size) {
      // The first scan keeps two candidates, the newest and the one before it:
      // enough for a healthy ring and for one torn commit, and cheap per slot.
      let claims = try newestClaims(storage, below: below, limit: scan == 0 ? 2 : batch)
      guard claims.count > 0 else { return .nothing }
      for i in 0..<claims.count {
        let generation = claims.generations[i]
        let found = try verify(storage, generation: generation, slot: claims.slots[i], shared: claims.shared[i])
        if case .nothing = found {
          below = generation
          continue
        }
        return found
      }
    }
    return .nothing
  }
}
