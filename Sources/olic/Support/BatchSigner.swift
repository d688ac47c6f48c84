import COlic
import Dispatch
import OfflineLicensing
import Synchronization

/// Signs and writes the licenses of a batch on several threads.
///
/// Ed25519 signing is the work; each thread takes the next row from a shared
/// counter, encodes it with the core, signs it and writes its staged file, so
/// file creation on one core overlaps signing on the other. The first failure
/// stops every thread and is reported.
struct BatchSigner: Sendable {
  let rows: [BatchRow]
  let names: [String]
  let key: SigningKey
  let devicesPath: String
  let output: BatchOutput

  /// Rows a thread claims at a time: few enough atomic operations that the
  /// threads do not contend on the counter's cache line.
  private static let chunk = 32

  private final class Shared: Sendable {
    let next = Atomic<Int>(0)
    let done = Atomic<Int>(0)
    let failed = Atomic<Bool>(false)
    let failure = Mutex<Failure?>(nil)
    let progress: Mutex<ProgressBar>
    init(total: Int) { progress = Mutex(ProgressBar(total: total)) }
  }

  func run(threads: Int) throws(Failure) {
    let shared = Shared(total: rows.count)
    let drawsProgress = shared.progress.withLock { $0.enabled }
    // A token key signs thread `worker`'s rows on session `worker`.
    DispatchQueue.concurrentPerform(iterations: threads) { worker in
      while true {
        let start = shared.next.add(Self.chunk, ordering: .relaxed).oldValue
        guard start < rows.count else { return }
        for index in start..<min(start + Self.chunk, rows.count) {
          guard !shared.failed.load(ordering: .relaxed) else { return }
          if Interruption.requested {
            shared.failure.withLock { if $0 == nil { $0 = Interruption.failure } }
            shared.failed.store(true, ordering: .relaxed)
            return
          }
          do throws(Failure) {
            try sign(index, worker: worker)
          } catch {
            shared.failure.withLock { if $0 == nil { $0 = error } }
            shared.failed.store(true, ordering: .relaxed)
            return
          }
        }
        let done = shared.done.add(min(Self.chunk, rows.count - start), ordering: .relaxed).newValue
        if drawsProgress { shared.progress.withLock { $0.update(done) } }
      }
    }
    if let failure = shared.failure.withLock({ $0 }) { throw failure }
    shared.progress.withLock { $0.finish() }
  }

  private func sign(_ index: Int, worker: Int) throws(Failure) {
    let row = rows[index]
    let fields = licenseFields(
      device: row.device, licenseId: row.licenseId, allowance: row.allowance, minFirmware: row.minFirmware,
      validity: row.validity)
    let blob = try key.license(fields, extra: [], worker: worker) {
      Failure("--devices \(printable(devicesPath)):\(row.line): cannot encode the license: \(statusName($0))")
    }
    try output.write(blob, name: names[index])
  }
}
