#if !hasFeature(Embedded)
  import COlic

  extension HostLicense {
    /// Issuing with a key the tools cannot hold in memory (a PKCS#11 token) or
    /// that another library holds (libcrypto): the core encodes, the caller signs.
    /// key_id comes from `publicKey`, the key that will sign, so a license can
    /// never name one key and be signed by another; the caller's signature is
    /// checked by nothing here, which is why the tools' tests verify every path.
    public struct Template: Sendable {
      public let keyId: [UInt8]

      public init?(publicKey: [UInt8]) {
        guard let id = HostLicense.keyId(publicKey) else { return nil }
        keyId = id
      }

      /// The bytes to sign: the whole license but its 64-byte signature, which the
      /// caller appends (Ed25519 over exactly these bytes).
      public func message(_ fields: olic_license, extra: [Extension]) -> Result<[UInt8], olic_status> {
        var fields = fields
        withUnsafeMutableBytes(of: &fields.key_id) { $0.copyBytes(from: keyId) }
        var blob = [UInt8](repeating: 0, count: Int(OLIC_LICENSE_MAX_SIZE))
        var length = 0
        let status = HostLicense.encode(fields, extra: extra, into: &blob, length: &length)
        guard status == OLIC_OK else { return .failure(status) }
        blob.removeSubrange((length - Wire.signatureSize)...)
        return .success(blob)
      }
    }
  }
#endif

#if !hasFeature(Embedded)
  extension HostCrypto {
    /// Ed25519 with libsodium's 64-byte secret key (seed || public key) given by
    /// pointer, so that the caller can keep the key in memory it wipes.
    public static func sign(
      _ message: UnsafeRawBufferPointer, secretKey: UnsafeRawPointer, into signature: UnsafeMutableRawPointer
    ) -> Bool {
      guard let base = message.baseAddress, Crypto.initialise() else { return false }
      return Crypto.sign(message: base, length: message.count, secretKey: secretKey, into: signature)
    }

    /// The public key of a 32-byte seed given by pointer (libsodium's derivation).
    public static func publicKey(seed: UnsafeRawPointer) -> [UInt8]? {
      guard Crypto.initialise() else { return nil }
      var publicKey = [UInt8](repeating: 0, count: 32)
      let ok = publicKey.withUnsafeMutableBytes { pk in pk.baseAddress.map { Crypto.publicKey(seed: seed, into: $0) } ?? false }
      return ok ? publicKey : nil
    }
  }
#endif
