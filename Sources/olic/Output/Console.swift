import Glibc

/// stdout for results, stderr for the one line that explains a failure.
enum Console {
  static func out(_ line: String) { write(line + "\n", to: STDOUT_FILENO) }

  static func error(_ line: String) { write("olic: " + line + "\n", to: STDERR_FILENO) }

  /// The whole text, retrying short writes; a closed pipe is not worth a crash.
  static func write(_ text: String, to fd: Int32) {
    _ = FileSystem.writeAll(Array(text.utf8), to: fd)
  }

  static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal (so
/// logs and pipes get no carriage-return noise), at most once per percent.
struct ProgressBar {
  let total: Int
  let enabled: Bool
  private var lastPercent = -1

  init(total: Int) {
    self.total = total
    self.enabled = total > 0 && Console.stderrIsTerminal
  }

  mutating func update(_ done: Int) {
    guard enabled else { return }
    let percent = done * 100 / total
    guard percent != lastPercent else { return }
    lastPercent = percent
    let width = 30
    let filled = percent * width / 100
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let padded = String(repeating: " ", count: max(0, 3 - String(percent).count)) + String(percent)
    Console.write("\r[\(bar)] \(padded)% \(done)/\(total)", to: STDERR_FILENO)
  }

  func finish() {
    guard enabled else { return }
    Console.write("\n", to: STDERR_FILENO)
  }
}
