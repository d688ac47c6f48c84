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
  let issuer: HostLicense.Issuer
  let devicesPath: String
  let output: BatchOutput

  private final class Shared: Sendable {
    let next = Atomic<Int>(0)
    let done = Atomic<Int>(0)
    let failure = Mutex<Failure?>(nil)
    let progress: Mutex<ProgressBar>
    init(total: Int) { progress = Mutex(ProgressBar(total: total)) }
  }

  func run(threads: Int) throws(Failure) {
    let shared = Shared(total: rows.count)
    let drawsProgress = shared.progress.withLock { $0.enabled }
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
      while true {
        let index = shared.next.add(1, ordering: .relaxed).oldValue
        guard index < rows.count, shared.failure.withLock({ $0 == nil }) else { return }
        do throws(Failure) {
          try sign(index)
        } catch {
          shared.failure.withLock { if $0 == nil { $0 = error } }
          return
        }
        let done = shared.done.add(1, ordering: .relaxed).newValue
        if drawsProgress { shared.progress.withLock { $0.update(done) } }
      }
    }
    if let failure = shared.failure.withLock({ $0 }) { throw failure }
    shared.progress.withLock { $0.finish() }
  }

  private func sign(_ index: Int) throws(Failure) {
    let row = rows[index]
    let fields = licenseFields(
      device: row.device, licenseId: row.licenseId, allowance: row.allowance, minFirmware: row.minFirmware)
    switch issuer.issue(fields, extra: []) {
    case .success(let blob):
      try output.write(blob, name: names[index])
    case .failure(let status):
      throw Failure("--devices \(printable(devicesPath)):\(row.line): cannot encode the license: \(statusName(status))")
    }
  }
}
