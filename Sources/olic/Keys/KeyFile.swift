import CCrypto
import Glibc
import OfflineLicensing

/// An Ed25519 key read from a PEM file by libcrypto: the private key (PKCS#8,
/// plain or encrypted) or the public key (SPKI). A private key stays inside
/// libcrypto's EVP_PKEY, which wipes it when freed, until `signingSecret`
/// copies it into memory that olic wipes.
final class KeyMaterial: @unchecked Sendable {
  // @unchecked: the EVP_PKEY is only read after loading.
  let publicKey: [UInt8]
  /// nil for a public key file.
  let privateKey: OpaquePointer?

  init(publicKey: [UInt8], privateKey: OpaquePointer?) {
    self.publicKey = publicKey
    self.privateKey = privateKey
  }

  deinit { EVP_PKEY_free(privateKey) }

  /// libsodium's secret key (seed || public key) in wiped memory, for signing:
  /// libsodium signs at about twice libcrypto's rate, and a batch is signatures.
  /// libsodium's public key must be libcrypto's, or the signatures would not verify.
  func signingSecret() -> SecretBytes? {
    guard let privateKey else { return nil }
    let secret = SecretBytes(capacity: 64)
    var length = 32
    guard EVP_PKEY_get_raw_private_key(privateKey, secret.base, &length) == 1, length == 32,
      HostCrypto.publicKey(seed: secret.base) == publicKey
    else { return nil }
    (secret.base + 32).update(from: publicKey, count: 32)
    secret.count = 64
    return secret
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
    let key: OpaquePointer
    var isPrivate = true
    switch block.label {
    case "PRIVATE KEY":
      key = try block.privateKey(named: named)
      // As ssh refuses one: a key others could read may already be copied.
      if mode & 0o077 != 0 && !policy.allowInsecure {
        EVP_PKEY_free(key)
        let octal = String(mode & 0o777, radix: 8)
        throw Failure("\(named): private key is accessible by group or others (mode 0\(octal)); \(policy.insecureHint)")
      }
    case "ENCRYPTED PRIVATE KEY":
      key = try block.decrypt(named: named, passphrase: policy.passphrase, path: path)
    case "PUBLIC KEY":
      key = try block.publicKey(named: named)
      isPrivate = false
    default:
      throw Failure("\(named): not an Ed25519 key (PEM block '\(printable(block.label))')")
    }
    guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else {
      let name = algorithmName(key)
      EVP_PKEY_free(key)
      throw Failure("\(named): not an Ed25519 \(isPrivate ? "private" : "public") key (it is \(name))")
    }
    var publicKey = [UInt8](repeating: 0, count: 32)
    var length = publicKey.count
    guard EVP_PKEY_get_raw_public_key(key, &publicKey, &length) == 1, length == 32 else {
      EVP_PKEY_free(key)
      throw Failure("\(named): libcrypto could not give the public key")
    }
    if isPrivate { return KeyMaterial(publicKey: publicKey, privateKey: key) }
    EVP_PKEY_free(key)
    return KeyMaterial(publicKey: publicKey, privateKey: nil)
  }

  /// A private key, for signing.
  static func loadPrivate(_ path: String, what: String, policy: KeyFilePolicy) throws(Failure) -> KeyMaterial {
    let key = try load(path, what: what, policy: policy)
    guard key.privateKey != nil else {
      throw Failure("\(what) \(printable(path)): is a public key; signing needs the private key")
    }
    return key
  }

  /// A new key pair from libcrypto's CSPRNG (seeded by the operating system).
  static func generate() throws(Failure) -> KeyMaterial {
    guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else { throw Failure("keygen: libcrypto could not make a key") }
    defer { EVP_PKEY_CTX_free(context) }
    var key: OpaquePointer?
    guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &key) == 1, let key else {
      throw Failure("keygen: libcrypto could not make a key")
    }
    var publicKey = [UInt8](repeating: 0, count: 32)
    var length = publicKey.count
    guard EVP_PKEY_get_raw_public_key(key, &publicKey, &length) == 1 else {
      EVP_PKEY_free(key)
      throw Failure("keygen: libcrypto could not give the public key")
    }
    return KeyMaterial(publicKey: publicKey, privateKey: key)
  }

  /// PBKDF2 iterations of `keygen --encrypt`: openssl's default of 2048 costs an
  /// attacker little per guess; this is OWASP's figure for PBKDF2-HMAC-SHA256.
  static let encryptionIterations: Int32 = 600_000

  /// The private key as PKCS#8 PEM exactly as `openssl genpkey` writes it, or
  /// encrypted as `openssl genpkey -aes-256-cbc` does (PBES2, PBKDF2 with
  /// HMAC-SHA256, AES-256-CBC) with `passphrase`. Wiped when released.
  static func privatePEM(_ key: KeyMaterial, passphrase: SecretBytes?) throws(Failure) -> SecretBytes {
    guard let privateKey = key.privateKey, let bio = BIO_new(BIO_s_secmem()) else {
      throw Failure("keygen: libcrypto could not write the key")
    }
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

  /// The algorithm of a key that is not Ed25519, for the error line.
  private static func algorithmName(_ key: OpaquePointer) -> String {
    switch EVP_PKEY_get_base_id(key) {
    case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS: return "RSA"
    case EVP_PKEY_EC: return "EC"
    case EVP_PKEY_DSA: return "DSA"
    case EVP_PKEY_X25519: return "X25519"
    case EVP_PKEY_X448: return "X448"
    case EVP_PKEY_ED448: return "Ed448"
    default: return EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "an unknown algorithm"
    }
  }
}
