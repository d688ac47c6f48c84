import COlic

// Records in the platform's secure NVM, in the ring of StateRing.swift
// (docs/format.md, "State in secure NVM").
//
// A commit writes the next generation into the slot after the current one, in
// one storage->write. A cut at any byte leaves that slot torn (its checksum
// fails) or complete, while the current record is never touched, so recovery
// finds exactly the state before or after the commit.

struct CommittedRecord {
  var state: olic_state_info
  var generation: UInt64
  var slot: UInt32
}

/// The storage if it is usable: both callbacks set and room for at least two slots.
func usableStorage(_ storage: UnsafePointer<olic_storage>?) -> olic_storage? {
  guard let storage, storage.pointee.read != nil, storage.pointee.write != nil,
    storage.pointee.size >= UInt32(OLIC_STORAGE_MIN_SIZE)
  else { return nil }
  return storage.pointee
}

/// Reads one slot. OLIC_ERR_STORAGE if the callback fails; nil if not intact.
func readRecord(_ storage: olic_storage, slot: UInt32) throws(olic_status) -> CommittedRecord? {
  let record = try readSlot(storage, slot: slot, count: StateRecord.size)
  guard let decoded = StateRecord.decode(record.span.bytes) else { return nil }
  return CommittedRecord(state: decoded.state, generation: decoded.generation, slot: slot)
}

/// The first `count` (at most a record's 96) bytes of `slot`, the rest zero.
/// The one reader of storage: OLIC_ERR_STORAGE if the callback fails.
@inline(never)
func readSlot(_ storage: olic_storage, slot: UInt32, count: Int) throws(olic_status) -> InlineArray<96, UInt8> {
  var bytes = InlineArray<96, UInt8>(repeating: 0)
  guard let read = storage.read, let offset = StateRing.offset(of: slot, in: storage),
    count >= 0, count <= StateRecord.size
  else { throw OLIC_ERR_ARGUMENT }
  let status = withUnsafeMutableBytes(of: &bytes) { buffer -> Int32 in
    read(storage.ctx, offset, buffer.baseAddress, UInt32(truncatingIfNeeded: count))
  }
  guard status == 0 else { throw OLIC_ERR_STORAGE }
  return bytes
}

/// Whether any slot holds an intact record (provisioning refuses then). A tie of
/// two intact records counts: that storage is not blank.
func hasIntactRecord(_ storage: olic_storage) throws(olic_status) -> Bool {
  switch try StateRing.newest(storage) {
  case .record, .tie: return true
  case .nothing: return false
  }
}

/// The newest intact record. None intact is OLIC_ERR_STATE: never a fresh device.
/// Two intact records of the newest generation cannot come from olic's own
/// writes, so they are refused rather than guessed between.
func loadNewestRecord(_ storage: olic_storage) throws(olic_status) -> CommittedRecord {
  switch try StateRing.newest(storage) {
  case .record(let record): return record
  case .tie, .nothing: throw OLIC_ERR_STATE
  }
}

/// One storage->write of a whole record into `slot`.
func writeRecord(
  _ storage: olic_storage, slot: UInt32, generation: UInt64, state: olic_state_info
) throws(olic_status) {
  guard let write = storage.write, let offset = StateRing.offset(of: slot, in: storage) else {
    throw OLIC_ERR_ARGUMENT
  }
  var record = InlineArray<96, UInt8>(repeating: 0)
  try withUnsafeMutableBytes(of: &record) { (buffer) throws(olic_status) in
    try StateRecord.encode(state, generation: generation, into: buffer)
  }
  var expected = state
  try withUnsafeBytes(of: &record) { (buffer) throws(olic_status) in
    try confirmEncoded(buffer, generation: generation, state: &expected)
  }
  let status = withUnsafeBytes(of: &record) { buffer -> Int32 in
    write(storage.ctx, offset, buffer.baseAddress, UInt32(StateRecord.size))
  }
  guard status == 0 else { throw OLIC_ERR_STORAGE }
}

/// Makes `next` the committed state of `context`: one write into the next slot of
/// the ring, and only after it succeeded does the context move on. A failed write
/// leaves the context where it was, so the retry overwrites the same slot.
func commit(_ context: UnsafeMutablePointer<olic_context>, _ next: olic_state_info) throws(olic_status) {
  let generation = context.pointee.generation_
  // 2^64 - 1 commits cannot happen in a chip's life; refusing is still total.
  guard generation < UInt64.max else { throw OLIC_ERR_STATE }
  let slot = StateRing.slot(after: context.pointee.slot_, in: context.pointee.storage_)
  try confirmCommitTarget(context, slot: slot, generation: generation + 1)
  try writeRecord(context.pointee.storage_, slot: slot, generation: generation + 1, state: next)
  context.pointee.state_ = next
  context.pointee.generation_ = generation + 1
  context.pointee.slot_ = slot
}
