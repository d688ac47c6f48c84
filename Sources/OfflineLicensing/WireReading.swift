import COlic

// Bounded little-endian reads over a RawSpan. Each read checks its bounds first,
// with a subtraction that cannot wrap (byteCount >= size is checked before
// byteCount - size is formed), and throws OLIC_ERR_MALFORMED rather than trap.

extension RawSpan {
  @inline(__always)
  func has(_ size: Int, at offset: Int) -> Bool {
    offset >= 0 && byteCount >= size && offset <= byteCount - size
  }

  func u8(at offset: Int) throws(olic_status) -> UInt8 {
    guard has(1, at: offset) else { throw OLIC_ERR_MALFORMED }
    return unsafeLoad(fromByteOffset: offset, as: UInt8.self)
  }

  func le16(at offset: Int) throws(olic_status) -> UInt16 {
    guard has(2, at: offset) else { throw OLIC_ERR_MALFORMED }
    return UInt16(littleEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt16.self))
  }

  func le32(at offset: Int) throws(olic_status) -> UInt32 {
    guard has(4, at: offset) else { throw OLIC_ERR_MALFORMED }
    return UInt32(littleEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt32.self))
  }

  func le64(at offset: Int) throws(olic_status) -> UInt64 {
    guard has(8, at: offset) else { throw OLIC_ERR_MALFORMED }
    return UInt64(littleEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }

  /// Copies `destination.count` bytes from `offset` into a raw buffer.
  func copy(from offset: Int, into destination: UnsafeMutableRawBufferPointer) throws(olic_status) {
    guard has(destination.count, at: offset) else { throw OLIC_ERR_MALFORMED }
    withUnsafeBytes { source in
      guard let base = source.baseAddress, let target = destination.baseAddress else { return }
      target.copyMemory(from: base + offset, byteCount: destination.count)
    }
  }

  /// Byte equality of [offset, offset + other.count) with `other`; false when out of range.
  func equals(_ other: UnsafeRawBufferPointer, at offset: Int) -> Bool {
    guard has(other.count, at: offset) else { return false }
    return withUnsafeBytes { source -> Bool in
      guard let base = source.baseAddress, let theirs = other.baseAddress else { return other.count == 0 }
      return sameBytes(base + offset, theirs, count: other.count)
    }
  }
}

// Bounded little-endian stores for the encoders (state records, requests,
// licenses). They throw OLIC_ERR_BUFFER when the field would not fit.
extension UnsafeMutableRawBufferPointer {
  @inline(__always)
  func fits(_ size: Int, at offset: Int) -> Bool {
    offset >= 0 && count >= size && offset <= count - size
  }

  func put8(_ value: UInt8, at offset: Int) throws(olic_status) {
    guard fits(1, at: offset) else { throw OLIC_ERR_BUFFER }
    storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
  }

  func put16(_ value: UInt16, at offset: Int) throws(olic_status) {
    guard fits(2, at: offset) else { throw OLIC_ERR_BUFFER }
    storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt16.self)
  }

  func put32(_ value: UInt32, at offset: Int) throws(olic_status) {
    guard fits(4, at: offset) else { throw OLIC_ERR_BUFFER }
    storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
  }

  func put64(_ value: UInt64, at offset: Int) throws(olic_status) {
    guard fits(8, at: offset) else { throw OLIC_ERR_BUFFER }
    storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
  }

  func putBytes(_ source: UnsafeRawBufferPointer, at offset: Int) throws(olic_status) {
    guard fits(source.count, at: offset) else { throw OLIC_ERR_BUFFER }
    guard let target = baseAddress, let from = source.baseAddress else { return }
    (target + offset).copyMemory(from: from, byteCount: source.count)
  }
}
