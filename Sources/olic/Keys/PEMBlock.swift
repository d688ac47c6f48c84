import CCrypto

/// The first PEM block of a key file, decoded by libcrypto (text around it is
/// ignored, as openssl does), and the key inside it. The DER of a private key
/// is wiped when the block is released.
final class PEMBlock {
  let label: String
  private let der: UnsafeMutablePointer<UInt8>
  private let length: Int

  init(_ file: SecretBytes, named: String) throws(Failure) {
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
  func privateKey(named: String) throws(Failure) -> OpaquePointer {
    var cursor: UnsafePointer<UInt8>? = UnsafePointer(der)
    guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, length) else {
      ERR_clear_error()
      throw Failure("\(named): the PRIVATE KEY block is not PKCS#8")
    }
    defer { PKCS8_PRIV_KEY_INFO_free(info) }
    guard let key = EVP_PKCS82PKEY(info) else {
      ERR_clear_error()
      throw Failure("\(named): libcrypto does not know the key's algorithm")
    }
    return key
  }

  /// An EncryptedPrivateKeyInfo (PBES2 with PBKDF2 or scrypt, as openssl
  /// writes it), opened with the passphrase, which is wiped right after.
  func decrypt(named: String, passphrase source: SecretSource, path: String) throws(Failure) -> OpaquePointer {
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
      let code = ERR_peek_last_error()
      ERR_clear_error()
      // A wrong passphrase shows as bad padding (or, 1 time in 256, as DER that
      // does not parse); an algorithm libcrypto lacks fails before decrypting.
      if ERR_GET_LIB(code) == ERR_LIB_EVP && ERR_GET_REASON(code) == EVP_R_UNSUPPORTED_CIPHER
        || ERR_GET_REASON(code) == EVP_R_UNKNOWN_PBE_ALGORITHM || ERR_GET_REASON(code) == EVP_R_UNSUPPORTED_PRF
        || ERR_GET_REASON(code) == EVP_R_UNSUPPORTED_KEY_DERIVATION_FUNCTION
      {
        throw Failure("\(named): cannot decrypt: libcrypto does not support the key's encryption")
      }
      throw Failure("\(named): cannot decrypt the key: wrong passphrase")
    }
    defer { PKCS8_PRIV_KEY_INFO_free(info) }
    guard let key = EVP_PKCS82PKEY(info) else {
      ERR_clear_error()
      throw Failure("\(named): cannot decrypt the key: wrong passphrase")
    }
    return key
  }

  /// A SubjectPublicKeyInfo.
  func publicKey(named: String) throws(Failure) -> OpaquePointer {
    var cursor: UnsafePointer<UInt8>? = UnsafePointer(der)
    guard let key = d2i_PUBKEY(nil, &cursor, length) else {
      ERR_clear_error()
      throw Failure("\(named): the PUBLIC KEY block is not a public key libcrypto knows")
    }
    return key
  }
}
