import ArgumentParser

/// The one rule of how a request may be answered, for `issue` and `batch`:
/// through the ledger, against a registry, or (explicitly) trusting the key the
/// request carries. Never silently the last.
enum LedgerOptions {
  static func validate(fromRequest: String?, ledger: String?, registry: String?, trustRequestKey: Bool, option: String = "--from-request") throws {
    if ledger != nil, registry != nil {
      throw ValidationError("--ledger and --registry: give one (the ledger holds the registry)")
    }
    if trustRequestKey, ledger != nil || registry != nil {
      throw ValidationError("--trust-request-key cannot be used with --ledger or --registry, which check the key")
    }
    if fromRequest == nil {
      if trustRequestKey { throw ValidationError("--trust-request-key is used only with \(option)") }
      return
    }
    if ledger == nil, registry == nil, !trustRequestKey {
      throw ValidationError(
        "\(option) needs --ledger DB or --registry CSV, so that the request's key is checked against the registered one (or --trust-request-key to answer any key, off the record)")
    }
  }
}

/// `olic issue --ledger`: one request (or one --device license) through the
/// ledger's issuing transaction, then the file.
struct LedgerIssue {
  let ledger: String
  let key: SigningKey
  let terms: LicenseTerms
  let fromRequest: String?
  let device: String?
  let licenseId: String?
  let bindRequest: String?
  let out: String

  func run() throws {
    let signer = try RegulatorSigner.wrap(key)
    let db = try LedgerSchema.open(ledger, what: "--ledger")
    let issuance = LedgerIssuance(db: db, signer: signer, terms: terms, threads: 1)
    let license: LedgerLicense
    var again = false
    if let fromRequest {
      let blob = try FileInput.read(fromRequest, what: "--from-request", limit: 1 << 20)
      let request = try LedgerRequest.decode(blob, name: "--from-request \(printable(fromRequest))").get()
      guard let outcome = try issuance.answer([request]).first else { throw Failure("--from-request: no outcome") }
      switch outcome {
      case .issued(let issued): license = issued
      case .reanswered(let stored):
        license = stored
        again = true
      case .refused(let anomalies): throw Failure(AnomalyLine.text(request.name, anomalies, ledger: ledger))
      }
    } else {
      let device = try Hex.decode(device ?? "", bytes: 32, what: "--device", thing: "a device id")
      let licenseId = try licenseId.map { (t) throws(Failure) in try Numbers.parse(t, what: "--license-id", min: 1) }
      let bind = try bindRequest.map { (t) throws(Failure) in try Numbers.parse(t, what: "--bind-request", min: 1) }
      license = try issuance.issue(device: device, licenseId: licenseId, bind: bind)
    }
    TestHook.point("after-commit")
    let output = StagedOutput()
    try output.stage(license.blob, to: out, mode: 0o644, what: "--out")
    TestHook.point("after-stage")
    try output.commit(replace: true)
    TestHook.point("after-rename")
    let answers = license.requestSequence.map { ", answers request_sequence \($0)" } ?? ""
    let what = again ? "the license already issued for this request, byte for byte" : "recorded in \(ledger)"
    Console.out(
      "wrote \(out): license_id \(license.licenseId), allowance \(license.allowance), device \(Hex.encode(license.device))\(answers), \(license.blob.count) bytes\(ThresholdSummary.proposed(license.blob)); \(what)")
  }
}

/// The one stderr line of a refusal: the first anomaly, then any others.
enum AnomalyLine {
  static func text(_ name: String, _ anomalies: [Anomaly], ledger: String) -> String {
    guard let first = anomalies.first else { return "\(name): refused" }
    var line = "\(name): refused, \(first.name.rawValue): \(first.detail)"
    if anomalies.count > 1 { line += "; also " + anomalies.dropFirst().map(\.name.rawValue).joined(separator: ", ") }
    return line + " (recorded in the ledger \(printable(ledger)))"
  }
}
