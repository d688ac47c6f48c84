import ArgumentParser
import COlic
import OfflineLicensing

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Decode a license or a request and show every field.",
    discussion: """
      Shows the fields under the spec's names, the extensions by name (unknown ones by type, \
      with their value in hex), and the structural status: for a license, olic_parse's \
      verdict (check steps 1-5: layout and unknown critical extensions, no key); for a \
      request, olic_verify_request's, which includes the device's own signature. With \
      --trusted-key, a license also gets signature_status: OLIC_ERR_UNKNOWN_KEY if its key_id \
      names another key, else the Ed25519 verdict. --json prints one object with the same \
      keys, integers as numbers and bytes as hex. Exits 0 when every verdict shown is OLIC_OK.

      Example: olic inspect dev.olic --json --trusted-key reg.pub.pem
      """)

  @Argument(help: ArgumentHelp("A license or request file.", valueName: "FILE"))
  var file: String

  @Flag(help: "Print one JSON object instead of key: value lines.")
  var json = false

  @Option(help: ArgumentHelp("A public or private key to check a license's signature with.", valueName: "KEY"))
  var trustedKey: String?

  func run() throws {
    let blob = try FileInput.read(file, what: "FILE", limit: 1 << 20)
    let key = try trustedKey.map { (path) throws(Failure) in try KeyFile.load(path, what: "--trusted-key") }
    var report: (status: olic_status, fields: [Field])
    var verdicts: [olic_status]
    switch HostBlob.kind(of: blob) {
    case .license:
      report = BlobReport.license(blob)
      verdicts = [report.status]
      if let key {
        let signature = HostLicense.signatureStatus(blob, publicKey: key.publicKey)
        report.fields.append(Field("signature_status", .text(statusName(signature))))
        verdicts.append(signature)
      }
    case .request:
      report = BlobReport.request(blob)
      verdicts = [report.status]
    case .unknown:
      throw Failure("FILE \(printable(file)): neither an olic license nor a request (\(blob.count) bytes, no OLIC header of type 1 or 2)")
    }
    Console.out(json ? Report.json(report.fields) : Report.text(report.fields))
    if verdicts.contains(where: { $0 != OLIC_OK }) { throw ExitCode(1) }
  }
}
