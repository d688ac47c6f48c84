import COlic

/// olic_make_request after its argument checks: validates the key pair, commits
/// request_sequence + 1, then builds and signs the request in a private buffer
/// and copies it out. The secret key is copied once and wiped on every path.
func makeRequest(
  _ context: UnsafeMutablePointer<olic_context>, secretKey: UnsafePointer<UInt8>,
  into out: UnsafeMutablePointer<UInt8>, capacity: Int, proof: UnsafeMutablePointer<Proof>
) throws(olic_status) {
  var secret = InlineArray<64, UInt8>(repeating: 0)
  defer { withUnsafeMutableBytes(of: &secret) { Crypto.wipe($0) } }
  withUnsafeMutableBytes(of: &secret) { s in
    s.copyMemory(from: UnsafeRawBufferPointer(start: secretKey, count: Int(OLIC_SECRET_KEY_SIZE)))
  }

  // Signing with a public half that is not the seed's own leaks the seed
  // (the nonce does not depend on the public key), so a mismatch is refused.
  var derived = InlineArray<32, UInt8>(repeating: 0)
  let pairMatches = withUnsafeBytes(of: &secret) { s -> Bool in
    withUnsafeMutableBytes(of: &derived) { d -> Bool in
      guard let seed = s.baseAddress, let pk = d.baseAddress else { return false }
      guard Crypto.publicKey(seed: seed, into: pk) else { return false }
      return sameBytes(pk, seed + Wire.publicKeySize, count: Wire.publicKeySize)
    }
  }
  guard pairMatches else { throw OLIC_ERR_ARGUMENT }
  proof.pointee.step()

  var next = context.pointee.state_
  guard next.request_sequence < UInt64.max else { throw OLIC_ERR_EXHAUSTED }
  proof.pointee.step()
  next.request_sequence += 1
  try withUnsafeBytes(of: &secret) { (s) throws(olic_status) in
    try withUnsafeBytes(of: &derived) { (d) throws(olic_status) in
      guard let sk = s.baseAddress, let pk = d.baseAddress else { throw faultDetected(context) }
      try confirmRequest(
        context, derivedPublicKey: pk, secretKey: sk, capacity: capacity, &next, proof: proof)
    }
  }
  try commit(context, next)
  proof.pointee.step()

  var request = RequestCopy(zeroedCount: RequestLayout.size)
  let deviceId = context.pointee.device_id_
  try withUnsafeMutableBytes(of: &request.bytes) { (b) throws(olic_status) in
    try withUnsafeBytes(of: deviceId) { (id) throws(olic_status) in
      try withUnsafeBytes(of: &derived) { (pk) throws(olic_status) in
        try encodeRequestBody(b, deviceId: id, publicKey: pk, state: next)
      }
    }
    let signed = withUnsafeBytes(of: &secret) { s -> Bool in
      guard let base = b.baseAddress, let key = s.baseAddress else { return false }
      return Crypto.sign(
        message: base, length: RequestLayout.signatureOffset, secretKey: key,
        into: base + RequestLayout.signatureOffset)
    }
    // The sequence is already spent: like a power cut after the commit, which
    // the regulator's side tolerates (it binds to the sequence it is shown).
    guard signed else { throw OLIC_ERR_CRYPTO }
    guard let base = b.baseAddress else { throw OLIC_ERR_CRYPTO }
    UnsafeMutableRawPointer(out).copyMemory(from: base, byteCount: RequestLayout.size)
  }
}
