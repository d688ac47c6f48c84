import COlic
import Glibc
import OfflineLicensing

/// The terms every license of one command gets.
struct LicenseTerms: Sendable {
  let allowance: UInt64
  let minFirmware: UInt32
  let validity: (notBefore: UInt64, notAfter: UInt64)?
  let extra: [HostLicense.Extension]
  /// n for a v2 (threshold) license, whose first entry this key signs; nil: v1.
  var signers: Int? = nil
}

/// A license as the ledger holds it.
struct LedgerLicense {
  let device: [UInt8]
  let licenseId: UInt64
  let allowance: UInt64
  let requestSequence: UInt64?
  let blob: [UInt8]
}

enum Outcome {
  case issued(LedgerLicense)
  /// The request was answered before: the stored license, byte for byte.
  case reanswered(LedgerLicense)
  case refused([Anomaly])
}

/// The one issuing transaction, for `olic issue --ledger` (one request) and
/// `olic batch --ledger` (a chunk of requests per transaction). For each request,
/// inside BEGIN IMMEDIATE: the device must be registered with the request's key,
/// the report is recorded, the anomaly rules run, license_id is allocated, the
/// license is signed with a BIND_REQUEST to the request and recorded; then one
/// commit. Callers write license files only after this returns, so no license
/// file can exist that the ledger does not hold.
struct LedgerIssuance {
  let db: Database
  let signer: RegulatorSigner
  let terms: LicenseTerms
  /// Signing threads for a chunk; signing is the only work done in parallel.
  let threads: Int

  private struct Pending {
    let index: Int
    let request: LedgerRequest
    let requestID: Int64
    let licenseId: UInt64
  }

  func answer(_ requests: [LedgerRequest]) throws(Failure) -> [Outcome] {
    let now = Int64(time(nil))
    return try db.immediate { () throws(Failure) -> [Outcome] in
      TestHook.point("after-begin")
      let events = try EventWriter(db)
      var outcomes = [Outcome?](repeating: nil, count: requests.count)
      var pending: [Pending] = []
      var pendingDevices = Set<DeviceKey>()
      for (index, request) in requests.enumerated() {
        // Two requests of one device in a chunk: the first's license must be on
        // record before the second's history is read.
        if pendingDevices.contains(DeviceKey(request.device)) {
          try sign(&pending, into: &outcomes, events: events, at: now)
          pendingDevices.removeAll()
        }
        let history = try DeviceHistory.load(db, device: request.device)
        switch LedgerRules.decide(request, history: history) {
        case .reanswer(let requestID):
          outcomes[index] = .reanswered(try stored(answering: requestID))
        case .refuse(let anomalies, let record):
          if record { try recordReport(request, at: now, events: events) }
          for anomaly in anomalies { try recordAnomaly(anomaly, request: request, at: now, events: events) }
          outcomes[index] = .refused(anomalies)
        case .issue(let licenseId, let record):
          let requestID = record
            ? try recordReport(request, at: now, events: events)
            : try db.first("SELECT id FROM requests WHERE device_id = ? AND request_sequence = ? AND sha256 = ? ORDER BY id LIMIT 1",
              [.blob(request.device), .u64(request.sequence), .blob(request.sha256)]) { $0.int(0) } ?? 0
          TestHook.point("after-report")
          pending.append(Pending(index: index, request: request, requestID: requestID, licenseId: licenseId))
          pendingDevices.insert(DeviceKey(request.device))
        case .impossible(let reason):
          throw Failure("\(request.name): \(reason)")
        }
      }
      try sign(&pending, into: &outcomes, events: events, at: now)
      return outcomes.compactMap { $0 }
    }
  }

  /// `--device` issuing: recorded like any other license; license_id from the
  /// ledger unless given, and a given one must be above every id issued.
  func issue(device: [UInt8], licenseId: UInt64?, bind: UInt64?) throws(Failure) -> LedgerLicense {
    let now = Int64(time(nil))
    return try db.immediate { () throws(Failure) -> LedgerLicense in
      let events = try EventWriter(db)
      let history = try DeviceHistory.load(db, device: device)
      guard history.registeredKey != nil else {
        throw Failure("--device: device \(Hex.encode(device)) is not registered in \(db.name) (olic ledger add-device)")
      }
      let highest = history.highestLicenseId
      let id: UInt64
      if let licenseId {
        guard licenseId > highest else {
          throw Failure("--license-id: \(licenseId) is not above \(highest), the highest license id the ledger issued to device \(Hex.encode(device))")
        }
        id = licenseId
      } else {
        guard highest < UInt64.max else { throw Failure("--device: license ids of device \(Hex.encode(device)) are exhausted") }
        id = highest + 1
      }
      let blob = try Self.signLicense(signer, terms, device: device, licenseId: id, bind: bind).get()
      TestHook.point("after-sign")
      try recordLicense(device: device, licenseId: id, requestID: nil, bind: bind, blob: blob, at: now, events: events)
      TestHook.point("after-record")
      return LedgerLicense(device: device, licenseId: id, allowance: terms.allowance, requestSequence: bind, blob: blob)
    }
  }

  private func sign(_ pending: inout [Pending], into outcomes: inout [Outcome?], events: EventWriter, at now: Int64) throws(Failure) {
    guard !pending.isEmpty else { return }
    let work = pending
    let (signer, terms) = (self.signer, self.terms)
    let blobs = Parallel.map(work.count, threads: min(threads, signer.workers)) { worker, i in
      Self.signLicense(signer, terms, device: work[i].request.device, licenseId: work[i].licenseId, bind: work[i].request.sequence, worker: worker)
    }
    TestHook.point("after-sign")
    for (item, result) in zip(work, blobs) {
      let blob: [UInt8]
      switch result {
      case .success(let b): blob = b
      case .failure(let failure): throw Failure("\(item.request.name): \(failure.message)")
      }
      try recordLicense(
        device: item.request.device, licenseId: item.licenseId, requestID: item.requestID, bind: item.request.sequence,
        blob: blob, at: now, events: events)
      outcomes[item.index] = .issued(
        LedgerLicense(device: item.request.device, licenseId: item.licenseId, allowance: terms.allowance, requestSequence: item.request.sequence, blob: blob))
    }
    TestHook.point("after-record")
    pending.removeAll()
  }

  private static func signLicense(
    _ signer: RegulatorSigner, _ terms: LicenseTerms, device: [UInt8], licenseId: UInt64, bind: UInt64?, worker: Int = 0
  ) -> Result<[UInt8], Failure> {
    let fields = licenseFields(
      device: device, licenseId: licenseId, allowance: terms.allowance, minFirmware: terms.minFirmware,
      validity: terms.validity, bindRequest: bind)
    return signer.license(fields, terms: terms, worker: worker)
  }

  @discardableResult
  private func recordReport(_ request: LedgerRequest, at now: Int64, events: EventWriter) throws(Failure) -> Int64 {
    let r = request.fields
    return try events.insert(
      .requestRecorded,
      [.blob(request.device), .u64(r.request_sequence), .u64(r.last_license_id), .u64(r.remaining), .u64(r.consumed_total),
        .int(Int64(r.firmware_version)), .int(Int64(r.reserved)), .u64(r.time_high_water), .blob(request.publicKey),
        .blob(bytes(of: r.signature)), .blob(request.sha256), .blob(request.blob), .int(now)],
      at: now)
  }

  private func recordAnomaly(_ anomaly: Anomaly, request: LedgerRequest, at now: Int64, events: EventWriter) throws(Failure) {
    try events.insert(
      .anomaly,
      [.blob(request.device), .text(anomaly.name.rawValue), .u64(request.sequence), .text(anomaly.detail), .blob(request.sha256),
        .blob(request.blob), .int(now)],
      at: now)
  }

  private func recordLicense(
    device: [UInt8], licenseId: UInt64, requestID: Int64?, bind: UInt64?, blob: [UInt8], at now: Int64, events: EventWriter
  ) throws(Failure) {
    let rowID = try events.insert(
      .licenseIssued,
      [.blob(device), .u64(licenseId), .u64(terms.allowance), .int(Int64(terms.minFirmware)), .u64(terms.validity?.notBefore),
        .u64(terms.validity?.notAfter), requestID.map { .int($0) } ?? .null, .u64(bind), .int(now), .blob(signer.keyId),
        .blob(sha256Of(blob)), .blob(blob)],
      at: now)
    // digest is outside the event's columns (schema 2 must not change past events'
    // bytes); it is derived from the covered blob, and ledger verify recomputes it.
    try db.run("UPDATE licenses SET digest = ? WHERE id = ?", [LicenseDigest.of(blob).map { .blob($0) } ?? .null, .int(rowID)])
  }

  /// The license that answered a request, checked against its recorded SHA-256.
  private func stored(answering requestID: Int64) throws(Failure) -> LedgerLicense {
    let found = try db.first(
      "SELECT device_id, license_id, allowance, request_sequence, blob, sha256 FROM licenses WHERE request_id = ? ORDER BY id LIMIT 1",
      [.int(requestID)]
    ) { s in (LedgerLicense(device: s.blob(0), licenseId: s.u64(1), allowance: s.u64(2), requestSequence: s.u64OrNil(3), blob: s.blob(4)), s.blob(5)) }
    guard let (license, digest) = found, sha256Of(license.blob) == digest else {
      throw Failure("\(db.name): the license that answered this request is missing or altered; run olic ledger verify")
    }
    return license
  }
}

/// Test-only stops at named steps, so the crash and signal tests hit every step
/// exactly instead of hoping a timed signal lands in a window of microseconds:
/// OLIC_TEST_KILL_AT=<step> makes the process SIGKILL itself there, and
/// OLIC_TEST_PAUSE_AT=<step> prints "olic: test pause at <step>" on stderr and
/// waits until SIGINT or SIGTERM arrives (or 60 s). Unset, each step costs a comparison.
enum TestHook {
  private static let kill: String? = getenv("OLIC_TEST_KILL_AT").map { String(cString: $0) }
  private static let pause: String? = getenv("OLIC_TEST_PAUSE_AT").map { String(cString: $0) }

  static func point(_ name: String) {
    if let kill, kill == name { raise(SIGKILL) }
    if let pause, pause == name {
      Console.error("test pause at \(name)")
      // Polled: a signal may be taken by any thread, so a sleep here is not
      // necessarily the call it interrupts.
      for _ in 0..<6000 where !Interruption.requested {
        var step = timespec(tv_sec: 0, tv_nsec: 10_000_000)
        var left = timespec()
        _ = nanosleep(&step, &left)
      }
    }
  }
}
