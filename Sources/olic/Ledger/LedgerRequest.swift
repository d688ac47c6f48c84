import COlic
import Dispatch
import OfflineLicensing

/// A device request that the core verified (olic_verify_request: layout and the
/// device's own signature) and decoded. The CLI never reads a request's bytes
/// itself; everything below comes from the core's olic_request.
struct LedgerRequest: @unchecked Sendable {
  let blob: [UInt8]
  let fields: olic_request
  let sha256: [UInt8]
  /// How error lines name it: "--from-request dev.req", or a batch's file path.
  let name: String

  var device: [UInt8] { bytes(of: fields.device_id) }
  var publicKey: [UInt8] { bytes(of: fields.device_public_key) }
  var sequence: UInt64 { fields.request_sequence }

  /// nil with the reason when the core refuses the bytes.
  static func decode(_ blob: [UInt8], name: String) -> Result<LedgerRequest, Failure> {
    var request = olic_request()
    let status = olic_verify_request(blob, blob.count, &request)
    guard status == OLIC_OK else {
      return .failure(Failure("\(name): \(RequestProblem.describe(status, blob: blob))"))
    }
    return .success(LedgerRequest(blob: blob, fields: request, sha256: sha256Of(blob), name: name))
  }

  /// Every field under its docs/format.md name, for reports.
  var reportFields: [Field] {
    BlobReport.request(blob).fields.filter { $0.key != "type" && $0.key != "status" && $0.key != "total_length" }
  }
}

/// Work spread over threads, results in input order. Each slot is written by
/// exactly one iteration, so the buffer needs no lock. `body` gets its thread's
/// index (below `threads`: a token key signs with one session per thread) and the
/// item's.
enum Parallel {
  private final class Slots<T>: @unchecked Sendable {
    var values: [T?]
    init(_ count: Int) { values = Array(repeating: nil, count: count) }
  }

  static func map<T>(_ count: Int, threads: Int, _ body: @Sendable (_ worker: Int, _ index: Int) -> T) -> [T] {
    guard count > 1, threads > 1 else { return (0..<count).map { body(0, $0) } }
    let slots = Slots<T>(count)
    let workers = min(threads, count)
    let per = (count + workers - 1) / workers
    slots.values.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let start = worker * per
        guard start < count else { return }
        for index in start..<min(start + per, count) { out[index] = body(worker, index) }
      }
    }
    return slots.values.compactMap { $0 }
  }
}
