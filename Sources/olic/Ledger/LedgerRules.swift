/// What the ledger knows about one device before a request is handled.
struct DeviceHistory {
  struct Report {
    let id: Int64
    let sequence: UInt64
    let consumedTotal: UInt64
    let firmwareVersion: UInt32
    let sha256: [UInt8]
  }
  struct Issued {
    let licenseId: UInt64
    let allowance: UInt64
    let requestID: Int64?
  }

  /// nil: the device is not registered.
  let registeredKey: [UInt8]?
  let reports: [Report]
  let licenses: [Issued]

  var highestLicenseId: UInt64 { licenses.map(\.licenseId).max() ?? 0 }

  /// Saturating: the sum can never wrap into a small number.
  var allowanceIssued: UInt64 { licenses.reduce(0) { $0.addingReportingOverflow($1.allowance).overflow ? .max : $0 &+ $1.allowance } }

  static func load(_ db: Database, device: [UInt8]) throws(Failure) -> DeviceHistory {
    let key = try db.first("SELECT public_key FROM devices WHERE device_id = ?", [.blob(device)]) { $0.blob(0) }
    guard let key else { return DeviceHistory(registeredKey: nil, reports: [], licenses: []) }
    let reports = try db.rows(
      "SELECT id, request_sequence, consumed_total, firmware_version, sha256 FROM requests WHERE device_id = ?", [.blob(device)]
    ) { s in Report(id: s.int(0), sequence: s.u64(1), consumedTotal: s.u64(2), firmwareVersion: UInt32(truncatingIfNeeded: s.int(3)), sha256: s.blob(4)) }
    let licenses = try db.rows("SELECT license_id, allowance, request_id FROM licenses WHERE device_id = ?", [.blob(device)]) { s in
      Issued(licenseId: s.u64(0), allowance: s.u64(1), requestID: s.isNull(2) ? nil : s.int(2))
    }
    return DeviceHistory(registeredKey: key, reports: reports, licenses: licenses)
  }
}

/// The eight anomalies: the one definition of each, for `issue` and `batch` alike.
struct Anomaly {
  enum Name: String, CaseIterable {
    case unregisteredDevice = "unregistered_device"
    case keyMismatch = "key_mismatch"
    case sequenceRegressed = "sequence_regressed"
    case sequenceReused = "sequence_reused"
    case consumedRegressed = "consumed_regressed"
    case firmwareRegressed = "firmware_regressed"
    case unknownLicense = "unknown_license"
    case allowanceCreated = "allowance_created"
  }
  let name: Name
  let detail: String
}

/// What to do with one verified request, decided from the device's history alone.
enum Decision {
  /// The same request (device, sequence and bytes) was answered: give back that license.
  case reanswer(requestID: Int64)
  /// Refuse; `record` says whether the report itself goes on record (only a
  /// request from the registered key is a report of that device).
  case refuse([Anomaly], record: Bool)
  /// Issue license_id; `record` is false when the identical request is already on record.
  case issue(licenseId: UInt64, record: Bool)
  /// Nothing can be issued (not an anomaly of the device).
  case impossible(String)
}

enum LedgerRules {
  static func decide(_ request: LedgerRequest, history: DeviceHistory) -> Decision {
    let r = request.fields
    let device = Hex.encode(request.device)
    guard let registered = history.registeredKey else {
      return .refuse([Anomaly(name: .unregisteredDevice, detail: "device \(device) is not registered in the ledger")], record: false)
    }
    guard registered == request.publicKey else {
      return .refuse(
        [Anomaly(name: .keyMismatch, detail: "signed by key \(Hex.encode(request.publicKey)), but the ledger holds \(Hex.encode(registered)) for device \(device)")],
        record: false)
    }
    let identical = history.reports.filter { $0.sequence == r.request_sequence && $0.sha256 == request.sha256 }
    if let answered = identical.first(where: { report in history.licenses.contains { $0.requestID == report.id } }) {
      return .reanswer(requestID: answered.id)
    }
    // An identical request refused before is judged again against the others.
    let earlier = history.reports.filter { !($0.sequence == r.request_sequence && $0.sha256 == request.sha256) }
    var found: [Anomaly] = []
    if let latest = earlier.map(\.sequence).max(), r.request_sequence < latest {
      found.append(Anomaly(name: .sequenceRegressed, detail: "request_sequence \(r.request_sequence) is below \(latest), the latest recorded for the device"))
    }
    if earlier.contains(where: { $0.sequence == r.request_sequence }) {
      found.append(Anomaly(
        name: .sequenceReused,
        detail: "request_sequence \(r.request_sequence) was already recorded with different bytes: a cloned chip or a rolled-back NVM"))
    }
    if let most = earlier.map(\.consumedTotal).max(), r.consumed_total < most {
      found.append(Anomaly(name: .consumedRegressed, detail: "consumed_total \(r.consumed_total) is below \(most) of an earlier report"))
    }
    if let most = earlier.map(\.firmwareVersion).max(), r.firmware_version < most {
      found.append(Anomaly(name: .firmwareRegressed, detail: "firmware_version \(r.firmware_version) is below \(most) of an earlier report"))
    }
    let highest = history.highestLicenseId
    if r.last_license_id > highest {
      let issued = history.licenses.isEmpty ? "the ledger issued it none" : "the highest the ledger issued is \(highest)"
      found.append(Anomaly(name: .unknownLicense, detail: "last_license_id \(r.last_license_id) is above every license id issued to the device (\(issued))"))
    }
    let (sum, overflow) = r.remaining.addingReportingOverflow(r.consumed_total)
    let held = overflow ? UInt64.max : sum
    let issuedTotal = history.allowanceIssued
    if held > issuedTotal {
      found.append(Anomaly(
        name: .allowanceCreated,
        detail: "remaining \(r.remaining) + consumed_total \(r.consumed_total) = \(overflow ? "more than 2^64-1" : String(held)) exceeds the \(issuedTotal) the ledger issued to the device"))
    }
    let record = identical.isEmpty
    if !found.isEmpty { return .refuse(found, record: record) }
    let base = max(highest, r.last_license_id)
    guard base < UInt64.max else {
      return .impossible("license ids of device \(device) are exhausted: 2^64-1 was issued")
    }
    return .issue(licenseId: base + 1, record: record)
  }
}
