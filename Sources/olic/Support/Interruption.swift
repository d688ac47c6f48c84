import Glibc
import Synchronization

/// SIGINT and SIGTERM during a batch: the handler only records the signal; the
/// batch sees it between rows, rolls back what is not committed, removes its
/// staging directory and exits 1. A signal handler may do nothing more than that.
enum Interruption {
  private static let signal = Atomic<Int32>(0)

  static func install() {
    // Touch the static before a handler can: its lazy initialisation is not
    // async-signal-safe, the atomic store is.
    _ = signal.load(ordering: .relaxed)
    _ = Glibc.signal(SIGINT) { number in Interruption.signal.store(number, ordering: .relaxed) }
    _ = Glibc.signal(SIGTERM) { number in Interruption.signal.store(number, ordering: .relaxed) }
  }

  static var requested: Bool { signal.load(ordering: .relaxed) != 0 }

  static var failure: Failure {
    let name = signal.load(ordering: .relaxed) == SIGTERM ? "SIGTERM" : "SIGINT"
    return Failure("interrupted by \(name): the staging directory was removed and no license file was written")
  }
}
