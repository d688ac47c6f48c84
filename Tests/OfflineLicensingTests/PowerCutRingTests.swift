import COlic
import OfflineLicensing
import Testing

/// Power cuts all the way round the ring, through the wrap from the last slot to
/// the first, and on slots that still hold the previous lap's records.
@Suite struct PowerCutRingTests {
  /// 256: two slots; 352: three slots exactly; 1000: no multiple of the stride;
  /// 4096: 32 slots.
  static let sizes = [256, 352, 1000, 4096]
  static let record = Int(OLIC_STATE_RECORD_SIZE)

  /// Reboots a copy of `bytes`, tears its next commit (a reservation of 3) after
  /// `keep` bytes, reboots, and returns the remaining allowance it finds.
  static func tear(_ bytes: [UInt8], keep: Int, reportFailure: Bool) -> (olic_status, UInt64, Int) {
    let d = Device(ram: RAMStorage(bytes: bytes), provision: false)
    guard d.boot() == OLIC_OK else { return (OLIC_ERR_STATE, 0, -1) }
    d.ram.cut = (write: 1, keep: keep, reportFailure: reportFailure)
    let status = d.reserve(3).0
    let offset = d.ram.lastWriteOffset
    d.ram.cut = nil
    guard d.boot() == OLIC_OK else { return (OLIC_ERR_STATE, 0, offset) }
    // The device must go on from there: one more commit, one more write.
    let writes = d.ram.writes
    guard d.reserve(1).0 == OLIC_OK, d.ram.writes == writes + 1, d.boot() == OLIC_OK else {
      return (OLIC_ERR_STORAGE, 0, offset)
    }
    return (status, d.state.remaining + 1, offset)
  }

  @Test(arguments: sizes)
  func cutsAtEveryCommitOfTwoLaps(size: Int) {
    let slots = Ring.slots(size)
    let d = Device(ram: RAMStorage(size: size, fill: 0xFF))
    #expect(d.install(LicenseSpec(licenseId: 1, allowance: 100_000).bytes) == OLIC_OK)
    for commit in 0..<(2 * slots + 2) {
      let before = d.ram.bytes
      let remaining = d.state.remaining
      let target = (Ring.current(before) + 1) % slots
      let keeps = [0, 1, 8, 15, 16, 17, 63, 64, 65, 95, 96]
      for keep in keeps {
        for reportFailure in [true, false] {
          let (status, found, offset) = Self.tear(before, keep: keep, reportFailure: reportFailure)
          let label = "size \(size) commit \(commit) keep \(keep) failure \(reportFailure)"
          #expect(offset == target * Ring.stride, "\(label)")
          #expect(status == (reportFailure ? OLIC_ERR_STORAGE : OLIC_OK), "\(label)")
          #expect(found == remaining || found == remaining - 3, "\(label): \(found)")
          #expect(found == (keep == Self.record ? remaining - 3 : remaining), "\(label): \(found)")
        }
      }
      #expect(d.reserve(3).0 == OLIC_OK)
    }
  }

  @Test(arguments: sizes)
  func cutAtEveryByteOfTheWrap(size: Int) {
    // The commit from the last slot to the first, torn at every byte, over the
    // previous lap's record in slot 0.
    let slots = Ring.slots(size)
    let d = Device(ram: RAMStorage(size: size, fill: 0x00))
    #expect(d.install(LicenseSpec(licenseId: 1, allowance: 100_000).bytes) == OLIC_OK)
    while Ring.current(d.ram.bytes) != slots - 1 { #expect(d.reserve(3).0 == OLIC_OK) }
    for _ in 0..<slots { #expect(d.reserve(3).0 == OLIC_OK) }
    #expect(Ring.current(d.ram.bytes) == slots - 1, "a full lap later, at the last slot again")
    let remaining = d.state.remaining
    for keep in 0...Self.record {
      for reportFailure in [true, false] {
        let (status, found, offset) = Self.tear(d.ram.bytes, keep: keep, reportFailure: reportFailure)
        #expect(offset == 0)
        #expect(status == (reportFailure ? OLIC_ERR_STORAGE : OLIC_OK))
        #expect(found == (keep == Self.record ? remaining - 3 : remaining), "size \(size) keep \(keep): \(found)")
      }
    }
  }

  @Test(arguments: sizes)
  func aCutThatRebootsTwiceInARow(size: Int) {
    // A torn slot is the next target again after a reboot, and a second cut there
    // still leaves the state before.
    let d = Device(ram: RAMStorage(size: size, fill: 0xFF))
    #expect(d.install(LicenseSpec(licenseId: 1, allowance: 100).bytes) == OLIC_OK)
    for _ in 0..<Ring.slots(size) { #expect(d.reserve(1).0 == OLIC_OK) }
    let remaining = d.state.remaining
    for keep in [10, 50] {
      d.ram.cut = (write: d.ram.writes + 1, keep: keep, reportFailure: false)
      _ = d.reserve(7)
      d.ram.cut = nil
      #expect(d.boot() == OLIC_OK)
      #expect(d.state.remaining == remaining)
    }
    #expect(d.reserve(7) == (OLIC_OK, 7))
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == remaining - 7)
  }
}
