import CCrypto

/// The first PEM block of a key file, decoded by libcrypto (text around it is
/// ignored, as openssl does), and the key inside it. The DER of a private key
/// is wiped when the block is released.
///
/// The keys are taken apart with libcrypto's ASN.1 types (PKCS8_PRIV_KEY_INFO,
/// X509_PUBKEY), not turned into an EVP_PKEY: that goes through OpenSSL 3's
/// provider decoders, which would double the CLI's start-up time.
final class PEMBlock {
  let label: String
  private let der: UnsafeMutablePointer<UInt8>
  private let length: Int

  /// libcrypto set up without its error strings: olic maps reason codes to its
  /// own lines, and loading the strings is a third of libcrypto's start-up.
  private static let initialised: Bool = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS), nil) == 1

  init(_ file: SecretBytes, named: String) throws(Failure) {
    guard Self.initialised else { throw Failure("\(named): libcrypto did not initialise") }
    guard let bio = BIO_new_mem_buf(file.base, Int32(file.count)) else { throw Failure("\(named): libcrypto could not read it") }
    defer { BIO_free(bio) }
    var name: UnsafeMutablePointer<CChar>?
    var header: UnsafeMutablePointer<CChar>?
    var data: UnsafeMutablePointer<UInt8>?
    var length = 0
    ERR_clear_error()
    guard PEM_read_bio(bio, &name, &header, &data, &length) == 1, let name, let data else {
      let reason = ERR_GET_REASON(ERR_peek_last_error())
      ERR_clear_error()
      switch reason {
      case PEM_R_NO_START_LINE: throw Failure("\(named): not a PEM key file (no -----BEGIN line)")
      case PEM_R_BAD_BASE64_DECODE: throw Failure("\(named): the PEM block is not valid base64")
      default: throw Failure("\(named): the PEM block has no END line or is damaged")
      }
    }
    label = String(cString: name)
    CRYPTO_free(name, "PEMBlock", 0)
    CRYPTO_free(header, "PEMBlock", 0)
    der = data
    self.length = length
  }

  deinit { CRYPTO_clear_free(der, length, "PEMBlock", 0) }

  /// A plaintext PKCS#8 PrivateKeyInfo.
  func privateKey(named: String) throws(Failure) -> KeyMaterial {
    var cursor: UnsafePointer<UInt8>? = UnsafePointer(der)
    guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, length) else {
      ERR_clear_error()
      throw Failure("\(named): the PRIVATE KEY block is not PKCS#8")
    }
    // PKCS8_PRIV_KEY_INFO_free clears the key bytes (ASN1_STRING_clear_free).
    defer { PKCS8_PRIV_KEY_INFO_free(info) }
    return try Self.ed25519(info, named: named)
  }

  /// An EncryptedPrivateKeyInfo (PBES2 with PBKDF2 or scrypt, as openssl
  /// writes it), opened with the passphrase, which is wiped right after.
  func decrypt(named: String, passphrase source: SecretSource, path: String) throws(Failure) -> KeyMaterial {
    var cursor: UnsafePointer<UInt8>? = UnsafePointer(der)
    guard let sealed = d2i_X509_SIG(nil, &cursor, length) else {
      ERR_clear_error()
      throw Failure("\(named): the ENCRYPTED PRIVATE KEY block is not PKCS#8")
    }
    defer { X509_SIG_free(sealed) }
    guard let passphrase = try source.read(prompt: "Passphrase for \(printable(path)): ") else {
      throw Failure("\(named): the key is encrypted and no passphrase was given; \(source.hint)")
    }
    ERR_clear_error()
    let info = passphrase.base.withMemoryRebound(to: CChar.self, capacity: passphrase.capacity) {
      PKCS8_decrypt(sealed, $0, Int32(passphrase.count))
    }
    guard let info else {
      let reason = ERR_GET_REASON(ERR_peek_last_error())
      ERR_clear_error()
      // A wrong passphrase shows as bad padding (or, 1 time in 256, as DER that
      // does not parse); an algorithm libcrypto lacks fails before decrypting.
      if [EVP_R_UNSUPPORTED_CIPHER, EVP_R_UNKNOWN_PBE_ALGORITHM, EVP_R_UNSUPPORTED_PRF,
        EVP_R_UNSUPPORTED_KEY_DERIVATION_FUNCTION].contains(reason)
      {
        throw Failure("\(named): cannot decrypt: libcrypto does not support the key's encryption")
      }
      throw Failure("\(named): cannot decrypt the key: wrong passphrase")
    }
    defer { PKCS8_PRIV_KEY_INFO_free(info) }
    return try Self.ed25519(info, named: named)
  }

  /// A SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }, read
  /// as generic ASN.1 (d2i_X509_PUBKEY would decode the key through providers).
  func publicKey(named: String) throws(Failure) -> KeyMaterial {
    let malformed = Failure("\(named): the PUBLIC KEY block is not a SubjectPublicKeyInfo")
    var cursor: UnsafePointer<UInt8>? = UnsafePointer(der)
    guard let fields = d2i_ASN1_SEQUENCE_ANY(nil, &cursor, length) else {
      ERR_clear_error()
      throw malformed
    }
    defer { OPENSSL_sk_pop_free(fields, Self.freeType) }
    let stack = fields
    guard OPENSSL_sk_num(stack) == 2,
      let first = OPENSSL_sk_value(stack, 0)?.assumingMemoryBound(to: ASN1_TYPE.self),
      let second = OPENSSL_sk_value(stack, 1)?.assumingMemoryBound(to: ASN1_TYPE.self),
      first.pointee.type == V_ASN1_SEQUENCE, second.pointee.type == V_ASN1_BIT_STRING,
      let sequence = first.pointee.value.sequence, let bits = second.pointee.value.bit_string,
      let sequenceBytes = ASN1_STRING_get0_data(sequence)
    else { throw malformed }
    var algorithmCursor: UnsafePointer<UInt8>? = sequenceBytes
    guard let algorithm = d2i_X509_ALGOR(nil, &algorithmCursor, Int(ASN1_STRING_length(sequence))) else {
      ERR_clear_error()
      throw malformed
    }
    defer { X509_ALGOR_free(algorithm) }
    let nid = Self.algorithm(UnsafePointer(algorithm))
    guard nid == NID_ED25519 else { throw Failure("\(named): not an Ed25519 public key (it is \(Self.name(nid)))") }
    guard ASN1_STRING_length(bits) == 32, let key = ASN1_STRING_get0_data(bits) else {
      throw Failure("\(named): the Ed25519 public key is not 32 bytes")
    }
    return KeyMaterial(publicKey: Array(UnsafeBufferPointer(start: key, count: 32)), secret: nil)
  }

  private static let freeType: OPENSSL_sk_freefunc = { ASN1_TYPE_free($0?.assumingMemoryBound(to: ASN1_TYPE.self)) }

  /// The seed of an Ed25519 PrivateKeyInfo (RFC 8410: an OCTET STRING holding
  /// the OCTET STRING of the 32-byte seed), and the key pair it makes.
  private static func ed25519(_ info: OpaquePointer, named: String) throws(Failure) -> KeyMaterial {
    var body: UnsafePointer<UInt8>?
    var bodyLength: Int32 = 0
    var algorithm: UnsafePointer<X509_ALGOR>?
    guard PKCS8_pkey_get0(nil, &body, &bodyLength, &algorithm, info) == 1, let algorithm else {
      throw Failure("\(named): the PRIVATE KEY block is not PKCS#8")
    }
    let nid = Self.algorithm(algorithm)
    guard nid == NID_ED25519 else { throw Failure("\(named): not an Ed25519 private key (it is \(name(nid)))") }
    var cursor = body
    guard let seed = d2i_ASN1_OCTET_STRING(nil, &cursor, Int(bodyLength)) else {
      ERR_clear_error()
      throw Failure("\(named): the Ed25519 private key is damaged")
    }
    defer { ASN1_STRING_clear_free(seed) }
    guard ASN1_STRING_length(seed) == 32, let bytes = ASN1_STRING_get0_data(seed) else {
      throw Failure("\(named): the Ed25519 private key is not a 32-byte seed")
    }
    return try KeyMaterial(seed: bytes, named: named)
  }

  private static func algorithm(_ algorithm: UnsafePointer<X509_ALGOR>) -> Int32 {
    var oid: OpaquePointer?
    X509_ALGOR_get0(&oid, nil, nil, algorithm)
    return oid.map { OBJ_obj2nid($0) } ?? NID_undef
  }

  /// The algorithm of a key that is not Ed25519, for the error line.
  private static func name(_ nid: Int32) -> String {
    switch nid {
    case NID_rsaEncryption, NID_rsassaPss: return "RSA"
    case NID_X9_62_id_ecPublicKey: return "EC"
    case NID_dsa: return "DSA"
    case NID_X25519: return "X25519"
    case NID_X448: return "X448"
    case NID_ED448: return "Ed448"
    case NID_undef: return "an unknown algorithm"
    default: return OBJ_nid2sn(nid).map { String(cString: $0) } ?? "an unknown algorithm"
    }
  }
}
