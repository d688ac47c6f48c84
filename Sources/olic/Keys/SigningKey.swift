import COlic
import OfflineLicensing

/// The regulator's signing key, wherever it is kept: a PEM file (plain or
/// encrypted; libcrypto holds the key) or a PKCS#11 token (the token holds it).
/// Commands sign through this and never ask which.
final class SigningKey: Sendable {
  enum Store: Sendable {
    case file(KeyMaterial)
    case token(TokenKey)
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
      guard let signature = key.sign(message) else { throw Failure("\(named): libcrypto could not sign") }
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
