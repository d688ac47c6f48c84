/// A bad input or a failed operation: the CLI prints `message` as one line on
/// stderr and exits `exitCode`, 1 unless a command documents its own codes
/// (cosign's refusals, which a script tells apart: CosignRefusal). Usage errors
/// (argument-parser's own, and `ValidationError`) exit 2 instead; see OlicMain.
struct Failure: Error {
  let message: String
  let exitCode: Int32
  init(_ message: String, exitCode: Int32 = 1) {
    self.message = message
    self.exitCode = exitCode
  }
}
