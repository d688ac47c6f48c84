import COlic

// Tool support for threshold licenses (wire v2): the one decoder of a license
// still gathering signatures, the one writer of its entries, and its digest.
// The device never calls these: olic_parse and olic_check refuse what a tool
// has not finished (include/olic.h says with which status).

/// Steps 2-5 with empty entries allowed: the walk, or the first failing status.
func parseProposal(_ s: RawSpan, length: Int) throws(olic_status) -> LayoutWalk {
  let walk = try parseLicenseLayout(s, length: length, proposal: true)
  guard !walk.unknownCritical else { throw OLIC_ERR_UNSUPPORTED_EXTENSION }
  return walk
}

@c @implementation
public func olic_parse_proposal(
  _ license: UnsafePointer<UInt8>!, _ len: Int, _ out: UnsafeMutablePointer<olic_proposal>!
) -> olic_status {
  out?.pointee = olic_proposal()
  guard let license else { return OLIC_ERR_ARGUMENT }
  return decodePrivateCopy(of: license, length: len, as: LicenseCopy.self, into: out) {
    (s, length) throws(olic_status) in
    let walk = try parseProposal(s, length: length)
    return olic_proposal(
      license: walk.license, body_end: UInt32(truncatingIfNeeded: walk.bodyEnd),
      signed_count: UInt32(truncatingIfNeeded: walk.signedCount))
  }
}

@c @implementation
public func olic_add_signature(
  _ license: UnsafeMutablePointer<UInt8>!, _ len: Int, _ key_id: UnsafePointer<UInt8>!,
  _ signature: UnsafePointer<UInt8>!
) -> olic_status {
  guard let license, let key_id, let signature else { return OLIC_ERR_ARGUMENT }
  var anyKeyByte: UInt8 = 0
  for i in 0..<Wire.keyIdSize { anyKeyByte |= key_id[i] }
  guard anyKeyByte != 0 else { return OLIC_ERR_ARGUMENT }
  let length = givenLength(len)
  var copy = LicenseCopy(UnsafePointer(license), length: length)
  do throws(olic_status) {
    let walk = try parseProposal(copy.bytes.span.bytes.extracting(first: copy.count), length: length)
    guard walk.license.version == UInt32(LicenseLayout.v2) else { return OLIC_ERR_VERSION }
    let n = Int(walk.license.signature_count)
    let signed = walk.signedCount
    // Where the new entry goes: before the first signed key_id above it.
    var place = signed
    for i in 0..<signed {
      let order = withUnsafeBytes(of: walk.license.key_ids) { ids -> Int32 in
        compareKeyIds(ids.baseAddress.unsafelyUnwrapped + i * Wire.keyIdSize, UnsafeRawPointer(key_id))
      }
      guard order != 0 else { return OLIC_ERR_MALFORMED }
      if order > 0 { place = i; break }
    }
    guard signed < n else { return OLIC_ERR_BUFFER }
    let entry = LicenseLayout.entrySize
    withUnsafeMutableBytes(of: &copy.bytes) { b in
      guard let base = b.baseAddress else { return }
      let first = base + walk.bodyEnd + place * entry
      // Entries [place, signed) move down one; the empty one at `signed` is consumed.
      (first + entry).copyMemory(from: first, byteCount: (signed - place) * entry)
      first.copyMemory(from: key_id, byteCount: Wire.keyIdSize)
      (first + Wire.keyIdSize).copyMemory(from: signature, byteCount: Wire.signatureSize)
      (UnsafeMutableRawPointer(license) + walk.bodyEnd)
        .copyMemory(from: base + walk.bodyEnd, byteCount: n * entry)
    }
    return OLIC_OK
  } catch {
    return error
  }
}

/// memcmp of two 8-byte key_ids: negative, 0 or positive.
private func compareKeyIds(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer) -> Int32 {
  for i in 0..<Wire.keyIdSize {
    let x = a.load(fromByteOffset: i, as: UInt8.self), y = b.load(fromByteOffset: i, as: UInt8.self)
    if x != y { return x < y ? -1 : 1 }
  }
  return 0
}

@c @implementation
public func olic_license_digest(
  _ license: UnsafePointer<UInt8>!, _ len: Int, _ out: UnsafeMutablePointer<UInt8>!
) -> olic_status {
  guard let license, let out else { return OLIC_ERR_ARGUMENT }
  UnsafeMutableRawPointer(out).initializeMemory(as: UInt8.self, repeating: 0, count: 32)
  guard Crypto.initialise() else { return OLIC_ERR_CRYPTO }
  let length = givenLength(len)
  let copy = LicenseCopy(license, length: length)
  do throws(olic_status) {
    let walk = try parseProposal(copy.bytes.span.bytes.extracting(first: copy.count), length: length)
    let hashed = withUnsafeBytes(of: copy.bytes) { b -> Bool in
      guard let base = b.baseAddress else { return false }
      return Crypto.blake2b256(base, length: walk.bodyEnd, into: out)
    }
    guard hashed else {
      UnsafeMutableRawPointer(out).initializeMemory(as: UInt8.self, repeating: 0, count: 32)
      return OLIC_ERR_CRYPTO
    }
    return OLIC_OK
  } catch {
    return error
  }
}
