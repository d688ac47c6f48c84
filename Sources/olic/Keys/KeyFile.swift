import CCrypto
import Glibc
import OfflineLicensing

/// An Ed25519 key read from a PEM file: the private key (PKCS#8, plain or
/// encrypted) or the public key (SPKI).
final class KeyMaterial: @unchecked Sendable {
  // @unchecked: both fields are only read once the key is loaded.
  let publicKey: [UInt8]
  /// libsodium's secret key (seed || public key) in memory olic wipes; nil for a
  /// public key file. libsodium signs with it, at about twice libcrypto's rate.
  let secret: SecretBytes?

  init(publicKey: [UInt8], secret: SecretBytes?) {
    self.publicKey = publicKey
    self.secret = secret
  }

  /// From a 32-byte seed (moved into the new key's own wiped buffer).
  convenience init(seed: UnsafePointer<UInt8>, named: String) throws(Failure) {
    guard let publicKey = HostCrypto.publicKey(seed: seed) else {
      throw Failure("\(named): libsodium could not derive the public key")
    }
    let secret = SecretBytes(capacity: 64)
    secret.base.update(from: seed, count: 32)
    (secret.base + 32).update(from: publicKey, count: 32)
    secret.count = 64
    self.init(publicKey: publicKey, secret: secret)
  }
}

/// How a command lets key files be read: the passphrase of an encrypted key,
/// and whether a plaintext key that others may read is accepted.
struct KeyFilePolicy {
  var passphrase: SecretSource
  var allowInsecure = false
  /// The error line's advice for a key others can read.
  var insecureHint = "chmod 600 it, or pass --allow-insecure-key-file"

  static func standard(passphraseFile: String? = nil) -> KeyFilePolicy {
    KeyFilePolicy(passphrase: SecretSource(
      file: passphraseFile, option: "--passphrase-file", environment: "OLIC_PASSPHRASE_FILE", noun: "passphrase"))
  }

  /// For commands that need only a public key (verify, inspect): they have no
  /// --allow-insecure-key-file, because the public key file serves them.
  static var publicUse: KeyFilePolicy {
    var policy = standard()
    policy.insecureHint = "chmod 600 it, or give its public key file (olic pubkey can make one)"
    return policy
  }
}

enum KeyFile {
  /// Reads a private or public Ed25519 key. `what` names the argument.
  static func load(_ path: String, what: String, policy: KeyFilePolicy = .publicUse) throws(Failure) -> KeyMaterial {
    let named = "\(what) \(printable(path))"
    let (file, mode) = try SecretBytes.read(path, what: what)
    let block = try PEMBlock(file, named: named)
    switch block.label {
    case "PRIVATE KEY":
      let key = try block.privateKey(named: named)
      // As ssh refuses one: a key others could read may already be copied.
      if mode & 0o077 != 0 && !policy.allowInsecure {
        let octal = String(mode & 0o777, radix: 8)
        throw Failure("\(named): private key is accessible by group or others (mode 0\(octal)); \(policy.insecureHint)")
      }
      return key
    case "ENCRYPTED PRIVATE KEY":
      return try block.decrypt(named: named, passphrase: policy.passphrase, path: path)
    case "PUBLIC KEY":
      return try block.publicKey(named: named)
    default:
      throw Failure("\(named): not an Ed25519 key (PEM block '\(printable(block.label))')")
    }
  }

  /// A private key, for signing.
  static func loadPrivate(_ path: String, what: String, policy: KeyFilePolicy) throws(Failure) -> KeyMaterial {
    let key = try load(path, what: what, policy: policy)
    guard key.secret != nil else {
      throw Failure("\(what) \(printable(path)): is a public key; signing needs the private key")
    }
    return key
  }

  /// A new key pair, its seed from the operating system's CSPRNG.
  static func generate() throws(Failure) -> KeyMaterial {
    guard var seed = HostCrypto.randomSeed(), seed.count == 32 else { throw Failure("keygen: libsodium could not make a key") }
    defer { seed.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
    return try seed.withUnsafeBufferPointer { (b) throws(Failure) in
      guard let base = b.baseAddress else { throw Failure("keygen: libsodium could not make a key") }
      return try KeyMaterial(seed: base, named: "keygen")
    }
  }

  /// PBKDF2 iterations of `keygen --encrypt`: openssl's default of 2048 costs an
  /// attacker little per guess; this is OWASP's figure for PBKDF2-HMAC-SHA256.
  static let encryptionIterations: Int32 = 600_000

  /// The private key as PKCS#8 PEM exactly as `openssl genpkey` writes it, or
  /// encrypted as `openssl genpkey -aes-256-cbc` does (PBES2, PBKDF2 with
  /// HMAC-SHA256, AES-256-CBC) with `passphrase`. Wiped when released.
  static func privatePEM(_ key: KeyMaterial, passphrase: SecretBytes?) throws(Failure) -> SecretBytes {
    guard let secret = key.secret,
      let privateKey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, secret.base, 32)
    else { throw Failure("keygen: libcrypto could not take the key") }
    defer { EVP_PKEY_free(privateKey) }
    guard let bio = BIO_new(BIO_s_secmem()) else { throw Failure("keygen: libcrypto could not write the key") }
    defer { BIO_free(bio) }
    var written: Int32 = 0
    if let passphrase {
      if let info = EVP_PKEY2PKCS8(privateKey) {
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        let sealed = passphrase.base.withMemoryRebound(to: CChar.self, capacity: passphrase.capacity) { pass in
          PKCS8_encrypt(-1, EVP_aes_256_cbc(), pass, Int32(passphrase.count), nil, 0, encryptionIterations, info)
        }
        if let sealed {
          written = PEM_write_bio_PKCS8(bio, sealed)
          X509_SIG_free(sealed)
        }
      }
    } else {
      written = PEM_write_bio_PrivateKey(bio, privateKey, nil, nil, 0, nil, nil)
    }
    guard written == 1 else { throw Failure("keygen: libcrypto could not write the key") }
    return try drain(bio)
  }

  /// SPKI PEM as `openssl pkey -pubout` writes it.
  static func publicPEM(_ publicKey: [UInt8]) throws(Failure) -> [UInt8] {
    guard let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, publicKey, publicKey.count) else {
      throw Failure("libcrypto could not take the public key")
    }
    defer { EVP_PKEY_free(key) }
    guard let bio = BIO_new(BIO_s_mem()) else { throw Failure("libcrypto could not write the public key") }
    defer { BIO_free(bio) }
    guard PEM_write_bio_PUBKEY(bio, key) == 1 else { throw Failure("libcrypto could not write the public key") }
    let pem = try drain(bio)
    return Array(pem.bytes)
  }

  private static func drain(_ bio: OpaquePointer) throws(Failure) -> SecretBytes {
    let pending = Int(BIO_ctrl(bio, BIO_CTRL_PENDING, 0, nil))
    let out = SecretBytes(capacity: pending)
    let n = BIO_read(bio, out.base, Int32(pending))
    guard n == Int32(pending) else { throw Failure("libcrypto could not write the key") }
    out.count = pending
    return out
  }
}
