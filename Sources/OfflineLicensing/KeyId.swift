/// key_id(pk) = the first 8 bytes of BLAKE2b-256(pk): the one definition, used for
/// the trusted table at olic_init and by olic_key_id.
func computeKeyId(of publicKey: UnsafeRawPointer, into out: UnsafeMutableRawPointer) -> Bool {
  var digest = InlineArray<32, UInt8>(repeating: 0)
  return withUnsafeMutableBytes(of: &digest) { d -> Bool in
    guard let hash = d.baseAddress, Crypto.blake2b256(publicKey, length: Wire.publicKeySize, into: hash)
    else { return false }
    out.copyMemory(from: hash, byteCount: Wire.keyIdSize)
    return true
  }
}
