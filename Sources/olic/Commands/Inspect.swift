import ArgumentParser
import COlic
import OfflineLicensing

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Decode a license or a request and show every field.",
    discussion: """
      Shows type, status, a reason whenever status is not OLIC_OK, and the fields under \
      their wire names, the extensions by name (unknown ones by type, with their value in \
      hex). For a license, status is olic_parse's verdict (layout and unknown critical \
      extensions) and then, with --trusted-key, the signature's: OLIC_ERR_UNKNOWN_KEY if its \
      key_id names another key, else the Ed25519 verdict, also shown as signature_status. \
      Without --trusted-key the signature is not checked: a well-formed license shows status \
      UNVERIFIED and signature_status NOT_CHECKED, never OLIC_OK, since anyone can write a \
      well-formed license. A license whose layout is refused shows the reason and the fixed \
      fields that could be read. For a request, status is olic_verify_request's, which \
      includes the device's own signature; a refused request of the right size still shows \
      the fields it claims. --json prints one object with the same keys, \
      integers as numbers and bytes as hex, for every outcome, even a file that is not olic \
      (type unknown). Exits 1 with one line on stderr when status is an OLIC_ERR_ status, \
      else 0: OLIC_OK, or UNVERIFIED with one warning line on stderr.

      A threshold license (v2) shows version, signature_count, digest (BLAKE2b-256 of the \
      signed bytes, the license's identity), signatures (each entry's key_id, empty, and \
      signature_status) and complete. Give one --trusted-key per signer; its status is \
      OLIC_OK only when every entry is filled and verifies under the --trusted-key with its \
      key_id. A partly signed license shows status INCOMPLETE (exit 0, one warning line): \
      it is a proposal for olic cosign, and every device refuses it.

      Example: olic inspect dev.olic --json --trusted-key reg.pub.pem
      """)

  @Argument(help: ArgumentHelp("A license or request file.", valueName: "FILE"))
  var file: String

  @Flag(help: "Print one JSON object instead of key: value lines.")
  var json = false

  @Option(
    name: .customLong("trusted-key"),
    help: ArgumentHelp("A public or private key to check a license's signature with; repeatable for a v2 license.", valueName: "KEY"))
  var trustedKeys: [String] = []

  func validate() throws {
    guard trustedKeys.count <= Int(OLIC_MAX_TRUSTED_KEYS) else {
      throw ValidationError("At most \(OLIC_MAX_TRUSTED_KEYS) --trusted-key; \(trustedKeys.count) given")
    }
  }

  func run() throws {
    let blob = try FileInput.read(file, what: "FILE", limit: 1 << 20)
    let keys = try trustedKeys.map { (path) throws(Failure) in try KeyFile.load(path, what: "--trusted-key").publicKey }
    let result: InspectResult
    switch HostBlob.kind(of: blob) {
    case .license:
      if case .success(let decoded) = ThresholdLicense.decode(blob), decoded.version == 2 {
        result = ThresholdReport.license(blob, decoded, trustedKeys: keys)
      } else if keys.count > 1 {
        throw Failure("--trusted-key: a v1 license has one signer; give one --trusted-key")
      } else {
        result = BlobReport.license(blob, publicKey: keys.first)
      }
    case .request:
      result = BlobReport.request(blob)
    case .unknown:
      var unknown = InspectResult(type: "unknown", failure: OLIC_ERR_MALFORMED)
      unknown.reason = "neither an olic license nor a request (\(blob.count) bytes, no OLIC header of type 1 or 2)"
      unknown.fields = [Field("file_length", .number(UInt64(blob.count)))]
      result = unknown
    }
    // Text output of a file that is not olic at all would be one line of noise; a
    // script reading --json gets an object for every outcome.
    if json || result.type != "unknown" {
      Console.out(json ? Report.json(result.all) : Report.text(result.all))
    }
    if result.failure == nil, result.status == "INCOMPLETE" {
      Console.error("FILE \(printable(file)): partly signed (INCOMPLETE): every device refuses it until olic cosign fills every entry")
    }
    if result.failure == nil, result.status == "UNVERIFIED" {
      // Said where a person looks for trouble, not only in a field they may skim.
      Console.error("FILE \(printable(file)): the signature was not checked (no --trusted-key given): UNVERIFIED, not OLIC_OK")
    }
    if let failure = result.failure {
      let reason = result.reason ?? statusName(failure)
      throw Failure(result.type == "unknown" ? "FILE \(printable(file)): \(reason)" : "FILE \(printable(file)): \(statusName(failure)): \(reason)")
    }
  }
}
