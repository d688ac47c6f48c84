import COlic
import OfflineLicensing

/// The regulator's signing key for the ledger's commands, from the CLI's one key
/// source (KeySourceOptions: a plain or encrypted PEM file, or a PKCS#11 token):
/// licenses and ledger checkpoints are signed by whatever holds the key.
struct RegulatorSigner: Sendable {
  let key: SigningKey
  let keyId: [UInt8]

  /// `workers`: signing threads wanted (a token opens one session each).
  static func load(_ source: KeySourceOptions, workers: Int = 1) throws(Failure) -> RegulatorSigner {
    try wrap(try source.signingKey(workers: workers))
  }

  /// A key the command already holds (loading it again would ask for a passphrase
  /// or a PIN twice).
  static func wrap(_ key: SigningKey) throws(Failure) -> RegulatorSigner {
    guard let keyId = HostLicense.keyId(key.publicKey) else { throw Failure("--key: cannot compute the key_id") }
    return RegulatorSigner(key: key, keyId: keyId)
  }

  /// Threads that may sign at once.
  var workers: Int { key.workers }

  /// A license through the core's encoder (olic_encode_license), signed on thread `worker`.
  func license(_ fields: olic_license, extra: [HostLicense.Extension], worker: Int = 0) -> Result<[UInt8], Failure> {
    do throws(Failure) {
      return .success(try key.license(fields, extra: extra, worker: worker) { Failure("cannot encode the license: \(statusName($0))") })
    } catch {
      return .failure(error)
    }
  }

  /// A detached Ed25519 signature (ledger checkpoints).
  func sign(_ message: [UInt8]) throws(Failure) -> [UInt8] { try key.sign(message) }
}
