import COlic

// Tool support for threshold licenses (wire v2): the one decoder of a license
// still gathering signatures, the one writer of its entries, and its digest.
// The device never calls these: olic_parse and olic_check refuse what a tool
// has not finished (include/olic.h says with which status).

/// Steps 2-5 with empty entries allowed, on a private copy of the caller's
/// blob: OLIC_OK with `copy` and `walk` filled, or the first failing status.
/// The one proposal reader of the three exports below.
@inline(never)
private func readProposal(
  _ license: UnsafePointer<UInt8>, _ len: Int, _ copy: inout LicenseCopy, _ walk: inout LayoutWalk
) -> olic_status {
  let length = givenLength(len)
  copy = LicenseCopy(license, length: length)
  do throws(olic_status) {
    walk = try parseLicenseLayout(copy.bytes.span.bytes.extracting(first: copy.count), length: length, proposal: true)
  } catch {
    return error
  }
  return walk.unknownCritical ? OLIC_ERR_UNSUPPORTED_EXTENSION : OLIC_OK
}

@c @implementation
public func olic_parse_proposal(
  _ license: UnsafePointer<UInt8>!, _ len: Int, _ out: UnsafeMutablePointer<olic_proposal>!
) -> olic_status {
  out?.pointee = olic_proposal()
  guard let license else { return OLIC_ERR_ARGUMENT }
  var copy = LicenseCopy(zeroedCount: 0)
  var walk = LayoutWalk()
  let status = readProposal(license, len, &copy, &walk)
  guard status == OLIC_OK else { return status }
  out?.pointee = olic_proposal(
    license: walk.license, body_end: UInt32(truncatingIfNeeded: walk.bodyEnd),
    signed_count: UInt32(truncatingIfNeeded: walk.signedCount))
  return OLIC_OK
}

@c @implementation
public func olic_add_signature(
  _ license: UnsafeMutablePointer<UInt8>!, _ len: Int, _ key_id: UnsafePointer<UInt8>!,
  _ signature: UnsafePointer<UInt8>!
) -> olic_status {
  guard let license, let key_id, let signature else { return OLIC_ERR_ARGUMENT }
  // memcmp order of two 8-byte strings is the order of their big-endian values.
  let id = UnsafeRawPointer(key_id).loadUnaligned(as: UInt64.self)
  let key = UInt64(bigEndian: id)
  guard key != 0 else { return OLIC_ERR_ARGUMENT }
  var copy = LicenseCopy(zeroedCount: 0)
  var walk = LayoutWalk()
  let status = readProposal(UnsafePointer(license), len, &copy, &walk)
  guard status == OLIC_OK else { return status }
  guard walk.license.version == UInt32(LicenseLayout.v2) else { return OLIC_ERR_VERSION }
  let n = min(Int(walk.license.signature_count), LicenseLayout.maxSigners)
  let signed = min(walk.signedCount, n)
  // Where the new entry goes: before the first signed key_id above it.
  var place = signed
  var i = signed
  while i > 0 {
    i &-= 1
    let other = UInt64(bigEndian: entryKeyId(walk.license, i))
    guard other != key else { return OLIC_ERR_MALFORMED }
    if other > key { place = i }
  }
  guard signed < n else { return OLIC_ERR_BUFFER }
  let entry = LicenseLayout.entrySize
  withUnsafeMutableBytes(of: &copy.bytes) { b in
    guard let base = b.baseAddress else { return }
    let first = base + (walk.bodyEnd &+ place &* entry)
    // Entries [place, signed) move down one; the empty one at `signed` is consumed.
    (first + entry).copyMemory(from: first, byteCount: (signed &- place) &* entry)
    first.storeBytes(of: id, as: UInt64.self)
    (first + Wire.keyIdSize).copyMemory(from: signature, byteCount: Wire.signatureSize)
    (UnsafeMutableRawPointer(license) + walk.bodyEnd).copyMemory(from: base + walk.bodyEnd, byteCount: n &* entry)
  }
  return OLIC_OK
}

@c @implementation
public func olic_license_digest(
  _ license: UnsafePointer<UInt8>!, _ len: Int, _ out: UnsafeMutablePointer<UInt8>!
) -> olic_status {
  guard let license, let out else { return OLIC_ERR_ARGUMENT }
  UnsafeMutableRawPointer(out).initializeMemory(as: UInt8.self, repeating: 0, count: 32)
  guard Crypto.initialise() else { return OLIC_ERR_CRYPTO }
  var copy = LicenseCopy(zeroedCount: 0)
  var walk = LayoutWalk()
  let status = readProposal(license, len, &copy, &walk)
  guard status == OLIC_OK else { return status }
  let hashed = withUnsafeBytes(of: copy.bytes) { b -> Bool in
    guard let base = b.baseAddress else { return false }
    return Crypto.blake2b256(base, length: walk.bodyEnd, into: out)
  }
  guard hashed else {
    UnsafeMutableRawPointer(out).initializeMemory(as: UInt8.self, repeating: 0, count: 32)
    return OLIC_ERR_CRYPTO
  }
  return OLIC_OK
}
