/// What `ledger show` prints for each device, read from the ledger.
struct DeviceRecord {
  struct License {
    let licenseId: UInt64
    let allowance: UInt64
    let minFirmware: UInt64
    let notBefore: UInt64?
    let notAfter: UInt64?
    let requestSequence: UInt64?
    let issuedAt: UInt64
    let keyId: [UInt8]
    let sha256: [UInt8]
    /// BLAKE2b-256 of the signed bytes: the license's identity (nil only for a
    /// schema-1 row whose blob the core could not read at migration).
    let digest: [UInt8]?
  }
  /// A signature this party added to another's proposal (olic cosign --ledger).
  struct Cosignature {
    let digest: [UInt8]
    let licenseId: UInt64
    let allowance: UInt64
    let signatureCount: UInt64
    let keyId: [UInt8]
    let signedAt: UInt64
    let sha256: [UInt8]
  }
  struct Recorded {
    let name: String
    let requestSequence: UInt64?
    let detail: String
    let at: UInt64
  }

  let device: [UInt8]
  let publicKey: [UInt8]?
  let note: String?
  let addedAt: UInt64?
  let licenses: [License]
  let cosignatures: [Cosignature]
  /// The report most recently recorded, decoded again by the core from its bytes.
  let latestRequest: [Field]?
  let latestReceivedAt: UInt64?
  let anomalies: [Recorded]

  var allowanceIssued: UInt64 {
    licenses.reduce(0) { $0.addingReportingOverflow($1.allowance).overflow ? .max : $0 &+ $1.allowance }
  }

  /// Registered devices, and devices known only from their refused requests.
  static func all(_ db: Database, only device: [UInt8]?) throws(Failure) -> [DeviceRecord] {
    let ids: [[UInt8]]
    if let device {
      ids = [device]
    } else {
      ids = try db.rows("SELECT device_id FROM devices UNION SELECT device_id FROM anomalies UNION SELECT device_id FROM cosignatures ORDER BY 1") { $0.blob(0) }
    }
    var out: [DeviceRecord] = []
    for id in ids {
      if let record = try load(db, device: id) { out.append(record) }
    }
    return out
  }

  static func load(_ db: Database, device: [UInt8]) throws(Failure) -> DeviceRecord? {
    let registered = try db.first("SELECT public_key, note, added_at FROM devices WHERE device_id = ?", [.blob(device)]) {
      ($0.blob(0), $0.text(1), $0.u64(2))
    }
    let licenses = try db.rows(
      """
      SELECT license_id, allowance, min_firmware_version, not_before, not_after, request_sequence, issued_at, key_id, sha256, digest
      FROM licenses WHERE device_id = ? ORDER BY id
      """, [.blob(device)]
    ) { s in
      License(
        licenseId: s.u64(0), allowance: s.u64(1), minFirmware: s.u64(2), notBefore: s.u64OrNil(3), notAfter: s.u64OrNil(4),
        requestSequence: s.u64OrNil(5), issuedAt: s.u64(6), keyId: s.blob(7), sha256: s.blob(8),
        digest: s.isNull(9) ? nil : s.blob(9))
    }
    let cosignatures = try db.rows(
      """
      SELECT digest, license_id, allowance, signature_count, key_id, signed_at, sha256
      FROM cosignatures WHERE device_id = ? ORDER BY id
      """, [.blob(device)]
    ) { s in
      Cosignature(
        digest: s.blob(0), licenseId: s.u64(1), allowance: s.u64(2), signatureCount: s.u64(3), keyId: s.blob(4),
        signedAt: s.u64(5), sha256: s.blob(6))
    }
    let latest = try db.first("SELECT blob, sha256, received_at FROM requests WHERE device_id = ? ORDER BY id DESC LIMIT 1", [.blob(device)]) {
      ($0.blob(0), $0.blob(1), $0.u64(2))
    }
    let anomalies = try db.rows("SELECT name, request_sequence, detail, at FROM anomalies WHERE device_id = ? ORDER BY id", [.blob(device)]) { s in
      Recorded(name: s.text(0) ?? "", requestSequence: s.u64OrNil(1), detail: s.text(2) ?? "", at: s.u64(3))
    }
    guard registered != nil || !anomalies.isEmpty || !cosignatures.isEmpty else { return nil }
    var latestFields: [Field]? = nil
    if let (blob, _, _) = latest {
      switch LedgerRequest.decode(blob, name: "stored request") {
      case .success(let request): latestFields = request.reportFields
      case .failure: throw Failure("\(db.name): the latest request of device \(Hex.encode(device)) no longer verifies; run olic ledger verify")
      }
    }
    return DeviceRecord(
      device: device, publicKey: registered?.0, note: registered?.1, addedAt: registered?.2, licenses: licenses,
      cosignatures: cosignatures, latestRequest: latestFields, latestReceivedAt: latest?.2, anomalies: anomalies)
  }

  var json: JSONObject {
    var o = JSONObject()
    o.add("device_id", hex: device)
    if let publicKey { o.add("public_key", hex: publicKey) } else { o.addNull("public_key") }
    o.add("registered", publicKey != nil)
    if let note { o.add("note", note) } else { o.addNull("note") }
    if let addedAt { o.add("added_at", addedAt) } else { o.addNull("added_at") }
    o.add("allowance_issued", allowanceIssued)
    o.add("licenses", licenses.map { l in
      var e = JSONObject()
      e.add("license_id", l.licenseId)
      e.add("allowance", l.allowance)
      e.add("min_firmware_version", l.minFirmware)
      if let v = l.notBefore { e.add("not_before", v) } else { e.addNull("not_before") }
      if let v = l.notAfter { e.add("not_after", v) } else { e.addNull("not_after") }
      if let v = l.requestSequence { e.add("request_sequence", v) } else { e.addNull("request_sequence") }
      e.add("issued_at", l.issuedAt)
      e.add("key_id", hex: l.keyId)
      e.add("sha256", hex: l.sha256)
      if let d = l.digest { e.add("digest", hex: d) } else { e.addNull("digest") }
      return e
    })
    o.add("cosignatures", cosignatures.map { c in
      var e = JSONObject()
      e.add("digest", hex: c.digest)
      e.add("license_id", c.licenseId)
      e.add("allowance", c.allowance)
      e.add("signature_count", c.signatureCount)
      e.add("key_id", hex: c.keyId)
      e.add("signed_at", c.signedAt)
      e.add("sha256", hex: c.sha256)
      return e
    })
    if let latestRequest {
      var r = Report.object(latestRequest)
      if let at = latestReceivedAt { r.add("received_at", at) }
      o.add("latest_request", r)
    } else {
      o.addNull("latest_request")
    }
    o.add("anomalies", anomalies.map { a in
      var e = JSONObject()
      e.add("name", a.name)
      if let v = a.requestSequence { e.add("request_sequence", v) } else { e.addNull("request_sequence") }
      e.add("detail", a.detail)
      e.add("at", a.at)
      return e
    })
    return o
  }

  var text: String {
    func time(_ t: UInt64) -> String { TimeParsing.format(t) ?? String(t) }
    func optional(_ v: UInt64?) -> String { v.map(String.init) ?? "none" }
    var lines = ["device_id: \(Hex.encode(device))"]
    lines.append("public_key: \(publicKey.map { Hex.encode($0) } ?? "none (not registered)")")
    if let note { lines.append("note: \(printable(note, limit: 200))") }
    if let addedAt { lines.append("added_at: \(time(addedAt))") }
    lines.append("allowance_issued: \(allowanceIssued)")
    for (i, l) in licenses.enumerated() {
      let window = l.notBefore.map { "\(time($0))..\(time(l.notAfter ?? 0))" } ?? "none"
      lines.append(
        "license[\(i)]: license_id=\(l.licenseId) allowance=\(l.allowance) min_firmware_version=\(l.minFirmware) window=\(window) request_sequence=\(optional(l.requestSequence)) issued_at=\(time(l.issuedAt)) key_id=\(Hex.encode(l.keyId)) sha256=\(Hex.encode(l.sha256)) digest=\(l.digest.map { Hex.encode($0) } ?? "none")")
    }
    for (i, c) in cosignatures.enumerated() {
      lines.append(
        "cosigned[\(i)]: digest=\(Hex.encode(c.digest)) license_id=\(c.licenseId) allowance=\(c.allowance) signature_count=\(c.signatureCount) key_id=\(Hex.encode(c.keyId)) signed_at=\(time(c.signedAt)) sha256=\(Hex.encode(c.sha256))")
    }
    if let latestRequest {
      lines.append("latest_request: " + Report.text(latestRequest).split(separator: "\n").map { $0.replacingFirst(": ", with: "=") }.joined(separator: " "))
    } else {
      lines.append("latest_request: none")
    }
    for (i, a) in anomalies.enumerated() {
      lines.append("anomaly[\(i)]: name=\(a.name) request_sequence=\(optional(a.requestSequence)) at=\(time(a.at)) detail=\(a.detail)")
    }
    return lines.joined(separator: "\n")
  }
}

extension Substring {
  fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
    guard let range = firstRange(of: target) else { return String(self) }
    return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
  }
}
