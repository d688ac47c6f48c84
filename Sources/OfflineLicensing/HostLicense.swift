#if !hasFeature(Embedded)
  import COlic

  /// Host-only issuing for the tools: the core's one encoder (olic_encode_license)
  /// plus an Ed25519 signature. The firmware library never signs a license, so none
  /// of this is in libolic.a.
  public enum HostLicense {
    /// An extension the caller adds beyond VALIDITY and BIND_REQUEST (which come
    /// from the license fields): its type and its value bytes.
    public struct Extension: Sendable {
      public var type: UInt16
      public var value: [UInt8]
      public init(type: UInt16, value: [UInt8]) {
        self.type = type
        self.value = value
      }
    }

    /// Encodes `fields` and `extra` (in ascending type order, by the core) and signs
    /// every byte before the signature with `secretKey` (libsodium's seed || public
    /// key). key_id is taken from the secret key's public half, so a license can
    /// never name one key and be signed by another. Fails with the encoder's status,
    /// OLIC_ERR_ARGUMENT for a key of the wrong size, or OLIC_ERR_CRYPTO if signing failed.
    public static func issue(
      _ fields: olic_license, extra: [Extension], secretKey: [UInt8]
    ) -> Result<[UInt8], olic_status> {
      guard let issuer = Issuer(secretKey: secretKey) else { return .failure(OLIC_ERR_ARGUMENT) }
      return issuer.issue(fields, extra: extra)
    }

    /// One signing key, prepared once for many licenses (olic batch): key_id is
    /// hashed and libsodium initialised here, not per license. Safe to share
    /// between threads: it holds only constants.
    public struct Issuer: Sendable {
      private let secretKey: [UInt8]
      private let keyId: [UInt8]

      public init?(secretKey: [UInt8]) {
        guard secretKey.count == Int(OLIC_SECRET_KEY_SIZE), Crypto.initialise(),
          let id = HostLicense.keyId(Array(secretKey[Int(OLIC_PUBLIC_KEY_SIZE)...]))
        else { return nil }
        self.secretKey = secretKey
        self.keyId = id
      }

      public func issue(_ fields: olic_license, extra: [Extension]) -> Result<[UInt8], olic_status> {
        var fields = fields
        withUnsafeMutableBytes(of: &fields.key_id) { $0.copyBytes(from: keyId) }
        var blob = [UInt8](repeating: 0, count: Int(OLIC_LICENSE_MAX_SIZE))
        var length = 0
        let status = HostLicense.encode(fields, extra: extra, into: &blob, length: &length)
        guard status == OLIC_OK else { return .failure(status) }
        // Sign in place: the message is blob[0, length - 64), the signature its tail.
        let signedLength = length - Wire.signatureSize
        let signed = blob.withUnsafeMutableBytes { b -> Bool in
          secretKey.withUnsafeBytes { sk -> Bool in
            guard let base = b.baseAddress, let key = sk.baseAddress else { return false }
            return Crypto.sign(message: base, length: signedLength, secretKey: key, into: base + signedLength)
          }
        }
        guard signed else { return .failure(OLIC_ERR_CRYPTO) }
        blob.removeSubrange(length...)
        return .success(blob)
      }
    }

    /// key_id of a 32-byte public key, by the core's olic_key_id.
    public static func keyId(_ publicKey: [UInt8]) -> [UInt8]? {
      guard publicKey.count == Int(OLIC_PUBLIC_KEY_SIZE) else { return nil }
      var id = [UInt8](repeating: 0, count: Int(OLIC_KEY_ID_SIZE))
      return olic_key_id(publicKey, &id) == OLIC_OK ? id : nil
    }

    /// The signature verdict of a license under one public key, as a device holding
    /// only that key would give it: the structural status first (steps 2-5), then
    /// OLIC_ERR_UNKNOWN_KEY if key_id names another key, then the Ed25519 check.
    /// The device's other checks (device, replay, time...) are not applied.
    public static func signatureStatus(_ blob: [UInt8], publicKey: [UInt8]) -> olic_status {
      var parsed = olic_license()
      let structure = olic_parse(blob, blob.count, &parsed)
      guard structure == OLIC_OK else { return structure }
      guard let wanted = keyId(publicKey) else { return OLIC_ERR_ARGUMENT }
      let named = withUnsafeBytes(of: parsed.key_id) { Array($0) }
      guard named == wanted else { return OLIC_ERR_UNKNOWN_KEY }
      let signedLength = blob.count - Wire.signatureSize
      let verified = HostCrypto.verify(
        Array(blob[signedLength...]), message: Array(blob[..<signedLength]), publicKey: publicKey)
      return verified ? OLIC_OK : OLIC_ERR_SIGNATURE
    }

    /// Runs olic_encode_license with every caller value laid out in one buffer, so
    /// that the pointers in the extension table stay valid for the whole call.
    static func encode(
      _ fields: olic_license, extra: [Extension], into blob: inout [UInt8], length: inout Int
    ) -> olic_status {
      let values = extra.flatMap(\.value)
      guard extra.allSatisfy({ $0.value.count <= Int(UInt16.max) }) else { return OLIC_ERR_MALFORMED }
      return withUnsafeFields(fields) { fieldsPointer in
        values.withUnsafeBufferPointer { valueBuffer in
          var table: [olic_extension] = []
          var start = 0
          for e in extra {
            let pointer = e.value.isEmpty ? nil : valueBuffer.baseAddress.map { $0 + start }
            table.append(
              olic_extension(type: e.type, length: UInt16(e.value.count), offset: 0, value: pointer))
            start += e.value.count
          }
          let capacity = blob.count
          return table.withUnsafeBufferPointer { t in
            olic_encode_license(fieldsPointer, t.baseAddress, t.count, &blob, capacity, &length)
          }
        }
      }
    }

    private static func withUnsafeFields<R>(_ fields: olic_license, _ body: (UnsafePointer<olic_license>) -> R) -> R {
      var copy = fields
      return withUnsafePointer(to: &copy) { body($0) }
    }
  }
#endif
