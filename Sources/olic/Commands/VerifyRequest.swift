import ArgumentParser
import COlic
import OfflineLicensing

struct VerifyRequest: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify-request",
    abstract: "Check a device request's structure and signature (olic_verify_request).",
    discussion: """
      A request is 184 bytes signed by the device key it carries; this checks the header, \
      the layout (reserved 0, request_sequence >= 1) and that signature, and prints the \
      status name. Whether the key belongs to the device is the registry's call: see \
      `olic issue --from-request --registry`. Exits 0 only for OLIC_OK.

      Example: olic verify-request dev.req
      """)

  @Argument(help: ArgumentHelp("The request file.", valueName: "FILE"))
  var file: String

  func run() throws {
    let blob = try FileInput.read(file, what: "FILE", limit: 1 << 20)
    let status = olic_verify_request(blob, blob.count, nil)
    Console.out(statusName(status))
    guard status == OLIC_OK else {
      Console.error("FILE \(printable(file)): \(RequestProblem.describe(status, blob: blob))")
      throw ExitCode(1)
    }
  }
}
