/// A bad input or a failed operation: the CLI prints `message` as one line on
/// stderr and exits 1. Usage errors (argument-parser's own, and `ValidationError`)
/// exit 2 instead; see OlicMain.
struct Failure: Error {
  let message: String
  init(_ message: String) { self.message = message }
}
