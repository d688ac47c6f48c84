import COlic
import OfflineLicensing

/// The regulator's signing key, loaded through the CLI's one key path
/// (KeyFile.loadPrivate) in this one place: licenses and ledger checkpoints are
/// signed with whatever key source that path supports.
struct RegulatorSigner: Sendable {
  let issuer: HostLicense.Issuer
  let publicKey: [UInt8]
  let keyId: [UInt8]
  private let secretKey: [UInt8]

  static func load(_ path: String, what: String = "--key") throws(Failure) -> RegulatorSigner {
    let key = try KeyFile.loadPrivate(path, what: what)
    guard let secretKey = key.secretKey, let issuer = HostLicense.Issuer(secretKey: secretKey),
      let keyId = HostLicense.keyId(key.publicKey)
    else {
      throw Failure("\(what): cannot prepare the key for signing")
    }
    return RegulatorSigner(issuer: issuer, publicKey: key.publicKey, keyId: keyId, secretKey: secretKey)
  }

  /// A license through the core's encoder (olic_encode_license), signed.
  func license(_ fields: olic_license, extra: [HostLicense.Extension]) -> Result<[UInt8], Failure> {
    switch issuer.issue(fields, extra: extra) {
    case .success(let blob): return .success(blob)
    case .failure(let status): return .failure(Failure("cannot encode the license: \(statusName(status))"))
    }
  }

  /// A detached Ed25519 signature (ledger checkpoints).
  func sign(_ message: [UInt8]) throws(Failure) -> [UInt8] {
    guard let signature = HostCrypto.sign(message, secretKey: secretKey) else { throw Failure("--key: signing failed") }
    return signature
  }
}
