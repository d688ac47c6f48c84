import COlic
import OfflineLicensing

/// The regulator's signing key, wherever it is kept: a PEM file (plain or
/// encrypted; libcrypto reads it, libsodium signs) or a PKCS#11 token (the token
/// holds it and signs).
/// Commands sign through this and never ask which.
final class SigningKey: Sendable {
  enum Store: Sendable {
    case file(FileSecret)
    case token(TokenKey)
  }

  /// A file key's secret, read-only once loaded, so every thread may sign with it.
  final class FileSecret: @unchecked Sendable {
    let publicKey: [UInt8]
    let secret: SecretBytes

    init(_ key: KeyMaterial, named: String) throws(Failure) {
      guard let secret = key.secret else { throw Failure("\(named): signing needs the private key") }
      publicKey = key.publicKey
      self.secret = secret
    }
  }

  let store: Store
  let publicKey: [UInt8]
  private let template: HostLicense.Template
  private let named: String

  init(_ store: Store, named: String) throws(Failure) {
    switch store {
    case .file(let key): publicKey = key.publicKey
    case .token(let key): publicKey = key.publicKey
    }
    guard let template = HostLicense.Template(publicKey: publicKey) else { throw Failure("\(named): cannot compute the key_id") }
    self.store = store
    self.template = template
    self.named = named
  }

  /// How many threads may sign at once: any number with a file key, one per
  /// session the token opened.
  var workers: Int {
    switch store {
    case .file: return Int.max
    case .token(let key): return key.workers
    }
  }

  /// An Ed25519 signature of `message`. `worker` is the signing thread's index,
  /// below `workers`.
  func sign(_ message: UnsafeRawBufferPointer, worker: Int = 0) throws(Failure) -> [UInt8] {
    switch store {
    case .file(let key):
      var signature = [UInt8](repeating: 0, count: 64)
      let signed = signature.withUnsafeMutableBytes { out in
        out.baseAddress.map { HostCrypto.sign(message, secretKey: key.secret.base, into: $0) } ?? false
      }
      guard signed else { throw Failure("\(named): libsodium could not sign") }
      return signature
    case .token(let key):
      return try key.sign(message, worker: worker)
    }
  }

  func sign(_ message: [UInt8], worker: Int = 0) throws(Failure) -> [UInt8] {
    let signed: Result<[UInt8], Failure> = message.withUnsafeBytes { bytes in
      do throws(Failure) { return .success(try sign(bytes, worker: worker)) } catch { return .failure(error) }
    }
    return try signed.get()
  }

  /// A license: the core encodes it (key_id of this key), this key signs it.
  /// An encoding failure is `unencodable`'s line.
  func license(
    _ fields: olic_license, extra: [HostLicense.Extension], worker: Int = 0, unencodable: (olic_status) -> Failure
  ) throws(Failure) -> [UInt8] {
    switch template.message(fields, extra: extra) {
    case .success(let message): return message + (try sign(message, worker: worker))
    case .failure(let status): throw unencodable(status)
    }
  }
}
