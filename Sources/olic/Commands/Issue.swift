import ArgumentParser
import COlic
import OfflineLicensing

struct Issue: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Sign one license, for a device given by id or by its request.",
    discussion: """
      With --device and --license-id, the license is for that device; license_id must exceed \
      every id the device has installed, or it refuses the license as a replay.

      With --from-request, the request's signature is checked first; with --registry (CSV \
      rows device_id,public_key), the request's key must also be the one registered for its \
      device. The license then gets license_id = the request's last_license_id + 1 and a \
      BIND_REQUEST to its request_sequence, so the device accepts it only as the answer to \
      that request. --from-request needs --ledger or --registry: a request signed by any \
      key at all is answered only with --trust-request-key.

      With --ledger DB (see olic help ledger), the request is handled in one transaction: its \
      device must be registered with the request's key, the report is recorded, anomalies \
      refuse it (exit 1, the anomaly named on stderr and recorded), license_id = 1 + the \
      larger of every id issued to the device and last_license_id, and the license is \
      recorded before the file is written. The same request again gets the license already \
      issued, byte for byte. --device with --ledger records the license too, and takes \
      license_id from the ledger when --license-id is left out.

      allowance (>= 1) is added to what the device has left. --min-firmware refuses devices \
      whose firmware security version is lower. --not-before/--not-after (both, or neither) \
      add VALIDITY, the inclusive window in which the license may be installed; allowance \
      once installed does not expire. --extension adds any other TLV; the core writes \
      extensions in ascending type order. The output is written whole or not at all, and \
      replaces an existing file.

      --signers N (1 to 8) writes a threshold license (wire v2) with N signature entries: \
      the first signed by --key, the others empty (all-zero key_id and signature) for the \
      other parties to fill with `olic cosign`, each on its own machine. Every entry signs \
      the same bytes, N included, so the parties agree on N when the license is proposed. \
      N = 1 is complete at once. Until every entry is filled a device refuses the license \
      with OLIC_ERR_MALFORMED (the zero key_ids break the entries' ascending order). With \
      --ledger the proposal is recorded as any license is, with its digest. A critical \
      --extension type is refused with --signers: no cosigner nor device reads it. The flow: A \
      proposes with --signers N; the file travels to each other party, who runs `olic \
      cosign --key THEIR-KEY --trusted-key A.pub.pem ... FILE` on its own machine (olic \
      help cosign); when every entry is filled the device installs it.

      Examples:
        olic issue --key reg.pem --device $DEVICE_ID --license-id 1 --allowance 10000 --out dev.olic
        olic issue --ledger reg.db --key reg.pem --from-request dev.req --allowance 10000 --out dev.olic
        olic issue --key reg.pem --from-request dev.req --registry reg.csv --allowance 10000 --out dev.olic
        olic issue --key reg-a.pem --device $DEVICE_ID --license-id 1 --allowance 10000 --signers 2 --out dev.olic
        olic cosign --key reg-b.pem --trusted-key reg-a.pub.pem dev.olic   # on B
      """)

  @OptionGroup var keySource: KeySourceOptions

  @Option(help: ArgumentHelp("The device id, 64 hex digits.", valueName: "HEX"))
  var device: String?

  @Option(help: ArgumentHelp("The license id, >= 1.", valueName: "N"))
  var licenseId: String?

  @Option(help: ArgumentHelp("Compute units to grant, >= 1.", valueName: "N"))
  var allowance: String

  @Option(help: ArgumentHelp("The lowest firmware security version allowed (default 0).", valueName: "N"))
  var minFirmware: String?

  @Option(help: ArgumentHelp("Start of the installation window (Unix seconds or RFC 3339).", valueName: "T"))
  var notBefore: String?

  @Option(help: ArgumentHelp("End of the installation window, inclusive.", valueName: "T"))
  var notAfter: String?

  @Option(help: ArgumentHelp("Bind to this request_sequence of the device (>= 1).", valueName: "SEQ"))
  var bindRequest: String?

  @Option(
    name: .customLong("extension"),
    help: ArgumentHelp("Another extension, TYPE (0x... or decimal) and value in hex; repeatable.", valueName: "TYPE:HEX"))
  var extensions: [String] = []

  @Flag(help: "Allow a critical --extension type that v1 devices do not know (they will refuse the license).")
  var allowUnknownCritical = false

  @Option(help: ArgumentHelp("A request file from the device.", valueName: "REQ"))
  var fromRequest: String?

  @Option(help: ArgumentHelp("CSV of device_id,public_key rows to check the request's key against.", valueName: "CSV"))
  var registry: String?

  @Option(help: ArgumentHelp("Where to write the license.", valueName: "FILE"))
  var out: String

  @Option(help: ArgumentHelp("The regulator's ledger: check and record the issuance (olic help ledger).", valueName: "DB"))
  var ledger: String?

  @Flag(help: "Answer --from-request without --ledger or --registry: trust whatever key signed the request.")
  var trustRequestKey = false

  @Option(help: ArgumentHelp(
    "Write a threshold license (v2) with N signature entries (1 to 8): the first signed by --key, the rest for olic cosign.",
    valueName: "N"))
  var signers: String?

  func validate() throws {
    if fromRequest != nil {
      for (given, name) in [(device, "--device"), (licenseId, "--license-id"), (bindRequest, "--bind-request")]
      where given != nil {
        throw ValidationError("\(name) cannot be used with --from-request, which takes it from the request")
      }
    } else {
      if device == nil { throw ValidationError("Missing --device (or --from-request)") }
      if licenseId == nil, ledger == nil { throw ValidationError("Missing --license-id (or --from-request, or --ledger)") }
      if registry != nil { throw ValidationError("--registry is used only with --from-request") }
    }
    if (notBefore == nil) != (notAfter == nil) {
      throw ValidationError("--not-before and --not-after go together: VALIDITY holds both ends")
    }
    try LedgerOptions.validate(fromRequest: fromRequest, ledger: ledger, registry: registry, trustRequestKey: trustRequestKey)
  }

  func run() throws {
    let signer = try keySource.signingKey()
    let allowance = try Numbers.parse(self.allowance, what: "--allowance", min: 1)
    let minFirmware = try minFirmware.map { (text) throws(Failure) in try Numbers.parse32(text, what: "--min-firmware") } ?? 0
    let validity = try Validity.parse(notBefore: notBefore, notAfter: notAfter)
    let extra = try ExtensionArguments.parse(extensions, allowUnknownCritical: allowUnknownCritical)
    let signers = try self.signers.map { (text) throws(Failure) in
      Int(try Numbers.parse(text, what: "--signers", min: 1, max: UInt64(ThresholdLicense.maxSigners)))
    }
    // The other parties' olic cosign reads a proposal with the device's extension
    // rules (olic_parse_proposal), so one no device accepts could never be cosigned.
    if signers != nil, let critical = extra.first(where: { Int32($0.type) & Int32(OLIC_EXTENSION_CRITICAL) != 0 }) {
      throw Failure(
        "--extension: type \(ExtensionArguments.typeName(critical.type)) is critical and unknown: a threshold license "
          + "(--signers) cannot carry one, since olic cosign and every device refuse it")
    }
    if let ledger {
      let terms = LicenseTerms(allowance: allowance, minFirmware: minFirmware, validity: validity, extra: extra, signers: signers)
      return try LedgerIssue(
        ledger: ledger, key: signer, terms: terms, fromRequest: fromRequest, device: device, licenseId: licenseId,
        bindRequest: bindRequest, out: out
      ).run()
    }

    let target: (device: [UInt8], licenseId: UInt64, bind: UInt64?)
    if let fromRequest {
      target = try RequestSource.target(request: fromRequest, registry: registry)
    } else {
      let device = try Hex.decode(device ?? "", bytes: 32, what: "--device", thing: "a device id")
      let licenseId = try Numbers.parse(licenseId ?? "", what: "--license-id", min: 1)
      let bind = try bindRequest.map { (text) throws(Failure) in try Numbers.parse(text, what: "--bind-request", min: 1) }
      target = (device, licenseId, bind)
    }

    let size = ExtensionArguments.licenseSize(extra, validity: validity != nil, bind: target.bind != nil)
    // A v2 license's size is the encoder's to judge (it refuses one too long).
    guard signers != nil || size <= Int(OLIC_LICENSE_MAX_SIZE) else {
      throw Failure("--extension: the license would be \(size) bytes; a license is at most \(OLIC_LICENSE_MAX_SIZE)")
    }
    let fields = licenseFields(
      device: target.device, licenseId: target.licenseId, allowance: allowance, minFirmware: minFirmware,
      validity: validity, bindRequest: target.bind)
    let blob: [UInt8]
    if let signers {
      blob = try signer.thresholdLicense(fields, extra: extra, signers: signers) { Failure("cannot encode the license: \(statusName($0))") }
    } else {
      blob = try Signing.issue(fields, extra: extra, key: signer)
    }

    let output = StagedOutput()
    try output.stage(blob, to: out, mode: 0o644, what: "--out")
    try output.commit(replace: true)
    Console.out(
      "wrote \(out): license_id \(target.licenseId), allowance \(allowance), device \(Hex.encode(target.device)), \(blob.count) bytes"
        + ThresholdSummary.proposed(blob))
  }
}
