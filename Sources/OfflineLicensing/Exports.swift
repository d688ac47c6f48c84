import COlic

// The C ABI of include/olic.h. Each export checks its arguments in the order the
// spec gives, copies caller input to a private buffer, makes one call into the
// core and writes its outputs. `@c @implementation` makes the compiler check
// every signature against the header. The exports that take a context, and so
// may change state or grant, are fault-hardened: HardenedExports.swift.

@c @implementation
public func olic_status_name(_ s: olic_status) -> UnsafePointer<CChar>! {
  olic_status_name_from_table(s)
}

@c @implementation
public func olic_parse(_ license: UnsafePointer<UInt8>!, _ len: Int, _ out: UnsafeMutablePointer<olic_license>!)
  -> olic_status
{
  out?.pointee = olic_license()
  guard let license else { return OLIC_ERR_ARGUMENT }
  return decodePrivateCopy(of: license, length: len, as: LicenseCopy.self, into: out) {
    (s, length) throws(olic_status) in try parseLicense(s, length: length)
  }
}

@c @implementation
public func olic_provision(_ storage: UnsafePointer<olic_storage>!) -> olic_status {
  guard let storage = usableStorage(storage) else { return OLIC_ERR_ARGUMENT }
  guard Crypto.initialise() else { return OLIC_ERR_CRYPTO }
  do throws(olic_status) {
    guard try !hasIntactRecord(storage) else { return refuse(OLIC_ERR_PROVISIONED) }
    var blank = storage
    try confirmBlank(&blank)
    try writeRecord(storage, slot: 0, generation: 1, state: olic_state_info())
    return OLIC_OK
  } catch {
    return refusal(error, nil)
  }
}

@c @implementation
public func olic_init(
  _ ctx: UnsafeMutablePointer<olic_context>!, _ config: UnsafePointer<olic_config>!,
  _ storage: UnsafePointer<olic_storage>!
) -> olic_status {
  guard let ctx else { return OLIC_ERR_ARGUMENT }
  ctx.pointee = olic_context()
  guard let config, let keys = config.pointee.trusted_keys else { return OLIC_ERR_ARGUMENT }
  let keyCount = config.pointee.trusted_key_count
  guard keyCount >= 1, keyCount <= Int(OLIC_MAX_TRUSTED_KEYS) else { return OLIC_ERR_ARGUMENT }
  guard let usable = usableStorage(storage) else { return OLIC_ERR_ARGUMENT }
  // A threshold counts distinct public keys: so no key may be in the table
  // twice, nor two keys share a key_id (checked once the ids are computed).
  let threshold = max(config.pointee.signature_threshold, 1)
  guard threshold <= UInt32(keyCount) else { return OLIC_ERR_ARGUMENT }
  guard !hasRepeat(keys, count: keyCount, size: Wire.publicKeySize) else { return OLIC_ERR_ARGUMENT }
  guard Crypto.initialise() else { return OLIC_ERR_CRYPTO }

  // Keys are copied once, here, and their ids computed once, so a check never
  // reads the caller's table again and never hashes a key.
  let keysCopied = withUnsafeMutableBytes(of: &ctx.pointee.trusted_keys_) { table -> Bool in
    withUnsafeMutableBytes(of: &ctx.pointee.key_ids_) { ids -> Bool in
      guard let tableBase = table.baseAddress, let idBase = ids.baseAddress else { return false }
      tableBase.copyMemory(from: keys, byteCount: keyCount &* Wire.publicKeySize)
      for index in 0..<keyCount
      where !computeKeyId(of: tableBase + index &* Wire.publicKeySize, into: idBase + index &* Wire.keyIdSize) {
        return false
      }
      return true
    }
  }
  guard keysCopied else {
    ctx.pointee = olic_context()
    return OLIC_ERR_CRYPTO
  }
  let idsRepeat = withUnsafeBytes(of: &ctx.pointee.key_ids_) { ids -> Bool in
    hasRepeat(ids.baseAddress.unsafelyUnwrapped, count: keyCount, size: Wire.keyIdSize)
  }
  guard !idsRepeat else {
    ctx.pointee = olic_context()
    return OLIC_ERR_ARGUMENT
  }
  ctx.pointee.trusted_key_count_ = UInt32(keyCount)
  ctx.pointee.signature_threshold_ = threshold
  ctx.pointee.device_id_ = config.pointee.device_id
  ctx.pointee.storage_ = usable

  do throws(olic_status) {
    var record = try loadNewestRecord(usable)
    var storageCopy = usable
    try confirmRecovery(&storageCopy, &record)
    ctx.pointee.state_ = record.state
    ctx.pointee.state_.firmware_version = config.pointee.firmware_version
    ctx.pointee.generation_ = record.generation
    ctx.pointee.slot_ = record.slot
    ctx.pointee.ready_ = contextReadyMagic
    return OLIC_OK
  } catch {
    ctx.pointee = olic_context()
    return refusal(error, nil)
  }
}

@c @implementation
public func olic_verify_request(
  _ request: UnsafePointer<UInt8>!, _ len: Int, _ out: UnsafeMutablePointer<olic_request>!
) -> olic_status {
  out?.pointee = olic_request()
  guard let request else { return OLIC_ERR_ARGUMENT }
  guard Crypto.initialise() else { return OLIC_ERR_CRYPTO }
  return decodePrivateCopy(of: request, length: len, as: RequestCopy.self, into: out) {
    (s, length) throws(olic_status) in try verifyRequest(s, length: length)
  }
}

@c @implementation
public func olic_key_id(_ public_key: UnsafePointer<UInt8>!, _ out: UnsafeMutablePointer<UInt8>!) -> olic_status {
  guard let public_key, let out else { return OLIC_ERR_ARGUMENT }
  guard Crypto.initialise() else { return OLIC_ERR_CRYPTO }
  return computeKeyId(of: public_key, into: out) ? OLIC_OK : OLIC_ERR_CRYPTO
}

@c @implementation
public func olic_license_extension(
  _ license: UnsafePointer<UInt8>!, _ len: Int, _ index: Int, _ out: UnsafeMutablePointer<olic_extension>!
) -> olic_status {
  out?.pointee = olic_extension()
  guard let license, let out, index >= 0 else { return OLIC_ERR_ARGUMENT }
  let length = givenLength(len)
  let copy = LicenseCopy(license, length: length)
  do throws(olic_status) {
    let walk = try parseLicenseLayout(
      copy.bytes.span.bytes.extracting(first: copy.count), length: length, select: index, proposal: true)
    guard !walk.unknownCritical else { return OLIC_ERR_UNSUPPORTED_EXTENSION }
    guard index < Int(walk.license.extension_count) else { return OLIC_ERR_ARGUMENT }
    out.pointee = walk.selected
    return OLIC_OK
  } catch {
    return error
  }
}

@c @implementation
public func olic_encode_license(
  _ fields: UnsafePointer<olic_license>!, _ extra: UnsafePointer<olic_extension>!, _ extra_count: Int,
  _ out: UnsafeMutablePointer<UInt8>!, _ capacity: Int, _ out_len: UnsafeMutablePointer<Int>!
) -> olic_status {
  out_len?.pointee = 0
  guard let fields, let out else { return OLIC_ERR_ARGUMENT }
  guard extra != nil || extra_count == 0 else { return OLIC_ERR_ARGUMENT }
  var encoded = LicenseCopy(zeroedCount: LicenseLayout.maxSize)
  do throws(olic_status) {
    let total = try withUnsafeMutableBytes(of: &encoded.bytes) { (b) throws(olic_status) -> Int in
      try encodeLicense(fields.pointee, extra: extra, extraCount: extra_count, into: b)
    }
    // The device's own layout walk is the judge of what the encoder wrote
    // (for v2, with the empty entries the tools will fill).
    _ = try parseLicenseLayout(encoded.bytes.span.bytes.extracting(first: total), length: total, proposal: true)
    guard givenLength(capacity) >= total else { return OLIC_ERR_BUFFER }
    withUnsafeBytes(of: &encoded.bytes) { b in
      guard let base = b.baseAddress else { return }
      UnsafeMutableRawPointer(out).copyMemory(from: base, byteCount: total)
    }
    out_len?.pointee = total
    return OLIC_OK
  } catch {
    return error
  }
}

/// Two of the `count` entries of `size` bytes at `table` are equal.
@inline(never)
private func hasRepeat(_ table: UnsafeRawPointer, count: Int, size: Int) -> Bool {
  var i = 0
  while i < count {
    var j = i &+ 1
    while j < count {
      if sameBytes(table + i &* size, table + j &* size, count: size) { return true }
      j &+= 1
    }
    i &+= 1
  }
  return false
}
