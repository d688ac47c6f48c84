import COlic
import Testing

@testable import OfflineLicensing

/// How many twin checks each passing hardened call goes through, exactly.
/// FaultHardeningTests trips each twin in turn and holds the call to failing
/// closed, but a twin deleted from the core (its check gone) leaves every other
/// twin failing closed: only the count tells. The counts are the sum of the
/// twin sites on the path (Twins.swift, StateTwins.swift), given per call.
@Suite struct TwinCountTests {
  static let expected: [String: Int] = [
    // confirmLicense on a v1 license (n = 1): steps, re-parse bytes, ready,
    // signature, signer count, verified count, threshold, then per entry its
    // key id, its result and its tag (3 x n), device, replay, binding,
    // firmware, time = 12 + 3n = 15.
    "olic_check": 15,
    // The check's 15, confirmInstall's 6 (ready, approval, signature, device,
    // replay, next state), the commit's target (ready, generation, slot) and
    // its encoded record (generation, fields): 15 + 6 + 3 + 2.
    "olic_install": 26,
    // confirmReserve's 5 (ready, steps, non-zero, grant, next state) + 3 + 2.
    "olic_reserve": 10,
    // confirmRequest's 6 (ready, steps, capacity, key pair, sequence, next
    // state) + 3 + 2.
    "olic_make_request": 11,
    // olic_state's ready twin.
    "olic_state": 1,
  ]

  @Test(arguments: FaultHardeningTests.operations.map(\.name))
  func eachPassingCallGoesThroughItsTwins(_ operation: String) {
    let op = FaultHardeningTests.operations.first { $0.name == operation }!
    let n = Self.expected[operation]!
    let fresh = FaultHardeningTests.device()
    let (status, twins) = FaultInjection.withTrip(.max) { op.run(fresh) }
    #expect(status == OLIC_OK && twins == n, "\(operation): \(name(status)) after \(twins) twins")
    // Tripping the k-th twin of the call is a fault for k = 1...n, and the
    // (n+1)-th trips nothing: the call passes having seen exactly n.
    for k in 0...n {
      let d = FaultHardeningTests.device()
      let (s, seen) = FaultInjection.withTrip(k) { op.run(d) }
      if k < n {
        #expect(s == OLIC_ERR_FAULT && seen == k + 1, "\(operation), twin \(k + 1): \(name(s)) after \(seen)")
      } else {
        #expect(s == OLIC_OK && seen == n, "\(operation): \(name(s)) after \(seen) twins")
      }
    }
  }

  /// A license without a validity window skips the time twin: 14, not 15.
  @Test func aLicenseWithoutValidityHasNoTimeTwin() {
    let d = FaultHardeningTests.device()
    let (s, n) = FaultInjection.withTrip(.max) { d.check(LicenseSpec(licenseId: 9, allowance: 5).bytes) }
    #expect(s == OLIC_OK && n == 14)
  }

  /// A v2 license signed by all three keys of a 2-of-3 device, without a
  /// validity window (no time twin): 11 + 3 x 3 = 20 twins (key id, result and
  /// tag for each entry), and tripping any one of them fails the check closed.
  @Test func aV2LicenseHasThreeTwinsPerEntry() {
    let keys = [regulator, otherRegulator, thirdRegulator]
    let blob = LicenseV2(count: 3, signers: keys).bytes
    let d = thresholdDevice(keys, k: 2)
    let (s, n) = FaultInjection.withTrip(.max) { d.check(blob) }
    #expect(s == OLIC_OK && n == 20, "\(name(s)) after \(n) twins")
    for k in 0..<20 {
      let (tripped, seen) = FaultInjection.withTrip(k) { d.check(blob) }
      #expect(tripped == OLIC_ERR_FAULT && seen == k + 1, "twin \(k + 1): \(name(tripped)) after \(seen)")
    }
  }

  /// olic_init's recovery (slot and generation, state) and olic_provision's
  /// blank check and encoded record (generation, fields).
  @Test func bootAndProvisionTwins() {
    let ram = RAMStorage()
    var storage = ram.storage
    for k in 0...3 {
      let fresh = RAMStorage()
      var s = fresh.storage
      let (p, seen) = FaultInjection.withTrip(k) { olic_provision(&s) }
      #expect(k < 3 ? (p == OLIC_ERR_FAULT && seen == k + 1) : (p == OLIC_OK && seen == 3), "provision trip \(k): \(name(p)) \(seen)")
    }
    #expect(olic_provision(&storage) == OLIC_OK)
    let d = Device(ram: ram, provision: false)
    for k in 0...2 {
      let (b, seen) = FaultInjection.withTrip(k) { d.boot() }
      #expect(k < 2 ? (b == OLIC_ERR_FAULT && seen == k + 1) : (b == OLIC_OK && seen == 2), "boot trip \(k): \(name(b)) \(seen)")
    }
  }

  /// A proof nobody advanced approves nothing, whatever step count is asked
  /// for, and holds no passing signature result: the refusal is the default.
  @Test func aFreshProofApprovesNothing() {
    var proof = Proof()
    for steps: UInt32 in [0, checkSteps, installSteps, reserveSteps, requestSteps] {
      #expect(!approved(&proof, steps: steps))
    }
    #expect(proof.signature != 0)
    #expect(proof.verdict != Verdict.passed)
  }
}
