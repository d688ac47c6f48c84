import COlic

// Twins of the NVM decisions (Hardening.swift says why): which record boot
// recovers, whether provisioning may write, and where and what a commit
// writes. A glitch there costs no signature: a commit written with a lower
// generation, or a boot that picks an older record, gives back allowance
// already reserved. As in Twins.swift, every twin comes before the write.

/// olic_init's recovery, taken a second time through the launder: the same
/// slot, generation and state, or a fault. A read failure now is the
/// platform's (OLIC_ERR_STORAGE), not a disagreement.
@inline(never)
func confirmRecovery(_ storage: UnsafePointer<olic_storage>, _ record: UnsafePointer<CommittedRecord>)
  throws(olic_status)
{
  let again: CommittedRecord
  do throws(olic_status) {
    again = try loadNewestRecord(launder(storage).pointee)
  } catch {
    guard error != OLIC_ERR_STORAGE else { throw error }
    throw faultDetected(nil)
  }
  let first = launder(record)
  guard twin(again.slot == first.pointee.slot && again.generation == first.pointee.generation) else {
    throw faultDetected(nil)
  }
  let sameState = withUnsafeBytes(of: again.state) { a -> Bool in
    withUnsafeBytes(of: first.pointee.state) { b -> Bool in
      guard let x = a.baseAddress, let y = b.baseAddress else { return false }
      return sameBytes(x, y, count: MemoryLayout<olic_state_info>.size)
    }
  }
  guard twin(sameState) else { throw faultDetected(nil) }
}

/// olic_provision writes only to storage with no intact record: asked again.
@inline(never)
func confirmBlank(_ storage: UnsafePointer<olic_storage>) throws(olic_status) {
  guard twin(try !hasIntactRecord(launder(storage).pointee)) else { throw faultDetected(nil) }
}

/// A commit's target, re-derived from the context right before the write: the
/// generation after the current one, and the slot after the current one.
@inline(never)
func confirmCommitTarget(_ context: UnsafeMutablePointer<olic_context>, slot: UInt32, generation: UInt64)
  throws(olic_status)
{
  let ctx = launder(context)
  guard twin(stillReady(ctx)) else { throw faultDetected(context) }
  let current = launder(ctx.pointee.generation_)
  guard twin(current < UInt64.max && launder(generation) == current &+ 1) else { throw faultDetected(context) }
  let expected = StateRing.slot(after: launder(ctx).pointee.slot_, in: ctx.pointee.storage_)
  guard twin(launder(slot) == expected) else { throw faultDetected(context) }
}

/// The encoded record says what the commit meant to write: read back from the
/// very bytes that go to storage, against the caller's values.
@inline(never)
func confirmEncoded(
  _ record: UnsafeRawBufferPointer, generation: UInt64, state: UnsafePointer<olic_state_info>
) throws(olic_status) {
  let s = launder(state)
  guard let base = record.baseAddress, record.count == StateRecord.size else { throw faultDetected(nil) }
  func field(_ offset: Int) -> UInt64 {
    UInt64(littleEndian: launderRaw(base).loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }
  guard twin(field(StateRecord.generationOffset) == launder(generation)) else { throw faultDetected(nil) }
  guard
    twin(
      field(StateRecord.lastLicenseIdOffset) == s.pointee.last_license_id
        && field(StateRecord.remainingOffset) == s.pointee.remaining
        && field(StateRecord.consumedTotalOffset) == s.pointee.consumed_total
        && field(StateRecord.requestSequenceOffset) == s.pointee.request_sequence
        && field(StateRecord.timeHighWaterOffset) == s.pointee.time_high_water)
  else { throw faultDetected(nil) }
}
