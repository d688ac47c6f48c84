import COlic
import OfflineLicensing
import Testing

/// Section 6: a power cut at any byte of any write leaves, after olic_init, exactly
/// the state before that operation or exactly the state after it, on every ring
/// size: the two-slot minimum, a size that is no multiple of the 128-byte stride
/// (1000 bytes: 8 slots and 8 spare bytes), and 4 KiB (32 slots).
@Suite struct PowerCutTests {
  static let sizes = [256, 1000, 4096]

  /// The scripted scenario: every step is one state change, hence one write.
  /// install, reserve, request, a bound install, then reserve to exhaustion.
  static let steps: [(String, @Sendable (Device) -> olic_status)] = [
    ("install 1", { $0.install(LicenseSpec(licenseId: 1, allowance: 1000, validity: (100, 200)).bytes, now: 150) }),
    ("reserve 300", { $0.reserve(300).0 }),
    ("request", { $0.request().0 }),
    ("install bound 2", { $0.install(LicenseSpec(licenseId: 2, allowance: 500, bindRequest: 1).bytes, now: 160) }),
    ("reserve 600", { $0.reserve(600).0 }),
    ("reserve 600", { $0.reserve(600).0 }),
  ]

  /// The state after each step, from a run without a cut (index 0: provisioned).
  static func referenceStates() -> [olic_state_info] {
    let d = Device()
    var states = [d.state]
    for (_, step) in steps {
      let writes = d.ram.writes
      _ = step(d)
      #expect(d.ram.writes == writes + 1, "each step is exactly one write")
      states.append(d.state)
    }
    return states
  }

  @Test func referenceScenarioEndsExhausted() {
    let states = Self.referenceStates()
    #expect(describe(states.last!) == "lid=2 rem=0 used=1500 seq=1 thw=160 fw=100")
    let d = Device()
    for (_, step) in Self.steps { #expect(step(d) == OLIC_OK) }
    #expect(d.reserve(1) == (OLIC_ERR_EXHAUSTED, 0))
  }

  @Test(arguments: [true, false], sizes)
  func cutAtEveryWriteRecoversBeforeOrAfter(reportFailure: Bool, size: Int) {
    let states = Self.referenceStates()
    let recordSize = Int(OLIC_STATE_RECORD_SIZE)
    for index in 0..<Self.steps.count {
      for keep in [0, 1, recordSize / 2, recordSize - 1, recordSize] {
        let d = Device(ram: RAMStorage(size: size))
        for (_, step) in Self.steps[0..<index] { #expect(step(d) == OLIC_OK) }
        // The next write (provisioning was write 1) is torn.
        d.ram.cut = (write: d.ram.writes + 1, keep: keep, reportFailure: reportFailure)
        let status = Self.steps[index].1(d)
        #expect(d.ram.cutHappened)
        let label = "\(Self.steps[index].0), keep \(keep), failure reported: \(reportFailure)"
        if reportFailure {
          #expect(status == OLIC_ERR_STORAGE, "\(label)")
          #expect(same(d.state, states[index]), "the context keeps the committed state: \(label)")
        } else {
          #expect(status == OLIC_OK, "\(label)")
        }

        // Reboot on whatever the NVM holds.
        d.ram.cut = nil
        #expect(d.boot() == OLIC_OK, "\(label)")
        let recovered = d.state
        let before = states[index], after = states[index + 1]
        #expect(same(recovered, before) || same(recovered, after), "\(label): \(describe(recovered))")
        if keep == 0 { #expect(same(recovered, before), "\(label)") }
        if keep == recordSize { #expect(same(recovered, after), "\(label)") }

        // The device goes on from there, and its next commits are sound.
        let resumed = d.ram.writes
        _ = d.install(LicenseSpec(licenseId: 50, allowance: 7).bytes, now: 170)
        #expect(d.ram.writes == resumed + 1)
        #expect(d.boot() == OLIC_OK)
        #expect(d.state.last_license_id == 50 && d.state.remaining == recovered.remaining + 7, "\(label)")
      }
    }
  }

  @Test func failureReportedAfterAFullWriteThenMoreCommits() {
    // The write landed but the callback said it failed: the context stays on
    // the old state and the next commit overwrites the same (newer) slot, so
    // the landed-but-unacknowledged state never resurfaces.
    let d = Device()
    #expect(d.install(LicenseSpec(allowance: 100).bytes) == OLIC_OK)
    d.ram.cut = (write: d.ram.writes + 1, keep: Int(OLIC_STATE_RECORD_SIZE), reportFailure: true)
    #expect(d.reserve(40) == (OLIC_ERR_STORAGE, 0))
    d.ram.cut = nil
    #expect(d.state.remaining == 100)
    #expect(d.reserve(10) == (OLIC_OK, 10))
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == 90 && d.state.consumed_total == 10)
  }

  @Test(arguments: sizes)
  func cutDuringProvisioningOfBlankStorage(size: Int) {
    let recordSize = Int(OLIC_STATE_RECORD_SIZE)
    for keep in [0, 1, recordSize / 2, recordSize - 1] {
      for reportFailure in [true, false] {
        let ram = RAMStorage(size: size)
        var storage = ram.storage
        ram.cut = (write: 1, keep: keep, reportFailure: reportFailure)
        #expect(olic_provision(&storage) == (reportFailure ? OLIC_ERR_STORAGE : OLIC_OK))
        ram.cut = nil
        let d = Device(ram: ram, provision: false)
        #expect(d.boot() == OLIC_ERR_STATE, "keep \(keep)")
        #expect(olic_provision(&storage) == OLIC_OK, "provisioning may run again")
        #expect(d.boot() == OLIC_OK)
      }
    }
    let ram = RAMStorage(size: size)
    var storage = ram.storage
    ram.cut = (write: 1, keep: recordSize, reportFailure: false)
    #expect(olic_provision(&storage) == OLIC_OK)
    #expect(Device(ram: ram, provision: false).boot() == OLIC_OK)
  }

  @Test(arguments: sizes)
  func cutAtEveryByteOfOneWrite(size: Int) {
    // Every prefix length, not only the five above, for one reservation.
    for keep in 0...Int(OLIC_STATE_RECORD_SIZE) {
      let d = Device(ram: RAMStorage(size: size))
      #expect(d.install(LicenseSpec(allowance: 100).bytes) == OLIC_OK)
      #expect(d.reserve(10) == (OLIC_OK, 10))
      d.ram.cut = (write: d.ram.writes + 1, keep: keep, reportFailure: false)
      _ = d.reserve(25)
      d.ram.cut = nil
      #expect(d.boot() == OLIC_OK)
      let expected: UInt64 = keep == Int(OLIC_STATE_RECORD_SIZE) ? 65 : 90
      #expect(d.state.remaining == expected, "keep \(keep)")
    }
  }
}
