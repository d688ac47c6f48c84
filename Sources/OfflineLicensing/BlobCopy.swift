/// A private, fixed-size copy of a caller's blob.
///
/// Every parser works on one of these, never on caller memory: the caller's bytes
/// are read exactly once, so a host (or DMA) that rewrites them during the call
/// cannot make the structural checks and the signature check see different data.
struct BlobCopy<let capacity: Int>: ~Copyable {
  var bytes: InlineArray<capacity, UInt8>
  /// Bytes copied: min(given length, capacity).
  let count: Int

  /// `length` is the caller's claim; only its first `capacity` bytes are read,
  /// which is all any check needs (a longer blob is refused by its length alone).
  init(_ source: UnsafePointer<UInt8>, length: Int) {
    bytes = InlineArray(repeating: 0)
    let n = length < 0 ? capacity : min(length, capacity)
    count = n
    withUnsafeMutableBytes(of: &bytes) { destination in
      destination.copyMemory(from: UnsafeRawBufferPointer(start: source, count: n))
    }
  }

  /// An empty buffer to encode into.
  init(zeroedCount: Int) {
    bytes = InlineArray(repeating: 0)
    count = max(0, min(zeroedCount, capacity))
  }
}

typealias LicenseCopy = BlobCopy<1024>
typealias RequestCopy = BlobCopy<184>

/// A caller's size_t arrives as Int; values of 2^63 and above turn negative.
/// They are simply "very long", which every length rule then refuses.
@inline(__always)
func givenLength(_ length: Int) -> Int { length < 0 ? Int.max : length }
