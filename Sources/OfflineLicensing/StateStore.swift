import COlic

// A/B records in the platform's secure NVM (docs/format.md, "State").
//
// A commit writes the next generation into the slot that does NOT hold the
// current record, in one storage->write. A cut at any byte leaves that slot torn
// (its checksum fails) or complete, while the current record is never touched,
// so recovery finds exactly the state before or after the commit.

struct CommittedRecord {
  var state: olic_state_info
  var generation: UInt64
  var slot: UInt32
}

/// The storage if it is usable: both callbacks set and enough room for two slots.
func usableStorage(_ storage: UnsafePointer<olic_storage>?) -> olic_storage? {
  guard let storage, storage.pointee.read != nil, storage.pointee.write != nil,
    storage.pointee.size >= UInt32(OLIC_STORAGE_MIN_SIZE)
  else { return nil }
  return storage.pointee
}

/// Reads one slot. OLIC_ERR_STORAGE if the callback fails; nil if not intact.
func readRecord(_ storage: olic_storage, slot: UInt32) throws(olic_status) -> CommittedRecord? {
  guard let read = storage.read else { throw OLIC_ERR_ARGUMENT }
  var record = InlineArray<96, UInt8>(repeating: 0)
  let offset = slot == 0 ? 0 : UInt32(StateRecord.stride)
  let status = withUnsafeMutableBytes(of: &record) { buffer -> Int32 in
    read(storage.ctx, offset, buffer.baseAddress, UInt32(StateRecord.size))
  }
  guard status == 0 else { throw OLIC_ERR_STORAGE }
  guard let decoded = StateRecord.decode(record.span.bytes) else { return nil }
  return CommittedRecord(state: decoded.state, generation: decoded.generation, slot: slot)
}

/// Both slots, read before anything is decided (a read failure is OLIC_ERR_STORAGE).
func readBothRecords(_ storage: olic_storage) throws(olic_status) -> (a: CommittedRecord?, b: CommittedRecord?) {
  let a = try readRecord(storage, slot: 0)
  let b = try readRecord(storage, slot: 1)
  return (a, b)
}

/// The newest intact record. None intact is OLIC_ERR_STATE: never a fresh device.
/// Two intact records of one generation cannot come from olic's own writes, so
/// they are refused rather than guessed between.
func loadNewestRecord(_ storage: olic_storage) throws(olic_status) -> CommittedRecord {
  let (a, b) = try readBothRecords(storage)
  switch (a, b) {
  case (nil, nil):
    throw OLIC_ERR_STATE
  case (let only?, nil), (nil, let only?):
    return only
  case (let a?, let b?):
    guard a.generation != b.generation else { throw OLIC_ERR_STATE }
    return a.generation > b.generation ? a : b
  }
}

/// One storage->write of a whole record into `slot`.
func writeRecord(
  _ storage: olic_storage, slot: UInt32, generation: UInt64, state: olic_state_info
) throws(olic_status) {
  guard let write = storage.write else { throw OLIC_ERR_ARGUMENT }
  var record = InlineArray<96, UInt8>(repeating: 0)
  try withUnsafeMutableBytes(of: &record) { (buffer) throws(olic_status) in
    try StateRecord.encode(state, generation: generation, into: buffer)
  }
  let offset = slot == 0 ? 0 : UInt32(StateRecord.stride)
  let status = withUnsafeBytes(of: &record) { buffer -> Int32 in
    write(storage.ctx, offset, buffer.baseAddress, UInt32(StateRecord.size))
  }
  guard status == 0 else { throw OLIC_ERR_STORAGE }
}

/// Makes `next` the committed state of `context`: one write into the other slot,
/// and only after it succeeded does the context move on.
func commit(_ context: UnsafeMutablePointer<olic_context>, _ next: olic_state_info) throws(olic_status) {
  let generation = context.pointee.generation_
  // 2^64 - 1 commits cannot happen in a chip's life; refusing is still total.
  guard generation < UInt64.max else { throw OLIC_ERR_STATE }
  let slot: UInt32 = context.pointee.slot_ == 0 ? 1 : 0
  try writeRecord(context.pointee.storage_, slot: slot, generation: generation + 1, state: next)
  context.pointee.state_ = next
  context.pointee.generation_ = generation + 1
  context.pointee.slot_ = slot
}
