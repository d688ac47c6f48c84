import COlic

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

/// The one way an export reads a caller's blob: copy it once into a private
/// `BlobCopy<capacity>`, decode the copy, and write `out` only on success (the
/// caller zeroed it before its argument checks). Returns the decode's status.
func decodePrivateCopy<let capacity: Int, Output>(
  of blob: UnsafePointer<UInt8>, length len: Int, as _: BlobCopy<capacity>.Type,
  into out: UnsafeMutablePointer<Output>?,
  _ decode: (RawSpan, _ length: Int) throws(olic_status) -> Output
) -> olic_status {
  let length = givenLength(len)
  let copy = BlobCopy<capacity>(blob, length: length)
  do throws(olic_status) {
    let value = try decode(copy.bytes.span.bytes.extracting(first: copy.count), length)
    out?.pointee = value
    return OLIC_OK
  } catch {
    return error
  }
}
