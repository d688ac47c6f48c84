import COlic

/// Secure NVM simulated in RAM, with the failure modes the spec names: read and
/// write failures, and a power cut that leaves a prefix of a write over the old
/// bytes, with the callback then reporting failure or (as if power died just
/// after) success.
final class RAMStorage {
  var bytes: [UInt8]
  private(set) var writes = 0
  private(set) var reads = 0
  var failReads = false
  var failWrites = false
  /// Cut power during the write with this 1-based index, keeping `keep` bytes.
  var cut: (write: Int, keep: Int, reportFailure: Bool)?
  private(set) var cutHappened = false
  private(set) var lastWriteLength = 0
  private(set) var lastWriteOffset = -1
  /// Reads of a whole record: each one is a checksum olic_init computes.
  private(set) var recordReads = 0

  init(size: Int = Int(OLIC_STORAGE_MIN_SIZE), fill: UInt8 = 0) {
    bytes = [UInt8](repeating: fill, count: size)
  }

  /// Storage holding exactly `bytes`, e.g. an NVM image from a fixture.
  init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  /// A C view of this storage; valid while `self` is alive.
  var storage: olic_storage {
    olic_storage(
      ctx: Unmanaged.passUnretained(self).toOpaque(), size: UInt32(bytes.count),
      read: ramRead, write: ramWrite)
  }

  fileprivate func read(_ offset: UInt32, _ buffer: UnsafeMutableRawPointer?, _ length: UInt32) -> Int32 {
    reads += 1
    let o = Int(offset), n = Int(length)
    if n == Int(OLIC_STATE_RECORD_SIZE) { recordReads += 1 }
    guard !failReads, let buffer, o + n <= bytes.count else { return -1 }
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + o, byteCount: n) }
    return 0
  }

  fileprivate func write(_ offset: UInt32, _ buffer: UnsafeRawPointer?, _ length: UInt32) -> Int32 {
    writes += 1
    let o = Int(offset), n = Int(length)
    lastWriteLength = n
    lastWriteOffset = o
    guard !failWrites, let buffer, o + n <= bytes.count else { return -1 }
    var count = n
    var result: Int32 = 0
    if let cut, cut.write == writes {
      count = min(cut.keep, n)
      result = cut.reportFailure ? -1 : 0
      cutHappened = true
    }
    let source = UnsafeRawBufferPointer(start: buffer, count: count)
    for i in 0..<count { bytes[o + i] = source[i] }
    return result
  }
}

private let ramRead: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafeMutableRawPointer?, UInt32) -> Int32 = {
  ctx, offset, buffer, length in
  guard let ctx else { return -1 }
  return Unmanaged<RAMStorage>.fromOpaque(ctx).takeUnretainedValue().read(offset, buffer, length)
}

private let ramWrite: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafeRawPointer?, UInt32) -> Int32 = {
  ctx, offset, buffer, length in
  guard let ctx else { return -1 }
  return Unmanaged<RAMStorage>.fromOpaque(ctx).takeUnretainedValue().write(offset, buffer, length)
}
