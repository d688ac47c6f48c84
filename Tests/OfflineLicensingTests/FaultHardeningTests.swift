import COlic
import Testing

@testable import OfflineLicensing

/// A host never glitches, so these tests make one twin check at a time
/// disagree (FaultInjection, debug builds only) and hold the core to the
/// fail-closed rules: OLIC_ERR_FAULT, nothing written, no grant, and a mutable
/// context that refuses everything with OLIC_ERR_STATE until olic_init.
@Suite struct FaultHardeningTests {
  /// One hardened operation on a device where it passes.
  struct Operation: Sendable {
    let name: String
    let mutates: Bool
    let run: @Sendable (Device) -> olic_status
  }

  static let license = LicenseSpec(licenseId: 7, allowance: 500, validity: (100, 200), bindRequest: 1).bytes

  /// Devices already past one request (so the bound license passes) and one install.
  static func device() -> Device {
    let d = Device()
    #expect(d.request().0 == OLIC_OK)
    #expect(d.install(LicenseSpec(licenseId: 2, allowance: 1000).bytes) == OLIC_OK)
    return d
  }

  static let operations: [Operation] = [
    Operation(name: "olic_check", mutates: false) { d in
      var out = olic_license()
      out.license_id = 0xDEAD
      let s = olic_check(&d.context, license, license.count, 150, &out)
      if s != OLIC_OK { #expect(out.license_id == 0, "out is zeroed on failure") }
      return s
    },
    Operation(name: "olic_install", mutates: true) { d in d.install(license, now: 150) },
    Operation(name: "olic_reserve", mutates: true) { d in
      let (s, granted) = d.reserve(300)
      #expect(granted == (s == OLIC_OK ? 300 : 0), "granted \(granted) with \(name(s))")
      return s
    },
    Operation(name: "olic_make_request", mutates: true) { d in
      var out = [UInt8](repeating: 0, count: 200)
      var length = 0xDEAD
      let s = olic_make_request(&d.context, deviceKey.secretKey, &out, out.count, &length)
      #expect(length == (s == OLIC_OK ? 184 : 0))
      return s
    },
    Operation(name: "olic_state", mutates: false) { d in
      var info = olic_state_info()
      return olic_state(&d.context, &info)
    },
  ]

  @Test(arguments: operations.map(\.name))
  func everyTwinFailsClosed(_ operation: String) {
    let op = Self.operations.first { $0.name == operation }!
    // How many twins the passing operation evaluates.
    let fresh = Self.device()
    let (passing, twins) = FaultInjection.withTrip(.max) { op.run(fresh) }
    #expect(passing == OLIC_OK)
    #expect(twins >= (operation == "olic_state" ? 1 : 5), "\(operation) evaluates \(twins) twins")

    for trip in 0..<twins {
      let d = Self.device()
      let nvm = d.ram.bytes
      let writes = d.ram.writes
      let context = withUnsafeBytes(of: d.context) { Array($0) }
      let (status, seen) = FaultInjection.withTrip(trip) { op.run(d) }
      #expect(status == OLIC_ERR_FAULT, "\(operation), twin \(trip): \(name(status))")
      #expect(seen == trip + 1, "\(operation), twin \(trip): the call stops at the first disagreement")
      #expect(d.ram.writes == writes && d.ram.bytes == nvm, "\(operation), twin \(trip): storage written")

      if op.mutates {
        #expect(d.context.ready_ != contextReadyMagic)
        expectUnusable(d, "\(operation), twin \(trip)")
      } else {
        #expect(withUnsafeBytes(of: d.context) { Array($0) } == context, "\(operation): const context changed")
        #expect(op.run(d) == OLIC_OK, "\(operation), twin \(trip): a const context stays usable")
      }
      // olic_init brings the device back, from the state it had before the call.
      #expect(d.boot() == OLIC_OK)
      #expect(d.state.last_license_id == 2 && d.state.request_sequence == 1)
      #expect(op.run(d) == OLIC_OK, "\(operation), twin \(trip): after olic_init")
    }
  }

  /// Every call on a poisoned context: its NULL checks first, then OLIC_ERR_STATE.
  func expectUnusable(_ d: Device, _ what: String) {
    var granted: UInt64 = 9
    #expect(olic_reserve(&d.context, 1, nil) == OLIC_ERR_ARGUMENT, "\(what)")
    #expect(olic_reserve(&d.context, 1, &granted) == OLIC_ERR_STATE && granted == 0, "\(what)")
    #expect(olic_install(nil, Self.license, Self.license.count, 150) == OLIC_ERR_ARGUMENT, "\(what)")
    #expect(d.install(Self.license, now: 150) == OLIC_ERR_STATE, "\(what)")
    #expect(d.check(Self.license, now: 150) == OLIC_ERR_STATE, "\(what)")
    #expect(olic_check(&d.context, nil, 0, 0, nil) == OLIC_ERR_ARGUMENT, "\(what)")
    #expect(d.request().0 == OLIC_ERR_STATE, "\(what)")
    var info = olic_state_info()
    #expect(olic_state(&d.context, &info) == OLIC_ERR_STATE, "\(what)")
    #expect(olic_state(&d.context, nil) == OLIC_ERR_ARGUMENT, "\(what)")
  }

  /// A refusal is decided by the first evaluations alone: no twin runs, so the
  /// hardening costs a refused license nothing.
  @Test func refusalsEvaluateNoTwin() {
    let refused: [([UInt8], olic_status)] = [
      (LicenseSpec(deviceId: otherDevice).bytes, OLIC_ERR_DEVICE),
      (LicenseSpec(licenseId: 1).bytes, OLIC_ERR_REPLAY),
      (LicenseSpec(minFirmware: firmwareVersion + 1).bytes, OLIC_ERR_FIRMWARE),
      (LicenseSpec(validity: (10, 20)).bytes, OLIC_ERR_EXPIRED),
      (LicenseSpec(bindRequest: 9).bytes, OLIC_ERR_BINDING),
      (LicenseSpec(keyId: otherRegulator.keyId, signer: otherRegulator).bytes, OLIC_ERR_UNKNOWN_KEY),
      (LicenseSpec(keyId: regulator.keyId, signer: otherRegulator).bytes, OLIC_ERR_SIGNATURE),
    ]
    for (blob, expected) in refused {
      let d = Self.device()
      let (check, checkTwins) = FaultInjection.withTrip(0) { d.check(blob, now: 150) }
      let (install, installTwins) = FaultInjection.withTrip(0) { d.install(blob, now: 150) }
      #expect(check == expected && install == expected, "\(name(check)) \(name(install))")
      #expect(checkTwins == 0 && installTwins == 0)
    }
    let d = Device()
    let (exhausted, twins) = FaultInjection.withTrip(0) { d.reserve(1) }
    #expect(exhausted == (OLIC_ERR_EXHAUSTED, 0) && twins == 0)
  }

  /// olic_init's recovery is taken twice; a disagreement leaves the zeroed,
  /// unusable context of a failed init.
  @Test func initRecoveryTwins() {
    let d = Self.device()
    let (passing, twins) = FaultInjection.withTrip(.max) { d.boot() }
    #expect(passing == OLIC_OK)
    #expect(twins >= 2)
    for trip in 0..<twins {
      let reads = d.ram.reads
      let (status, seen) = FaultInjection.withTrip(trip) { d.boot() }
      #expect(status == OLIC_ERR_FAULT && seen == trip + 1, "twin \(trip): \(name(status))")
      #expect(d.ram.reads > reads && d.ram.writes == 2 + 1, "init writes nothing")
      #expect(withUnsafeBytes(of: d.context) { $0.allSatisfy { $0 == 0 } }, "a failed init zeroes ctx")
      expectUnusable(d, "init twin \(trip)")
      #expect(d.boot() == OLIC_OK)
      #expect(d.state.last_license_id == 2)
    }
  }

  /// olic_provision asks twice whether the storage is blank, and its record is
  /// read back before the write.
  @Test func provisionTwins() {
    let probe = RAMStorage()
    var probeStorage = probe.storage
    let (passing, twins) = FaultInjection.withTrip(.max) { olic_provision(&probeStorage) }
    #expect(passing == OLIC_OK && probe.writes == 1)
    #expect(twins >= 3)
    for trip in 0..<twins {
      let ram = RAMStorage()
      var storage = ram.storage
      let (status, seen) = FaultInjection.withTrip(trip) { olic_provision(&storage) }
      #expect(status == OLIC_ERR_FAULT && seen == trip + 1, "twin \(trip): \(name(status))")
      #expect(ram.writes == 0 && ram.bytes.allSatisfy { $0 == 0 }, "twin \(trip): storage written")
      #expect(olic_provision(&storage) == OLIC_OK)
    }
  }

  /// olic_platform_fault (defined below, as a vendor would) runs once per detection.
  @Test func platformHookRunsOncePerDetectedFault() {
    let d = Self.device()
    let counter = TwinCounter(trip: 0)
    let status = FaultInjection.$counter.withValue(counter) { d.reserve(1).0 }
    #expect(status == OLIC_ERR_FAULT)
    #expect(counter.platformFaults == 1)
    let clean = TwinCounter(trip: .max)
    #expect(FaultInjection.$counter.withValue(clean) { d.reserve(1).0 } == OLIC_ERR_STATE)
    #expect(clean.platformFaults == 0)
  }

  @Test func faultStatusName() {
    #expect(name(OLIC_ERR_FAULT) == "OLIC_ERR_FAULT")
    #expect(OLIC_ERR_FAULT.rawValue == 20)
  }
}

/// The vendor's hook, here counting into the test's TwinCounter.
@_cdecl("olic_platform_fault")
func testPlatformFaultHook() {
  FaultInjection.counter?.platformFaults += 1
}
