import COlic
import Testing

/// What boot reads in the three layouts whose cost the mutation run found
/// unpinned (docs/testing.md): every count is of header reads and record reads
/// (each record read is a checksum), both of the ring's search passes included.
@Suite struct RingCostTests {
  static func place(_ ram: RAMStorage, slot: Int, _ bytes: [UInt8]) {
    ram.bytes.replaceSubrange(slot * Ring.stride..<slot * Ring.stride + bytes.count, with: bytes)
  }

  /// Headers with the right magic and format that claim generation 0 are no
  /// claim at all: nothing is hashed, and the storage is as if blank.
  @Test func generationZeroHeadersAreNeverHashed() {
    let ram = RAMStorage(size: 1000, fill: 0xFF)
    let slots = Ring.slots(1000)
    for slot in 0..<slots { Self.place(ram, slot: slot, BoundaryTests.record(generation: 0)) }
    let d = Device(ram: ram, provision: false)
    let reads = ram.reads, records = ram.recordReads
    #expect(d.boot() == OLIC_ERR_STATE)
    #expect(ram.recordReads - records == 0)
    // One pass: the recovery's twin pass runs only after a record was found.
    #expect(ram.reads - reads == slots, "one header read per slot")
  }

  /// A torn commit costs one scan of the headers and two checksums per pass:
  /// the first scan already keeps the claim below the torn one.
  @Test func aTornCommitCostsOneScan() {
    let (d, remaining) = RingTests.states(size: 4096, commits: 40)
    d.ram.cut = (write: d.ram.writes + 1, keep: 40, reportFailure: false)
    _ = d.reserve(1)
    d.ram.cut = nil
    let reads = d.ram.reads, records = d.ram.recordReads
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == remaining.last!)
    #expect(d.ram.recordReads - records == 2 * recoveryPasses)
    #expect(d.ram.reads - reads == (Ring.slots(4096) + 2) * recoveryPasses, "one header per slot, two records")
  }

  /// A generation claimed by two slots hashes those two slots only, not every
  /// slot after the first of them.
  @Test(arguments: [true, false])
  func aSharedClaimHashesOnlyItsSlots(tornFirst: Bool) {
    let ram = RAMStorage(size: 1000, fill: 0xFF)
    Self.place(ram, slot: 0, BoundaryTests.record(generation: 4, state: [1, 1, 1, 1, 1]))
    Self.place(ram, slot: tornFirst ? 2 : 5, RingEdgeTests.torn(generation: 7))
    Self.place(ram, slot: tornFirst ? 5 : 2, BoundaryTests.record(generation: 7, state: [3, 3, 3, 3, 3]))
    let d = Device(ram: ram, provision: false)
    let reads = ram.reads, records = ram.recordReads
    #expect(d.boot() == OLIC_OK)
    #expect(describe(d.state) == "lid=3 rem=3 used=3 seq=3 thw=3 fw=100")
    #expect(ram.recordReads - records == 2 * recoveryPasses, "tornFirst \(tornFirst)")
    // Every header once, then the headers again from the first shared slot (2)
    // on, to find the slots claiming 7, and the two records.
    let slots = Ring.slots(1000)
    #expect(ram.reads - reads == (slots + (slots - 2) + 2) * recoveryPasses, "tornFirst \(tornFirst)")
  }
}
