import COlic
import OfflineLicensing

/// An Ed25519 key read from a PEM file: the private key (PKCS#8, as
/// `openssl genpkey -algorithm ed25519` writes it) or the public key (SPKI, as
/// `openssl pkey -pubout` writes it).
struct KeyMaterial {
  let publicKey: [UInt8]
  /// libsodium's 64-byte secret key (seed || public key); nil for a public key file.
  let secretKey: [UInt8]?
  /// The 32-byte seed that PKCS#8 carries.
  let seed: [UInt8]?
}

enum KeyFile {
  /// DER of an Ed25519 PKCS#8 v1 PrivateKeyInfo up to the seed: SEQUENCE, version 0,
  /// AlgorithmIdentifier { id-Ed25519 (1.3.101.112) }, OCTET STRING { OCTET STRING (32) }.
  static let pkcs8Prefix: [UInt8] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
  ]
  /// DER of an Ed25519 SubjectPublicKeyInfo up to the key: SEQUENCE,
  /// AlgorithmIdentifier { id-Ed25519 }, BIT STRING (no unused bits, 32 bytes).
  static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

  static func privatePEM(seed: [UInt8]) -> String {
    PEM.encode(label: "PRIVATE KEY", der: pkcs8Prefix + seed)
  }

  static func publicPEM(_ publicKey: [UInt8]) -> String {
    PEM.encode(label: "PUBLIC KEY", der: spkiPrefix + publicKey)
  }

  /// Reads a private or public Ed25519 key. `what` names the argument.
  static func load(_ path: String, what: String) throws(Failure) -> KeyMaterial {
    let named = "\(what) \(printable(path))"
    let bytes = try FileInput.read(path, what: what, limit: 1 << 20)
    let text = String(decoding: bytes, as: UTF8.self)
    guard let block = try PEM.firstBlock(in: text, what: named) else {
      throw Failure("\(named): not a PEM key file (no -----BEGIN line)")
    }
    switch block.label {
    case "PRIVATE KEY":
      guard block.der.count == pkcs8Prefix.count + 32, block.der.starts(with: pkcs8Prefix) else {
        throw Failure("\(named): not an Ed25519 private key\(algorithmHint(block.der))")
      }
      let seed = Array(block.der[pkcs8Prefix.count...])
      guard let pair = HostCrypto.keypair(seed: seed) else {
        throw Failure("\(named): libsodium could not derive the public key")
      }
      return KeyMaterial(publicKey: pair.publicKey, secretKey: pair.secretKey, seed: seed)
    case "PUBLIC KEY":
      guard block.der.count == spkiPrefix.count + 32, block.der.starts(with: spkiPrefix) else {
        throw Failure("\(named): not an Ed25519 public key\(algorithmHint(block.der))")
      }
      return KeyMaterial(publicKey: Array(block.der[spkiPrefix.count...]), secretKey: nil, seed: nil)
    case "ENCRYPTED PRIVATE KEY":
      throw Failure("\(named): encrypted private keys are not supported (decrypt it with openssl pkey first)")
    default:
      throw Failure("\(named): not an Ed25519 key (PEM block '\(printable(block.label))')")
    }
  }

  /// A private key, for signing.
  static func loadPrivate(_ path: String, what: String) throws(Failure) -> KeyMaterial {
    let key = try load(path, what: what)
    guard key.secretKey != nil else {
      throw Failure("\(what) \(printable(path)): is a public key; signing needs the private key")
    }
    return key
  }

  /// Names the algorithm of a key that is not Ed25519, from its OID, for the error line.
  private static func algorithmHint(_ der: [UInt8]) -> String {
    let known: [(String, [UInt8])] = [
      ("RSA", [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]),
      ("EC", [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]),
      ("DSA", [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01]),
      ("X25519", [0x06, 0x03, 0x2b, 0x65, 0x6e]),
      ("X448", [0x06, 0x03, 0x2b, 0x65, 0x6f]),
      ("Ed448", [0x06, 0x03, 0x2b, 0x65, 0x71]),
      ("Ed25519 in a PKCS#8 form other than openssl's", [0x06, 0x03, 0x2b, 0x65, 0x70]),
    ]
    for (name, oid) in known where contains(der, oid) { return " (it is \(name))" }
    return ""
  }

  private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard haystack.count >= needle.count else { return false }
    for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
      return true
    }
    return false
  }
}
