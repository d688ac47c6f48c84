import COlic
import OfflineLicensing
import Testing

/// The ring of record slots (docs/format.md, "State in secure NVM"): where each
/// commit lands, which record boot takes, and what boot costs.
@Suite struct RingTests {
  static let record = Ring.record
  static let stride = Ring.stride

  /// A provisioned device on `size` bytes of `fill`, with 1,000,000 units installed.
  static func device(size: Int, fill: UInt8 = 0xFF) -> Device {
    let d = Device(ram: RAMStorage(size: size, fill: fill))
    #expect(d.install(LicenseSpec(licenseId: 1, allowance: 1_000_000).bytes) == OLIC_OK)
    return d
  }

  @Test(arguments: [(256, 2), (351, 2), (352, 3), (1000, 8), (4000, 31), (4096, 32), (65536, 512), (65503, 511), (65504, 512),
                    (1 << 20, 512), (Int(UInt32.max), 512)])
  func commitsGoRoundTheRing(size: Int, slots: Int) {
    #expect(Ring.slots(size) == slots)
    // Sizes past the cap are not allocated: olic never touches bytes past 64 KiB,
    // and a RAM storage that only backs the first 64 KiB proves it.
    let backed = min(size, 65536)
    let ram = RAMStorage(size: backed, fill: 0xFF)
    var storage = ram.storage
    storage.size = UInt32(size)
    #expect(olic_provision(&storage) == OLIC_OK)
    #expect(ram.lastWriteOffset == 0 && ram.writes == 1)
    let d = Device(ram: ram, provision: false)
    d.storage = storage
    #expect(d.boot() == OLIC_OK)
    #expect(d.install(LicenseSpec(licenseId: 1, allowance: 1_000_000).bytes) == OLIC_OK)
    var writesPerSlot = [Int](repeating: 0, count: slots)
    writesPerSlot[0] = 1
    writesPerSlot[1 % slots] += 1
    #expect(ram.lastWriteOffset == (1 % slots) * Self.stride)
    for i in 2..<(3 * slots) {
      #expect(d.reserve(1) == (OLIC_OK, 1))
      #expect(ram.lastWriteOffset == (i % slots) * Self.stride, "commit \(i)")
      #expect(ram.lastWriteLength == Self.record)
      writesPerSlot[i % slots] += 1
    }
    #expect(writesPerSlot.allSatisfy { $0 == 3 }, "each slot takes 1/N of the writes")
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == 1_000_000 - UInt64(3 * slots - 2))
  }

  @Test func tooSmallIsRefused() {
    let ram = RAMStorage(size: 255)
    var storage = ram.storage
    #expect(olic_provision(&storage) == OLIC_ERR_ARGUMENT)
    #expect(ram.writes == 0 && ram.reads == 0)
  }

  /// The state after `n` reservations of 1 on a ring of `size`, by reboot.
  static func states(size: Int, commits: Int) -> (Device, [UInt64]) {
    let d = device(size: size)
    var remaining = [d.state.remaining]
    for _ in 0..<commits {
      #expect(d.reserve(1).0 == OLIC_OK)
      remaining.append(d.state.remaining)
    }
    return (d, remaining)
  }

  static func corrupt(_ d: Device, slot: Int, at byte: Int = 70) {
    d.ram.bytes[slot * stride + byte] ^= 0x01
  }

  @Test(arguments: [256, 1000, 4096])
  func corruptNewestFallsBackToTheOneBefore(size: Int) {
    let slots = Ring.slots(size)
    // Past the wrap, so the slot before slot 0 is the last one.
    for commits in [slots - 1, slots, slots + 1, 2 * slots + 3] {
      let (d, remaining) = Self.states(size: size, commits: commits)
      let newest = Ring.current(d.ram.bytes)
      Self.corrupt(d, slot: newest)
      #expect(d.boot() == OLIC_OK)
      #expect(d.state.remaining == remaining[remaining.count - 2], "size \(size), \(commits) commits")
      // The device goes on, writing over the corrupt slot next.
      #expect(d.reserve(1).0 == OLIC_OK)
      #expect(d.ram.lastWriteOffset == newest * Self.stride)
      #expect(d.boot() == OLIC_OK)
      #expect(d.state.remaining == remaining[remaining.count - 2] - 1)
    }
  }

  @Test(arguments: [1000, 4096])
  func corruptNewestTwoFallBackTwo(size: Int) {
    let slots = Ring.slots(size)
    let (d, remaining) = Self.states(size: size, commits: slots + 2)
    let newest = Ring.current(d.ram.bytes)
    Self.corrupt(d, slot: newest)
    Self.corrupt(d, slot: (newest + slots - 1) % slots, at: 3)
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == remaining[remaining.count - 3])
  }

  @Test(arguments: [256, 1000, 4096])
  func neverAnOlderOneWhenANewerIsIntact(size: Int) {
    let slots = Ring.slots(size)
    let (d, remaining) = Self.states(size: size, commits: 2 * slots + 1)
    let newest = Ring.current(d.ram.bytes)
    // Every other slot corrupt, in any byte: the newest still wins.
    for slot in 0..<slots where slot != newest { Self.corrupt(d, slot: slot, at: slot % Self.record) }
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == remaining.last!)
  }

  @Test func plausibleHeadersWithImpossibleGenerationsAreSkipped() {
    // Headers that claim the highest generations (all FF, and just above the
    // newest) over erased or random bytes: checked, failed, and never chosen.
    let (d, remaining) = Self.states(size: 4096, commits: 40)
    let newest = Ring.current(d.ram.bytes)
    var lcg: UInt32 = 1
    for (k, slot) in [(newest + 3) % 32, (newest + 9) % 32, (newest + 1) % 32].enumerated() {
      let o = slot * Self.stride
      for i in 0..<Self.record {
        lcg = lcg &* 1_103_515_245 &+ 12345
        d.ram.bytes[o + i] = k == 0 ? 0xFF : UInt8(truncatingIfNeeded: lcg >> 16)
      }
      d.ram.bytes.replaceSubrange(o..<o + 8, with: [0x4F, 0x4C, 0x53, 0x54, 1, 0, 0, 0])
      let g: UInt64 = k == 0 ? .max : k == 1 ? .max - 1 : Ring.generation(d.ram.bytes, slot: newest) + 1
      d.ram.bytes.replaceSubrange(o + 8..<o + 16, with: le64(g))
    }
    let reads = d.ram.recordReads
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == remaining.last!)
    #expect(d.ram.recordReads - reads == 4 * recoveryPasses, "three impossible candidates, then the newest")
    #expect(d.reserve(1).0 == OLIC_OK)
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == remaining.last! - 1)
  }

  @Test(arguments: [1, 7, 8, 9, 17, 31])
  func fallsBackPastManyCorruptNewerRecords(corrupt: Int) {
    // Across the 8-candidate batches of one header scan: the newest intact
    // record is found however many newer ones are corrupt.
    let (d, remaining) = Self.states(size: 4096, commits: 70)
    let newest = Ring.current(d.ram.bytes)
    for k in 0..<corrupt { Self.corrupt(d, slot: (newest + 32 - k) % 32, at: 20 + k) }
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == remaining[remaining.count - 1 - corrupt], "\(corrupt) corrupt")
    #expect(d.reserve(1).0 == OLIC_OK)
    #expect(d.ram.lastWriteOffset == (newest + 33 - corrupt) % 32 * Self.stride)
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == remaining[remaining.count - 1 - corrupt] - 1)
  }

  @Test(arguments: [256, 4096, 65536])
  func bootHashesOneRecordOnAHealthyRing(size: Int) {
    let (d, _) = Self.states(size: size, commits: Ring.slots(size) + 5)
    let reads = d.ram.recordReads, all = d.ram.reads
    #expect(d.boot() == OLIC_OK)
    #expect(d.ram.recordReads - reads == 1 * recoveryPasses)
    #expect(d.ram.reads - all == (Ring.slots(size) + 1) * recoveryPasses, "one header per slot, one record")
  }

  @Test func bootAfterATornCommitHashesTwo() {
    let (d, remaining) = Self.states(size: 65536, commits: 600)
    d.ram.cut = (write: d.ram.writes + 1, keep: 40, reportFailure: false)
    _ = d.reserve(1)
    d.ram.cut = nil
    let reads = d.ram.recordReads
    #expect(d.boot() == OLIC_OK)
    #expect(d.ram.recordReads - reads == 2 * recoveryPasses)
    #expect(d.state.remaining == remaining.last!)
  }

  @Test func corruptStorageIsBoundedByTheSlotCount() {
    // Every slot claims a distinct generation and none is intact: boot hashes each
    // once and says OLIC_ERR_STATE; it is not a fresh device.
    let ram = RAMStorage(size: 4096, fill: 0xA5)
    for slot in 0..<32 {
      ram.bytes.replaceSubrange(slot * 128..<slot * 128 + 16, with: [0x4F, 0x4C, 0x53, 0x54, 1, 0, 0, 0] + le64(UInt64(slot * 7 + 1)))
    }
    let d = Device(ram: ram, provision: false)
    let reads = ram.recordReads, all = ram.reads
    #expect(d.boot() == OLIC_ERR_STATE)
    #expect(ram.recordReads - reads == 32)
    // The first scan of the 32 headers yields 2 candidates, each later one the
    // next 8: 2 + 8 + 8 + 8 + 6 in five scans, and a sixth finds none left.
    #expect(ram.reads - all - 32 == 6 * 32, "header reads")
    #expect(ram.writes == 0)
    #expect(d.reserve(1) == (OLIC_ERR_STATE, 0))
  }

  @Test(arguments: [0x00, 0xFF, 0x5A] as [UInt8])
  func blankOrErasedIsNeverAFreshDevice(fill: UInt8) {
    for size in [256, 1000, 4096, 65536] {
      let ram = RAMStorage(size: size, fill: fill)
      let d = Device(ram: ram, provision: false)
      #expect(d.boot() == OLIC_ERR_STATE)
      #expect(ram.recordReads == 0, "no header claims a record, so nothing is hashed")
      var storage = ram.storage
      #expect(olic_provision(&storage) == OLIC_OK)
      #expect(ram.writes == 1 && ram.lastWriteOffset == 0)
      #expect(d.boot() == OLIC_OK)
      #expect(describe(d.state) == "lid=0 rem=0 used=0 seq=0 thw=0 fw=100")
    }
  }

  @Test func provisionRefusesAnIntactRecordInAnySlot() {
    let (d, _) = Self.states(size: 4096, commits: 20)
    let newest = Ring.current(d.ram.bytes)
    #expect(newest > 1)
    // Only the newest is left intact, far from slots 0 and 1.
    for slot in 0..<32 where slot != newest { d.ram.bytes[slot * 128] = 0xFF }
    let before = d.ram.bytes, writes = d.ram.writes
    var storage = d.ram.storage
    #expect(olic_provision(&storage) == OLIC_ERR_PROVISIONED)
    #expect(d.ram.bytes == before && d.ram.writes == writes)
  }

  @Test func twoIntactRecordsOfTheNewestGenerationAreRefused() {
    let (d, remaining) = Self.states(size: 4096, commits: 40)
    let newest = Ring.current(d.ram.bytes)
    let copy = Array(d.ram.bytes[newest * 128..<newest * 128 + 96])
    let other = (newest + 5) % 32
    var tied = d.ram.bytes
    tied.replaceSubrange(other * 128..<other * 128 + 96, with: copy)
    d.ram.bytes = tied
    #expect(d.boot() == OLIC_ERR_STATE)
    var storage = d.ram.storage
    #expect(olic_provision(&storage) == OLIC_ERR_PROVISIONED)

    // A tie below the newest does not matter: the newest is intact and wins.
    let (e, later) = Self.states(size: 4096, commits: 40)
    let top = Ring.current(e.ram.bytes)
    let older = (top + 32 - 3) % 32
    e.ram.bytes.replaceSubrange((top + 4) % 32 * 128..<(top + 4) % 32 * 128 + 96,
                                with: e.ram.bytes[older * 128..<older * 128 + 96])
    #expect(e.boot() == OLIC_OK)
    #expect(e.state.remaining == later.last!)
    #expect(remaining == later)
  }

  @Test func aFailedWriteIsRetriedInTheSameSlot() {
    let d = Self.device(size: 1000)
    for _ in 0..<5 { #expect(d.reserve(1).0 == OLIC_OK) }
    let target = d.ram.lastWriteOffset + Self.stride
    d.ram.failWrites = true
    #expect(d.reserve(5) == (OLIC_ERR_STORAGE, 0))
    #expect(d.ram.lastWriteOffset == target)
    d.ram.failWrites = false
    #expect(d.reserve(5) == (OLIC_OK, 5))
    #expect(d.ram.lastWriteOffset == target)
    #expect(d.reserve(1).0 == OLIC_OK)
    #expect(d.ram.lastWriteOffset == 0, "slot 7 was the last of 8: the ring wraps")
  }

  @Test func aReadFailureIsAStorageError() {
    let d = Self.device(size: 4096)
    d.ram.failReads = true
    #expect(d.boot() == OLIC_ERR_STORAGE)
    var storage = d.ram.storage
    #expect(olic_provision(&storage) == OLIC_ERR_STORAGE)
  }
}
