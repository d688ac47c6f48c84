import COlic
import CSodium
import OfflineLicensing
import Testing

/// Corners of the ring's boot search that the mutation run found unpinned: a tie
/// that only matters once a newer claim fails, in either slot order, and what a
/// boot costs on storage with no claim at all.
@Suite struct RingEdgeTests {
  static func place(_ ram: RAMStorage, slot: Int, _ record: [UInt8]) {
    ram.bytes.replaceSubrange(slot * 128..<slot * 128 + 96, with: record)
  }

  static func torn(generation: UInt64) -> [UInt8] {
    var r = BoundaryTests.record(generation: generation, state: [9, 9, 9, 9, 9])
    r[70] ^= 0x01  // the checksum no longer matches; the header still claims the generation
    return r
  }

  /// The newest claim is torn and the generation below it is held by two intact
  /// records: that generation is now the newest intact one, and a tie is refused.
  @Test(arguments: [[0, 1, 2], [2, 0, 1], [1, 2, 0], [0, 3, 6]])
  func aTieBelowATornNewestIsRefused(slots: [Int]) {
    let ram = RAMStorage(size: 1000, fill: 0xFF)
    Self.place(ram, slot: slots[0], Self.torn(generation: 6))
    Self.place(ram, slot: slots[1], BoundaryTests.record(generation: 5, state: [1, 1, 1, 1, 1]))
    Self.place(ram, slot: slots[2], BoundaryTests.record(generation: 5, state: [2, 2, 2, 2, 2]))
    let d = Device(ram: ram, provision: false)
    #expect(d.boot() == OLIC_ERR_STATE, "slots \(slots)")
    var storage = ram.storage
    #expect(olic_provision(&storage) == OLIC_ERR_PROVISIONED, "a tie is not blank storage")
  }

  /// Two slots claim the newest generation, one torn and one intact: the intact
  /// one is the newest record, whichever slot comes first.
  @Test(arguments: [true, false])
  func aSharedClaimWithOneIntactRecordIsThatRecord(tornFirst: Bool) {
    let ram = RAMStorage(size: 1000, fill: 0xFF)
    Self.place(ram, slot: 0, BoundaryTests.record(generation: 4, state: [1, 1, 1, 1, 1]))
    Self.place(ram, slot: tornFirst ? 2 : 5, Self.torn(generation: 7))
    Self.place(ram, slot: tornFirst ? 5 : 2, BoundaryTests.record(generation: 7, state: [3, 3, 3, 3, 3]))
    let d = Device(ram: ram, provision: false)
    #expect(d.boot() == OLIC_OK)
    #expect(describe(d.state) == "lid=3 rem=3 used=3 seq=3 thw=3 fw=100")
    // The next commit follows the intact record's slot.
    #expect(d.reserve(1) == (OLIC_OK, 1))
    #expect(d.ram.lastWriteOffset == (tornFirst ? 6 : 3) * 128)
  }

  @Test(arguments: [256, 1000, 65536])
  func bootOnStorageWithoutAClaimReadsEachHeaderOnce(size: Int) {
    for fill: UInt8 in [0x00, 0xFF] {
      let ram = RAMStorage(size: size, fill: fill)
      let d = Device(ram: ram, provision: false)
      let reads = ram.reads
      #expect(d.boot() == OLIC_ERR_STATE)
      #expect(ram.reads - reads == Ring.slots(size), "one header read per slot, size \(size)")
      #expect(ram.recordReads == 0)
    }
  }

  /// A header that the magic, the format word or a zero generation alone rules
  /// out is never hashed.
  @Test func aHeaderRuledOutByMagicOrFormatAloneIsNeverHashed() {
    for (label, header) in [("magic", [0x4F, 0x4C, 0x53, 0x55] + le32(1) + le64(9)), ("format", [0x4F, 0x4C, 0x53, 0x54] + le32(2) + le64(9)),
                            ("generation 0", [0x4F, 0x4C, 0x53, 0x54] + le32(1) + le64(0))] {
      let ram = RAMStorage(size: 1000, fill: 0xFF)
      Self.place(ram, slot: 0, BoundaryTests.record(generation: 5, state: [1, 1, 1, 1, 1]))
      var fake = BoundaryTests.record(generation: 9, state: [9, 9, 9, 9, 9])
      fake.replaceSubrange(0..<16, with: header)
      Self.place(ram, slot: 3, fake)
      let d = Device(ram: ram, provision: false)
      let reads = ram.recordReads
      #expect(d.boot() == OLIC_OK, "\(label)")
      #expect(d.state.remaining == 1)
      let withFake = ram.recordReads - reads
      // The same storage without the fake slot: the fake must add no record read.
      Self.place(ram, slot: 3, [UInt8](repeating: 0xFF, count: 96))
      let before = ram.recordReads
      #expect(d.boot() == OLIC_OK)
      #expect(withFake == ram.recordReads - before, "only the real record is hashed (\(label))")
    }
  }
}
